"""Money: an exact decimal amount with an ISO 4217 currency.

Amounts are ``Decimal`` only: a float is refused, because ``0.1 + 0.2`` is not
``0.3`` and an invoice must reconcile to the cent. Arithmetic stays exact;
rounding to the currency's minor unit happens once, explicitly, with a named
:class:`RoundingMode`. An amount has at most :data:`MAX_INTEGER_DIGITS` digits
before the decimal point and :data:`MAX_DECIMAL_PLACES` after it; every
operation runs in a decimal context of ppa_core's own (never the caller's global
one) and refuses, with :class:`~ppa_core.exceptions.InvalidMoney`, a result it
cannot hold exactly (see ``docs/limits.md``).

>>> price = Money.of("350", "EUR")
>>> (price * 3).rounded()
Money('1050.00', 'EUR')
>>> Money.of("100.00", "EUR").allocate([1, 1, 1])
(Money('33.34', 'EUR'), Money('33.33', 'EUR'), Money('33.33', 'EUR'))
"""

from __future__ import annotations

import decimal
import enum
import operator
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NoReturn, Self

import attrs

from ppa_core import _rendering
from ppa_core.domain._amount import (
    EXACT,
    LIMIT,
    MAX_DECIMAL_PLACES,
    MAX_INTEGER_DIGITS,
    MAX_PARTS,
    ROUNDING,
    STICKY,
    bounded,
    bounded_ratios,
    operand,
    shown,
    to_amount,
    to_weight,
)
from ppa_core.domain._compact import compact_pickle
from ppa_core.domain.currency import CURRENCIES, MAX_MINOR_UNITS, Currency, currency
from ppa_core.exceptions import CurrencyMismatch, InvalidMoney, MoneyOperationError

__all__ = [
    "CURRENCIES",
    "MAX_DECIMAL_PLACES",
    "MAX_INTEGER_DIGITS",
    "MAX_MINOR_UNITS",
    "MAX_PARTS",
    "Currency",
    "Money",
    "RoundingMode",
    "currency",
]


