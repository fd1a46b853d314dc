"""Scenario modelling: what would a campaign cost under each pricing model?

An analyst describes the campaign (:class:`~ppa_core.modelling.plan.CampaignPlan`) and
the models to compare (per appointment, per lead, retainer, commission,
hybrid: as pricings on one contract, or as whole contracts), then
:func:`simulate` runs the plan many times, prices every run with the real
billing engine under each model and summarizes, per model, the distribution of
the total cost, the cost per held meeting, the cost per opportunity and the
ROI. :func:`~ppa_core.modelling.break_even.break_even_show_rate` finds the show rate
where two models cost the same.

Same plan, models, runs and seed: same numbers, on any machine, however the
runs are split between processes (see :mod:`ppa_core.modelling.simulation`).

>>> from ppa_core import Money, PerAppointment, Retainer
>>> eur = lambda amount: Money.of(amount, "EUR")
>>> plan = CampaignPlan(appointments=50, show_rate=("0.70", "0.85"), qualification_rate="0.9")
>>> result = simulate(
...     plan,
...     {"ppa": PerAppointment(price=eur(350)), "retainer": Retainer(fee=eur(15000))},
...     runs=200,
...     seed=7,
... )
>>> result.summary("retainer").total_cost.mean
Money('15000.00', 'EUR')
>>> result.summary("ppa").total_cost.p50 < result.summary("retainer").total_cost.p50
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.domain.contract import Contract, ContractTerms, Term
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.pricing import (
    PRICING_TYPES,
    Commission,
    Pricing,
    PricingModel,
    model_of,
)
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.figures import RunFigures, RunTallies, tally_summaries
from ppa_core.modelling.plan import CampaignPlan
from ppa_core.modelling.progress import ProgressOption, reporting, steps
from ppa_core.modelling.simulation import Realization, RunOutcome, Simulator, for_simulation
from ppa_core.modelling.summary import Summary, summarize_tally, summarize_tally_amounts

__all__ = [
    "ModelSummary",
    "Models",
    "PricedModel",
    "Scenario",
    "ScenarioResult",
    "simulate",
]

_DEFAULT_START = pendulum.Date(2026, 1, 1)
_MAX_RUNS = 1_000_000


@attrs.frozen
class PricedModel:
    """One model to compare: a name and the contract that prices it.

    Attributes:
        name: the model's label in results ("PPA 350", "retainer").
        contract: the contract, with the model's pricing in its terms.
    """

    name: str = attrs.field(validator=v.text("model name"))
    contract: Contract = attrs.field(validator=v.instance_of("contract", Contract, "a Contract"))

    @property
    def pricing(self) -> Pricing:
        """The pricing of the contract's original terms."""
        return self.contract.terms.pricing

    @property
    def model(self) -> PricingModel:
        """The commercial model of that pricing."""
        return model_of(self.pricing)


Models = (
    Mapping[str, Pricing | Contract]
    | Sequence[Pricing | Contract | PricedModel]
    | Pricing
    | Contract
)
"""What :func:`simulate` accepts as models: ``{"name": pricing_or_contract}``, a
sequence of pricings, contracts or :class:`PricedModel` (named after the model
or the contract id), or a single one."""


def _with_pricing(contract: Contract, pricing: Pricing) -> Contract:
    def swap(terms: ContractTerms) -> ContractTerms:
        return attrs.evolve(terms, pricing=pricing)

    amendments = tuple(attrs.evolve(a, terms=swap(a.terms)) for a in contract.amendments)
    return attrs.evolve(contract, terms=swap(contract.terms), amendments=amendments)


def _entries(models: object) -> list[tuple[str | None, object]]:
    if isinstance(models, (Contract, PricedModel, *PRICING_TYPES)):
        return [(None, models)]
    if isinstance(models, Mapping):
        for key in models:
            if not isinstance(key, str) or not key.strip():
                raise ValidationError("models", key, "a non-empty string as each model's name")
        return list(models.items())
    if isinstance(models, Sequence) and not isinstance(models, str | bytes):
        return [(None, m) for m in models]
    raise ValidationError("models", models, "a pricing, a contract, or a mapping or list of them")


