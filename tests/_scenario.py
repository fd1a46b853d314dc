"""Small hand-built scenarios for the engine, invoice, figures and custom-rule tests.

Every helper builds a realistic object in one line with the market defaults of
``domain.md``: a contract in Berlin from 1 January 2026 at 350 EUR a meeting,
appointments booked a week ahead and recorded right after the meeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pendulum

from ppa_core import (
    Actor,
    Appointment,
    Attendance,
    Company,
    Contract,
    ContractTerms,
    Decision,
    Money,
    PerAppointment,
    Prospect,
    Seniority,
    Term,
    Verdict,
)

TZ = "Europe/Berlin"

BUILTIN_ORDER = (
    "term",
    "void",
    "outcome",
    "cancellation",
    "reschedule",
    "attendance",
    "qualification",
    "dispute",
)
"""The per-appointment rules of ``domain.md`` section 8, in their documented order."""

ACROSS_ORDER = ("duplicate", "cap", "price")
"""The rules that look across appointments; they close every trace."""

LATER = pendulum.datetime(2027, 1, 1, tz="UTC")
"""A moment after every scenario's facts: decisions as of then know everything."""


def eur(amount: int | str) -> Money:
    """``amount`` euros."""
    return Money.of(amount, "EUR")


def at(day: int, hour: int = 10, minute: int = 0, *, month: int = 3) -> pendulum.DateTime:
    """A moment in 2026 in the contract's timezone (March by default)."""
    return pendulum.datetime(2026, month, day, hour, minute, tz=TZ)


def prospect(
    id: str = "p-1",
    *,
    seniority: Seniority | str | None = Seniority.VP,
    company: str = "Acme Corp",
    employees: int | None = 500,
    name: str | None = None,
) -> Prospect:
    """A prospect at ``company``; ids name people, company names name companies."""
    return Prospect(
        id=id,
        name=name or f"Person {id}",
        job_title="VP Sales",
        seniority=seniority,
        company=Company(name=company, employee_count=employees, country="DE"),
    )


def terms(price: int | str | Money = 350, **changes: Any) -> ContractTerms:
    """Terms with a flat price (EUR unless a Money is given) unless ``pricing`` is given."""
    money = price if isinstance(price, Money) else eur(price)
    changes.setdefault("pricing", PerAppointment(price=money))
    return ContractTerms(**changes)


def contract(
    contract_terms: ContractTerms | None = None,
    *,
    currency: str = "EUR",
    timezone: str = TZ,
    start: pendulum.Date | None = None,
    end: pendulum.Date | None = None,
    **overrides: Any,
) -> Contract:
    """A contract between Outbound Co and Acme from 1 January 2026 (open-ended by default)."""
    return Contract(
        id="c-1",
        agency="Outbound Co",
        client="Acme",
        currency=currency,
        timezone=timezone,
        term=Term(start=start or pendulum.Date(2026, 1, 1), end=end),
        terms=contract_terms or terms(),
        **overrides,
    )


def booked(
    id: str,
    start: pendulum.DateTime,
    *,
    who: Prospect | None = None,
    booked_at: pendulum.DateTime | None = None,
) -> Appointment:
    """A scheduled appointment booked a week before ``start`` (or at ``booked_at``)."""
    return Appointment.book(
        id,
        who or prospect(),
        start=start,
        at=booked_at or start.subtract(days=7),
    )


def proposed(id: str, start: pendulum.DateTime, *, who: Prospect | None = None) -> Appointment:
    """An invitation to a meeting at ``start``, sent a week before and not accepted yet."""
    return Appointment.propose(id, who or prospect(), start=start, at=start.subtract(days=7))


def held(
    id: str,
    start: pendulum.DateTime,
    *,
    minutes: int = 30,
    delay: int = 0,
    attendees: Iterable[Actor] = (Actor.PROSPECT, Actor.CLIENT),
    who: Prospect | None = None,
    booked_at: pendulum.DateTime | None = None,
) -> Appointment:
    """A meeting held at ``start``, recorded when it ended."""
    return booked(id, start, who=who, booked_at=booked_at).hold(
        at=start.add(minutes=max(minutes + delay, 30)),
        attendance=Attendance(
            attended_minutes=minutes,
            join_delay_minutes=delay,
            attendees=frozenset(attendees),
        ),
    )


def no_show(
    id: str,
    start: pendulum.DateTime,
    *,
    absent: Actor = Actor.PROSPECT,
    who: Prospect | None = None,
) -> Appointment:
    """A meeting ``absent`` missed, recorded half an hour after the start."""
    return booked(id, start, who=who).no_show(at=start.add(minutes=30), absent=absent)


def cancelled(
    id: str,
    start: pendulum.DateTime,
    *,
    by: Actor,
    hours_before: float,
    who: Prospect | None = None,
) -> Appointment:
    """A meeting ``by`` cancelled ``hours_before`` its start."""
    return booked(id, start, who=who).cancel(
        at=start.subtract(seconds=int(hours_before * 3600)), actor=by
    )


def verdict(decision: Decision, rule_id: str) -> Verdict:
    """The trace line of ``rule_id``."""
    assert decision.trace is not None, "decide with trace=True"
    found = [v for v in decision.trace if v.rule_id == rule_id]
    assert len(found) == 1, f"{rule_id!r} appears {len(found)} times in the trace"
    return found[0]


def rule_ids(decision: Decision) -> tuple[str, ...]:
    """The rules of the trace, in order."""
    assert decision.trace is not None, "decide with trace=True"
    return tuple(v.rule_id for v in decision.trace)


def by_id(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """Decisions keyed by appointment id."""
    return {d.appointment_id: d for d in decisions}
