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

import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
import pendulum

from ppa_core import _gc
from ppa_core import _validation as v
from ppa_core.appointment import Appointment
from ppa_core.contract import BillingPeriod, Contract, ContractTerms, GuaranteeRemedy
from ppa_core.exceptions import ValidationError
from ppa_core.money import Currency, Money, RoundingMode, money_in
from ppa_core.pricing import Commission, Hybrid, PayPerLead, Pricing, Retainer
from ppa_core.rules.engine import BillingEngine, engine_for
from ppa_core.rules.verdict import Decision, DecisionStatus, ReasonCode

__all__ = [
    "GuaranteeResult",
    "Invoice",
    "InvoiceLine",
    "LineKind",
    "PeriodFees",
    "build_invoice",
    "period_fees",
]


class LineKind(enum.StrEnum):
    """What an invoice line bills or credits."""

    APPOINTMENT = "appointment"
    RETAINER = "retainer"
    LEADS = "leads"
    COMMISSION = "commission"
    ADJUSTMENT = "adjustment"
    GUARANTEE_CREDIT = "guarantee_credit"
    NOT_BILLED = "not_billed"


@attrs.frozen
class InvoiceLine:
    """One line: an appointment (billed or not), a period fee, or a credit/debit.

    Attributes:
        kind: what the line is.
        description: a readable description.
        amount: the line's amount, rounded to the minor unit (negative for a credit).
        appointment_id: the appointment, for appointment and adjustment lines.
        meeting_start: the meeting start, for appointment lines.
        status: the decision's status, for appointment lines.
        reason_codes: the decision's reason codes (or the adjustment's cause).
        tier: the volume tier (1-based), when tiered.
        unit: the rank among the period's billable appointments.
        unit_price: the unit price before any fraction.
        quantity: how many units the line bills (1 for an appointment).
    """

    kind: LineKind
    description: str
    amount: Money
    appointment_id: str | None = None
    meeting_start: pendulum.DateTime | None = None
    status: DecisionStatus | None = None
    reason_codes: tuple[str, ...] = ()
    tier: int | None = None
    unit: int | None = None
    unit_price: Money | None = None
    quantity: Decimal = Decimal(1)


@attrs.frozen
class GuaranteeResult:
    """How the period did against the guaranteed minimum of held appointments.

    Attributes:
        minimum: the guaranteed minimum for this period (plus any roll-over owed).
        held: qualified meetings held in the period (over-cap ones included).
        shortfall: ``max(0, minimum - held)``.
        remedy: a service credit on this invoice, or a roll-over to the next period.
    """

    minimum: int
    held: int
    shortfall: int
    remedy: GuaranteeRemedy

    @property
    def attainment(self) -> Decimal:
        """``held / minimum`` as an exact fraction (1 means met)."""
        return Decimal(self.held) / Decimal(self.minimum)


@attrs.frozen
class Invoice:
    """The invoice of one contract for one billing period.

    Attributes:
        contract_id: the contract.
        period: the half-open billing period, in the contract's timezone.
        issued_at: the moment the facts were read (``as_of``).
        currency: the contract's currency.
        lines: the lines that bill or credit money, in a stable order.
        not_billed: the period's appointments not billed (over the cap, no-shows,
            pending ...), each with zero amount and its reason codes.
        guarantee: the guarantee result, when the terms have one.
    """

    contract_id: str
    period: BillingPeriod
    issued_at: pendulum.DateTime
    currency: Currency
    lines: tuple[InvoiceLine, ...]
    not_billed: tuple[InvoiceLine, ...] = ()
    guarantee: GuaranteeResult | None = None

    @property
    def total(self) -> Money:
        """The invoice total: exactly the sum of the lines."""
        return Money.total((line.amount for line in self.lines), self.currency)

    @property
    def subtotal(self) -> Money:
        """The sum of the lines that bill this period (before adjustments and credits)."""
        return Money.total(
            (
                line.amount
                for line in self.lines
                if line.amount.amount >= 0 and line.kind is not LineKind.ADJUSTMENT
            ),
            self.currency,
        )

    @property
    def credits(self) -> Money:
        """The sum of negative lines (credits), as a negative amount or zero."""
        return Money.total(
            (line.amount for line in self.lines if line.amount.amount < 0), self.currency
        )

    @property
    def over_cap(self) -> tuple[InvoiceLine, ...]:
        """The appointments not billed because the period's cap was reached."""
        return tuple(line for line in self.not_billed if ReasonCode.OVER_CAP in line.reason_codes)

    @property
    def pending(self) -> tuple[InvoiceLine, ...]:
        """The appointments whose outcome is not known yet."""
        return tuple(line for line in self.not_billed if line.status is DecisionStatus.PENDING)

    @property
    def billed_appointments(self) -> tuple[str, ...]:
        """The ids of the appointments billed on this invoice for this period."""
        return tuple(
            line.appointment_id
            for line in self.lines
            if line.kind is LineKind.APPOINTMENT and line.appointment_id is not None
        )

    def __repr__(self) -> str:
        from ppa_core._repr import invoice_text  # noqa: PLC0415 - formatting stays out of the domain

        return invoice_text(self)

    def _repr_html_(self) -> str:
        """A compact HTML table for Jupyter."""
        from ppa_core._repr import invoice_html  # noqa: PLC0415 - formatting stays out of the domain

        return invoice_html(self)


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
    starts = [(p.period.start, p.period.end) for p in earlier]
    listed = list(v.iterable(appointments, "appointments", "Appointment"))
    # Each decision comes in the order given (memory order) and is let go once its
    # lines are made; lines are placed by rank into meeting order without being read
    # again. Ranks stay below the number of appointments given.
    billed: list[InvoiceLine | None] = [None] * len(listed)
    refused: list[InvoiceLine | None] = [None] * len(listed)
    adjusted: list[tuple[int, Appointment, Decision]] = []
    held = 0
    for rank, appointment, decision in engine._each_decision(listed, moment, trace=False):
        start = decision.meeting_start
        if period.start <= start < period.end:
            if decision.is_qualified_held:
                held += 1
            line = _appointment_line(decision, appointment.prospect.name)
            (billed if decision.billable else refused)[rank] = line
        elif any(s <= start < e for s, e in starts):
            adjusted.append((rank, appointment, decision))
    lines = [line for line in billed if line is not None]
    not_billed = [line for line in refused if line is not None]
    terms = contract.terms_at(period.start)
    lines.extend(_period_fees(terms, period, leads, closed_value, contract.currency))
    lines.extend(_adjustments(earlier, adjusted))
    guarantee = _guarantee(terms, held, earlier, period)
    if guarantee is not None and guarantee[1] is not None:
        lines.append(guarantee[1])
    return Invoice(
        contract.id,
        period,
        moment,
        contract.currency,
        tuple(lines),
        tuple(not_billed),
        None if guarantee is None else guarantee[0],
    )