def _default_contract(pricing: Pricing, plan: CampaignPlan) -> Contract:
    return Contract(
        id="scenario",
        agency="agency",
        client="client",
        currency=pricing.currency,
        timezone="UTC",
        term=Term(start=plan.start or _DEFAULT_START),
        terms=ContractTerms(pricing=pricing),
    )


def _priced_models(
    models: object, contract: Contract | None, plan: CampaignPlan
) -> tuple[Contract, tuple[PricedModel, ...]]:
    entries: list[tuple[str | None, Contract | Pricing]] = []
    for i, (name, model) in enumerate(_entries(models)):
        if isinstance(model, PricedModel):
            entries.append((name or model.name, model.contract))
        elif isinstance(model, (Contract, *PRICING_TYPES)):
            entries.append((name, model))
        else:
            raise ValidationError(f"models[{i}]", model, "a pricing, a Contract or a PricedModel")
    if not entries:
        raise ValidationError("models", models, "at least one model")
    if contract is None:
        contract = next((m for _, m in entries if isinstance(m, Contract)), None)
    if contract is None:
        contract = _default_contract(entries[0][1], plan)  # type: ignore[arg-type]
    if not isinstance(contract, Contract):
        raise ValidationError("contract", contract, "a Contract")
    priced: list[PricedModel] = []
    taken: set[str] = set()
    for i, (name, model) in enumerate(entries):
        if isinstance(model, Contract):
            label, own = name or model.id, model
        elif model.currency != contract.currency:
            raise ValidationError(
                f"models[{i}].currency", model.currency.code, f"{contract.currency.code}"
            )
        else:
            label, own = name or model_of(model).value, _with_pricing(contract, model)
        base, n = label, 2
        while label in taken:
            label, n = f"{base} {n}", n + 1
        taken.add(label)
        _check_compatible(own, contract, f"models[{i}]")
        priced.append(PricedModel(label, for_simulation(own)))
    return for_simulation(contract), tuple(priced)


def _check_compatible(own: Contract, base: Contract, where: str) -> None:
    for field in ("currency", "timezone", "billing_period"):
        mine, theirs = getattr(own, field), getattr(base, field)
        if mine != theirs:
            raise ValidationError(f"{where}.{field}", mine, f"the reference contract's {theirs}")


def check_runs(runs: int, seed: int) -> None:
    """Raise ValidationError unless ``runs`` is 1 to 1,000,000 and ``seed`` a whole number >= 0."""
    v.check_int("runs", runs, minimum=1, maximum=_MAX_RUNS)
    v.check_int("seed", seed, minimum=0)


