"""How results read in a shell (``repr``) and in Jupyter (``_repr_html_``): pure formatting.

The values ask for their forms through :mod:`ppa_core._rendering`; this module
registers a renderer per type there, so the formatting stays out of the lower
layers and nothing there imports it. Every piece of text that reaches HTML goes
through :func:`html.escape`. Long tables are cut after :data:`MAX_ROWS` rows
with a note of how many were left out.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ppa_core import _rendering
from ppa_core.billing.figures import Comparison, ModelCost
from ppa_core.billing.lines import Invoice
from ppa_core.domain.contract import Contract
from ppa_core.domain.money import Money
from ppa_core.domain.pricing import (
    Commission,
    Hybrid,
    PayPerLead,
    PerAppointment,
    Pricing,
    Retainer,
)
from ppa_core.modelling.scenario import ScenarioResult
from ppa_core.modelling.summary import Summary
from ppa_core.modelling.sweep import SweepPoint
from ppa_core.rules.verdict import Decision

__all__ = [
    "MAX_ROWS",
    "comparison_html",
    "contract_html",
    "contract_text",
    "decision_html",
    "decision_text",
    "describe_pricing",
    "invoice_html",
    "invoice_text",
    "model_cost_html",
    "model_cost_text",
    "scenario_html",
    "scenario_text",
    "sweep_point_html",
    "table",
]

MAX_ROWS = 60
"""Rows shown before an HTML table is cut."""

# Amounts never wrap ("EUR / 35,815.50" in a narrow column): right-aligned, on one line.
_NUMERIC_STYLE = ' style="text-align:right;white-space:nowrap"'


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.format()
    if isinstance(value, Decimal) and value.is_finite():
        return f"{value:,}"  # 35,815.50: amounts read at a glance
    return str(value)


def _numeric(value: object) -> bool:
    return isinstance(value, Money | Decimal | int) and not isinstance(value, bool)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    footer: Sequence[object] | None = None,
) -> str:
    """An HTML table; numbers and money are right-aligned, every text is escaped."""
    out = ['<table class="ppa-core">']
    if caption:
        out.append(f'<caption style="text-align:left">{html.escape(caption)}</caption>')
    out.append("<thead><tr>")
    out.extend(f"<th>{html.escape(h)}</th>" for h in headers)
    out.append("</tr></thead><tbody>")
    listed = list(rows)
    for row in listed[:MAX_ROWS]:
        out.append("<tr>")
        for value in row:
            align = _NUMERIC_STYLE if _numeric(value) else ""
            out.append(f"<td{align}>{html.escape(_cell(value))}</td>")
        out.append("</tr>")
    if len(listed) > MAX_ROWS:
        more = len(listed) - MAX_ROWS
        out.append(f'<tr><td colspan="{len(headers)}">… {more} more rows</td></tr>')
    out.append("</tbody>")
    if footer is not None:
        out.append("<tfoot><tr>")
        for value in footer:
            align = _NUMERIC_STYLE if _numeric(value) else ""
            out.append(f"<th{align}>{html.escape(_cell(value))}</th>")
        out.append("</tr></tfoot>")
    out.append("</table>")
    return "".join(out)


def _percent(rate: Decimal) -> str:
    text = f"{rate * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


def describe_pricing(pricing: Pricing) -> str:
    """One line a buyer reads: "EUR 350.00 per appointment", "retainer EUR 15,000.00 ..."."""
    if isinstance(pricing, PerAppointment):
        return _describe_per_appointment(pricing)
    if isinstance(pricing, PayPerLead):
        return f"{pricing.price_per_lead.format()} per lead"
    if isinstance(pricing, Retainer):
        return f"retainer {pricing.fee.format()} per period"
    if isinstance(pricing, Commission):
        return _describe_commission(pricing)
    hybrid: Hybrid = pricing
    return f"{describe_pricing(hybrid.retainer)} + {describe_pricing(hybrid.per_appointment)}"


def _describe_per_appointment(pricing: PerAppointment) -> str:
    free = f"; first {pricing.free_units} free" if pricing.free_units else ""
    if pricing.tiers:
        parts = []
        for t in pricing.tiers:
            part = (
                f"up to {t.up_to} at {t.price.format()}"
                if t.up_to is not None
                else f"then {t.price.format()}"
            )
            if t.flat_fee is not None:
                part += f" + {t.flat_fee.format()} flat"
            parts.append(part)
        beyond = pricing.beyond_last_tier
        more = f"; beyond: {beyond.value}" if beyond is not None else ""
        return (
            f"per appointment, {pricing.tier_mode.value} tiers: " + ", ".join(parts) + more + free
        )
    if pricing.package is not None:
        package = pricing.package
        return f"{package.price.format()} per package of {package.size} appointments{free}"
    if pricing.seniority_prices:
        prices = ", ".join(f"{s.value} {m.format()}" for s, m in pricing.seniority_prices.items())
        other = f"; others {pricing.price.format()}" if pricing.price is not None else ""
        return f"per appointment by seniority: {prices}{other}{free}"
    price = pricing.price
    return f"{price.format() if price is not None else '?'} per appointment{free}"


def _describe_commission(pricing: Commission) -> str:
    if pricing.rate is not None:
        text = f"commission {_percent(pricing.rate)} of closed value"
    else:
        bands = ", ".join(
            f"{_percent(t.rate)} up to {t.up_to.format()}"
            if t.up_to is not None
            else f"{_percent(t.rate)} above"
            for t in pricing.tiers
        )
        text = f"graduated commission: {bands}"
    if pricing.minimum_per_deal is not None:
        text += f"; at least {pricing.minimum_per_deal.format()} per deal"
    if pricing.maximum_per_deal is not None:
        text += f"; at most {pricing.maximum_per_deal.format()} per deal"
    return text


# -- invoices ---------------------------------------------------------------------------


def invoice_text(invoice: Invoice) -> str:
    """``Invoice('c-1', 2026-03, total EUR 3,800.00, 12 lines, 3 not billed)``."""
    return (
        f"Invoice({invoice.contract_id!r}, {invoice.period.label}, "
        f"total {invoice.total.format()}, {len(invoice.lines)} lines, "
        f"{len(invoice.not_billed)} not billed)"
    )


def invoice_html(invoice: Invoice) -> str:
    """The invoice's lines, its total, and the appointments not billed by reason."""
    rows = [
        (line.kind.value, line.description, line.appointment_id, line.tier, line.amount)
        for line in invoice.lines
    ]
    caption = (
        f"Invoice {invoice.contract_id} · {invoice.period.label} · "
        f"as of {invoice.issued_at.to_iso8601_string()}"
    )
    out = table(
        ("kind", "description", "appointment", "tier", "amount"),
        rows,
        caption=caption,
        footer=("total", "", "", "", invoice.total),
    )
    if invoice.not_billed:
        reasons: dict[str, int] = {}
        for line in invoice.not_billed:
            key = ", ".join(line.reason_codes) or "NOT_BILLED"
            reasons[key] = reasons.get(key, 0) + 1
        out += table(
            ("not billed", "appointments"),
            sorted(reasons.items()),
            caption=f"{len(invoice.not_billed)} appointments not billed",
        )
    if invoice.guarantees:
        out += table(
            ("period", "guarantee", "held", "shortfall", "remedy"),
            [
                (
                    invoice.period.label if g.period is None else g.period.label,
                    g.minimum,
                    g.held,
                    g.shortfall,
                    g.remedy.value,
                )
                for g in invoice.guarantees
            ],
        )
    return out


