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
from ppa_core._validation import check_int
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
_ROW = 0.85  # the height of a model's tallest bin, in rows of the distributions plot


def _axes(ax: Any, feature: str, height: float = 4.5) -> Any:
    if ax is not None:
        return ax
    pyplot: Any = require("matplotlib.pyplot", "plot", feature)
    _, created = pyplot.subplots(figsize=(8, height))  # inches, fits a docs column
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
    """Histograms of ``metric`` over the runs, one row per model, on shared bins.

    Each model has its own row (first model on top, named on the y axis), its
    histogram scaled to the row's height: a narrow distribution does not flatten a
    wide one. A model that costs the same in every run (a retainer) is a single
    value, drawn as a bar across its row and labelled with the value.

    Args:
        result: a simulation that kept its outcomes (``simulate`` keeps them).
        ax: the matplotlib Axes to draw on; None makes a new figure.
        metric: ``"total_cost"`` (default), ``"cost_per_held_meeting"``,
            ``"cost_per_opportunity"`` or ``"roi"``.
        bins: how many bins (default 30) between the lowest and the highest value.
        models: the models to draw, by name (default all).

    Returns:
        The Axes.

    Raises:
        MissingDependency: matplotlib is not installed.
        ValidationError: an unknown metric or model, fewer than one bin, or a result
            without outcomes.
    """
    position, label = _metric(metric)
    check_int("bins", bins, minimum=1)
    if not result.outcomes:
        raise ValidationError("result.outcomes", (), "kept (sweep(..., keep_outcomes=True))")
    names = list(models) if models is not None else list(result.names)
    with_roi = result.plan.deal_value is not None
    series: list[tuple[str, int, list[float]]] = []
    for name in names:
        index = result.names.index(result.summary(name).name)
        values = []
        for outcome in result.outcomes:
            value = per_run_figures(outcome, index, with_roi)[position]
            if value is not None:
                values.append(_number(value))
        series.append((name, index, values))
    axes = _axes(ax, "plot_cost_distributions", height=1.2 + 0.75 * len(series))
    everything = [x for _, _, values in series for x in values]
    low, high = (min(everything), max(everything)) if everything else (0.0, 1.0)
    edges = [low + (high - low) * i / bins for i in range(bins + 1)]
    for row, (_, index, values) in enumerate(series):
        base = len(series) - 1 - row  # the first model on top
        color = f"C{index}"  # a model's colour whatever the subset drawn
        if len(set(values)) > 1:
            counts = _counts(values, edges)
            peak = max(counts)
            heights = [base + _ROW * count / peak for count in counts]
            axes.stairs(heights, edges, baseline=base, fill=True, alpha=0.55, color=color)
            axes.stairs(heights, edges, baseline=base, color=color, linewidth=1)
        elif values:
            level = values[0]
            shown = f"{level:.0%}" if metric == "roi" else f"{level:,.0f}"
            axes.vlines(level, base, base + _ROW, color=color, linewidth=3)
            # The note sits on the side of the bar with more room.
            right = level <= (low + high) / 2
            axes.annotate(
                f" {shown} every run ",
                (level, base + _ROW / 2),
                ha="left" if right else "right",
                va="center",
                color=color,
            )
    axes.set_yticks(range(len(series)), [name for name, _, _ in reversed(series)])
    axes.set_ylim(-0.15, len(series) - 1 + _ROW + 0.15)
    _grouped(axes.xaxis, metric)
    unit = "" if metric == "roi" else f" ({result.currency.code})"
    axes.set_xlabel(f"{label}{unit}")
    axes.set_title(f"{label} over {result.runs} simulated runs (each row scaled to its peak)")
    axes.grid(axis="x", alpha=0.3)
    return axes


def _counts(values: list[float], edges: list[float]) -> list[int]:
    """How many values fall in each bin (the last bin includes its right edge)."""
    counts = [0] * (len(edges) - 1)
    low, width = edges[0], (edges[-1] - edges[0]) / len(counts)
    for value in values:
        counts[min(int((value - low) / width), len(counts) - 1)] += 1
    return counts


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
        break_even: a :func:`~ppa_core.modelling.break_even.break_even_show_rate`
            result to mark: a dashed line, in the legend as "break-even: A = B at
            74.7%", and a point where the two models' lines cross (pass ``names=``
            to the search so that A and B are the lines' names).

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
        _mark_break_even(axes, break_even, break_even.show_rate, lines)
    currency = points[0].result.currency.code
    _grouped(axes.yaxis, metric)
    ticker: Any = require("matplotlib.ticker", "plot", "plot_cost_vs_show_rate")
    axes.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    axes.set_xlabel("show rate")
    axes.set_ylabel(f"{_metric(metric)[1]}" + ("" if metric == "roi" else f" ({currency})"))
    axes.set_title(f"mean {_metric(metric)[1]} by show rate (band: p10 to p90)")
    axes.legend(fontsize="small")
    return axes


def _mark_break_even(
    axes: Any, found: BreakEven, rate: Decimal, lines: dict[str, list[tuple[float, Summary[Any]]]]
) -> None:
    """A dashed line named in the legend, and a cross where the models' lines meet."""
    x = float(rate)
    label = f"break-even: {found.model_a} = {found.model_b} at {rate:.1%}"
    axes.axvline(x, color="0.3", linestyle="--", linewidth=1, label=label)
    y = _mean_at(lines.get(found.model_a, []), x)
    if y is not None:
        axes.plot([x], [y], marker="X", markersize=10, color="0.15", linestyle="none", zorder=5)


def _mean_at(line: list[tuple[float, Summary[Any]]], x: float) -> float | None:
    """The line's mean at ``x``, read linearly between its points; None outside them."""
    for (x0, s0), (x1, s1) in zip(line, line[1:] or line, strict=False):
        if x0 <= x <= x1:
            y0, y1 = _number(s0.mean), _number(s1.mean)
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return None
