"""Money: exact amounts, explicit rounding, currencies that never mix."""

from __future__ import annotations

import contextlib
import decimal
import itertools
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.money import (
    CURRENCIES,
    MAX_DECIMAL_PLACES,
    MAX_INTEGER_DIGITS,
    MAX_MINOR_UNITS,
    MAX_PARTS,
    Currency,
    Money,
    RoundingMode,
    currency,
    money_in,
)
from ppa_core.exceptions import (
    CurrencyMismatch,
    InvalidMoney,
    MoneyOperationError,
    PpaError,
    ValidationError,
)

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


@contextlib.contextmanager
def _allocating_at_most(limit: int) -> Iterator[None]:
    """Fail when the block's peak allocation exceeds ``limit`` bytes.

    A bound on memory, not time: refusing an exponent trick must not first write
    out its digits, and memory says so on a loaded machine where a clock cannot.
    """
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit, f"peak allocation {peak:,} bytes"


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


class TestRefusalMessages:
    """A refusal names the operator, what it met and what is allowed: a developer reads it."""

    SAME = "expected Money in the same currency"
    DIVIDE = (
        "expected Money.divided_by(n) for an exact quotient, divided_by(n, 'half_up') to "
        "round it once to the minor unit, or allocate() to split without losing a minor unit"
    )

    @pytest.mark.parametrize(
        ("operate", "operation", "message"),
        [
            (lambda m: m + 5, "__add__", f"cannot add Money and 5: {SAME}"),
            (lambda m: m - 5, "__sub__", f"cannot subtract Money and 5: {SAME}"),
            (lambda m: 5 - m, "__rsub__", f"cannot subtract Money and 5: {SAME}"),
            (
                lambda m: 5 + m,
                "__radd__",
                f"cannot add Money and 5: {SAME} (or the int 0 that sum() starts from)",
            ),
            (
                lambda m: m * 1.5,
                "__mul__",
                "cannot multiply Money and 1.5: expected a Decimal or int factor "
                "(floats are refused for money)",
            ),
            (lambda m: m < 5, "__lt__", f"cannot compare Money and 5: {SAME}"),
            (lambda m: m <= 5, "__le__", f"cannot compare Money and 5: {SAME}"),
            (lambda m: m > 5, "__gt__", f"cannot compare Money and 5: {SAME}"),
            (lambda m: m >= 5, "__ge__", f"cannot compare Money and 5: {SAME}"),
            (lambda m: m / 2, "__truediv__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: 2 / m, "__rtruediv__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: m // 2, "__floordiv__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: 2 // m, "__rfloordiv__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: m % 2, "__mod__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: 2 % m, "__rmod__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: divmod(m, 2), "__divmod__", f"cannot divide Money and 2: {DIVIDE}"),
            (lambda m: divmod(2, m), "__rdivmod__", f"cannot divide Money and 2: {DIVIDE}"),
        ],
    )
    def test_an_operator_refusal_names_the_operator_the_operand_and_what_is_allowed(
        self, operate: Callable[[Money], object], operation: str, message: str
    ) -> None:
        money = Money("100.00", "EUR")
        with pytest.raises(MoneyOperationError) as info:
            operate(money)
        assert info.value.operation == operation
        assert str(info.value) == message

    def test_an_operator_method_is_named_after_its_operator(self) -> None:
        """help(Money) and tracebacks show the dunder, not a factory's inner function."""
        assert Money.__truediv__.__name__ == "__truediv__"
        assert Money.__lt__.__name__ == "__lt__"
        assert Money.__rsub__.__name__ == "__rsub__"

    def test_a_currency_of_the_wrong_type_says_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(1, 978)  # type: ignore[arg-type]
        assert info.value.field == "currency"
        assert info.value.value == 978
        assert info.value.allowed == "an ISO 4217 code such as 'EUR' or a Currency"

    @pytest.mark.parametrize("divisor", [0, Decimal(0), True, 1.5, "2"])
    def test_a_bad_divisor_says_what_is_allowed(self, divisor: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("100", "EUR").divided_by(divisor)
        assert info.value.value is divisor or info.value.value == divisor
        assert info.value.allowed == "a finite non-zero Decimal or int"

    def test_weights_with_nothing_positive_say_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").allocate([0, Decimal("0.00")])
        assert info.value.field == "ratios"
        assert info.value.value == (0, Decimal("0.00"))
        assert info.value.allowed == "at least one positive weight"

    @pytest.mark.parametrize(
        ("count", "shown"), [(10, (0,) * 10), (11, "11 ratios, all zero")], ids=["10", "11"]
    )
    def test_up_to_ten_zero_ratios_are_shown_and_more_are_counted(
        self, count: int, shown: object
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").allocate([0] * count)
        assert info.value.value == shown


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


# -- limits, exactness and the decimal context (issue 16) ------------------------------

LARGEST = "999999999999999999.999999999999"  # 18 digits before the point, 12 after
ROUNDINGS = (
    decimal.ROUND_CEILING,
    decimal.ROUND_FLOOR,
    decimal.ROUND_UP,
    decimal.ROUND_DOWN,
    decimal.ROUND_HALF_UP,
    decimal.ROUND_HALF_DOWN,
    decimal.ROUND_HALF_EVEN,
    decimal.ROUND_05UP,
)
SIGNALS = (
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.FloatOperation,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
)


@st.composite
def amounts(draw: st.DrawFn, *, below: int = 10**MAX_INTEGER_DIGITS) -> Decimal:
    """Any amount Money holds, smaller in size than ``below``; shrinks towards 0.

    Up to 12 decimal places and 18 digits before the point: 30 digits, more than
    Python's default context holds.
    """
    places = draw(st.integers(0, MAX_DECIMAL_PLACES))
    bound = below * 10**places - 1
    units = draw(st.integers(-bound, bound))
    return Decimal(f"{units}E-{places}")


@st.composite
def changed_contexts(draw: st.DrawFn) -> decimal.Context:
    """A global context a notebook may have set: any precision, rounding and traps.

    Shrinks towards a precision of 1, ROUND_CEILING and no traps.
    """
    return decimal.Context(
        prec=draw(st.integers(1, 40)),
        rounding=draw(st.sampled_from(ROUNDINGS)),
        Emin=draw(st.integers(-99, 0)),
        Emax=draw(st.integers(0, 99)),
        capitals=draw(st.integers(0, 1)),
        clamp=draw(st.integers(0, 1)),
        traps=draw(st.lists(st.sampled_from(SIGNALS), unique=True)),
    )


def rounded_exactly(value: Fraction, quantum: Decimal, mode: RoundingMode) -> Fraction:
    """``value`` rounded to ``quantum`` in ``mode``, computed with fractions (the reference)."""
    scaled = value / Fraction(quantum)
    sign = -1 if scaled < 0 else 1
    size = abs(scaled)
    floor = size.numerator // size.denominator
    rest = size - floor
    half = Fraction(1, 2)
    step = {
        RoundingMode.DOWN: False,
        RoundingMode.UP: rest > 0,
        RoundingMode.HALF_UP: rest >= half,
        RoundingMode.HALF_DOWN: rest > half,
        RoundingMode.HALF_EVEN: rest > half or (rest == half and floor % 2 == 1),
    }[mode]
    return sign * (floor + step) * Fraction(quantum)


def operations(a: Money, b: Money, factor: Decimal) -> list[object]:
    """Every Money operation on ``a`` and ``b``, with a repr of each result or error kind."""
    results: list[object] = []
    attempts: list[Callable[[], object]] = [
        lambda: a + b,
        lambda: a - b,
        lambda: a * factor,
        lambda: factor * b,
        lambda: -a,
        lambda: abs(a),
        a.rounded,
        lambda: a.rounded(RoundingMode.HALF_EVEN),
        lambda: a.divided_by(7, RoundingMode.HALF_UP),
        lambda: a.divided_by(4),
        lambda: a.rounded().allocate([1, Decimal("2.5"), 3]),
        lambda: a.rounded().split(7),
        lambda: Money.total([a, b, a], a.currency),
        lambda: sum([a, b]),
        lambda: (a < b, a <= b, a > b, a >= b, a == b),
        lambda: (a.is_rounded, a.is_zero),
        lambda: (repr(a), str(a), a.format()),
        lambda: Money(str(a.amount), a.currency),
    ]
    for attempt in attempts:
        try:
            results.append(repr(attempt()))
        except PpaError as error:
            results.append(type(error).__name__)
    return results


class TestAmountLimits:
    @pytest.mark.parametrize(
        "amount", [LARGEST, f"-{LARGEST}", "0.000000000001", "-0.000000000001", 10**18 - 1]
    )
    def test_the_largest_and_finest_amounts_are_held_exactly(self, amount: str | int) -> None:
        assert Money(amount, "EUR").amount == Decimal(amount)

    @pytest.mark.parametrize(
        "amount",
        [
            "1000000000000000000",
            "1e18",
            "-1E+18",
            10**18,
            -(10**18),
            Decimal("1E+18"),
            "0.0000000000001",
            "1.0000000000001",
            Decimal("1E-13"),
            "1e28",
            "123456789012345678901234567890.123456789",  # the contract price of issue 16
        ],
    )
    def test_an_amount_beyond_the_limits_is_refused_naming_them(
        self, amount: str | int | Decimal
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.field == "amount"
        assert info.value.value == amount
        assert "18 digits before the decimal point" in info.value.allowed
        assert "12 after it" in info.value.allowed

    @pytest.mark.parametrize(
        "amount",
        [
            "1e999999",
            "1e-999999999",
            "1E+400",
            "-1E+999999999999999999",
            "1e99999999999999999999",  # beyond Decimal's own exponent range
            "1e-99999999999999999999",
            Decimal("1E+999999"),
            Decimal("1E-999999999"),
            Decimal("-9E-999999999999999999"),
        ],
    )
    def test_an_exponent_trick_is_refused_at_once(self, amount: str | Decimal) -> None:
        """The limits are read from the exponent: no quantize() of a billion digits first."""
        with _allocating_at_most(64 * 1024), pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")  # writing "1e999999" out took 0.4 MB (0.5 GB for 1e-999999999)
        assert info.value.field == "amount"
        assert "18 digits" in info.value.allowed

    def test_a_huge_int_is_refused_at_once_and_described(self) -> None:
        huge = 10**1_000_000
        with _allocating_at_most(64 * 1024), pytest.raises(InvalidMoney) as info:
            Money(huge, "EUR")  # Decimal(huge) alone takes 0.4 MB and ~30 s
        assert info.value.value == "an int of about 1,000,000 digits"

    @pytest.mark.parametrize(
        ("amount", "kept"),
        [
            ("1E+3", "1000"),
            ("-2.5E+2", "-250"),
            ("1.0000000000000000", "1.000000000000"),
            ("0E-999999999", "0E-12"),
            ("0e999999", "0"),
            ("12.50", "12.50"),
        ],
    )
    def test_the_value_is_kept_and_only_its_form_is_bounded(self, amount: str, kept: str) -> None:
        """Exponents above 0 are written out; zeros beyond the 12th place are dropped."""
        money = Money(amount, "EUR")
        assert money.amount == Decimal(amount)
        assert str(money.amount) == kept

    @pytest.mark.parametrize(
        "amount",
        ["NaN", "-nan", "sNaN", "Infinity", "-Infinity", "inf", Decimal("sNaN"), Decimal("-NaN")],
    )
    def test_not_a_number_and_infinity_are_refused(self, amount: str | Decimal) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.field == "amount"

    @pytest.mark.parametrize(
        "text",
        [
            " 1",
            "1 ",
            "1 000",
            "\t1",
            "1\n",
            "1_000",
            "1_000.00",
            "\u0661\u0662\u0663",  # Arabic-Indic digits: Decimal() reads 123
            "\uff11\uff12\uff13",  # fullwidth digits: Decimal() reads 123
            "\u0967",  # Devanagari one
            "1.5\u0660",
            "+-1",
            "--1",
            "1e",
            "e5",
            ".",
            "1..2",
            "1.2.3",
            "0x10",
            "1,5",
            "\u22121",  # a minus sign, not a hyphen-minus
        ],
    )
    def test_text_other_than_plain_ascii_decimals_is_refused_saying_what_is_allowed(
        self, text: str
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(text, "EUR")
        assert info.value.field == "amount"
        assert info.value.value == text
        assert "ASCII digits" in info.value.allowed
        assert "no spaces, underscores or other digits" in info.value.allowed

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("+1", "1"),
            ("-0.5", "-0.5"),
            (".5", "0.5"),
            ("5.", "5"),
            ("1E3", "1000"),
            ("1e-3", "0.001"),
        ],
    )
    def test_a_sign_a_point_and_an_exponent_are_allowed(self, text: str, value: str) -> None:
        assert Money(text, "EUR").amount == Decimal(value)


class TestExactArithmetic:
    def test_the_cent_of_issue_16_is_never_lost(self) -> None:
        """1e28 + 0.01 lost the cent in Python's 28 digits: now 1e28 is refused outright."""
        with pytest.raises(InvalidMoney):
            Money.of("1e28", "EUR")
        near = Money.of("99999999999999999", "EUR") + Money.of("0.01", "EUR")
        assert near.amount == Decimal("99999999999999999.01")
        thirty = Money.of("999999999999999998", "EUR") + Money.of("0.999999999999", "EUR")
        assert thirty.amount == Decimal("999999999999999998.999999999999")

    @pytest.mark.parametrize(
        ("operate", "operation"),
        [
            (lambda m: m + m, "add"),
            (lambda m: -m - m, "subtract"),
            (lambda m: m * 2, "multiply"),
            (lambda m: m * Decimal("1.5"), "multiply"),
            (lambda m: m.divided_by(Decimal("0.5")), "divide"),
            (lambda m: m.divided_by(Decimal("0.5"), RoundingMode.DOWN), "divide"),
        ],
    )
    def test_a_result_beyond_the_limits_is_refused_naming_the_operation(
        self, operate: Callable[[Money], Money], operation: str
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            operate(Money(LARGEST, "EUR"))
        assert info.value.field == f"result of {operation}"
        assert "18 digits before the decimal point" in info.value.allowed

    def test_rounding_up_past_the_largest_amount_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("999999999999999999.995", "EUR").rounded()
        assert info.value.field == "result of rounding"
        assert Money("999999999999999999.994", "EUR").rounded() == Money(
            "999999999999999999.99", "EUR"
        )

    def test_a_product_with_more_than_twelve_places_is_refused_not_rounded(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("0.067", "USD") * Decimal("0.0000000001")
        assert info.value.field == "result of multiply"
        assert info.value.value == Decimal("6.70E-12")

    def test_a_product_whose_extra_places_are_zeros_is_kept(self) -> None:
        assert Money("0.10", "EUR") * Decimal("0.00000000001") == Money("0.000000000001", "EUR")

    def test_a_product_beyond_sixty_digits_is_refused_with_the_operation_written(self) -> None:
        third = Decimal("0." + "3" * 70)
        with pytest.raises(InvalidMoney) as info:
            Money("1.23", "EUR") * third
        assert info.value.field == "result of multiply"
        assert str(info.value.value).startswith("1.23 * 0.3333")
        assert "exactly" in info.value.allowed

    def test_a_price_times_a_rate_is_exact(self) -> None:
        """Per-unit prices (0.067 USD) and rates (12.5 %) stay within 12 places."""
        assert Money("0.067", "USD") * 1234 == Money("82.678", "USD")
        assert Money("0.0675", "EUR") * Decimal("0.125") == Money("0.0084375", "EUR")

    @pytest.mark.parametrize("factor", [Decimal("NaN"), Decimal("Infinity"), Decimal("-inf")])
    def test_a_factor_that_is_not_finite_is_refused(self, factor: Decimal) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR") * factor
        assert info.value.field == "factor"

    def test_a_huge_int_factor_is_refused_at_once(self) -> None:
        huge = 10**100_000
        with _allocating_at_most(64 * 1024), pytest.raises(InvalidMoney) as info:
            Money("1", "EUR") * huge
        assert info.value.field == "factor"
        assert "60 digits" in info.value.allowed

    def test_an_inexact_quotient_is_refused_and_the_error_says_how_to_round(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("100.00", "EUR").divided_by(3)
        assert info.value.field == "result of divide"
        assert info.value.value == "100.00 / 3"
        assert "divided_by(3, 'half_up')" in info.value.allowed
        assert "allocate()" in info.value.allowed

    def test_an_exact_quotient_needs_no_rounding(self) -> None:
        assert Money("1.00", "EUR").divided_by(1024) == Money("0.0009765625", "EUR")
        assert Money("100.00", "EUR").divided_by(Decimal("0.001")) == Money(100000, "EUR")
        assert str(Money("100.00", "EUR").divided_by(8).amount) == "12.50"

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [
            (RoundingMode.HALF_UP, "0.01"),
            (RoundingMode.HALF_EVEN, "0.00"),
            (RoundingMode.HALF_DOWN, "0.00"),
            (RoundingMode.UP, "0.01"),
            (RoundingMode.DOWN, "0.00"),
        ],
    )
    def test_a_quotient_is_rounded_once_in_the_mode_given(
        self, mode: RoundingMode, expected: str
    ) -> None:
        assert Money("0.01", "EUR").divided_by(2, mode) == Money(expected, "EUR")

    def test_a_quotient_just_below_a_half_is_not_rounded_twice(self) -> None:
        """0.005 - 5E-35 rounds half-up to 0.00; a 28-digit quotient first made it 0.01."""
        divisor = Decimal("20000000000000000000.0000000000000000000000000000002")
        quotient = Money("100000000000000000", "EUR").divided_by(divisor, RoundingMode.HALF_UP)
        assert quotient == Money("0.00", "EUR")

    def test_a_quotient_of_an_absurdly_small_divisor_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR").divided_by(Decimal("1E-999999"), RoundingMode.HALF_UP)
        assert info.value.field == "result of divide"

    def test_a_quotient_of_an_absurdly_large_divisor_rounds_like_any_other(self) -> None:
        huge = Decimal("1E+999999")
        assert Money("1", "EUR").divided_by(huge, RoundingMode.UP) == Money("0.01", "EUR")
        assert Money("1", "EUR").divided_by(huge, RoundingMode.HALF_UP) == Money(0, "EUR")
        assert Money("-1", "EUR").divided_by(huge, RoundingMode.UP) == Money("-0.01", "EUR")

    @pytest.mark.parametrize("divisor", [Decimal("NaN"), Decimal("Infinity"), 10**61])
    def test_a_divisor_that_is_not_finite_or_too_long_is_refused(self, divisor: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("100", "EUR").divided_by(divisor)
        assert info.value.field == "divisor"

    @pytest.mark.parametrize("mode", ["bankers", 1, Decimal("0.5")])
    def test_an_unknown_division_mode_is_refused(self, mode: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR").divided_by(3, mode)
        assert info.value.field == "mode"

    @given(st.data())
    def test_subtraction_undoes_addition_across_the_whole_range(self, data: st.DataObject) -> None:
        half = 10**MAX_INTEGER_DIGITS // 2
        a = Money(data.draw(amounts(below=half), label="a"), "EUR")
        b = Money(data.draw(amounts(below=half), label="b"), "EUR")
        assert (a + b) - b == a
        assert Fraction((a + b).amount) == Fraction(a.amount) + Fraction(b.amount)

    @given(amounts(), amounts())
    def test_a_sum_is_exact_or_refused_never_rounded(self, x: Decimal, y: Decimal) -> None:
        exact = Fraction(x) + Fraction(y)
        if abs(exact) < 10**MAX_INTEGER_DIGITS:
            assert Fraction((Money(x, "EUR") + Money(y, "EUR")).amount) == exact
        else:
            with pytest.raises(InvalidMoney) as info:
                Money(x, "EUR") + Money(y, "EUR")
            assert info.value.field == "result of add"

    @given(amounts(), amounts())
    def test_a_product_is_exact_or_refused_never_rounded(self, x: Decimal, y: Decimal) -> None:
        exact = Fraction(x) * Fraction(y)
        held = 10**MAX_DECIMAL_PLACES % exact.denominator == 0
        if held and abs(exact) < 10**MAX_INTEGER_DIGITS:
            assert Fraction((Money(x, "EUR") * y).amount) == exact
        else:
            with pytest.raises(InvalidMoney) as info:
                Money(x, "EUR") * y
            assert info.value.field == "result of multiply"

    @given(amounts(), st.integers(1, 10**12), st.sampled_from(RoundingMode))
    def test_a_rounded_quotient_is_the_true_quotient_rounded_once(
        self, x: Decimal, divisor: int, mode: RoundingMode
    ) -> None:
        expected = rounded_exactly(Fraction(x) / divisor, Decimal("0.01"), mode)
        if abs(expected) >= 10**MAX_INTEGER_DIGITS:  # rounding up past the largest amount
            with pytest.raises(InvalidMoney) as info:
                Money(x, "EUR").divided_by(divisor, mode)
            assert info.value.field == "result of divide"
            return
        quotient = Money(x, "EUR").divided_by(divisor, mode)
        assert Fraction(quotient.amount) == expected
        assert quotient.is_rounded

    def test_a_quotient_rounded_past_the_largest_amount_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(Decimal("999999999999999999.995"), "EUR").divided_by(1, RoundingMode.HALF_UP)
        assert info.value.field == "result of divide"

    @given(amounts(), st.sampled_from(RoundingMode), currencies())
    def test_rounding_any_amount_matches_the_reference(
        self, x: Decimal, mode: RoundingMode, cur: Currency
    ) -> None:
        expected = rounded_exactly(Fraction(x), cur.quantum, mode)
        if abs(expected) < 10**MAX_INTEGER_DIGITS:
            assert Fraction(Money(x, cur).rounded(mode).amount) == expected
        else:
            with pytest.raises(InvalidMoney):
                Money(x, cur).rounded(mode)


class TestTheGlobalContextChangesNothing:
    CHANGED = (
        decimal.Context(prec=3, rounding=decimal.ROUND_DOWN),
        decimal.Context(prec=1, rounding=decimal.ROUND_CEILING, traps=list(SIGNALS)),
        decimal.Context(prec=50, rounding=decimal.ROUND_05UP, traps=[]),
        decimal.Context(prec=28, Emax=5, Emin=-5, capitals=0, clamp=1),
    )

    @pytest.mark.parametrize("changed", CHANGED)
    def test_every_operation_gives_the_same_result_under_a_changed_context(
        self, changed: decimal.Context
    ) -> None:
        a, b = Money("1234567.891", "EUR"), Money("-0.000000000005", "EUR")
        expected = operations(a, b, Decimal("1.5"))
        with decimal.localcontext(changed):
            assert operations(a, b, Decimal("1.5")) == expected
            assert Money("123456789012345.67", "EUR").amount == Decimal("123456789012345.67")
            with pytest.raises(InvalidMoney):
                Money("1_000", "EUR")
            with pytest.raises(InvalidMoney):
                Money("1e99999999999999999999", "EUR")

    @given(amounts(), amounts(), amounts(below=10**6), changed_contexts())
    def test_results_are_identical_under_any_global_context(
        self, x: Decimal, y: Decimal, factor: Decimal, changed: decimal.Context
    ) -> None:
        a, b = Money(x, "EUR"), Money(y, "EUR")
        expected = operations(a, b, factor)
        with decimal.localcontext(changed):
            assert operations(a, b, factor) == expected


class TestComparison:
    @pytest.mark.parametrize(
        ("left", "right", "lt", "le", "gt", "ge", "eq"),
        [
            ("150.00", "150", False, True, False, True, True),
            ("150", "150.00", False, True, False, True, True),
            ("0", "-0", False, True, False, True, True),
            ("149.99", "150", True, True, False, False, False),
            ("150.01", "150", False, False, True, True, False),
            ("-0.000000000001", "0", True, True, False, False, False),
            (LARGEST, f"-{LARGEST}", False, False, True, True, False),
        ],
    )
    def test_each_comparison_with_equal_and_unequal_amounts(
        self, left: str, right: str, lt: bool, le: bool, gt: bool, ge: bool, eq: bool
    ) -> None:
        a, b = Money(left, "EUR"), Money(right, "EUR")
        assert (a < b) is lt
        assert (a <= b) is le
        assert (a > b) is gt
        assert (a >= b) is ge
        assert (a == b) is eq
        assert (a != b) is not eq

    @pytest.mark.parametrize(
        "compare",
        [
            lambda a, b: a < b,
            lambda a, b: a <= b,
            lambda a, b: a > b,
            lambda a, b: a >= b,
        ],
    )
    def test_equal_amounts_in_two_currencies_are_not_ordered(
        self, compare: Callable[[Money, Money], bool]
    ) -> None:
        with pytest.raises(CurrencyMismatch) as info:
            compare(Money("1.00", "EUR"), Money("1.00", "USD"))
        assert info.value.operation == "compare"
        assert Money("1.00", "EUR") != Money("1.00", "USD")

    @given(st.data())
    def test_the_order_is_the_order_of_the_amounts(self, data: st.DataObject) -> None:
        x, y = data.draw(amounts(), label="x"), data.draw(amounts(), label="y")
        a, b = Money(x, "EUR"), Money(y, "EUR")
        assert ((a < b), (a <= b), (a > b), (a >= b), (a == b)) == (
            x < y,
            x <= y,
            x > y,
            x >= y,
            x == y,
        )


class TestSum:
    def test_sum_of_money_adds_from_zero(self) -> None:
        assert sum([Money("0.1", "EUR"), Money("0.2", "EUR")]) == Money("0.3", "EUR")

    def test_sum_of_one_item_is_that_item(self) -> None:
        only = Money("1.5", "EUR")
        assert sum([only]) is only

    def test_sum_of_nothing_is_the_int_zero_as_python_gives(self) -> None:
        """Python's sum() starts from 0; Money.total() gives zero money instead."""
        empty: list[Money] = []
        assert sum(empty) == 0
        assert type(sum(empty)) is int
        assert Money.total(empty, "EUR") == Money.zero("EUR")

    def test_sum_may_start_from_money(self) -> None:
        items = [Money(1, "JPY"), Money(2, "JPY")]
        assert sum(items, Money(10, "JPY")) == Money(13, "JPY")

    def test_sum_across_currencies_is_refused(self) -> None:
        with pytest.raises(CurrencyMismatch) as info:
            sum([Money(1, "EUR"), Money(1, "USD")])
        assert info.value.currencies == ("EUR", "USD")

    @pytest.mark.parametrize("start", [1, -1, True, False, Decimal(0), 0.0, "0"])
    def test_only_the_int_zero_may_stand_left_of_money(self, start: Any) -> None:
        with pytest.raises(MoneyOperationError) as info:
            start + Money(1, "EUR")
        assert info.value.other is start or info.value.other == start
        assert "the int 0 that sum() starts from" in str(info.value)

    def test_money_plus_the_int_zero_is_still_refused(self) -> None:
        """Only sum()'s start is accepted: money + 0 has no reason to appear."""
        with pytest.raises(MoneyOperationError):
            Money(1, "EUR") + 0

    @given(st.lists(amounts(below=10**12), max_size=12))
    def test_sum_equals_total(self, values: list[Decimal]) -> None:
        items = [Money(v, "EUR") for v in values]
        expected = Money.total(items, "EUR")
        assert (sum(items) if items else Money.zero("EUR")) == expected


class TestCurrencyValidation:
    @pytest.mark.parametrize("minor_units", [7, 5, -1, "2", 2.0, True, None, Decimal(2)])
    def test_a_bad_minor_unit_is_refused_with_the_library_error(self, minor_units: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Currency("XTS", minor_units, "Test")
        assert isinstance(info.value, ValidationError)
        assert info.value.field == "minor_units"
        assert info.value.value is minor_units
        assert info.value.allowed == f"a whole number from 0 to {MAX_MINOR_UNITS}"

    @pytest.mark.parametrize("code", ["xts", "XT", "XTSS", "X1S", "\u00c4BC", "", 978, None])
    def test_a_bad_code_is_refused(self, code: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Currency(code, 2, "Test")
        assert info.value.field == "code"

    def test_a_name_must_be_text(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Currency("XTS", 2, None)  # type: ignore[arg-type]
        assert info.value.field == "name"

    @pytest.mark.parametrize("minor_units", range(MAX_MINOR_UNITS + 1))
    def test_every_allowed_minor_unit_has_a_quantum(self, minor_units: int) -> None:
        custom = Currency("XTS", minor_units, "Test")
        assert custom.quantum == Decimal(1).scaleb(-minor_units)
        assert Money("1", custom).rounded().amount.as_tuple().exponent == -minor_units


class TestAllocationBounds:
    def test_split_into_the_most_parts_works(self) -> None:
        parts = Money("1000.00", "EUR").split(MAX_PARTS)
        assert len(parts) == MAX_PARTS
        assert Money.total(parts, "EUR") == Money("1000.00", "EUR")

    @pytest.mark.parametrize("count", [MAX_PARTS + 1, 10**7, pytest.param(10**5000, id="10**5000")])
    def test_split_into_too_many_parts_is_refused_at_once(self, count: int) -> None:
        with _allocating_at_most(64 * 1024), pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").split(count)
        assert info.value.field == "parts"
        assert info.value.allowed == "a whole number from 1 to 100_000"

    def test_split_of_an_unrounded_amount_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10.005", "EUR").split(2)
        assert info.value.field == "amount"

    def test_too_many_ratios_are_refused_before_any_is_read(self) -> None:
        ratios = [1] * (MAX_PARTS + 1)
        with _allocating_at_most(64 * 1024), pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").allocate(ratios)
        assert info.value.field == "ratios"
        assert info.value.value == "100_001 ratios"

    def test_an_endless_iterator_of_ratios_is_refused(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").allocate(itertools.repeat(1))
        assert info.value.field == "ratios"

    def test_ratios_may_come_from_a_generator(self) -> None:
        parts = Money("10.00", "EUR").allocate(n for n in (1, 1))
        assert parts == (Money("5.00", "EUR"), Money("5.00", "EUR"))

    @pytest.mark.parametrize(
        "ratio",
        [
            Decimal("1E+999999"),
            Decimal("1E-999999999"),
            Decimal("0.0000000000001"),
            10**18,
            pytest.param(10**5000, id="10**5000"),
            Decimal("NaN"),
            Decimal("sNaN"),
            Decimal("Infinity"),
            "1",
        ],
    )
    def test_a_ratio_beyond_the_limits_is_refused_naming_its_index(self, ratio: Any) -> None:
        with _allocating_at_most(64 * 1024), pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").allocate([1, ratio])
        assert info.value.field == "ratios[1]"

    def test_many_zero_ratios_are_reported_briefly(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("10.00", "EUR").allocate([0] * 50)
        assert info.value.value == "50 ratios, all zero"

    def test_the_largest_ratios_allocate_exactly(self) -> None:
        whole = Money("999999999999999999.99", "EUR")
        parts = whole.allocate([Decimal(LARGEST), Decimal("0.000000000001"), 1])
        assert Money.total(parts, "EUR") == whole
        assert parts[1] == Money(0, "EUR")

    @given(st.data())
    def test_allocation_sums_back_exactly_across_the_whole_range(self, data: st.DataObject) -> None:
        cur = data.draw(currencies(), label="currency")
        units = data.draw(
            st.integers(-(10 ** (18 + cur.minor_units)) + 1, 10 ** (18 + cur.minor_units) - 1)
        )
        whole = Money(Decimal(f"{units}E-{cur.minor_units}"), cur)
        ratios = data.draw(st.lists(amounts().map(Decimal.copy_abs), max_size=8), label="ratios")
        assume_positive = [*ratios, Decimal(1)]
        parts = whole.allocate(assume_positive)
        assert Money.total(parts, cur) == whole
        weight = sum((Fraction(r) for r in assume_positive), Fraction(0))
        for part, ratio in zip(parts, assume_positive, strict=True):
            share = Fraction(whole.amount) * Fraction(ratio) / weight
            assert abs(Fraction(part.amount) - share) < Fraction(cur.quantum)

    @given(rounded_money(allow_negative=True), st.integers(1, 50))
    def test_split_is_allocation_in_equal_ratios(self, money: Money, count: int) -> None:
        assert money.split(count) == money.allocate([1] * count)


class TestMoneyIn:
    """The guard prices and fees pass through: Money, and in the contract's currency."""

    def test_money_in_the_currency_is_returned_as_it_is(self) -> None:
        price = Money("350.00", "EUR")

        assert money_in("price", price, EUR) is price

    @pytest.mark.parametrize(
        "value", [Money("350.00", "USD"), Decimal("350.00"), 350, "350.00 EUR", None]
    )
    def test_anything_else_is_refused_naming_the_field(self, value: object) -> None:
        with pytest.raises(InvalidMoney) as info:
            money_in("closed_value", value, EUR)
        assert info.value.field == "closed_value"
        assert info.value.value is value
        assert info.value.allowed == "a Money in EUR"


class TestRoundingModesByName:
    @pytest.mark.parametrize(
        ("name", "positive", "negative", "constant"),
        [
            ("half_up", "0.13", "-0.13", decimal.ROUND_HALF_UP),
            ("half_even", "0.12", "-0.12", decimal.ROUND_HALF_EVEN),
            ("half_down", "0.12", "-0.12", decimal.ROUND_HALF_DOWN),
            ("up", "0.13", "-0.13", decimal.ROUND_UP),
            ("down", "0.12", "-0.12", decimal.ROUND_DOWN),
        ],
    )
    def test_each_mode_is_named_and_rounds_a_half_cent_its_way(
        self, name: str, positive: str, negative: str, constant: str
    ) -> None:
        mode = RoundingMode(name)

        assert mode.decimal_mode == constant
        assert Money("0.125", "EUR").rounded(name) == Money(positive, "EUR")
        assert Money("-0.125", "EUR").rounded(mode) == Money(negative, "EUR")
        assert Money("0.121", "EUR").rounded(name).amount == (
            Decimal("0.13") if name == "up" else Decimal("0.12")
        )

    @pytest.mark.parametrize("mode", ["HALF_UP", "nearest", "", 1, None])
    def test_an_unknown_mode_is_refused_listing_the_modes(self, mode: Any) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1.005", "EUR").rounded(mode)

        assert info.value.field == "mode"
        assert info.value.value == mode
        allowed = "('half_up', 'half_even', 'half_down', 'up', 'down')"
        assert info.value.allowed == f"a RoundingMode, one of {allowed}"


class TestLongOperationsInErrors:
    def test_an_operation_over_120_characters_is_cut_short_with_its_length(self) -> None:
        factor = Decimal("1." + "3" * 150)
        written = f"1.01 * {factor}"

        with pytest.raises(InvalidMoney) as info:
            Money("1.01", "EUR") * factor

        assert len(written) == 159
        assert info.value.field == "result of multiply"
        assert info.value.value == f"{written[:100]}... (159 characters)"

    def test_an_operation_of_120_characters_is_shown_whole(self) -> None:
        factor = Decimal("1." + "3" * 111)
        written = f"1.01 * {factor}"

        with pytest.raises(InvalidMoney) as info:
            Money("1.01", "EUR") * factor

        assert len(written) == 120
        assert info.value.value == written


class TestRoundedQuotientLimit:
    """A quotient of 10**18 or more is refused before rounding, with the division written."""

    def test_a_quotient_of_exactly_ten_to_the_eighteen_is_refused_naming_the_division(
        self,
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("100000000000000000", "EUR").divided_by(Decimal("0.1"), "half_up")
        assert info.value.field == "result of divide"
        assert info.value.value == "100000000000000000 / 0.1"
        assert info.value.allowed == (
            "exactly an amount with at most 18 digits before the decimal point "
            "and at most 12 after it"
        )

    def test_a_quotient_just_below_ten_to_the_eighteen_is_kept(self) -> None:
        quotient = Money("99999999999999999.9", "EUR").divided_by(Decimal("0.1"), "half_up")
        assert quotient == Money("999999999999999999.00", "EUR")


class TestMoneyHtml:
    def test_the_html_form_is_the_formatted_amount_on_one_line(self) -> None:
        html = Money("1050", "EUR")._repr_html_()
        assert html == '<span style="white-space:nowrap">EUR 1,050.00</span>'


class TestAmountBoundaries:
    """Each limit of docs/limits.md at its exact edge: the last value allowed, the first refused."""

    @pytest.mark.parametrize(
        "factor", [10**60 - 1, -(10**60 - 1)], ids=["+60 digits", "-60 digits"]
    )
    def test_an_int_factor_of_sixty_digits_is_allowed(self, factor: int) -> None:
        assert Money("0", "EUR") * factor == Money("0", "EUR")

    @pytest.mark.parametrize("factor", [10**60, -(10**60)], ids=["+61 digits", "-61 digits"])
    def test_an_int_factor_of_sixty_one_digits_is_refused_saying_so(self, factor: int) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("0", "EUR") * factor
        assert info.value.field == "factor"
        assert info.value.value == factor
        assert info.value.allowed == "a finite Decimal or int of at most 60 digits"

    def test_an_int_divisor_of_sixty_one_digits_is_refused_saying_so(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR").divided_by(10**60)
        assert info.value.field == "divisor"
        assert info.value.allowed == "a finite non-zero Decimal or int of at most 60 digits"

    def test_a_factor_of_zero_is_allowed_and_gives_zero(self) -> None:
        assert Money("350.00", "EUR") * 0 == Money("0", "EUR")
        assert Money("350.00", "EUR") * Decimal("0.00") == Money("0", "EUR")

    def test_a_non_finite_factor_says_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR") * Decimal("NaN")
        assert info.value.allowed == "a finite Decimal or int"

    def test_a_non_finite_decimal_amount_says_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(Decimal("Infinity"), "EUR")
        assert info.value.allowed == "a finite Decimal"

    @pytest.mark.parametrize(
        ("amount", "allowed"),
        [
            (1.5, "a Decimal, int or decimal string; floats are refused for money"),
            (None, "a Decimal, int or decimal string"),
            (Fraction(1, 2), "a Decimal, int or decimal string"),
        ],
    )
    def test_an_amount_of_the_wrong_type_says_what_is_allowed(
        self, amount: object, allowed: str
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")  # type: ignore[arg-type]
        assert info.value.field == "amount"
        assert info.value.allowed == allowed

    @pytest.mark.parametrize(
        ("size", "shown"),
        [(2**256 - 1, 2**256 - 1), (2**256, "an int of about 77 digits")],
        ids=["256 bits", "257 bits"],
    )
    def test_an_int_of_up_to_256_bits_is_shown_and_a_longer_one_described(
        self, size: int, shown: object
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(size, "EUR")
        assert info.value.value == shown

    def test_an_int_of_a_thousand_digits_is_described_by_its_digit_count(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1.00", "EUR").split(10**1000)
        assert info.value.value == "an int of about 1,000 digits"

    def test_exactly_the_most_ratios_allocate(self) -> None:
        parts = Money("1000.00", "EUR").allocate([1] * 100_000)
        assert len(parts) == 100_000
        assert Money.total(parts, "EUR") == Money("1000.00", "EUR")

    @pytest.mark.parametrize("count", [100_000, 100_001], ids=["most", "one more"])
    def test_an_iterator_of_ratios_is_counted_to_one_beyond_the_most(self, count: int) -> None:
        ratios = iter([1] * count)
        if count > 100_000:
            with pytest.raises(InvalidMoney) as info:
                Money("1000.00", "EUR").allocate(ratios)
            assert info.value.value == "100_001 ratios"
            assert info.value.allowed == "at most 100_000 ratios"
        else:
            assert len(Money("1000.00", "EUR").allocate(ratios)) == count

    @pytest.mark.parametrize("ratios", ["11", b"11", 3, None])
    def test_ratios_that_are_no_sequence_are_refused_saying_what_is_allowed(
        self, ratios: Any
    ) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1.00", "EUR").allocate(ratios)
        assert info.value.field == "ratios"
        assert info.value.allowed == "a sequence of non-negative Decimals or ints"

    def test_a_zero_decimal_ratio_is_allowed_and_gets_nothing(self) -> None:
        parts = Money("1.00", "EUR").allocate([Decimal("0.00"), Decimal("0.5")])
        assert parts == (Money("0.00", "EUR"), Money("1.00", "EUR"))

    def test_int_and_decimal_ratios_weigh_alike(self) -> None:
        """An int ratio 1 and a Decimal ratio 1.000000000000 are the same weight."""
        parts = Money("1.00", "EUR").allocate([1, Decimal("1.000000000000"), Decimal("2")])
        assert parts == (Money("0.25", "EUR"), Money("0.25", "EUR"), Money("0.50", "EUR"))

    @pytest.mark.parametrize(
        ("ratio", "shown"), [(10**18, 10**18), (-1, -1), (Decimal("-0.5"), Decimal("-0.5"))]
    )
    def test_a_ratio_out_of_range_says_what_is_allowed(self, ratio: object, shown: object) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money("1.00", "EUR").allocate([1, ratio])  # type: ignore[list-item]
        assert info.value.field == "ratios[1]"
        assert info.value.value == shown
        assert info.value.allowed == (
            "a non-negative Decimal or int, an amount with at most 18 digits before the "
            "decimal point and at most 12 after it"
        )

    def test_a_ratio_just_below_the_largest_int_is_allowed(self) -> None:
        parts = Money("1.00", "EUR").allocate([10**18 - 1, 0])
        assert parts == (Money("1.00", "EUR"), Money("0.00", "EUR"))

    @pytest.mark.parametrize(
        ("amount", "kept"),
        [
            ("0E+1", "0"),
            ("-0E+5", "-0"),
            ("1E+1", "10"),
            ("0E-13", "0E-12"),
            ("5.0000000000000", "5.000000000000"),
            ("0.000000000001", "1E-12"),
            ("123456789012345678", "123456789012345678"),
            ("12345678901234567.8E+1", "123456789012345678"),
        ],
    )
    def test_the_form_is_canonical_at_each_edge(self, amount: str, kept: str) -> None:
        assert str(Money(amount, "EUR").amount) == kept

    def test_a_result_too_large_is_shown_as_computed_or_as_the_operation_beyond_1e999999(
        self,
    ) -> None:
        """Exponents up to 999,999 are computed (and shown as they are); beyond, written out."""
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR") * Decimal("1E+999999")
        assert str(info.value.value) == "1E+999999"
        with pytest.raises(InvalidMoney) as info:
            Money("1", "EUR") * Decimal("1E+1000000")
        assert info.value.value == "1 * 1E+1000000"

    @pytest.mark.parametrize("amount", ["1234567890123456789", "1.234567890123456789E+18"])
    def test_nineteen_digits_before_the_point_are_refused(self, amount: str) -> None:
        with pytest.raises(InvalidMoney) as info:
            Money(amount, "EUR")
        assert info.value.value == amount


class TestCurrencyTerms:
    """What a currency refusal tells, and what makes two currencies the same."""

    def test_an_unknown_code_says_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            currency("EURO")
        assert info.value.allowed == "an ISO 4217 code such as 'EUR', 'USD' or 'JPY'"

    def test_a_bad_code_says_what_is_allowed(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Currency("eur", 2, "Euro")
        assert info.value.value == "eur"
        assert info.value.allowed == "three upper-case ASCII letters, e.g. 'EUR'"

    def test_a_name_that_is_not_text_says_so(self) -> None:
        with pytest.raises(InvalidMoney) as info:
            Currency("XTS", 2, 5)  # type: ignore[arg-type]
        assert info.value.value == 5
        assert info.value.allowed == "a string"

    def test_the_name_does_not_make_a_currency_different(self) -> None:
        """Code and minor units identify a currency; the English name is a label."""
        assert Currency("EUR", 2, "Euro") == Currency("EUR", 2, "euro (EU)")
        assert hash(Currency("EUR", 2, "Euro")) == hash(Currency("EUR", 2, "euro (EU)"))
        assert Currency("EUR", 2, "Euro") != Currency("EUR", 3, "Euro")

    def test_currencies_have_no_order(self) -> None:
        with pytest.raises(TypeError):
            _ = EUR < USD  # type: ignore[operator]

    def test_the_table_holds_every_code_with_its_name(self) -> None:
        assert len(CURRENCIES) == 155
        assert CURRENCIES["AED"].name == "UAE Dirham"
        assert CURRENCIES["TTD"].name == "Trinidad and Tobago Dollar"
        assert CURRENCIES["ZWG"] == Currency("ZWG", 2, "Zimbabwe Gold")
