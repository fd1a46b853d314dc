"""Richer pricing (domain.md section 7, issue 20): flat fees, packages, free units,
commitments, setup fee, graduated commission, rounding once; with the peers' vectors.
"""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import at, contract, eur, held, prospect, terms
from ppa_core import (
    BeyondLastTier,
    BillingPeriod,
    CampaignPlan,
    Commission,
    CommissionTier,
    Commitment,
    ContractTerms,
    Guarantee,
    Hybrid,
    Invoice,
    LineKind,
    Money,
    Package,
    PerAppointment,
    ReasonCode,
    Retainer,
    Scenario,
    Tier,
    TierMode,
    ValidationError,
    build_invoice,
    compare_models,
)
from ppa_core.adapters.serialization import dump, load
from ppa_core.domain.commission import graduated
from ppa_core.domain.tiers import tiered_total
from ppa_core.rules.engine import BillingEngine

ISSUED = pendulum.datetime(2026, 4, 1, 9, tz="Europe/Berlin")
USD = "USD"


def usd(amount: int | str) -> Money:
    return Money.of(amount, USD)


def meetings(n: int, month: int = 3) -> list:  # type: ignore[type-arg]
    """``n`` held meetings with ``n`` people, in order, within the month."""
    return [
        held(
            f"m{month}-{i}", at(1 + i // 10, 8 + i % 10, month=month), who=prospect(f"p{month}-{i}")
        )
        for i in range(n)
    ]


def invoice(pricing: object, n: int, **term_changes: object) -> Invoice:
    c = contract(terms(pricing=pricing, **term_changes))
    return build_invoice(c, meetings(n), at(15), as_of=ISSUED)


def kind(inv: Invoice, what: LineKind) -> list[Money]:
    return [line.amount for line in inv.lines if line.kind is what]


# -- the peers' published vectors ---------------------------------------------------------
# Each row: a pricing the peer documents, the units, the total the peer publishes, and
# where. The unit is a meeting here, a call or an event there: the arithmetic is the same.

LAGO_VOLUME = (
    Tier(10_000, usd("0.0010"), usd(10)),
    Tier(50_000, usd("0.0008"), usd(10)),
    Tier(100_000, usd("0.0006"), usd(10)),
    Tier(None, usd("0.0004"), usd(10)),
)
LAGO_GRADUATED_API = (Tier(100, usd(1)), Tier(200, usd("0.50")), Tier(None, usd("0.10")))
KILLBILL_719 = (Tier(10_000, usd("1.40")), Tier(50_000, usd("1.32")), Tier(None, usd("1.25")))
ZUPLO_GRADUATED = (Tier(1_000, usd("0.10")), Tier(10_000, usd("0.05")), Tier(None, usd("0.01")))

TIER_VECTORS = [
    # https://getlago.com/docs/guide/plans/charges/charge-models/volume.md
    # "65,000 API calls would cost 65,000 x $0.0006 + $10 = $49"
    pytest.param(LAGO_VOLUME, TierMode.VOLUME, 65_000, "49", id="lago-volume-65000"),
    # https://getlago.com/docs/guide/plans/charges/charge-models/graduated.md gives the
    # tiers ($1 for the first 100, $0.50 for the next 100, $0.10 after); 250 calls are
    # 100 + 50 + 5 = 155, the fee https://getlago.com/docs/v2/guide/rate-cards/pricing-models/graduated
    # states for 250 calls.
    pytest.param(LAGO_GRADUATED_API, TierMode.GRADUATED, 250, "155", id="lago-graduated-250"),
    # https://github.com/killbill/killbill/issues/719: 1.40 up to 10,000, 1.32 up to
    # 50,000, 1.25 up to 100,000; 10,500 units across tiers (ALL_TIERS, graduated) are
    # 10,000 x 1.40 + 500 x 1.32, at the top tier (TOP_TIER, volume) 10,500 x 1.32.
    pytest.param(KILLBILL_719, TierMode.GRADUATED, 10_500, "14660", id="killbill-all-tiers"),
    pytest.param(KILLBILL_719, TierMode.VOLUME, 10_500, "13860", id="killbill-top-tier"),
    # https://zuplo.com/docs/articles/monetization/pricing-models (graduated, 15,000 units)
    pytest.param(ZUPLO_GRADUATED, TierMode.GRADUATED, 15_000, "600", id="zuplo-graduated"),
    # same page, volume: "15,000 x $0.01 = $150"
    pytest.param(ZUPLO_GRADUATED, TierMode.VOLUME, 15_000, "150", id="zuplo-volume"),
    # billabear/billabear features/Invoice/Pricing/Usage/count_tiered_graduated.feature:
    # unit price 0, flat fee 1000 (cents) up to 10, 1500 after: a flat fee per tier reached
    pytest.param(
        (Tier(10, usd(0), usd(10)), Tier(None, usd(0), usd(15))),
        TierMode.GRADUATED,
        11,
        "25",
        id="billabear-graduated-flat-fees",
    ),
]


# https://docs.stripe.com/billing/subscriptions/usage-based/pricing-models.md ("fixed fee
# and overage"): 200 USD a month includes 100,000 tokens, 0.001 USD per token above, set
# up as graduated tiers whose first carries the flat fee. Totals derived from those rates.
STRIPE_FIXED_FEE_AND_OVERAGE = (Tier(100_000, usd(0), usd(200)), Tier(None, usd("0.001")))
TIER_VECTORS += [
    pytest.param(
        STRIPE_FIXED_FEE_AND_OVERAGE, TierMode.GRADUATED, 150_000, "250", id="stripe-overage"
    ),
    pytest.param(
        STRIPE_FIXED_FEE_AND_OVERAGE, TierMode.GRADUATED, 100_000, "200", id="stripe-included"
    ),
]


def test_stripe_charges_the_first_tiers_flat_fee_at_zero_units() -> None:
    # Same Stripe page: the 200 USD is owed with no usage (Stripe bills a tier's flat fee
    # at zero units); ppa_core does so with flat_fee_at_zero.
    tiers = STRIPE_FIXED_FEE_AND_OVERAGE
    assert tiered_total(tiers, TierMode.GRADUATED, 0, at_zero=True) == usd(200)
    assert tiered_total(tiers, TierMode.GRADUATED, 0).is_zero


@pytest.mark.parametrize(("tiers", "mode", "units", "expected"), TIER_VECTORS)
def test_tiers_price_the_peers_published_examples(
    tiers: tuple[Tier, ...], mode: TierMode, units: int, expected: str
) -> None:
    assert tiered_total(tiers, mode, units).rounded() == usd(expected)


PACKAGE_VECTORS = [
    # https://getlago.com/docs/guide/plans/charges/charge-models/package.md
    # "$5 per 100 units and offer the first 100 units ... 201 units would cost ... $10"
    pytest.param(Package(100, usd(5)), 100, 201, "10", id="lago-package-201"),
    # https://getlago.com/docs/v2/guide/rate-cards/pricing-models/package
    # 2,000 calls, packages of 100 at 1 USD: 20 USD
    pytest.param(Package(100, usd(1)), 0, 2_000, "20", id="lago-package-2000"),
    # same page: 50 free calls, packages of 100 at 1 USD, 200 calls: 150 billable, 2 USD
    pytest.param(Package(100, usd(1)), 50, 200, "2", id="lago-package-free-50"),
]


@pytest.mark.parametrize(("package", "free", "units", "expected"), PACKAGE_VECTORS)
def test_packages_price_the_peers_published_examples(
    package: Package, free: int, units: int, expected: str
) -> None:
    assert package.total(units, free_units=free).rounded() == usd(expected)


# https://getlago.com/docs/guide/plans/charges/charge-models/graduated-percentage.md
LAGO_GRADUATED_PERCENTAGE = (
    CommissionTier(usd(1_000), Decimal("0.01"), usd(200)),
    CommissionTier(usd(10_000), Decimal("0.02"), usd(300)),
    CommissionTier(None, Decimal("0.03"), usd(400)),
)


LAGO_GRADUATED_PERCENTAGE_EUR = tuple(
    CommissionTier(
        None if t.up_to is None else eur(t.up_to.amount),
        t.rate,
        None if t.flat_fee is None else eur(t.flat_fee.amount),
    )
    for t in LAGO_GRADUATED_PERCENTAGE
)


def test_graduated_commission_prices_lagos_transactions_one_by_one() -> None:
    # "A first transaction at $500 would cost ... $205.00; a second at $550 ... $306.00;
    # a third at $4,000 ... $80.00" (the same page).
    pricing = Commission(currency=USD, tiers=LAGO_GRADUATED_PERCENTAGE)

    owed = pricing.commissions([usd(500), usd(550), usd(4_000)])

    assert [m.rounded() for m in owed] == [usd(205), usd(306), usd(80)]


def test_graduated_commission_prices_lagos_period_total() -> None:
    # https://getlago.com/docs/v2/guide/rate-cards/pricing-models/graduated-percentage
    # "The total is 5,050 USD ... Tier 3 is not reached ... The calculated fee is 591 USD"
    assert graduated(LAGO_GRADUATED_PERCENTAGE, usd(5_050)).rounded() == usd(591)


def test_a_sub_minor_unit_price_is_rounded_once_on_the_period_not_per_meeting() -> None:
    # https://github.com/killbill/killbill/issues/1124: "If tierPrice is defined as 0.067
    # for instance and 55 units are used, the amount to bill will be 3.685" (3.69 rounded
    # once, half-up); rounding each unit would bill 55 x 0.07 = 3.85.
    c = contract(terms(pricing=PerAppointment(price=usd("0.067"))), currency=USD)

    inv = build_invoice(c, meetings(55), at(15), as_of=ISSUED)

    lines = kind(inv, LineKind.APPOINTMENT)
    assert len(lines) == 55
    assert inv.total == usd("3.69")
    assert all(m in {usd("0.06"), usd("0.07")} for m in lines)
    assert inv.total == Money.total(lines, USD)


def test_a_sub_minor_price_share_is_explained_in_the_trace() -> None:
    c = contract(terms(pricing=PerAppointment(price=usd("0.067"))), currency=USD)

    decisions = BillingEngine(c).decide_all(meetings(2), as_of=ISSUED, trace=True)

    reasons = [v.reason for d in decisions for v in d.trace or () if v.rule_id == "price"]
    assert all("rounded once" in r for r in reasons)
    assert [d.amount for d in decisions] == [usd("0.07"), usd("0.06")]


# -- tier flat fees ----------------------------------------------------------------------

PLATFORM = (Tier(10, eur(350), eur(500)), Tier(None, eur(150), eur(200)))


class TestFlatFees:
    def test_graduated_bills_the_flat_fee_of_every_tier_reached_once(self) -> None:
        inv = invoice(PerAppointment(tiers=PLATFORM), 12)

        assert kind(inv, LineKind.FLAT_FEE) == [eur(500), eur(200)]
        assert inv.total == eur(500 + 10 * 350 + 200 + 2 * 150)
        assert [line.tier for line in inv.lines if line.kind is LineKind.FLAT_FEE] == [1, 2]

    def test_volume_bills_the_flat_fee_of_the_tier_reached_only(self) -> None:
        inv = invoice(PerAppointment(tiers=PLATFORM, tier_mode="volume"), 12)

        assert kind(inv, LineKind.FLAT_FEE) == [eur(200)]
        assert inv.total == eur(200 + 12 * 150)

    def test_the_first_tiers_flat_fee_is_not_owed_at_zero_units_by_default(self) -> None:
        assert kind(invoice(PerAppointment(tiers=PLATFORM), 0), LineKind.FLAT_FEE) == []

    def test_the_zero_unit_term_bills_the_first_tiers_flat_fee_with_no_meeting(self) -> None:
        pricing = PerAppointment(tiers=PLATFORM, flat_fee_at_zero=True)

        assert kind(invoice(pricing, 0), LineKind.FLAT_FEE) == [eur(500)]

    def test_flat_fees_are_billed_once_when_the_period_is_invoiced_in_halves(self) -> None:
        c = contract(terms(pricing=PerAppointment(tiers=PLATFORM)))
        first_half = build_invoice(
            c, meetings(12), BillingPeriod(at(1, 0), at(16, 0)), as_of=ISSUED
        )
        second_half = build_invoice(
            c,
            meetings(12),
            BillingPeriod(at(16, 0), at(1, 0, month=4)),
            as_of=ISSUED,
            previous=[first_half],
        )

        fees = kind(first_half, LineKind.FLAT_FEE) + kind(second_half, LineKind.FLAT_FEE)
        assert fees == [eur(500), eur(200)]
        assert kind(first_half, LineKind.FLAT_FEE) == []  # the period ends in the second

    def test_a_flat_fee_in_another_currency_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"tier\.flat_fee"):
            Tier(10, eur(350), usd(500))