# -- decisions --------------------------------------------------------------------------


def decision_text(decision: Decision) -> str:
    """``Decision('a-1', billable, EUR 350.00, unit 3)`` with its reason codes."""
    parts = [repr(decision.appointment_id), decision.status.value, decision.amount.format()]
    if decision.reason_codes:
        parts.append("(" + ", ".join(decision.reason_codes) + ")")
    if decision.unit is not None:
        parts.append(f"unit {decision.unit}")
    if decision.tier is not None:
        parts.append(f"tier {decision.tier}")
    if decision.provisional:
        parts.append("provisional: decided without others=")
    parts.append(f"meeting {decision.meeting_start.to_iso8601_string()}")
    return f"Decision({', '.join(parts)})"


def decision_html(decision: Decision) -> str:
    """The decision in one line, and its trace (rule, outcome, code, reason) when it has one."""
    caption = f"{decision.appointment_id}: {decision.status.value} {decision.amount.format()}" + (
        f" ({', '.join(decision.reason_codes)})" if decision.reason_codes else ""
    )
    if decision.trace is None:
        rows = [
            (
                decision.meeting_start.to_iso8601_string(),
                decision.state.value,
                decision.unit_price,
                decision.unit,
                decision.tier,
            )
        ]
        return table(("meeting", "state", "unit price", "unit", "tier"), rows, caption=caption)
    trace = [(v.rule_id, v.outcome.value, v.code, v.reason) for v in decision.trace]
    return table(("rule", "outcome", "code", "reason"), trace, caption=caption)


