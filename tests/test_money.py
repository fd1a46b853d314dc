"""Money: exact amounts, explicit rounding, currencies that never mix."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.money import CURRENCIES, Currency, Money, RoundingMode, currency
from ppa_core.exceptions import CurrencyMismatch, InvalidMoney, MoneyOperationError, PpaError

# -- strategies ------------------------------------------------------------------------
# Built from the public currency table. TODO(testing): switch to
# ppa_core.testing.currencies()/money() once that module lands.

MAX_UNITS = (
    10**12
)  # a trillion minor units: far beyond any invoice, well inside Decimal's 28 digits


def currencies() -> st.SearchStrategy[Currency]:
    """Any known currency, shrinking towards the first code in alphabetical order."""
    return st.sampled_from(sorted(CURRENCIES.values(), key=lambda c: c.code))


@st.composite
def rounded_money(
    draw: st.DrawFn, of: Currency | None = None, *, allow_negative: bool = False
) -> Money:
    """Money already rounded to its currency's minor unit, shrinking towards zero."""
    chosen = of if of is not None else draw(currencies())
    low = -MAX_UNITS if allow_negative else 0
    units = draw(st.integers(min_value=low, max_value=MAX_UNITS))
    return Money(Decimal(units).scaleb(-chosen.minor_units), chosen)


@st.composite
def exact_money(draw: st.DrawFn, of: Currency | None = None) -> Money:
    """Money with up to six decimal places (not rounded), shrinking towards zero."""
    chosen = of if of is not None else draw(currencies())
    millionths = draw(st.integers(min_value=-(10**15), max_value=10**15))
    return Money(Decimal(millionths).scaleb(-6), chosen)


@st.composite
def weights(draw: st.DrawFn) -> list[Decimal | int]:
    """Non-negative weights (ints or 2-place Decimals), at least one positive.

    Built by construction: one positive weight is placed among any others.
    Shrinks towards a single weight of 1.
    """
    weight = st.one_of(
        st.integers(min_value=0, max_value=1000),
        st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n).scaleb(-2)),
    )
    others: list[Decimal | int] = draw(st.lists(weight, max_size=7))
    positive = draw(st.integers(min_value=1, max_value=1000))
    others.insert(draw(st.integers(min_value=0, max_value=len(others))), positive)
    return others


EUR = CURRENCIES["EUR"]
USD = CURRENCIES["USD"]
JPY = CURRENCIES["JPY"]


# -- currencies ------------------------------------------------------------------------


