"""Distributions of an uncertain input: a show rate, a deal value, appointments per month.

A campaign plan rarely knows its rates exactly: "a show rate between 70 and 85 %",
"deals of 8,000 to 40,000 EUR, most around 15,000". These values say so, and
draw from a :class:`random.Random` the caller seeds. Every draw is computed with
integers and :class:`~decimal.Decimal` in a fixed context (never ``math.log`` or
``math.exp``, whose last digit may differ between C libraries), so the same seed
gives the same numbers on any machine.

A rate or count is a Decimal; a deal value is :class:`~ppa_core.domain.money.Money`,
drawn to the currency's minor unit.

>>> import random
>>> rng = random.Random(7)
>>> Uniform("0.70", "0.85").sample(rng)
Decimal('0.748574915')
>>> Triangular(Money.of(8000, "EUR"), Money.of(15000, "EUR"), Money.of(40000, "EUR")).sample(rng)
Money('13812.94', 'EUR')
>>> Beta.from_observed(successes=42, trials=50)  # 42 of 50 pilot meetings showed
Beta(alpha=43, beta=9)
"""

from __future__ import annotations

import decimal
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from ppa_core._validation import finite_decimal
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError

__all__ = ["Beta", "Choice", "Distribution", "Fixed", "Triangular", "Uniform"]

V = TypeVar("V", Decimal, Money)
T_co = TypeVar("T_co", covariant=True)

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
"""Every draw is computed in this context, whatever the caller's decimal context is."""

_PLACES = Decimal("1E-9")
_SCALE = 1_000_000_000


@runtime_checkable
class Distribution(Protocol[T_co]):
    """What a campaign plan needs from an uncertain input.

    ``sample`` must draw only from the generator it is given, a fixed number of
    times whatever the outcome, so runs stay reproducible.
    """

    @property
    def low(self) -> T_co:
        """The smallest value a draw can take."""
        ...

    @property
    def high(self) -> T_co:
        """The largest value a draw can take."""
        ...

    def sample(self, rng: random.Random) -> T_co:
        """One draw."""
        ...


def _unit(rng: random.Random) -> Decimal:
    """A uniform draw in [0, 1) with nine exact decimal places (one ``random()`` call)."""
    return Decimal(int(rng.random() * _SCALE)).scaleb(-9)


def _value(value: Any, field: str) -> Decimal | Money:
    """A Decimal or Money from what a user typed; a float is read as its shortest repr."""
    if isinstance(value, Money):
        return value
    if isinstance(value, bool):
        raise ValidationError(field, value, "a number or a Money")
    if isinstance(value, float):
        value = repr(value)  # 0.7 means Decimal('0.7'), what the user typed
    number = finite_decimal(value)
    if number is not None:
        return number
    raise ValidationError(field, value, "a finite number (Decimal, int, str or float) or a Money")


def _same_kind(values: Sequence[Decimal | Money], field: str) -> None:
    first = values[0]
    for i, value in enumerate(values[1:], start=1):
        if isinstance(first, Money):
            if not isinstance(value, Money) or value.currency != first.currency:
                raise ValidationError(
                    f"{field}[{i}]", value, f"a Money in {first.currency} like the first value"
                )
        elif isinstance(value, Money):
            raise ValidationError(f"{field}[{i}]", value, "a number like the first value")


def _wrap(like: V, amount: Decimal) -> V:
    if isinstance(like, Money):
        # A draw has up to 28 digits, beyond Money's 12 decimal places: round it
        # half-up to the minor unit first (what Money.rounded() would have given).
        quantum = like.currency.quantum
        cents = amount.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=_CONTEXT)
        return Money(cents, like.currency)
    return amount


def _amount(value: Decimal | Money) -> Decimal:
    return value.amount if isinstance(value, Money) else value


def _to_low(value: Any) -> Any:
    return _value(value, "low")


def _to_high(value: Any) -> Any:
    return _value(value, "high")


