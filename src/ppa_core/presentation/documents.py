"""Billing documents as a client reads them: plain text and a standalone HTML page.

:func:`document_text` and :func:`document_html` render an invoice document, a
credit note or a statement of account in full (every line, never cut); the
values' ``repr`` is the one-line summary registered here with
:mod:`ppa_core._rendering`. All text reaching HTML goes through
:func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ppa_core import _rendering
from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import InvoiceDocument
from ppa_core.billing.statement import Statement
from ppa_core.domain.money import Money
from ppa_core.domain.party import Party

__all__ = ["document_html", "document_text", "document_title"]

Renderable = InvoiceDocument | CreditNote | Statement


def document_title(document: Renderable) -> str:
    """The heading: ``Invoice INV-0001``, ``Credit note CN-0001``, ``Draft invoice`` ..."""
    if isinstance(document, Statement):
        return "Statement of account"
    kind = "Invoice" if isinstance(document, InvoiceDocument) else "Credit note"
    if document.number is None:
        return f"Draft {kind.lower()}"
    return f"{kind} {document.number}"


def _summary(document: Renderable) -> str:
    if isinstance(document, Statement):
        return (
            f"Statement({document.contract_id!r}, {document.on}, {len(document.entries)} entries, "
            f"balance {document.balance.format()})"
        )
    return (
        f"{type(document).__name__}({document.number or 'draft'}, {document.contract_id!r}, "
        f"{document.period.label}, {document.status.value}, gross {document.gross.format()})"
    )


def _party(party: Party) -> list[str]:
    lines = [party.legal_name, *party.address]
    if party.country:
        lines.append(party.country)
    if party.vat_id:
        lines.append(f"VAT id: {party.vat_id}")
    return lines


def _facts(document: InvoiceDocument | CreditNote) -> list[tuple[str, str]]:
    facts = [("Status", document.status.value), ("Period", document.period.label)]
    if document.issued_on is not None:
        facts.append(("Issue date", document.issued_on.to_date_string()))
    if isinstance(document, InvoiceDocument):
        if document.due_on is not None:
            facts.append(
                ("Due date", f"{document.due_on.to_date_string()} ({document.payment_terms.label})")
            )
        facts.extend(("Replaces", ref) for ref in document.references)
    else:
        facts.append(
            ("Corrects", document.corrects or f"the invoice of {document.corrects_period.label}")
        )
    return facts


def _totals(document: InvoiceDocument | CreditNote) -> list[tuple[str, Money]]:
    rows = [("Net", document.net)]
    rows += [(f"{t.treatment.label} on {t.taxable.format()}", t.tax) for t in document.tax_lines]
    rows.append(("Gross", document.gross))
    if isinstance(document, InvoiceDocument):
        if not document.credit_brought_forward.is_zero:
            rows.append(("Credit balance available", document.credit_brought_forward))
            rows.append(("Credit applied", -document.credit_applied))
            if not document.credit_refunded.is_zero:
                rows.append(("Credit marked for refund", document.credit_refunded))
            rows.append(("Credit balance carried forward", document.credit_carried_forward))
        rows.append(("Amount due", document.amount_due))
    else:
        rows.append(("Credited to your balance", document.credited))
        if not document.refund.is_zero:
            rows.append(("Refunded", document.refund))
    return rows


def _notes(document: InvoiceDocument | CreditNote) -> list[str]:
    return [*document.notes, f"Tax: {document.tax_method}."]


def document_text(document: Renderable) -> str:
    """The whole document as plain text (every line; amounts with their currency)."""
    out = [document_title(document), ""]
    if isinstance(document, Statement):
        out += [f"For: {document.customer.legal_name}", f"Date: {document.on.to_date_string()}", ""]
        for e in document.entries:
            void = " (void)" if e.void else ""
            out.append(
                f"{e.on.to_date_string()}  {e.number:<14} {e.description + void:<40} "
                f"{e.amount.format():>16} {e.balance.format():>16}"
            )
        out += ["", f"Balance: {document.balance.format()}"]
        return "\n".join(out)
    out += [
        "From: " + " / ".join(_party(document.issuer)),
        "To:   " + " / ".join(_party(document.customer)),
    ]
    out += [f"{name}: {value}" for name, value in _facts(document)]
    out.append("")
    for line in document.lines:
        out.append(f"{line.description:<70} {line.net.format():>16}")
    out.append("")
    out += [f"{name:<50} {amount.format():>16}" for name, amount in _totals(document)]
    out += ["", *_notes(document)]
    out += [f"{key}: {value}" for key, value in sorted(document.metadata.items())]
    return "\n".join(out)


def _rows(rows: Sequence[Sequence[object]], tag: str = "td") -> str:
    out = []
    for row in rows:
        cells = []
        for value in row:
            right = ' style="text-align:right"' if isinstance(value, Money) else ""
            text = value.format() if isinstance(value, Money) else str(value)
            cells.append(f"<{tag}{right}>{html.escape(text)}</{tag}>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(out)


def document_html(document: Renderable) -> str:
    """The whole document as an HTML fragment a client can read (every line, escaped)."""
    title = html.escape(document_title(document))
    out = [f'<div class="ppa-core-document"><h2>{title}</h2>']
    if isinstance(document, Statement):
        out.append(
            f"<p>For {html.escape(document.customer.legal_name)}, "
            f"{html.escape(document.on.to_date_string())}</p>"
        )
        out.append("<table><thead><tr><th>date</th><th>document</th><th>description</th>")
        out.append("<th>amount</th><th>balance</th></tr></thead><tbody>")
        out.append(
            _rows(
                [
                    (
                        e.on.to_date_string(),
                        e.number,
                        e.description + (" (void)" if e.void else ""),
                        e.amount,
                        e.balance,
                    )
                    for e in document.entries
                ]
            )
        )
        out.append(
            f"</tbody></table><p><strong>Balance: "
            f"{html.escape(document.balance.format())}</strong></p></div>"
        )
        return "".join(out)
    for role, party in (("From", document.issuer), ("To", document.customer)):
        lines = "<br>".join(html.escape(line) for line in _party(party))
        out.append(f"<p><strong>{role}</strong><br>{lines}</p>")
    out.append(f"<table>{_rows(_facts(document), 'td')}</table>")
    out.append(
        "<table><thead><tr><th>description</th><th>quantity</th><th>net</th></tr></thead><tbody>"
    )
    out.append(_rows([(line.description, line.quantity, line.net) for line in document.lines]))
    out.append(
        f"</tbody><tfoot>{_rows([(n, '', a) for n, a in _totals(document)], 'th')}</tfoot></table>"
    )
    out.extend(f"<p>{html.escape(note)}</p>" for note in _notes(document))
    out.append("</div>")
    return "".join(out)


_rendering.text.register(InvoiceDocument, _summary)
_rendering.text.register(CreditNote, _summary)
_rendering.text.register(Statement, _summary)
_rendering.html.register(InvoiceDocument, document_html)
_rendering.html.register(CreditNote, document_html)
_rendering.html.register(Statement, document_html)
