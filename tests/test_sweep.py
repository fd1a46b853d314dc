"""Sweeps: a grid of prices and rates, here, on a process pool and on a Dask cluster."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pytest

from ppa_core import (
    Beta,
    BillingEngine,
    CampaignPlan,
    Choice,
    Commission,
    Contract,
    ContractTerms,
    Hybrid,
    Money,
    PayPerLead,
    PerAppointment,
    Retainer,
    Scenario,
    ScenarioResult,
    Term,
    Tier,
    ValidationError,
    break_even_show_rate,
    build_invoice,
    simulate,
)
from ppa_core.domain.pricing import Pricing
from ppa_core.modelling.sweep import Chunk, SweepPoint, run_chunk, sweep

T = TypeVar("T")


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


PLAN = CampaignPlan(
    appointments=("15", "25"),
    show_rate=("0.6", "0.9"),
    qualification_rate=Beta.from_observed(successes=17, trials=20),
    close_rate="0.3",
    deal_value=Choice([eur(10000), eur(25000)], weights=[3, 1]),
)
MODELS: dict[str, Pricing] = {
    "ppa": PerAppointment(price=eur(350)),
    "ppl": PayPerLead(price_per_lead=eur(100)),
    "retainer": Retainer(fee=eur(6000)),
    "commission": Commission(rate=Decimal("0.1"), currency="EUR"),
    "hybrid": Hybrid(Retainer(eur(2000)), PerAppointment(price=eur(200))),
}
GRID: dict[str, list[Any]] = {"show_rate": ["0.6", "0.8"], "ppa.price": [300, 400]}
NO_DEALS: dict[str, Pricing] = {
    name: model for name, model in MODELS.items() if name != "commission"
}


def roundtrip(value: object) -> object:
    return pickle.loads(pickle.dumps(value))


class TestSweep:
    def test_every_grid_point_in_order_the_last_key_fastest(self) -> None:
        points = sweep(PLAN, GRID, MODELS, runs=8, seed=1)
        assert [p.values for p in points] == [
            {"show_rate": "0.6", "ppa.price": 300},
            {"show_rate": "0.6", "ppa.price": 400},
            {"show_rate": "0.8", "ppa.price": 300},
            {"show_rate": "0.8", "ppa.price": 400},
        ]
        for point in points:
            per_meeting = point.result.summary("ppa").cost_per_held_meeting
            assert per_meeting is not None
            assert per_meeting.mean == eur(point.values["ppa.price"])

    def test_a_point_is_the_simulation_with_those_values(self) -> None:
        (point,) = sweep(PLAN, {"show_rate": ["0.7"]}, MODELS, runs=6, seed=3)
        direct = simulate(
            CampaignPlan(**{**_fields(PLAN), "show_rate": "0.7"}), MODELS, runs=6, seed=3
        )
        assert point.result == direct.without_outcomes()

    def test_chunks_do_not_change_the_numbers(self) -> None:
        whole = sweep(PLAN, GRID, MODELS, runs=10, seed=2, keep_outcomes=True)
        chunked = sweep(PLAN, GRID, MODELS, runs=10, seed=2, chunksize=3, keep_outcomes=True)
        assert chunked == whole

    def test_an_empty_grid_is_one_simulation_spread_over_chunks(self) -> None:
        (point,) = sweep(PLAN, {}, MODELS, runs=9, seed=4, chunksize=2, keep_outcomes=True)
        assert point.parameters == ()
        assert point.result == simulate(PLAN, MODELS, runs=9, seed=4)

    def test_contract_terms_and_nested_prices_can_vary(self) -> None:
        points = sweep(
            CampaignPlan(appointments=30, show_rate="0.9"),
            {"ppa.cap": [5], "hybrid.per_appointment.price": ["250"], "retainer.fee": [7000]},
            NO_DEALS,
            runs=3,
        )
        result = points[0].result
        assert result.summary("ppa").total_cost.maximum == eur("1750.00")
        assert result.summary("retainer").total_cost.mean == eur("7000.00")
        hybrid = result.summary("hybrid").total_cost
        assert (hybrid.mean - eur(2000)).amount % 250 == 0

    @pytest.mark.parametrize(
        ("grid", "field"),
        [
            ({"nonsense": [1]}, "grid"),
            ({"ppa.nonsense": [1]}, "ppa.nonsense"),
            ({"ppa.policy.nonsense": [1]}, "ppa.policy.nonsense"),
            ({"show_rate": []}, "grid['show_rate']"),
            ({"show_rate": "0.5"}, "grid['show_rate']"),
            ({"show_rate": ["2"]}, "show_rate"),
            (["show_rate"], "grid"),
        ],
    )
    def test_a_grid_the_plan_or_models_refuse_is_refused(self, grid: object, field: str) -> None:
        with pytest.raises(ValidationError) as error:
            sweep(PLAN, grid, MODELS, runs=1)  # type: ignore[arg-type]
        assert error.value.field == field

    def test_a_whole_pricing_can_vary(self) -> None:
        tiered = PerAppointment(tiers=[Tier(10, eur(350)), Tier(None, eur(150))])
        points = sweep(
            CampaignPlan(appointments=12, show_rate=1),
            {"ppa.pricing": [MODELS["ppa"], tiered]},
            NO_DEALS,
            runs=1,
        )
        costs = [p.result.summary("ppa").total_cost.mean for p in points]
        assert costs == [eur("4200.00"), eur("3800.00")]

    def test_a_point_reads_well_in_a_shell(self) -> None:
        (point,) = sweep(PLAN, {"show_rate": ["0.7"]}, {"r": Retainer(fee=eur(5))}, runs=2)
        assert repr(point) == "SweepPoint(show_rate=0.7: mean cost r EUR 5.00)"


def _fields(plan: CampaignPlan) -> dict[str, object]:
    return attrs.asdict(plan, recurse=False)


class TestExecutors:
    def test_a_process_pool_gives_the_numbers_computed_here(self) -> None:
        here = sweep(PLAN, GRID, MODELS, runs=6, seed=7, chunksize=4)
        with ProcessPoolExecutor(max_workers=2) as pool:
            there = sweep(PLAN, GRID, MODELS, runs=6, seed=7, executor=pool, chunksize=4)
        assert there == here

    def test_each_point_is_summarized_once_its_last_chunk_is_in(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # While workers compute the next points' chunks: the summaries of a grid are
        # not all left for after the last chunk.
        log: list[str] = []
        summarize = ScenarioResult.from_tallies

        def logged(*args: Any, **kwargs: Any) -> ScenarioResult:
            log.append("summary")
            return summarize(*args, **kwargs)

        monkeypatch.setattr(ScenarioResult, "from_tallies", logged)
        here = sweep(PLAN, GRID, MODELS, runs=6, seed=7, chunksize=4)
        log.clear()
        there = sweep(PLAN, GRID, MODELS, runs=6, seed=7, chunksize=4, executor=_Logged(log))
        assert there == here
        assert log == ["chunk 0-4", "chunk 4-6", "summary"] * len(here)

    def test_a_dask_cluster_gives_the_numbers_computed_here(self) -> None:
        distributed = pytest.importorskip("distributed")
        here = sweep(PLAN, GRID, MODELS, runs=5, seed=9, chunksize=2)
        # Port 0: None still binds 8787, and a parallel worker's cluster may hold it.
        with distributed.Client(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0"
        ) as client:
            there = sweep(
                PLAN, GRID, MODELS, runs=5, seed=9, chunksize=2, executor=client.get_executor()
            )
        assert there == here


class _Logged(Executor):
    """Runs each task when its result is read, and logs which chunk it was."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        log, (chunk,) = self.log, args

        class Deferred(Future[T]):
            def result(self, timeout: float | None = None) -> T:
                log.append(f"chunk {chunk.start}-{chunk.stop}")
                return fn(*args, **kwargs)

        return Deferred()


