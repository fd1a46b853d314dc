"""Each run's figures, column by column: what a scenario's summaries are computed from.

A run's figures under a model are its total cost, its cost per qualified meeting
held and per opportunity (rounded half-up to the minor unit) and its ROI (six
decimals), as :func:`per_run_figures` gives them. :class:`RunFigures` holds them
for consecutive runs as plain amounts. A sweep's worker computes them next to
the runs and ships them back tallied (:class:`RunTallies`: each column sorted,
counted by value and summed exactly) rather than every
:class:`~ppa_core.modelling.simulation.RunOutcome`; the process that gathers the
chunks adds the tallies up as they come in (:class:`RunTalliesBuilder`) and
summarizes (:func:`tally_summaries`).
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ppa_core.domain.money import Currency, Money, RoundingMode
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.simulation import RunOutcome
from ppa_core.modelling.summary import (
    Summary,
    Tally,
    TallyBuilder,
    summarize_tally,
    summarize_tally_amounts,
)

__all__ = [
    "ModelColumns",
    "ModelTallies",
    "RunFigures",
    "RunTallies",
    "RunTalliesBuilder",
    "column_summaries",
    "per_run_figures",
    "tally_summaries",
]

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
_ROI_PLACES = Decimal("1E-6")


def per_run_figures(
    outcome: RunOutcome,
    index: int,
    with_roi: bool,
    *,
    quotients: dict[tuple[Decimal, int], Money] | None = None,
) -> tuple[Money, Money | None, Money | None, Decimal | None]:
    """Model ``index``'s total, cost per held meeting, cost per opportunity and ROI in a run.

    ``quotients``: costs already divided by a count, by (amount, count), filled in as
    found; one per model saves dividing the same cost again (a retainer's, each run).
    """
    cost = outcome.costs[index]
    kept = {} if quotients is None else quotients

    def per(count: int) -> Money | None:
        if not count:
            return None
        found = kept.get((cost.amount, count))
        if found is None:
            found = kept[cost.amount, count] = cost.divided_by(count, RoundingMode.HALF_UP)
        return found

    roi = None
    if with_roi and cost.amount:
        with decimal.localcontext(_CONTEXT):
            roi = ((outcome.revenue.amount - cost.amount) / cost.amount).quantize(_ROI_PLACES)
    return cost, per(outcome.meetings), per(outcome.opportunities), roi


@attrs.frozen
class ModelColumns:
    """One model's figures over consecutive runs (amounts in the scenario's currency).

    Attributes:
        costs: the total cost of every run.
        per_meeting: the cost per held meeting of the runs with a meeting.
        per_opportunity: the cost per opportunity of the runs with an opportunity.
        roi: the ROI of the runs with a cost (empty without a deal value).
    """

    costs: tuple[Decimal, ...]
    per_meeting: tuple[Decimal, ...]
    per_opportunity: tuple[Decimal, ...]
    roi: tuple[Decimal, ...]


@attrs.frozen
class RunFigures:
    """The figures of runs ``first`` to ``first + len(meetings) - 1``, column by column.

    Attributes:
        first: the first run's number.
        meetings: qualified meetings held, per run.
        opportunities: opportunities, per run.
        revenue: revenue amounts, per run.
        models: one :class:`ModelColumns` per model, in model order.
    """

    first: int
    meetings: tuple[int, ...]
    opportunities: tuple[int, ...]
    revenue: tuple[Decimal, ...]
    models: tuple[ModelColumns, ...]

    @classmethod
    def of(cls, outcomes: Sequence[RunOutcome], models: int, with_roi: bool) -> RunFigures:
        """The figures of ``outcomes`` (consecutive runs, in order) under ``models`` models.

        Raises:
            ValidationError: no outcomes, or runs that are not consecutive.
        """
        runs = tuple(outcomes)
        if not runs or any(o.run != runs[0].run + i for i, o in enumerate(runs)):
            raise ValidationError("outcomes", len(runs), "consecutive runs, in order, n >= 1")
        columns = []
        for index in range(models):
            quotients: dict[tuple[Decimal, int], Money] = {}
            figures = [per_run_figures(o, index, with_roi, quotients=quotients) for o in runs]
            columns.append(
                ModelColumns(
                    tuple(f[0].amount for f in figures),
                    tuple(f[1].amount for f in figures if f[1] is not None),
                    tuple(f[2].amount for f in figures if f[2] is not None),
                    tuple(f[3] for f in figures if f[3] is not None),
                )
            )
        return cls(
            runs[0].run,
            tuple(o.meetings for o in runs),
            tuple(o.opportunities for o in runs),
            tuple(o.revenue.amount for o in runs),
            tuple(columns),
        )

    @classmethod
    def join(cls, parts: Sequence[RunFigures]) -> RunFigures:
        """One column set from ``parts``, consecutive chunks of runs in order.

        Raises:
            ValidationError: no parts, or parts that do not follow one another.
        """
        if not parts:
            raise ValidationError("parts", parts, "at least one chunk of figures")
        expected = parts[0].first
        for i, part in enumerate(parts):
            if part.first != expected or len(part.models) != len(parts[0].models):
                raise ValidationError(f"parts[{i}].first", part.first, f"run {expected}")
            expected += len(part.meetings)
        if len(parts) == 1:
            return parts[0]
        models = tuple(
            ModelColumns(
                tuple(a for p in parts for a in p.models[m].costs),
                tuple(a for p in parts for a in p.models[m].per_meeting),
                tuple(a for p in parts for a in p.models[m].per_opportunity),
                tuple(a for p in parts for a in p.models[m].roi),
            )
            for m in range(len(parts[0].models))
        )
        return cls(
            parts[0].first,
            tuple(n for p in parts for n in p.meetings),
            tuple(n for p in parts for n in p.opportunities),
            tuple(a for p in parts for a in p.revenue),
            models,
        )

    @property
    def runs(self) -> int:
        """How many runs."""
        return len(self.meetings)


@attrs.frozen
class ModelTallies:
    """One model's figures over consecutive runs, tallied (see :class:`ModelColumns`)."""

    costs: Tally
    per_meeting: Tally
    per_opportunity: Tally
    roi: Tally

    @classmethod
    def of(cls, columns: ModelColumns) -> ModelTallies:
        """The tallies of ``columns``."""
        return cls(
            Tally.of(columns.costs),
            Tally.of(columns.per_meeting),
            Tally.of(columns.per_opportunity),
            Tally.of(columns.roi),
        )


