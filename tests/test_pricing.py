"""Pricing models: per appointment (flat, per seniority, tiered), per lead, retainer,
commission and hybrid.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.money import CURRENCIES, Currency, Money
from ppa_core.domain.pricing import (
    Commission,
    CommissionTier,
    Hybrid,
    Package,
    PayPerLead,
    PerAppointment,
    PricingModel,
    Retainer,
    Tier,
    TierMode,
    model_of,
)
from ppa_core.domain.prospect import Seniority
from ppa_core.domain.tiers import BeyondLastTier, check_tiers, flat_fees, tier_of, tiered_total
from ppa_core.exceptions import ValidationError


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


def usd(amount: int | str) -> Money:
    return Money.of(amount, "USD")


# The real contract of domain.md section 7: 350 for the first 10 in a month, 150 after.
FIRST_TEN = (Tier(10, eur(350)), Tier(None, eur(150)))


def period_total(pricing: PerAppointment, units: int) -> Money:
    """What a period with ``units`` billable meetings costs, unit by unit."""
    prices = [pricing.unit_price(None, n, units) for n in range(1, units + 1)]
    assert all(p is not None for p in prices)
    return Money.total((p for p in prices if p is not None), pricing.currency)


# -- flat and per seniority ------------------------------------------------------------


class TestFlatPrice:
    def test_every_meeting_costs_the_same_whatever_the_seniority_or_rank(self) -> None:
        pricing = PerAppointment(price=eur(350))
        for seniority in (None, *Seniority):
            for unit in (1, 11, 100):
                assert pricing.unit_price(seniority, unit, 100) == eur(350)
        assert not pricing.is_tiered
        assert pricing.currency.code == "EUR"

    def test_a_free_meeting_is_allowed(self) -> None:
        assert PerAppointment(price=eur(0)).unit_price(None, 1, 1) == eur(0)

    def test_a_negative_price_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(price=eur(-1))
        assert info.value.field == "price"

    def test_a_price_that_is_not_money_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(price=350)  # type: ignore[arg-type]
        assert info.value.field == "price"

    def test_a_pricing_with_no_price_at_all_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment()
        assert info.value.field == "price"


class TestSeniorityPrices:
    PRICING = PerAppointment(
        price=eur(300),
        seniority_prices={"c_level": eur(600), Seniority.VP: eur(450), "director": eur(350)},
    )

    @pytest.mark.parametrize(
        ("seniority", "expected"),
        [(Seniority.C_LEVEL, 600), (Seniority.VP, 450), (Seniority.DIRECTOR, 350)],
    )
    def test_a_listed_seniority_costs_its_own_price(
        self, seniority: Seniority, expected: int
    ) -> None:
        assert self.PRICING.unit_price(seniority, 1, 1) == eur(expected)

    @pytest.mark.parametrize(
        "seniority", [Seniority.MANAGER, Seniority.INDIVIDUAL_CONTRIBUTOR, None]
    )
    def test_an_unlisted_or_unknown_seniority_costs_the_default_price(
        self, seniority: Seniority | None
    ) -> None:
        assert self.PRICING.unit_price(seniority, 1, 1) == eur(300)

    def test_without_a_default_an_unlisted_seniority_has_no_price(self) -> None:
        pricing = PerAppointment(seniority_prices={"c_level": eur(600)})
        assert pricing.unit_price(Seniority.MANAGER, 1, 1) is None
        assert pricing.unit_price(None, 1, 1) is None
        assert pricing.currency.code == "EUR"

    def test_the_order_prices_are_listed_in_does_not_matter(self) -> None:
        a = PerAppointment(seniority_prices={"vp": eur(450), "c_level": eur(600)})
        b = PerAppointment(seniority_prices={"c_level": eur(600), "vp": eur(450)})
        assert a == b
        assert hash(a) == hash(b)
        assert a != PerAppointment(seniority_prices={"vp": eur(451), "c_level": eur(600)})

    def test_seniority_prices_are_read_only(self) -> None:
        with pytest.raises(TypeError):
            self.PRICING.seniority_prices[Seniority.MANAGER] = eur(1)  # type: ignore[index]

    def test_an_unknown_seniority_is_refused_listing_the_allowed_ones(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(seniority_prices={"chief": eur(600)})
        assert info.value.field == "seniority_prices"
        assert "'c_level'" in info.value.allowed

    @pytest.mark.parametrize("price", [600, eur(-1)])
    def test_a_seniority_price_must_be_non_negative_money(self, price: Any) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(seniority_prices={"c_level": price})
        assert info.value.field == "seniority_prices[c_level]"

    def test_seniority_prices_must_be_a_mapping(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(seniority_prices=[("c_level", eur(600))])
        assert info.value.field == "seniority_prices"

    def test_prices_in_two_currencies_are_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(price=eur(300), seniority_prices={"vp": usd(450)})
        assert info.value.field == "seniority_prices"
        assert info.value.value == ["EUR", "USD"]


# -- volume tiers ----------------------------------------------------------------------


class TestTierBoundaries:
    """A tier "up to N" includes unit N; the next starts at N + 1; the last is open-ended."""

    def test_unit_n_is_in_the_tier_up_to_n_and_n_plus_1_in_the_next(self) -> None:
        pricing = PerAppointment(tiers=FIRST_TEN)
        assert pricing.tier_index(1) == 0
        assert pricing.tier_index(10) == 0
        assert pricing.tier_index(11) == 1
        assert pricing.unit_price(None, 10, 12) == eur(350)
        assert pricing.unit_price(None, 11, 12) == eur(150)

    def test_the_last_tier_never_ends(self) -> None:
        pricing = PerAppointment(tiers=FIRST_TEN)
        assert pricing.tier_index(10**6) == 1

    @pytest.mark.parametrize(
        ("units", "graduated", "volume"),
        [
            (9, 9 * 350, 9 * 350),
            (10, 10 * 350, 10 * 350),
            (11, 10 * 350 + 1 * 150, 11 * 150),
            (12, 10 * 350 + 2 * 150, 12 * 150),  # 3,800 graduated; 1,800 by volume
        ],
    )
    def test_first_ten_at_350_then_150_worked_example(
        self, units: int, graduated: int, volume: int
    ) -> None:
        tiered = PerAppointment(tiers=FIRST_TEN, tier_mode="graduated")
        assert period_total(tiered, units) == eur(graduated)
        by_volume = attrs.evolve(tiered, tier_mode=TierMode.VOLUME)
        assert period_total(by_volume, units) == eur(volume)

    def test_twelve_meetings_cost_3800_graduated_and_1800_by_volume(self) -> None:
        tiered = PerAppointment(tiers=FIRST_TEN)
        assert period_total(tiered, 12) == eur(3800)
        assert period_total(attrs.evolve(tiered, tier_mode="volume"), 12) == eur(1800)

    def test_three_tiers_graduated_and_by_volume(self) -> None:
        tiers = [Tier(5, eur(400)), Tier(15, eur(300)), Tier(None, eur(200))]
        graduated = PerAppointment(tiers=tiers)
        volume = PerAppointment(tiers=tiers, tier_mode="volume")
        # 20 units: 5 in the first tier, units 6..15 (10) in the second, 16..20 (5) in the last.
        assert period_total(graduated, 20) == eur(5 * 400 + 10 * 300 + 5 * 200)
        # By volume the whole period moves to the tier its count reaches.
        assert period_total(volume, 15) == eur(15 * 300)
        assert period_total(volume, 16) == eur(16 * 200)

    def test_graduated_is_the_default_mode_and_seniority_is_ignored(self) -> None:
        pricing = PerAppointment(tiers=FIRST_TEN)
        assert pricing.tier_mode is TierMode.GRADUATED
        assert pricing.is_tiered
        assert pricing.unit_price(Seniority.C_LEVEL, 1, 1) == eur(350)

    def test_a_single_open_ended_tier_is_a_flat_price(self) -> None:
        pricing = PerAppointment(tiers=[Tier(None, eur(200))])
        assert period_total(pricing, 7) == eur(7 * 200)


class TestTierValidation:
    def test_tiers_must_ascend(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=[Tier(10, eur(350)), Tier(10, eur(300)), Tier(None, eur(150))])
        assert info.value.field == "tiers[1].up_to"
        assert info.value.value == 10
        assert "10" in info.value.allowed

    def test_the_last_tier_must_be_open_ended(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=[Tier(10, eur(350)), Tier(20, eur(150))])
        assert info.value.field == "tiers[1].up_to"

    def test_only_the_last_tier_may_be_open_ended(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=[Tier(None, eur(350)), Tier(None, eur(150))])
        assert info.value.field == "tiers[0].up_to"

    def test_all_tiers_share_one_currency(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=[Tier(10, eur(350)), Tier(None, usd(150))])
        assert info.value.field == "tiers[1].price"

    @pytest.mark.parametrize("up_to", [0, -5, True, 10.0])
    def test_a_tier_bound_is_a_whole_number_of_at_least_one(self, up_to: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Tier(up_to, eur(350))
        assert info.value.field == "tier.up_to"

    @pytest.mark.parametrize("price", [350, eur(-1)])
    def test_a_tier_price_is_non_negative_money(self, price: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Tier(10, price)
        assert info.value.field == "tier.price"

    def test_tiers_must_be_a_collection_of_tier_objects(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=[(10, eur(350))])
        assert info.value.field == "tiers[0]"
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=Tier(None, eur(350)))
        assert info.value.field == "tiers"

    @pytest.mark.parametrize("extra", [{"price": eur(350)}, {"seniority_prices": {"vp": eur(450)}}])
    def test_tiers_exclude_a_flat_or_seniority_price(self, extra: dict[str, Any]) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=FIRST_TEN, **extra)
        assert info.value.field == "tiers"

    def test_an_unknown_tier_mode_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=FIRST_TEN, tier_mode="stairstep")
        assert info.value.field == "tier_mode"
        assert info.value.allowed == "one of ('graduated', 'volume')"

    def test_an_unknown_beyond_last_tier_is_refused_naming_the_field(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=FIRST_TEN, beyond_last_tier="free")
        assert (info.value.field, info.value.value) == ("beyond_last_tier", "free")
        assert info.value.allowed == "one of ('refuse', 'last_tier')"


def _assert_refused(build: Callable[[], object], field: str, value: object, allowed: str) -> None:
    """``build()`` raises the library's ValidationError naming field, value and what is allowed."""
    with pytest.raises(ValidationError) as info:
        build()
    assert (info.value.field, info.value.value, info.value.allowed) == (field, value, allowed)


