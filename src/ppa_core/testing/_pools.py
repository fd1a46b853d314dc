"""Pools of prebuilt values: one choice draws a whole piece that would take many.

Hypothesis's bookkeeping per choice is most of what a contract costs to generate
(benchmarks/bench_strategies.py --profile contracts). A pool runs the same drawing
code as the strategy, fed by seeded random numbers instead of Hypothesis, ``size``
times, and keeps the values simplest first (the fewest choices, then the smallest, as
Hypothesis orders examples). Drawing from it is one choice: an index that shrinks
towards the simplest value. One choice in ``fresh`` of the index range draws a value
anew from Hypothesis instead, so every value the strategy can make stays reachable.

The seeds are fixed: a pool is the same in every process, so Hypothesis's database
replays the same example. Values are frozen and shared between examples.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from ppa_core.testing._values import Choose

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

_NARROW = 1_024
_CACHE_LIMIT = 20_000  # values kept per pool across keys (currencies): a few MB at most


class _Lowest(Choose):
    """The lowest choice everywhere: the simplest value."""

    def __call__(self, low: int, high: int) -> int:
        return low


class _Seeded(Choose):
    """Random choices from one seed, recorded as offsets from each range's low end.

    Like Hypothesis, it picks either end of a wide range (an amount, a day) more often
    than the middle (``low`` one time in 8, ``high`` one in 16), so pooled values include
    their bounds; flags and picks (up to 1,024 options) are uniform, so each optional
    part is on half the time.
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.record: list[int] = []

    def __call__(self, low: int, high: int) -> int:
        u = self._random.random()
        if high - low < _NARROW:
            value = low + int(u * (high - low + 1))
        elif u < 1 / 8:
            value = low
        elif u < 3 / 16:
            value = high
        else:
            value = low + int(self._random.random() * (high - low + 1))
        self.record.append(value - low)
        return value


class Pool(Generic[K, T]):
    """``size`` values of ``build(choose, key)`` per key, simplest first, and a way back.

    Args:
        build: the strategy's drawing code: a value from a source of choices and a key
            (what the values depend on, such as the currency).
        size: values per key; index 0 is the value of the lowest choice everywhere.
        reference: the key whose values set the order for every key (a value's
            choices differ between keys only in their ranges, e.g. a currency's minor
            units), so a pool for a new key costs only the values drawn from it.
        fresh: how many indices past ``size`` draw a value anew (see the module).
    """

    def __init__(
        self,
        build: Callable[[Choose, K], T],
        size: int,
        reference: Callable[[K], K],
        fresh: int,
    ) -> None:
        self._build = build
        self._size = size
        self._reference = reference
        self._fresh = fresh
        self._orders: dict[K, tuple[int, ...]] = {}
        self._values: dict[tuple[K, int], T] = {}

    def _order(self, ref: K) -> tuple[int, ...]:
        """Seeds of distinct values, simplest first (seed -1: the lowest choice everywhere)."""
        order = self._orders.get(ref)
        if order is None:
            keyed: dict[tuple[int, ...], int] = {(): -1}
            seed = 0
            while len(keyed) < self._size:
                choose = _Seeded(seed)
                value = self._build(choose, ref)
                if tuple(choose.record) not in keyed and any(choose.record):
                    keyed[tuple(choose.record)] = seed
                    self._values[ref, seed] = value
                seed += 1
            ranked = sorted(keyed.items(), key=lambda item: (len(item[0]), item[0]))
            order = self._orders[ref] = tuple(seed for _, seed in ranked)
        return order

    def value(self, key: K, index: int) -> T:
        """The value at ``index`` (0 is the simplest) for ``key``."""
        seed = self._order(self._reference(key))[index]
        found = self._values.get((key, seed))
        if found is None:
            if len(self._values) >= _CACHE_LIMIT:
                self._values.clear()
            choose = _Lowest() if seed < 0 else _Seeded(seed)
            found = self._values[key, seed] = self._build(choose, key)
        return found

    def draw(self, choose: Choose, key: K) -> T:
        """A pooled value in one choice, or, one time in ``fresh``/(size + fresh), a new one."""
        index = choose(0, self._size + self._fresh - 1)
        if index >= self._size:
            return self._build(choose, key)
        return self.value(key, index)
