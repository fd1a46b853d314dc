"""The guarantee: a minimum of delivered meetings per period, its shortfall and remedy.

Each contract period an invoice judges gets a :class:`~ppa_core.billing.lines.GuaranteeResult`
and, under a service credit, a credit line; under a roll-over the shortfall is
added to the next period's minimum. Earlier invoices' service credits are judged
again on today's facts, and the difference becomes an adjustment line.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pendulum

from ppa_core.billing.lines import GuaranteeResult, Invoice, InvoiceLine, LineKind
from ppa_core.billing.periods import _judged_on, _terms_of
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms
from ppa_core.domain.guarantee import GuaranteeRemedy
from ppa_core.domain.money import Money
from ppa_core.rules.verdict import NOT_HELD_CODES, Decision, ReasonCode

__all__: list[str] = []


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