@st.composite
def tier_ladders(draw: st.DrawFn) -> tuple[Tier, ...]:
    """1 to 5 tiers with ascending bounds in one currency; shrinks towards one open tier."""
    code = draw(st.sampled_from(sorted(CURRENCIES)))
    bounds = sorted(draw(st.sets(st.integers(1, 50), max_size=4)))
    prices = draw(
        st.lists(st.integers(0, 100_000), min_size=len(bounds) + 1, max_size=len(bounds) + 1)
    )
    quantum = CURRENCIES[code].quantum
    up_tos: list[int | None] = [*bounds, None]
    return tuple(
        Tier(up_to, Money(price * quantum, code))
        for up_to, price in zip(up_tos, prices, strict=True)
    )


def reference_graduated(tiers: tuple[Tier, ...], units: int) -> Decimal:
    """Sum over tiers of (min(units, up_to) - previous bound) x price, never below zero."""
    total, previous = Decimal(0), 0
    for tier in tiers:
        ceiling = units if tier.up_to is None else min(units, tier.up_to)
        total += max(0, ceiling - previous) * tier.price.amount
        if tier.up_to is not None:
            previous = tier.up_to
    return total


def reference_volume(tiers: tuple[Tier, ...], units: int) -> Decimal:
    """Every unit at the price of the first tier whose bound the count does not exceed."""
    reached = next(t for t in tiers if t.up_to is None or units <= t.up_to)
    return units * reached.price.amount