@attrs.frozen
class PeriodFees:
    """What a pricing bills once per period, outside its appointment lines.

    Each amount is rounded to the minor unit (a line of its own), or None when
    the pricing has no such fee.
    """

    retainer: Money | None = None
    leads: Money | None = None
    commission: Money | None = None


def period_fees(
    pricing: Pricing,
    rounding: RoundingMode,
    currency: Currency,
    *,
    leads: int = 0,
    closed_value: Money | None = None,
) -> PeriodFees:
    """The retainer, lead and commission amounts ``pricing`` bills for one period.

    Raises:
        ValidationError: ``closed_value`` is not Money in ``currency``.
    """
    retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
    fees = PeriodFees()
    if isinstance(retainer, Retainer):
        fees = attrs.evolve(fees, retainer=retainer.fee.rounded(rounding))
    if isinstance(pricing, PayPerLead) and leads:
        fees = attrs.evolve(fees, leads=(pricing.price_per_lead * leads).rounded(rounding))
    if isinstance(pricing, Commission) and closed_value is not None:
        value = money_in("closed_value", closed_value, currency)
        fees = attrs.evolve(fees, commission=(value * pricing.rate).rounded(rounding))
    return fees


def _period_fees(
    terms: ContractTerms,
    period: BillingPeriod,
    leads: int,
    closed_value: Money | None,
    currency: Currency,
) -> list[InvoiceLine]:
    pricing = terms.pricing
    fees = period_fees(pricing, terms.rounding, currency, leads=leads, closed_value=closed_value)
    lines: list[InvoiceLine] = []
    retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
    if fees.retainer is not None and isinstance(retainer, Retainer):
        lines.append(
            InvoiceLine(
                LineKind.RETAINER,
                f"retainer {period.label}",
                fees.retainer,
                unit_price=retainer.fee,
            )
        )
    if fees.leads is not None and isinstance(pricing, PayPerLead):
        lines.append(
            InvoiceLine(
                LineKind.LEADS,
                f"{leads} leads at {pricing.price_per_lead.format()}",
                fees.leads,
                unit_price=pricing.price_per_lead,
                quantity=Decimal(leads),
            )
        )
    if fees.commission is not None and isinstance(pricing, Commission) and closed_value:
        lines.append(
            InvoiceLine(
                LineKind.COMMISSION,
                f"commission {pricing.rate:%} of {closed_value.format()}",
                fees.commission,
                quantity=pricing.rate,
            )
        )
    return lines


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
    periods = [(p.period.start, p.period.end) for p in earlier]
    adjustments: list[tuple[int, InvoiceLine]] = []
    for rank, appointment, decision in known:
        start = decision.meeting_start
        if not any(s <= start < e for s, e in periods):
            continue
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


def _guarantee(
    terms: ContractTerms, held: int, earlier: Sequence[Invoice], period: BillingPeriod
) -> tuple[GuaranteeResult, InvoiceLine | None] | None:
    """The guarantee's result for ``held`` qualified meetings held in ``period``, and any credit."""
    guarantee = terms.guarantee
    if guarantee is None:
        return None
    minimum = guarantee.minimum_held
    if guarantee.remedy is GuaranteeRemedy.ROLL_OVER and earlier:
        last = earlier[-1]
        if last.period.end == period.start and last.guarantee is not None:
            minimum += last.guarantee.shortfall
    shortfall = max(0, minimum - held)
    result = GuaranteeResult(minimum, held, shortfall, guarantee.remedy)
    credit = guarantee.credit_per_missing
    if shortfall and guarantee.remedy is GuaranteeRemedy.SERVICE_CREDIT and credit is not None:
        line = InvoiceLine(
            LineKind.GUARANTEE_CREDIT,
            f"guarantee shortfall: {held} held of {minimum} guaranteed, "
            f"{shortfall} x {credit.format()} credited",
            -(credit * shortfall).rounded(terms.rounding),
            unit_price=credit,
            quantity=Decimal(shortfall),
        )
        return result, line
    return result, None