@attrs.frozen
class Scenario:
    """A plan and the models to price it under, ready to run (and to ship to workers).

    Build one with :meth:`build`. Every contract's criteria are replaced by the
    simulation's (the plan's qualification rate decides who qualifies).

    Attributes:
        plan: the campaign plan.
        models: the models, in result order.
        contract: the reference contract: its decisions count the meetings held,
            and it fixes the billing periods, time zone and currency.
    """

    plan: CampaignPlan = attrs.field(
        validator=v.instance_of("plan", CampaignPlan, "a CampaignPlan")
    )
    models: tuple[PricedModel, ...]
    contract: Contract

    @classmethod
    def build(
        cls, plan: CampaignPlan, models: Models, *, contract: Contract | None = None
    ) -> Scenario:
        """Prepare ``plan`` and ``models`` (see :data:`Models`).

        Args:
            plan: the campaign plan.
            models: the models to compare.
            contract: the reference contract; pricings are priced on it. Default: the
                first contract among ``models``, else a plain contract (UTC, calendar
                months, market-default policy) starting on ``plan.start`` or 2026-01-01.

        Raises:
            ValidationError: no model, names that repeat, a contract in another currency,
                time zone or billing period, or a commission model without a deal value.
        """
        if not isinstance(plan, CampaignPlan):
            raise ValidationError("plan", plan, "a CampaignPlan")
        reference, priced = _priced_models(models, contract, plan)
        for model in priced:
            if isinstance(model.pricing, Commission) and plan.deal_value is None:
                raise ValidationError(
                    "plan.deal_value",
                    None,
                    f"a deal value to price the commission model {model.name!r}",
                )
        value = plan.deal_value
        if value is not None and value.low.currency != reference.currency:
            raise ValidationError("plan.deal_value", value, f"in {reference.currency}")
        return cls(plan, priced, reference)

    @property
    def names(self) -> tuple[str, ...]:
        """The models' names, in order."""
        return tuple(m.name for m in self.models)

    def simulator(self, *, like: Simulator | None = None) -> Simulator:
        """A simulator for this scenario (build one per process and reuse it).

        ``like``: another scenario's simulator, used in the same thread, whose meetings
        and verdicts for equal contracts this one shares (see :class:`Simulator`).
        """
        models = [m.contract for m in self.models]
        return Simulator(self.plan, self.contract, models, like=like)

    def outcomes(
        self, seed: int, start: int, stop: int, *, simulator: Simulator | None = None
    ) -> tuple[RunOutcome, ...]:
        """Runs ``start`` to ``stop - 1`` of ``seed``: the unit of work of a sweep.

        ``simulator``: one of this scenario's, kept from earlier chunks (default: a new one).
        """
        v.check_int("start", start)
        v.check_int("stop", stop, minimum=start)
        if simulator is None:
            simulator = self.simulator()
        return tuple(simulator.outcome(seed, run) for run in range(start, stop))

    def realize(self, *, seed: int, run: int = 0) -> Realization:
        """The concrete facts of one run: its appointments, leads and deals per period."""
        check_runs(run + 1, seed)
        return self.simulator().realize(seed, run)[0]

    def simulate(
        self, *, runs: int = 1000, seed: int = 0, progress: ProgressOption = None
    ) -> ScenarioResult:
        """Run ``runs`` times from ``seed`` and summarize; see :func:`simulate`."""
        check_runs(runs, seed)
        simulator, outcomes = self.simulator(), list[RunOutcome]()
        with reporting(progress, runs, "simulate") as report:
            for start, stop in steps(runs):
                outcomes.extend(simulator.outcome(seed, run) for run in range(start, stop))
                report(stop, runs)
        return ScenarioResult.from_outcomes(self, seed, outcomes)


def simulate(
    plan: CampaignPlan,
    models: Models,
    *,
    contract: Contract | None = None,
    runs: int = 1000,
    seed: int = 0,
    progress: ProgressOption = None,
) -> ScenarioResult:
    """Simulate ``plan`` ``runs`` times and price every run under each model.

    Args:
        plan: the campaign plan.
        models: the models (see :data:`Models`), e.g. ``{"ppa": PerAppointment(...),
            "retainer": Retainer(...)}``.
        contract: the reference contract (see :meth:`Scenario.build`).
        runs: how many campaigns to simulate, 1 to 1,000,000 (default 1000).
        seed: the seed, a whole number >= 0 (default 0).
        progress: None (silent), ``progress(done, total)`` after each step of runs,
            or True for a tqdm bar (see :mod:`~ppa_core.modelling.progress`).

    Returns:
        The per-model summaries, with every run's outcome.

    Raises:
        ValidationError: see :meth:`Scenario.build`, or bad runs or seed.
    """
    scenario = Scenario.build(plan, models, contract=contract)
    return scenario.simulate(runs=runs, seed=seed, progress=progress)


@attrs.frozen(repr=False)
class ModelSummary:
    """The distribution of one model's figures over the runs.

    Attributes:
        name: the model's name.
        model: its commercial model.
        total_cost: the campaign's total cost.
        cost_per_held_meeting: total cost / qualified meetings held (runs with a meeting).
        cost_per_opportunity: total cost / opportunities (runs with an opportunity).
        roi: (revenue - cost) / cost, six decimals (runs with a cost, plans with a deal value).
    """

    name: str
    model: PricingModel
    total_cost: Summary[Money]
    cost_per_held_meeting: Summary[Money] | None
    cost_per_opportunity: Summary[Money] | None
    roi: Summary[Decimal] | None

    def __repr__(self) -> str:
        return f"ModelSummary({self.name!r}, {self.model.value}, total_cost={self.total_cost!r})"