class TestFiniteLastTier:
    TIERS = (Tier(5, eur(300)), Tier(10, eur(200)))

    def test_a_finite_last_tier_needs_its_behaviour_stated(self) -> None:
        with pytest.raises(ValidationError, match="beyond_last_tier"):
            PerAppointment(tiers=self.TIERS)

    def test_refused_units_beyond_the_last_tier_are_not_billed_and_say_why(self) -> None:
        inv = invoice(PerAppointment(tiers=self.TIERS, beyond_last_tier="refuse"), 12)

        assert inv.total == eur(5 * 300 + 5 * 200)
        refused = [line for line in inv.not_billed if ReasonCode.NO_PRICE in line.reason_codes]
        assert len(refused) == 2

    def test_units_beyond_the_last_tier_can_be_billed_at_its_price(self) -> None:
        pricing = PerAppointment(tiers=self.TIERS, beyond_last_tier=BeyondLastTier.LAST_TIER)

        assert invoice(pricing, 12).total == eur(5 * 300 + 7 * 200)

    def test_an_open_ended_last_tier_takes_no_beyond_term(self) -> None:
        with pytest.raises(ValidationError, match="beyond_last_tier"):
            PerAppointment(tiers=PLATFORM, beyond_last_tier="refuse")


# -- packages and free units ---------------------------------------------------------------


