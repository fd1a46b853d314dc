"""Tallies: samples sorted, counted by value and summed exactly, summarize as the samples do."""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core import CampaignPlan, Commission, Money, PerAppointment, Retainer, ValidationError
from ppa_core.modelling.figures import RunFigures, RunTallies, RunTalliesBuilder
from ppa_core.modelling.scenario import Scenario, ScenarioResult, simulate
from ppa_core.modelling.summary import (
    Summary,
    Tally,
    TallyBuilder,
    summarize,
    summarize_amounts,
    summarize_tally,
    summarize_tally_amounts,
)
from ppa_core.modelling.sweep import sweep

EUR = Money.zero("EUR").currency


def spelled(summary: Summary[Decimal] | Summary[Money] | None) -> tuple[str, ...]:
    """Every statistic as written (Decimal('1.0') and Decimal('1.00') differ here)."""
    return () if summary is None else tuple(repr(v) for v in summary.as_dict().values())


def result_spelled(result: ScenarioResult) -> tuple[tuple[str, ...], ...]:
    rows = [spelled(result.meetings), spelled(result.opportunities), spelled(result.revenue)]
    for model in result.summaries:
        rows.extend(
            spelled(summary)
            for summary in (
                model.total_cost,
                model.cost_per_held_meeting,
                model.cost_per_opportunity,
                model.roi,
            )
        )
    return tuple(rows)


def decimal_of(coefficient: int, exponent: int) -> Decimal:
    return Decimal(coefficient).scaleb(exponent)


# Columns as a simulation makes them (one exponent, few or many distinct values) and
# the cases a tally must not count: mixed spellings of one value, -0, sums beyond 28
# digits, positive exponents.
alike = st.integers(-3, 2).flatmap(
    lambda e: st.lists(st.builds(decimal_of, st.integers(-(10**6), 10**6), st.just(e)), min_size=1)
)
few = st.lists(st.sampled_from([Decimal("350.00"), Decimal("700.00"), Decimal("0.00")]), min_size=1)
mixed = st.lists(
    st.builds(decimal_of, st.integers(-50, 50), st.integers(-3, 1)) | st.just(Decimal("-0.00")),
    min_size=1,
)
huge = st.lists(st.builds(decimal_of, st.integers(10**26, 10**27), st.just(-2)), min_size=1)
samples = alike | few | mixed | huge


def chunked(values: list[Decimal], cuts: list[int]) -> list[list[Decimal]]:
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    return [values[a:b] for a, b in itertools.pairwise(bounds)]


def built(chunks: Sequence[Sequence[Decimal]]) -> Tally:
    builder = TallyBuilder()
    for chunk in chunks:
        builder.add(Tally.of(chunk))
    return builder.build()


