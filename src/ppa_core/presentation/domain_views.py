"""``repr`` and Jupyter HTML of the domain's nouns: appointments, prospects, money, figures.

A ``repr`` here identifies its value in one line (a failing property test prints a
few of them, not fifty lines of attributes); the HTML shows everything. Registered
with :mod:`ppa_core._rendering` when :mod:`ppa_core.presentation` is imported.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from ppa_core import _rendering
from ppa_core.billing.figures import Figures
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Prospect
from ppa_core.presentation.views import table

__all__ = [
    "appointment_html",
    "appointment_text",
    "figures_html",
    "money_html",
    "prospect_html",
    "prospect_text",
]


def _moment(value: dt.datetime) -> str:
    return value.isoformat()


def appointment_text(appointment: Appointment) -> str:
    """``Appointment('a-1', held, 2026-03-02T10:00:00+01:00, Ada Lovelace @ Acme, 2 steps)``."""
    steps = len(appointment.history)
    disputes = len(appointment.disputes)
    note = f", {disputes} dispute{'s' if disputes != 1 else ''}" if disputes else ""
    return (
        f"Appointment({appointment.id!r}, {appointment.state.value}, "
        f"{_moment(appointment.start)}, {appointment.prospect.name} @ "
        f"{appointment.prospect.company.name}, {steps} step{'s' if steps != 1 else ''}{note})"
    )


def appointment_html(appointment: Appointment) -> str:
    """The appointment's facts, then its history one step per row."""
    facts = table(
        ("appointment", "value"),
        [
            ("state", appointment.state.value),
            ("start", _moment(appointment.start)),
            ("duration", f"{appointment.duration_minutes} min"),
            ("prospect", f"{appointment.prospect.name} ({appointment.prospect.company.name})"),
            ("reschedules", appointment.reschedule_count),
            ("disputes", len(appointment.disputes)),
        ],
        caption=f"Appointment {appointment.id}",
    )
    steps = [
        (
            entry.action.value,
            entry.state.value,
            _moment(entry.at),
            entry.actor.value,
            _moment(entry.start) if entry.start is not None else "",
            entry.reason or "",
        )
        for entry in appointment.history
    ]
    history = table(("action", "state", "at", "by", "start", "reason"), steps, caption="History")
    return facts + history


def prospect_text(prospect: Prospect) -> str:
    """``Prospect('p-1', 'Ada Lovelace', 'VP Engineering', vp, Acme)``."""
    seniority = prospect.seniority.value if prospect.seniority is not None else "unknown"
    return (
        f"Prospect({prospect.id!r}, {prospect.name!r}, {prospect.job_title!r}, "
        f"{seniority}, {prospect.company.name})"
    )


def _known(value: object) -> object:
    return "unknown" if value is None else value


def prospect_html(prospect: Prospect) -> str:
    """The person, the company and the evidence as a two-column table."""
    company, bant = prospect.company, prospect.bant
    rows: list[tuple[str, object]] = [
        ("name", prospect.name),
        ("job title", prospect.job_title),
        ("seniority", _known(prospect.seniority and prospect.seniority.value)),
        ("function", _known(prospect.function)),
        ("company", company.name),
        ("employees", _known(company.employee_count)),
        ("revenue", _known(company.annual_revenue)),
        ("industry", _known(company.industry)),
        ("country", _known(company.country)),
        ("budget confirmed", _known(bant.budget_confirmed)),
        ("authority", _known(bant.authority)),
        ("need confirmed", _known(bant.need_confirmed)),
        ("need", _known(bant.need)),
        ("decision by", _known(bant.decision_date)),
        ("intent score", _known(prospect.intent_score)),
        ("buying stage", _known(prospect.buying_stage)),
        ("channel", _known(prospect.source_channel)),
    ]
    return table(("", "value"), rows, caption=f"Prospect {prospect.id}")


def money_html(money: Money) -> str:
    """The formatted amount, on one line: ``EUR 1,050.00``."""
    return f'<span style="white-space:nowrap">{html.escape(money.format())}</span>'


def _rate(rate: Decimal | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f} %"


def figures_html(figures: Figures) -> str:
    """The counts, rates and costs as a two-column table."""
    rows: list[tuple[str, object]] = [
        ("appointments", figures.appointments),
        ("decided", figures.decided),
        ("held", figures.held),
        ("no-shows", figures.no_shows),
        ("cancelled", figures.cancelled),
        ("qualified", figures.qualified),
        ("billable", figures.billable),
        ("qualified and held", figures.qualified_held),
        ("pending", figures.pending),
        ("billed", figures.billed),
        ("total cost", figures.total_cost),
        ("show rate", _rate(figures.show_rate)),
        ("qualification rate", _rate(figures.qualification_rate)),
        ("billable rate", _rate(figures.billable_rate)),
        ("cost per meeting", _known(figures.cost_per_meeting)),
        ("cost per held meeting", _known(figures.effective_cost_per_held_meeting)),
        ("cost per opportunity", _known(figures.cost_per_opportunity)),
        ("ROI", _rate(figures.roi)),
        ("guarantee attainment", _rate(figures.guarantee_attainment)),
    ]
    return table(("figure", "value"), rows, caption="Figures")


_rendering.text.register(Appointment, appointment_text)
_rendering.text.register(Prospect, prospect_text)
_rendering.html.register(Appointment, appointment_html)
_rendering.html.register(Prospect, prospect_html)
_rendering.html.register(Money, money_html)
_rendering.html.register(Figures, figures_html)