class TestPackagesAndFreeUnits:
    def test_a_partial_package_is_charged_whole_on_the_meeting_that_opens_it(self) -> None:
        inv = invoice(PerAppointment(package=Package(10, eur(3000))), 12)

        lines = kind(inv, LineKind.APPOINTMENT)
        assert inv.total == eur(6000)
        assert lines[0] == eur(3000)
        assert lines[10] == eur(3000)
        assert sum(1 for m in lines if m.is_zero) == 10

    def test_free_units_come_first_then_packages_count_from_one(self) -> None:
        inv = invoice(PerAppointment(package=Package(10, eur(3000)), free_units=2), 12)

        assert inv.total == eur(3000)
        assert kind(inv, LineKind.APPOINTMENT)[2] == eur(3000)

    def test_the_first_meetings_of_a_pilot_are_free(self) -> None:
        inv = invoice(PerAppointment(price=eur(350), free_units=2), 5)

        assert kind(inv, LineKind.APPOINTMENT)[:2] == [eur(0), eur(0)]
        assert inv.total == eur(3 * 350)

    def test_tiers_count_the_paid_meetings_after_the_free_ones(self) -> None:
        pricing = PerAppointment(tiers=(Tier(2, eur(300)), Tier(None, eur(100))), free_units=1)

        assert invoice(pricing, 4).total == eur(2 * 300 + 100)

    def test_a_package_excludes_the_other_prices(self) -> None:
        with pytest.raises(ValidationError, match="package"):
            PerAppointment(price=eur(1), package=Package(10, eur(3000)))


