"""Results as records and pandas DataFrames, for notebooks.

:func:`to_records` turns an invoice, decisions, figures, a model comparison,
a scenario result or a sweep into a list of flat dicts with snake_case keys:
exact values (money as its Decimal amount, with a ``currency`` column),
ready for ``csv.DictWriter`` or a database. :func:`to_dataframe` makes a
:class:`pandas.DataFrame` of the same records (install ``ppa_core[pandas]``)
with analysis dtypes: amounts and rates ``float64``, counts ``int64``
(``Int64`` when some are missing), moments ``datetime64[ns, UTC]`` (on pandas
2 and 3 alike), codes ``category`` and text ``string``.

>>> from ppa_core import Money, Retainer
>>> from ppa_core.modelling.plan import CampaignPlan
>>> from ppa_core.modelling.scenario import simulate
>>> result = simulate(
...     CampaignPlan(appointments=10, show_rate="0.8"),
...     {"retainer": Retainer(fee=Money.of(3000, "EUR"))},
...     runs=20,
... )
>>> record = to_records(result)[0]
>>> record["model"], record["total_cost_mean"], record["currency"]
('retainer', Decimal('3000.00'), 'EUR')
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs

from ppa_core._optional import require
from ppa_core.billing.figures import Figures, ModelCost
from ppa_core.billing.lines import Invoice, InvoiceLine
from ppa_core.billing.renegotiation import WhatIf
from ppa_core.billing.review import Review
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.contract import Contract
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.distribution import Fixed
from ppa_core.modelling.figures import per_run_figures
from ppa_core.modelling.plan import CampaignPlan
from ppa_core.modelling.scenario import ScenarioResult
from ppa_core.modelling.summary import Summary
from ppa_core.modelling.sweep import SweepPoint
from ppa_core.presentation.domain_records import appointment_record, contract_record
from ppa_core.presentation.review_views import review_records, what_if_records
from ppa_core.presentation.views import describe_pricing
from ppa_core.rules.verdict import Decision

__all__ = ["Record", "to_dataframe", "to_records"]

Record = dict[str, Any]
"""One row: column name -> exact value."""

_CATEGORIES = frozenset(
    {"kind", "status", "state", "model", "pricing_model", "currency", "period"}
    | {"seniority", "cancelled_by", "billing_period", "timezone"}
)
_METRICS = ("total_cost", "cost_per_held_meeting", "cost_per_opportunity", "roi")


def _plain(value: Any) -> Any:
    """A record value: money as its amount, enums as their value, codes joined."""
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Fixed):
        return _plain(value.value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # an enum
    if isinstance(value, Decimal | int | float | str | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value  # a datetime; pandas reads it as a moment
    return str(value)


def _line(invoice: Invoice, line: InvoiceLine) -> Record:
    return {
        "contract_id": invoice.contract_id,
        "period": invoice.period.label,
        "kind": line.kind.value,
        "description": line.description,
        "appointment_id": line.appointment_id,
        "meeting_start": line.meeting_start,
        "status": _plain(line.status),
        "reason_codes": _plain(line.reason_codes),
        "tier": line.tier,
        "unit": line.unit,
        "unit_price": _plain(line.unit_price),
        "quantity": line.quantity,
        "amount": line.amount.amount,
        "currency": line.amount.currency.code,
    }


def _decision(decision: Decision) -> Record:
    return {
        "appointment_id": decision.appointment_id,
        "meeting_start": decision.meeting_start,
        "state": decision.state.value,
        "status": decision.status.value,
        "billable": decision.billable,
        "amount": decision.amount.amount,
        "currency": decision.amount.currency.code,
        "reason_codes": _plain(decision.reason_codes),
        "unit_price": _plain(decision.unit_price),
        "tier": decision.tier,
        "unit": decision.unit,
        "period_start": decision.period_start,
        "terms_from": decision.terms_from,
    }


def _figures(figures: Figures) -> Record:
    record: Record = {}
    for field in attrs.fields(Figures):
        record[field.name] = _plain(getattr(figures, field.name))
    record["currency"] = figures.total_cost.currency.code
    return record


def _model_cost(cost: ModelCost) -> Record:
    return {
        "pricing_model": cost.model.value,
        "pricing": describe_pricing(cost.pricing),
        "total": cost.total.amount,
        "meetings": cost.meetings,
        "cost_per_meeting": _plain(cost.cost_per_meeting),
        "currency": cost.total.currency.code,
    }


def _summary_columns(metric: str, summary: Summary[Any] | None) -> Record:
    names = [f.name for f in attrs.fields(Summary)]
    if summary is None:
        return {f"{metric}_{name}": 0 if name == "count" else None for name in names}
    return {f"{metric}_{name}": _plain(value) for name, value in summary.as_dict().items()}


def _by_model(result: ScenarioResult) -> list[Record]:
    records = []
    for model, summary in zip(result.models, result.summaries, strict=True):
        record: Record = {
            "model": summary.name,
            "pricing_model": summary.model.value,
            "pricing": describe_pricing(model.pricing),
            "runs": result.runs,
            "seed": result.seed,
            "currency": result.currency.code,
        }
        for metric in _METRICS:
            record.update(_summary_columns(metric, getattr(summary, metric)))
        records.append(record)
    return records


def _by_run(result: ScenarioResult) -> list[Record]:
    if not result.outcomes:
        raise ValidationError(
            "by", "run", "used on a result that kept its outcomes (sweep(..., keep_outcomes=True))"
        )
    with_roi = result.plan.deal_value is not None
    records = []
    for outcome in result.outcomes:
        for index, summary in enumerate(result.summaries):
            cost, per_meeting, per_opportunity, roi = per_run_figures(outcome, index, with_roi)
            records.append(
                {
                    "run": outcome.run,
                    "model": summary.name,
                    "pricing_model": summary.model.value,
                    "appointments": outcome.appointments,
                    "leads": outcome.leads,
                    "shows": outcome.shows,
                    "meetings": outcome.meetings,
                    "opportunities": outcome.opportunities,
                    "deals": outcome.deals,
                    "revenue": outcome.revenue.amount,
                    "total_cost": cost.amount,
                    "cost_per_held_meeting": _plain(per_meeting),
                    "cost_per_opportunity": _plain(per_opportunity),
                    "roi": roi,
                    "currency": cost.currency.code,
                }
            )
    return records


def _scenario(result: ScenarioResult, by: str) -> list[Record]:
    return _by_run(result) if by == "run" else _by_model(result)


def to_records(obj: object, *, by: Literal["model", "run"] = "model") -> list[Record]:
    """Flat records of a result, exact values, one dict per row.

    Args:
        obj: an :class:`~ppa_core.billing.lines.Invoice` (one row per line, then per
            appointment not billed), a :class:`~ppa_core.rules.verdict.Decision` or
            decisions (one row each), :class:`~ppa_core.billing.figures.Figures` (one
            row), a :class:`~ppa_core.billing.figures.ModelCost` or a comparison (one
            row per model), a :class:`~ppa_core.modelling.scenario.ScenarioResult`, or the
            :class:`~ppa_core.modelling.sweep.SweepPoint` s of a sweep (the grid's parameters,
            then the result's columns), a :class:`~ppa_core.billing.review.Review` (one
            row per judgement, with the ids of the appointments behind each figure) or a
            :class:`~ppa_core.billing.renegotiation.WhatIf` (one row per appointment),
            or appointments or contracts (one row each: who, when, state, history
            counts; parties, term, pricing, cap, amendments).
        by: for scenario results and sweeps: ``"model"`` (default) gives one row per
            model with the statistics of each figure (``total_cost_mean``,
            ``total_cost_p90`` ...); ``"run"`` gives one row per run and model
            (needs the outcomes: a sweep must keep them).

    Raises:
        ValidationError: an object of another kind, or ``by="run"`` without outcomes.
    """
    if by not in ("model", "run"):
        raise ValidationError("by", by, "'model' or 'run'")
    if isinstance(obj, Invoice):
        return [_line(obj, line) for line in (*obj.lines, *obj.not_billed)]
    if isinstance(obj, Decision):
        return [_decision(obj)]
    if isinstance(obj, Figures):
        return [_figures(obj)]
    if isinstance(obj, ModelCost):
        return [_model_cost(obj)]
    if isinstance(obj, ScenarioResult):
        return _scenario(obj, by)
    if isinstance(obj, Review):
        return review_records(obj)
    if isinstance(obj, WhatIf):
        return what_if_records(obj)
    if isinstance(obj, Appointment):
        return [appointment_record(obj)]
    if isinstance(obj, Contract):
        return [contract_record(obj)]
    if isinstance(obj, SweepPoint):
        obj = (obj,)
    if isinstance(obj, Iterable) and not isinstance(obj, str | bytes):
        items = list(obj)
        if all(isinstance(i, Decision) for i in items):
            return [_decision(i) for i in items]
        if all(isinstance(i, ModelCost) for i in items):
            return [_model_cost(i) for i in items]
        if all(isinstance(i, SweepPoint) for i in items):
            return _sweep(items, by)
        if all(isinstance(i, Appointment) for i in items):
            return [appointment_record(i) for i in items]
        if all(isinstance(i, Contract) for i in items):
            return [contract_record(i) for i in items]
    raise ValidationError(
        "obj",
        type(obj).__name__,
        "an Invoice, Decision(s), Figures, ModelCost(s), a ScenarioResult, SweepPoints, "
        "a Review, a WhatIf, Appointments or Contracts",
    )


def _parameter(point: SweepPoint, key: str, value: Any) -> Any:
    """A grid value as a column: a plan field as the plan read it, numeric text as a number."""
    if key in attrs.fields_dict(CampaignPlan):
        return _plain(getattr(point.result.plan, key))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except decimal.InvalidOperation:
            return value
    return _plain(value)


def _sweep(points: Sequence[SweepPoint], by: str) -> list[Record]:
    records: list[Record] = []
    for point in points:
        parameters = {key: _parameter(point, key, value) for key, value in point.parameters}
        records.extend({**parameters, **row} for row in _scenario(point.result, by))
    return records


def _dtype_of(values: list[Any], name: str) -> str | None:
    present = [x for x in values if x is not None]
    if not present:
        return None
    if all(isinstance(x, bool) for x in present):
        return "boolean" if len(present) < len(values) else "bool"
    if all(isinstance(x, int) and not isinstance(x, bool) for x in present):
        return "Int64" if len(present) < len(values) else "int64"
    if all(isinstance(x, Decimal | int | float) and not isinstance(x, bool) for x in present):
        return "float64"
    if all(hasattr(x, "isoformat") and hasattr(x, "tzinfo") for x in present):
        return "datetime"
    if all(isinstance(x, str) for x in present):
        return "category" if name in _CATEGORIES else "string"
    return None


def to_dataframe(obj: object, *, by: Literal["model", "run"] = "model") -> Any:
    """A pandas DataFrame of :func:`to_records` (``pip install 'ppa_core[pandas]'``).

    Amounts and rates become ``float64`` for analysis (use :func:`to_records` for
    exact values), counts ``int64`` (``Int64`` with gaps), moments
    ``datetime64[ns, UTC]``, reason codes, states and currencies ``category``,
    other text ``string``.

    Returns:
        A ``pandas.DataFrame`` (typed ``Any``: pandas ships no type information).

    Raises:
        MissingDependency: pandas is not installed.
        ValidationError: see :func:`to_records`.
    """
    pandas: Any = require("pandas", "pandas", "to_dataframe")
    records = to_records(obj, by=by)
    frame = pandas.DataFrame.from_records(records)
    for name in frame.columns:
        values = [r.get(name) for r in records]
        dtype = _dtype_of(values, name)
        if dtype is None:
            continue
        if dtype == "datetime":
            # Nanoseconds on pandas 2 and 3 alike (pandas 3 would infer microseconds).
            frame[name] = pandas.to_datetime(values, utc=True).as_unit("ns")
        elif dtype == "float64":
            floats = [float(x) if x is not None else float("nan") for x in values]
            frame[name] = pandas.Series(floats, index=frame.index, dtype="float64")
        else:
            frame[name] = frame[name].astype(dtype)
    return frame
