"""Figures over a period or a campaign, and the same outcomes priced under each model.

Definitions (``domain.md`` section 9):

- **show rate** = held / (held + no-shows). A late cancellation by the
  prospect, a late join and a meeting shorter than the minimum duration (it
  does not count as held) count as no-shows; earlier cancellations, and
  proposals cancelled before the invitation was accepted, count in neither;
  a host no-show counts as held (the prospect came); a meeting the prospect
  came to past the reschedule limit counts as a cancellation, as the contract
  treats it (a no-show stays a no-show).
- **qualification rate** = qualified / appointments with a known outcome (void
  and pending ones left out).
- **billable rate** = billable / appointments with a known outcome.
- **cost per meeting** = amount billed / billable appointments.
- **effective cost per held meeting** = total cost (the retainer of every
  billing period that starts in the window included) / qualified meetings held.
- **cost per opportunity** = total cost / opportunities; **ROI** =
  (revenue - cost) / cost, when those figures are given.

In :func:`compare_models` every model's effective cost per meeting divides its
total by the same count, the meetings PPA would bill (qualified and held), so
the models compare like for like.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.billing.fees import (
    PeriodFees,
    _retainer,
    commitment_lines,
    flat_fee_lines,
    period_fees,
    setup_fee_line,
)
from ppa_core.billing.guarantee import _delivered
from ppa_core.billing.periods import _billed_on, _in_term, _own_periods, _terms_of
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract
from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.money import Money, money_in
from ppa_core.domain.pricing import (
    PRICING_TYPES,
    Hybrid,
    PerAppointment,
    Pricing,
    PricingModel,
    model_of,
)
from ppa_core.exceptions import ValidationError
from ppa_core.rules.engine import BillingEngine, engine_for
from ppa_core.rules.verdict import Decision, DecisionStatus, ReasonCode

__all__ = ["Comparison", "Figures", "ModelCost", "compare_models", "compute_figures"]

_NO_SHOW_CODES = frozenset(
    {ReasonCode.PROSPECT_NO_SHOW, ReasonCode.LATE_JOIN, ReasonCode.SHORT_MEETING}
)


def _ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    return None if not denominator else Decimal(numerator) / Decimal(denominator)


@attrs.frozen
class Figures:
    """Counts and rates over a set of appointments.

    Rates are exact Decimals in 0..1 (None when their denominator is zero);
    money is rounded to the minor unit.

    Attributes:
        appointments: appointments considered (meeting within the window).
        decided: appointments with a known outcome (not pending, not void).
        held: meetings the prospect attended in time (host no-shows included).
        no_shows: prospect no-shows, late joins, meetings shorter than the minimum
            duration and late cancellations by the prospect.
        cancelled: cancellations in good time, and proposals cancelled before the
            invitation was accepted (in neither side of the show rate).
        qualified: decided appointments whose prospect met the criteria.
        billable: billable appointments.
        qualified_held: qualified meetings held (what PPA bills, before caps and duplicates).
        pending: appointments still waiting for an outcome.
        billed: the amount billed for appointments.
        total_cost: billed plus the period fees (the retainers, or ``period_fees`` given).
        show_rate, qualification_rate, billable_rate: exact ratios.
        cost_per_meeting: billed / billable.
        effective_cost_per_held_meeting: total cost / qualified meetings held.
        cost_per_opportunity: total cost / opportunities, when given.
        roi: (revenue - total cost) / total cost, when revenue is given.
        guarantee_attainment: qualified meetings delivered (held, or billed host no-shows,
            as invoices count them) / the sum of the guaranteed minimums, over the
            contract's billing periods in the window and the term whose terms have a
            guarantee and that lie wholly inside the window (periods without a meeting
            included; roll-overs left out); None for a window shorter than a period.
    """

    appointments: int
    decided: int
    held: int
    no_shows: int
    cancelled: int
    qualified: int
    billable: int
    qualified_held: int
    pending: int
    billed: Money
    total_cost: Money
    show_rate: Decimal | None
    qualification_rate: Decimal | None
    billable_rate: Decimal | None
    cost_per_meeting: Money | None
    effective_cost_per_held_meeting: Money | None
    cost_per_opportunity: Money | None = None
    roi: Decimal | None = None
    guarantee_attainment: Decimal | None = None

    def _repr_html_(self) -> str:
        """The figures as a two-column HTML table for Jupyter."""
        return _rendering.html(self)


def _classify(appointment: Appointment, decision: Decision) -> str:
    codes = decision.reason_codes
    state = decision.state  # as decided: a correction after its window does not count
    if decision.status is DecisionStatus.PENDING or state is AppointmentState.VOID:
        return "undecided"
    if ReasonCode.LATE_CANCELLATION in codes and appointment.cancelled_by is Actor.PROSPECT:
        return "no_show"
    if state is AppointmentState.CANCELLED:
        return "cancelled"
    if _NO_SHOW_CODES.intersection(codes):
        return "no_show"  # short meetings too: "minimum attended duration to count as held"
    if ReasonCode.RESCHEDULE_LIMIT in codes:
        return "cancelled"  # a meeting past the limit counts as one (a no-show stays one)
    if state in (AppointmentState.HELD, AppointmentState.NO_SHOW):
        return "held"  # a host no-show: the prospect came
    return "cancelled"


def compute_figures(
    contract: Contract,
    appointments: Iterable[Appointment],
    *,
    as_of: pendulum.DateTime,
    period: BillingPeriod | None = None,
    opportunities: int | None = None,
    revenue: Money | None = None,
    period_fees: Money | None = None,
    engine: BillingEngine | None = None,
) -> Figures:
    """Figures for the appointments whose meeting falls in ``period`` (all, if None).

    Args:
        contract: the contract.
        appointments: the contract's appointments (all of them: duplicates need history).
        as_of: the moment the facts are read.
        period: restrict to meetings in this period; None for the whole campaign.
        opportunities: sales opportunities the meetings produced, for cost per opportunity.
        revenue: revenue (or pipeline value) attributed, for ROI.
        period_fees: the fees billed outside appointments, added to the cost; None
            (the default) adds the retainer of each of the contract's billing periods
            that starts in the window and the term, as its invoices bill it.
        engine: an engine to reuse.
    """
    moment = v.to_datetime(as_of, "as_of")
    listed = list(v.iterable(appointments, "appointments", "Appointment"))
    if period is not None and not isinstance(period, BillingPeriod):
        raise ValidationError("period", period, "None or a BillingPeriod")
    if opportunities is not None:
        v.check_int("opportunities", opportunities, minimum=0)
    for field, money in (("revenue", revenue), ("period_fees", period_fees)):
        if money is not None:
            money_in(field, money, contract.currency)
    engine = engine_for(contract, engine)
    decisions = engine.decide_all(listed, as_of=moment)
    by_id = {a.id: a for a in listed}
    zero = Money.zero(contract.currency)
    first: pendulum.DateTime | None = None
    last: pendulum.DateTime | None = None
    counts = dict.fromkeys(("held", "no_show", "cancelled", "undecided"), 0)
    qualified = billable = qualified_held = pending = considered = 0
    billed = zero
    held_by_period: dict[pendulum.DateTime, int] = {}
    for decision in decisions:
        if period is not None and not period.start <= decision.meeting_start < period.end:
            continue
        considered += 1
        start = decision.meeting_start
        first = start if first is None or start < first else first
        last = start if last is None or start > last else last
        appointment = by_id[decision.appointment_id].as_of(moment)
        if appointment is None:  # not reachable: decide_all returns only known ones
            continue
        if decision.period_start is not None:
            delivered = _delivered(decision, contract, appointment)
            held_by_period[decision.period_start] = (
                held_by_period.get(decision.period_start, 0) + delivered
            )
        kind = _classify(appointment, decision)
        counts[kind] += 1
        pending += decision.status is DecisionStatus.PENDING
        if kind != "undecided" and ReasonCode.NOT_QUALIFIED not in decision.reason_codes:
            qualified += 1
        if decision.billable:
            billable += 1
            billed += decision.amount
        qualified_held += decision.is_qualified_held
    decided = considered - counts["undecided"]
    own, starting, whole = _window(contract, period, first, last)
    rounding = (_terms_of(contract, own[0]) if own else contract.terms).rounding
    if period_fees is None:
        period_fees = Money.total(
            (
                line.amount
                for p in starting
                for line in _retainer(_terms_of(contract, p), p, contract.currency)
            ),
            contract.currency,
        )
    total = billed + period_fees
    # Each period against the guarantee in force when it starts, as its invoice reads it.
    minimums = {
        p.start: guarantee.minimum_held
        for p in whole
        if (guarantee := _terms_of(contract, p).guarantee) is not None
    }
    attainment = None
    if minimums:
        attainment = _ratio(sum(held_by_period.get(p, 0) for p in minimums), sum(minimums.values()))
    return Figures(
        appointments=considered,
        decided=decided,
        held=counts["held"],
        no_shows=counts["no_show"],
        cancelled=counts["cancelled"],
        qualified=qualified,
        billable=billable,
        qualified_held=qualified_held,
        pending=pending,
        billed=billed.rounded(rounding),
        total_cost=total.rounded(rounding),
        show_rate=_ratio(counts["held"], counts["held"] + counts["no_show"]),
        qualification_rate=_ratio(qualified, decided),
        billable_rate=_ratio(billable, decided),
        cost_per_meeting=billed.divided_by(billable, rounding) if billable else None,
        effective_cost_per_held_meeting=(
            total.divided_by(qualified_held, rounding) if qualified_held else None
        ),
        cost_per_opportunity=(total.divided_by(opportunities, rounding) if opportunities else None),
        roi=_ratio((revenue - total).amount, total.amount) if revenue is not None else None,
        guarantee_attainment=attainment,
    )


@attrs.frozen
class ModelCost:
    """The cost of the same outcomes under one pricing model.

    Attributes:
        model: the commercial model.
        pricing: the pricing used.
        total: the total cost, rounded to the minor unit.
        meetings: the common denominator: qualified meetings held (what PPA bills).
        cost_per_meeting: total / meetings (None when no meeting was held).
    """

    model: PricingModel
    pricing: Pricing
    total: Money
    meetings: int
    cost_per_meeting: Money | None

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """A one-row HTML table for Jupyter."""
        return _rendering.html(self)


class Comparison(tuple[ModelCost, ...]):
    """What :func:`compare_models` returns: a tuple of :class:`ModelCost`, one per model.

    It is a plain tuple in every way, and shows as one table in Jupyter.
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        """One row per model."""
        return _rendering.html(self)


