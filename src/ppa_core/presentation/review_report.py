"""The text, JSON and CSV the command line prints for ``ppa-core review``.

Pure: the review of the span and a what-if per proposal, as the text of their
``repr``, or their records (:func:`~ppa_core.presentation.notebook.to_records`)
as JSON (a list of tables) or CSV (one table after another, each with its header).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import pendulum

from ppa_core.billing.lines import Invoice
from ppa_core.billing.renegotiation import what_if
from ppa_core.billing.review import review
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Amendment, BillingPeriod, Contract
from ppa_core.presentation.notebook import to_records

__all__ = ["review_report"]


def review_report(
    contract: Contract,
    appointments: Iterable[Appointment],
    invoices: Sequence[Invoice] = (),
    proposals: Sequence[Amendment | Contract] = (),
    *,
    period: BillingPeriod,
    as_of: pendulum.DateTime,
    output: Literal["table", "json", "csv"] = "table",
) -> str:
    """The review of ``period`` and a what-if per proposal, as ``output``.

    Args:
        contract: the contract reviewed.
        appointments: all its appointments.
        invoices: the invoices issued (service credits on them are not due again).
        proposals: amendments not signed yet, or alternative contracts, to price.
        period: the span reviewed and re-priced.
        as_of: the moment the facts are read.
        output: ``"table"`` (text, default), ``"json"`` or ``"csv"``.
    """
    listed = list(appointments)
    results: list[Any] = [review(contract, listed, invoices, period=period, as_of=as_of)]
    results += [what_if(contract, listed, p, period=period, as_of=as_of) for p in proposals]
    if output == "table":
        return "\n\n".join(repr(r) for r in results)
    tables = [[{k: _cell(v) for k, v in row.items()} for row in to_records(r)] for r in results]
    if output == "json":
        return json.dumps(tables, ensure_ascii=False, indent=2)
    out = _Text()
    writer = csv.writer(out, lineterminator="\n")
    for table in (t for t in tables if t):
        writer.writerow(list(table[0]))
        writer.writerows(list(row.values()) for row in table)
    return "".join(out.parts)


class _Text:
    """What ``csv.writer`` writes to, kept as text in memory (no stream needed)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)


def _cell(value: object) -> object:
    """A record's value as JSON or CSV: numbers as exact text, moments in ISO 8601."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, pendulum.DateTime):
        return value.isoformat()
    return str(value)
