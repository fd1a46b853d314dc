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

import bisect
import decimal
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

import attrs

from ppa_core.domain.money import Currency, Money
from ppa_core.exceptions import ValidationError

__all__ = [
    "Summary",
    "Tally",
    "TallyBuilder",
    "percentile",
    "summarize",
    "summarize_amounts",
    "summarize_tally",
    "summarize_tally_amounts",
]

V = TypeVar("V", Decimal, Money)

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.Inexact, decimal.Overflow],
)
"""Moves a decimal point exactly, whatever the number of digits."""
_ZERO = Decimal(0)
_DIGITS_28 = 10**28
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


@attrs.frozen
class Tally:
    """Samples as summaries need them: sorted, counted by value, with their exact sum.

    The chunks of a sweep are tallied where they are computed and the tallies added
    up (:class:`TallyBuilder`): the summary of the whole (:func:`summarize_tally`)
    is what :func:`summarize` gives for every sample, digit for digit, with the
    sorting and the sums done in pieces. Build tallies with :meth:`of` or
    :meth:`of_whole`.

    Samples are counted by value only when equal values are written alike (finite,
    one exponent throughout, no -0); otherwise ``counts`` is empty and ``values``
    holds every sample.

    Attributes:
        values: ascending; each value once when counted, else every sample (a stable sort).
        counts: how many samples have each value; empty when every sample is kept.
        units: each value's coefficient at ``exponent`` (value = unit * 10 ** exponent),
            as ints: a tally is added up by these, which hash and sort fast.
        exponent: the samples' exponent (counted tallies only).
        total: the sum of the samples, in units.
        magnitude: the sum of their absolute values, in units.
    """

    values: tuple[Decimal, ...]
    counts: tuple[int, ...] = ()
    units: tuple[int, ...] = ()
    exponent: int = 0
    total: int = 0
    magnitude: int = 0

    @classmethod
    def of(cls, samples: Iterable[Decimal]) -> Tally:
        """The tally of ``samples`` (Decimals, in any order; none gives an empty tally)."""
        ordered = sorted(samples)
        if not ordered:
            return cls(())
        first, size = ordered[0], len(ordered)
        exponent = first.as_tuple().exponent
        # Equal values written alike, or counting them would keep only one spelling;
        # -0 equals 0 and would lose its sign.
        zeros = ordered[bisect.bisect_left(ordered, _ZERO) : bisect.bisect_right(ordered, _ZERO)]
        if (
            not isinstance(exponent, int)
            or not all(map(first.same_quantum, ordered))
            or any(map(Decimal.is_signed, zeros))
        ):
            return cls(tuple(ordered))
        # Where a new value starts: comparing neighbours (hashing Decimals costs more).
        changes = map(operator.ne, ordered, itertools.islice(ordered, 1, None))
        starts = [0, *itertools.compress(range(1, size), changes)]
        values = tuple(map(ordered.__getitem__, starts))
        counts = tuple(map(operator.sub, [*starts[1:], size], starts))
        units = tuple(map(int, map(_EXACT.scaleb, values, itertools.repeat(-exponent))))
        total = sum(map(operator.mul, units, counts))
        magnitude = total if first >= 0 else sum(map(operator.mul, map(abs, units), counts))
        return cls(values, counts, units, exponent, total, magnitude)

    @classmethod
    def of_whole(cls, numbers: Iterable[int]) -> Tally:
        """The tally of whole numbers as Decimals (``Decimal(n)`` for each ``n``)."""
        counted = Counter(numbers)
        units = tuple(sorted(counted))
        counts = tuple(map(counted.__getitem__, units))
        total = sum(map(operator.mul, units, counts))
        magnitude = sum(map(operator.mul, map(abs, units), counts))
        return cls(tuple(map(Decimal, units)), counts, units, 0, total, magnitude)

    @property
    def count(self) -> int:
        """How many samples."""
        return sum(self.counts) if self.counts else len(self.values)

    def __reduce__(self) -> tuple[Callable[..., Tally], tuple[object, ...]]:
        # A Decimal pickles as a call on its string, one call each: the values travel as
        # one string instead, several times faster to write (str() gives back the same
        # Decimal, exponent and sign included).
        values = " ".join(map(str, self.values))
        fields = (self.counts, self.units, self.exponent, self.total, self.magnitude)
        return _unpickle_tally, (values, *fields)

    def samples(self) -> list[Decimal]:
        """Every sample, ascending."""
        if not self.counts:
            return list(self.values)
        return list(itertools.chain.from_iterable(map(itertools.repeat, self.values, self.counts)))


def _unpickle_tally(values: str, *fields: Any) -> Tally:
    return Tally(tuple(map(Decimal, values.split())), *fields)