def compare_models(
    contract: Contract,
    appointments: Iterable[Appointment],
    models: Sequence[Pricing],
    *,
    as_of: pendulum.DateTime,
    periods: int | None = None,
    leads: int = 0,
    closed_value: Money | None = None,
) -> tuple[ModelCost, ...]:
    """Price the same outcomes under each pricing in ``models``, side by side.

    Per-appointment models (and the per-appointment part of a hybrid) run the
    real engine with the contract's terms but that pricing. Period fees count
    ``periods`` times (None, the default: once per billing period of the contract
    from the first meeting's to the last's, within the term; at least once); pay
    per lead bills ``leads``; commission takes its rate (or graduated bands) of
    ``closed_value``. Tier flat fees and the contract's commitment count per
    period as invoices bill them (periods without meetings owe what zero meetings
    owe), and the setup fee once. Every model's cost per meeting divides by the same
    count, the qualified meetings held. The tuple returned is a
    :class:`Comparison` (it shows as a table in Jupyter).

    Raises:
        ValidationError: a model priced in another currency, or bad counts.
    """
    moment = v.to_datetime(as_of, "as_of")
    leads = v.check_int("leads", leads, minimum=0)
    given: object = contract  # callers are not always typed
    if not isinstance(given, Contract):
        raise ValidationError("contract", given, "a Contract")
    listed = list(v.iterable(appointments, "appointments", "Appointment"))
    for i, appointment in enumerate(listed):
        if not isinstance(appointment, Appointment):
            raise ValidationError(f"appointments[{i}]", appointment, "an Appointment")
    if periods is None:
        periods = max(1, len(_campaign_periods(contract, listed, moment)))
    periods = v.check_int("periods", periods, minimum=1)
    models = list(v.iterable(models, "models", "Pricing"))
    currency = contract.currency
    base = compute_figures(contract, listed, as_of=moment)
    meetings = base.qualified_held
    rounding = contract.terms.rounding
    results: list[ModelCost] = []
    for i, pricing in enumerate(models):
        if not isinstance(pricing, PRICING_TYPES):
            raise ValidationError(f"models[{i}]", pricing, "a pricing (PerAppointment, ...)")
        if pricing.currency != currency:
            raise ValidationError(f"models[{i}].currency", pricing.currency.code, f"{currency}")
        total = _model_total(contract, listed, pricing, moment, periods, leads, closed_value)
        per_meeting = total.divided_by(meetings, rounding) if meetings else None
        results.append(ModelCost(model_of(pricing), pricing, total, meetings, per_meeting))
    return Comparison(results)


