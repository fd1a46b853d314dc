"""Plain-text tables for the command line: decisions and invoices (private, pure formatting).

Every function returns text and prints nothing; ``ppa_core.adapters.cli`` writes it.
Numbers and money are right-aligned, money is written with
:meth:`Money.format`, times are read in the contract's timezone.

>>> print(table(("model", "total"), [("retainer", Money.of(30000, "EUR")), ("hybrid", None)]))
model           total
--------  -------------
retainer  EUR 30,000.00
hybrid
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import pendulum

from ppa_core.billing.lines import Invoice, InvoiceLine, LineKind
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Seniority
from ppa_core.rules.verdict import Decision

__all__ = [
    "SENIORITY",
    "Right",
    "decisions_table",
    "invoice_report",
    "local_time",
    "percent",
    "table",
]


class Right(str):
    """Text aligned to the right like a number ("72.3 %")."""

    __slots__ = ()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.format()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _right(value: object) -> bool:
    return isinstance(value, Money | Decimal | int | Right) and not isinstance(value, bool)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    footer: Sequence[object] | None = None,
) -> str:
    """An aligned plain-text table; a column of numbers, money or :class:`Right` aligns right.

    Args:
        headers: the column titles.
        rows: the rows, one value per column (None shows as an empty cell).
        footer: an optional last row (totals), set off by a rule.
    """
    body = [list(row) for row in rows]
    everything = body + ([list(footer)] if footer is not None else [])
    right = [
        any(_right(row[i]) for row in everything)
        and all(row[i] is None or _right(row[i]) for row in everything)
        for i in range(len(headers))
    ]
    texts = [[_cell(value) for value in row] for row in everything]
    widths = [
        max([len(header)] + [len(row[i]) for row in texts]) for i, header in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(cells, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = line(["-" * width for width in widths])
    out = [line(list(headers)), rule]
    out += [line(row) for row in texts[: len(body)]]
    if footer is not None:
        out += [rule, line(texts[-1])]
    return "\n".join(out)


def percent(rate: Decimal | None) -> Right:
    """``rate`` (0..1) as a percentage with one decimal, or "n/a"."""
    return Right("n/a" if rate is None else f"{rate * 100:.1f} %")


def local_time(contract: Contract, moment: pendulum.DateTime | None) -> str:
    """``moment`` in the contract's timezone to the minute ("2026-03-02 10:00"); "" for None."""
    return "" if moment is None else contract.local(moment).format("YYYY-MM-DD HH:mm")


SENIORITY = {
    Seniority.INDIVIDUAL_CONTRIBUTOR: "IC",
    Seniority.MANAGER: "manager",
    Seniority.DIRECTOR: "director",
    Seniority.VP: "VP",
    Seniority.C_LEVEL: "C-level",
}


# -- decisions --------------------------------------------------------------------------------


def _who(appointments: Mapping[str, Appointment], appointment_id: str | None) -> tuple[str, str]:
    appointment = appointments.get(appointment_id or "")
    if appointment is None:
        return "", ""
    prospect = appointment.prospect
    seniority = SENIORITY[prospect.seniority] if prospect.seniority is not None else ""
    return prospect.name, seniority


def decisions_table(
    decisions: Sequence[Decision], appointments: Mapping[str, Appointment], contract: Contract
) -> str:
    """One row per decision: meeting, prospect, state, status, amount and codes; a total."""
    rows = []
    for d in decisions:
        name, seniority = _who(appointments, d.appointment_id)
        rows.append(
            (
                d.appointment_id,
                local_time(contract, d.meeting_start),
                name,
                seniority,
                d.state.value.replace("_", " "),
                d.status.value.replace("_", " "),
                d.amount,
                ", ".join(d.reason_codes),
            )
        )
    billable = sum(1 for d in decisions if d.billable)
    total = Money.total((d.amount for d in decisions), contract.currency)
    return table(
        ("appointment", "meeting", "prospect", "seniority", "state", "status", "amount", "codes"),
        rows,
        footer=(f"{len(decisions)} decisions", "", "", "", "", f"{billable} billable", total, ""),
    )


# -- invoices ---------------------------------------------------------------------------------


def _tier_unit(line: InvoiceLine) -> Right | None:
    if line.unit is None:
        return None
    return Right(f"{line.tier}/{line.unit}" if line.tier is not None else str(line.unit))


def invoice_report(
    invoice: Invoice, contract: Contract, appointments: Mapping[str, Appointment]
) -> str:
    """The invoice: billed lines, other lines, not-billed lines, cap, guarantee, totals."""
    period = invoice.period
    out = [
        f"Invoice {period.label} of contract {invoice.contract_id} "
        f"({contract.agency} -> {contract.client})",
        f"period {local_time(contract, period.start)} to {local_time(contract, period.end)} "
        f"({contract.timezone}), issued {local_time(contract, invoice.issued_at)}",
    ]
    billed = [line for line in invoice.lines if line.kind is LineKind.APPOINTMENT]
    other = [line for line in invoice.lines if line.kind is not LineKind.APPOINTMENT]
    rows = []
    for line in billed:
        name, seniority = _who(appointments, line.appointment_id)
        rows.append(
            (
                local_time(contract, line.meeting_start),
                line.appointment_id,
                name,
                seniority,
                _tier_unit(line),
                line.unit_price,
                line.amount,
                ", ".join(line.reason_codes),
            )
        )
    out += ["", f"Billed appointments ({len(billed)})"]
    headers = ("date", "appointment", "prospect", "seniority", "tier/unit", "unit price")
    out.append(table((*headers, "amount", "codes"), rows) if rows else "none")
    if other:
        out += ["", "Other lines"]
        kinds = [
            (line.kind.value.replace("_", " "), line.description, line.amount) for line in other
        ]
        out.append(table(("kind", "description", "amount"), kinds))
    missed = []
    for line in invoice.not_billed:
        name, seniority = _who(appointments, line.appointment_id)
        status = line.status.value.replace("_", " ") if line.status is not None else ""
        codes = ", ".join(line.reason_codes)
        missed.append(
            (
                local_time(contract, line.meeting_start),
                line.appointment_id,
                name,
                seniority,
                status,
                codes,
            )
        )
    out += ["", f"Not billed ({len(invoice.not_billed)})"]
    out.append(
        table(("date", "appointment", "prospect", "seniority", "status", "codes"), missed)
        if missed
        else "none"
    )
    over = invoice.over_cap
    ids = ", ".join(line.appointment_id or "" for line in over)
    out += ["", f"Over the cap: {len(over)} ({ids})" if over else "Over the cap: none"]
    several = len(invoice.guarantees) > 1
    for guarantee in invoice.guarantees:
        label = f" {guarantee.period.label}" if several and guarantee.period else ""
        out.append(
            f"Guarantee{label}: {guarantee.held} qualified meetings held of "
            f"{guarantee.minimum} guaranteed ({percent(guarantee.attainment)}); "
            f"shortfall {guarantee.shortfall}"
            + (f", {guarantee.remedy.value.replace('_', ' ')}" if guarantee.shortfall else "")
        )
    totals = [
        ("appointments billed", len(billed)),
        ("subtotal", invoice.subtotal),
        ("adjustments and credits", invoice.total - invoice.subtotal),
        ("total", invoice.total),
    ]
    out += ["", table(("totals", ""), totals)]
    return "\n".join(out)