@attrs.frozen
class RunTallies:
    """The figures of runs ``first`` to ``first + runs - 1``, tallied column by column.

    What a sweep's worker ships back for a chunk: sorted, counted by value, with exact
    sums, so the process that gathers the chunks adds tallies up as they come in and
    has little left to do after the last one.

    Attributes:
        first: the first run's number.
        runs: how many runs.
        meetings: qualified meetings held.
        opportunities: opportunities.
        revenue: revenue amounts.
        models: one :class:`ModelTallies` per model, in model order.
    """

    first: int
    runs: int
    meetings: Tally
    opportunities: Tally
    revenue: Tally
    models: tuple[ModelTallies, ...]

    @classmethod
    def of(cls, figures: RunFigures) -> RunTallies:
        """The tallies of ``figures``."""
        return cls(
            figures.first,
            figures.runs,
            Tally.of_whole(figures.meetings),
            Tally.of_whole(figures.opportunities),
            Tally.of(figures.revenue),
            tuple(ModelTallies.of(columns) for columns in figures.models),
        )


class RunTalliesBuilder:
    """Adds up the tallies of consecutive chunks of runs, in run order, from run ``first``.

    Args:
        first: the first run expected (default 0).
        models: how many models each chunk has figures for.
    """

    def __init__(self, models: int, first: int = 0) -> None:
        self._first = first
        self._next = first
        self._models = models
        self._columns = [TallyBuilder() for _ in range(3 + 4 * models)]

    def add(self, part: RunTallies) -> None:
        """Add the tallies of the next chunk.

        Raises:
            ValidationError: a chunk that does not start where the last one ended, or
                with figures for another number of models.
        """
        if part.first != self._next or len(part.models) != self._models:
            raise ValidationError(
                "part.first", part.first, f"run {self._next}, {self._models} models"
            )
        self._next += part.runs
        tallies = [part.meetings, part.opportunities, part.revenue]
        for model in part.models:
            tallies.extend((model.costs, model.per_meeting, model.per_opportunity, model.roi))
        for column, tally in zip(self._columns, tallies, strict=True):
            column.add(tally)

    def build(self) -> RunTallies:
        """The tallies of every chunk added."""
        built = [column.build() for column in self._columns]
        models = tuple(ModelTallies(*built[i : i + 4]) for i in range(3, len(built), 4))
        meetings, opportunities, revenue = built[:3]
        return RunTallies(
            self._first, self._next - self._first, meetings, opportunities, revenue, models
        )


def column_summaries(
    columns: ModelColumns, currency: Currency
) -> tuple[Summary[Money], Summary[Money] | None, Summary[Money] | None, Summary[Decimal] | None]:
    """The total cost, cost per meeting, cost per opportunity and ROI summaries of a model."""
    return tally_summaries(ModelTallies.of(columns), currency)


def tally_summaries(
    tallies: ModelTallies, currency: Currency
) -> tuple[Summary[Money], Summary[Money] | None, Summary[Money] | None, Summary[Decimal] | None]:
    """What :func:`column_summaries` gives, from a model's tallies."""

    def maybe(tally: Tally) -> Summary[Money] | None:
        return summarize_tally_amounts(tally, currency) if tally.values else None

    return (
        summarize_tally_amounts(tallies.costs, currency),
        maybe(tallies.per_meeting),
        maybe(tallies.per_opportunity),
        summarize_tally(tallies.roi) if tallies.roi.values else None,
    )