def _model_total(  # noqa: PLR0917 - private helper, every argument is needed
    contract: Contract,
    appointments: list[Appointment],
    pricing: Pricing,
    moment: pendulum.DateTime,
    periods: int,
    leads: int,
    closed_value: Money | None,
) -> Money:
    rounding = contract.terms.rounding  # as the contract's invoices round their lines
    fees = period_fees(pricing, rounding, contract.currency, leads=leads, closed_value=closed_value)
    total = Money.zero(contract.currency)
    if fees.retainer is not None:
        total += fees.retainer * periods
    for fee in (fees.leads, fees.commission):
        if fee is not None:
            total += fee
    repriced = _with_pricing(contract, pricing)
    tally: dict[pendulum.DateTime, tuple[int, Money]] = {}
    if isinstance(pricing, PerAppointment | Hybrid):
        decisions = BillingEngine(repriced).decide_all(appointments, as_of=moment)
        total += Money.total((d.amount for d in decisions), contract.currency)
        for d in decisions:
            if d.billable and d.period_start is not None:
                units, spent = tally.get(d.period_start, (0, Money.zero(contract.currency)))
                tally[d.period_start] = (units + 1, spent + d.amount)
    return total + _charges(repriced, tally, periods, fees)


def _charges(
    contract: Contract,
    tally: dict[pendulum.DateTime, tuple[int, Money]],
    periods: int,
    fees: PeriodFees,
) -> Money:
    """The flat fees, commitment lines and setup fee of ``periods`` periods, as invoices bill them.

    Periods with meetings are those in ``tally``; the others (up to ``periods``) have
    none. Lead and commission fees count toward the last period's commitment.
    """
    terms = contract.terms
    currency = contract.currency
    total = Money.zero(currency)
    if terms.setup_fee is not None:
        total += Money.total((line.amount for line in setup_fee_line(terms)), currency)
    counted = sorted(tally.items())
    empty = max(0, periods - len(counted))
    rows = [(contract.period_containing(start), u, m, 1) for start, (u, m) in counted]
    if empty:
        rows.append(
            (contract.period_containing(contract.term_start), 0, Money.zero(currency), empty)
        )
    usage = Money.total((f for f in (fees.leads, fees.commission) if f is not None), currency)
    for i, (period, units, spent, times) in enumerate(rows):
        flat = Money.total((line.amount for line in flat_fee_lines(terms, period, units)), currency)
        spend = spent + flat + (fees.retainer or Money.zero(currency))
        if i == len(rows) - 1:
            spend += usage
        committed = Money.total(
            (line.amount for line in commitment_lines(terms, period, spend)), currency
        )
        total += (flat + committed) * times
    return total


