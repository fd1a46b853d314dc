"""The command line's CSV output: one row per decision, one row per invoice line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import pendulum

from ppa_core.billing.lines import Invoice
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.money import Money
from ppa_core.rules.verdict import Decision

__all__ = ["decisions_csv", "invoice_csv"]


def _csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def _iso(moment: pendulum.DateTime | None) -> str:
    return "" if moment is None else moment.isoformat()


def _amount(money: Money | None) -> str:
    """The amount to the minor unit (``0.00``), or exact when it has more digits."""
    if money is None:
        return ""
    return str(money.rounded().amount if money.is_rounded else money.amount)


def decisions_csv(decisions: Sequence[Decision], by_id: dict[str, Appointment]) -> str:
    """One row per decision, with its appointment's prospect (``by_id``: appointments by id)."""
    headers = (
        "appointment_id", "meeting_start", "prospect_id", "prospect", "state", "status",
        "amount", "currency", "unit_price", "unit", "tier", "reason_codes", "period_start",
        "terms_from",
    )  # fmt: skip
    rows = []
    for d in decisions:
        prospect = by_id[d.appointment_id].prospect
        rows.append(
            (
                d.appointment_id,
                _iso(d.meeting_start),
                prospect.id,
                prospect.name,
                d.state.value,
                d.status.value,
                _amount(d.amount),
                d.amount.currency.code,
                _amount(d.unit_price),
                d.unit if d.unit is not None else "",
                d.tier if d.tier is not None else "",
                ";".join(d.reason_codes),
                _iso(d.period_start),
                _iso(d.terms_from),
            )
        )
    return _csv(headers, rows)


def invoice_csv(invoice: Invoice, by_id: dict[str, Appointment]) -> str:
    """One row per invoice line, billed or not (``by_id``: appointments by id)."""
    headers = (
        "kind", "appointment_id", "meeting_start", "prospect", "description", "status",
        "reason_codes", "tier", "unit", "unit_price", "quantity", "amount", "currency",
    )  # fmt: skip
    rows = []
    for line in (*invoice.lines, *invoice.not_billed):
        appointment = by_id.get(line.appointment_id or "")
        rows.append(
            (
                line.kind.value,
                line.appointment_id or "",
                _iso(line.meeting_start),
                appointment.prospect.name if appointment is not None else "",
                line.description,
                line.status.value if line.status is not None else "",
                ";".join(line.reason_codes),
                line.tier if line.tier is not None else "",
                line.unit if line.unit is not None else "",
                _amount(line.unit_price),
                str(line.quantity),
                _amount(line.amount),
                line.amount.currency.code,
            )
        )
    return _csv(headers, rows)
