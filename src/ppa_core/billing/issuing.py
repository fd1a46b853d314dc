"""Issuing a period's documents: the invoice document, its credit notes, continuity.

:func:`draft_documents` builds the documents of one billing period from the
period's invoice (:func:`~ppa_core.billing.invoice.build_invoice`) and the
documents already issued for the contract:

- the **invoice document** carries the period's charges (every line zero or
  more), its tax and totals, and the customer's credit balance applied to it;
  its amount due is never negative;
- each credit (an upheld dispute of a billed meeting, a guarantee shortfall,
  any correction after issue) becomes a **credit note** referencing the
  invoice document of the period it corrects, one note per such document;
- **continuity**: the documents already issued are required (or the explicit
  statement :data:`FIRST_PERIOD`, which the invoice document records as
  ``first_period``); without documents, the period must be the term's first;
  with them, the first period's document and every period after it up to this
  one must have a standing invoice document among them, so a credit is never
  lost by forgetting an argument.

:meth:`PeriodDocuments.issue` then numbers and dates them from the series the
back end keeps (:class:`~ppa_core.billing.numbering.NumberSeries`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pendulum

from ppa_core import _gc
from ppa_core import _validation as v
from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import DocumentLine, DocumentStatus, InvoiceDocument
from ppa_core.billing.invoice import build_invoice
from ppa_core.billing.lines import InvoiceLine
from ppa_core.billing.numbering import NumberSeries
from ppa_core.billing.tax import tax_lines
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.contract import Contract
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.party import Parties, Party
from ppa_core.exceptions import ValidationError
from ppa_core.rules.engine import BillingEngine

__all__ = [
    "FIRST_PERIOD",
    "Document",
    "FirstPeriod",
    "IssuedDocuments",
    "PeriodDocuments",
    "credit_balance",
    "draft_documents",
]

Document = InvoiceDocument | CreditNote
"""A billing document: an invoice document or a credit note."""


class FirstPeriod(enum.Enum):
    """The statement that no document was issued for the contract before this period."""

    FIRST_PERIOD = "first_period"


FIRST_PERIOD = FirstPeriod.FIRST_PERIOD
"""Pass as ``issued=`` when the contract has no documents yet (its first period)."""


class _NotGiven(enum.Enum):
    NOT_GIVEN = "not given"


@attrs.frozen
class IssuedDocuments:
    """A period's documents once issued, with the series to store alongside them.

    Attributes:
        invoice: the issued invoice document.
        credit_notes: the issued credit notes.
        invoice_series: the invoice series after the numbers given.
        credit_note_series: the credit-note series after the numbers given.
    """

    invoice: InvoiceDocument
    credit_notes: tuple[CreditNote, ...]
    invoice_series: NumberSeries
    credit_note_series: NumberSeries

    @property
    def documents(self) -> tuple[Document, ...]:
        """The invoice document, then the credit notes."""
        return (self.invoice, *self.credit_notes)


@attrs.frozen
class PeriodDocuments:
    """The draft documents of one period: an invoice document and its credit notes.

    Attributes:
        invoice: the draft invoice document.
        credit_notes: the draft credit notes, each with the period it corrects.
        corrected: the number of the invoice document each credit note corrects (None
            for one correcting this period's invoice document, numbered at issue).
    """

    invoice: InvoiceDocument
    credit_notes: tuple[CreditNote, ...] = ()
    corrected: tuple[str | None, ...] = ()

    @property
    def documents(self) -> tuple[Document, ...]:
        """The invoice document, then the credit notes."""
        return (self.invoice, *self.credit_notes)

    def issue(
        self, invoices: NumberSeries, credit_notes: NumberSeries, on: pendulum.Date
    ) -> IssuedDocuments:
        """Number and date every document: the invoice first, then the credit notes.

        Args:
            invoices: the invoice series in its current state.
            credit_notes: the credit-note series in its current state.
            on: the issue date.

        Returns:
            The issued documents and both series after them: store all together.

        Raises:
            TransitionNotAllowed: a document is not a draft.
            ValidationError: both series are the same (each needs its own numbers).
        """
        if invoices.prefix == credit_notes.prefix and invoices.issuer == credit_notes.issuer:
            raise ValidationError(
                "credit_notes", credit_notes.prefix, "a series of its own (another prefix)"
            )
        invoice, invoices = self.invoice.issue(invoices, on)
        notes = []
        for note, corrects in zip(self.credit_notes, self.corrected, strict=True):
            issued, credit_notes = note.issue(credit_notes, on, corrects or str(invoice.number))
            notes.append(issued)
        return IssuedDocuments(invoice, tuple(notes), invoices, credit_notes)


def credit_balance(documents: Iterable[Document], currency: Currency | str) -> Money:
    """The customer's credit balance: standing credit notes' credited amounts, less uses.

    Args:
        documents: the documents issued for one contract.
        currency: the contract's currency.

    Returns:
        Zero or more: credit the customer holds for later invoice documents.
    """
    balance = Money.zero(currency)
    for document in documents:
        if isinstance(document, CreditNote) and document.counts:
            balance += document.credited
        elif isinstance(document, InvoiceDocument) and document.counts:
            balance -= document.credit_applied
    return balance


def _parties(contract: Contract) -> Parties:
    if contract.parties is not None:
        return contract.parties
    return Parties(Party(contract.agency), Party(contract.client))


def _issued(contract: Contract, issued: object) -> tuple[Document, ...]:
    if issued is _NotGiven.NOT_GIVEN:
        raise ValidationError(
            "issued",
            "nothing",
            f"the documents already issued for contract {contract.id!r} (invoice documents "
            "and credit notes, void ones too), or FIRST_PERIOD when it has none yet",
        )
    if issued is FIRST_PERIOD:
        return ()
    documents = tuple(v.iterable(issued, "issued", "InvoiceDocument or CreditNote"))
    for i, document in enumerate(documents):
        if not isinstance(document, InvoiceDocument | CreditNote):
            raise ValidationError(f"issued[{i}]", document, "an InvoiceDocument or CreditNote")
        if document.contract_id != contract.id:
            raise ValidationError(
                f"issued[{i}].contract_id", document.contract_id, f"{contract.id!r}"
            )
        if document.status is DocumentStatus.DRAFT:
            raise ValidationError(f"issued[{i}].status", "draft", "issued, paid or void")
    return documents


def _check_continuity(
    contract: Contract, period: BillingPeriod, documents: Sequence[Document], first: bool
) -> tuple[tuple[InvoiceDocument, ...], bool]:
    """The standing invoice documents before ``period`` and whether it is the first period.

    Raises:
        ValidationError: a period already covered, a voided document's credit notes
            still standing, the first documents missing, or an earlier period without a
            standing invoice document.
    """
    invoices = [d for d in documents if isinstance(d, InvoiceDocument)]
    standing = tuple(d for d in invoices if d.counts)
    for document in standing:
        if document.period.start < period.end and period.start < document.period.end:
            raise ValidationError(
                "period",
                period.label,
                f"a period without a standing document ({document.number} covers it: "
                "void it first to replace it)",
            )
    replaced = [d for d in invoices if not d.counts and d.period == period]
    if replaced:
        kept = [
            d.number
            for d in documents
            if isinstance(d, CreditNote) and d.counts and d.period == period
        ]
        if kept:
            raise ValidationError(
                "issued",
                kept,
                "void: the credit notes issued with a voided invoice document are issued "
                "again with its replacement",
            )
    # A replacement of the first period's document is the first period's document again.
    if first or any(d.first_period for d in replaced):
        return standing, True
    # From the first period documented (the caller stated it was the first then), or from
    # the term's start when nothing was issued yet.
    openers = [d.period.start for d in standing if d.first_period]
    if standing and not openers:
        raise ValidationError(
            "issued",
            "no standing invoice document marked first_period",
            f"every document issued for contract {contract.id!r}, from its first period on",
        )
    missing = []
    moment = min(openers, default=contract.term_start)
    while moment < period.start:
        earlier = contract.period_containing(moment)
        if not any(d.period.start <= earlier.start < d.period.end for d in standing):
            missing.append(earlier.label)
        moment = earlier.end
    if missing:
        shown = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
        raise ValidationError(
            "issued",
            f"no standing invoice document for {len(missing)} earlier period(s): {shown}",
            f"every earlier period's documents of contract {contract.id!r} (or FIRST_PERIOD "
            "when the contract had no documents before this period)",
        )
    return standing, False


def _document_line(line: InvoiceLine, net: Money) -> DocumentLine:
    return DocumentLine(
        line.kind,
        line.description,
        net,
        quantity=line.quantity,
        unit_price=line.unit_price,
        appointment_id=line.appointment_id,
        reason_codes=line.reason_codes,
    )


def _corrected(
    line: InvoiceLine, standing: Sequence[InvoiceDocument], period: BillingPeriod
) -> InvoiceDocument | None:
    """The standing document a credit line corrects; None for this period's own."""
    moment = line.period.start if line.period is not None else line.meeting_start
    if moment is None or moment in period:
        return None
    for document in standing:
        if moment in document.period:
            return document
    return None


@_gc.paused()  # as build_invoice: allocation bursts without cycles (ppa_core._gc)
def draft_documents(
    contract: Contract,
    appointments: Iterable[Appointment],
    period: BillingPeriod | pendulum.DateTime,
    *,
    as_of: pendulum.DateTime,
    issued: Iterable[Document] | FirstPeriod | _NotGiven = _NotGiven.NOT_GIVEN,
    leads: int = 0,
    closed_value: Money | None = None,
    engine: BillingEngine | None = None,
    refund_excess: bool = False,
    metadata: Mapping[str, str] | None = None,
) -> PeriodDocuments:
    """The draft documents of ``period``: its invoice document and any credit notes.

    Args:
        contract: the contract; its terms must name a tax treatment.
        appointments: all the contract's appointments, as for ``build_invoice``.
        period: the billing period (or a moment inside one of the contract's).
        as_of: the moment the facts are read.
        issued: every document issued for the contract so far (void ones too), or
            :data:`FIRST_PERIOD` when there is none. Required.
        leads: leads delivered in the period (pay-per-lead pricing).
        closed_value: deal value closed in the period (commission pricing).
        engine: an engine to reuse (for ``contract``).
        refund_excess: mark the part of this period's credit notes that the invoice
            document does not use for refund, instead of carrying it (default: carry).
        metadata: free text for the back end, put on every document.

    Returns:
        The drafts; issue them with :meth:`PeriodDocuments.issue`.

    Raises:
        ValidationError: ``issued`` not given, an earlier period without a standing
            invoice document, a document of another contract or a draft among them,
            a standing document already covering ``period``, or terms without tax.
    """
    if not isinstance(period, BillingPeriod):
        period = contract.period_containing(v.to_datetime(period, "period"))
    terms = contract.terms_at(period.start)
    if terms.tax is None:
        raise ValidationError(
            "contract.terms.tax", None, "a TaxTreatment: documents state the tax treatment"
        )
    documents = _issued(contract, issued)
    standing, first = _check_continuity(contract, period, documents, issued is FIRST_PERIOD)
    basis = build_invoice(
        contract,
        appointments,
        period,
        as_of=as_of,
        previous=[d.basis for d in standing],
        leads=leads,
        closed_value=closed_value,
        engine=engine,
    )
    currency, rounding = contract.currency, terms.rounding
    parties = _parties(contract)
    extra: dict[str, Any] = {"metadata": metadata} if metadata is not None else {}
    charges = [_document_line(line, line.amount) for line in basis.lines if line.amount.amount >= 0]
    credits: dict[str | None, tuple[InvoiceDocument | None, list[DocumentLine]]] = {}
    for line in basis.lines:
        if line.amount.amount < 0:
            target = _corrected(line, standing, period)
            key = None if target is None else target.number
            credits.setdefault(key, (target, []))[1].append(_document_line(line, -line.amount))
    notes: list[CreditNote] = []
    for target, lines in credits.values():
        tax = terms.tax if target is None else target.tax
        notes.append(
            CreditNote(
                contract.id,
                period,
                period if target is None else target.period,
                currency,
                parties.issuer,
                parties.customer,
                tuple(lines),
                tax,
                tax_lines(((tax, line.net) for line in lines), currency, rounding),
                Money.zero(currency),
                rounding,
                **extra,
            )
        )
    invoice_tax = tax_lines(((terms.tax, line.net) for line in charges), currency, rounding)
    zero = Money.zero(currency).amount
    gross = Money(
        sum((line.net.amount for line in charges), zero)
        + sum((line.tax.amount for line in invoice_tax), zero),
        currency,
    )
    available = credit_balance(documents, currency) + Money.total(
        (note.gross for note in notes), currency
    )
    # A credit note voided after its credit was used can leave the balance below zero:
    # nothing is applied then (what the client owes back is the back end's to bill).
    applied = max(min(available, gross), Money.zero(currency))
    refunded = Money.zero(currency)
    if refund_excess:
        left = available - applied
        for i, note in enumerate(notes):
            refund = min(left, note.gross)
            if refund.amount > 0:
                notes[i] = attrs.evolve(note, refund=refund)
                left -= refund
                refunded += refund
    replaced = tuple(
        str(d.number)
        for d in documents
        if isinstance(d, InvoiceDocument) and not d.counts and d.period == period
    )
    invoice = InvoiceDocument(
        contract.id,
        period,
        currency,
        parties.issuer,
        parties.customer,
        tuple(charges),
        terms.tax,
        invoice_tax,
        terms.payment_terms,
        basis,
        available,
        applied,
        refunded,
        rounding,
        references=replaced,
        first_period=first,
        **extra,
    )
    corrected = tuple(credits)
    return PeriodDocuments(invoice, tuple(notes), corrected)
