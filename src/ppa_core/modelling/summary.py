"""Summary statistics of simulated outcomes: mean, spread and percentiles, exactly.

Everything is computed with :class:`~decimal.Decimal` in a fixed context
(28 digits, half-even), whatever context the caller has set, so the same
samples give the same summary on any machine. Money statistics are rounded
half-up to the currency's minor unit, once, at the end.

Percentiles interpolate linearly between the two nearest order statistics
(Hyndman and Fan's type 7, the default of ``numpy.percentile`` and
``pandas.Series.quantile``), so an analyst can check them by hand:

>>> s = summarize([Decimal(v) for v in (10, 20, 30, 40)])
>>> s.mean, s.p50, s.p10, s.p90
(Decimal('25'), Decimal('25.0'), Decimal('13.0'), Decimal('37.0'))
>>> percentile([Decimal(1), Decimal(2)], Decimal("0.25"))
Decimal('1.25')
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal
from typing import Generic, TypeVar, overload

import attrs

from ppa_core.domain.money import Currency, Money
from ppa_core.exceptions import ValidationError

__all__ = ["Summary", "percentile", "summarize", "summarize_amounts"]

V = TypeVar("V", Decimal, Money)

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
_QUANTILES = {
    "p10": Decimal("0.1"),
    "p25": Decimal("0.25"),
    "p50": Decimal("0.5"),
    "p75": Decimal("0.75"),
    "p90": Decimal("0.9"),
}


@attrs.frozen(repr=False)
class Summary(Generic[V]):
    """The distribution of one figure over the runs that define it.

    Attributes:
        count: how many runs gave a value (a cost per meeting needs a meeting).
        mean: the arithmetic mean.
        stdev: the sample standard deviation (n - 1 in the denominator; 0 for one run).
        minimum: the smallest value.
        p10: the 10th percentile (one run in ten was at or below it).
        p25: the first quartile.
        p50: the median.
        p75: the third quartile.
        p90: the 90th percentile.
        maximum: the largest value.
    """

    count: int
    mean: V
    stdev: V
    minimum: V
    p10: V
    p25: V
    p50: V
    p75: V
    p90: V
    maximum: V

    def as_dict(self) -> dict[str, V | int]:
        """The statistics by name, in field order."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(Summary)}

    def __repr__(self) -> str:
        return (
            f"Summary(n={self.count}, mean={_show(self.mean)}, p10={_show(self.p10)}, "
            f"p50={_show(self.p50)}, p90={_show(self.p90)})"
        )


def _show(value: Decimal | Money) -> str:
    return value.format() if isinstance(value, Money) else str(value)


def percentile(values: Sequence[Decimal], q: Decimal) -> Decimal:
    """The ``q``-quantile of ``values`` by linear interpolation (type 7).

    Args:
        values: the samples, sorted or not (at least one).
        q: the quantile, from 0 to 1 (``Decimal("0.9")`` is the 90th percentile).

    Raises:
        ValidationError: no values, or ``q`` outside [0, 1].
    """
    if not values:
        raise ValidationError("values", values, "at least one value")
    given: object = q  # callers are not always typed
    if not isinstance(given, Decimal) or not Decimal(0) <= given <= Decimal(1):
        raise ValidationError("q", q, "a Decimal from 0 to 1")
    ordered = sorted(values)
    return _interpolate(ordered, q)


def _interpolate(ordered: Sequence[Decimal], q: Decimal) -> Decimal:
    with decimal.localcontext(_CONTEXT):
        position = (len(ordered) - 1) * q
        index = int(position)
        fraction = position - index
        if not fraction or index + 1 >= len(ordered):
            return ordered[index]
        below = ordered[index]
        return below + (ordered[index + 1] - below) * fraction


@overload
def summarize(values: Sequence[Money], *, currency: Currency | None = None) -> Summary[Money]: ...


@overload
def summarize(values: Sequence[Decimal], *, currency: None = None) -> Summary[Decimal]: ...


def summarize(
    values: Sequence[Money] | Sequence[Decimal], *, currency: Currency | None = None
) -> Summary[Money] | Summary[Decimal]:
    """Summarize samples: all Decimals, or all Money in one currency.

    Args:
        values: the samples, at least one.
        currency: with Money samples, the currency they must all be in (checked).

    Raises:
        ValidationError: no values, or values of mixed kinds or currencies.
    """
    if not values:
        raise ValidationError("values", values, "at least one value")
    first = values[0]
    if isinstance(first, Money):
        money = currency or first.currency
        amounts = []
        for i, value in enumerate(values):
            if not isinstance(value, Money) or value.currency != money:
                raise ValidationError(f"values[{i}]", value, f"a Money in {money}")
            amounts.append(value.amount)
        return summarize_amounts(amounts, money)
    numbers = []
    for i, value in enumerate(values):
        if not isinstance(value, Decimal):
            raise ValidationError(f"values[{i}]", value, "a Decimal like the first value")
        numbers.append(value)
    return Summary(len(numbers), *_statistics(numbers))


def summarize_amounts(amounts: Sequence[Decimal], currency: Currency) -> Summary[Money]:
    """What :func:`summarize` gives for ``amounts`` as Money in ``currency``, unchecked.

    For amounts taken from Money of that currency (a simulation's columns of figures):
    no Money is built per value.

    Raises:
        ValidationError: no amounts.
    """
    if not amounts:
        raise ValidationError("amounts", amounts, "at least one amount")
    stats = _statistics(list(amounts))
    return Summary(len(amounts), *(_rounded(s, currency) for s in stats))


def _rounded(statistic: Decimal, currency: Currency) -> Money:
    """A statistic of amounts as Money, rounded half-up to the minor unit.

    A mean or a deviation has up to 28 digits, beyond Money's 12 decimal places:
    it is rounded before it becomes Money, which would refuse it.
    """
    rounded = statistic.quantize(currency.quantum, rounding=decimal.ROUND_HALF_UP, context=_CONTEXT)
    return Money(rounded, currency)


def _statistics(values: list[Decimal]) -> tuple[Decimal, ...]:
    """mean, stdev, minimum, p10, p25, p50, p75, p90, maximum."""
    ordered = sorted(values)
    count = len(ordered)
    with decimal.localcontext(_CONTEXT):
        mean = sum(ordered, Decimal(0)) / count
        if count > 1:
            squares = sum(((v - mean) ** 2 for v in ordered), Decimal(0))
            stdev = (squares / (count - 1)).sqrt()
        else:
            stdev = Decimal(0)
        quantiles = [_interpolate(ordered, q) for q in _QUANTILES.values()]
    return (mean, stdev, ordered[0], *quantiles, ordered[-1])
