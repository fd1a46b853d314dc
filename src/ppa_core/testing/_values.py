"""Strategies for money, currencies, timezones and instants; helpers shared by the others."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Any, TypeVar

import pendulum
from hypothesis import strategies as st

from ppa_core import _validation as v
from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.domain.money import CURRENCIES, Currency, Money
from ppa_core.domain.money import currency as currency_of
from ppa_core.exceptions import InvalidMoney, ValidationError

T = TypeVar("T")
S = AppointmentState

TIMEZONES: tuple[str, ...] = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",  # springs forward at midnight: some days have no 00:00
    "America/Havana",  # falls back from 01:00 to 00:00: some days have two
    "Australia/Lord_Howe",  # half-hour daylight saving
    "Pacific/Chatham",  # +12:45 / +13:45
    "Asia/Kolkata",  # +05:30, no daylight saving
    "Asia/Kathmandu",  # +05:45, no daylight saving
)
"""The zones :func:`timezones` draws from: with and without daylight saving, odd offsets."""

_NO_DST = frozenset({"UTC", "Asia/Kolkata", "Asia/Kathmandu"})

_EARLIEST = pendulum.datetime(2020, 1, 1, tz="UTC")
_LATEST = pendulum.datetime(2030, 12, 31, 23, 59, 59, tz="UTC")
_COMMON = ("EUR", "USD", "GBP", "JPY", "CHF", "BHD")
_CURRENCY_ORDER = tuple(
    sorted(
        CURRENCIES.values(),
        key=lambda c: (_COMMON.index(c.code) if c.code in _COMMON else len(_COMMON), c.code),
    )
)


def _maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """``strategy`` or unknown (None); shrinks towards unknown."""
    return st.one_of(st.none(), strategy)


def _around(default: int, low: int, high: int) -> st.SearchStrategy[int]:
    """The market default, or any whole number in ``[low, high]``; shrinks towards the default."""
    return st.one_of(st.just(default), st.integers(low, high))


class Choose:
    """A source of choices: whole numbers in a range, shrinking towards its low end.

    Hypothesis's draws inside a composite (:class:`_Drawing`), or seeded random numbers
    when a pool is built (``_pools``): the same drawing code serves both.
    """

    def __call__(self, low: int, high: int) -> int:
        """A whole number in ``[low, high]``: one choice."""
        raise NotImplementedError

    def bits(self, count: int) -> int:
        """``count`` (1 to 10) yes/no flags in one choice, each on half the time."""
        return self(0, 2**count - 1)


# Flags come from their own kind of strategy: Hypothesis's generate phase copies values
# between draws of one kind (every st.integers shares one label), and with flags drawn
# as integers like the picks the BANT filter was on in 97 of 400 criteria in one test
# order (tests/test_strategy_coverage.py asks for more than a quarter).
_FLAG_CHUNKS = tuple(st.sampled_from(range(2**n)) for n in range(11))


class _Drawing(Choose):
    """Choices read from Hypothesis, one draw each."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def __call__(self, low: int, high: int) -> int:
        return self._draw(_ints(low, high))

    def bits(self, count: int) -> int:
        return self._draw(_FLAG_CHUNKS[count])


def _flags(choose: Choose, count: int) -> int:
    """Which of ``count`` optional parts to draw, as bits: each part is on half the time.

    One choice per 10 parts where a boolean per part would take ``count``; shrinks towards
    0 (none).
    """
    # 10 bits to a choice: Hypothesis draws a whole number from a wider range mostly
    # small (with 13 bits the top one is set in about 15 % of draws, not half).
    on = 0
    for shift in range(0, count, 10):
        on |= choose.bits(min(10, count - shift)) << shift
    return on


def _subsets(
    items: tuple[T, ...], *, min_size: int = 0, max_size: int | None = None
) -> tuple[frozenset[T], ...]:
    """Every subset of ``items`` of ``min_size`` to ``max_size`` elements, built once.

    Smallest and earliest first: one :func:`_pick` of them is one choice and shrinks
    towards the smallest, earliest subset.
    """
    top = len(items) if max_size is None else max_size
    return tuple(
        frozenset(c) for k in range(min_size, top + 1) for c in itertools.combinations(items, k)
    )