def _to_mode(value: Any) -> Any:
    return _value(value, "mode")


def _to_fixed(value: Any) -> Any:
    return _value(value, "value")


@attrs.frozen
class Fixed(Generic[V]):
    """A value known exactly: every draw returns it and consumes no randomness.

    Attributes:
        value: a Decimal (an int, str or float is converted) or a Money.
    """

    value: V = attrs.field(converter=_to_fixed)

    @property
    def low(self) -> V:
        """The value."""
        return self.value

    @property
    def high(self) -> V:
        """The value."""
        return self.value

    def sample(self, rng: random.Random) -> V:
        """The value."""
        return self.value

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen
class Uniform(Generic[V]):
    """Any value in ``[low, high]`` equally likely (a range: "70 to 85 %").

    Draws have nine decimal places; money is drawn to its minor unit.

    Attributes:
        low: the smallest value.
        high: the largest value, at least ``low``, of the same kind (number or currency).
    """

    low: V = attrs.field(converter=_to_low)
    high: V = attrs.field(converter=_to_high)

    def __attrs_post_init__(self) -> None:
        _same_kind((self.low, self.high), "uniform")
        if _amount(self.high) < _amount(self.low):
            raise ValidationError("high", self.high, f">= low ({self.low})")

    def sample(self, rng: random.Random) -> V:
        """One draw (one ``random()`` call)."""
        u = _unit(rng)
        with decimal.localcontext(_CONTEXT):
            low = _amount(self.low)
            amount = low + (_amount(self.high) - low) * u
            if not isinstance(self.low, Money):
                amount = amount.quantize(_PLACES)
        return _wrap(self.low, amount)

    def __str__(self) -> str:
        return f"{self.low}..{self.high}"


@attrs.frozen
class Triangular(Generic[V]):
    """A value between ``low`` and ``high``, most likely near ``mode``.

    Drawn by inverting the distribution function with :meth:`Decimal.sqrt`
    (correctly rounded, so identical everywhere), to nine decimal places;
    money to its minor unit.

    Attributes:
        low: the smallest value.
        mode: the most likely value, from ``low`` to ``high``.
        high: the largest value.
    """

    low: V = attrs.field(converter=_to_low)
    mode: V = attrs.field(converter=_to_mode)
    high: V = attrs.field(converter=_to_high)

    def __attrs_post_init__(self) -> None:
        _same_kind((self.low, self.mode, self.high), "triangular")
        low, mode, high = _amount(self.low), _amount(self.mode), _amount(self.high)
        if not low <= mode <= high:
            raise ValidationError("mode", self.mode, f"from low ({self.low}) to high ({self.high})")

    def sample(self, rng: random.Random) -> V:
        """One draw (one ``random()`` call)."""
        u = _unit(rng)
        low, mode, high = _amount(self.low), _amount(self.mode), _amount(self.high)
        with decimal.localcontext(_CONTEXT):
            width = high - low
            if not width:
                return self.low
            if u * width < mode - low:
                amount = low + (u * width * (mode - low)).sqrt()
            else:
                amount = high - ((1 - u) * width * (high - mode)).sqrt()
            if not isinstance(self.low, Money):
                amount = amount.quantize(_PLACES)
        return _wrap(self.low, amount)

    def __str__(self) -> str:
        return f"{self.low}..{self.mode}..{self.high}"


def _shape(field: str) -> Any:
    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
            raise ValidationError(field, value, "a whole number from 1 to 10000")

    return validate


