"""Invoices: one contract, one billing period, every line explained.

An invoice is computed **as of** its issue moment from the facts known then.
Re-running it over the same facts gives the same invoice. What changes after
an invoice was issued (a dispute upheld, an outcome corrected, a late-arriving
appointment) never rewrites it: pass the issued invoices as ``previous`` and
the next invoice carries the difference as adjustment lines (credits or
debits).

Every amount is rounded once, at the line, with the contract's rounding mode;
the total is exactly the sum of the lines.

This module builds the invoice; the values it returns are in
:mod:`ppa_core.billing.lines`, its period fees in :mod:`ppa_core.billing.fees` and
the guarantee's judgement in :mod:`ppa_core.billing.guarantee`.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Sequence

import pendulum

from ppa_core import _gc
from ppa_core import _validation as v
from ppa_core.billing.fees import (
    _retainer,
    _usage_fees,
    commitment_lines,
    flat_fee_lines,
    setup_fee_line,
)
from ppa_core.billing.guarantee import _delivered, _guarantee_revisits, _judge, _revisited
from ppa_core.billing.lines import Invoice, InvoiceLine, LineKind
from ppa_core.billing.periods import _billed_on, _judged_on, _terms_of
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms
from ppa_core.domain.money import Money
from ppa_core.domain.pricing import Hybrid, PerAppointment
from ppa_core.exceptions import ValidationError
from ppa_core.rules.engine import BillingEngine, engine_for
from ppa_core.rules.verdict import Decision, ReasonCode

# Invoice is re-exported: ppa_core.billing.invoice is its documented path (the values
# live in ppa_core.billing.lines, below the builder, so both import without a cycle).
__all__ = [
    "Invoice",
    "build_invoice",
]


def _appointment_line(decision: Decision, who: str) -> InvoiceLine:
    billed = decision.billable
    codes = ", ".join(decision.reason_codes)
    description = f"meeting with {who}" if billed else f"not billed ({codes}): {who}"
    if billed and codes:
        description += f" ({codes})"
    return InvoiceLine(
        LineKind.APPOINTMENT if billed else LineKind.NOT_BILLED,
        description,
        decision.amount,
        appointment_id=decision.appointment_id,
        meeting_start=decision.meeting_start,
        status=decision.status,
        reason_codes=decision.reason_codes,
        tier=decision.tier,
        unit=decision.unit,
        unit_price=decision.unit_price,
    )


@_gc.paused()
def build_invoice(
    contract: Contract,
    appointments: Iterable[Appointment],
    period: BillingPeriod | pendulum.DateTime,
    *,
    as_of: pendulum.DateTime,
    previous: Sequence[Invoice] = (),
    leads: int = 0,
    closed_value: Money | None = None,
    engine: BillingEngine | None = None,
    deals: Sequence[Money] = (),
) -> Invoice:
    """Invoice ``period`` of ``contract`` from the facts known at ``as_of``.

    Args:
        contract: the contract.
        appointments: all the contract's appointments (earlier periods too: duplicates
            and adjustments need them), in any order.
        period: the billing period (usually one of the contract's; any half-open span
            works, such as half a month), or any moment inside one of the contract's.
            The retainer of each of the contract's periods starting in the span is
            billed, and the guarantee of each ending in it judged over all its
            meetings; neither outside the contract's term.
        as_of: the issue moment; facts recorded later are not known.
        previous: invoices already issued for earlier periods; changes since appear
            here as adjustment lines.
        leads: leads delivered in the period (pay-per-lead pricing).
        closed_value: deal value closed in the period (commission pricing).
        engine: an engine to reuse (it must be for ``contract``).
        deals: the value of each deal closed in the period, in order (commission
            pricing with graduated bands or per-deal limits); exclusive with
            ``closed_value``.

    Each contract period that ends in the span also gets its tier flat fees and its
    commitment's true-up or ceiling credit (counted over all its meetings); the
    invoice whose span holds the term's first day bills the setup fee.

    Raises:
        ValidationError: a naive datetime, a period that is neither a BillingPeriod
            nor a datetime, an invoice in ``previous`` of another contract, bad leads
            or value.
    """
    moment = v.to_datetime(as_of, "as_of")
    engine = engine_for(contract, engine)
    if not isinstance(period, BillingPeriod):
        period = contract.period_containing(v.to_datetime(period, "period"))
    leads = v.check_int("leads", leads, minimum=0)
    previous = tuple(v.iterable(previous, "previous", "Invoice"))
    for i, given in enumerate(previous):
        invoice: object = given  # callers are not always typed
        if not isinstance(invoice, Invoice) or invoice.contract_id != contract.id:
            raise ValidationError(
                f"previous[{i}]", invoice, f"an Invoice of contract {contract.id!r}"
            )
    earlier = sorted(
        (p for p in previous if p.period.start < period.start), key=lambda p: p.period.start
    )
    invoiced = _Spans(p.period for p in earlier)
    listed = list(v.iterable(appointments, "appointments", "Appointment"))
    # Each decision comes in the order given (memory order) and is let go once its
    # lines are made; lines are placed by rank into meeting order without being read
    # again. Ranks stay below the number of appointments given.
    billed: list[InvoiceLine | None] = [None] * len(listed)
    refused: list[InvoiceLine | None] = [None] * len(listed)
    adjusted: list[tuple[int, Appointment, Decision]] = []
    # The contract's own periods behind this invoice, within the term: a retainer is
    # billed for each that starts in the span, a guarantee judged for each that ends
    # in it (over all its meetings), so invoicing half a month at a time bills both
    # once, and a span outside the term bills neither.
    judged = _judged_on(contract, period)
    # Earlier invoices' guarantees are judged again on today's facts (a correction may
    # change what was delivered): the difference is an adjustment here.
    revisited = _revisited(contract, earlier, listed)
    # Meetings delivered per contract period judged, keyed as decisions name periods.
    delivered = dict.fromkeys((p.start for p in (*revisited, *judged)), 0)
    # Billable meetings and their amounts per judged period, for its flat fees and its
    # commitment; only counted when some judged period's terms need them.
    tally: dict[pendulum.DateTime, _Tally] | None = None
    if any(_charges_per_period(_terms_of(contract, p)) for p in judged):
        tally = {p.start: _Tally(Money.zero(contract.currency)) for p in judged}
    host = ReasonCode.HOST_NO_SHOW
    for rank, appointment, decision in engine._each_decision(listed, moment, trace=False):
        start = decision.meeting_start
        # is_qualified_held first: _delivered() is only needed for host no-shows.
        key = decision.period_start
        if (
            key is not None
            and key in delivered
            and (
                decision.is_qualified_held
                or (host in decision.reason_codes and _delivered(decision, contract, appointment))
            )
        ):
            delivered[key] += 1
        if tally is not None and decision.billable and key in tally:
            counted = tally[key]
            counted.units += 1
            counted.spend += decision.amount
        if period.start <= start < period.end:
            line = _appointment_line(decision, appointment.prospect.name)
            (billed if decision.billable else refused)[rank] = line
        elif invoiced.hold(start):
            adjusted.append((rank, appointment, decision))
    lines = [line for line in billed if line is not None]
    not_billed = [line for line in refused if line is not None]
    currency = contract.currency
    for fee_period in _billed_on(contract, period):
        lines.extend(_retainer(_terms_of(contract, fee_period), fee_period, currency))
    terms = contract.terms_at(period.start)
    usage = _usage_fees(terms, leads, closed_value, currency, deals)
    lines.extend(usage)
    lines.extend(_period_charges(contract, period, judged, tally, lines, usage))
    lines.extend(_adjustments(earlier, adjusted))
    lines.extend(_guarantee_revisits(contract, earlier, revisited, delivered))
    results, credits = _judge(contract, earlier, judged, delivered)
    lines.extend(credits)
    return Invoice(
        contract.id,
        period,
        moment,
        currency,
        tuple(lines),
        tuple(not_billed),
        results[-1] if results else None,
        tuple(results),
    )


def _charges_per_period(terms: ContractTerms) -> bool:
    """Whether the terms bill something per period that depends on its meetings."""
    pricing = terms.pricing
    per = pricing.per_appointment if isinstance(pricing, Hybrid) else pricing
    flat = isinstance(per, PerAppointment) and per.has_flat_fees
    return flat or terms.commitment is not None


class _Tally:
    """A judged period's billable meetings and what they bill."""

    __slots__ = ("spend", "units")

    def __init__(self, zero: Money) -> None:
        self.units = 0
        self.spend = zero


