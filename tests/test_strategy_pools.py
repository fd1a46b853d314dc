"""Pools of prebuilt values: simplest first, the same in every process, a way back to fresh."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from ppa_core.domain.billing_period import BillingPeriodRule
from ppa_core.domain.contract import Contract
from ppa_core.domain.duplicates import DuplicateRule
from ppa_core.domain.money import Money, currency
from ppa_core.domain.payment_terms import PaymentTerms
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import PerAppointment, PricingModel, model_of
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.testing import _contracts, _pools, contracts
from ppa_core.testing._pools import Pool
from ppa_core.testing._values import Choose

EUR, JPY = currency("EUR"), currency("JPY")


def digits(choose: Choose, scale: int) -> tuple[int, ...]:
    """Up to three digits, the last one scaled: a value whose shape does not depend on the key."""
    count = choose(0, 3)
    return tuple(choose(0, 9) * (scale if i == count - 1 else 1) for i in range(count))


def same_scale(_key: int) -> int:
    return 1


class Scripted(Choose):
    """Choices read from ``values`` in order (each checked against its range)."""

    def __init__(self, *values: int) -> None:
        self._left: Iterator[int] = iter(values)

    def __call__(self, low: int, high: int) -> int:
        value = next(self._left)
        assert low <= value <= high
        return value


class TestPool:
    def test_index_0_is_the_lowest_choice_everywhere_and_the_rest_simplest_first(self) -> None:
        pool = Pool(digits, 40, same_scale, 4)
        values = [pool.value(1, i) for i in range(40)]
        assert values[0] == ()
        assert values == sorted(values, key=lambda v: (len(v), v))
        assert len(set(values)) == 40

    def test_every_key_shares_the_reference_key_s_order(self) -> None:
        pool = Pool(digits, 40, same_scale, 4)
        for i in range(40):
            plain, scaled = pool.value(1, i), pool.value(100, i)
            assert len(plain) == len(scaled)
            assert plain[:-1] == scaled[:-1]
            assert [100 * d for d in plain[-1:]] == list(scaled[-1:])

    def test_a_pool_is_the_same_in_every_process(self) -> None:
        # Fixed seeds: Hypothesis's database replays an index and must get the same value.
        first, second = Pool(digits, 30, same_scale, 4), Pool(digits, 30, same_scale, 4)
        assert [first.value(7, i) for i in range(30)] == [second.value(7, i) for i in range(30)]

    def test_an_index_in_range_is_one_choice_and_one_past_it_draws_anew(self) -> None:
        pool = Pool(digits, 10, same_scale, 4)
        assert pool.draw(Scripted(3), 1) == pool.value(1, 3)
        assert pool.draw(Scripted(12, 2, 5, 6), 1) == (5, 6)

    def test_values_dropped_from_the_cache_come_back_equal(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pool = Pool(digits, 20, same_scale, 4)
        before = [pool.value(3, i) for i in range(20)]
        monkeypatch.setattr(_pools, "_CACHE_LIMIT", 5)
        assert [pool.value(3, i) for i in range(20)] == before

    def test_pooled_amounts_reach_their_bounds(self) -> None:
        def amount(choose: Choose, _key: None) -> int:
            return choose(0, 10_000)

        pool = Pool(amount, 200, lambda key: key, 4)
        values = {pool.value(None, i) for i in range(200)}
        assert {0, 10_000} <= values


class TestContractPools:
    def test_the_first_pooled_values_are_the_defaults_contracts_shrink_to(self) -> None:
        assert _contracts._PRICINGS.value(
            (EUR, PricingModel.PAY_PER_APPOINTMENT), 0
        ) == PerAppointment(price=Money("50.00", "EUR"))
        assert _contracts._CRITERIA.value(JPY, 0) == QualificationCriteria()
        assert _contracts._POLICIES.value(None, 0) == NoShowPolicy()
        assert _contracts._TERM_SETS.value(EUR, 0) == {
            "duplicates": DuplicateRule(),
            "payment_terms": PaymentTerms(),
        }
        assert _contracts._AMENDING.value(EUR, 0) == {}
        shape = _contracts._SHAPES.value(3, 0)
        assert (shape.days, shape.offsets, shape.zone, shape.notice_days) == (None, (), "UTC", 30)
        assert (shape.period, shape.review, shape.parties) == (BillingPeriodRule(), None, None)

    def test_a_shape_has_at_most_the_amendments_allowed_within_its_term(self) -> None:
        for most in (0, 1, 3):
            for i in range(_contracts._POOL_SIZE):
                shape = _contracts._SHAPES.value(most, i)
                assert len(shape.offsets) <= most
                assert all(1 <= day <= (shape.days or 2 * 365) for day in shape.offsets)

    def test_pooled_values_are_in_the_asked_currency(self) -> None:
        for i in range(_contracts._POOL_SIZE):
            for model in PricingModel:
                pricing = _contracts._PRICINGS.value((JPY, model), i)
                assert (model_of(pricing), pricing.currency) == (model, JPY)
            criteria = _contracts._CRITERIA.value(JPY, i)
            for bound in (criteria.min_revenue, criteria.max_revenue, criteria.bant.minimum_budget):
                assert bound is None or bound.currency == JPY

    def test_a_few_hundred_contracts_draw_pooled_and_fresh_values(self) -> None:
        # One index in 9 draws anew: some contracts' criteria are in no pool.
        pooled = {_contracts._CRITERIA.value(EUR, i) for i in range(_contracts._POOL_SIZE)}
        fresh = 0

        @settings(
            max_examples=300,
            phases=[Phase.generate],
            database=None,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(contracts(currency="EUR", max_amendments=0))
        def count(contract: Contract) -> None:
            nonlocal fresh
            fresh += contract.terms.criteria not in pooled

        count()
        assert fresh > 0
