"""Parameter sweeps: a grid of prices and rates, on one machine or a cluster.

:func:`sweep` simulates the plan at every point of a grid and returns one
:class:`SweepPoint` per point, in grid order. The work is cut into chunks of
runs (:class:`Chunk`, a frozen value) handed to :func:`run_chunk`, a
top-level function, through any :class:`concurrent.futures.Executor`:

- ``None`` (the default) runs them here, one after the other;
- ``ProcessPoolExecutor()`` spreads them over this machine's cores;
- a Dask cluster's ``Client.get_executor()`` spreads them over the cluster,
  unchanged (install ``ppa_core[dask]``).

Everything that crosses the process boundary pickles: the plan, the
contracts, the chunks and the outcomes. Every run draws from its own seed
(see :mod:`ppa_core.modelling.simulation`), so the numbers do not depend on the executor
or on ``chunksize``: a sweep on a cluster gives exactly the numbers of a sweep
in a notebook.

Grid keys name what varies:

- a plan field: ``"show_rate"``, ``"appointments"``, ``"close_rate"`` ...;
- a model's pricing field after its name and a dot: ``"ppa.price"``,
  ``"retainer.fee"``, ``"hybrid.per_appointment.price"``, ``"commission.rate"``
  (a number given for money is read in the contract's currency);
- a model's contract terms: ``"ppa.cap"``, ``"ppa.policy.grace_minutes"``.

With an empty grid, :func:`sweep` is :func:`~ppa_core.modelling.scenario.simulate` spread
over the executor: one point, its runs in chunks.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from typing import Any

import attrs

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.figures import RunFigures, RunTallies, RunTalliesBuilder
from ppa_core.modelling.plan import CampaignPlan
from ppa_core.modelling.progress import ProgressOption, reporting
from ppa_core.modelling.scenario import Models, PricedModel, Scenario, ScenarioResult
from ppa_core.modelling.simulation import RunOutcome, Simulator

__all__ = ["Chunk", "SweepPoint", "run_chunk", "run_chunk_figures", "run_chunk_tallies", "sweep"]


@attrs.frozen
class Chunk:
    """A unit of work: runs ``start`` to ``stop - 1`` of ``seed`` for one grid point.

    Attributes:
        point: the grid point's index.
        scenario: the scenario at that point.
        seed: the seed.
        start: the first run.
        stop: one past the last run.
        keep_outcomes: whether :func:`run_chunk_figures` returns the outcomes too
            (default True).
    """

    point: int
    scenario: Scenario
    seed: int
    start: int
    stop: int
    keep_outcomes: bool = True


_KEPT = threading.local()
_KEPT_SIMULATORS = 8
"""Simulators a thread keeps, one per scenario, the last used (each holds the engine's
verdicts on the kinds of meetings it has seen)."""


def _simulator(scenario: Scenario) -> Simulator:
    """This thread's simulator for ``scenario``, kept between chunks of the same point.

    A worker runs many chunks of a point; building the simulator again for each would
    decide every kind of meeting again.
    """
    kept: dict[Scenario, Simulator] | None = getattr(_KEPT, "simulators", None)
    if kept is None:
        kept = _KEPT.simulators = {}
    try:
        found = kept.pop(scenario, None)  # re-inserted below: the last used is kept longest
    except TypeError:  # a custom rule that does not hash: nothing to key by
        return scenario.simulator()
    if found is None:
        # The last used one is most likely another point of the same grid: the meetings
        # and the verdicts of the models the grid does not change are shared with it.
        found = scenario.simulator(like=next(reversed(kept.values()), None))
        while len(kept) >= _KEPT_SIMULATORS:
            del kept[next(iter(kept))]
    kept[scenario] = found
    return found


def run_chunk(chunk: Chunk) -> tuple[RunOutcome, ...]:
    """Simulate one chunk (top-level so it pickles); its outcomes."""
    simulator = _simulator(chunk.scenario)
    return chunk.scenario.outcomes(chunk.seed, chunk.start, chunk.stop, simulator=simulator)


def run_chunk_figures(chunk: Chunk) -> tuple[RunFigures, tuple[RunOutcome, ...]]:
    """Simulate one chunk and compute its figures (what :func:`run_chunk_tallies` tallies).

    Returns:
        The chunk's figures, and its outcomes when ``chunk.keep_outcomes`` (else empty).
    """
    outcomes = run_chunk(chunk)
    scenario = chunk.scenario
    with_roi = scenario.plan.deal_value is not None
    figures = RunFigures.of(outcomes, len(scenario.models), with_roi)
    return figures, outcomes if chunk.keep_outcomes else ()


def run_chunk_tallies(chunk: Chunk) -> tuple[RunTallies, tuple[RunOutcome, ...]]:
    """Simulate one chunk and tally its figures (the function :func:`sweep` has executors run).

    The tallies are the figures sorted, counted by value and summed exactly, here,
    while other chunks are computed elsewhere: the process that gathers them only
    adds them up.

    Returns:
        The chunk's tallies, and its outcomes when ``chunk.keep_outcomes`` (else empty).
    """
    figures, outcomes = run_chunk_figures(chunk)
    return RunTallies.of(figures), outcomes


@attrs.frozen(repr=False)
class SweepPoint:
    """One point of a grid and what the plan cost there.

    Attributes:
        parameters: ``(key, value)`` for every grid key, in the grid's key order.
        result: the simulation at this point.
    """

    parameters: tuple[tuple[str, Any], ...]
    result: ScenarioResult

    @property
    def values(self) -> dict[str, Any]:
        """The parameters as a dict."""
        return dict(self.parameters)

    def __repr__(self) -> str:
        where = ", ".join(f"{k}={val}" for k, val in self.parameters) or "no parameters"
        costs = ", ".join(f"{s.name} {s.total_cost.mean.format()}" for s in self.result.summaries)
        return f"SweepPoint({where}: mean cost {costs})"

    def _repr_html_(self) -> str:
        return _rendering.html(self)


def _coerce(current: Any, value: Any) -> Any:
    if isinstance(current, Money) and not isinstance(value, Money):
        return Money(value, current.currency)
    return value


def _evolve_path(obj: Any, path: Sequence[str], value: Any, key: str) -> Any:
    head = path[0]
    fields = attrs.fields_dict(type(obj)) if attrs.has(type(obj)) else {}
    field = fields.get(head)
    if field is None or not field.init or head.startswith("_"):
        allowed = tuple(n for n, f in fields.items() if f.init and not n.startswith("_"))
        raise ValidationError(key, head, f"a field of {type(obj).__name__}, one of {allowed}")
    current = getattr(obj, head)
    new = _coerce(current, value) if len(path) == 1 else _evolve_path(current, path[1:], value, key)
    return attrs.evolve(obj, **{head: new})


def _apply_to_contract(contract: Contract, path: Sequence[str], value: Any, key: str) -> Contract:
    terms_fields = attrs.fields_dict(ContractTerms)
    route = list(path) if path[0] in terms_fields else ["pricing", *path]

    def change(terms: ContractTerms) -> ContractTerms:
        changed: ContractTerms = _evolve_path(terms, route, value, key)
        return changed

    amendments = tuple(attrs.evolve(a, terms=change(a.terms)) for a in contract.amendments)
    return attrs.evolve(contract, terms=change(contract.terms), amendments=amendments)


def _apply(scenario: Scenario, key: str, value: Any) -> Scenario:
    if key in attrs.fields_dict(CampaignPlan):
        plan = attrs.evolve(scenario.plan, **{key: value})
        return attrs.evolve(scenario, plan=plan)
    for index, model in sorted(enumerate(scenario.models), key=lambda pair: -len(pair[1].name)):
        prefix = model.name + "."
        if key.startswith(prefix) and len(key) > len(prefix):
            path = key[len(prefix) :].split(".")
            contract = _apply_to_contract(model.contract, path, value, key)
            models = list(scenario.models)
            models[index] = PricedModel(model.name, contract)
            return attrs.evolve(scenario, models=tuple(models))
    plan_fields = tuple(attrs.fields_dict(CampaignPlan))
    raise ValidationError(
        "grid",
        key,
        f"a plan field {plan_fields} or '<model name>.<pricing or terms field>' "
        f"with a model name in {scenario.names}",
    )


def _grid(given: Mapping[str, Sequence[Any]]) -> list[tuple[str, tuple[Any, ...]]]:
    grid: object = given  # callers are not always typed
    if not isinstance(grid, Mapping):
        raise ValidationError("grid", grid, "a mapping of parameter name to a sequence of values")
    axes = []
    for key, values in grid.items():
        if not isinstance(key, str) or isinstance(values, str | bytes):
            raise ValidationError(f"grid[{key!r}]", values, "a sequence of values")
        if not isinstance(values, Sequence) or not values:
            raise ValidationError(f"grid[{key!r}]", values, "a non-empty sequence of values")
        axes.append((key, tuple(values)))
    return axes


def sweep(
    plan: CampaignPlan,
    grid: Mapping[str, Sequence[Any]],
    models: Models,
    *,
    contract: Contract | None = None,
    runs: int = 1000,
    seed: int = 0,
    executor: Executor | None = None,
    chunksize: int | None = None,
    keep_outcomes: bool = False,
    progress: ProgressOption = None,
) -> tuple[SweepPoint, ...]:
    """Simulate ``plan`` at every point of ``grid`` (the product of its value lists).

    Args:
        plan: the campaign plan.
        grid: parameter name -> the values it takes (see the module's docstring),
            e.g. ``{"show_rate": ["0.6", "0.7", "0.8"], "ppa.price": [300, 350, 400]}``.
        models: the models (see :data:`~ppa_core.modelling.scenario.Models`).
        contract: the reference contract (see :meth:`~ppa_core.modelling.scenario.Scenario.build`).
        runs: runs per grid point (default 1000).
        seed: the seed, the same at every point (common random numbers).
        executor: where chunks run: None here, a process pool, ``Client.get_executor()``.
        chunksize: runs per chunk (default: all the runs of a point in one chunk).
        keep_outcomes: keep every run's outcome in the results (heavier); by default
            the results keep only the summaries.
        progress: None (silent), ``progress(done, total)`` with the runs done over
            every point after each chunk, or True for a tqdm bar
            (see :mod:`~ppa_core.modelling.progress`).

    Returns:
        One point per combination, in grid order (the last key varies fastest).

    Raises:
        ValidationError: an unknown grid key, a value the plan or pricing refuses,
            bad runs, seed or chunksize.
    """
    v.check_int("runs", runs, minimum=1, maximum=1_000_000)
    v.check_int("seed", seed, minimum=0)
    size = runs if chunksize is None else v.check_int("chunksize", chunksize, minimum=1)
    axes = _grid(grid)
    base = Scenario.build(plan, models, contract=contract)
    points: list[tuple[tuple[tuple[str, Any], ...], Scenario]] = []
    for combination in itertools.product(*(values for _, values in axes)):
        scenario = base
        parameters = tuple(zip((key for key, _ in axes), combination, strict=True))
        for key, value in parameters:
            scenario = _apply(scenario, key, value)
        points.append((parameters, scenario))
    chunks = [
        Chunk(index, scenario, seed, start, min(start + size, runs), keep_outcomes)
        for index, (_, scenario) in enumerate(points)
        for start in range(0, runs, size)
    ]
    swept: list[SweepPoint] = []
    total, done = runs * len(points), 0
    with reporting(progress, total, "sweep") as report:
        # A pool's results come back tallied (and with outcomes when kept), point by point
        # in run order: this process adds each chunk's tallies as it comes in, and
        # summarizes a point once its last chunk is in, while the workers compute the next
        # points' chunks. After the last chunk only the last point's summaries are left.
        results: Iterator[tuple[RunTallies, tuple[RunOutcome, ...]]]
        if executor is None:
            results = map(run_chunk_tallies, chunks)
        else:
            futures: list[Future[tuple[RunTallies, tuple[RunOutcome, ...]]]] = [
                executor.submit(run_chunk_tallies, chunk) for chunk in chunks
            ]
            results = (future.result() for future in futures)
        tallies = RunTalliesBuilder(len(base.models))
        outcomes: list[RunOutcome] = []
        for chunk, (part, kept) in zip(chunks, results, strict=True):
            tallies.add(part)
            outcomes.extend(kept)
            done += chunk.stop - chunk.start
            report(done, total)
            if chunk.stop == runs:  # the point's last chunk
                parameters, scenario = points[chunk.point]
                result = ScenarioResult.from_tallies(scenario, seed, tallies.build(), outcomes)
                swept.append(SweepPoint(parameters, result))
                tallies, outcomes = RunTalliesBuilder(len(base.models)), []
    return tuple(swept)
