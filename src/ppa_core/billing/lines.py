"""Invoice values: the lines of one contract's billing period and the invoice they make.

An :class:`Invoice` holds the lines that bill or credit money (appointments,
period fees, adjustments, guarantee credits), the period's appointments not
billed, and the result of each guarantee judged on it. Its total is exactly
the sum of its lines. :func:`ppa_core.billing.invoice.build_invoice` makes one.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.domain._compact import compact_pickle
from ppa_core.domain.contract import BillingPeriod
from ppa_core.domain.guarantee import GuaranteeRemedy
from ppa_core.domain.money import Currency, Money, _to_currency
from ppa_core.exceptions import ValidationError
from ppa_core.rules.verdict import DecisionStatus, ReasonCode

__all__ = [
    "GuaranteeResult",
    "Invoice",
    "InvoiceLine",
    "LineKind",
]


class LineKind(enum.StrEnum):
    """What an invoice line bills or credits."""

    APPOINTMENT = "appointment"
    RETAINER = "retainer"
    LEADS = "leads"
    COMMISSION = "commission"
    ADJUSTMENT = "adjustment"
    GUARANTEE_CREDIT = "guarantee_credit"
    SERVICE_CREDIT = "service_credit"
    NOT_BILLED = "not_billed"
    FLAT_FEE = "flat_fee"
    SETUP_FEE = "setup_fee"
    COMMITMENT = "commitment"


@compact_pickle
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
        period: the contract's billing period a retainer, a flat fee, a commitment
            line, a guarantee credit or a guarantee adjustment is for, or the span a
            service credit is for (None on other lines).
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
    period: BillingPeriod | None = None


@compact_pickle
@attrs.frozen
class GuaranteeResult:
    """How the period did against the guaranteed minimum of held appointments.

    Attributes:
        minimum: the guaranteed minimum for this period (plus any roll-over owed).
        held: qualified meetings the agency delivered in the period: held, or missed
            by the client's rep when the terms bill that (over-cap ones included).
        shortfall: ``max(0, minimum - held)``.
        remedy: a service credit on this invoice, or a roll-over to the next period.
        period: the contract's billing period judged (None on invoices issued by
            versions before results named it).
    """

    minimum: int
    held: int
    shortfall: int
    remedy: GuaranteeRemedy
    period: BillingPeriod | None = None

    @property
    def attainment(self) -> Decimal:
        """``held / minimum`` as an exact fraction (1 means met)."""
        return Decimal(self.held) / Decimal(self.minimum)


def _issued_at(value: object) -> pendulum.DateTime:
    return v.aware("invoice.issued_at")(value)


def _lines(value: object) -> tuple[InvoiceLine, ...]:
    return v.tuple_of("invoice.lines", InvoiceLine, "an InvoiceLine")(value)


def _not_billed(value: object) -> tuple[InvoiceLine, ...]:
    return v.tuple_of("invoice.not_billed", InvoiceLine, "an InvoiceLine")(value)


def _guarantee_results(value: object) -> tuple[GuaranteeResult, ...]:
    return v.tuple_of("invoice.guarantees", GuaranteeResult, "a GuaranteeResult")(value)


@compact_pickle
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
        guarantee: the result of the last guarantee judged on this invoice, when the
            terms have one (the same as ``guarantees[-1]``).
        guarantees: every contract period's guarantee judged on this invoice, in
            order: one for a month's invoice, three for a quarter's under a monthly
            guarantee. Default: ``guarantee`` alone, or none (so an invoice issued by
            a version before this list loads with its last result only).
    """

    contract_id: str = attrs.field(validator=v.text("invoice.contract_id"))
    period: BillingPeriod = attrs.field(
        validator=v.instance_of("invoice.period", BillingPeriod, "a BillingPeriod")
    )
    issued_at: pendulum.DateTime = attrs.field(converter=_issued_at)
    currency: Currency = attrs.field(converter=_to_currency)
    lines: tuple[InvoiceLine, ...] = attrs.field(converter=_lines)
    not_billed: tuple[InvoiceLine, ...] = attrs.field(default=(), converter=_not_billed)
    guarantee: GuaranteeResult | None = attrs.field(
        default=None,
        validator=v.optional_instance_of("invoice.guarantee", GuaranteeResult, "a GuaranteeResult"),
    )
    guarantees: tuple[GuaranteeResult, ...] = attrs.field(converter=_guarantee_results)

    @guarantees.default
    def _only_the_guarantee(self) -> tuple[GuaranteeResult, ...]:
        return () if self.guarantee is None else (self.guarantee,)

    def __attrs_post_init__(self) -> None:
        last = self.guarantees[-1] if self.guarantees else None
        if last != self.guarantee:
            raise ValidationError(
                "invoice.guarantee", self.guarantee, f"the last of guarantees ({last!r})"
            )

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
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """A compact HTML table for Jupyter."""
        return _rendering.html(self)