# -- setup fee and commitments ---------------------------------------------------------------


class TestSetupFeeAndCommitments:
    def test_the_setup_fee_is_on_the_first_invoice_of_the_term_only(self) -> None:
        c = contract(terms(setup_fee=eur(2500)), start=pendulum.Date(2026, 3, 1))
        march = build_invoice(c, meetings(2), at(15), as_of=ISSUED)
        april = build_invoice(c, meetings(2, 4), at(15, month=4), as_of=ISSUED.add(months=1))

        assert kind(march, LineKind.SETUP_FEE) == [eur(2500)]
        assert kind(april, LineKind.SETUP_FEE) == []
        assert march.total == eur(2500 + 700)

    def test_a_minimum_commitment_tops_the_period_up(self) -> None:
        inv = invoice(PerAppointment(price=eur(350)), 4, commitment=Commitment(minimum=eur(2000)))

        assert kind(inv, LineKind.COMMITMENT) == [eur(600)]
        assert inv.total == eur(2000)

    def test_a_met_minimum_bills_nothing_more(self) -> None:
        inv = invoice(PerAppointment(price=eur(350)), 6, commitment=Commitment(minimum=eur(2000)))

        assert kind(inv, LineKind.COMMITMENT) == []

    def test_a_spend_ceiling_credits_what_exceeds_it(self) -> None:
        inv = invoice(PerAppointment(price=eur(350)), 6, commitment=Commitment(maximum=eur(2000)))

        assert kind(inv, LineKind.COMMITMENT) == [eur(-100)]
        assert inv.total == eur(2000)

    def test_the_guarantee_credit_applies_after_the_true_up(self) -> None:
        guarantee = Guarantee(minimum_held=6, credit_per_missing=eur(100))
        inv = invoice(
            PerAppointment(price=eur(350)),
            4,
            commitment=Commitment(minimum=eur(2000)),
            guarantee=guarantee,
        )

        assert kind(inv, LineKind.COMMITMENT) == [eur(600)]
        assert kind(inv, LineKind.GUARANTEE_CREDIT) == [eur(-200)]
        assert inv.total == eur(1800)

    def test_the_cap_applies_before_the_ceiling(self) -> None:
        inv = invoice(
            PerAppointment(price=eur(350)), 8, cap=6, commitment=Commitment(maximum=eur(2000))
        )

        assert len(inv.over_cap) == 2
        assert kind(inv, LineKind.COMMITMENT) == [eur(-100)]

    def test_the_retainer_counts_as_spend(self) -> None:
        pricing = Hybrid(Retainer(eur(1000)), PerAppointment(price=eur(200)))

        inv = invoice(pricing, 2, commitment=Commitment(minimum=eur(2000)))

        assert kind(inv, LineKind.COMMITMENT) == [eur(600)]

    def test_a_maximum_below_the_minimum_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"commitment\.maximum"):
            Commitment(minimum=eur(2000), maximum=eur(1000))

    def test_a_commitment_in_another_currency_is_refused_by_the_contract(self) -> None:
        with pytest.raises(ValidationError, match="commitment"):
            contract(terms(commitment=Commitment(minimum=usd(1))))


