"""Invoice documents: what a finance team sends, built from a period's invoice.

An :class:`InvoiceDocument` is the sendable form of an
:class:`~ppa_core.billing.lines.Invoice`: its charges as document lines, the
contract's tax treatment with its tax lines, totals (net, tax, gross), the
credit balance applied to it, the parties, payment terms and due date, a
number once issued, and free metadata for the back end.

Its status follows one table, :data:`DOCUMENT_TRANSITIONS`: ``draft -> issued ->
paid | void`` (Stripe's ``draft -> open -> paid | void`` without the
uncollectible state,
https://docs.stripe.com/invoicing/integration/workflow-transitions). A draft
has no number; issuing gives it the next number of its series and dates it;
an issued document never changes again except to be marked paid or voided
(then replaced by a new one), and is corrected by credit notes
(:mod:`ppa_core.billing.credit_note`). Documents are built by
:func:`ppa_core.billing.issuing.draft_documents`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.billing.lines import Invoice, LineKind
from ppa_core.billing.numbering import NumberSeries
from ppa_core.billing.tax import TAX_METHOD, TaxLine
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.money import Currency, Money, RoundingMode, _to_currency
from ppa_core.domain.party import Party
from ppa_core.domain.payment_terms import PaymentTerms
from ppa_core.domain.tax import TaxTreatment
from ppa_core.exceptions import TransitionNotAllowed, ValidationError

__all__ = [
    "DOCUMENT_TRANSITIONS",
    "DocumentAction",
    "DocumentLine",
    "DocumentStatus",
    "InvoiceDocument",
]


class DocumentStatus(enum.StrEnum):
    """Where a document is in its life."""

    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class DocumentAction(enum.StrEnum):
    """What can be done to a document."""

    ISSUE = "issue"
    PAY = "pay"
    VOID = "void"


_Table = Mapping[tuple["DocumentStatus", "DocumentAction"], "DocumentStatus"]

DOCUMENT_TRANSITIONS: _Table = MappingProxyType(
    {
        (DocumentStatus.DRAFT, DocumentAction.ISSUE): DocumentStatus.ISSUED,
        (DocumentStatus.ISSUED, DocumentAction.PAY): DocumentStatus.PAID,
        (DocumentStatus.ISSUED, DocumentAction.VOID): DocumentStatus.VOID,
    }
)
"""Every allowed ``(status, action) -> status``; paid and void are final."""


def next_status(status: DocumentStatus, action: DocumentAction, what: str) -> DocumentStatus:
    """The status after ``action``, or TransitionNotAllowed naming what is allowed."""
    after = DOCUMENT_TRANSITIONS.get((status, action))
    if after is None:
        allowed = sorted(a.value for (s, a) in DOCUMENT_TRANSITIONS if s is status)
        raise TransitionNotAllowed(status.value, action.value, allowed, None, what=what)
    return after


def _metadata(value: object) -> Mapping[str, str]:
    items = v.iterable(value, "metadata", "key-value pairs")
    pairs = dict(items) if isinstance(items, Mapping) else None
    if pairs is None:
        raise ValidationError("metadata", value, "a mapping of str to str")
    for key, item in pairs.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ValidationError(f"metadata[{key!r}]", item, "a str keyed by a str")
    return MappingProxyType(pairs)


def _to_kind(value: object) -> LineKind:
    return v.to_enum(LineKind, "line.kind", value)


def _to_rounding(value: object) -> RoundingMode:
    return v.to_enum(RoundingMode, "rounding", value)


def _to_status(value: object) -> DocumentStatus:
    return v.to_enum(DocumentStatus, "status", value)


def _issued_on(value: object) -> pendulum.Date | None:
    return None if value is None else v.to_date(value, "issued_on")


def _due_on(value: object) -> pendulum.Date | None:
    return None if value is None else v.to_date(value, "due_on")


def _paid_on(value: object) -> pendulum.Date | None:
    return None if value is None else v.to_date(value, "paid_on")


def _voided_on(value: object) -> pendulum.Date | None:
    return None if value is None else v.to_date(value, "voided_on")


def _boolean(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError("first_period", value, "True or False")


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@attrs.frozen
class DocumentLine:
    """One line of a document: what is billed (or credited), its net and tax treatment.

    Attributes:
        kind: what the line bills (an appointment, a retainer, an adjustment ...).
        description: the readable description.
        net: the line's net amount, rounded (positive on invoices and credit notes).
        quantity: units billed (1 for an appointment).
        unit_price: the unit price, when the line has one.
        appointment_id: the appointment billed or credited, if any.
        reason_codes: the decision's reason codes (or the credit's cause).
    """

    kind: LineKind = attrs.field(converter=_to_kind)
    description: str = attrs.field(validator=v.text("line.description"))
    net: Money = attrs.field(validator=v.instance_of("line.net", Money, "a Money"))
    quantity: Decimal = Decimal(1)
    unit_price: Money | None = None
    appointment_id: str | None = None
    reason_codes: tuple[str, ...] = ()


def _lines(value: object) -> tuple[DocumentLine, ...]:
    return v.tuple_of("lines", DocumentLine, "a DocumentLine")(value)


def _tax_lines(value: object) -> tuple[TaxLine, ...]:
    return v.tuple_of("tax_lines", TaxLine, "a TaxLine")(value)


def _strings(value: object) -> tuple[str, ...]:
    return v.tuple_of("references", str, "a str")(value)


class _Totals:
    """Totals and tax statements shared by the invoice document and the credit note.

    Each summed once, at construction, by :func:`_summed` (exact Decimal sums).
    """

    __slots__ = ()
    _net: Money
    _tax: Money
    currency: Currency
    rounding: RoundingMode
    tax_lines: tuple[TaxLine, ...]

    @property
    def net(self) -> Money:
        """The sum of the lines' nets."""
        return self._net

    @property
    def tax_total(self) -> Money:
        """The sum of the tax lines."""
        return self._tax

    @property
    def gross(self) -> Money:
        """``net + tax_total``, exactly."""
        return self.net + self.tax_total

    @property
    def tax_method(self) -> str:
        """How the tax was computed, as the document states it."""
        return f"{TAX_METHOD} ({self.rounding.value.replace('_', '-')})"

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes the document must carry (a reverse-charge mention ...)."""
        return tuple(line.note for line in self.tax_lines if line.note is not None)

    def _sum_totals(self, lines: tuple[DocumentLine, ...]) -> None:
        """Sum and check the lines and tax lines once, into ``_net`` and ``_tax``."""
        net = tax = Money.zero(self.currency).amount
        for i, line in enumerate(lines):
            if line.net.currency != self.currency or line.net.amount < 0:
                raise ValidationError(f"lines[{i}].net", line.net, f"zero or more {self.currency}")
            net += line.net.amount
        for i, tax_line in enumerate(self.tax_lines):
            if tax_line.tax.currency != self.currency:
                raise ValidationError(f"tax_lines[{i}].tax", tax_line.tax, f"in {self.currency}")
            tax += tax_line.tax.amount
        object.__setattr__(self, "_net", Money(net, self.currency))
        object.__setattr__(self, "_tax", Money(tax, self.currency))


@attrs.frozen
class InvoiceDocument(_Totals):
    """A period's invoice as a document to send, file and reconcile.

    Attributes:
        contract_id: the contract.
        period: the billing period invoiced.
        currency: the document's currency (the contract's).
        issuer: the agency, issuing the document.
        customer: the client, receiving it.
        lines: the charges (every amount zero or more; credits are credit notes).
        tax: the contract's tax treatment in force at the period's start.
        tax_lines: the tax per treatment (see :mod:`ppa_core.billing.tax`).
        payment_terms: the contract's payment terms, which set the due date.
        basis: the invoice computed for the period (lines, not billed, guarantees):
            the next period's invoice needs it to carry adjustments.
        credit_brought_forward: the customer's credit balance before this document
            (credit notes not yet used); below zero only when a credit note was voided
            after its credit was used.
        credit_applied: the part of that balance used to pay this document
            (at most ``gross``).
        credit_refunded: the part of the balance marked for refund instead of carried.
        rounding: the rounding of the tax (the contract's; half-up by default).
        status: draft, issued, paid or void.
        number: the document number, given at issue (None on a draft).
        issued_on: the issue date, given at issue.
        due_on: the due date (issue date and payment terms), given at issue.
        paid_on: when it was marked paid.
        voided_on: when it was voided.
        void_reason: why it was voided.
        references: other documents this one refers to (the number it replaces).
        first_period: True for the document of the contract's first documented period
            (built with ``FIRST_PERIOD``, or replacing such a document): continuity is
            checked from it.
        metadata: free text for the back end (string to string).
    """

    contract_id: str = attrs.field(validator=v.text("contract_id"))
    period: BillingPeriod = attrs.field(
        validator=v.instance_of("period", BillingPeriod, "a BillingPeriod")
    )
    currency: Currency = attrs.field(converter=_to_currency)
    issuer: Party = attrs.field(validator=v.instance_of("issuer", Party, "a Party"))
    customer: Party = attrs.field(validator=v.instance_of("customer", Party, "a Party"))
    lines: tuple[DocumentLine, ...] = attrs.field(converter=_lines)
    tax: TaxTreatment = attrs.field(validator=v.instance_of("tax", TaxTreatment, "a TaxTreatment"))
    tax_lines: tuple[TaxLine, ...] = attrs.field(converter=_tax_lines)
    payment_terms: PaymentTerms = attrs.field(
        validator=v.instance_of("payment_terms", PaymentTerms, "a PaymentTerms")
    )
    basis: Invoice = attrs.field(validator=v.instance_of("basis", Invoice, "an Invoice"))
    credit_brought_forward: Money = attrs.field(
        validator=v.instance_of("credit_brought_forward", Money, "a Money")
    )
    credit_applied: Money = attrs.field(validator=v.instance_of("credit_applied", Money, "a Money"))
    credit_refunded: Money = attrs.field(
        validator=v.instance_of("credit_refunded", Money, "a Money")
    )
    rounding: RoundingMode = attrs.field(default=RoundingMode.HALF_UP, converter=_to_rounding)
    status: DocumentStatus = attrs.field(default=DocumentStatus.DRAFT, converter=_to_status)
    number: str | None = attrs.field(default=None, validator=v.optional_text("number"))
    issued_on: pendulum.Date | None = attrs.field(default=None, converter=_issued_on)
    due_on: pendulum.Date | None = attrs.field(default=None, converter=_due_on)
    paid_on: pendulum.Date | None = attrs.field(default=None, converter=_paid_on)
    voided_on: pendulum.Date | None = attrs.field(default=None, converter=_voided_on)
    void_reason: str | None = attrs.field(default=None, validator=v.optional_text("void_reason"))
    references: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    first_period: bool = attrs.field(default=False, validator=_boolean)
    metadata: Mapping[str, str] = attrs.field(factory=_empty, converter=_metadata, hash=False)
    _net: Money = attrs.field(init=False, eq=False, repr=False)
    _tax: Money = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._sum_totals(self.lines)
        if not Money.zero(self.currency) <= self.credit_applied <= self.gross:
            raise ValidationError(
                "credit_applied", self.credit_applied, f"from zero to the gross {self.gross}"
            )
        if (self.status is DocumentStatus.DRAFT) != (self.number is None):
            raise ValidationError("number", self.number, "given exactly when issued")

    @property
    def amount_due(self) -> Money:
        """What the customer pays: ``gross - credit_applied`` (never negative)."""
        return self.gross - self.credit_applied

    @property
    def credit_carried_forward(self) -> Money:
        """The credit balance left after this document, carried to the next ones."""
        return self.credit_brought_forward - self.credit_applied - self.credit_refunded

    def issue(
        self, series: NumberSeries, on: pendulum.Date
    ) -> tuple[InvoiceDocument, NumberSeries]:
        """Issue a draft: its number from ``series``, dated ``on``, due by the payment terms.

        Returns:
            The issued document and the series after it (store both together).

        Raises:
            TransitionNotAllowed: the document is not a draft.
        """
        status = next_status(self.status, DocumentAction.ISSUE, "an invoice document")
        day = v.to_date(on, "on")
        number, after = series.allocate()
        issued = attrs.evolve(
            self,
            status=status,
            number=number,
            issued_on=day,
            due_on=self.payment_terms.due_date(day),
        )
        return issued, after

    def mark_paid(self, on: pendulum.Date) -> InvoiceDocument:
        """The issued document, paid on ``on``.

        Raises:
            TransitionNotAllowed: the document is not issued (a draft, paid or void).
        """
        status = next_status(self.status, DocumentAction.PAY, "an invoice document")
        return attrs.evolve(self, status=status, paid_on=v.to_date(on, "on"))

    def void(self, on: pendulum.Date, reason: str) -> InvoiceDocument:
        """The issued document, voided on ``on`` (build the period again to replace it).

        Raises:
            TransitionNotAllowed: the document is not issued.
            ValidationError: no reason given.
        """
        status = next_status(self.status, DocumentAction.VOID, "an invoice document")
        return attrs.evolve(self, status=status, voided_on=v.to_date(on, "on"), void_reason=reason)

    @property
    def counts(self) -> bool:
        """True when the document stands (issued or paid; not a draft, not void)."""
        return self.status in (DocumentStatus.ISSUED, DocumentStatus.PAID)

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """The document as a client reads it."""
        return _rendering.html(self)