@attrs.frozen
class Beta:
    """A rate in [0, 1] with whole-number shapes, as a pilot measured it.

    Beta(alpha, beta) is what ``alpha - 1`` successes in ``alpha + beta - 2``
    trials say about a rate, from a uniform prior.

    A draw is the ``alpha``-th smallest of ``alpha + beta - 1`` uniform draws,
    which follows Beta(alpha, beta) exactly for whole-number shapes, to nine
    decimal places.

    Attributes:
        alpha: successes + 1, from 1 to 10000.
        beta: failures + 1, from 1 to 10000.
    """

    alpha: int = attrs.field(validator=_shape("alpha"))
    beta: int = attrs.field(validator=_shape("beta"))

    @classmethod
    def from_observed(cls, successes: int, trials: int) -> Beta:
        """The rate after seeing ``successes`` in ``trials`` (42 shows of 50 meetings).

        Raises:
            ValidationError: counts that are not whole numbers with 0 <= successes <= trials.
        """
        given: tuple[tuple[str, object], ...] = (("successes", successes), ("trials", trials))
        for field, value in given:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(field, value, "a whole number >= 0")
        if successes > trials:
            raise ValidationError("successes", successes, f"<= trials ({trials})")
        return cls(successes + 1, trials - successes + 1)

    @property
    def low(self) -> Decimal:
        """0."""
        return Decimal(0)

    @property
    def high(self) -> Decimal:
        """1."""
        return Decimal(1)

    @property
    def mean(self) -> Decimal:
        """``alpha / (alpha + beta)``."""
        with decimal.localcontext(_CONTEXT):
            return Decimal(self.alpha) / Decimal(self.alpha + self.beta)

    def sample(self, rng: random.Random) -> Decimal:
        """One draw (``alpha + beta - 1`` ``random()`` calls)."""
        draws = sorted(rng.random() for _ in range(self.alpha + self.beta - 1))
        return Decimal(int(draws[self.alpha - 1] * _SCALE)).scaleb(-9)

    def __str__(self) -> str:
        return f"Beta({self.alpha}, {self.beta})"


def _to_values(value: Any) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset):
        raise ValidationError("values", value, "a non-empty sequence of numbers or Money")
    items = tuple(_value(v, f"values[{i}]") for i, v in enumerate(value))
    if not items:
        raise ValidationError("values", value, "a non-empty sequence of numbers or Money")
    _same_kind(items, "values")
    return items


def _to_weights(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValidationError("weights", value, "a sequence of whole numbers >= 1, or None")
    for i, weight in enumerate(value):
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
            raise ValidationError(f"weights[{i}]", weight, "a whole number >= 1")
    return tuple(value)


@attrs.frozen
class Choice(Generic[V]):
    """One of ``values``, with whole-number ``weights`` (equal when omitted).

    Use it for figures taken from history ("deals were 12k, 15k or 40k") or for
    a whole-number range: ``Choice(range(40, 61))`` is 40 to 60 appointments.

    Attributes:
        values: the possible values, all numbers or all Money in one currency.
        weights: one weight >= 1 per value; empty means equal weights.
    """

    values: tuple[V, ...] = attrs.field(converter=_to_values)
    weights: tuple[int, ...] = attrs.field(default=(), converter=_to_weights)

    def __attrs_post_init__(self) -> None:
        if self.weights and len(self.weights) != len(self.values):
            raise ValidationError(
                "weights", self.weights, f"one weight per value ({len(self.values)})"
            )

    @property
    def low(self) -> V:
        """The smallest value."""
        return min(self.values, key=_amount)

    @property
    def high(self) -> V:
        """The largest value."""
        return max(self.values, key=_amount)

    def sample(self, rng: random.Random) -> V:
        """One draw (one ``random()`` call)."""
        weights = self.weights or (1,) * len(self.values)
        ticket = int(rng.random() * sum(weights))
        for value, weight in zip(self.values, weights, strict=True):
            if ticket < weight:
                return value
            ticket -= weight
        return self.values[-1]  # pragma: no cover - random() < 1 keeps the ticket in range

    def __str__(self) -> str:
        if len(self.values) > 6:
            return f"one of {len(self.values)} values, {self.low}..{self.high}"
        return "one of " + ", ".join(str(v) for v in self.values)
