"""Scenario modelling: plans, distributions, summaries, simulation and break-even."""

from __future__ import annotations

import decimal
import random
import statistics
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core import (
    Beta,
    BillingPeriodRule,
    CampaignPlan,
    Choice,
    Commission,
    Contract,
    ContractTerms,
    Fixed,
    Guarantee,
    Hybrid,
    Money,
    PayPerLead,
    PerAppointment,
    PricedModel,
    Retainer,
    Scenario,
    Term,
    Tier,
    Triangular,
    Uniform,
    ValidationError,
    break_even_show_rate,
    build_invoice,
    percentile,
    simulate,
    summarize,
)


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


def contract(**terms: object) -> Contract:
    return Contract(
        id="acme",
        agency="Northwind",
        client="Acme",
        currency="EUR",
        timezone="Europe/Berlin",
        term=Term(start="2026-01-01"),
        terms=ContractTerms(pricing=PerAppointment(price=eur(350)), **terms),  # type: ignore[arg-type]
    )


PPA = PerAppointment(price=eur(350))
ALL_MODELS = {
    "ppa": PPA,
    "ppl": PayPerLead(price_per_lead=eur(120)),
    "retainer": Retainer(fee=eur(9000)),
    "commission": Commission(rate=Decimal("0.1"), currency="EUR"),
    "hybrid": Hybrid(Retainer(eur(4000)), PerAppointment(price=eur(150))),
}


def rich_plan(**changes: object) -> CampaignPlan:
    plan = CampaignPlan(
        appointments=("20", "30"),
        show_rate=("0.6", "0.9"),
        qualification_rate="0.85",
        host_no_show_rate="0.05",
        late_join_share="0.05",
        short_meeting_share="0.05",
        opportunity_rate="0.6",
        close_rate="0.25",
        deal_value=(eur(8000), eur(15000), eur(40000)),
        seniority_mix={"c_level": 1, "vp": 2, "director": 3},
    )
    return attrs.evolve(plan, **changes)