class TestTierProperties:
    @given(tier_ladders(), st.integers(0, 120))
    def test_graduated_total_matches_the_tier_by_tier_sum(
        self, tiers: tuple[Tier, ...], units: int
    ) -> None:
        pricing = PerAppointment(tiers=tiers, tier_mode="graduated")
        assert period_total(pricing, units).amount == reference_graduated(tiers, units)

    @given(tier_ladders(), st.integers(0, 120))
    def test_volume_total_is_the_count_times_the_reached_tiers_price(
        self, tiers: tuple[Tier, ...], units: int
    ) -> None:
        pricing = PerAppointment(tiers=tiers, tier_mode="volume")
        assert period_total(pricing, units).amount == reference_volume(tiers, units)

    @given(tier_ladders(), st.integers(1, 120))
    def test_every_unit_falls_in_exactly_the_tier_its_bounds_say(
        self, tiers: tuple[Tier, ...], unit: int
    ) -> None:
        index = PerAppointment(tiers=tiers).tier_index(unit)
        lower = 0 if index == 0 else tiers[index - 1].up_to
        assert lower is not None
        upper = tiers[index].up_to
        assert lower < unit
        assert upper is None or unit <= upper


# -- the other models ------------------------------------------------------------------


class TestPayPerLead:
    def test_a_lead_price_is_non_negative_money(self) -> None:
        assert PayPerLead(eur(90)).currency.code == "EUR"
        for bad in (90, eur(-1)):
            with pytest.raises(ValidationError) as info:
                PayPerLead(bad)  # type: ignore[arg-type]
            assert info.value.field == "price_per_lead"


