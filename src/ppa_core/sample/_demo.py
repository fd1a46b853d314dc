"""The demo: the sample campaign decided, invoiced, measured and priced (private, pure).

:func:`demo_text` builds everything ``ppa-core demo`` prints and
:func:`trace_text` one decision's story; neither prints (``ppa_core.adapters.cli``
writes their text). The prices of the other models are assumptions of the
demo, not facts of the campaign, and the text says so.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import pendulum

from ppa_core.billing.figures import Figures, compare_models, compute_figures
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract, ContractTerms, PeriodKind
from ppa_core.domain.guarantee import GuaranteeRemedy
from ppa_core.domain.lifecycle import Action
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.domain.pricing import (
    Commission,
    Hybrid,
    PayPerLead,
    PerAppointment,
    Pricing,
    Retainer,
)
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.presentation.report import SENIORITY, invoice_report, local_time, percent, table
from ppa_core.presentation.views import describe_pricing
from ppa_core.rules.engine import BillingEngine
from ppa_core.rules.verdict import Decision, DecisionStatus, ReasonCode
from ppa_core.sample.campaign import SampleCampaign

__all__ = ["CODE_MEANINGS", "demo_text", "trace_text"]

# What the demo assumes to price the same outcomes under other models.
LEADS_PER_APPOINTMENT = 4
PRICE_PER_LEAD = 90
RETAINER_PER_MONTH = 15_000
COMMISSION_RATE = Decimal("0.10")
WIN_RATE = Decimal("0.10")  # of the qualified meetings held
DEAL_VALUE = 40_000
HYBRID_RETAINER = 5_000
HYBRID_PER_MEETING = 200

CODE_MEANINGS: Mapping[str, str] = {
    ReasonCode.NOT_QUALIFIED: "the prospect does not meet the criteria",
    ReasonCode.PROSPECT_NO_SHOW: "the prospect did not show",
    ReasonCode.LATE_JOIN: "the prospect joined after the grace period",
    ReasonCode.SHORT_MEETING: "shorter than the minimum duration",
    ReasonCode.CANCELLED: "cancelled in good time",
    ReasonCode.LATE_CANCELLATION: "cancelled late: by the prospect a no-show, by the client billed",
    ReasonCode.RESCHEDULE_LIMIT: "rescheduled too often or too far: counts as cancelled",
    ReasonCode.DUPLICATE: "the same person or company was billed already",
    ReasonCode.OUTSIDE_TERM: "outside the contract term",
    ReasonCode.OVER_CAP: "over the period's cap: reported, not billed",
    ReasonCode.DISPUTE_UPHELD: "disputed within the window and upheld",
    ReasonCode.HOST_NO_SHOW: "the client's rep missed it: billable",
    ReasonCode.PENDING_OUTCOME: "no outcome known yet",
    ReasonCode.VOID: "entered in error",
    ReasonCode.NO_PRICE: "no price for the prospect's seniority",
}
"""A short meaning of each built-in reason code, for the summary table."""


# -- the contract -----------------------------------------------------------------------------


def _criteria_text(criteria: object) -> str:
    if not isinstance(criteria, QualificationCriteria):
        return getattr(criteria, "name", type(criteria).__name__)
    parts = []
    if criteria.minimum_seniority is not None:
        parts.append(f"{SENIORITY[criteria.minimum_seniority]} or above")
    low, high = criteria.min_employees, criteria.max_employees
    if low is not None or high is not None:
        span = f"{low or 0:,}-{high:,}" if high is not None else f"{low:,}+"
        parts.append(f"{span} employees")
    if criteria.countries:
        parts.append("/".join(sorted(criteria.countries)))
    if criteria.title_exclude:
        parts.append("titles without " + "/".join(criteria.title_exclude))
    bant = criteria.bant
    if not bant.is_empty:
        text = f"BANT {bant.minimum_met} of 4"
        if bant.max_days_to_decision is not None:
            text += f", decision within {bant.max_days_to_decision} days"
        parts.append(text)
    return ", ".join(parts) or "everyone qualifies"


def _pricing_text(pricing: Pricing) -> str:
    if isinstance(pricing, PerAppointment) and pricing.seniority_prices:
        prices = sorted(pricing.seniority_prices.items(), key=lambda kv: -kv[0].rank)
        text = ", ".join(f"{SENIORITY[s]} {m.format()}" for s, m in prices)
        if pricing.price is not None:
            text += f"; others {pricing.price.format()}"
        return text + " per appointment"
    return describe_pricing(pricing)


def _terms_items(terms: ContractTerms, per: str) -> list[tuple[str, str]]:
    guarantee = terms.guarantee
    guaranteed = "none"
    if guarantee is not None:
        credit = guarantee.credit_per_missing
        remedy = (
            f"{credit.format()} credited per missing one"
            if guarantee.remedy is GuaranteeRemedy.SERVICE_CREDIT and credit is not None
            else "the shortfall rolls over"
        )
        guaranteed = f"{guarantee.minimum_held} held per {per}, {remedy}"
    duplicates = terms.duplicates
    within = f" within {duplicates.window_days} days" if duplicates.window_days else ""
    p = terms.policy
    return [
        ("prices", _pricing_text(terms.pricing)),
        ("criteria", _criteria_text(terms.criteria)),
        ("cap", f"{terms.cap} billable per {per}" if terms.cap is not None else "none"),
        ("guarantee", guaranteed),
        ("disputes", f"within {terms.dispute_window_days} days of the meeting"),
        ("duplicates", f"the same {duplicates.scope.value} is billed once{within}"),
        (
            "no-shows",
            f"grace {p.grace_minutes} min, at least {p.minimum_duration_minutes} min held, "
            f"fee {p.prospect_no_show_fee:.0%}, host no-show "
            + ("billable" if p.host_no_show_billable else "not billable"),
        ),
        (
            "changes",
            f"cancellation late under {p.late_cancellation_hours} h; {p.free_reschedules} free "
            f"reschedules within {p.reschedule_window_days} days",
        ),
    ]


def contract_report(contract: Contract) -> str:
    """The parties, term and each version of the terms (an amendment shows what it changed)."""
    term = contract.term
    rule = contract.billing_period
    monthly = rule.kind is PeriodKind.MONTHLY and rule.anchor_day == 1
    per = "month" if monthly else "period"
    out = [
        f"Contract {contract.id}: {contract.agency} -> {contract.client}",
        f"{contract.currency.code}, {contract.timezone}, billed per {per}, "
        f"term {term.start} to {term.end or 'open-ended'}",
    ]
    versions: list[tuple[str, ContractTerms, str | None]] = [
        (str(term.start), contract.terms, None),
        *((str(a.effective_from), a.terms, a.note) for a in contract.amendments),
    ]
    previous: list[tuple[str, str]] = []
    for since, terms, note in versions:
        items = _terms_items(terms, per)
        out.append(f"  from {since}" + (f" ({note})" if note else ""))
        out += [
            textwrap.fill(text, 100, initial_indent=f"    {name:<11} ", subsequent_indent=" " * 16)
            for name, text in items
            if (name, text) not in previous
        ]
        previous = items
    return "\n".join(out)


# -- decisions --------------------------------------------------------------------------------


def decisions_summary(decisions: Sequence[Decision], currency: str) -> str:
    """Two tables: decisions by status (count, amount), then by reason code and status."""
    statuses = []
    for status in DecisionStatus:
        chosen = [d for d in decisions if d.status is status]
        amount = Money.total((d.amount for d in chosen), currency)
        statuses.append((status.value.replace("_", " "), len(chosen), amount))
    total = Money.total((d.amount for d in decisions), currency)
    by_status = table(
        ("status", "appointments", "amount"),
        statuses,
        footer=("total", len(decisions), total),
    )
    codes: dict[str, dict[DecisionStatus, int]] = {}
    for decision in decisions:
        for code in decision.reason_codes or ("(no code)",):
            counts = codes.setdefault(code, dict.fromkeys(DecisionStatus, 0))
            counts[decision.status] += 1
    rows = [
        (
            code,
            sum(counts.values()),
            counts[DecisionStatus.BILLABLE],
            counts[DecisionStatus.NOT_BILLABLE],
            counts[DecisionStatus.PENDING],
            CODE_MEANINGS.get(code, "nothing stood in the way" if code == "(no code)" else ""),
        )
        for code, counts in sorted(codes.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    by_code = table(
        ("reason code", "appointments", "billable", "not billable", "pending", "meaning"), rows
    )
    note = "(an appointment may carry several codes)"
    return f"{by_status}\n\n{by_code}\n{note}"


# -- figures ----------------------------------------------------------------------------------


def figures_report(columns: Sequence[tuple[str, Figures]]) -> str:
    """One row per figure, one column per period (or the whole campaign)."""

    def row(label: str, values: Iterable[object]) -> tuple[object, ...]:
        return (label, *values)

    fs = [f for _, f in columns]
    rows = [
        row("appointments (meeting in the period)", (f.appointments for f in fs)),
        row("held (the prospect came)", (f.held for f in fs)),
        row("no-shows (incl. late joins, late cancellations)", (f.no_shows for f in fs)),
        row("cancelled in good time", (f.cancelled for f in fs)),
        row("qualified meetings held", (f.qualified_held for f in fs)),
        row("billable", (f.billable for f in fs)),
        row("pending", (f.pending for f in fs)),
        row("show rate = held / (held + no-shows)", (percent(f.show_rate) for f in fs)),
        row("qualification rate", (percent(f.qualification_rate) for f in fs)),
        row("billable rate", (percent(f.billable_rate) for f in fs)),
        row("billed for appointments", (f.billed for f in fs)),
        row("cost per meeting = billed / billable", (f.cost_per_meeting for f in fs)),
        row(
            "effective cost per qualified meeting held",
            (f.effective_cost_per_held_meeting for f in fs),
        ),
        row("guarantee attainment", (percent(f.guarantee_attainment) for f in fs)),
    ]
    return table(("figure", *(label for label, _ in columns)), rows)


def comparison_report(rows: Sequence[tuple[str, str, Money, int, Money | None]]) -> str:
    """Models side by side: name, pricing, total, the common count of meetings, per meeting."""
    return table(("model", "pricing", "total", "meetings", "per meeting"), rows)


# -- one decision -----------------------------------------------------------------------------


def trace_report(
    decision: Decision, appointment: Appointment, contract: Contract, as_of: pendulum.DateTime
) -> str:
    """Who the prospect is, the appointment's history and disputes, then the decision's trace."""
    p = appointment.prospect
    company = p.company
    facts = ", ".join(
        text
        for text in (
            SENIORITY[p.seniority] if p.seniority is not None else "seniority unknown",
            f"{company.employee_count:,} employees" if company.employee_count is not None else "",
            company.country or "",
        )
        if text
    )
    terms_from = decision.terms_from
    since = str(contract.term.start) if terms_from is None else local_time(contract, terms_from)
    meeting = local_time(contract, appointment.start)
    out = [
        f"{appointment.id}: {p.name}, {p.job_title} at {company.name} ({facts})",
        f"booked {local_time(contract, appointment.booked_at)} under the terms from {since}; "
        f"meeting {meeting} ({appointment.duration_minutes} min)",
        "",
        "history",
    ]
    history = [
        (
            local_time(contract, e.at),
            e.action.value,
            e.state.value,
            e.actor.value,
            (
                f"to {local_time(contract, e.start)} "
                if e.start is not None and e.action is not Action.PROPOSE
                else ""
            )
            + (e.reason or ""),
        )
        for e in appointment.history
    ]
    out.append(table(("at", "action", "state", "actor", "note"), history))
    for dispute in appointment.disputes:
        resolution = (
            f"{dispute.resolution.value} {local_time(contract, dispute.resolved_at)}"
            if dispute.resolution is not None
            else "open"
        )
        raised = local_time(contract, dispute.raised_at)
        out.append(f"dispute raised {raised}: {dispute.reason} ({resolution})")
    out += ["", f"decision as of {local_time(contract, as_of)}", decision.explain()]
    return "\n".join(out)


def wrap(text: str, width: int = 92) -> str:
    """``text`` wrapped to ``width`` columns."""
    return textwrap.fill(text, width)


# -- the demo ---------------------------------------------------------------------------------


def demo_text(campaign: SampleCampaign, *, prog: str = "ppa-core") -> str:
    """Everything ``demo`` prints: the campaign, decisions, invoices, figures, models."""
    contract = campaign.contract
    engine = BillingEngine(contract)
    decisions = engine.decide_all(campaign.appointments, as_of=campaign.as_of)
    by_id = {a.id: a for a in campaign.appointments}
    sections = [
        f"Sample campaign (seed {campaign.seed}): {contract.agency} -> {contract.client}",
        wrap(campaign.description),
        contract_report(contract),
        f"== Decisions as of {local_time(contract, campaign.as_of)} ({contract.timezone}): "
        f"{len(decisions)} appointments ==\n\n"
        + decisions_summary(decisions, contract.currency.code),
    ]
    invoices: list[Invoice] = []
    for period, issued_at in zip(campaign.periods, campaign.invoiced_at, strict=True):
        invoice = build_invoice(
            contract,
            campaign.appointments,
            period,
            as_of=issued_at,
            previous=tuple(invoices),
            engine=engine,
        )
        invoices.append(invoice)
        sections.append(
            f"== Invoice {period.label} ==\n\n" + invoice_report(invoice, contract, by_id)
        )
    sections.append(_figures_and_models(campaign, engine, invoices))
    footer = (
        f"One decision's trace: {prog} demo --trace ID (e.g. "
        + ", ".join(_examples(decisions))
        + f"). The same data as files: {prog} sample DIR."
    )
    sections.append(wrap(footer))
    return "\n\n".join(sections)


def _examples(decisions: Sequence[Decision]) -> list[str]:
    """An id for a few telling reason codes: one appointment each."""
    wanted = ("DISPUTE_UPHELD", "OVER_CAP", "HOST_NO_SHOW", "LATE_JOIN")
    found: dict[str, str] = {}
    for decision in decisions:
        for code in decision.reason_codes:
            found.setdefault(code, decision.appointment_id)
    return [f"{found[code]} {code}" for code in wanted if code in found]


def _figures_and_models(
    campaign: SampleCampaign, engine: BillingEngine, invoices: Sequence[Invoice]
) -> str:
    contract = campaign.contract
    as_of = campaign.as_of
    window = tuple(a for p in campaign.periods for a in campaign.in_period(p))
    columns = [
        (
            p.label,
            compute_figures(contract, campaign.appointments, as_of=as_of, period=p, engine=engine),
        )
        for p in campaign.periods
    ]
    both = compute_figures(contract, window, as_of=as_of, engine=engine)
    span = f"{campaign.periods[0].label}..{campaign.periods[-1].label}"
    columns.append((span, both))
    currency = contract.currency

    def eur(amount: int) -> Money:
        return Money.of(amount, currency)

    months = len(campaign.periods)
    leads = LEADS_PER_APPOINTMENT * len(window)
    deals = int(both.qualified_held * WIN_RATE)
    closed = eur(DEAL_VALUE * deals)
    models: list[Pricing] = [
        PayPerLead(eur(PRICE_PER_LEAD)),
        Retainer(eur(RETAINER_PER_MONTH)),
        Commission(COMMISSION_RATE, currency),
        Hybrid(Retainer(eur(HYBRID_RETAINER)), PerAppointment(price=eur(HYBRID_PER_MEETING))),
    ]
    costs = compare_models(
        contract, window, models, as_of=as_of, periods=months, leads=leads, closed_value=closed
    )
    meetings = both.qualified_held
    ppa_per = both.billed.divided_by(meetings, RoundingMode.HALF_UP) if meetings else None
    rows: list[tuple[str, str, Money, int, Money | None]] = [
        (
            "pay per appointment",
            "as contracted (the engine's decisions)",
            both.billed,
            meetings,
            ppa_per,
        )
    ]
    rows += [
        (
            c.model.value.replace("_", " "),
            describe_pricing(c.pricing),
            c.total,
            c.meetings,
            c.cost_per_meeting,
        )
        for c in costs
    ]
    invoiced = Money.total((i.total for i in invoices), currency)
    assumptions = (
        f"Assumptions, not facts of the campaign: {LEADS_PER_APPOINTMENT} leads per appointment "
        f"booked ({leads:,} leads); retainers for {months} months; {WIN_RATE:.0%} of the "
        f"{meetings} qualified meetings held close ({deals} deals) at {eur(DEAL_VALUE).format()} "
        f"each ({closed.format()} closed). Every model divides by the same {meetings} qualified "
        f"meetings held. Pay per appointment is before credits: the invoices total "
        f"{invoiced.format()} after the guarantee and dispute credits."
    )
    return (
        f"== Figures as of {local_time(contract, as_of)} ==\n\n"
        + figures_report(columns)
        + f"\n\n== The same outcomes under other pricing models ({span}) ==\n\n"
        + comparison_report(rows)
        + "\n"
        + wrap(assumptions)
    )


def trace_text(campaign: SampleCampaign, appointment_id: str) -> str | None:
    """One appointment's story and its decision's trace as of ``campaign.as_of``.

    Returns:
        The text, or None when no appointment has that id.
    """
    appointment = next((a for a in campaign.appointments if a.id == appointment_id), None)
    if appointment is None:
        return None
    contract = campaign.contract
    others = [a for a in campaign.appointments if a is not appointment]
    decision = BillingEngine(contract).decide(
        appointment, as_of=campaign.as_of, others=others, trace=True
    )
    return trace_report(decision, appointment, contract, campaign.as_of)
