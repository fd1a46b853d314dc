"""The ``invoice --document`` output of the command line: billing documents (an adapter).

``ppa-core invoice CONTRACT APPOINTMENTS --period 2026-03 --as-of ... --document json``
drafts the period's documents (:func:`~ppa_core.billing.issuing.draft_documents`),
issues them from the number series given and prints them:

- ``json``: ``{"documents": [...], "invoice_series": ..., "credit_note_series": ...}``,
  each a document of :mod:`ppa_core.adapters.serialization`: store the documents and
  the series together, and pass this output back next period as ``--issued`` and
  ``--series``;
- ``text`` / ``html``: the documents as a client reads them.

``--issued FILE`` (repeatable) names documents issued so far: one document, a list
of them, or a previous ``--document json`` output. ``--first-period`` states that
there is none. ``--series FILE`` is a previous output (both series) or a
``number_series`` document for the invoices; without it, new series ``INV-`` and
``CN-`` start at 1, allowed only with ``--first-period``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pendulum

from ppa_core.adapters.serialization import dump, load
from ppa_core.billing.issuing import FIRST_PERIOD, Document, draft_documents
from ppa_core.billing.numbering import NumberSeries
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import BillingPeriod, Contract
from ppa_core.exceptions import DocumentError
from ppa_core.presentation.documents import document_html, document_text

__all__ = ["FORMATS", "InputProblem", "add_options", "document_output"]

FORMATS = ("json", "text", "html")
"""What ``--document`` can print."""

_KINDS = {"ppa_core/invoice_document": "invoice_document", "ppa_core/credit_note": "credit_note"}

Reader = Callable[[str], tuple[str, str]]


class InputProblem(Exception):
    """A file the command cannot use: one line per problem, ``file: path: problem``."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


def add_options(command: argparse.ArgumentParser) -> None:
    """The ``invoice`` command's document options."""
    command.add_argument(
        "--document",
        choices=FORMATS,
        help="print the period's billing documents, issued and numbered (json, text or html)",
    )
    command.add_argument(
        "--issued",
        action="append",
        default=[],
        metavar="FILE",
        help="documents issued so far (a document, a list, or a previous --document json output)",
    )
    command.add_argument(
        "--first-period",
        action="store_true",
        help="no document was issued for the contract before this period",
    )
    command.add_argument(
        "--series", metavar="FILE", help="the number series: a previous --document json output"
    )
    command.add_argument(
        "--issue-date", metavar="DATE", help="the issue date (default: the --as-of date)"
    )


def _json_of(read: Reader, path: str) -> tuple[Any, str]:
    text, name = read(path)
    try:
        return json.loads(text), name
    except json.JSONDecodeError as exc:
        raise InputProblem([f"{name}:{exc.lineno}: not JSON: {exc.msg}"]) from None


def _load(kind: str, value: object, where: str) -> Any:
    try:
        return load(kind, value)
    except DocumentError as exc:
        raise InputProblem(f"{where}: {p.path}: {p.message}" for p in exc.problems) from None


def _issued(read: Reader, paths: Sequence[str]) -> list[Document]:
    documents: list[Document] = []
    for path in paths:
        value, name = _json_of(read, path)
        if isinstance(value, dict) and "documents" in value:
            value = value["documents"]
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            schema = item.get("schema") if isinstance(item, dict) else None
            kind = _KINDS.get(schema) if isinstance(schema, str) else None
            if kind is None:
                allowed = " or ".join(_KINDS)
                raise InputProblem([f"{name}: documents[{i}]: must be a document of {allowed}"])
            documents.append(_load(kind, item, f"{name}: documents[{i}]"))
    return documents


def _series(
    read: Reader, path: str | None, contract: Contract
) -> tuple[NumberSeries, NumberSeries]:
    if path is None:
        return NumberSeries(contract.agency, "INV-"), NumberSeries(contract.agency, "CN-")
    value, name = _json_of(read, path)
    if isinstance(value, dict) and "invoice_series" in value:
        return (
            _load("number_series", value["invoice_series"], f"{name}: invoice_series"),
            _load("number_series", value.get("credit_note_series"), f"{name}: credit_note_series"),
        )
    invoices: NumberSeries = _load("number_series", value, name)
    return invoices, NumberSeries(invoices.issuer, "CN-")


def document_output(
    args: argparse.Namespace,
    read: Reader,
    *,
    contract: Contract,
    appointments: Sequence[Appointment],
    period: BillingPeriod,
    as_of: pendulum.DateTime,
) -> str:
    """Draft, issue and render the period's documents as ``args.document`` says.

    Raises:
        InputProblem: a file that is not JSON or not a document, or a missing option.
        PpaError: the documents cannot be built (an earlier period without documents ...).
    """
    issued = _issued(read, args.issued)
    if args.first_period and issued:
        raise InputProblem(["--first-period: not with --issued documents"])
    if issued and args.series is None:
        raise InputProblem(["--series: required with --issued (numbers must continue)"])
    if not issued and not args.first_period:
        raise InputProblem(
            ["--issued: the documents issued so far are required (or --first-period)"]
        )
    invoices, credit_notes = _series(read, args.series, contract)
    on = as_of.in_timezone(contract.timezone).date()
    if args.issue_date:
        try:
            on = pendulum.Date.fromisoformat(args.issue_date.strip())
        except ValueError:
            raise InputProblem(
                [f"--issue-date: must be a date such as 2026-04-01 (got {args.issue_date!r})"]
            ) from None
    drafts = draft_documents(
        contract, appointments, period, as_of=as_of, issued=issued or FIRST_PERIOD
    )
    result = drafts.issue(invoices, credit_notes, on)
    if args.document == "json":
        output = {
            "documents": [dump(d) for d in result.documents],
            "invoice_series": dump(result.invoice_series),
            "credit_note_series": dump(result.credit_note_series),
        }
        return json.dumps(output, ensure_ascii=False, indent=2)
    if args.document == "html":
        body = "\n".join(document_html(d) for d in result.documents)
        head = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>'
        return f"{head}\n{body}\n</body></html>"
    return "\n\n".join(document_text(d) for d in result.documents)