@functools.cache
def _ids(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(1, 99_999).map(lambda n: f"{prefix}-{n}")


def _pdate(day: dt.date) -> pendulum.Date:
    return pendulum.Date(day.year, day.month, day.day)


# -- money and time -------------------------------------------------------------------


def _currency_option(field: str, value: Any) -> Currency:
    try:
        return currency_of(value)
    except ValidationError:
        raise ValidationError(
            field, value, "an ISO 4217 code such as 'EUR' or a Currency"
        ) from None


def _amount_option(field: str, value: Any) -> Decimal:
    if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
        # Read as Money reads an amount: the same text, the same limits (docs/limits.md).
        try:
            return Money(value, "EUR").amount
        except InvalidMoney as error:
            raise ValidationError(field, value, error.allowed) from None
    raise ValidationError(field, value, "a Decimal, int or decimal string (floats are refused)")


# Bounds are within Money's limits (30 digits): 60 digits compute them exactly,
# whatever the caller's global context says.
_BOUNDS = Context(prec=60)


def _unit_bounds(cur: Currency, low: Decimal, high: Decimal) -> tuple[int, int] | None:
    """The smallest and largest whole minor units in ``[low, high]``, or None if none fit."""
    lo = int(low.scaleb(cur.minor_units, _BOUNDS).to_integral_value(ROUND_CEILING, _BOUNDS))
    hi = int(high.scaleb(cur.minor_units, _BOUNDS).to_integral_value(ROUND_FLOOR, _BOUNDS))
    return (lo, hi) if lo <= hi else None


# Strategies are cached per argument: Hypothesis validates each new one, which is slow.
@functools.cache
def _money_in(cur: Currency, bounds: tuple[int, int]) -> st.SearchStrategy[Money]:
    digits = cur.minor_units
    return st.integers(*bounds).map(
        lambda units: Money(Decimal(units).scaleb(-digits, _BOUNDS), cur)
    )


# -- flat draws: one choice each, decoded here ----------------------------------------
# Inside a composite, ``draw(_ints(a, b))`` and a line of Python cost one choice; a
# ``one_of``, ``.map`` or ``builds`` around it adds a nested draw (Hypothesis's
# bookkeeping per draw is most of a contract's cost: benchmarks/bench_strategies.py).


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    """Whole numbers in ``[low, high]``, one strategy per range; shrinks towards ``low``."""
    return st.integers(low, high)


def _maybe_int(choose: Choose, low: int, high: int) -> int | None:
    """None or a whole number in ``[low, high]``, each half the time, as ``_maybe`` does.

    A yes/no choice, then the number; shrinks to None, then ``low``.
    """
    return choose(low, high) if choose(0, 1) else None


def _pick(choose: Choose, items: tuple[T, ...]) -> T:
    """One of ``items`` in one choice; shrinks towards the first."""
    return items[choose(0, len(items) - 1)]


def _amount(choose: Choose, cur: Currency, low: int, high: int) -> Money:
    """Money in ``cur`` rounded to its minor unit, ``low`` to ``high`` whole units; one choice.

    The same values and shrinking as :func:`money` (``low`` first), without building a
    strategy per currency: a new strategy is validated on its first draw.
    """
    scale = 10**cur.minor_units
    units = choose(low * scale, high * scale)
    return Money(Decimal(units).scaleb(-cur.minor_units, _BOUNDS), cur)


def _maybe_amount(choose: Choose, cur: Currency, low: int, high: int) -> Money | None:
    """None or :func:`_amount`, each half the time; shrinks to None, then ``low``."""
    return _amount(choose, cur, low, high) if choose(0, 1) else None


def currencies(*, codes: Iterable[str] | None = None) -> st.SearchStrategy[Currency]:
    """Known ISO 4217 currencies.

    Shrinks towards EUR; USD, GBP, JPY (no minor unit), CHF and BHD (three) come next.

    Args:
        codes: draw only these codes (default: every currency ppa_core knows).

    Returns:
        A strategy of :class:`~ppa_core.domain.money.Currency`.

    Raises:
        ValidationError: ``codes`` is empty or holds an unknown code (``codes[i]``).
    """
    if codes is None:
        return st.sampled_from(_CURRENCY_ORDER)
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        raise ValidationError("codes", codes, "a collection of ISO 4217 codes")
    chosen = tuple(_currency_option(f"codes[{i}]", c) for i, c in enumerate(codes))
    if not chosen:
        raise ValidationError("codes", codes, "at least one ISO 4217 code")
    return st.sampled_from(tuple(dict.fromkeys(chosen)))


def money(
    currency: Currency | str | None = None,
    min_amount: Decimal | int | str = 0,
    max_amount: Decimal | int | str = 100_000,
) -> st.SearchStrategy[Money]:
    """Money rounded to its currency's minor unit, within ``[min_amount, max_amount]``.

    Shrinks towards the amount closest to zero in range, in EUR when the currency is drawn.

    Args:
        currency: the currency (a Currency or code); None draws one from :func:`currencies`
            among those with a whole minor unit in range.
        min_amount: the smallest amount, inclusive (default 0).
        max_amount: the largest amount, inclusive (default 100,000).

    Returns:
        A strategy of :class:`~ppa_core.domain.money.Money` whose ``is_rounded`` is True.

    Raises:
        ValidationError: an unknown currency, a float or non-finite bound, a bound beyond
            Money's limits (docs/limits.md), bounds in the wrong order, or no amount in
            range rounded to the minor unit.
    """
    low = _amount_option("min_amount", min_amount)
    high = _amount_option("max_amount", max_amount)
    if high < low:
        raise ValidationError("max_amount", max_amount, f">= min_amount ({min_amount})")
    if currency is not None:
        cur = _currency_option("currency", currency)
        bounds = _unit_bounds(cur, low, high)
        if bounds is None:
            raise ValidationError(
                "max_amount", max_amount, f"far enough above min_amount to hold a whole {cur} unit"
            )
        return _money_in(cur, bounds)
    fitting = [(c, b) for c in _CURRENCY_ORDER if (b := _unit_bounds(c, low, high)) is not None]
    if not fitting:
        raise ValidationError("max_amount", max_amount, "wide enough to hold a rounded amount")
    return st.sampled_from(fitting).flatmap(lambda pair: _money_in(*pair))


def timezones(*, dst: bool | None = None) -> st.SearchStrategy[str]:
    """IANA timezone names from :data:`TIMEZONES`.

    Shrinks towards UTC (towards Europe/Berlin with ``dst=True``).

    Args:
        dst: True for zones with daylight saving only, False for zones without; None for all.

    Returns:
        A strategy of zone names such as ``"Europe/Berlin"``.

    Raises:
        ValidationError: ``dst`` is not a bool or None.
    """
    if dst is not None and not isinstance(dst, bool):
        raise ValidationError("dst", dst, "True, False or None")
    zones = TIMEZONES if dst is None else tuple(z for z in TIMEZONES if (z not in _NO_DST) is dst)
    return st.sampled_from(zones)


def _zone_option(field: str, value: Any) -> str:
    return v.zone_name(value, field)


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as a plain UTC datetime: exact microsecond arithmetic, no pendulum intervals."""
    u = moment.astimezone(dt.UTC)
    return dt.datetime(*u.timetuple()[:6], u.microsecond, tzinfo=dt.UTC)


def aware_datetimes(
    min_value: dt.datetime = _EARLIEST,
    max_value: dt.datetime = _LATEST,
    timezones: Iterable[str] | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[pendulum.DateTime]:
    """Timezone-aware instants in ``[min_value, max_value]``, read in a drawn zone.

    An instant is drawn first and then expressed in the zone, so skipped or repeated
    local times (daylight saving) never make an invalid value. Shrinks towards
    ``min_value`` in the first zone (UTC by default).

    Args:
        min_value: the earliest instant, aware (default 2020-01-01 UTC).
        max_value: the latest instant, aware (default 2030-12-31 23:59:59 UTC).
        timezones: zone names or a strategy of them (default :data:`TIMEZONES`).

    Returns:
        A strategy of aware :class:`pendulum.DateTime`.

    Raises:
        ValidationError: a naive or reversed bound (``NaiveDatetime``), or an unknown
            or empty set of zones.
    """
    low = _utc(v.to_datetime(min_value, "min_value"))
    high = _utc(v.to_datetime(max_value, "max_value"))
    if high < low:
        raise ValidationError("max_value", max_value, f">= min_value ({min_value})")
    if timezones is None:
        zones: st.SearchStrategy[str] = st.sampled_from(TIMEZONES)
    elif isinstance(timezones, st.SearchStrategy):
        zones = timezones
    elif isinstance(timezones, str) or not isinstance(timezones, Iterable):
        raise ValidationError("timezones", timezones, "a collection of IANA timezone names")
    else:
        names = tuple(_zone_option(f"timezones[{i}]", z) for i, z in enumerate(timezones))
        if not names:
            raise ValidationError("timezones", names, "at least one IANA timezone name")
        zones = st.sampled_from(names)
    span = (high - low) // dt.timedelta(microseconds=1)
    return st.builds(
        lambda us, zone: pendulum.instance(low + dt.timedelta(microseconds=us)).in_timezone(zone),
        st.integers(0, span),
        zones,
    )