# -- contracts --------------------------------------------------------------------------


def contract_text(contract: Contract) -> str:
    """``Contract('acme-2026', Northwind -> Acme, EUR 350.00 per appointment, ...)``."""
    term = contract.term
    span = f"{term.start}..{term.end}" if term.end is not None else f"from {term.start}"
    amended = len(contract.amendments)
    note = f", {amended} amendment{'s' if amended != 1 else ''}" if amended else ""
    return (
        f"Contract({contract.id!r}, {contract.agency} -> {contract.client}, "
        f"{describe_pricing(contract.terms.pricing)}, {contract.timezone}, {span}{note})"
    )


def contract_html(contract: Contract) -> str:
    """The contract's parties, term and key terms as a two-column table."""
    terms = contract.terms
    policy = terms.policy
    guarantee = terms.guarantee
    rows: list[tuple[str, object]] = [
        ("agency", contract.agency),
        ("client", contract.client),
        ("currency", contract.currency.code),
        ("time zone", contract.timezone),
        ("term", f"{contract.term.start} to {contract.term.end or 'open-ended'}"),
        ("billing period", f"{contract.billing_period.kind.value}"),
        ("pricing", describe_pricing(terms.pricing)),
        ("criteria", terms.criteria.name),
        ("cap", terms.cap if terms.cap is not None else "none"),
        (
            "guarantee",
            f"{guarantee.minimum_held} held per period ({guarantee.remedy.value})"
            if guarantee is not None
            else "none",
        ),
        (
            "no-shows",
            f"grace {policy.grace_minutes} min, minimum {policy.minimum_duration_minutes} min, "
            f"fee {_percent(policy.prospect_no_show_fee)}",
        ),
        ("dispute window", f"{terms.dispute_window_days} days"),
        ("rounding", terms.rounding.value),
    ]
    for amendment in contract.amendments:
        change = describe_pricing(amendment.terms.pricing)
        note = f" ({amendment.note})" if amendment.note else ""
        rows.append((f"from {amendment.effective_from}", f"{change}{note}"))
    return table(("term", "value"), rows, caption=f"Contract {contract.id}")


# -- comparisons and scenarios ------------------------------------------------------------


def model_cost_text(cost: ModelCost) -> str:
    """``ModelCost(retainer, total EUR 15,000.00, 42 meetings, EUR 357.14 per meeting)``."""
    per = cost.cost_per_meeting.format() if cost.cost_per_meeting is not None else "n/a"
    return (
        f"ModelCost({cost.model.value}, total {cost.total.format()}, "
        f"{cost.meetings} meetings, {per} per meeting)"
    )


def _cost_row(cost: ModelCost) -> tuple[object, ...]:
    return (
        cost.model.value,
        describe_pricing(cost.pricing),
        cost.total,
        cost.meetings,
        cost.cost_per_meeting,
    )