class TestCurrency:
    @pytest.mark.parametrize(
        ("code", "minor_units"),
        [("JPY", 0), ("KRW", 0), ("EUR", 2), ("USD", 2), ("BHD", 3), ("KWD", 3), ("JOD", 3)],
    )
    def test_minor_units_follow_iso_4217(self, code: str, minor_units: int) -> None:
        assert currency(code).minor_units == minor_units

    @pytest.mark.parametrize(("code", "quantum"), [("JPY", "1"), ("EUR", "0.01"), ("BHD", "0.001")])
    def test_quantum_is_the_smallest_amount_of_the_currency(self, code: str, quantum: str) -> None:
        assert currency(code).quantum == Decimal(quantum)

    def test_a_currency_looks_itself_up_unchanged(self) -> None:
        assert currency(EUR) is EUR

    @pytest.mark.parametrize("code", ["eur", "EURO", "XXX", "", " EUR"])
    def test_unknown_or_lower_case_code_is_refused_naming_currency(self, code: str) -> None:
        with pytest.raises(InvalidMoney) as info:
            currency(code)
        assert info.value.field == "currency"
        assert info.value.value == code

    def test_a_non_string_code_is_refused_without_a_bare_key_error(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            currency(978)  # type: ignore[arg-type]
        assert info.value.field == "currency"

    def test_the_currency_table_is_read_only(self) -> None:
        intruder = Currency("XBT", 4, "Bitcoin")  # 4: a Currency's minor units are 0 to 4
        with pytest.raises(TypeError):
            CURRENCIES["XBT"] = intruder  # type: ignore[index]
        with pytest.raises(TypeError):
            del CURRENCIES["EUR"]  # type: ignore[attr-defined]
        assert "XBT" not in CURRENCIES
        assert "EUR" in CURRENCIES

    def test_a_currency_is_immutable(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            EUR.minor_units = 3  # type: ignore[misc]

    def test_every_code_in_the_table_is_three_upper_case_letters(self) -> None:
        for code, entry in CURRENCIES.items():
            assert len(code) == 3
            assert code.isalpha()
            assert code.isupper()
            assert entry.code == code
            assert 0 <= entry.minor_units <= 3

    def test_a_currency_prints_as_its_code(self) -> None:
        assert str(EUR) == "EUR"


# -- construction ----------------------------------------------------------------------


class TestMoneyConstruction:
    @pytest.mark.parametrize("amount", [Decimal("350.50"), "350.50", "3.505E+2"])
    def test_amount_may_be_a_decimal_or_decimal_text(self, amount: Any) -> None:
        assert Money(amount, "EUR").amount == Decimal("350.5")

    def test_an_int_amount_is_exact(self) -> None:
        money = Money(350, "EUR")
        assert money.amount == Decimal(350)
        assert isinstance(money.amount, Decimal)

    def test_currency_may_be_a_code_or_a_currency(self) -> None:
        assert Money(1, "EUR") == Money(1, EUR)
        assert Money(1, "EUR").currency is EUR

    def test_of_is_the_same_as_the_constructor(self) -> None:
        assert Money.of("350", "EUR") == Money(Decimal(350), EUR)

    def test_zero_is_zero_in_the_given_currency(self) -> None:
        zero = Money.zero("JPY")
        assert zero.is_zero
        assert zero.currency is JPY
        assert not Money(1, "JPY").is_zero

    @pytest.mark.parametrize(("code", "text"), [("EUR", "0.00"), ("JPY", "0"), ("BHD", "0.000")])
    def test_zero_is_written_to_the_minor_unit(self, code: str, text: str) -> None:
        """An empty invoice totals "EUR 0.00", as billing systems print it, not "EUR 0"."""
        zero = Money.zero(code)

        assert str(zero.amount) == text
        assert zero.is_rounded

    @pytest.mark.parametrize("amount", [0.1, 350.0, float("nan")])
    def test_a_float_amount_is_refused_naming_amount(self, amount: float) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.field == "amount"
        assert "float" in info.value.allowed
        assert "'amount'" in str(info.value)

    @pytest.mark.parametrize("amount", [True, False, None, [1], b"1"])
    def test_other_non_numbers_are_refused_naming_amount(self, amount: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.field == "amount"

    @pytest.mark.parametrize("amount", ["", "abc", "1,000", "NaN", "Infinity", "-inf"])
    def test_text_that_is_not_a_finite_number_is_refused(self, amount: str) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.field == "amount"
        assert info.value.value == amount

    @pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
    def test_a_non_finite_decimal_is_refused(self, amount: Decimal) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.field == "amount"

    @pytest.mark.parametrize("code", ["eur", "Eur", "ZZZ"])
    def test_unknown_or_lower_case_currency_is_refused(self, code: str) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(1, code)
        assert info.value.field == "currency"

    def test_a_currency_of_the_wrong_type_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(1, None)
        assert info.value.field == "currency"

    def test_money_is_immutable(self) -> None:
        money = Money(1, "EUR")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            money.amount = Decimal(2)  # type: ignore[misc]

    def test_equal_amounts_with_different_exponents_are_equal_and_hash_alike(self) -> None:
        assert Money("1.0", "EUR") == Money("1.00", "EUR")
        assert hash(Money("1.0", "EUR")) == hash(Money("1.00", "EUR"))

    def test_same_amount_in_another_currency_is_not_equal(self) -> None:
        assert Money(1, "EUR") != Money(1, "USD")

    def test_repr_round_trips_through_of(self) -> None:
        money = Money("1050.25", "BHD")
        assert repr(money) == "Money('1050.25', 'BHD')"
        assert eval(repr(money), {"Money": Money.of}) == money

    def test_format_rounds_half_up_and_groups_thousands(self) -> None:
        assert Money("1234567.125", "EUR").format() == "EUR 1,234,567.13"
        assert Money("1234567", "JPY").format() == "JPY 1,234,567"
        assert str(Money("1234.5", "EUR")) == "EUR 1,234.5"


# -- arithmetic and comparison ---------------------------------------------------------


class TestMoneyArithmetic:
    def test_addition_and_subtraction_are_exact(self) -> None:
        # The float trap: 0.1 + 0.2 == 0.3 holds for money.
        assert Money("0.1", "EUR") + Money("0.2", "EUR") == Money("0.3", "EUR")
        assert Money("0.3", "EUR") - Money("0.1", "EUR") == Money("0.2", "EUR")

    def test_multiplying_by_a_count_or_decimal_is_exact(self) -> None:
        assert Money("350", "EUR") * 3 == Money(1050, "EUR")
        assert 3 * Money("350", "EUR") == Money(1050, "EUR")
        assert Money("350", "EUR") * Decimal("0.15") == Money("52.5", "EUR")

    def test_multiplying_by_a_float_is_refused(self) -> None:
        with pytest.raises(MoneyOperationError, match="floats are refused") as info:
            Money("350", "EUR") * 1.5  # type: ignore[operator]
        assert isinstance(info.value, PpaError)
        assert isinstance(info.value, TypeError)
        assert info.value.other == 1.5

    def test_multiplying_by_a_bool_is_refused(self) -> None:
        with pytest.raises(TypeError):
            Money("350", "EUR") * True

    def test_negation_and_absolute_value_keep_the_currency(self) -> None:
        assert -Money("5", "USD") == Money("-5", "USD")
        assert abs(Money("-5", "USD")) == Money("5", "USD")

    @pytest.mark.parametrize(
        "operate",
        [
            lambda m: m + 5,
            lambda m: m - 5,
            lambda m: 5 - m,
            lambda m: m < 5,
            lambda m: m <= 5,
            lambda m: m > 5,
            lambda m: m >= 5,
        ],
    )
    def test_mixing_money_with_a_plain_number_is_refused(
        self, operate: Callable[[Money], object]
    ) -> None:
        """A bare 5 has no currency: it is neither added to nor compared with money."""
        with pytest.raises(MoneyOperationError, match="expected Money in the same currency"):
            operate(Money("5", "USD"))

    def test_comparison_orders_by_amount_within_a_currency(self) -> None:
        low, high = Money("149.99", "EUR"), Money("150", "EUR")
        assert low < high
        assert low <= high
        assert high > low
        assert high >= low
        assert low <= Money("149.990", "EUR")
        assert not high < low

    def test_divided_by_is_exact_or_rounded_once_to_the_minor_unit(self) -> None:
        assert Money("100", "EUR").divided_by(4) == Money("25", "EUR")
        third = Money("100", "EUR").divided_by(3, RoundingMode.HALF_UP)
        assert third == Money("33.33", "EUR")

    @pytest.mark.parametrize("divisor", [0, Decimal(0), True, 1.5, "2"])
    def test_dividing_by_zero_or_a_non_number_is_refused(self, divisor: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("100", "EUR").divided_by(divisor)
        assert info.value.field == "divisor"

    @pytest.mark.parametrize(
        "operate",
        [
            lambda m: m / 2,
            lambda m: m // 2,
            lambda m: 2 / m,
            lambda m: 2 // m,
            lambda m: m / Decimal(3),
            lambda m: m % 3,
            lambda m: 3 % m,
            lambda m: divmod(m, 3),
            lambda m: divmod(3, m),
        ],
    )
    def test_the_division_operator_is_refused_with_the_way_to_divide(self, operate: Any) -> None:
        with pytest.raises(MoneyOperationError) as info:
            operate(Money("100", "EUR"))
        assert "divided_by" in str(info.value)
        assert "allocate" in str(info.value)


class TestCurrencyMismatch:
    @pytest.mark.parametrize(
        ("operate", "operation"),
        [
            (lambda a, b: a + b, "add"),
            (lambda a, b: a - b, "subtract"),
            (lambda a, b: a < b, "compare"),
            (lambda a, b: a <= b, "compare"),
            (lambda a, b: a > b, "compare"),
            (lambda a, b: a >= b, "compare"),
        ],
    )
    def test_mixing_currencies_raises_naming_operation_and_currencies(
        self, operate: Callable[[Money, Money], object], operation: str
    ) -> None:
        with pytest.raises(CurrencyMismatch) as info:
            operate(Money(1, "EUR"), Money(1, "USD"))
        assert info.value.operation == operation
        assert info.value.currencies == ("EUR", "USD")
        assert "EUR" in str(info.value)
        assert "USD" in str(info.value)

    def test_currencies_are_reported_in_the_order_they_met(self) -> None:
        with pytest.raises(CurrencyMismatch) as info:
            Money(1, "JPY") + Money(1, "EUR")
        assert info.value.currencies == ("JPY", "EUR")

    def test_zero_in_another_currency_still_does_not_mix(self) -> None:
        with pytest.raises(CurrencyMismatch):
            Money(1, "EUR") + Money.zero("USD")


# -- rounding --------------------------------------------------------------------------


class TestRounding:
    @pytest.mark.parametrize(
        ("amount", "code", "half_up", "half_even"),
        [
            ("0.125", "EUR", "0.13", "0.12"),  # half between even 2 and odd 3
            ("0.135", "EUR", "0.14", "0.14"),  # half between odd 3 and even 4
            ("2.5", "JPY", "3", "2"),
            ("3.5", "JPY", "4", "4"),
            ("1.0005", "BHD", "1.001", "1.000"),
            ("-0.125", "EUR", "-0.13", "-0.12"),  # half-up rounds away from zero
            ("-2.5", "JPY", "-3", "-2"),
        ],
    )
    def test_halves_round_up_away_from_zero_or_to_even(
        self, amount: str, code: str, half_up: str, half_even: str
    ) -> None:
        money = Money(amount, code)
        assert money.rounded(RoundingMode.HALF_UP) == Money(half_up, code)
        assert money.rounded(RoundingMode.HALF_EVEN) == Money(half_even, code)

    def test_half_up_is_the_default(self) -> None:
        assert Money("0.125", "EUR").rounded() == Money("0.13", "EUR")

    def test_a_mode_may_be_given_by_its_name(self) -> None:
        assert Money("0.125", "EUR").rounded("half_even") == Money("0.12", "EUR")

    @pytest.mark.parametrize("mode", [None, "bankers", 2])
    def test_an_unknown_mode_is_refused_naming_the_allowed_ones(self, mode: object) -> None:
        with pytest.raises(InvalidMoney, match=r"'mode' must be a RoundingMode.*half_even") as e:
            Money("0.125", "EUR").rounded(mode)  # type: ignore[arg-type]

        assert e.value.value == mode

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [
            (RoundingMode.HALF_DOWN, "0.12"),
            (RoundingMode.UP, "0.13"),
            (RoundingMode.DOWN, "0.12"),
        ],
    )
    def test_other_modes_follow_their_names(self, mode: RoundingMode, expected: str) -> None:
        assert Money("0.125", "EUR").rounded(mode) == Money(expected, "EUR")
        assert Money("0.121", "EUR").rounded(RoundingMode.UP) == Money("0.13", "EUR")

    @pytest.mark.parametrize(("code", "exponent"), [("JPY", 0), ("EUR", -2), ("KWD", -3)])
    def test_rounded_amount_has_exactly_the_minor_unit_digits(
        self, code: str, exponent: int
    ) -> None:
        assert Money("7", code).rounded().amount.as_tuple().exponent == exponent

    def test_is_rounded_tells_whether_digits_go_beyond_the_minor_unit(self) -> None:
        assert Money("1.10", "EUR").is_rounded
        assert Money("1.100", "EUR").is_rounded  # trailing zero is not a sub-cent digit
        assert not Money("1.105", "EUR").is_rounded
        assert not Money("1.5", "JPY").is_rounded
        assert Money("1.005", "BHD").is_rounded

    @given(exact_money(), st.sampled_from(RoundingMode))
    def test_rounding_is_idempotent(self, money: Money, mode: RoundingMode) -> None:
        once = money.rounded(mode)
        assert once.is_rounded
        assert once.rounded(mode) == once
        assert once.rounded(RoundingMode.HALF_EVEN) == once

    @given(exact_money(), st.sampled_from(RoundingMode))
    def test_rounding_moves_by_less_than_one_minor_unit(
        self, money: Money, mode: RoundingMode
    ) -> None:
        assert abs(money.rounded(mode).amount - money.amount) < money.currency.quantum

    def test_rounding_mode_values_are_stable_names(self) -> None:
        assert RoundingMode("half_up") is RoundingMode.HALF_UP
        assert RoundingMode("half_even") is RoundingMode.HALF_EVEN
        assert RoundingMode.HALF_EVEN.decimal_mode == "ROUND_HALF_EVEN"

    # -- properties of addition ------------------------------------------------------------

    @pytest.mark.parametrize(
        ("amount", "mode", "expected"),
        [
            ("1e17", "half_up", "100000000000000000.00"),
            ("123456789012345678.125000000000", "half_even", "123456789012345678.12"),
            ("123456789012345678.125000000001", "half_even", "123456789012345678.13"),
            ("123456789012345678.125", "half_up", "123456789012345678.13"),
        ],
    )
    def test_amounts_of_thirty_digits_round_exactly(
        self, amount: str, mode: str, expected: str
    ) -> None:
        """18 digits before the point and 12 after: more than Python's default 28 digits."""
        rounded = Money(amount, "EUR").rounded(mode)

        assert rounded.amount == Decimal(expected)
        assert str(rounded.amount) == expected


class TestMoneyAlgebra:
    @given(st.data())
    def test_addition_is_commutative(self, data: st.DataObject) -> None:
        cur = data.draw(currencies())
        a, b = data.draw(exact_money(cur)), data.draw(exact_money(cur))
        assert a + b == b + a

    @given(st.data())
    def test_addition_is_associative(self, data: st.DataObject) -> None:
        cur = data.draw(currencies())
        a, b, c = (data.draw(exact_money(cur)) for _ in range(3))
        assert (a + b) + c == a + (b + c)

    @given(st.data())
    def test_zero_is_neutral_and_subtraction_undoes_addition(self, data: st.DataObject) -> None:
        cur = data.draw(currencies())
        a, b = data.draw(exact_money(cur)), data.draw(exact_money(cur))
        assert a + Money.zero(cur) == a
        assert (a + b) - b == a


class TestMoneyTotal:
    def test_total_sums_exactly(self) -> None:
        items = [Money("0.1", "EUR")] * 10
        assert Money.total(items, "EUR") == Money(1, "EUR")

    def test_total_of_nothing_is_zero_in_the_named_currency(self) -> None:
        assert Money.total([], "JPY") == Money.zero("JPY")

    def test_total_refuses_an_item_in_another_currency(self) -> None:
        with pytest.raises(CurrencyMismatch) as info:
            Money.total([Money(1, "EUR"), Money(1, "USD")], "EUR")
        assert info.value.currencies == ("EUR", "USD")

    def test_total_refuses_items_not_in_the_named_currency_even_if_they_agree(self) -> None:
        with pytest.raises(CurrencyMismatch):
            Money.total([Money(1, "USD")], "EUR")

    @given(st.data())
    def test_total_equals_the_sum_of_the_amounts(self, data: st.DataObject) -> None:
        cur = data.draw(currencies())
        items = data.draw(st.lists(exact_money(cur), max_size=10))
        expected = sum((m.amount for m in items), Decimal(0))
        assert Money.total(items, cur) == Money(expected, cur)


# -- allocation ------------------------------------------------------------------------


class TestAllocate:
    def test_the_extra_cent_goes_to_the_first_part_on_a_tie(self) -> None:
        parts = Money("100.00", "EUR").allocate([1, 1, 1])
        assert parts == (Money("33.34", "EUR"), Money("33.33", "EUR"), Money("33.33", "EUR"))

    def test_leftover_units_go_to_the_largest_remainders(self) -> None:
        # Shares of 0.05 EUR by 3:7 are 1.5 and 3.5 cents; both remainders are equal,
        # so the earlier part takes the one leftover cent.
        assert Money("0.05", "EUR").allocate([3, 7]) == (Money("0.02", "EUR"), Money("0.03", "EUR"))
        # Shares of 10 JPY by 1:2:7 are 1, 2, 7 exactly: nothing to hand out.
        assert Money(10, "JPY").allocate([1, 2, 7]) == (
            Money(1, "JPY"),
            Money(2, "JPY"),
            Money(7, "JPY"),
        )
        # Shares of 1.000 BHD by 1:1:1 are 333.33.. fils; the first part takes the spare fils.
        assert Money("1.000", "BHD").allocate([1, 1, 1]) == (
            Money("0.334", "BHD"),
            Money("0.333", "BHD"),
            Money("0.333", "BHD"),
        )

    def test_a_zero_weight_gets_nothing(self) -> None:
        parts = Money("0.01", "EUR").allocate([0, 1, 0])
        assert parts == (Money(0, "EUR"), Money("0.01", "EUR"), Money(0, "EUR"))

    def test_a_negative_amount_allocates_with_the_same_sign(self) -> None:
        parts = Money("-100.00", "EUR").allocate([1, 1, 1])
        assert parts == (Money("-33.34", "EUR"), Money("-33.33", "EUR"), Money("-33.33", "EUR"))

    def test_decimal_weights_are_proportions(self) -> None:
        assert Money("10.00", "USD").allocate([Decimal("0.7"), Decimal("0.3")]) == (
            Money("7.00", "USD"),
            Money("3.00", "USD"),
        )

    def test_an_unrounded_amount_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10.005", "EUR").allocate([1, 1])
        assert info.value.field == "amount"

    @pytest.mark.parametrize("ratios", [[], [0], [0, 0]])
    def test_weights_with_nothing_positive_are_refused(self, ratios: list[int]) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10", "EUR").allocate(ratios)
        assert info.value.field == "ratios"

    @pytest.mark.parametrize(
        ("ratios", "field"),
        [([1, -1], "ratios[1]"), ([0.5, 1], "ratios[0]"), ([1, True], "ratios[1]")],
    )
    def test_a_negative_float_or_bool_weight_is_refused_naming_its_index(
        self, ratios: list[Any], field: str
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10", "EUR").allocate(ratios)
        assert info.value.field == field

    @given(rounded_money(allow_negative=True), weights())
    def test_allocation_never_loses_or_invents_a_minor_unit(
        self, money: Money, ratios: list[Decimal | int]
    ) -> None:
        parts = money.allocate(ratios)
        assert len(parts) == len(ratios)
        assert Money.total(parts, money.currency) == money
        assert all(part.is_rounded for part in parts)
        assert all(part.currency is money.currency for part in parts)

    @given(rounded_money(allow_negative=True), weights())
    def test_each_part_is_within_one_minor_unit_of_its_exact_share(
        self, money: Money, ratios: list[Decimal | int]
    ) -> None:
        parts = money.allocate(ratios)
        quantum = money.currency.quantum
        total_weight = sum((Fraction(w) for w in ratios), Fraction(0))
        for part, weight in zip(parts, ratios, strict=True):
            exact = Fraction(money.amount) * Fraction(weight) / total_weight
            assert abs(Fraction(part.amount) - exact) < Fraction(quantum)


class TestSplit:
    def test_split_in_three_sums_back_to_the_whole(self) -> None:
        parts = Money("0.10", "EUR").split(3)
        assert parts == (Money("0.04", "EUR"), Money("0.03", "EUR"), Money("0.03", "EUR"))

    def test_split_in_one_is_the_whole(self) -> None:
        assert Money("7", "JPY").split(1) == (Money("7", "JPY"),)

    @pytest.mark.parametrize("parts", [0, -1, True, 2.0])
    def test_parts_must_be_a_whole_number_of_at_least_one(self, parts: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10", "EUR").split(parts)
        assert info.value.field == "parts"

    @given(rounded_money(), st.integers(min_value=1, max_value=12))
    def test_parts_differ_by_at_most_one_minor_unit_and_sum_to_the_whole(
        self, money: Money, count: int
    ) -> None:
        parts = money.split(count)
        assert len(parts) == count
        assert Money.total(parts, money.currency) == money
        amounts = [p.amount for p in parts]
        assert max(amounts) - min(amounts) <= money.currency.quantum
