"""Invoices: one contract, one billing period, every line explained.

An invoice is computed **as of** its issue moment from the facts known then.
Re-running it over the same facts gives the same invoice. What changes after
an invoice was issued (a dispute upheld, an outcome corrected, a late-arriving
appointment) never rewrites it: pass the issued invoices as ``previous`` and
the next invoice carries the difference as adjustment lines (credits or
debits).

Every amount is rounded once, at the line, with the contract's rounding mode;
the total is exactly the sum of the lines.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Sequence
from decimal import Decimal

import pendulum

from ppa_core import _gc
from ppa_core import _validation as v
from ppa_core.billing.fees import _retainer, _usage_fees
from ppa_core.billing.lines import GuaranteeResult, Invoice, InvoiceLine, LineKind
from ppa_core.billing.periods import _billed_on, _judged_on, _terms_of
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms, GuaranteeRemedy
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError
from ppa_core.rules.engine import BillingEngine, engine_for
from ppa_core.rules.verdict import NOT_HELD_CODES, Decision, ReasonCode

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
    lines.extend(_usage_fees(terms, leads, closed_value, currency))
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


def _judge(
    contract: Contract,
    earlier: Sequence[Invoice],
    judged: Sequence[BillingPeriod],
    delivered: dict[pendulum.DateTime, int],
) -> tuple[list[GuaranteeResult], list[InvoiceLine]]:
    """The guarantee of each period in ``judged``, in order: the results and the credits."""
    results: list[GuaranteeResult] = []
    credits: list[InvoiceLine] = []
    rolled = _rolled_over(earlier, judged[0]) if judged else 0
    for judged_period in judged:
        terms = _terms_of(contract, judged_period)
        found = _guarantee(terms, delivered[judged_period.start], rolled, judged_period)
        if found is None:
            rolled = 0
            continue
        result, credit = found
        results.append(result)
        rolled = result.shortfall if result.remedy is GuaranteeRemedy.ROLL_OVER else 0
        if credit is not None:
            credits.append(credit)
    return results, credits


def _revisited(
    contract: Contract, earlier: Sequence[Invoice], appointments: Sequence[object]
) -> list[BillingPeriod]:
    """The periods judged on ``earlier`` invoices under a service credit, to judge again.

    Left out: periods an invoice from an earlier version judged (it judged its span as
    one, so its credit cannot be split by period), and periods some of whose
    invoiced appointments are not among ``appointments`` (they would count as lost).
    """
    found: dict[pendulum.DateTime, BillingPeriod] = {}
    settled: list[BillingPeriod] = []
    for invoice in earlier:
        if invoice.guarantee is not None and invoice.guarantee.period is None:
            settled.append(invoice.period)
            continue
        for judged in _judged_on(contract, invoice.period):
            guarantee = _terms_of(contract, judged).guarantee
            if (
                guarantee is not None
                and guarantee.remedy is GuaranteeRemedy.SERVICE_CREDIT
                and guarantee.credit_per_missing is not None
            ):
                found[judged.start] = judged
    if not found:
        return []
    # Not checked yet (the engine refuses anything else when it runs).
    given = {a.id for a in appointments if isinstance(a, Appointment)}
    for invoice in earlier:
        for line in (*invoice.lines, *invoice.not_billed):
            start = line.meeting_start
            if line.appointment_id is None or start is None or line.appointment_id in given:
                continue
            for judged in list(found.values()):
                if judged.start <= start < judged.end:
                    del found[judged.start]
    return [
        p for p in found.values() if not any(s.start < p.end and p.start < s.end for s in settled)
    ]


def _guarantee_revisits(
    contract: Contract,
    earlier: Sequence[Invoice],
    revisited: Sequence[BillingPeriod],
    delivered: dict[pendulum.DateTime, int],
) -> list[InvoiceLine]:
    """Adjustments where an earlier period's guarantee credit differs on today's facts."""
    lines: list[InvoiceLine] = []
    zero = Money.zero(contract.currency)
    credits = _credited(earlier) if revisited else {}
    for judged in revisited:
        now = delivered.get(judged.start, 0)
        found = _guarantee(_terms_of(contract, judged), now, 0, judged)
        assert found is not None  # _revisited keeps only periods with a guarantee
        result, credit = found
        minimum, shortfall = result.minimum, result.shortfall
        due = zero if credit is None else credit.amount
        credited = credits.get(judged.start, zero)
        difference = due - credited
        if difference.is_zero:
            continue
        kind = "credit" if difference.amount < 0 else "debit"
        lines.append(
            InvoiceLine(
                LineKind.ADJUSTMENT,
                f"{kind} for the guarantee of {judged.label}: {now} held of {minimum} "
                f"guaranteed now; credited {credited.format()}, due {due.format()}",
                difference,
                reason_codes=("GUARANTEE_SHORTFALL",),
                quantity=Decimal(shortfall),
                period=judged,
            )
        )
    return lines


def _credited(earlier: Sequence[Invoice]) -> dict[pendulum.DateTime, Money]:
    """What ``earlier`` invoices credited (and adjusted) per period's guarantee, in one pass."""
    found: dict[pendulum.DateTime, Money] = {}
    for invoice in earlier:
        for line in invoice.lines:
            judged = line.period
            if judged is None or line.appointment_id is not None:
                continue
            if line.kind is LineKind.GUARANTEE_CREDIT or line.kind is LineKind.ADJUSTMENT:
                before = found.get(judged.start)
                found[judged.start] = line.amount if before is None else before + line.amount
    return found