class TestRetainer:
    def test_a_retainer_fee_is_non_negative_money(self) -> None:
        assert Retainer(eur(15_000)).currency.code == "EUR"
        for bad in ("15000", eur(-1)):
            with pytest.raises(ValidationError) as info:
                Retainer(bad)  # type: ignore[arg-type]
            assert info.value.field == "fee"


class TestCommission:
    @pytest.mark.parametrize("rate", [0, 1, "0.1", Decimal("0.125")])
    def test_a_rate_is_an_exact_fraction_from_0_to_1(self, rate: Any) -> None:
        commission = Commission(rate=rate, currency="EUR")
        assert commission.rate == Decimal(str(rate))
        assert isinstance(commission.rate, Decimal)

    @pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("1.5"), 10, "ten", "NaN"])
    def test_a_rate_outside_0_to_1_is_refused(self, rate: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Commission(rate=rate, currency="EUR")
        assert info.value.field == "rate"
        assert "from 0 to 1" in info.value.allowed

    @pytest.mark.parametrize("rate", [0.1, True, None])
    def test_a_float_or_non_number_rate_is_refused(self, rate: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Commission(rate=rate, currency="EUR")
        assert info.value.field == "rate"

    def test_the_currency_is_an_iso_code_or_currency(self) -> None:
        assert isinstance(Commission(rate="0.1", currency="EUR").currency, Currency)
        assert Commission(rate="0.1", currency=CURRENCIES["JPY"]).currency.code == "JPY"
        with pytest.raises(ValidationError) as info:
            Commission(rate="0.1", currency="euro")
        assert info.value.field == "currency"


class TestHybrid:
    def test_a_retainer_plus_a_per_appointment_price_in_one_currency(self) -> None:
        hybrid = Hybrid(Retainer(eur(5_000)), PerAppointment(price=eur(200)))
        assert hybrid.currency.code == "EUR"
        assert model_of(hybrid) is PricingModel.HYBRID

    def test_parts_in_two_currencies_are_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            Hybrid(Retainer(eur(5_000)), PerAppointment(price=usd(200)))
        assert info.value.field == "per_appointment"
        assert info.value.value == "USD"
        assert "EUR" in info.value.allowed

    def test_each_part_must_be_of_its_kind(self) -> None:
        with pytest.raises(ValidationError) as info:
            Hybrid(eur(5_000), PerAppointment(price=eur(200)))  # type: ignore[arg-type]
        assert info.value.field == "retainer"
        with pytest.raises(ValidationError) as info:
            Hybrid(Retainer(eur(5_000)), eur(200))  # type: ignore[arg-type]
        assert info.value.field == "per_appointment"


class TestPricingModel:
    @pytest.mark.parametrize(
        ("pricing", "model"),
        [
            (PerAppointment(price=eur(350)), PricingModel.PAY_PER_APPOINTMENT),
            (PayPerLead(eur(90)), PricingModel.PAY_PER_LEAD),
            (Retainer(eur(15_000)), PricingModel.RETAINER),
            (Commission(rate="0.1", currency="EUR"), PricingModel.COMMISSION),
        ],
    )
    def test_every_pricing_belongs_to_one_commercial_model(
        self, pricing: Any, model: PricingModel
    ) -> None:
        assert model_of(pricing) is model

    def test_pricings_are_frozen_values(self) -> None:
        pricing = PerAppointment(price=eur(350))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            pricing.price = eur(1)  # type: ignore[misc]
        assert pricing == PerAppointment(price=eur(350))
        assert hash(pricing) == hash(PerAppointment(price=eur(350)))


class TestPricingValues:
    """Pricings are values: equal when their terms are, picklable, with precise errors."""

    def test_a_pricing_survives_pickling_unchanged(self) -> None:
        seniority = PerAppointment(price=eur(300), seniority_prices={"vp": eur(450)})
        tiered = PerAppointment(tiers=FIRST_TEN, tier_mode="volume")

        for pricing in (seniority, tiered):
            copy = pickle.loads(pickle.dumps(pricing))
            assert copy == pricing
            assert hash(copy) == hash(pricing)
            assert copy.seniority_prices == pricing.seniority_prices
            assert copy.tier_mode is pricing.tier_mode

    def test_pricings_differing_in_one_seniority_price_are_not_equal(self) -> None:
        a = PerAppointment(seniority_prices={"vp": eur(450), "c_level": eur(600)})
        b = PerAppointment(seniority_prices={"vp": eur(450), "c_level": eur(601)})

        assert a != b

    def test_the_currency_of_a_pricing_without_a_flat_price(self) -> None:
        assert PerAppointment(seniority_prices={"vp": usd(450)}).currency.code == "USD"
        assert PerAppointment(tiers=[Tier(None, usd(150))]).currency.code == "USD"

    def test_a_tier_bound_equal_to_the_previous_one_is_refused(self) -> None:
        tiers = [Tier(10, eur(350)), Tier(10, eur(200)), Tier(None, eur(150))]

        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=tiers)

        assert info.value.field == "tiers[1].up_to"
        assert info.value.value == 10
        assert info.value.allowed == "greater than the previous tier's 10"

    def test_a_later_tier_in_another_currency_names_the_first_tiers_currency(self) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(tiers=[Tier(10, eur(350)), Tier(None, usd(150))])

        assert info.value.allowed == "in EUR like tiers[0]"

    def test_a_negative_tier_price_is_refused_as_negative(self) -> None:
        with pytest.raises(ValidationError) as info:
            Tier(None, eur(-1))

        assert info.value.allowed == "a non-negative amount"

    def test_a_free_tier_is_allowed(self) -> None:
        assert Tier(None, eur(0)).price == eur(0)

    def test_a_hybrid_in_two_currencies_names_both(self) -> None:
        with pytest.raises(ValidationError) as info:
            Hybrid(Retainer(eur(1000)), PerAppointment(price=usd(100)))

        assert info.value.field == "per_appointment"
        assert info.value.value == "USD"
        assert info.value.allowed == "in the retainer's currency EUR"

    def test_a_hybrids_currency_is_its_retainers(self) -> None:
        assert Hybrid(Retainer(usd(1000)), PerAppointment(price=usd(100))).currency.code == "USD"


# -- what each refusal says, and the edges of each term ----------------------------------


class TestPricingRefusals:
    """A refused pricing names the field, repeats the value and says what is allowed."""

    @pytest.mark.parametrize(
        ("build", "field", "value", "allowed"),
        [
            (
                lambda: PerAppointment(seniority_prices=[("c_level", eur(600))]),
                "seniority_prices",
                [("c_level", eur(600))],
                "a mapping of seniority to Money",
            ),
            (lambda: PerAppointment(price=350), "price", 350, "None or a Money"),
            (
                lambda: PerAppointment(package=eur(3000)),
                "package",
                eur(3000),
                "None or a Package",
            ),
            (
                lambda: PerAppointment(price=eur(1), flat_fee_at_zero=1),
                "flat_fee_at_zero",
                1,
                "True or False",
            ),
            (
                PerAppointment,
                "price",
                None,
                "set, or seniority_prices, tiers or package given",
            ),
            (
                lambda: PerAppointment(price=eur(1), tiers=FIRST_TEN),
                "tiers",
                FIRST_TEN,
                "used alone, without the other ways to price",
            ),
            (lambda: PerAppointment(price=eur(-1)), "price", eur(-1), "a non-negative amount"),
            (
                lambda: PerAppointment(
                    tiers=[Tier(5, eur(300)), Tier(10, eur(200)), Tier(20, eur(100))]
                ),
                "tiers[2].up_to",
                20,
                "None on the last tier, or beyond_last_tier set ('refuse' or 'last_tier')",
            ),
            (
                lambda: PerAppointment(tiers=FIRST_TEN, beyond_last_tier="refuse"),
                "beyond_last_tier",
                "refuse",
                "None without a finite last tier",
            ),
            (
                lambda: PerAppointment(price=eur(300), seniority_prices={"vp": usd(450)}),
                "seniority_prices",
                ["EUR", "USD"],
                "all in one currency",
            ),
            (
                lambda: Commission(rate="0.1", currency=978),
                "currency",
                978,
                "an ISO 4217 code such as 'EUR'",
            ),
            (
                lambda: Commission(currency="EUR"),
                "rate",
                None,
                "set, or tiers given, not both",
            ),
            (
                lambda: Hybrid(eur(1), PerAppointment(price=eur(1))),
                "retainer",
                eur(1),
                "a Retainer",
            ),
            (
                lambda: Hybrid(Retainer(eur(1)), eur(1)),
                "per_appointment",
                eur(1),
                "a PerAppointment",
            ),
        ],
    )
    def test_the_refusal_says_field_value_and_what_is_allowed(
        self, build: Any, field: str, value: object, allowed: str
    ) -> None:
        _assert_refused(build, field, value, allowed)

    def test_a_package_with_another_price_is_refused_naming_the_package(self) -> None:
        package = Package(10, eur(3000))
        with pytest.raises(ValidationError) as info:
            PerAppointment(price=eur(1), package=package)
        assert info.value.field == "package"
        assert info.value.value is package

    @pytest.mark.parametrize("free_units", [-1, True, 1.5])
    def test_free_units_are_a_whole_number_from_zero(self, free_units: Any) -> None:
        with pytest.raises(ValidationError) as info:
            PerAppointment(price=eur(1), free_units=free_units)
        assert info.value.field == "free_units"

    def test_a_free_price_is_allowed_and_a_cent_below_is_not(self) -> None:
        assert PerAppointment(price=eur("0.00")).price == eur(0)
        with pytest.raises(ValidationError):
            PerAppointment(price=eur("-0.01"))


class TestTierTerms:
    def test_tier_for_says_which_tier_prices_a_unit(self) -> None:
        pricing = PerAppointment(tiers=(Tier(2, eur(300)), Tier(None, eur(100))), free_units=1)
        assert [pricing.tier_for(unit, 4) for unit in (1, 2, 3, 4)] == [None, 1, 1, 2]
        volume = attrs.evolve(pricing, tier_mode="volume")
        assert [volume.tier_for(unit, 4) for unit in (1, 2, 3, 4)] == [None, 2, 2, 2]
        assert [volume.tier_for(unit, 3) for unit in (1, 2, 3)] == [None, 1, 1]

    def test_an_untiered_pricing_has_no_tier(self) -> None:
        assert PerAppointment(price=eur(350)).tier_for(1, 1) is None

    def test_beyond_a_refusing_last_tier_there_is_no_tier_and_no_price(self) -> None:
        pricing = PerAppointment(tiers=(Tier(2, eur(300)),), beyond_last_tier="refuse")
        assert pricing.tier_for(2, 3) == 1
        assert pricing.tier_for(3, 3) is None
        assert pricing.unit_price(None, 3, 3) is None
        assert pricing.tier_index(3) == 0

    @pytest.mark.parametrize(("free_units", "tiered"), [(0, False), (1, True), (2, True)])
    def test_free_units_make_a_flat_price_depend_on_the_rank(
        self, free_units: int, tiered: bool
    ) -> None:
        assert PerAppointment(price=eur(350), free_units=free_units).is_tiered is tiered

    def test_the_last_free_unit_is_free_and_the_next_is_paid(self) -> None:
        pricing = PerAppointment(price=eur(350), free_units=2)
        assert pricing.unit_price(None, 2, 3) == eur(0)
        assert pricing.unit_price(None, 3, 3) == eur(350)

    def test_free_units_do_not_reach_a_tiers_flat_fee(self) -> None:
        tiers = (Tier(2, eur(300), eur(50)), Tier(None, eur(100), eur(20)))
        pricing = PerAppointment(tiers=tiers, free_units=1)
        assert pricing.flat_fees(3) == ((0, eur(50)),)
        assert pricing.flat_fees(4) == ((0, eur(50)), (1, eur(20)))
        assert pricing.flat_fees(1) == ()
        assert PerAppointment(price=eur(1)).flat_fees(3) == ()

    def test_units_beyond_a_refusing_last_tier_owe_its_flat_fee_once(self) -> None:
        tiers = (Tier(2, eur(300), eur(50)), Tier(4, eur(100), eur(20)))
        pricing = PerAppointment(tiers=tiers, beyond_last_tier="refuse")
        assert pricing.flat_fees(9) == ((0, eur(50)), (1, eur(20)))
        volume = attrs.evolve(pricing, tier_mode="volume")
        assert volume.flat_fees(9) == ((1, eur(20)),)

    def test_the_internal_zero_is_not_shown(self) -> None:
        shown = repr(PerAppointment(price=eur(350)))
        assert shown.endswith("flat_fee_at_zero=False, beyond_last_tier=None)")

    def test_the_model_names_are_stable(self) -> None:
        """The names are written in documents and reports: renaming one breaks them."""
        assert [m.value for m in PricingModel] == [
            "pay_per_appointment",
            "pay_per_lead",
            "retainer",
            "commission",
            "hybrid",
        ]


class TestCommissionTerms:
    @pytest.mark.parametrize("field", ["minimum_per_deal", "maximum_per_deal"])
    def test_a_per_deal_limit_is_non_negative_money_in_the_currency(self, field: str) -> None:
        with pytest.raises(ValidationError) as info:
            Commission(rate="0.1", currency="EUR", **{field: eur(-1)})
        assert info.value.field == field
        with pytest.raises(ValidationError) as info:
            Commission(rate="0.1", currency="EUR", **{field: usd(1)})
        assert info.value.field == field
        assert info.value.value == usd(1)
        assert info.value.allowed == "in EUR"

    @pytest.mark.parametrize(
        "tier",
        [
            CommissionTier(usd(100), Decimal("0.1")),
            CommissionTier(None, Decimal("0.1"), flat_fee=usd(5)),
        ],
    )
    def test_a_band_in_another_currency_is_refused(self, tier: CommissionTier) -> None:
        tiers = [tier] if tier.up_to is None else [tier, CommissionTier(None, Decimal("0.05"))]
        with pytest.raises(ValidationError) as info:
            Commission(currency="EUR", tiers=tiers)
        assert info.value.field == "tiers[0]"
        assert info.value.allowed == "in EUR"

    def test_a_maximum_equal_to_the_minimum_is_allowed_and_one_below_is_not(self) -> None:
        same = Commission(
            rate="0.1", currency="EUR", minimum_per_deal=eur(5), maximum_per_deal=eur(5)
        )
        assert same.commissions([eur(1000)]) == (eur(5),)
        with pytest.raises(ValidationError) as info:
            Commission(
                rate="0.1",
                currency="EUR",
                minimum_per_deal=eur(5),
                maximum_per_deal=eur("4.99"),
            )
        assert info.value.field == "maximum_per_deal"
        assert info.value.value == eur("4.99")
        assert info.value.allowed == "at least the minimum EUR 5"

    def test_a_limit_alone_is_allowed(self) -> None:
        assert Commission(rate="0.1", currency="EUR", minimum_per_deal=eur(5)).commissions(
            [eur(10)]
        ) == (eur(5),)
        assert Commission(rate="0.1", currency="EUR", maximum_per_deal=eur(5)).commissions(
            [eur(100)]
        ) == (eur(5),)

    @pytest.mark.parametrize(
        ("terms", "simple"),
        [
            ({"rate": "0.1"}, True),
            ({"rate": "0.1", "minimum_per_deal": eur(1)}, False),
            ({"rate": "0.1", "maximum_per_deal": eur(1)}, False),
            ({"tiers": [CommissionTier(None, Decimal("0.1"))]}, False),
        ],
    )
    def test_only_one_rate_without_limits_is_simple(
        self, terms: dict[str, Any], simple: bool
    ) -> None:
        assert Commission(currency="EUR", **terms).is_simple is simple


class TestTierFunctions:
    """domain.tiers on its own: the boundary rule, flat fees and totals at each edge."""

    FEES = (Tier(2, eur(300), eur(50)), Tier(None, eur(100), eur(20)))

    def test_flat_fees_at_zero_units_are_owed_only_when_the_term_says(self) -> None:
        assert flat_fees(self.FEES, TierMode.GRADUATED, 0) == ()
        assert flat_fees(self.FEES, TierMode.GRADUATED, 0, at_zero=True) == ((0, eur(50)),)
        assert flat_fees(self.FEES, TierMode.VOLUME, 0, at_zero=True) == ((0, eur(50)),)
        assert flat_fees((Tier(None, eur(1)),), TierMode.GRADUATED, 0, at_zero=True) == ()

    def test_one_unit_reaches_the_first_tier_and_its_fee(self) -> None:
        assert flat_fees(self.FEES, TierMode.GRADUATED, 1) == ((0, eur(50)),)
        assert flat_fees(self.FEES, TierMode.VOLUME, 1) == ((0, eur(50)),)
        assert flat_fees(self.FEES, TierMode.GRADUATED, 3) == ((0, eur(50)), (1, eur(20)))
        assert flat_fees(self.FEES, TierMode.VOLUME, 3) == ((1, eur(20)),)

    def test_a_tier_without_a_fee_owes_none(self) -> None:
        tiers = (Tier(2, eur(300)), Tier(None, eur(100), eur(20)))
        assert flat_fees(tiers, TierMode.VOLUME, 1) == ()
        assert flat_fees(tiers, TierMode.GRADUATED, 3) == ((1, eur(20)),)

    @pytest.mark.parametrize(
        ("units", "graduated", "volume"),
        [(0, 0, 0), (1, 300 + 50, 300 + 50), (2, 600 + 50, 600 + 50), (3, 700 + 70, 300 + 20)],
    )
    def test_tiered_total_at_each_edge(self, units: int, graduated: int, volume: int) -> None:
        assert tiered_total(self.FEES, TierMode.GRADUATED, units) == eur(graduated)
        assert tiered_total(self.FEES, TierMode.VOLUME, units) == eur(volume)

    def test_tiered_total_of_one_tier(self) -> None:
        assert tiered_total((Tier(None, eur(5)),), TierMode.GRADUATED, 3) == eur(15)
        assert tiered_total((Tier(None, eur(5)),), TierMode.VOLUME, 3) == eur(15)

    def test_tiered_total_owes_the_first_fee_at_zero_only_when_asked(self) -> None:
        assert tiered_total(self.FEES, TierMode.GRADUATED, 0, at_zero=True) == eur(50)

    @pytest.mark.parametrize(
        ("beyond", "graduated", "volume"),
        [
            (BeyondLastTier.REFUSE, 2 * 300 + 2 * 100, 4 * 100),
            (BeyondLastTier.LAST_TIER, 2 * 300 + 4 * 100, 6 * 100),
        ],
    )
    def test_tiered_total_beyond_a_finite_last_tier(
        self, beyond: BeyondLastTier, graduated: int, volume: int
    ) -> None:
        tiers = (Tier(2, eur(300)), Tier(4, eur(100)))
        assert tiered_total(tiers, TierMode.GRADUATED, 6, beyond=beyond) == eur(graduated)
        assert tiered_total(tiers, TierMode.VOLUME, 6, beyond=beyond) == eur(volume)

    def test_tier_of_follows_the_boundary_rule(self) -> None:
        tiers = (Tier(2, eur(300)), Tier(4, eur(100)))
        assert [tier_of(tiers, rank) for rank in (1, 2, 3, 4, 5)] == [0, 0, 1, 1, None]
        assert tier_of(tiers, 5, BeyondLastTier.LAST_TIER) == 1
        assert tier_of(tiers, 5, BeyondLastTier.REFUSE) is None

    def test_the_first_tier_may_hold_one_unit(self) -> None:
        assert check_tiers([Tier(1, eur(300)), Tier(None, eur(100))])[0].up_to == 1

    @pytest.mark.parametrize(
        ("build", "field", "value", "allowed"),
        [
            (lambda: Tier(10, 350), "tier.price", 350, "a Money"),
            (lambda: Tier(10, eur(1), 5), "tier.flat_fee", 5, "a Money"),
            (lambda: Tier(10, eur(1), eur(-1)), "tier.flat_fee", eur(-1), "a non-negative amount"),
            (lambda: Tier(10, eur(1), usd(5)), "tier.flat_fee", usd(5), "in EUR"),
            (lambda: Tier(0, eur(1)), "tier.up_to", 0, "a whole number >= 1"),
            (
                lambda: check_tiers([Tier(None, eur(1)), Tier(None, eur(1))]),
                "tiers[0].up_to",
                None,
                "set on every tier but the last",
            ),
            (lambda: check_tiers([eur(1)]), "tiers[0]", eur(1), "a Tier"),
        ],
    )
    def test_a_refused_tier_says_field_value_and_what_is_allowed(
        self, build: Any, field: str, value: object, allowed: str
    ) -> None:
        _assert_refused(build, field, value, allowed)

    def test_the_names_of_the_terms_are_stable(self) -> None:
        assert [m.value for m in TierMode] == ["graduated", "volume"]
        assert [b.value for b in BeyondLastTier] == ["refuse", "last_tier"]
