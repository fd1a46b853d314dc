"""The engine's across-appointment pass: duplicates, the cap and pricing, with their trace lines.

Every line of the pass's trace is pinned word for word, and the numbers in it
(units, tiers, counts, fractions, rounded amounts) are checked against the
decision, so a wrong count, tier or text fails a test (``scripts/mutate.py``).
"""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest

from _scenario import LATER, at, contract, eur, held, no_show, prospect, terms, verdict
from ppa_core import (
    Appointment,
    BillingEngine,
    Contract,
    Decision,
    DecisionStatus,
    DuplicateRule,
    NoShowPolicy,
    Package,
    PerAppointment,
    ReasonCode,
    Retainer,
    RoundingMode,
    RuleOutcome,
    Tier,
)

R = ReasonCode
BILLABLE, NOT_BILLABLE = DecisionStatus.BILLABLE, DecisionStatus.NOT_BILLABLE
HALF_FEE = NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))


def traced(c: Contract, meetings: list[Appointment]) -> dict[str, Decision]:
    """Every meeting's traced decision, by id."""
    decisions = BillingEngine(c).decide_all(meetings, as_of=LATER, trace=True)
    return {d.appointment_id: d for d in decisions}


def lines(decision: Decision) -> tuple[tuple[str, RuleOutcome, str], ...]:
    """The duplicate, cap and price lines: rule, outcome, reason."""
    return tuple(
        (rule, verdict(decision, rule).outcome, verdict(decision, rule).reason)
        for rule in ("duplicate", "cap", "price")
    )


PASS, FAIL, SKIP = RuleOutcome.PASS, RuleOutcome.FAIL, RuleOutcome.SKIP


class TestCapLines:
    def test_each_unit_within_the_cap_and_the_one_over_it(self) -> None:
        c = contract(terms(cap=2))
        meetings = [held(f"a-{i}", at(i + 1), who=prospect(f"p-{i}")) for i in (1, 2, 3)]

        d = traced(c, meetings)

        flat = "flat price: EUR 350.00 = EUR 350.00 (rounded half_up)"
        first = "first billable appointment of this prospect"
        assert lines(d["a-1"]) == (
            ("duplicate", PASS, first),
            ("cap", PASS, "unit 1 of the cap of 2 in 2026-03"),
            ("price", PASS, flat),
        )
        assert lines(d["a-2"])[1] == ("cap", PASS, "unit 2 of the cap of 2 in 2026-03")
        assert lines(d["a-3"]) == (
            ("duplicate", PASS, first),
            ("cap", FAIL, "over the cap of 2 billable appointments in 2026-03"),
            ("price", SKIP, "not billed"),
        )
        assert d["a-3"].reason_codes == (R.OVER_CAP,)
        assert [d[f"a-{i}"].unit for i in (1, 2)] == [1, 2]

    def test_the_cap_counts_each_period_afresh(self) -> None:
        c = contract(terms(cap=1))
        meetings = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), who=prospect("p-2")),
            held("a-3", at(2, month=4), who=prospect("p-3")),
        ]

        d = traced(c, meetings)

        assert [d[i].status for i in ("a-1", "a-2", "a-3")] == [BILLABLE, NOT_BILLABLE, BILLABLE]
        assert lines(d["a-3"])[1] == ("cap", PASS, "unit 1 of the cap of 1 in 2026-04")

    def test_without_a_cap_the_line_says_so(self) -> None:
        d = traced(contract(), [held("a-1", at(2))])

        assert lines(d["a-1"])[1] == ("cap", PASS, "no cap on billable appointments in 2026-03")

    def test_a_meeting_over_the_cap_does_not_make_its_prospect_billed(self) -> None:
        c = contract(terms(cap=1))
        meetings = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), who=prospect("p-2")),
            held("a-3", at(2, month=4), who=prospect("p-2")),
        ]

        d = traced(c, meetings)

        assert d["a-2"].reason_codes == (R.OVER_CAP,)
        assert d["a-3"].status is BILLABLE