# -- graduated commission ----------------------------------------------------------------------

TEN_THEN_SEVEN = (
    CommissionTier(eur(100_000), Decimal("0.10")),
    CommissionTier(None, Decimal("0.07")),
)


class TestGraduatedCommission:
    def test_ten_percent_of_the_first_100000_and_seven_above(self) -> None:
        pricing = Commission(currency="EUR", tiers=TEN_THEN_SEVEN)
        c = contract(terms(pricing=pricing))

        inv = build_invoice(c, [], at(15), as_of=ISSUED, deals=[eur(60_000), eur(90_000)])

        assert kind(inv, LineKind.COMMISSION) == [eur(10_000 + 3_500)]

    def test_each_deal_is_held_within_the_per_deal_minimum_and_maximum(self) -> None:
        pricing = Commission(
            rate=Decimal("0.10"),
            currency="EUR",
            minimum_per_deal=eur(1_000),
            maximum_per_deal=eur(5_000),
        )

        owed = pricing.commissions([eur(2_000), eur(30_000), eur(80_000)])

        assert owed == (eur(1_000), eur(3_000), eur(5_000))

    def test_closed_value_and_deals_are_exclusive(self) -> None:
        c = contract(terms(pricing=Commission(Decimal("0.1"), "EUR")))

        with pytest.raises(ValidationError, match="deals"):
            build_invoice(c, [], at(15), as_of=ISSUED, closed_value=eur(1), deals=[eur(1)])

    def test_a_rate_or_bands_but_not_both(self) -> None:
        with pytest.raises(ValidationError, match="rate"):
            Commission(rate=Decimal("0.1"), currency="EUR", tiers=TEN_THEN_SEVEN)
        with pytest.raises(ValidationError, match="rate"):
            Commission(currency="EUR")


