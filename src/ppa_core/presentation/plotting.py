"""Plots of scenario results (``pip install 'ppa_core[plot]'``, matplotlib).

- :func:`plot_cost_distributions`: how a figure (the total cost by default) is
  distributed over the runs, one histogram per model;
- :func:`plot_cost_vs_show_rate`: the mean cost of each model, with its
  p10-p90 band, against the show rate of a sweep, and the break-even point.

Both draw on the matplotlib ``Axes`` given, or on a new figure, and return the
axes. Amounts are drawn as floats; the exact values stay in the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ppa_core._optional import require
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.break_even import BreakEven
from ppa_core.modelling.distribution import Fixed
from ppa_core.modelling.figures import per_run_figures
from ppa_core.modelling.scenario import ScenarioResult
from ppa_core.modelling.summary import Summary
from ppa_core.modelling.sweep import SweepPoint

__all__ = ["plot_cost_distributions", "plot_cost_vs_show_rate"]

_METRICS = {
    "total_cost": (0, "total cost"),
    "cost_per_held_meeting": (1, "cost per held meeting"),
    "cost_per_opportunity": (2, "cost per opportunity"),
    "roi": (3, "ROI"),
}


def _axes(ax: Any, feature: str) -> Any:
    if ax is not None:
        return ax
    pyplot: Any = require("matplotlib.pyplot", "plot", feature)
    _, created = pyplot.subplots(figsize=(8, 4.5))
    return created


def _metric(metric: str) -> tuple[int, str]:
    found = _METRICS.get(metric)
    if found is None:
        raise ValidationError("metric", metric, f"one of {tuple(_METRICS)}")
    return found


def _number(value: Money | Decimal) -> float:
    return float(value.amount if isinstance(value, Money) else value)


def _grouped(axis: Any, metric: str) -> None:
    """Ticks with thousands separators (35,000), or percentages for the ROI."""
    ticker: Any = require("matplotlib.ticker", "plot", "plots")
    if metric == "roi":
        axis.set_major_formatter(ticker.PercentFormatter(1.0))
    else:
        axis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))


def plot_cost_distributions(
    result: ScenarioResult,
    ax: Any = None,
    *,
    metric: str = "total_cost",
    bins: int = 30,
    models: Sequence[str] | None = None,
) -> Any:
    """Histograms of ``metric`` over the runs, one per model, on shared bins.

    Args:
        result: a simulation that kept its outcomes (``simulate`` keeps them).
        ax: the matplotlib Axes to draw on; None makes a new figure.
        metric: ``"total_cost"`` (default), ``"cost_per_held_meeting"``,
            ``"cost_per_opportunity"`` or ``"roi"``.
        bins: how many bins (default 30).
        models: the models to draw, by name (default all).

    Returns:
        The Axes.

    Raises:
        MissingDependency: matplotlib is not installed.
        ValidationError: an unknown metric or model, or a result without outcomes.
    """
    position, label = _metric(metric)
    if not result.outcomes:
        raise ValidationError("result.outcomes", (), "kept (sweep(..., keep_outcomes=True))")
    names = list(models) if models is not None else list(result.names)
    with_roi = result.plan.deal_value is not None
    series: list[tuple[str, list[float]]] = []
    for name in names:
        index = result.names.index(result.summary(name).name)
        values = []
        for outcome in result.outcomes:
            value = per_run_figures(outcome, index, with_roi)[position]
            if value is not None:
                values.append(_number(value))
        series.append((name, values))
    axes = _axes(ax, "plot_cost_distributions")
    # A model that costs the same in every run (a retainer) is one value, not a
    # distribution: drawn as a histogram its single bar of every run would flatten the
    # others, so it is a labelled vertical line and the bins span the varying models.
    everything = [x for _, values in series if len(set(values)) > 1 for x in values]
    low, high = (min(everything), max(everything)) if everything else (0.0, 1.0)
    edges = [low + (high - low) * i / bins for i in range(bins + 1)]
    for i, (name, values) in enumerate(series):
        color = f"C{i}"  # one colour per model, whether a histogram or a line
        if len(set(values)) > 1:
            axes.hist(
                values, bins=edges, histtype="stepfilled", alpha=0.45, label=name, color=color
            )
        elif values:
            level = values[0]
            shown = f"{level:.0%}" if metric == "roi" else f"{level:,.0f}"
            legend = f"{name}: {shown} every run"
            axes.axvline(level, linestyle="--", linewidth=1.5, label=legend, color=color)
    _grouped(axes.xaxis, metric)
    unit = "" if metric == "roi" else f" ({result.currency.code})"
    axes.set_xlabel(f"{label}{unit}")
    axes.set_ylabel("runs")
    axes.set_title(f"{label} over {result.runs} simulated runs")
    axes.legend()
    return axes


def _show_rate(point: SweepPoint) -> float:
    rate = point.values.get("show_rate")
    if rate is None:
        raise ValidationError("points", point, "sweep points with a 'show_rate' parameter")
    if isinstance(rate, Fixed):
        rate = rate.value
    try:
        return float(Decimal(rate if not isinstance(rate, float) else repr(rate)))
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError("show_rate", rate, "a single number at every point") from None


def plot_cost_vs_show_rate(
    points: Sequence[SweepPoint],
    ax: Any = None,
    *,
    metric: str = "total_cost",
    band: bool = True,
    break_even: BreakEven | None = None,
) -> Any:
    """Each model's mean ``metric`` against the show rate, with its p10-p90 band.

    Args:
        points: the points of a sweep over ``"show_rate"`` (other grid keys, if
            any, label separate lines).
        ax: the matplotlib Axes to draw on; None makes a new figure.
        metric: as for :func:`plot_cost_distributions`.
        band: shade the p10-p90 band (default True).
        break_even: a :func:`~ppa_core.modelling.scenario.break_even_show_rate` result to mark.

    Returns:
        The Axes.

    Raises:
        MissingDependency: matplotlib is not installed.
        ValidationError: no points, or points without a single show rate each.
    """
    _metric(metric)
    if not points:
        raise ValidationError("points", points, "at least one sweep point")
    lines: dict[str, list[tuple[float, Summary[Any]]]] = {}
    for point in points:
        x = _show_rate(point)
        others = ", ".join(f"{k}={v}" for k, v in point.parameters if k != "show_rate")
        for summary in point.result.summaries:
            stats = getattr(summary, metric)
            if stats is None:
                continue
            label = f"{summary.name} ({others})" if others else summary.name
            lines.setdefault(label, []).append((x, stats))
    axes = _axes(ax, "plot_cost_vs_show_rate")
    for label, found in lines.items():
        found.sort(key=lambda pair: pair[0])
        xs = [x for x, _ in found]
        drawn = axes.plot(xs, [_number(s.mean) for _, s in found], marker="o", label=label)
        if band and len(found) > 1:
            axes.fill_between(
                xs,
                [_number(s.p10) for _, s in found],
                [_number(s.p90) for _, s in found],
                alpha=0.15,
                color=drawn[0].get_color(),
            )
    if break_even is not None and break_even.show_rate is not None:
        axes.axvline(float(break_even.show_rate), color="grey", linestyle="--", linewidth=1)
        axes.annotate(
            f"{break_even.model_a} = {break_even.model_b} at {break_even.show_rate:.1%}",
            (float(break_even.show_rate), 0.02),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="bottom",
            ha="right",
        )
    currency = points[0].result.currency.code
    _grouped(axes.yaxis, metric)
    ticker: Any = require("matplotlib.ticker", "plot", "plot_cost_vs_show_rate")
    axes.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    axes.set_xlabel("show rate")
    axes.set_ylabel(f"{_metric(metric)[1]}" + ("" if metric == "roi" else f" ({currency})"))
    axes.set_title(f"mean {_metric(metric)[1]} by show rate (band: p10 to p90)")
    axes.legend()
    return axes