class TestDuplicateLines:
    def test_a_person_billed_before_is_named_with_the_earlier_appointment(self) -> None:
        d = traced(contract(), [held("a-1", at(2)), held("a-2", at(9))])

        assert lines(d["a-2"]) == (
            ("duplicate", FAIL, "prospect p-1 was already billed for appointment a-1"),
            ("cap", SKIP, "not billable already"),
            ("price", SKIP, "not billed"),
        )

    def test_a_company_within_the_window_is_named_with_the_window(self) -> None:
        c = contract(terms(duplicates=DuplicateRule(scope="company", window_days=30)))
        meetings = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(9), who=prospect("p-2")),
        ]

        d = traced(c, meetings)

        assert lines(d["a-1"])[0] == (
            "duplicate",
            PASS,
            "no billable appointment of this company in the previous 30 days",
        )
        assert lines(d["a-2"])[0] == (
            "duplicate",
            FAIL,
            "company acme corp was already billed for appointment a-1 within 30 days",
        )

    @pytest.mark.parametrize(
        ("days", "minutes", "status"),
        [
            (10, -1, NOT_BILLABLE),
            (10, 0, BILLABLE),
            (10, 1, BILLABLE),
            (8, 0, NOT_BILLABLE),
            (12, 0, BILLABLE),
            (40, 0, BILLABLE),
        ],
    )
    def test_the_window_ends_exactly_n_days_after_the_billed_meeting(
        self, days: int, minutes: int, status: DecisionStatus
    ) -> None:
        c = contract(terms(duplicates=DuplicateRule(scope="company", window_days=10)))
        first = held("a-1", at(2, month=4), who=prospect("p-1"))
        then = at(2, month=4).add(days=days, minutes=minutes)
        second = held("a-2", then, who=prospect("p-2"))

        assert traced(c, [first, second])["a-2"].status is status


TIERS = (Tier(2, eur(350)), Tier(None, eur(150)))


def _four(mode: str) -> dict[str, Decision]:
    """Three held meetings and a no-show billed at half (one person each), 2-then-open tiers."""
    c = contract(terms(pricing=PerAppointment(tiers=TIERS, tier_mode=mode), policy=HALF_FEE))
    meetings = [held(f"a-{i}", at(2).add(hours=i), who=prospect(f"p-{i}")) for i in (1, 2, 3)]
    meetings.append(no_show("a-4", at(3), who=prospect("p-4")))
    return traced(c, meetings)