# -- properties ---------------------------------------------------------------------------------

prices = st.integers(0, 1_000).map(eur)


@st.composite
def falling_tiers(draw: st.DrawFn) -> tuple[Tier, ...]:
    bounds = sorted(draw(st.sets(st.integers(1, 30), min_size=1, max_size=3)))
    amounts = sorted(
        draw(st.lists(st.integers(0, 1_000), min_size=len(bounds) + 1, max_size=len(bounds) + 1)),
        reverse=True,
    )
    fees = draw(
        st.lists(st.one_of(st.none(), prices), min_size=len(amounts), max_size=len(amounts))
    )
    ups: list[int | None] = [*bounds, None]
    return tuple(Tier(u, eur(a), f) for u, a, f in zip(ups, amounts, fees, strict=True))


@given(falling_tiers(), st.integers(0, 60))
def test_volume_costs_at_most_graduated_when_prices_fall(tiers: tuple[Tier, ...], n: int) -> None:
    assert tiered_total(tiers, TierMode.VOLUME, n) <= tiered_total(tiers, TierMode.GRADUATED, n)


@given(falling_tiers(), st.integers(0, 60))
def test_graduated_total_is_monotone_in_units(tiers: tuple[Tier, ...], n: int) -> None:
    assert tiered_total(tiers, TierMode.GRADUATED, n) <= tiered_total(
        tiers, TierMode.GRADUATED, n + 1
    )


@given(st.integers(1, 12), prices, st.integers(0, 5), st.integers(0, 40))
def test_package_total_is_monotone_in_units(size: int, price: Money, free: int, n: int) -> None:
    package = Package(size, price)
    assert package.total(n, free_units=free) <= package.total(n + 1, free_units=free)


@given(falling_tiers(), st.sampled_from(TierMode), st.integers(0, 25))
def test_an_invoice_bills_each_flat_fee_once_and_totals_its_lines(
    tiers: tuple[Tier, ...], mode: TierMode, n: int
) -> None:
    pricing = PerAppointment(tiers=tiers, tier_mode=mode)

    inv = invoice(pricing, n)

    fees = [line.tier for line in inv.lines if line.kind is LineKind.FLAT_FEE]
    assert len(fees) == len(set(fees))
    assert inv.total == Money.total((line.amount for line in inv.lines), "EUR")
    assert inv.total == tiered_total(tiers, mode, n).rounded()


@given(st.integers(1, 999), st.integers(0, 80))
def test_sub_minor_prices_bill_their_exact_total_rounded_once(mills: int, n: int) -> None:
    price = Money(Decimal(mills).scaleb(-3), "EUR")
    c = contract(terms(pricing=PerAppointment(price=price)))

    decisions = BillingEngine(c).decide_all(meetings(n), as_of=ISSUED)

    billed = Money.total((d.amount for d in decisions), "EUR")
    assert billed == (price * n).rounded()
    assert all(d.amount.is_rounded for d in decisions)


# -- comparison, simulation, documents ---------------------------------------------------------