def _with_pricing(contract: Contract, pricing: Pricing) -> Contract:
    amendments = tuple(
        attrs.evolve(a, terms=attrs.evolve(a.terms, pricing=pricing)) for a in contract.amendments
    )
    return attrs.evolve(
        contract, terms=attrs.evolve(contract.terms, pricing=pricing), amendments=amendments
    )


def _campaign_periods(
    contract: Contract, appointments: list[Appointment], moment: pendulum.DateTime
) -> list[BillingPeriod]:
    """The contract's billing periods from the first meeting's to the last's, in the term.

    Meetings as known at ``moment``: an appointment booked later does not count.
    """
    known = (a.as_of(moment) for a in appointments)
    starts = [a.start for a in known if a is not None]
    if not starts:
        return []
    return _window(contract, None, min(starts), max(starts))[0]


def _window(
    contract: Contract,
    period: BillingPeriod | None,
    first: pendulum.DateTime | None,
    last: pendulum.DateTime | None,
) -> tuple[list[BillingPeriod], list[BillingPeriod], list[BillingPeriod]]:
    """The contract's billing periods in the window and the term, three ways.

    All of them, those whose retainer falls in the window (as invoices bill it), and
    those wholly inside it. The window is ``period``, or the periods from the first
    meeting's to the last's.
    """
    if period is None:
        if first is None or last is None:
            return [], [], []
        period = BillingPeriod(
            contract.period_containing(first).start, contract.period_containing(last).end
        )
    own = _own_periods(contract, period)
    whole = [
        p
        for p in own
        if period.start <= (term := _in_term(contract, p))[0] and term[1] <= period.end
    ]
    return own, _billed_on(contract, period), whole