class TestDistributions:
    def test_a_fixed_value_draws_no_randomness(self) -> None:
        rng = random.Random(1)
        state = rng.getstate()
        assert Fixed("0.8").sample(rng) == Decimal("0.8")
        assert rng.getstate() == state

    def test_a_float_means_what_was_typed(self) -> None:
        assert Fixed(0.7).value == Decimal("0.7")

    def test_uniform_draws_stay_in_the_range_and_repeat_with_the_seed(self) -> None:
        draws = [Uniform("0.7", "0.85").sample(random.Random(seed)) for seed in range(200)]
        assert all(Decimal("0.7") <= d <= Decimal("0.85") for d in draws)
        assert draws == [Uniform("0.7", "0.85").sample(random.Random(s)) for s in range(200)]
        assert len(set(draws)) > 150

    def test_money_draws_are_rounded_to_the_minor_unit(self) -> None:
        rng = random.Random(3)
        for _ in range(50):
            value = Triangular(eur(8000), eur(15000), eur(40000)).sample(rng)
            assert value.is_rounded
            assert eur(8000) <= value <= eur(40000)

    def test_a_triangle_is_denser_near_its_mode(self) -> None:
        rng = random.Random(5)
        draws = [Triangular(0, 1, 10).sample(rng) for _ in range(2000)]
        assert sum(d < 2 for d in draws) > sum(d > 8 for d in draws) * 3

    def test_a_pilot_gives_a_beta_around_its_observed_rate(self) -> None:
        beta = Beta.from_observed(successes=42, trials=50)
        assert beta == Beta(43, 9)
        rng = random.Random(11)
        draws = [beta.sample(rng) for _ in range(400)]
        mean = sum(draws, Decimal(0)) / len(draws)
        assert abs(mean - beta.mean) < Decimal("0.01")
        assert all(Decimal(0) <= d <= Decimal(1) for d in draws)

    def test_a_choice_follows_its_weights(self) -> None:
        rng = random.Random(2)
        draws = [Choice([1, 2], weights=[1, 9]).sample(rng) for _ in range(1000)]
        assert 850 < draws.count(Decimal(2)) < 950
        assert Choice(range(40, 61)).low == Decimal(40)

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda: Uniform("0.9", "0.1"), "high"),
            (lambda: Uniform(eur(1), Money.of(2, "USD")), "uniform[1]"),
            (lambda: Triangular(0, 5, 4), "mode"),
            (lambda: Beta(0, 3), "alpha"),
            (lambda: Beta.from_observed(5, 3), "successes"),
            (lambda: Choice([]), "values"),
            (lambda: Choice([1, 2], weights=[1]), "weights"),
            (lambda: Fixed("abc"), "value"),
        ],
    )
    def test_a_broken_distribution_is_refused_naming_the_field(
        self, build: object, field: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            build()  # type: ignore[operator]
        assert error.value.field == field


class TestSummary:
    def test_statistics_match_a_hand_computation(self) -> None:
        costs = [eur(v) for v in (100, 200, 300, 400, 1000)]
        s = summarize(costs)
        assert s.count == 5
        assert s.mean == eur("400.00")
        assert (s.minimum, s.maximum) == (eur("100.00"), eur("1000.00"))
        # Type 7: position (n - 1) q; p10 at 0.4 between 100 and 200, p90 at 3.6.
        assert s.p10 == eur("140.00")
        assert s.p25 == eur("200.00")
        assert s.p50 == eur("300.00")
        assert s.p75 == eur("400.00")
        assert s.p90 == eur("760.00")
        # sqrt((300² + 200² + 100² + 0² + 600²) / 4) = sqrt(125000)
        assert s.stdev == eur("353.55")

    def test_percentiles_agree_with_the_standard_library(self) -> None:
        rng = random.Random(9)
        values = [Decimal(rng.randrange(10_000)) / 100 for _ in range(101)]
        deciles = statistics.quantiles([float(x) for x in values], n=10, method="inclusive")
        for i, expected in enumerate(deciles, start=1):
            assert float(percentile(values, Decimal(i) / 10)) == pytest.approx(expected)

    def test_the_callers_decimal_context_does_not_change_the_numbers(self) -> None:
        values = [Decimal(1), Decimal(2), Decimal(2)]
        expected = summarize(values)
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            assert summarize(values) == expected

    @given(
        st.lists(
            st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
            min_size=1,
            max_size=40,
        )
    )
    def test_statistics_are_ordered_and_within_the_values(self, values: list[Decimal]) -> None:
        s = summarize(values)
        ordered = [s.minimum, s.p10, s.p25, s.p50, s.p75, s.p90, s.maximum]
        assert ordered == sorted(ordered)
        assert (s.minimum, s.maximum) == (min(values), max(values))
        assert s.minimum <= s.mean <= s.maximum
        assert s.stdev >= 0

    def test_one_value_has_no_spread(self) -> None:
        s = summarize([Decimal(7)])
        assert (s.stdev, s.p10, s.p90) == (Decimal(0), Decimal(7), Decimal(7))

    @pytest.mark.parametrize(
        "values", [[], [eur(1), Money.of(1, "USD")], [Decimal(1), eur(1)]], ids=str
    )
    def test_mixed_or_missing_values_are_refused(self, values: list[object]) -> None:
        with pytest.raises(ValidationError):
            summarize(values)  # type: ignore[arg-type]

    def test_a_quantile_outside_zero_to_one_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="'q'"):
            percentile([Decimal(1)], Decimal("1.5"))