class TestTally:
    @given(samples)
    def test_a_tally_summarizes_as_its_samples_digit_for_digit(self, values: list[Decimal]) -> None:
        assert spelled(summarize_tally(Tally.of(values))) == spelled(summarize(values))

    @given(samples, st.lists(st.integers(0, 10**6), max_size=6))
    def test_chunks_tallied_and_added_summarize_as_the_whole(
        self, values: list[Decimal], cuts: list[int]
    ) -> None:
        tally = built(chunked(values, cuts))
        assert spelled(summarize_tally(tally)) == spelled(summarize(values))
        assert tally.count == len(values)
        assert tally.samples() == sorted(values)

    @given(alike | few, st.lists(st.integers(0, 10**6), max_size=6))
    def test_amounts_tallied_in_chunks_summarize_as_money(
        self, values: list[Decimal], cuts: list[int]
    ) -> None:
        amounts = [v.quantize(Decimal("0.01")) for v in values]
        tally = built(chunked(amounts, cuts))
        assert spelled(summarize_tally_amounts(tally, EUR)) == spelled(
            summarize_amounts(amounts, EUR)
        )

    @given(st.lists(st.integers(0, 60), min_size=1))
    def test_whole_numbers_tally_as_their_decimals(self, numbers: list[int]) -> None:
        whole = Tally.of_whole(numbers)
        assert whole == Tally.of([Decimal(n) for n in numbers])
        assert spelled(summarize_tally(whole)) == spelled(summarize([Decimal(n) for n in numbers]))

    def test_equal_values_are_counted_once_in_ascending_order(self) -> None:
        tally = Tally.of([Decimal("7.00"), Decimal("3.00"), Decimal("7.00"), Decimal("-1.00")])
        assert tally.values == (Decimal("-1.00"), Decimal("3.00"), Decimal("7.00"))
        assert tally.counts == (1, 1, 2)
        assert (tally.units, tally.exponent) == ((-100, 300, 700), -2)
        assert (tally.total, tally.magnitude) == (1600, 1800)  # in hundredths

    @pytest.mark.parametrize(
        "values",
        [
            [Decimal("1.0"), Decimal("1.00")],  # one value, two spellings
            [Decimal("-0.00"), Decimal("0.00")],  # -0 would lose its sign
            [Decimal("Infinity")],
        ],
    )
    def test_samples_a_count_would_change_are_kept_one_by_one(self, values: list[Decimal]) -> None:
        tally = Tally.of(values)
        assert tally.counts == ()
        assert tally.values == tuple(sorted(values))

    def test_chunks_counted_alike_but_spelled_apart_are_kept_one_by_one(self) -> None:
        tally = built([[Decimal("1.0"), Decimal("2.0")], [Decimal("1.00")]])
        assert tally.counts == ()
        assert [str(v) for v in tally.values] == ["1.0", "1.00", "2.0"]  # run order for ties
        assert str(summarize_tally(tally).minimum) == "1.0"
        first_apart = built([[Decimal("1.00"), Decimal("1.0")], [Decimal("0.5")]])
        assert [str(v) for v in first_apart.values] == ["0.5", "1.00", "1.0"]

    def test_an_empty_tally_has_no_summary(self) -> None:
        empty = built([[], []])
        assert empty == Tally.of([])
        assert empty.count == 0
        with pytest.raises(ValidationError, match="'tally'"):
            summarize_tally(empty)
        with pytest.raises(ValidationError, match="'tally'"):
            summarize_tally_amounts(empty, EUR)

    @given(samples)
    def test_a_tally_pickles_with_every_value_as_written(self, values: list[Decimal]) -> None:
        tally = Tally.of(values)
        back = pickle.loads(pickle.dumps(tally))
        assert back == tally
        assert [str(v) for v in back.values] == [str(v) for v in tally.values]

    def test_an_empty_tally_and_special_values_pickle(self) -> None:
        for values in ([], [Decimal("-0.00"), Decimal("1E+2"), Decimal("-Infinity")]):
            tally = Tally.of(values)
            assert [str(v) for v in pickle.loads(pickle.dumps(tally)).values] == [
                str(v) for v in tally.values
            ]


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


PLAN = CampaignPlan(
    appointments=("10", "30"),
    show_rate=("0.6", "0.9"),
    close_rate=("0.1", "0.4"),
    deal_value=(eur(1000), eur(4000), eur(20000)),
)
MODELS: dict[str, PerAppointment | Retainer | Commission] = {
    "ppa": PerAppointment(price=eur(350)),
    "retainer": Retainer(fee=eur(5000)),
    "commission": Commission(rate=Decimal("0.1"), currency="EUR"),
}


class TestRunTallies:
    def test_chunks_must_follow_one_another(self) -> None:
        scenario = Scenario.build(PLAN, MODELS)
        outcomes = scenario.outcomes(3, 0, 10)
        tallies = [RunTallies.of(RunFigures.of(outcomes[i : i + 5], 3, True)) for i in (0, 5)]
        builder = RunTalliesBuilder(3)
        with pytest.raises(ValidationError, match=r"'part\.first'"):
            builder.add(tallies[1])
        builder.add(tallies[0])
        with pytest.raises(ValidationError, match=r"'part\.first'"):
            RunTalliesBuilder(2).add(tallies[0])
        builder.add(tallies[1])
        whole = RunTallies.of(RunFigures.of(outcomes, 3, True))
        assert builder.build() == whole

    @given(seed=st.integers(0, 2**32), runs=st.integers(1, 30), size=st.integers(1, 12))
    def test_a_sweep_in_chunks_gives_the_simulation_digit_for_digit(
        self, seed: int, runs: int, size: int
    ) -> None:
        here = simulate(PLAN, MODELS, runs=runs, seed=seed)
        (point,) = sweep(PLAN, {}, MODELS, runs=runs, seed=seed, chunksize=size)
        assert result_spelled(point.result) == result_spelled(here)
        assert point.result == here.without_outcomes()

    def test_one_worker_two_workers_threads_and_here_give_the_same_digits(self) -> None:
        here = simulate(PLAN, MODELS, runs=60, seed=11)
        results = [sweep(PLAN, {}, MODELS, runs=60, seed=11, chunksize=7)[0].result]
        with ThreadPoolExecutor(2) as threads:
            results.append(
                sweep(PLAN, {}, MODELS, runs=60, seed=11, chunksize=7, executor=threads)[0].result
            )
        for workers in (1, 2):
            with ProcessPoolExecutor(workers) as pool:
                results.append(
                    sweep(PLAN, {}, MODELS, runs=60, seed=11, chunksize=7, executor=pool)[0].result
                )
        for result in results:
            assert result_spelled(result) == result_spelled(here)
            assert result == here.without_outcomes()