class TallyBuilder:
    """Adds up the tallies of consecutive chunks of samples, in order, into one.

    Each :meth:`add` costs the chunk's distinct values (counted by their int units), so
    a sweep adds each chunk as it comes in, while later chunks are computed.
    """

    def __init__(self) -> None:
        self._parts: list[Tally] = []
        self._counts: dict[int, int] = {}
        self._values: dict[int, Decimal] = {}
        self._exponent: int | None = None
        self._counted = True
        self._total = self._magnitude = 0

    def add(self, part: Tally) -> None:
        """Add the tally of the next chunk."""
        self._parts.append(part)
        if not part.values or not self._counted:
            return
        if not part.counts or self._exponent not in (None, part.exponent):
            self._counted = False
            return
        self._exponent = part.exponent
        # Each unit's count so far plus the chunk's (a chunk's units are distinct, so each
        # is read before it is written), in C loops.
        counts, units = self._counts, part.units
        so_far = map(counts.get, units, itertools.repeat(0))
        counts.update(zip(units, map(operator.add, so_far, part.counts), strict=True))
        self._values.update(zip(part.units, part.values, strict=True))
        self._total += part.total
        self._magnitude += part.magnitude

    def build(self) -> Tally:
        """The tally of every chunk added."""
        if self._counted:
            if self._exponent is None:  # nothing added, or only empty chunks
                return Tally(())
            units = tuple(sorted(self._counts))
            values = tuple(map(self._values.__getitem__, units))
            counts = tuple(map(self._counts.__getitem__, units))
            return Tally(values, counts, units, self._exponent, self._total, self._magnitude)
        # A stable sort of the chunks' stable sorts, in chunk order, is the stable sort
        # of every sample in that order: what summarize() sorts.
        return Tally(tuple(sorted(itertools.chain.from_iterable(p.samples() for p in self._parts))))


class _Counted(Sequence[Decimal]):
    """The samples of a counted tally by position, ascending, without listing them."""

    def __init__(self, values: tuple[Decimal, ...], counts: tuple[int, ...]) -> None:
        self._values = values
        self._ends = list(itertools.accumulate(counts))

    def __len__(self) -> int:
        return self._ends[-1]

    @overload
    def __getitem__(self, index: int) -> Decimal: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Decimal]: ...

    def __getitem__(self, index: int | slice) -> Decimal | Sequence[Decimal]:
        if isinstance(index, slice):  # pragma: no cover - quantiles pick single values
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        return self._values[bisect.bisect_right(self._ends, index)]


def _tally_statistics(tally: Tally) -> tuple[Decimal, ...]:
    """What :func:`_statistics` gives for the tally's samples."""
    values, counts = tally.values, tally.counts
    if not counts:
        return _statistics(list(values))
    # Every partial sum of summarize()'s (in any order, from Decimal(0): at the exponent
    # min(0, e)) is within the sum of the absolute values: with at most 28 digits there,
    # it rounds nothing and is the exact total, written alike.
    exponent = tally.exponent
    scale = 10 ** max(0, exponent)
    if tally.magnitude * scale >= _DIGITS_28:
        return _statistics(tally.samples())
    total = Decimal(tally.total * scale).scaleb(min(0, exponent), _EXACT)
    count = sum(counts)
    with decimal.localcontext(_CONTEXT):
        mean = total / count
        one = count == 1  # no spread: 0
        stdev = Decimal(0) if one else (_squares(values, counts, mean) / (count - 1)).sqrt()
        ordered = _Counted(values, counts)
        quantiles = [_interpolate(ordered, q) for q in _QUANTILES.values()]
    return (mean, stdev, values[0], *quantiles, values[-1])


def _squares(values: tuple[Decimal, ...], counts: tuple[int, ...], mean: Decimal) -> Decimal:
    """The sum of squared deviations as :func:`_statistics` adds them (in the current context).

    Each value's square is computed once and added as many times as the value occurs,
    in ascending order: the same additions, rounded one by one.
    """
    terms = list(map(pow, map(operator.sub, values, itertools.repeat(mean)), itertools.repeat(2)))
    repeated = itertools.compress(range(len(counts)), map(operator.gt, counts, itertools.repeat(1)))
    total, start = Decimal(0), 0
    for index in repeated:  # the runs of values seen once are added in C, slice by slice
        total = sum(terms[start:index], total)
        total = sum(itertools.repeat(terms[index], counts[index]), total)
        start = index + 1
    return sum(terms[start:], total)


def summarize_tally(tally: Tally) -> Summary[Decimal]:
    """What :func:`summarize` gives for the tally's samples.

    Raises:
        ValidationError: an empty tally.
    """
    if not tally.values:
        raise ValidationError("tally", tally, "at least one value")
    return Summary(tally.count, *_tally_statistics(tally))


def summarize_tally_amounts(tally: Tally, currency: Currency) -> Summary[Money]:
    """What :func:`summarize_amounts` gives for the tally's samples in ``currency``.

    Raises:
        ValidationError: an empty tally.
    """
    if not tally.values:
        raise ValidationError("tally", tally, "at least one amount")
    stats = _tally_statistics(tally)
    return Summary(tally.count, *(_rounded(s, currency) for s in stats))