class TestPriceLines:
    def test_graduated_tiers_name_each_units_tier(self) -> None:
        d = _four("graduated")

        assert [(d[i].unit, d[i].tier, d[i].amount) for i in sorted(d)] == [
            (1, 1, eur("350.00")),
            (2, 1, eur("350.00")),
            (3, 2, eur("150.00")),
            (4, 2, eur("75.00")),
        ]
        assert verdict(d["a-2"], "price").reason == (
            "unit 2 falls in tier 1 (up to 2): EUR 350.00 = EUR 350.00 (rounded half_up)"
        )
        assert verdict(d["a-4"], "price").reason == (
            "unit 4 falls in tier 2 (open-ended): EUR 150.00 x 0.5 = EUR 75.00 (rounded half_up)"
        )

    def test_volume_tiers_price_every_unit_at_the_tier_the_count_reaches(self) -> None:
        d = _four("volume")

        assert [(d[i].unit, d[i].tier, d[i].amount) for i in sorted(d)] == [
            (1, 2, eur("150.00")),
            (2, 2, eur("150.00")),
            (3, 2, eur("150.00")),
            (4, 2, eur("75.00")),
        ]
        assert verdict(d["a-1"], "price").reason == (
            "4 units reach tier 2 (open-ended); volume prices all units: "
            "EUR 150.00 = EUR 150.00 (rounded half_up)"
        )

    def test_volume_counts_each_period_on_its_own(self) -> None:
        c = contract(terms(pricing=PerAppointment(tiers=TIERS, tier_mode="volume")))
        march = [held(f"a-{i}", at(2).add(hours=i), who=prospect(f"p-{i}")) for i in (1, 2, 3)]
        april = [held("b-1", at(2, month=4), who=prospect("q-1"))]

        d = traced(c, march + april)

        assert {d[f"a-{i}"].amount for i in (1, 2, 3)} == {eur("150.00")}
        assert (d["b-1"].unit, d["b-1"].tier, d["b-1"].amount) == (1, 1, eur("350.00"))
        assert verdict(d["b-1"], "price").reason == (
            "1 units reach tier 1 (up to 2); volume prices all units: "
            "EUR 350.00 = EUR 350.00 (rounded half_up)"
        )

    def test_a_seniority_price_is_named(self) -> None:
        pricing = PerAppointment(price=eur(300), seniority_prices={"vp": eur(450)})

        d = traced(contract(terms(pricing=pricing)), [held("a-1", at(2))])

        assert d["a-1"].amount == eur("450.00")
        assert verdict(d["a-1"], "price").reason == (
            "price for seniority vp: EUR 450.00 = EUR 450.00 (rounded half_up)"
        )

    def test_an_unlisted_seniority_falls_back_to_the_flat_price(self) -> None:
        pricing = PerAppointment(price=eur(300), seniority_prices={"c_level": eur(600)})

        d = traced(contract(terms(pricing=pricing)), [held("a-1", at(2))])

        assert d["a-1"].amount == eur("300.00")
        assert verdict(d["a-1"], "price").reason == (
            "flat price: EUR 300.00 = EUR 300.00 (rounded half_up)"
        )

    def test_one_price_object_as_flat_and_seniority_price_reads_each_way(self) -> None:
        """Lines are shared by price identity too: the seniority must still tell them apart."""
        price = eur(400)
        pricing = PerAppointment(price=price, seniority_prices={"vp": price})
        meetings = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), who=prospect("p-2", seniority=None)),
        ]

        d = traced(contract(terms(pricing=pricing)), meetings)

        assert verdict(d["a-1"], "price").reason.startswith("price for seniority vp: ")
        assert verdict(d["a-2"], "price").reason.startswith("flat price: ")

    def test_no_price_for_the_seniority_is_not_billed_and_says_why(self) -> None:
        pricing = PerAppointment(seniority_prices={"c_level": eur(600)})

        d = traced(contract(terms(pricing=pricing)), [held("a-1", at(2))])

        line = verdict(d["a-1"], "price")
        assert (line.outcome, line.code) == (FAIL, R.NO_PRICE)
        assert line.reason == "no price for seniority vp and no default price"
        assert d["a-1"].status is NOT_BILLABLE

    def test_a_pricing_per_period_prices_no_appointment(self) -> None:
        c = contract(terms(pricing=Retainer(fee=eur(1000))))

        d = traced(c, [held("a-1", at(2))])

        assert verdict(d["a-1"], "price").reason == (
            "Retainer pricing bills per period, not per appointment"
        )
        assert d["a-1"].amount == eur("0.00")

    @pytest.mark.parametrize(
        ("mode", "amount"), [(RoundingMode.HALF_UP, "175.01"), (RoundingMode.HALF_EVEN, "175.00")]
    )
    def test_the_same_price_and_fraction_under_two_roundings_are_not_confused(
        self, mode: RoundingMode, amount: str
    ) -> None:
        c = contract(terms("350.01", policy=HALF_FEE, rounding=mode))
        meetings = [no_show(f"a-{i}", at(i + 1), who=prospect(f"p-{i}")) for i in (1, 2)]

        d = traced(c, meetings)

        for i in (1, 2):
            assert d[f"a-{i}"].amount == eur(amount)
            assert verdict(d[f"a-{i}"], "price").reason == (
                f"flat price: EUR 350.01 x 0.5 = EUR {amount} (rounded {mode.value})"
            )

    def test_a_rounded_amount_is_not_reused_for_another_price(self) -> None:
        # Two contracts decided in turn: the second's prices must not read the first's.
        for price, expected in (("350.01", "175.01"), ("100.03", "50.02")):
            c = contract(terms(price, policy=HALF_FEE))
            d = traced(c, [no_show("a-1", at(2))])
            assert d["a-1"].amount == eur(expected)
            assert verdict(d["a-1"], "price").reason.endswith(f"= EUR {expected} (rounded half_up)")


def test_meetings_are_taken_in_order_of_start_whatever_the_input_order() -> None:
    c = contract(terms(cap=1))
    late = held("a-1", pendulum.datetime(2026, 3, 20, 10, tz="UTC"), who=prospect("p-1"))
    early = held("a-2", pendulum.datetime(2026, 3, 3, 10, tz="UTC"), who=prospect("p-2"))

    d = traced(c, [late, early])

    assert d["a-2"].status is BILLABLE
    assert d["a-1"].reason_codes == (R.OVER_CAP,)


def _priced(pricing: PerAppointment, n: int, seniority: str | None = "vp") -> list[Decision]:
    """``n`` held meetings on one day (one person each), traced, in meeting order."""
    meetings = [
        held(f"a-{i}", at(2).add(hours=i), who=prospect(f"p-{i}", seniority=seniority))
        for i in range(1, n + 1)
    ]
    d = traced(contract(terms(pricing=pricing)), meetings)
    return [d[f"a-{i}"] for i in range(1, n + 1)]


def _reasons(decisions: list[Decision]) -> list[str]:
    return [verdict(d, "price").reason for d in decisions]


HALF_UP = " (rounded half_up)"