class TestPickling:
    """Everything that crosses a process boundary pickles and comes back equal."""

    def contract(self) -> Contract:
        return Contract(
            id="acme",
            agency="Northwind",
            client="Acme",
            currency="EUR",
            timezone="Europe/Berlin",
            term=Term(start="2026-01-01"),
            terms=ContractTerms(
                pricing=PerAppointment(price=eur(300), seniority_prices={"vp": eur(450)})
            ),
        ).amend("2026-02-01", pricing=PerAppointment(tiers=[Tier(5, eur(1)), Tier(None, eur(2))]))

    def test_plans_models_contracts_and_distributions(self) -> None:
        for value in (PLAN, self.contract(), *MODELS.values(), PLAN.deal_value, Beta(2, 3)):
            assert roundtrip(value) == value

    def test_scenarios_chunks_outcomes_and_results(self) -> None:
        scenario = Scenario.build(PLAN, MODELS, contract=self.contract())
        chunk = Chunk(0, scenario, 1, 0, 3)
        assert roundtrip(scenario) == scenario
        assert roundtrip(chunk) == chunk
        outcomes = run_chunk(chunk)
        assert roundtrip(outcomes) == outcomes
        result = scenario.simulate(runs=3, seed=1)
        assert roundtrip(result) == result
        point = SweepPoint((("show_rate", "0.8"),), result)
        assert roundtrip(point) == point
        found = break_even_show_rate(PLAN, MODELS["ppa"], MODELS["retainer"], runs=2)
        assert roundtrip(found) == found

    def test_appointments_decisions_and_invoices(self) -> None:
        scenario = Scenario.build(PLAN, MODELS, contract=self.contract())
        facts = scenario.realize(seed=1)
        contract = scenario.contract
        decisions = BillingEngine(contract).decide_all(
            facts.appointments, as_of=facts.as_of, trace=True
        )
        invoice = build_invoice(contract, facts.appointments, facts.periods[0], as_of=facts.as_of)
        for value in (facts, facts.appointments, invoice):
            assert roundtrip(value) == value
        back = roundtrip(decisions)
        assert back == decisions
        assert [d.explain() for d in back] == [d.explain() for d in decisions]