RICH = ContractTerms(
    pricing=PerAppointment(tiers=PLATFORM, free_units=1),
    setup_fee=eur(2500),
    commitment=Commitment(minimum=eur(1000), maximum=eur(9000)),
)


class TestEveryModelIsCompared:
    def test_the_comparison_bills_flat_fees_commitments_and_the_setup_fee_as_invoices_do(
        self,
    ) -> None:
        c = contract(RICH, start=pendulum.Date(2026, 3, 1))
        seen = meetings(12)
        inv = build_invoice(c, seen, at(15), as_of=ISSUED)
        models = [RICH.pricing, PerAppointment(package=Package(5, eur(1500)))]

        costs = compare_models(c, seen, models, as_of=ISSUED, periods=1)

        assert costs[0].total == inv.total
        # setup + tier 1 flat fee + 10 paid at 350 + tier 2 flat fee + 1 at 150 (1 free)
        assert costs[0].total == eur(2500 + 500 + 10 * 350 + 200 + 150)

    def test_a_package_and_a_graduated_commission_are_compared(self) -> None:
        c = contract(start=pendulum.Date(2026, 3, 1))
        package = PerAppointment(package=Package(5, eur(1500)))
        commission = Commission(currency="EUR", tiers=TEN_THEN_SEVEN)

        costs = compare_models(
            c, meetings(12), [package, commission], as_of=ISSUED, closed_value=eur(150_000)
        )

        assert [cost.total for cost in costs] == [eur(4500), eur(13_500)]


def test_the_simulation_prices_flat_fees_and_commitments_as_invoices_do() -> None:
    plan = CampaignPlan(appointments="12", show_rate="1", qualification_rate="1")
    models = {
        "platform": contract(RICH),
        "package": PerAppointment(package=Package(5, eur(1500))),
    }
    scenario = Scenario.build(plan, models)
    facts = scenario.realize(seed=3)

    outcome = scenario.simulator().outcome(3, 0)

    own = scenario.models[0].contract
    invoices: list[Invoice] = []
    for period in facts.periods:
        invoices.append(
            build_invoice(own, facts.appointments, period, as_of=facts.as_of, previous=invoices)
        )
    assert outcome.costs[0] == Money.total((i.total for i in invoices), "EUR")
    assert outcome.costs[0] > Money.zero("EUR")


class TestDocuments:
    @pytest.mark.parametrize(
        "value",
        [
            RICH,
            PerAppointment(
                tiers=(Tier(5, eur(300), eur(50)), Tier(10, eur(200))),
                beyond_last_tier="last_tier",
                flat_fee_at_zero=True,
            ),
            Commission(
                currency="EUR",
                tiers=LAGO_GRADUATED_PERCENTAGE_EUR,
                minimum_per_deal=eur(10),
                maximum_per_deal=eur(500),
            ),
            PerAppointment(package=Package(10, eur(3000)), free_units=2),
            Hybrid(Retainer(eur(1)), PerAppointment(price=eur(1), free_units=1)),
        ],
        ids=["terms", "finite-tiers", "graduated-commission", "package", "hybrid"],
    )
    def test_every_new_value_round_trips(self, value: object) -> None:
        stored = value if isinstance(value, ContractTerms) else terms(pricing=value)

        assert load(ContractTerms, dump(stored)) == stored

    def test_terms_without_the_new_fields_keep_their_version_1_shape(self) -> None:
        data = dump(terms())["data"]

        assert not {"setup_fee", "commitment"} & set(data)
        assert set(data["pricing"]) == {"type", "price", "seniority_prices", "tiers", "tier_mode"}

    def test_invoice_lines_of_the_new_kinds_round_trip(self) -> None:
        c = contract(RICH, start=pendulum.Date(2026, 3, 1))
        inv = build_invoice(c, meetings(2), at(15), as_of=ISSUED)

        assert {line.kind for line in inv.lines} >= {LineKind.SETUP_FEE, LineKind.FLAT_FEE}
        assert load(Invoice, dump(inv)) == inv
