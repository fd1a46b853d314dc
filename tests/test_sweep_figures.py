"""Sweeps ship columns of figures back from workers, and keep a simulator per scenario."""

from __future__ import annotations

import pickle
import threading
from decimal import Decimal

import pytest

from ppa_core import CampaignPlan, Money, PerAppointment, Retainer, Scenario, ValidationError
from ppa_core.modelling.figures import RunFigures, per_run_figures
from ppa_core.modelling.scenario import ScenarioResult
from ppa_core.modelling.summary import summarize, summarize_amounts
from ppa_core.modelling.sweep import Chunk, _simulator, run_chunk, run_chunk_figures, sweep


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


PLAN = CampaignPlan(
    appointments=("5", "15"),
    show_rate=("0.6", "0.9"),
    close_rate="0.3",
    deal_value=(eur(1000), eur(9000)),
)
MODELS = {"ppa": PerAppointment(price=eur(350)), "retainer": Retainer(fee=eur(3000))}
SCENARIO = Scenario.build(PLAN, MODELS)


class TestFigures:
    def test_columns_hold_each_runs_figures_in_run_order(self) -> None:
        outcomes = SCENARIO.outcomes(4, 0, 12)
        figures = RunFigures.of(outcomes, 2, with_roi=True)
        assert figures.runs == 12
        assert figures.meetings == tuple(o.meetings for o in outcomes)
        expected = [per_run_figures(o, 0, True) for o in outcomes]
        assert figures.models[0].costs == tuple(f[0].amount for f in expected)
        assert figures.models[0].per_meeting == tuple(f[1].amount for f in expected if f[1])
        assert figures.models[0].roi == tuple(f[3] for f in expected if f[3] is not None)

    def test_chunks_joined_summarize_as_the_whole(self) -> None:
        outcomes = SCENARIO.outcomes(4, 0, 12)
        parts = [RunFigures.of(outcomes[i : i + 5], 2, with_roi=True) for i in (0, 5, 10)]
        joined = RunFigures.join(parts)
        assert joined == RunFigures.of(outcomes, 2, with_roi=True)
        whole = ScenarioResult.from_outcomes(SCENARIO, 4, outcomes)
        assert ScenarioResult.from_figures(SCENARIO, 4, joined, outcomes) == whole

    def test_a_kept_quotient_is_the_division(self) -> None:
        outcome = SCENARIO.outcomes(4, 3, 4)[0]
        kept: dict[tuple[Decimal, int], Money] = {}
        first = per_run_figures(outcome, 1, True, quotients=kept)
        assert (outcome.costs[1].amount, outcome.meetings) in kept
        assert per_run_figures(outcome, 1, True, quotients=kept) == first
        assert first == per_run_figures(outcome, 1, True)

    @pytest.mark.parametrize(
        ("starts", "field"), [([], "parts"), ([0, 6], "parts[1].first"), ([5, 0], "parts[1].first")]
    )
    def test_chunks_that_do_not_follow_one_another_are_refused(
        self, starts: list[int], field: str
    ) -> None:
        outcomes = SCENARIO.outcomes(4, 0, 12)
        parts = [RunFigures.of(outcomes[s : s + 5], 2, with_roi=True) for s in starts]
        with pytest.raises(ValidationError) as error:
            RunFigures.join(parts)
        assert error.value.field == field

    def test_figures_not_from_run_zero_or_outcomes_that_do_not_match_are_refused(self) -> None:
        outcomes = SCENARIO.outcomes(4, 0, 6)
        later = RunFigures.of(outcomes[2:], 2, with_roi=True)
        with pytest.raises(ValidationError, match="'figures'"):
            ScenarioResult.from_figures(SCENARIO, 4, later)
        whole = RunFigures.of(outcomes, 2, with_roi=True)
        with pytest.raises(ValidationError, match="'outcomes'"):
            ScenarioResult.from_figures(SCENARIO, 4, whole, outcomes[:3])
        with pytest.raises(ValidationError, match="'outcomes'"):
            RunFigures.of(outcomes[:2] + outcomes[3:], 2, with_roi=True)

    def test_amounts_summarize_as_the_money_they_come_from(self) -> None:
        amounts = [Decimal("10.00"), Decimal("12.50"), Decimal("7.25")]
        assert summarize_amounts(amounts, eur(0).currency) == summarize([eur(a) for a in amounts])
        with pytest.raises(ValidationError):
            summarize_amounts([], eur(0).currency)


class TestChunks:
    def test_a_chunk_gives_its_figures_and_its_outcomes_only_when_kept(self) -> None:
        kept = Chunk(0, SCENARIO, 2, 3, 7)
        figures, outcomes = run_chunk_figures(kept)
        assert outcomes == run_chunk(kept)
        assert figures == RunFigures.of(outcomes, 2, with_roi=True)
        light = Chunk(0, SCENARIO, 2, 3, 7, keep_outcomes=False)
        assert run_chunk_figures(light) == (figures, ())
        assert pickle.loads(pickle.dumps(figures)) == figures

    def test_a_worker_keeps_one_simulator_per_scenario_for_its_chunks(self) -> None:
        first = _simulator(SCENARIO)
        assert _simulator(pickle.loads(pickle.dumps(SCENARIO))) is first
        other = Scenario.build(PLAN, {"ppa": PerAppointment(price=eur(300))})
        assert _simulator(other) is not first
        found: list[object] = []
        thread = threading.Thread(target=lambda: found.append(_simulator(SCENARIO)))
        thread.start()
        thread.join()
        assert found[0] is not first  # simulators are not shared between threads

    def test_a_worker_keeps_only_its_last_simulators(self) -> None:
        first = _simulator(SCENARIO)
        for price in range(301, 311):
            _simulator(Scenario.build(PLAN, {"ppa": PerAppointment(price=eur(price))}))
        assert _simulator(SCENARIO) is not first

    def test_a_sweep_keeps_outcomes_only_when_asked(self) -> None:
        light = sweep(PLAN, {}, MODELS, runs=6, seed=3, chunksize=4)
        heavy = sweep(PLAN, {}, MODELS, runs=6, seed=3, chunksize=4, keep_outcomes=True)
        assert light[0].result.outcomes == ()
        assert heavy[0].result == SCENARIO.simulate(runs=6, seed=3)
        assert heavy[0].result.without_outcomes() == light[0].result