def _period_charges(  # noqa: PLR0917 - private helper, every argument is needed
    contract: Contract,
    span: BillingPeriod,
    judged: Sequence[BillingPeriod],
    tally: dict[pendulum.DateTime, _Tally] | None,
    lines: Sequence[InvoiceLine],
    usage: Sequence[InvoiceLine],
) -> list[InvoiceLine]:
    """Each judged period's flat fee lines then its commitment line; the setup fee.

    A period's spend: its meetings' amounts, its flat fees, its retainer line on this
    invoice, and (for the last period judged) this invoice's lead and commission lines.
    """
    charges: list[InvoiceLine] = []
    currency = contract.currency
    for i, judged_period in enumerate(judged if tally is not None else ()):
        terms = _terms_of(contract, judged_period)
        counted = tally[judged_period.start]  # type: ignore[index] # not None here
        units, spent = counted.units, counted.spend
        flat = flat_fee_lines(terms, judged_period, units)
        charges.extend(flat)
        retainers = (
            line.amount
            for line in lines
            if line.kind is LineKind.RETAINER and line.period == judged_period
        )
        spend = spent + Money.total((line.amount for line in flat), currency)
        spend += Money.total(retainers, currency)
        if i == len(judged) - 1:
            spend += Money.total((line.amount for line in usage), currency)
        charges.extend(commitment_lines(terms, judged_period, spend))
    if span.start <= contract.term_start < span.end:
        charges.extend(setup_fee_line(contract.terms_at(contract.term_start)))
    return charges


