"""NoShowPolicy: the contract terms that turn attendance facts into billing facts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.policy import NoShowPolicy
from ppa_core.exceptions import ValidationError

MINUTE_TERMS = (
    "grace_minutes",
    "minimum_duration_minutes",
    "late_cancellation_hours",
    "free_reschedules",
    "reschedule_window_days",
    "correction_window_days",
)
# The longest window of each term, in its unit: 36,600 days (100 years).
UPPER = {
    "grace_minutes": 36_600 * 24 * 60,
    "minimum_duration_minutes": 36_600 * 24 * 60,
    "late_cancellation_hours": 36_600 * 24,
    "reschedule_window_days": 36_600,
    "correction_window_days": 36_600,
    "replacement_days": 36_600,
}
FLAG_TERMS = (
    "host_no_show_billable",
    "late_prospect_cancellation_is_no_show",
    "client_late_cancellation_billable",
)


class TestNoShowPolicyDefaults:
    """The market terms of domain.md section 5 are what a contract gets when it says nothing."""

    def test_a_prospect_may_join_up_to_ten_minutes_late(self) -> None:
        assert NoShowPolicy().grace_minutes == 10

    def test_a_meeting_must_last_fifteen_minutes_to_count_as_held(self) -> None:
        assert NoShowPolicy().minimum_duration_minutes == 15

    def test_a_prospect_no_show_is_not_billed_and_owes_no_replacement(self) -> None:
        policy = NoShowPolicy()
        assert policy.prospect_no_show_fee == Decimal(0)
        assert isinstance(policy.prospect_no_show_fee, Decimal)
        assert policy.replacement_days is None

    def test_a_host_no_show_is_billable(self) -> None:
        assert NoShowPolicy().host_no_show_billable is True

    def test_a_cancellation_within_24_hours_is_late_and_counts_as_a_no_show(self) -> None:
        policy = NoShowPolicy()
        assert policy.late_cancellation_hours == 24
        assert policy.late_prospect_cancellation_is_no_show is True

    def test_a_late_cancellation_by_the_client_is_billable(self) -> None:
        assert NoShowPolicy().client_late_cancellation_billable is True

    def test_two_free_reschedules_within_thirty_days(self) -> None:
        policy = NoShowPolicy()
        assert policy.free_reschedules == 2
        assert policy.reschedule_window_days == 30

    def test_outcomes_may_be_corrected_for_seven_days(self) -> None:
        assert NoShowPolicy().correction_window_days == 7


class TestNoShowPolicy:
    def test_every_term_is_configurable(self) -> None:
        policy = NoShowPolicy(
            grace_minutes=5,
            minimum_duration_minutes=20,
            prospect_no_show_fee=Decimal("0.5"),
            replacement_days=14,
            host_no_show_billable=False,
            late_cancellation_hours=48,
            late_prospect_cancellation_is_no_show=False,
            client_late_cancellation_billable=False,
            free_reschedules=0,
            reschedule_window_days=14,
            correction_window_days=1,
        )
        assert policy.prospect_no_show_fee == Decimal("0.5")
        assert policy.replacement_days == 14
        assert policy.free_reschedules == 0
        assert not policy.host_no_show_billable

    @pytest.mark.parametrize(
        ("fee", "expected"),
        [(0, Decimal(0)), (1, Decimal(1)), ("0.25", Decimal("0.25")), (Decimal("1.0"), 1)],
    )
    def test_no_show_fee_is_an_exact_fraction_from_0_to_1(self, fee: Any, expected: Any) -> None:
        assert NoShowPolicy(prospect_no_show_fee=fee).prospect_no_show_fee == expected

    @pytest.mark.parametrize(
        "fee",
        [Decimal("-0.01"), Decimal("1.01"), 2, -1, "150%", "", Decimal("NaN"), "Infinity"],
    )
    def test_a_no_show_fee_outside_0_to_1_is_refused(self, fee: Any) -> None:
        with pytest.raises(ValidationError) as info:
            NoShowPolicy(prospect_no_show_fee=fee)
        assert info.value.field == "prospect_no_show_fee"
        assert info.value.value is fee
        assert "from 0 to 1" in info.value.allowed

    @pytest.mark.parametrize("fee", [0.5, 0.0, True, None])
    def test_a_float_or_non_number_fee_is_refused(self, fee: Any) -> None:
        """0.5 as a float would be an inexact fraction of a price: it is refused, not converted."""
        with pytest.raises(ValidationError) as info:
            NoShowPolicy(prospect_no_show_fee=fee)
        assert info.value.field == "prospect_no_show_fee"

    @pytest.mark.parametrize("term", MINUTE_TERMS)
    @pytest.mark.parametrize("value", [-1, 1.5, "10", None, True])
    def test_counts_of_minutes_hours_and_days_are_non_negative_whole_numbers(
        self, term: str, value: Any
    ) -> None:
        with pytest.raises(ValidationError) as info:
            NoShowPolicy(**{term: value})
        assert info.value.field == term
        assert info.value.value is value
        bounds = f"from 0 to {UPPER[term]}" if term in UPPER else ">= 0"
        assert str(info.value) == f"{term!r} must be a whole number {bounds} (got {value!r})"

    @pytest.mark.parametrize(("term", "upper"), sorted(UPPER.items()))
    def test_a_window_is_at_most_a_century_in_its_unit(self, term: str, upper: int) -> None:
        """Windows are added to dates: 100 years keeps every supported date in range."""
        assert getattr(NoShowPolicy(**{term: upper}), term) == upper
        with pytest.raises(ValidationError) as info:
            NoShowPolicy(**{term: upper + 1})
        assert (info.value.field, info.value.value) == (term, upper + 1)

    @pytest.mark.parametrize("term", MINUTE_TERMS)
    def test_zero_is_an_allowed_count(self, term: str) -> None:
        terms: dict[str, Any] = {term: 0}
        assert getattr(NoShowPolicy(**terms), term) == 0

    @pytest.mark.parametrize("days", [0, -3, 1.0])
    def test_replacement_days_is_at_least_one_when_set(self, days: Any) -> None:
        with pytest.raises(ValidationError) as info:
            NoShowPolicy(replacement_days=days)
        assert info.value.field == "replacement_days"

    @pytest.mark.parametrize("term", FLAG_TERMS)
    @pytest.mark.parametrize("value", [1, 0, "yes", None])
    def test_switches_are_booleans(self, term: str, value: Any) -> None:
        with pytest.raises(ValidationError) as info:
            NoShowPolicy(**{term: value})
        assert info.value.field == term

    def test_a_policy_is_immutable_and_evolve_validates(self) -> None:
        policy = NoShowPolicy()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            policy.grace_minutes = 0  # type: ignore[misc]
        assert attrs.evolve(policy, grace_minutes=0).grace_minutes == 0
        with pytest.raises(ValidationError):
            attrs.evolve(policy, grace_minutes=-5)

    def test_equal_terms_make_equal_policies(self) -> None:
        assert NoShowPolicy(prospect_no_show_fee="0.5") == NoShowPolicy(
            prospect_no_show_fee=Decimal("0.50")
        )
        assert NoShowPolicy() != NoShowPolicy(grace_minutes=5)

    @given(st.decimals(min_value=0, max_value=1, places=4))
    def test_any_fraction_from_0_to_1_is_kept_exactly(self, fee: Decimal) -> None:
        assert NoShowPolicy(prospect_no_show_fee=fee).prospect_no_show_fee == fee
        assert NoShowPolicy(prospect_no_show_fee=str(fee)).prospect_no_show_fee == fee
