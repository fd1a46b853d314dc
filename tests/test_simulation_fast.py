"""Simulated months priced from kept verdicts give the real engine's figures."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppa_core import (
    Amendment,
    BillingEngine,
    CampaignPlan,
    Commission,
    Contract,
    ContractTerms,
    Hybrid,
    Money,
    Package,
    PayPerLead,
    PerAppointment,
    Retainer,
    Scenario,
    Term,
    Tier,
)
from ppa_core.modelling.sampling import draw, stream_seed
from ppa_core.modelling.verdict_cache import add, decides_alone
from ppa_core.testing import contract_terms, contracts


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


def contract(pricing: object = None, **terms: object) -> Contract:
    return Contract(
        id="acme",
        agency="Northwind",
        client="Acme",
        currency="EUR",
        timezone="Europe/Berlin",
        term=Term(start="2026-01-01"),
        terms=ContractTerms(pricing=pricing or PerAppointment(price=eur(350)), **terms),  # type: ignore[arg-type]
    )


def decided(monkeypatch: pytest.MonkeyPatch, sizes: list[int] | None = None) -> list[str]:
    """From now on: the id of each contract the engine is asked to decide for, one per
    call to ``decide_all``, and in ``sizes`` how many appointments each call had."""
    asked: list[str] = []
    decide_all = BillingEngine.decide_all

    def noting(engine: BillingEngine, appointments: list[object], **kw: object) -> object:
        asked.append(engine.contract.id)
        if sizes is not None:
            sizes.append(len(appointments))
        return decide_all(engine, appointments, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(BillingEngine, "decide_all", noting)
    return asked


RATE = st.sampled_from(["0", "0.5", "0.9", "1", ("0.2", "0.9"), ("0.1", "0.5", "0.95")])
SHARE = st.sampled_from(["0", "0.05", "0.3", ("0", "0.2")])


@st.composite
def plans(draw_: st.DrawFn) -> CampaignPlan:
    leads = draw_(st.booleans())
    volume = draw_(st.sampled_from([0, 1, 5, 12, ("3", "9")]))
    return CampaignPlan(
        periods=draw_(st.integers(1, 2)),
        appointments=None if leads else volume,
        leads=volume if leads else None,
        lead_to_meeting_rate=draw_(RATE) if leads else None,
        show_rate=draw_(RATE),
        qualification_rate=draw_(RATE),
        host_no_show_rate=draw_(SHARE),
        late_join_share=draw_(SHARE),
        short_meeting_share=draw_(SHARE),
        opportunity_rate=draw_(RATE),
        close_rate=draw_(RATE),
        deal_value=(eur(1000), eur(5000), eur(20000)),
        seniority_mix=draw_(st.sampled_from([{}, {"c_level": 1, "vp": 2}, {"director": 1}])),
    )


def _uncapped(contract: Contract) -> Contract:
    amendments = tuple(
        attrs.evolve(a, terms=attrs.evolve(a.terms, cap=None)) for a in contract.amendments
    )
    return attrs.evolve(
        contract, terms=attrs.evolve(contract.terms, cap=None), amendments=amendments
    )


@st.composite
def scenarios(draw_: st.DrawFn) -> Scenario:
    """A plan and up to three models on one drawn contract (caps, tiers, amendments...)."""
    base = draw_(contracts(currency="EUR", max_amendments=2))
    others = draw_(st.lists(contract_terms(currency="EUR"), max_size=2))
    models = [base] + [attrs.evolve(base, id=f"m{i}", terms=t) for i, t in enumerate(others)]
    if draw_(st.booleans()):  # without caps, more of them decide alone
        models = [_uncapped(m) for m in models]
    return Scenario.build(draw_(plans()), models)


class TestKeptVerdicts:
    @settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
    @given(scenario=scenarios(), seed=st.integers(0, 2**32), run=st.integers(0, 50))
    def test_a_run_costs_what_the_engine_deciding_the_whole_month_gives(
        self, scenario: Scenario, seed: int, run: int
    ) -> None:
        facts, whole = scenario.simulator().realize(seed, run)
        fast = scenario.simulator().outcome(seed, run)
        assert fast == whole
        assert repr(fast.costs) == repr(whole.costs)  # the same digits, not only equal values
        assert repr(fast.revenue) == repr(whole.revenue)
        assert fast.appointments == len(facts.appointments)

    @settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
    @given(scenario=scenarios(), seed=st.integers(0, 2**32))
    def test_a_contract_that_decides_alone_decides_each_appointment_as_in_its_month(
        self, scenario: Scenario, seed: int
    ) -> None:
        facts = scenario.realize(seed=seed)
        for model in scenario.models:
            if not decides_alone(model.contract):
                continue
            engine = BillingEngine(model.contract)
            month = engine.decide_all(facts.appointments, as_of=facts.as_of)
            for appointment, together in zip(
                sorted(facts.appointments, key=lambda a: (a.start, a.id)), month, strict=True
            ):
                alone = engine.decide_all([appointment], as_of=facts.as_of)[0]
                assert alone.appointment_id == together.appointment_id
                assert alone.amount == together.amount
                assert alone.is_qualified_held == together.is_qualified_held
                assert alone.period_start == together.period_start

    def test_kinds_decided_once_are_not_decided_again(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        plan = CampaignPlan(appointments=8, show_rate="0.7", qualification_rate="0.8")
        simulator = Scenario.build(plan, contract()).simulator()
        first = [simulator.outcome(3, run) for run in range(10)]

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the engine was asked again")

        monkeypatch.setattr(BillingEngine, "decide_all", refuse)
        assert [simulator.outcome(3, run) for run in range(10)] == first
        with pytest.raises(AssertionError, match="asked again"):
            simulator.realize(3, 0)  # the whole-month path always asks the engine

    def test_a_contract_that_cannot_decide_alone_is_decided_by_month(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        plan = CampaignPlan(appointments=8, show_rate="0.9")
        scenario = Scenario.build(plan, contract(cap=3))
        months: list[int] = []
        decided(monkeypatch, sizes=months)
        outcome = scenario.simulator().outcome(1, 0)
        assert months == [8]
        assert outcome.costs[0] == eur(350) * 3


@st.composite
def neighbours(draw_: st.DrawFn) -> tuple[Scenario, Scenario]:
    """Two scenarios as a grid has them: other models, other rates, or nothing in common."""
    first = draw_(scenarios())
    how = draw_(st.sampled_from(["models", "rates", "unrelated"]))
    if how == "unrelated":
        return first, draw_(scenarios())
    plan = first.plan
    if how == "rates":
        plan = attrs.evolve(plan, show_rate=draw_(RATE), close_rate=draw_(RATE))
    kept = [m.contract for m in first.models][: draw_(st.integers(1, len(first.models)))]
    others = draw_(st.lists(contract_terms(currency="EUR"), max_size=2))
    models = kept + [attrs.evolve(kept[0], id=f"n{i}", terms=t) for i, t in enumerate(others)]
    return first, Scenario.build(plan, models)


class TestSharedSimulators:
    """A simulator built ``like=`` another (a sweep's next point) shares its meetings and
    the verdicts of equal contracts, and both give what fresh simulators give."""

    @settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
    @given(pair=neighbours(), seed=st.integers(0, 2**32))
    def test_a_simulator_like_another_gives_what_a_fresh_one_gives(
        self, pair: tuple[Scenario, Scenario], seed: int
    ) -> None:
        first, second = pair
        runs = range(5)
        earlier = first.simulator()
        before = [earlier.outcome(seed, run) for run in runs]
        like, fresh = second.simulator(like=earlier), second.simulator()
        for run in runs:
            got, expected = like.outcome(seed, run), fresh.outcome(seed, run)
            assert got == expected
            assert repr(got.costs) == repr(expected.costs)
            assert like.realize(seed, run) == fresh.realize(seed, run)
        # What the second one added to the shared meetings and verdicts changes nothing.
        assert [earlier.outcome(seed, run) for run in runs] == before

    def test_only_the_models_that_changed_are_decided_again(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        plan = CampaignPlan(appointments=8, show_rate="0.7", qualification_rate="0.8")
        hybrid = contract(Hybrid(Retainer(eur(2000)), PerAppointment(price=eur(150))))

        def scenario(price: int, show_rate: str = "0.7") -> Scenario:
            ppa = attrs.evolve(contract(PerAppointment(price=eur(price))), id="ppa")
            return Scenario.build(attrs.evolve(plan, show_rate=show_rate), [ppa, hybrid])

        earlier = scenario(350).simulator()
        [earlier.outcome(3, run) for run in range(10)]
        asked = decided(monkeypatch)
        like = scenario(400).simulator(like=earlier)
        got = [like.outcome(3, run) for run in range(10)]
        assert set(asked) == {"ppa"}
        assert got == [scenario(400).simulator().outcome(3, run) for run in range(10)]
        asked.clear()
        scenario(350, show_rate="0.9").simulator(like=earlier).outcome(3, 0)
        assert asked == []  # the same contracts, meetings laid out alike: all kept

    def test_meetings_laid_out_otherwise_are_not_shared(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        plan = CampaignPlan(appointments=8, show_rate="0.7", qualification_rate="0.8")
        earlier = Scenario.build(plan, contract()).simulator()
        [earlier.outcome(3, run) for run in range(10)]
        asked = decided(monkeypatch)
        for changed in ({"meeting_minutes": 45}, {"periods": 2}, {"booking_lead_days": 3}):
            other = Scenario.build(attrs.evolve(plan, **changed), contract())
            like = other.simulator(like=earlier)
            asked.clear()
            assert like.outcome(3, 0) == other.simulator().outcome(3, 0)
            assert asked.count("acme") == 2, changed  # decided afresh by both


class TestDecidesAlone:
    @pytest.mark.parametrize(
        "pricing",
        [
            PerAppointment(price=eur(350)),
            PerAppointment(price=eur(300), seniority_prices={"c_level": eur(600)}),
            PayPerLead(price_per_lead=eur(50)),
            Retainer(fee=eur(5000)),
            Commission(rate=Decimal("0.1"), currency="EUR"),
            Hybrid(Retainer(eur(5000)), PerAppointment(price=eur(150))),
        ],
    )
    def test_prices_by_seniority_alone_decide_alone(self, pricing: object) -> None:
        assert decides_alone(contract(pricing))

    @pytest.mark.parametrize(
        ("pricing", "terms"),
        [
            (None, {"cap": 10}),
            (PerAppointment(tiers=[Tier(10, eur(350)), Tier(None, eur(150))]), {}),
            (PerAppointment(price=eur(350), free_units=1), {}),
            (PerAppointment(package=Package(5, eur(1500))), {}),
            (PerAppointment(price=eur("0.067")), {}),
            (PerAppointment(price=eur(300), seniority_prices={"vp": eur("0.5005")}), {}),
            (Hybrid(Retainer(eur(5000)), PerAppointment(price=eur("1.005"))), {}),
        ],
    )
    def test_a_cap_or_a_price_by_rank_or_below_the_minor_unit_does_not(
        self, pricing: object, terms: dict[str, object]
    ) -> None:
        assert not decides_alone(contract(pricing, **terms))

    def test_an_amendment_with_a_cap_does_not(self) -> None:
        plain = contract()
        capped = attrs.evolve(plain.terms, cap=5)
        amended = attrs.evolve(plain, amendments=(Amendment("2026-02-01", capped),))
        assert decides_alone(plain)
        assert not decides_alone(amended)


class TestSampling:
    def test_the_sum_is_exact_and_keeps_the_smallest_exponent(self) -> None:
        total = add(Decimal("0.00"), [Decimal("350.00"), Decimal("0.5"), Decimal("1E+3")])
        assert repr(total) == "Decimal('1350.50')"

    def test_a_fixed_rate_seeds_no_stream(self, monkeypatch: pytest.MonkeyPatch) -> None:
        plan = CampaignPlan(appointments=3, show_rate="0.8", qualification_rate=("0.5", "0.9"))
        seeded: list[int] = []
        real = stream_seed

        def noting(seed: int, run: int, stream: int) -> int:
            seeded.append(stream)
            return real(seed, run, stream)

        monkeypatch.setattr("ppa_core.modelling.sampling.stream_seed", noting)
        result = draw(plan, plan.appointments, 1, (), 0, 0)  # type: ignore[arg-type]
        assert sorted(seeded) == [0, 1, 11]  # counts, meetings, qualification_rate's stream
        assert len(result.kinds) == 3
        assert result.rates["show_rate"] == 0.8