@attrs.frozen(repr=False)
class ScenarioResult:
    """What :func:`simulate` found: per model summaries, and each run's outcome.

    Attributes:
        plan: the plan simulated.
        models: the models, in order.
        seed: the seed.
        runs: how many runs.
        currency: the currency of every amount.
        summaries: one per model, in model order.
        meetings: qualified meetings held per run.
        opportunities: opportunities per run.
        revenue: revenue per run (None when the plan has no deal value).
        outcomes: every run's outcome, in run order (empty when dropped to travel light).
    """

    plan: CampaignPlan
    models: tuple[PricedModel, ...]
    seed: int
    runs: int
    currency: Currency
    summaries: tuple[ModelSummary, ...]
    meetings: Summary[Decimal]
    opportunities: Summary[Decimal]
    revenue: Summary[Money] | None
    outcomes: tuple[RunOutcome, ...] = ()

    @classmethod
    def from_outcomes(
        cls, scenario: Scenario, seed: int, outcomes: Sequence[RunOutcome]
    ) -> ScenarioResult:
        """Summarize ``outcomes`` (runs 0 to n - 1 of ``seed``, in order) of ``scenario``.

        Raises:
            ValidationError: no outcomes, or outcomes not numbered 0 to n - 1 in order.
        """
        runs = tuple(outcomes)
        if not runs or any(o.run != i for i, o in enumerate(runs)):
            raise ValidationError("outcomes", len(runs), "runs 0 to n - 1, in order, n >= 1")
        with_roi = scenario.plan.deal_value is not None
        figures = RunFigures.of(runs, len(scenario.models), with_roi)
        return cls.from_figures(scenario, seed, figures, runs)

    @classmethod
    def from_figures(
        cls,
        scenario: Scenario,
        seed: int,
        figures: RunFigures,
        outcomes: Sequence[RunOutcome] = (),
    ) -> ScenarioResult:
        """Summarize the figures of runs 0 to n - 1 of ``seed`` (and keep ``outcomes``, if any).

        Raises:
            ValidationError: figures that do not start at run 0 or miss a model, or
                outcomes other than one per run.
        """
        return cls.from_tallies(scenario, seed, RunTallies.of(figures), outcomes)

    @classmethod
    def from_tallies(
        cls,
        scenario: Scenario,
        seed: int,
        tallies: RunTallies,
        outcomes: Sequence[RunOutcome] = (),
    ) -> ScenarioResult:
        """Summarize the tallied figures of runs 0 to n - 1 of ``seed`` (see :meth:`from_figures`).

        Raises:
            ValidationError: tallies that do not start at run 0 or miss a model, or
                outcomes other than one per run.
        """
        if tallies.first != 0 or len(tallies.models) != len(scenario.models):
            raise ValidationError("figures", tallies.first, "runs from 0, one column per model")
        if outcomes and len(outcomes) != tallies.runs:
            raise ValidationError("outcomes", len(outcomes), f"one per run ({tallies.runs})")
        currency = scenario.contract.currency
        summaries = []
        for model, columns in zip(scenario.models, tallies.models, strict=True):
            total, per_meeting, per_opportunity, roi = tally_summaries(columns, currency)
            summaries.append(
                ModelSummary(model.name, model.model, total, per_meeting, per_opportunity, roi)
            )
        with_roi = scenario.plan.deal_value is not None
        return cls(
            scenario.plan,
            scenario.models,
            seed,
            tallies.runs,
            currency,
            tuple(summaries),
            summarize_tally(tallies.meetings),
            summarize_tally(tallies.opportunities),
            summarize_tally_amounts(tallies.revenue, currency) if with_roi else None,
            tuple(outcomes),
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The models' names, in order."""
        return tuple(m.name for m in self.models)

    def summary(self, name: str) -> ModelSummary:
        """The summary of the model called ``name``.

        Raises:
            ValidationError: no model has that name.
        """
        for summary in self.summaries:
            if summary.name == name:
                return summary
        raise ValidationError("name", name, f"one of {self.names}")

    def costs(self, name: str) -> tuple[Money, ...]:
        """Model ``name``'s total cost in every run, in run order.

        Raises:
            ValidationError: an unknown name, or the outcomes were dropped.
        """
        index = self.names.index(self.summary(name).name)
        if not self.outcomes:
            raise ValidationError("outcomes", (), "kept (simulate without dropping them)")
        return tuple(o.costs[index] for o in self.outcomes)

    def without_outcomes(self) -> ScenarioResult:
        """The same summaries without the per-run outcomes (lighter to ship between processes)."""
        return attrs.evolve(self, outcomes=())

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_html_(self) -> str:
        return _rendering.html(self)
