"""Credit notes: money given back, referencing the document it corrects.

A credit (an upheld dispute of a billed meeting, a guarantee shortfall, a
correction after issue) never rewrites an issued invoice document and never
makes an invoice negative: it is a :class:`CreditNote` with its own number
from its own series, referencing the invoice document it corrects, as a
Stripe credit note names its ``invoice`` and a Lago credit note its
``invoice_number``. Its gross is credited to the customer's credit balance,
which later invoice documents use first, or marked for refund: Stripe's
``credit_amount`` ("automatically applied to their next invoice") and
``refund_amount``, Lago's credit "for future use" or refund.

Sources: https://docs.stripe.com/api/credit_notes/create (as summarised in
stripe-java's ``CreditNote.create``),
https://getlago.com/docs/guide/invoicing/credit-notes/overview and
https://getlago.com/docs/api-reference/credit-notes/credit-note-object.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.billing.document import (
    DocumentAction,
    DocumentLine,
    DocumentStatus,
    _empty,
    _issued_on,
    _lines,
    _metadata,
    _tax_lines,
    _to_rounding,
    _to_status,
    _Totals,
    _voided_on,
    next_status,
)
from ppa_core.billing.numbering import NumberSeries
from ppa_core.billing.tax import TaxLine
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.money import Currency, Money, RoundingMode, _to_currency
from ppa_core.domain.party import Party
from ppa_core.domain.tax import TaxTreatment
from ppa_core.exceptions import ValidationError

__all__ = ["CreditNote"]


@attrs.frozen
class CreditNote(_Totals):
    """A credit given to the customer against an invoice document.

    Attributes:
        contract_id: the contract.
        period: the billing period whose documents produced it.
        corrects_period: the period of the invoice document it corrects.
        currency: the contract's currency.
        issuer: the agency.
        customer: the client.
        lines: what is credited, each net zero or more (an upheld dispute's meeting,
            a guarantee's missing meetings ...).
        tax: the tax treatment of the corrected document's period.
        tax_lines: the tax credited per treatment, computed as on invoices.
        refund: the part of the gross marked for refund (the rest is credited to
            the customer's balance and used by later invoice documents).
        rounding: the rounding of the tax.
        status: draft, issued or void (a credit note is not paid).
        number: its number from the credit-note series, given at issue.
        corrects: the number of the invoice document it corrects, given at issue.
        issued_on: the issue date.
        voided_on: when it was voided.
        void_reason: why it was voided.
        metadata: free text for the back end.
    """

    contract_id: str = attrs.field(validator=v.text("contract_id"))
    period: BillingPeriod = attrs.field(
        validator=v.instance_of("period", BillingPeriod, "a BillingPeriod")
    )
    corrects_period: BillingPeriod = attrs.field(
        validator=v.instance_of("corrects_period", BillingPeriod, "a BillingPeriod")
    )
    currency: Currency = attrs.field(converter=_to_currency)
    issuer: Party = attrs.field(validator=v.instance_of("issuer", Party, "a Party"))
    customer: Party = attrs.field(validator=v.instance_of("customer", Party, "a Party"))
    lines: tuple[DocumentLine, ...] = attrs.field(converter=_lines)
    tax: TaxTreatment = attrs.field(validator=v.instance_of("tax", TaxTreatment, "a TaxTreatment"))
    tax_lines: tuple[TaxLine, ...] = attrs.field(converter=_tax_lines)
    refund: Money = attrs.field(validator=v.instance_of("refund", Money, "a Money"))
    rounding: RoundingMode = attrs.field(default=RoundingMode.HALF_UP, converter=_to_rounding)
    status: DocumentStatus = attrs.field(default=DocumentStatus.DRAFT, converter=_to_status)
    number: str | None = attrs.field(default=None, validator=v.optional_text("number"))
    corrects: str | None = attrs.field(default=None, validator=v.optional_text("corrects"))
    issued_on: pendulum.Date | None = attrs.field(default=None, converter=_issued_on)
    voided_on: pendulum.Date | None = attrs.field(default=None, converter=_voided_on)
    void_reason: str | None = attrs.field(default=None, validator=v.optional_text("void_reason"))
    metadata: Mapping[str, str] = attrs.field(factory=_empty, converter=_metadata, hash=False)
    _net: Money = attrs.field(init=False, eq=False, repr=False)
    _tax: Money = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._sum_totals(self.lines)
        if not Money.zero(self.currency) <= self.refund <= self.gross:
            raise ValidationError("refund", self.refund, f"from zero to the gross {self.gross}")
        if (self.status is DocumentStatus.DRAFT) != (self.number is None):
            raise ValidationError("number", self.number, "given exactly when issued")
        if self.status is DocumentStatus.PAID:
            raise ValidationError("status", self.status.value, "draft, issued or void")

    @property
    def credited(self) -> Money:
        """The part of the gross credited to the customer's balance (``gross - refund``)."""
        return self.gross - self.refund

    @property
    def counts(self) -> bool:
        """True when the credit note stands (issued; not a draft, not void)."""
        return self.status is DocumentStatus.ISSUED

    def issue(
        self, series: NumberSeries, on: pendulum.Date, corrects: str
    ) -> tuple[CreditNote, NumberSeries]:
        """Issue a draft: its number from ``series``, dated ``on``, correcting ``corrects``.

        Returns:
            The issued credit note and the series after it (store both together).

        Raises:
            TransitionNotAllowed: the credit note is not a draft.
        """
        status = next_status(self.status, DocumentAction.ISSUE, "a credit note")
        number, after = series.allocate()
        issued = attrs.evolve(
            self, status=status, number=number, issued_on=v.to_date(on, "on"), corrects=corrects
        )
        return issued, after

    def void(self, on: pendulum.Date, reason: str) -> CreditNote:
        """The issued credit note, voided on ``on``.

        Raises:
            TransitionNotAllowed: the credit note is not issued.
        """
        status = next_status(self.status, DocumentAction.VOID, "a credit note")
        return attrs.evolve(self, status=status, voided_on=v.to_date(on, "on"), void_reason=reason)

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """The credit note as a client reads it."""
        return _rendering.html(self)