class TestCampaignPlan:
    def test_ranges_and_triangles_become_distributions(self) -> None:
        plan = CampaignPlan(appointments=("40", "60"), show_rate=("0.6", "0.8", "0.9"))
        assert plan.appointments == Uniform(40, 60)
        assert plan.show_rate == Triangular("0.6", "0.8", "0.9")

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"show_rate": "1.01"}, "show_rate"),
            ({"show_rate": ("0.5", "1.5")}, "show_rate"),
            ({"show_rate": ("0.9", "0.5")}, "show_rate"),
            ({"close_rate": "-0.1"}, "close_rate"),
            ({"appointments": -1}, "appointments"),
            ({"appointments": 100_001}, "appointments"),
            ({"appointments": None}, "appointments"),
            ({"leads": 100}, "appointments"),
            ({"deal_value": "5000"}, "deal_value"),
            ({"periods": 0}, "periods"),
            ({"late_join_minutes": 30}, "late_join_minutes"),
            ({"seniority_mix": {"king": 1}}, "seniority_mix"),
        ],
    )
    def test_a_value_out_of_range_is_refused_naming_the_field(
        self, changes: dict[str, object], field: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            attrs.evolve(CampaignPlan(appointments=50, show_rate="0.8"), **changes)
        assert error.value.field == field

    def test_leads_need_a_lead_to_meeting_rate(self) -> None:
        with pytest.raises(ValidationError, match="lead_to_meeting_rate"):
            CampaignPlan(leads=200, show_rate="0.8")
        plan = CampaignPlan(leads=200, lead_to_meeting_rate="0.25", show_rate="0.8")
        assert plan.leads == Fixed(200)


class TestSimulate:
    def test_same_seed_same_numbers_and_another_seed_other_numbers(self) -> None:
        first = simulate(rich_plan(), ALL_MODELS, runs=30, seed=4)
        assert simulate(rich_plan(), ALL_MODELS, runs=30, seed=4) == first
        other = simulate(rich_plan(), ALL_MODELS, runs=30, seed=5)
        assert other.summaries != first.summaries

    def test_the_numbers_are_pinned_for_every_machine(self) -> None:
        """A golden value: any change of the draws or of their arithmetic shows here."""
        result = simulate(rich_plan(), ALL_MODELS, runs=20, seed=2026)
        assert [o.meetings for o in result.outcomes[:5]] == [10, 14, 8, 16, 13]
        assert result.summary("ppa").total_cost.mean == eur("4532.50")
        assert result.summary("commission").total_cost.mean == eur("3392.15")

    def test_a_run_does_not_depend_on_how_runs_are_split(self) -> None:
        scenario = Scenario.build(rich_plan(), ALL_MODELS)
        whole = scenario.outcomes(3, 0, 10)
        assert scenario.outcomes(3, 0, 4) + scenario.outcomes(3, 4, 10) == whole
        assert scenario.outcomes(3, 7, 8) == whole[7:8]

    SMALL = Scenario.build(rich_plan(appointments=("2", "6")), ALL_MODELS)

    @given(seed=st.integers(min_value=0, max_value=2**40), cut=st.integers(0, 4))
    def test_any_seed_gives_the_same_runs_however_they_are_split(self, seed: int, cut: int) -> None:
        scenario = self.SMALL
        whole = scenario.outcomes(seed, 0, 4)
        assert scenario.outcomes(seed, 0, cut) + scenario.outcomes(seed, cut, 4) == whole
        for outcome in whole:
            assert outcome.meetings <= outcome.shows <= outcome.appointments
            assert outcome.deals <= outcome.opportunities <= outcome.meetings

    def test_a_certain_plan_costs_exactly_its_price_times_meetings(self) -> None:
        plan = CampaignPlan(appointments=10, show_rate=1)
        result = simulate(plan, {"ppa": PPA, "retainer": Retainer(fee=eur(3000))}, runs=5)
        ppa = result.summary("ppa")
        assert ppa.total_cost.minimum == ppa.total_cost.maximum == eur("3500.00")
        assert ppa.cost_per_held_meeting is not None
        assert ppa.cost_per_held_meeting.mean == eur("350.00")
        retainer = result.summary("retainer").cost_per_held_meeting
        assert retainer is not None
        assert retainer.mean == eur("300.00")
        assert result.meetings.mean == Decimal(10)

    def test_every_model_costs_what_its_invoices_total(self) -> None:
        plan = rich_plan(periods=2)
        scenario = Scenario.build(plan, ALL_MODELS)
        simulator = scenario.simulator()
        for run in range(4):
            facts, outcome = simulator.realize(8, run)
            for model, cost in zip(scenario.models, outcome.costs, strict=True):
                invoices: list = []
                for k, period in enumerate(facts.periods):
                    invoices.append(
                        build_invoice(
                            model.contract,
                            facts.appointments,
                            period,
                            as_of=facts.as_of,
                            previous=invoices,
                            leads=facts.leads[k],
                            closed_value=facts.closed_value[k],
                        )
                    )
                assert Money.total((i.total for i in invoices), "EUR") == cost, model.name

    def test_the_facts_follow_the_plan(self) -> None:
        facts = Scenario.build(rich_plan(periods=3), PPA).realize(seed=1, run=0)
        assert len(facts.periods) == 3
        assert [p.label for p in facts.periods] == ["2026-01", "2026-02", "2026-03"]
        for appointment in facts.appointments:
            assert any(appointment.start in p for p in facts.periods)
            assert appointment.booked_at == appointment.start.subtract(days=7)
        assert facts.as_of > facts.periods[-1].end

    def test_a_month_without_meetings_has_no_cost_per_meeting(self) -> None:
        plan = CampaignPlan(appointments=0, show_rate="0.8")
        result = simulate(plan, {"ppa": PPA, "retainer": Retainer(fee=eur(100))}, runs=3)
        assert result.summary("ppa").total_cost.maximum == eur(0)
        assert result.summary("retainer").cost_per_held_meeting is None
        assert result.summary("retainer").roi is None
        assert result.revenue is None

    def test_a_guarantee_credit_lowers_the_cost(self) -> None:
        plan = CampaignPlan(appointments=20, show_rate="0.5")
        guaranteed = contract(guarantee=Guarantee(minimum_held=20, credit_per_missing=eur(100)))
        result = simulate(plan, {"plain": contract(), "guaranteed": guaranteed}, runs=10)
        for outcome in result.outcomes:
            plain, with_credit = outcome.costs
            assert plain - with_credit == eur(100) * (20 - outcome.meetings)

    def test_a_cap_limits_what_pay_per_appointment_bills(self) -> None:
        plan = CampaignPlan(appointments=30, show_rate="0.9")
        result = simulate(plan, contract(cap=10), runs=10)
        assert result.summary("acme").total_cost.maximum == eur("3500.00")
        assert result.meetings.minimum > 10  # the cap limits billing, not meetings

    def test_pay_per_lead_bills_leads_and_commission_its_share_of_deals(self) -> None:
        plan = CampaignPlan(
            leads=("100", "200"),
            lead_to_meeting_rate="0.2",
            show_rate="0.8",
            close_rate="0.3",
            deal_value=eur(10000),
        )
        models = {
            "ppl": PayPerLead(price_per_lead=eur(50)),
            "commission": Commission(rate=Decimal("0.15"), currency="EUR"),
        }
        result = simulate(plan, models, runs=25, seed=1)
        for outcome in result.outcomes:
            assert outcome.costs[0] == eur(50) * outcome.leads
            assert outcome.revenue == eur(10000) * outcome.deals
            assert outcome.costs[1] == (outcome.revenue * Decimal("0.15")).rounded()
            assert outcome.appointments < outcome.leads
        assert result.summary("commission").roi is not None

    def test_prices_per_seniority_follow_the_seniority_mix(self) -> None:
        plan = CampaignPlan(appointments=40, show_rate=1, seniority_mix={"c_level": 1})
        by_seniority = PerAppointment(price=eur(300), seniority_prices={"c_level": eur(600)})
        result = simulate(plan, by_seniority, runs=3)
        assert result.summary("pay_per_appointment").total_cost.mean == eur("24000.00")

    def test_tiered_prices_are_priced_by_the_engine(self) -> None:
        plan = CampaignPlan(appointments=12, show_rate=1)
        tiers = PerAppointment(tiers=[Tier(10, eur(350)), Tier(None, eur(150))])
        result = simulate(plan, tiers, runs=2)
        assert result.summary("pay_per_appointment").total_cost.mean == eur("3800.00")

    def test_raising_the_show_rate_only_turns_no_shows_into_meetings(self) -> None:
        """Common random numbers: the same seed, a higher show rate, never fewer meetings."""
        low = Scenario.build(rich_plan(show_rate="0.6"), PPA).outcomes(0, 0, 30)
        high = Scenario.build(rich_plan(show_rate="0.8"), PPA).outcomes(0, 0, 30)
        assert all(h.meetings >= lo.meetings for h, lo in zip(high, low, strict=True))
        assert all(h.appointments == lo.appointments for h, lo in zip(high, low, strict=True))

    def test_models_are_named_after_their_kind_or_contract(self) -> None:
        plan = CampaignPlan(appointments=5, show_rate="0.8")
        scenario = Scenario.build(
            plan, [PPA, PerAppointment(price=eur(400)), contract(), PricedModel("x", contract())]
        )
        assert scenario.names == ("pay_per_appointment", "pay_per_appointment 2", "acme", "x")

    def test_the_criteria_are_the_plans_qualification_rate(self) -> None:
        plan = CampaignPlan(appointments=20, show_rate=1, qualification_rate=0)
        assert simulate(plan, contract(), runs=3).summary("acme").total_cost.maximum == eur(0)

    @pytest.mark.parametrize(
        ("models", "field"),
        [
            ({"commission": Commission(rate=Decimal("0.1"), currency="EUR")}, "plan.deal_value"),
            ({"usd": PerAppointment(price=Money.of(1, "USD"))}, "models[1].currency"),
            ({}, "models"),
            ({"": PPA}, "models"),
            (["not a model"], "models[0]"),
        ],
    )
    def test_a_model_that_cannot_be_priced_is_refused(self, models: object, field: str) -> None:
        plan = CampaignPlan(appointments=5, show_rate="0.8")
        if field == "models[1].currency":
            models = {"ppa": PPA, **models}  # type: ignore[dict-item]
        with pytest.raises(ValidationError) as error:
            Scenario.build(plan, models)  # type: ignore[arg-type]
        assert error.value.field == field

    def test_weekly_contracts_simulate_weeks(self) -> None:
        weekly = attrs.evolve(contract(), billing_period=BillingPeriodRule(kind="weekly"))
        facts = Scenario.build(
            CampaignPlan(appointments=5, show_rate=1, periods=2), weekly
        ).realize(seed=0)
        assert [p.end - p.start for p in facts.periods] == [pendulum.duration(days=7)] * 2

    @pytest.mark.parametrize(("runs", "seed"), [(0, 0), (1, -1), (True, 0)])
    def test_runs_and_seed_are_checked(self, runs: int, seed: int) -> None:
        with pytest.raises(ValidationError):
            simulate(CampaignPlan(appointments=5, show_rate="0.8"), PPA, runs=runs, seed=seed)

    def test_results_read_well_in_a_shell(self) -> None:
        result = simulate(rich_plan(), ALL_MODELS, runs=10)
        text = repr(result)
        assert text.startswith("ScenarioResult(runs=10, seed=0")
        assert "retainer" in text
        assert "EUR 9,000.00" in text
        assert "Summary(n=10" in repr(result.summary("ppa").total_cost)

    def test_costs_per_run_are_available_until_dropped(self) -> None:
        result = simulate(rich_plan(), ALL_MODELS, runs=5)
        assert result.costs("retainer") == (eur(9000),) * 5
        with pytest.raises(ValidationError):
            result.without_outcomes().costs("retainer")
        with pytest.raises(ValidationError, match="'name'"):
            result.summary("nope")


class TestBreakEven:
    PLAN = CampaignPlan(appointments=40, show_rate="0.8")

    def test_the_break_even_show_rate_brackets_where_the_mean_costs_cross(self) -> None:
        retainer = Retainer(fee=eur(10000))
        found = break_even_show_rate(self.PLAN, PPA, retainer, runs=30, seed=1)
        assert found.show_rate is not None
        assert found.high - found.low <= Decimal("0.005")
        assert found.gap_low <= eur(0) <= found.gap_high
        # 40 meetings x 350 x s = 10,000 at s = 0.714
        assert abs(found.show_rate - Decimal("0.714")) < Decimal("0.03")
        for rate, sign in ((found.low, -1), (found.high, 1)):
            at = simulate(
                attrs.evolve(self.PLAN, show_rate=rate),
                {"ppa": PPA, "retainer": retainer},
                runs=30,
                seed=1,
            )
            gap = at.summary("ppa").total_cost.mean - at.summary("retainer").total_cost.mean
            assert gap.amount * sign >= 0

    def test_models_that_never_cross_have_no_break_even(self) -> None:
        found = break_even_show_rate(
            self.PLAN, PayPerLead(price_per_lead=eur(10)), Retainer(fee=eur(10000)), runs=5
        )
        assert found.show_rate is None
        assert found.evaluations == 2
        assert found.gap_low == found.gap_high == eur(400 - 10000)

    def test_the_models_are_named_as_asked_with_the_same_result(self) -> None:
        retainer = Retainer(fee=eur(10000))
        plain = break_even_show_rate(self.PLAN, PPA, retainer, runs=10, seed=2)
        assert (plain.model_a, plain.model_b) == ("pay_per_appointment", "retainer")
        priced = PricedModel("flat fee", Scenario.build(self.PLAN, retainer).models[0].contract)
        named = break_even_show_rate(
            self.PLAN, PPA, priced, runs=10, seed=2, names=("PPA 350", "retainer 10k")
        )
        assert (named.model_a, named.model_b) == ("PPA 350", "retainer 10k")
        assert attrs.evolve(named, model_a=plain.model_a, model_b=plain.model_b) == plain

    @pytest.mark.parametrize("names", [("a", "a"), ("a",), ["a", "b"], ("a", ""), ("a", 2)])
    def test_names_must_be_two_different_texts(self, names: Any) -> None:
        with pytest.raises(ValidationError, match="names"):
            break_even_show_rate(self.PLAN, PPA, Retainer(fee=eur(1)), runs=2, names=names)

    @pytest.mark.parametrize(
        "bounds", [{"low": "0.9", "high": "0.5"}, {"tolerance": "0"}, {"high": "1.5"}]
    )
    def test_bad_bounds_are_refused(self, bounds: dict[str, str]) -> None:
        with pytest.raises(ValidationError):
            break_even_show_rate(self.PLAN, PPA, Retainer(fee=eur(1)), runs=2, **bounds)  # type: ignore[arg-type]