def _delivered(decision: Decision, contract: Contract, appointment: Appointment) -> bool:
    """A qualified meeting the agency delivered: held, or missed by the client's rep only.

    A host no-show counts when the terms bill it ("the agency delivered"): a client
    who pays for the meeting is not also credited for its absence.
    """
    if decision.is_qualified_held:
        return True
    codes = decision.reason_codes
    return (
        ReasonCode.HOST_NO_SHOW in codes
        and not _NOT_DELIVERED.intersection(codes)
        and contract.terms_at(appointment.booked_at).policy.host_no_show_billable
    )


_NOT_DELIVERED = NOT_HELD_CODES - {ReasonCode.HOST_NO_SHOW}
"""What keeps a meeting from counting as delivered: what keeps it from counting as held,
except the rep's absence."""


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


def _rolled_over(earlier: Sequence[Invoice], period: BillingPeriod) -> int:
    """The shortfall rolled over into ``period`` by the guarantee judged just before it."""
    judged = [p for p in earlier if p.guarantee is not None]
    if not judged:
        return 0
    last = judged[-1]
    result = last.guarantees[-1]  # the same as last.guarantee, which is set
    # The judged period's own end: a quarter's invoice may end after months without one.
    end = last.period.end if result.period is None else result.period.end
    if end != period.start:
        return 0
    return result.shortfall if result.remedy is GuaranteeRemedy.ROLL_OVER else 0


def _guarantee(
    terms: ContractTerms, delivered: int, rolled: int, period: BillingPeriod
) -> tuple[GuaranteeResult, InvoiceLine | None] | None:
    """One period's guarantee result for ``delivered`` qualified meetings, and any credit.

    ``rolled``: the shortfall the previous period rolled over (added to a roll-over minimum).
    """
    guarantee = terms.guarantee
    if guarantee is None:
        return None
    minimum = guarantee.minimum_held
    if guarantee.remedy is GuaranteeRemedy.ROLL_OVER:
        minimum += rolled
    shortfall = max(0, minimum - delivered)
    result = GuaranteeResult(minimum, delivered, shortfall, guarantee.remedy, period)
    credit = guarantee.credit_per_missing
    if shortfall and guarantee.remedy is GuaranteeRemedy.SERVICE_CREDIT and credit is not None:
        line = InvoiceLine(
            LineKind.GUARANTEE_CREDIT,
            f"guarantee shortfall {period.label}: {delivered} held of {minimum} guaranteed, "
            f"{shortfall} x {credit.format()} credited",
            -(credit * shortfall).rounded(terms.rounding),
            unit_price=credit,
            quantity=Decimal(shortfall),
            period=period,
        )
        return result, line
    return result, None