class _Spans:
    """The union of some half-open spans, asked whether it holds an instant in O(log n)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[BillingPeriod]) -> None:
        self._starts: list[pendulum.DateTime] = []
        self._ends: list[pendulum.DateTime] = []
        for span in sorted(spans, key=operator.attrgetter("start")):
            if self._ends and span.start <= self._ends[-1]:  # overlaps or touches: merge
                self._ends[-1] = max(self._ends[-1], span.end)
            else:
                self._starts.append(span.start)
                self._ends.append(span.end)

    def hold(self, moment: pendulum.DateTime) -> bool:
        i = bisect.bisect_right(self._starts, moment) - 1
        return i >= 0 and moment < self._ends[i]


def _adjustments(
    earlier: Sequence[Invoice], known: Sequence[tuple[int, Appointment, Decision]]
) -> list[InvoiceLine]:
    """Credit or debit lines for meetings of earlier invoices whose amount changed since."""
    if not earlier:
        return []
    billed: dict[str, Money] = {}
    for invoice in earlier:
        for line in invoice.lines:
            if line.appointment_id is not None:
                before = billed.get(line.appointment_id)
                billed[line.appointment_id] = (
                    line.amount if before is None else before + line.amount
                )
    adjustments: list[tuple[int, InvoiceLine]] = []
    for rank, appointment, decision in known:  # meetings in earlier invoices' periods
        start = decision.meeting_start
        before = billed.get(decision.appointment_id)
        now = decision.amount
        difference = now if before is None else now - before
        if difference.is_zero:
            continue
        codes = decision.reason_codes or ("CORRECTION",)
        kind = "credit" if difference.amount < 0 else "debit"
        who = appointment.prospect.name
        adjustments.append(
            (
                rank,
                InvoiceLine(
                    LineKind.ADJUSTMENT,
                    f"{kind} for the meeting of {start.to_date_string()} with {who} "
                    f"({', '.join(codes)}): billed {before.format() if before else 'nothing'}, "
                    f"now {now.format()}",
                    difference,
                    appointment_id=decision.appointment_id,
                    meeting_start=start,
                    status=decision.status,
                    reason_codes=tuple(codes),
                ),
            )
        )
    adjustments.sort(key=_first)  # meeting order
    return [line for _, line in adjustments]


def _first(pair: tuple[int, InvoiceLine]) -> int:
    return pair[0]