class TestFreeUnitsPackagesAndRefusedUnits:
    """Free units are counted first; tiers, packages and refusals number the paid units."""

    def test_free_units_then_the_flat_price(self) -> None:
        d = _priced(PerAppointment(price=eur(100), free_units=2), 3)

        assert [x.amount for x in d] == [eur(0), eur(0), eur(100)]
        assert _reasons(d) == [
            "unit 1 is one of the 2 free units of the period: EUR 0.00 = EUR 0.00" + HALF_UP,
            "unit 2 is one of the 2 free units of the period: EUR 0.00 = EUR 0.00" + HALF_UP,
            "flat price: EUR 100.00 = EUR 100.00" + HALF_UP,
        ]

    def test_graduated_tiers_number_the_paid_units(self) -> None:
        pricing = PerAppointment(tiers=TIERS, free_units=1)

        d = _priced(pricing, 4)

        assert [(x.unit, x.tier, x.amount) for x in d] == [
            (1, None, eur(0)),
            (2, 1, eur(350)),
            (3, 1, eur(350)),
            (4, 2, eur(150)),
        ]
        assert _reasons(d)[1:] == [
            "unit 1 falls in tier 1 (up to 2): EUR 350.00 = EUR 350.00" + HALF_UP,
            "unit 2 falls in tier 1 (up to 2): EUR 350.00 = EUR 350.00" + HALF_UP,
            "unit 3 falls in tier 2 (open-ended): EUR 150.00 = EUR 150.00" + HALF_UP,
        ]

    def test_volume_tiers_count_the_paid_units(self) -> None:
        pricing = PerAppointment(tiers=TIERS, tier_mode="volume", free_units=1)

        d = _priced(pricing, 4)

        assert [x.amount for x in d] == [eur(0), eur(150), eur(150), eur(150)]
        volume = "3 units reach tier 2 (open-ended); volume prices all units: "
        assert set(_reasons(d)[1:]) == {volume + "EUR 150.00 = EUR 150.00" + HALF_UP}

    def test_packages_bill_the_unit_that_opens_each(self) -> None:
        pricing = PerAppointment(package=Package(2, eur(500)), free_units=1)

        d = _priced(pricing, 5)

        assert [x.amount for x in d] == [eur(0), eur(500), eur(0), eur(500), eur(0)]
        assert _reasons(d)[1:] == [
            "unit 1 opens package 1 of 2: EUR 500.00 = EUR 500.00" + HALF_UP,
            "unit 2 is in package 1 of 2, billed with its first: EUR 0.00 = EUR 0.00" + HALF_UP,
            "unit 3 opens package 2 of 2: EUR 500.00 = EUR 500.00" + HALF_UP,
            "unit 4 is in package 2 of 2, billed with its first: EUR 0.00 = EUR 0.00" + HALF_UP,
        ]

    def test_a_unit_beyond_a_refusing_last_tier_is_refused_naming_its_paid_rank(self) -> None:
        finite = (Tier(1, eur(350)), Tier(2, eur(150)))
        pricing = PerAppointment(tiers=finite, beyond_last_tier="refuse", free_units=1)

        d = _priced(pricing, 4)

        assert [x.status for x in d] == [BILLABLE, BILLABLE, BILLABLE, NOT_BILLABLE]
        line = verdict(d[3], "price")
        assert (line.outcome, line.code) == (FAIL, R.NO_PRICE)
        assert line.reason == "unit 3 is beyond the last tier (up to 2); the contract refuses it"
        assert d[3].reason_codes == (R.NO_PRICE,)

    def test_volume_beyond_a_refusing_last_tier_refuses_every_paid_unit(self) -> None:
        finite = (Tier(1, eur(350)), Tier(2, eur(150)))
        pricing = PerAppointment(
            tiers=finite, tier_mode="volume", beyond_last_tier="refuse", free_units=1
        )

        d = _priced(pricing, 4)

        assert [x.status for x in d] == [BILLABLE, NOT_BILLABLE, NOT_BILLABLE, NOT_BILLABLE]
        refused = "unit 3 is beyond the last tier (up to 2); the contract refuses it"
        assert set(_reasons(d)[1:]) == {refused}

    def test_no_price_for_an_unknown_seniority_says_unknown(self) -> None:
        pricing = PerAppointment(seniority_prices={"c_level": eur(600)})

        (d,) = _priced(pricing, 1, seniority=None)

        assert d.status is NOT_BILLABLE
        assert verdict(d, "price").reason == "no price for seniority unknown and no default price"
