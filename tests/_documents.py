"""Hypothesis strategies of billing documents for the serialisation and schema tests.

They live beside the tests: ``ppa_core.testing`` builds domain values only, and
documents are billing values (docs/architecture.md). Every field is drawn,
optional ones included, so a round trip or a schema check sees each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from hypothesis import strategies as st

from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import DocumentLine, DocumentStatus, InvoiceDocument
from ppa_core.billing.lines import Invoice, LineKind
from ppa_core.billing.numbering import NumberSeries
from ppa_core.billing.statement import EntryKind, Statement, StatementEntry
from ppa_core.billing.tax import tax_lines
from ppa_core.domain.billing_period import BillingPeriod
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.testing import aware_datetimes, currencies, money, parties, payment_terms
from ppa_core.testing import tax_treatments as treatments

_TEXT = st.text(min_size=1, max_size=20).filter(str.strip)
# Within the supported years (docs/limits.md), with room for due dates after them.
_DATES = st.dates(dt.date(1900, 1, 1), dt.date(8999, 12, 31)).map(
    lambda d: pendulum.Date(d.year, d.month, d.day)
)
_METADATA = st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def _lines(draw: st.DrawFn, cur: Any) -> tuple[DocumentLine, ...]:
    line = st.builds(
        DocumentLine,
        kind=st.sampled_from(LineKind),
        description=_TEXT,
        net=money(cur, 0, 1_000),
        quantity=st.decimals(0, 100, places=2),
        unit_price=_maybe(money(cur, 0, 1_000)),
        appointment_id=_maybe(_TEXT),
        reason_codes=st.lists(st.sampled_from(("DISPUTE_UPHELD", "CORRECTION"))).map(tuple),
    )
    return tuple(draw(st.lists(line, max_size=3)))


@st.composite
def _common(draw: st.DrawFn) -> dict[str, Any]:
    cur = draw(currencies())
    start = draw(aware_datetimes())
    lines = draw(_lines(cur))
    tax = draw(treatments())
    rounding = draw(st.sampled_from(RoundingMode))
    who = draw(parties())
    status = draw(st.sampled_from(DocumentStatus))
    issued = status is not DocumentStatus.DRAFT
    return {
        "contract_id": "c-1",
        "period": BillingPeriod(start, start.add(days=draw(st.integers(1, 31)))),
        "currency": cur,
        "issuer": who.issuer,
        "customer": who.customer,
        "lines": lines,
        "tax": tax,
        "tax_lines": tax_lines(((tax, line.net) for line in lines), cur, rounding),
        "rounding": rounding,
        "status": status,
        "number": draw(_TEXT) if issued else None,
        "issued_on": draw(_DATES) if issued else None,
        "voided_on": draw(_DATES) if status is DocumentStatus.VOID else None,
        "void_reason": draw(_TEXT) if status is DocumentStatus.VOID else None,
        "metadata": draw(_METADATA),
    }


@st.composite
def invoice_documents(draw: st.DrawFn) -> InvoiceDocument:
    """Invoice documents in any status with any lines, tax and credit balance."""
    fields = draw(_common())
    cur = fields["currency"]
    basis = Invoice("c-1", fields["period"], draw(aware_datetimes()), cur, ())
    net = Money.total((line.net for line in fields["lines"]), cur)
    gross = net + Money.total((t.tax for t in fields["tax_lines"]), cur)
    brought = draw(money(cur, 0, 2_000))
    applied = min(brought, gross)
    paid = fields["status"] is DocumentStatus.PAID
    return InvoiceDocument(
        **fields,
        payment_terms=draw(payment_terms()),
        basis=basis,
        credit_brought_forward=brought,
        credit_applied=applied,
        credit_refunded=Money.zero(cur),
        due_on=fields["issued_on"],
        paid_on=draw(_DATES) if paid else None,
        references=tuple(draw(st.lists(_TEXT, max_size=2))),
        first_period=draw(st.booleans()),
    )


@st.composite
def credit_notes(draw: st.DrawFn) -> CreditNote:
    """Credit notes in any status but paid, part refunded or not."""
    fields = draw(_common())
    if fields["status"] is DocumentStatus.PAID:
        fields["status"] = DocumentStatus.ISSUED
    cur = fields["currency"]
    gross = Money.total((line.net for line in fields["lines"]), cur) + Money.total(
        (t.tax for t in fields["tax_lines"]), cur
    )
    refund = draw(st.sampled_from((Money.zero(cur), gross)))
    return CreditNote(
        **fields,
        corrects_period=fields["period"],
        refund=refund,
        corrects=draw(_TEXT) if fields["number"] else None,
    )


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    """Statements with any entries (real ones, from documents, are tested apart)."""
    cur = draw(currencies())
    entry = st.builds(
        StatementEntry,
        on=_DATES,
        kind=st.sampled_from(EntryKind),
        number=_TEXT,
        description=_TEXT,
        amount=money(cur, -1_000, 1_000),
        balance=money(cur, -1_000, 1_000),
        void=st.booleans(),
    )
    return Statement(
        "c-1",
        draw(parties()).customer,
        cur,
        draw(_DATES),
        tuple(draw(st.lists(entry, max_size=3))),
    )


number_series = st.builds(
    NumberSeries,
    issuer=_TEXT,
    prefix=_TEXT,
    next_number=st.integers(1, 10**6),
    width=st.integers(1, 12),
)
"""Number series in any state."""
