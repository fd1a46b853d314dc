"""How a review and a renegotiation what-if read: text, HTML and flat records.

Registered with :mod:`ppa_core._rendering` when the presentation package is
imported (as :mod:`~ppa_core.presentation.views` is); the records feed
:func:`ppa_core.presentation.notebook.to_records` and ``to_dataframe``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ppa_core import _rendering
from ppa_core.billing.measurement import Measurement
from ppa_core.billing.renegotiation import WhatIf
from ppa_core.billing.review import Judgement, Review
from ppa_core.domain.money import Money
from ppa_core.presentation.views import table

__all__ = [
    "review_html",
    "review_records",
    "review_text",
    "what_if_html",
    "what_if_records",
    "what_if_text",
]


def _value(measurement: Measurement) -> str:
    value = measurement.value
    if value is None:
        return "-"
    if isinstance(value, Money):
        return value.format()
    return _plain(value.quantize(Decimal("0.0001")))


def _ratio(measurement: Measurement) -> str:
    if measurement.denominator is None:
        return _plain(measurement.numerator)
    return f"{_plain(measurement.numerator)} / {_plain(measurement.denominator)}"


def _row(j: Judgement) -> tuple[object, ...]:
    return (
        j.subject,
        j.window.label,
        j.target.describe(),
        _value(j.measurement),
        _ratio(j.measurement),
        j.status.value,
        j.reason,
        None if j.credit is None else j.credit.amount,
    )


_HEADERS = ("service level", "window", "target", "value", "of", "status", "why", "credit")


def review_text(found: Review) -> str:
    """The review as lines: one per judgement, then the credits and exit rights."""
    head = (
        f"Review {found.contract_id} {found.period.label} as of "
        f"{found.as_of.to_iso8601_string()}: {len(found.service_levels)} judged, "
        f"{len(found.breaches)} breached, {len(found.not_measurable)} not measurable"
    )
    lines = [head]
    for j in (*found.service_levels, *found.exit_clauses):
        status = j.status.value.replace("_", " ")
        lines.append(
            f"  {j.subject:<16} {j.window.label:<22} {_value(j.measurement):>10} "
            f"({_ratio(j.measurement)}) {status}: {j.reason}"
        )
    lines.extend(f"  credit: {c.description} {c.amount.format()}" for c in found.credits)
    lines.extend(
        f"  exit right {right.subject}: {right.condition}; notice from "
        f"{right.notice_from.to_iso8601_string()}, exit from {right.exit_from} "
        f"({right.notice_days} days' notice)"
        for right in found.exit_rights
    )
    return "\n".join(lines)


def review_html(found: Review) -> str:
    """The judgements, the credits and the exit rights as tables."""
    caption = (
        f"Review {found.contract_id} · {found.period.label} · "
        f"as of {found.as_of.to_iso8601_string()}"
    )
    out = table(_HEADERS, [_row(j) for j in found.service_levels], caption=caption)
    if found.exit_clauses:
        out += table(
            ("exit clause", *_HEADERS[1:7]),
            [_row(j)[:7] for j in found.exit_clauses],
        )
    if found.exit_rights:
        out += table(
            ("exit right", "condition", "notice from", "exit from", "windows"),
            [
                (
                    r.subject,
                    r.condition,
                    r.notice_from.to_iso8601_string(),
                    str(r.exit_from),
                    ", ".join(j.window.label for j in r.judgements),
                )
                for r in found.exit_rights
            ],
        )
    return out


def review_records(found: Review) -> list[dict[str, Any]]:
    """One record per judgement (service levels, then exit clauses), exact values."""
    records: list[dict[str, Any]] = []
    for kind, judgements in (
        ("service_level", found.service_levels),
        ("exit_clause", found.exit_clauses),
    ):
        for j in judgements:
            m = j.measurement
            value = m.value.amount if isinstance(m.value, Money) else m.value
            records.append(
                {
                    "contract_id": found.contract_id,
                    "kind": kind,
                    "subject": j.subject,
                    "window_start": j.window.start,
                    "window_end": j.window.end,
                    "window": j.window.label,
                    "kpi": j.target.kpi.value,
                    "comparator": j.target.comparator.value,
                    "threshold": j.target.threshold,
                    "value": value,
                    "numerator": m.numerator,
                    "denominator": m.denominator,
                    "status": j.status.value,
                    "reason": j.reason,
                    "credit": None if j.credit is None else j.credit.amount.amount,
                    "appointments_counted": ", ".join(m.counted),
                    "appointments_among": ", ".join(m.among),
                }
            )
    return records


def what_if_text(found: WhatIf) -> str:
    """Totals and cost per meeting under both, then each period and changed appointment."""
    now, then = found.current, found.proposed
    lines = [
        f"What-if {found.contract_id} {found.period.label} under {found.proposal}: "
        f"{found.current_total.format()} -> {found.proposed_total.format()} "
        f"({found.difference.format()}); cost per meeting "
        f"{_money(now.cost_per_meeting)} -> {_money(then.cost_per_meeting)}; "
        f"{len(found.changed)} of {len(found.appointments)} decisions changed",
    ]
    lines.extend(
        f"  {p.period.label:<10} {p.current_total.format():>14} -> "
        f"{p.proposed_total.format():>14} ({p.difference.format()})"
        for p in found.periods
    )
    for change in found.changed:
        lines.append(
            f"  {change.appointment_id}: {change.current_amount.format()} -> "
            f"{change.proposed_amount.format()}"
        )
        lines.extend(f"      {reason}" for reason in change.reasons)
    return "\n".join(lines)


def _money(value: Money | None) -> str:
    return "-" if value is None else value.format()


def what_if_html(found: WhatIf) -> str:
    """The periods, the totals and the changed appointments as tables."""
    caption = f"What-if {found.contract_id} · {found.period.label} · {found.proposal}"
    out = table(
        ("period", "current", "proposed", "difference", "billable now", "billable then"),
        [
            (
                p.period.label,
                p.current_total,
                p.proposed_total,
                p.difference,
                p.current_billable,
                p.proposed_billable,
            )
            for p in found.periods
        ],
        caption=caption,
        footer=("total", found.current_total, found.proposed_total, found.difference, "", ""),
    )
    out += table(
        ("figure", "current", "proposed"),
        [
            ("cost per meeting", found.current.cost_per_meeting, found.proposed.cost_per_meeting),
            (
                "effective cost per held meeting",
                found.current.effective_cost_per_held_meeting,
                found.proposed.effective_cost_per_held_meeting,
            ),
        ],
    )
    if found.changed:
        out += table(
            ("appointment", "current", "proposed", "difference", "why"),
            [
                (
                    c.appointment_id,
                    c.current_amount,
                    c.proposed_amount,
                    c.difference,
                    "; ".join(c.reasons),
                )
                for c in found.changed
            ],
        )
    return out


def what_if_records(found: WhatIf) -> list[dict[str, Any]]:
    """One record per appointment in the span, under both terms, exact values."""
    return [
        {
            "contract_id": found.contract_id,
            "appointment_id": c.appointment_id,
            "meeting_start": c.meeting_start,
            "period": c.period.label,
            "current_status": c.current_status.value,
            "proposed_status": c.proposed_status.value,
            "current_amount": c.current_amount.amount,
            "proposed_amount": c.proposed_amount.amount,
            "difference": c.difference.amount,
            "currency": c.current_amount.currency.code,
            "changed": c.changed,
            "reasons": "; ".join(c.reasons),
        }
        for c in found.appointments
    ]


_rendering.text.register(Review, review_text)
_rendering.text.register(WhatIf, what_if_text)
_rendering.html.register(Review, review_html)
_rendering.html.register(WhatIf, what_if_html)


def _plain(number: Decimal) -> str:
    """``number`` without trailing zeros or an exponent: 10, 0.75, 0.7667."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
