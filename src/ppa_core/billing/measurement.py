"""One KPI measured over a window of appointments, with the appointments behind it.

The definitions are those of :mod:`ppa_core.billing.figures` (each appointment
is classified by the same function), so a review's show rate over a period is
:func:`~ppa_core.billing.figures.compute_figures`' show rate over it; the
shares and the time from booking to meeting are taken over the qualified
meetings held. ``docs/reviews.md`` gives each numerator and denominator.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from decimal import Decimal

import attrs
import pendulum

from ppa_core.billing.figures import _classify
from ppa_core.billing.guarantee import _delivered
from ppa_core.billing.periods import _in_term, _terms_of
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.domain.service_level import Kpi, Target
from ppa_core.rules.verdict import Decision, DecisionStatus, ReasonCode

__all__ = ["Measurement"]

_SECONDS_PER_DAY = Decimal(86400)


@attrs.frozen
class Measurement:
    """A KPI's value over a window, and what it was computed from.

    Attributes:
        kpi: the figure measured.
        value: the value (a fraction, a count, days, or Money for cost per meeting);
            None when it cannot be measured yet.
        numerator: the value's numerator (a count, an amount or days).
        denominator: its denominator (None for a count such as meetings held).
        counted: the ids of the appointments in the numerator.
        among: the ids of the appointments in the denominator (for guarantee
            attainment: the meetings of the periods with a guarantee).
        pending: the ids of the window's appointments whose outcome is pending.
        reason: why the value cannot be measured yet (None when it can).
    """

    kpi: Kpi
    value: Decimal | Money | None
    numerator: Decimal
    denominator: Decimal | None
    counted: tuple[str, ...] = ()
    among: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def number(self) -> Decimal | None:
        """The value as a number to compare with a threshold (an amount for money)."""
        return self.value.amount if isinstance(self.value, Money) else self.value


@attrs.frozen
class _Row:
    """An appointment of the window as decided, and how the figures classify it."""

    appointment: Appointment
    decision: Decision
    kind: str  # "held", "no_show", "cancelled" or "undecided" (figures' classes)


def _row(appointment: Appointment, decision: Decision) -> _Row:
    """The row of ``appointment`` (as known at the decision) for measuring."""
    return _Row(appointment, decision, _classify(appointment, decision))


def _ids(rows: Sequence[_Row]) -> tuple[str, ...]:
    return tuple(r.appointment.id for r in rows)


def _qualified(r: _Row) -> bool:
    return r.kind != "undecided" and ReasonCode.NOT_QUALIFIED not in r.decision.reason_codes


def _measure(  # noqa: PLR0917 - private helper, every argument is needed
    target: Target,
    rows: Sequence[_Row],
    contract: Contract,
    periods: Sequence[BillingPeriod],
    rounding: RoundingMode,
    window: BillingPeriod,
) -> Measurement:
    """``target.kpi`` over ``rows`` (the window's appointments, in meeting order).

    ``periods``: the contract's billing periods making up ``window`` (for the guarantee).
    """
    kpi = target.kpi
    pending = tuple(r.appointment.id for r in rows if r.decision.status is DecisionStatus.PENDING)
    if pending:
        return Measurement(
            kpi,
            None,
            Decimal(0),
            None,
            pending=pending,
            reason=f"{len(pending)} outcome(s) pending in {window.label}",
        )
    decided = [r for r in rows if r.kind != "undecided"]
    held_q = [r for r in rows if r.decision.is_qualified_held]
    if kpi is Kpi.SHOW_RATE:
        held = [r for r in rows if r.kind == "held"]
        return _ratio(kpi, held, [r for r in rows if r.kind in {"held", "no_show"}], "meeting")
    if kpi is Kpi.QUALIFICATION_RATE:
        return _ratio(kpi, [r for r in decided if _qualified(r)], decided, "decided appointment")
    if kpi is Kpi.BILLABLE_RATE:
        return _ratio(kpi, [r for r in decided if r.decision.billable], decided, "decided one")
    if kpi is Kpi.MEETINGS_HELD:
        return Measurement(kpi, Decimal(len(held_q)), Decimal(len(held_q)), None, _ids(held_q))
    if kpi is Kpi.COST_PER_MEETING:
        return _cost(kpi, [r for r in rows if r.decision.billable], contract, rounding)
    if kpi is Kpi.SENIORITY_SHARE:
        floor = target.seniority
        senior = [
            r
            for r in held_q
            if floor is not None
            and (s := r.appointment.prospect.seniority) is not None
            and s >= floor
        ]
        return _ratio(kpi, senior, held_q, "qualified meeting held")
    if kpi is Kpi.REGION_SHARE:
        inside = [r for r in held_q if r.appointment.prospect.company.region == target.region]
        return _ratio(kpi, inside, held_q, "qualified meeting held")
    if kpi is Kpi.DAYS_TO_MEETING:
        return _days(kpi, held_q)
    return _attainment(kpi, rows, contract, periods, window)


def _ratio(kpi: Kpi, counted: Sequence[_Row], among: Sequence[_Row], what: str) -> Measurement:
    numerator, denominator = Decimal(len(counted)), Decimal(len(among))
    if not among:
        return Measurement(kpi, None, numerator, denominator, reason=f"no {what} in the window")
    return Measurement(
        kpi, numerator / denominator, numerator, denominator, _ids(counted), _ids(among)
    )


def _cost(
    kpi: Kpi, billable: Sequence[_Row], contract: Contract, rounding: RoundingMode
) -> Measurement:
    billed = Money.total((r.decision.amount for r in billable), contract.currency)
    count = Decimal(len(billable))
    if not billable:
        return Measurement(kpi, None, billed.amount, count, reason="no billable meeting")
    value = billed.divided_by(len(billable)).rounded(rounding)
    return Measurement(kpi, value, billed.amount, count, _ids(billable), _ids(billable))


def _days(kpi: Kpi, held: Sequence[_Row]) -> Measurement:
    total = Decimal(0)
    for r in held:
        lead = r.decision.meeting_start - r.appointment.booked_at
        total += Decimal(int(lead.total_seconds())) / _SECONDS_PER_DAY
    count = Decimal(len(held))
    if not held:
        return Measurement(kpi, None, total, count, reason="no qualified meeting held")
    return Measurement(kpi, total / count, total, count, _ids(held), _ids(held))


def _attainment(
    kpi: Kpi,
    rows: Sequence[_Row],
    contract: Contract,
    periods: Sequence[BillingPeriod],
    window: BillingPeriod,
) -> Measurement:
    """Delivered / guaranteed over the window's periods whose terms have a guarantee."""
    minimum = 0
    counted: list[_Row] = []
    among: list[_Row] = []
    for period in periods:
        guarantee = _terms_of(contract, period).guarantee
        if guarantee is None:
            continue
        minimum += guarantee.minimum_held
        start, end = _in_term(contract, period)
        inside = [r for r in rows if start <= r.decision.meeting_start < end]
        among.extend(inside)
        counted.extend(r for r in inside if _delivered(r.decision, contract, r.appointment))
    numerator = Decimal(len(counted))
    if not minimum:
        return Measurement(
            kpi, None, numerator, None, reason=f"no guarantee in force in {window.label}"
        )
    denominator = Decimal(minimum)
    return Measurement(
        kpi, numerator / denominator, numerator, denominator, _ids(counted), _ids(among)
    )


def _rows_in(
    rows: Sequence[_Row], starts: Sequence[pendulum.DateTime], span: BillingPeriod
) -> Sequence[_Row]:
    """The rows whose meeting starts in ``span`` (``starts``: the rows' starts, sorted)."""
    return rows[bisect.bisect_left(starts, span.start) : bisect.bisect_left(starts, span.end)]