_COST_HEADERS = ("model", "pricing", "total", "meetings", "cost per meeting")


def model_cost_html(cost: ModelCost) -> str:
    """One model's cost as a one-row table."""
    return table(_COST_HEADERS, [_cost_row(cost)])


def comparison_html(costs: Sequence[ModelCost]) -> str:
    """The same outcomes priced under each model, one row per model."""
    return table(
        _COST_HEADERS, [_cost_row(c) for c in costs], caption="The same outcomes, each model"
    )


def _mean(summary: Summary[Money] | Summary[Decimal] | None) -> object:
    return None if summary is None else summary.mean


def scenario_text(result: ScenarioResult) -> str:
    """A few lines: the runs, then per model the mean and p10-p90 of the total cost."""
    plan = result.plan
    lines = [
        f"ScenarioResult(runs={result.runs}, seed={result.seed}, periods={plan.periods}, "
        f"meetings mean {result.meetings.mean:.1f})"
    ]
    width = max(len(name) for name in result.names)
    for summary in result.summaries:
        cost = summary.total_cost
        per = summary.cost_per_held_meeting
        per_text = f", per held meeting {per.mean.format()}" if per is not None else ""
        lines.append(
            f"  {summary.name:<{width}}  mean {cost.mean.format()}  "
            f"p10 {cost.p10.format()}  p90 {cost.p90.format()}{per_text}"
        )
    return "\n".join(lines)


def _amount(value: object) -> object:
    """A Money cell without its currency (the header names it), to keep the table narrow."""
    return value.rounded().amount if isinstance(value, Money) else value


def scenario_html(result: ScenarioResult) -> str:
    """One row per model: total cost (mean, p10, p50, p90) and mean unit costs and ROI.

    Amounts are shown without their currency, which the headers name, so the table
    fits a text column; it scrolls sideways rather than overflow where it does not.
    """
    code = result.currency.code
    rows = []
    for summary in result.summaries:
        cost = summary.total_cost
        rows.append(
            (
                summary.name,
                summary.model.value.replace("_", " "),  # wraps at its spaces in a narrow column
                _amount(cost.mean),
                _amount(cost.p10),
                _amount(cost.p50),
                _amount(cost.p90),
                _amount(_mean(summary.cost_per_held_meeting)),
                _amount(_mean(summary.cost_per_opportunity)),
                None if summary.roi is None else round(summary.roi.mean, 2),  # a ratio: 2 places
            )
        )
    caption = (
        f"{result.runs} simulated runs of {result.plan.periods} period(s), seed {result.seed}; "
        f"qualified meetings held per run: mean {result.meetings.mean:.1f}, "
        f"p10 {result.meetings.p10:.1f}, p90 {result.meetings.p90:.1f}"
    )
    headers: tuple[str, ...] = ("model", "kind", f"mean cost ({code})", "p10", "p50", "p90")
    headers += (f"per held meeting ({code})", f"per opportunity ({code})", "ROI")
    return f'<div style="overflow-x:auto">{table(headers, rows, caption=caption)}</div>'


def sweep_point_html(point: SweepPoint) -> str:
    """A sweep point's parameters above its scenario table."""
    where = ", ".join(f"{k} = {val}" for k, val in point.parameters)
    return f"<p>{html.escape(where)}</p>{scenario_html(point.result)}"


# The values' __repr__ and _repr_html_ dispatch here through ppa_core._rendering.
_rendering.text.register(Contract, contract_text)
_rendering.text.register(Invoice, invoice_text)
_rendering.text.register(Decision, decision_text)
_rendering.text.register(ModelCost, model_cost_text)
_rendering.text.register(ScenarioResult, scenario_text)
_rendering.html.register(Contract, contract_html)
_rendering.html.register(Invoice, invoice_html)
_rendering.html.register(Decision, decision_html)
_rendering.html.register(ModelCost, model_cost_html)
_rendering.html.register(Comparison, comparison_html)
_rendering.html.register(ScenarioResult, scenario_html)
_rendering.html.register(SweepPoint, sweep_point_html)
