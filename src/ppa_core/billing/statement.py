"""The statement of account: a contract's documents, payments and balance over time.

What a client reads to reconcile: every invoice document and credit note
issued for the contract, in date order, with the running balance. The
balance is what the client owes (negative: credit in the client's favour):

- an invoice document adds its gross;
- a credit note subtracts its gross, and adds back the part marked for refund
  (the agency pays that out);
- marking an invoice document paid subtracts its amount due (what the client
  paid after the credit balance used on it);
- void documents appear, marked void, and change nothing.

So at any date the balance is the unpaid amounts due less the credit balance
carried (:func:`~ppa_core.billing.issuing.credit_balance`), to the cent.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import DocumentStatus, InvoiceDocument
from ppa_core.domain.contract import Contract
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.party import Party
from ppa_core.exceptions import ValidationError

__all__ = ["EntryKind", "Statement", "StatementEntry", "statement"]


class EntryKind(enum.StrEnum):
    """What a statement line records."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    REFUND = "refund"


@attrs.frozen
class StatementEntry:
    """One line of the statement.

    Attributes:
        on: the date (issue, payment or void date).
        kind: invoice, credit note, payment or refund.
        number: the document number.
        description: a readable description (period, document corrected ...).
        amount: what the line adds to the balance (negative for credits and payments).
        balance: the balance after the line (what the client owes; negative: credit).
        void: True for a document voided since (listed, amount not counted).
    """

    on: pendulum.Date
    kind: EntryKind
    number: str
    description: str
    amount: Money
    balance: Money
    void: bool = False


@attrs.frozen
class Statement:
    """A contract's statement of account up to a date.

    Attributes:
        contract_id: the contract.
        customer: the client the statement is for.
        currency: the contract's currency.
        on: the statement date (entries after it are left out).
        entries: the lines, in date order (invoices before credit notes on a day).
    """

    contract_id: str
    customer: Party
    currency: Currency
    on: pendulum.Date
    entries: tuple[StatementEntry, ...] = ()

    @property
    def balance(self) -> Money:
        """What the client owes at the statement date (negative: credit held)."""
        return self.entries[-1].balance if self.entries else Money.zero(self.currency)

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        """The statement as a client reads it."""
        return _rendering.html(self)


_ORDER = {EntryKind.INVOICE: 0, EntryKind.CREDIT_NOTE: 1, EntryKind.REFUND: 2, EntryKind.PAYMENT: 3}


def _entries(
    document: InvoiceDocument | CreditNote,
) -> list[tuple[pendulum.Date, EntryKind, str, str, Money, bool]]:
    number = str(document.number)
    issued_on = document.issued_on
    if issued_on is None:  # a draft: checked by the caller
        return []
    void = document.status is DocumentStatus.VOID
    if isinstance(document, InvoiceDocument):
        found = [
            (
                issued_on,
                EntryKind.INVOICE,
                number,
                f"invoice {document.period.label}",
                document.gross,
                void,
            )
        ]
        if document.paid_on is not None:
            found.append(
                (
                    document.paid_on,
                    EntryKind.PAYMENT,
                    number,
                    f"payment of {number}",
                    -document.amount_due,
                    False,
                )
            )
        return found
    found = [
        (
            issued_on,
            EntryKind.CREDIT_NOTE,
            number,
            f"credit note on {document.corrects}",
            -document.gross,
            void,
        )
    ]
    if not document.refund.is_zero and not void:
        found.append(
            (issued_on, EntryKind.REFUND, number, f"refund of {number}", document.refund, False)
        )
    return found


def statement(
    contract: Contract,
    documents: Iterable[InvoiceDocument | CreditNote],
    on: pendulum.Date,
) -> Statement:
    """The statement of account of ``contract`` on ``on`` from the documents issued.

    Args:
        contract: the contract.
        documents: its issued documents (invoice documents and credit notes, void ones
            too), in any order.
        on: the statement date; lines dated after it are left out.

    Raises:
        ValidationError: a draft, or a document of another contract.
    """
    day = v.to_date(on, "on")
    rows = []
    customer = contract.parties.customer if contract.parties else Party(contract.client)
    for i, document in enumerate(v.iterable(documents, "documents", "a document")):
        if not isinstance(document, InvoiceDocument | CreditNote):
            raise ValidationError(f"documents[{i}]", document, "an InvoiceDocument or CreditNote")
        if document.contract_id != contract.id:
            raise ValidationError(
                f"documents[{i}].contract_id", document.contract_id, repr(contract.id)
            )
        if document.status is DocumentStatus.DRAFT:
            raise ValidationError(f"documents[{i}].status", "draft", "issued, paid or void")
        rows.extend(_entries(document))
    rows.sort(key=lambda row: (row[0], _ORDER[row[1]], row[2]))
    balance = Money.zero(contract.currency)
    entries = []
    for when, kind, number, description, amount, void in rows:
        if when > day:
            continue
        if not void:
            balance += amount
        entries.append(StatementEntry(when, kind, number, description, amount, balance, void))
    return Statement(contract.id, customer, contract.currency, day, tuple(entries))