class RoundingMode(enum.StrEnum):
    """How an exact amount is rounded to a currency's minor unit.

    ``HALF_UP`` (the default everywhere in ppa_core) rounds halves away from
    zero, as Lago, Kill Bill and most billing systems do; ``HALF_EVEN`` is
    banker's rounding.
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    HALF_DOWN = "half_down"
    UP = "up"
    DOWN = "down"

    @property
    def decimal_mode(self) -> str:
        """The matching :mod:`decimal` rounding constant."""
        return _DECIMAL_MODES[self]


_DECIMAL_MODES: Mapping[RoundingMode, str] = MappingProxyType(
    {
        RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
        RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
        RoundingMode.HALF_DOWN: decimal.ROUND_HALF_DOWN,
        RoundingMode.UP: decimal.ROUND_UP,
        RoundingMode.DOWN: decimal.ROUND_DOWN,
    }
)


def _to_rounding_mode(value: object) -> RoundingMode:
    if isinstance(value, str):
        try:
            return RoundingMode(value)
        except ValueError:
            pass
    allowed = tuple(m.value for m in RoundingMode)
    raise InvalidMoney("mode", value, f"a RoundingMode, one of {allowed}")


def _to_currency(value: object) -> Currency:
    if isinstance(value, Currency | str):
        return currency(value)
    raise InvalidMoney("currency", value, "an ISO 4217 code such as 'EUR' or a Currency")


def _refused(operation: str) -> Callable[[Any, object], NoReturn]:
    """An operator method that refuses ``operation`` with :class:`MoneyOperationError`."""

    def refuse(_self: Any, other: object) -> NoReturn:
        raise MoneyOperationError(operation, other)

    refuse.__name__ = operation
    return refuse


def _comparison(
    operation: str, test: Callable[[Decimal, Decimal], bool]
) -> Callable[[Money, Money], bool]:
    """An ordering method: Money in the same currency only, compared by amount."""

    def compare(self: Money, other: Money) -> bool:
        if not isinstance(other, Money):
            raise MoneyOperationError(operation, other)
        self._check(other, "compare")
        return test(self.amount, other.amount)

    compare.__name__ = operation
    return compare


@compact_pickle
@attrs.frozen(order=False, repr=False)
class Money:
    """An exact amount of one currency.

    Attributes:
        amount: the exact amount; accepts Decimal, int or decimal text (ASCII digits,
            one optional sign and point, optional exponent), never a float. At most
            18 digits before the point and 12 after (:data:`MAX_INTEGER_DIGITS`,
            :data:`MAX_DECIMAL_PLACES`); kept as given, except that an exponent
            above zero is written out (``1E+3`` is kept as ``1000``) and zeros
            beyond the 12th place are dropped.
        currency: the currency; accepts a Currency or an ISO 4217 code.

    Raises:
        InvalidMoney: an amount that is not a number, is a float, or is beyond the
            limits; a currency ppa_core does not know.
    """

    amount: Decimal = attrs.field(converter=to_amount)
    currency: Currency = attrs.field(converter=_to_currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: Currency | str) -> Self:
        """Build money from an amount and a currency code: ``Money.of("350", "EUR")``."""
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency: Currency | str) -> Self:
        """Zero in ``currency``, at its minor unit (``EUR 0.00``, ``JPY 0``, ``BHD 0.000``)."""
        found = _to_currency(currency)
        return cls(Decimal((0, (0,), -found.minor_units)), found)

    @classmethod
    def total(cls, items: Iterable[Money], currency: Currency | str) -> Money:
        """Sum ``items`` exactly; the currency names the result when ``items`` is empty.

        ``sum(items)`` works too (it starts from the int 0, which Money accepts on the
        left of ``+``), but gives the int 0 for no items: ``total`` gives zero money.

        Raises:
            CurrencyMismatch: an item is not in ``currency``.
            InvalidMoney: the total is beyond the limits.
        """
        result = cls.zero(currency)
        for item in items:
            result = result + item
        return result

    def _check(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(operation, self.currency.code, other.currency.code)

    def _exact(self, operation: str, written: str, compute: Callable[[], Decimal]) -> Money:
        """The Money ``compute()`` gives in EXACT, or InvalidMoney naming ``operation``.

        ``written`` is the operation as text (``"0.10 * 0.0000000000001"``), the value
        the error reports when the exact result could not even be formed.
        """
        try:
            result = compute()
        except decimal.DecimalException:
            raise InvalidMoney(
                f"result of {operation}", _brief(written), f"exactly {LIMIT}"
            ) from None
        within = bounded(result)
        if within is None:
            raise InvalidMoney(f"result of {operation}", result, LIMIT)
        return Money(within, self.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise MoneyOperationError("__add__", other)
        self._check(other, "add")
        a, b = self.amount, other.amount
        return self._exact("add", f"{a:f} + {b:f}", lambda: EXACT.add(a, b))

    def __radd__(self, other: object) -> Money:
        """``0 + money`` is ``money``: only so that ``sum()``, which starts from 0, works."""
        if type(other) is int and other == 0:
            return self
        raise MoneyOperationError("__radd__", other)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise MoneyOperationError("__sub__", other)
        self._check(other, "subtract")
        a, b = self.amount, other.amount
        return self._exact("subtract", f"{a:f} - {b:f}", lambda: EXACT.subtract(a, b))

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise MoneyOperationError("__mul__", factor)
        a, b = self.amount, operand("factor", factor)
        return self._exact("multiply", f"{a:f} * {b}", lambda: EXACT.multiply(a, b))

    __rmul__ = __mul__

    # Division needs a rounding decision (divided_by() is exact, allocate() splits), and
    # money subtracted from a bare number has no currency: each operator says so.
    __truediv__ = _refused("__truediv__")
    __rtruediv__ = _refused("__rtruediv__")
    __floordiv__ = _refused("__floordiv__")
    __rfloordiv__ = _refused("__rfloordiv__")
    __mod__ = _refused("__mod__")
    __rmod__ = _refused("__rmod__")
    __divmod__ = _refused("__divmod__")
    __rdivmod__ = _refused("__rdivmod__")
    __rsub__ = _refused("__rsub__")

    # Unary minus and abs() round to the global context's precision on a Decimal
    # (-Decimal("12345") is -1.23E+4 under prec=3): ours never does.
    def __neg__(self) -> Money:
        return Money(EXACT.minus(self.amount), self.currency)

    def __abs__(self) -> Money:
        return Money(EXACT.abs(self.amount), self.currency)

    # Comparing two finite Decimals never rounds nor reads the context: these are exact.
    __lt__ = _comparison("__lt__", operator.lt)
    __le__ = _comparison("__le__", operator.le)
    __gt__ = _comparison("__gt__", operator.gt)
    __ge__ = _comparison("__ge__", operator.ge)

    @property
    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return not self.amount

    def divided_by(self, divisor: Decimal | int, mode: RoundingMode | str | None = None) -> Money:
        """The quotient: exact, or rounded to the minor unit when ``mode`` is given.

        >>> Money.of("100.00", "EUR").divided_by(8)
        Money('12.50', 'EUR')
        >>> Money.of("100.00", "EUR").divided_by(3, RoundingMode.HALF_UP)
        Money('33.33', 'EUR')

        Args:
            divisor: a non-zero Decimal or int.
            mode: None (the default) for the exact quotient; a rounding mode (or its
                name) to round the true quotient once, to the currency's minor unit.

        Raises:
            InvalidMoney: ``divisor`` is zero or not a Decimal/int; without ``mode``,
                the quotient is not exact within the limits (100.00 / 3); with it,
                the rounded quotient is beyond the limits.
        """
        given: object = divisor  # checked at run time: callers are not always typed
        if isinstance(given, bool) or not isinstance(given, Decimal | int):
            raise InvalidMoney("divisor", divisor, "a finite non-zero Decimal or int")
        a, b = self.amount, operand("divisor", divisor, nonzero=True)
        if mode is None:
            try:
                quotient = EXACT.divide(a, b)
            except decimal.Inexact:
                allowed = (
                    f"exactly {LIMIT}; pass a rounding mode, e.g. divided_by({divisor}, "
                    "'half_up'), to round the quotient to the minor unit, or use allocate()"
                )
                raise InvalidMoney("result of divide", _brief(f"{a:f} / {b}"), allowed) from None
            return self._exact("divide", f"{a:f} / {b}", lambda: quotient)
        how = mode if type(mode) is RoundingMode else _to_rounding_mode(mode)
        quantum = self.currency.quantum

        def rounded_quotient() -> Decimal:
            # PRECISION digits reach the minor unit of any quotient below 10**18 with
            # digits to spare; ROUND_05UP keeps what lies beyond them for the rounding.
            quotient = STICKY.divide(a, b)
            if quotient.adjusted() >= MAX_INTEGER_DIGITS:
                raise decimal.Overflow
            return quotient.quantize(quantum, rounding=how.decimal_mode, context=ROUNDING)

        return self._exact("divide", f"{a:f} / {b}", rounded_quotient)

    def rounded(self, mode: RoundingMode | str = RoundingMode.HALF_UP) -> Money:
        """Round to the currency's minor unit (EUR cents, JPY yen, BHD fils).

        Args:
            mode: the rounding mode (or its name, ``"half_even"``); half-up by default.

        Raises:
            InvalidMoney: ``mode`` is not a rounding mode, or the rounded amount is
                beyond the limits (999999999999999999.995 EUR rounds up to 10**18).
        """
        how = mode if type(mode) is RoundingMode else _to_rounding_mode(mode)
        a, quantum = self.amount, self.currency.quantum
        return self._exact(
            "rounding",
            f"{a:f}",
            lambda: a.quantize(quantum, rounding=how.decimal_mode, context=ROUNDING),
        )

    @property
    def is_rounded(self) -> bool:
        """True when the amount has no digits beyond the currency's minor unit."""
        quantum = self.currency.quantum
        return self.amount == self.amount.quantize(
            quantum, rounding=decimal.ROUND_DOWN, context=ROUNDING
        )

    def allocate(self, ratios: Iterable[Decimal | int]) -> tuple[Money, ...]:
        """Split into parts proportional to ``ratios`` without losing or inventing a minor unit.

        Largest remainder method, in whole minor units and exact integer arithmetic:
        each part gets its rounded-down share, then the leftover minor units go one
        each to the parts with the largest remainders (earlier parts first on ties).
        The parts always sum to exactly ``self``.

        Args:
            ratios: at most :data:`MAX_PARTS` non-negative weights (Decimal or int,
                within the limits of an amount), at least one positive.

        Raises:
            InvalidMoney: ``self`` is not rounded to the minor unit, or the ratios are
                not allowed (too many, negative, beyond the limits, none positive).
        """
        if not self.is_rounded:
            raise InvalidMoney(
                "amount", self.amount, f"rounded to {self.currency.minor_units} decimal places"
            )
        given = bounded_ratios(ratios)
        weights = [to_weight(r, i) for i, r in enumerate(given)]
        total_weight = sum(weights)
        if not total_weight:
            value: object = given if len(given) <= 10 else f"{len(given)} ratios, all zero"
            raise InvalidMoney("ratios", value, "at least one positive weight")
        units, sign = self._units()
        shares = [divmod(units * w, total_weight) for w in weights]
        parts = [share for share, _ in shares]
        leftover = units - sum(parts)
        # leftover < len(parts): each part's remainder is below one unit.
        by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
        for i in by_remainder[:leftover]:
            parts[i] += 1
        return self._from_units(parts, sign)

    def split(self, parts: int) -> tuple[Money, ...]:
        """Split into ``parts`` near-equal parts that sum exactly to ``self``.

        The same as ``allocate([1] * parts)``: the first ``units % parts`` parts get
        one minor unit more.

        Args:
            parts: how many parts, from 1 to :data:`MAX_PARTS` (100,000).

        Raises:
            InvalidMoney: ``parts`` is not a whole number in range, or ``self`` is
                not rounded to the minor unit.
        """
        given: object = parts
        if isinstance(given, bool) or not isinstance(given, int) or not 1 <= given <= MAX_PARTS:
            raise InvalidMoney("parts", shown(parts), f"a whole number from 1 to {MAX_PARTS:_}")
        if not self.is_rounded:
            raise InvalidMoney(
                "amount", self.amount, f"rounded to {self.currency.minor_units} decimal places"
            )
        units, sign = self._units()
        share, extra = divmod(units, parts)
        return self._from_units([share + 1] * extra + [share] * (parts - extra), sign)

    def _units(self) -> tuple[int, int]:
        """The size of a rounded amount in whole minor units, and its sign (1 or -1)."""
        units = int(EXACT.scaleb(self.amount, self.currency.minor_units))  # exact: rounded
        # Zero may take either sign: its parts are all 0, and Decimal(-1 * 0) is Decimal(0).
        negative = units < 0  # pragma: no mutate - same result with <= 0 or < 1: zero's sign
        return abs(units), -1 if negative else 1

    def _from_units(self, parts: list[int], sign: int) -> tuple[Money, ...]:
        exponent, cur = -self.currency.minor_units, self.currency
        return tuple(_checked(Decimal(sign * part).scaleb(exponent, EXACT), cur) for part in parts)

    def __repr__(self) -> str:
        # Format "f", not str(): str() may write 1E-7 or, under a caller's context, 1e-7.
        return f"Money({format(self.amount, 'f')!r}, {self.currency.code!r})"

    def _repr_html_(self) -> str:
        """The formatted amount for Jupyter (``EUR 1,050.00``, never wrapped)."""
        return _rendering.html(self)

    # Format ",f": plain digits always; "," alone writes 0E-7, or 0e-7 under a caller's
    # context with capitals=0.
    def __str__(self) -> str:
        return f"{self.currency.code} {self.amount:,f}"

    def format(self) -> str:
        """Format rounded half-up to the minor unit with thousands separators: ``EUR 1,050.00``.

        Raises:
            InvalidMoney: the rounded amount is beyond the limits (999999999999999999.995).
        """
        return f"{self.currency.code} {self.rounded().amount:,f}"


def _brief(text: str) -> str:
    """An operation as text, cut short when an operand has hundreds of digits."""
    return text if len(text) <= _BRIEF else f"{text[: _BRIEF - 20]}... ({len(text):,} characters)"


_BRIEF = 120


def _checked(amount: Decimal, currency: Currency) -> Money:
    """Money from an amount already known to be within the limits, without converting it.

    The parts of an allocation are no larger than the whole, and there may be 100,000
    of them: building them through the converters would double the time.
    """
    money = object.__new__(Money)
    object.__setattr__(money, "amount", amount)
    object.__setattr__(money, "currency", currency)
    return money


def money_in(field: str, value: object, currency: Currency) -> Money:
    """``value`` when it is Money in ``currency``, else an InvalidMoney naming ``field``."""
    if not isinstance(value, Money) or value.currency != currency:
        raise InvalidMoney(field, value, f"a Money in {currency}")
    return value
