"""Sampling a simulated run: its rates, then each meeting's outcome, from seeded streams.

**Reproducible everywhere.** Run ``r`` of seed ``s`` draws from
``random.Random((s * 1_000_003 + r) * 64 + k)``, one generator per stream
``k`` (0 the per-period counts, 1 the meetings, 2 the deal values, 10 and up
one per rate of :data:`~ppa_core.modelling.plan.RATE_FIELDS`): a run never depends on
the runs before it, on how runs are split between processes, or on the
machine. Each meeting draws eight numbers whatever happens to it, so raising
the show rate turns some no-shows into meetings and changes nothing else
(common random numbers: comparisons across rates are smooth). A rate that is
fixed draws nothing, so its stream is never seeded.

What a run samples is plain data (:class:`Draw`): each meeting's :data:`Kind`
and the two numbers that decide, later, whether it becomes an opportunity and a
deal. :mod:`~ppa_core.modelling.simulation` turns kinds into appointments.
"""

from __future__ import annotations

import bisect
import decimal
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ppa_core.modelling.distribution import Distribution, Fixed
from ppa_core.modelling.plan import CampaignPlan

__all__ = [
    "DEALS",
    "HELD",
    "HOST_NO_SHOW",
    "LATE_JOIN",
    "NO_SHOW",
    "SHORT",
    "Draw",
    "Kind",
    "draw",
    "generator",
    "stream_seed",
]

COUNTS, MEETINGS, DEALS, RATES = 0, 1, 2, 10
"""The streams: per-period counts, meetings, deal values, and the first rate's."""

HELD, NO_SHOW, HOST_NO_SHOW, LATE_JOIN, SHORT = range(5)
"""A meeting's outcome: held in full, the prospect absent, the client's rep absent,
the prospect late, cut short."""

Kind = tuple[int, int, int, bool, int]
"""A sampled meeting: (period index, slot in the period, outcome, qualified, seniority index)."""


class Draw(NamedTuple):
    """What one run sampled.

    Attributes:
        kinds: each meeting's kind, period by period, slot by slot.
        later: each meeting's opportunity and close draws (uniform in [0, 1)).
        counts: meetings per period.
        leads: leads delivered per period (the meetings set, without a lead rate).
        rates: each rate of the plan drawn for the run, by name.
        shows: meetings the prospect joined.
    """

    kinds: list[Kind]
    later: list[tuple[float, float]]
    counts: tuple[int, ...]
    leads: list[int]
    rates: dict[str, float]
    shows: int


def stream_seed(seed: int, run: int, stream: int) -> int:
    """The seed of one random stream of one run (see the module's docstring)."""
    return (seed * 1_000_003 + run) * 64 + stream


def generator(seed: int, run: int, stream: int) -> random.Random:
    """The generator of stream ``stream`` of run ``run``."""
    # Reproducible simulation, not cryptography: a seeded Mersenne Twister is the point.
    return random.Random(stream_seed(seed, run, stream))  # noqa: S311


def _whole(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))


def _rates(plan: CampaignPlan, seed: int, run: int) -> dict[str, float]:
    rates: dict[str, float] = {}
    for k, (name, distribution) in enumerate(plan.rates()):
        if distribution is None:
            continue
        if isinstance(distribution, Fixed):  # draws nothing: no stream to seed
            rates[name] = float(distribution.value)
            continue
        rates[name] = float(distribution.sample(generator(seed, run, RATES + k)))
    return rates


def draw(  # noqa: PLR0917 - one call site, in the simulator
    plan: CampaignPlan,
    volume: Distribution[Decimal],
    periods: int,
    thresholds: Sequence[float],
    seed: int,
    run: int,
) -> Draw:
    """Sample run ``run`` of ``seed``: ``periods`` periods of ``volume`` meetings or leads each.

    ``thresholds``: the cumulative shares of the plan's seniorities but the last
    (empty: one seniority).
    """
    rates = _rates(plan, seed, run)
    show, host = rates["show_rate"], rates["host_no_show_rate"]
    late, short = rates["late_join_share"], rates["short_meeting_share"]
    qualify = rates["qualification_rate"]
    counts = generator(seed, run, COUNTS)
    meetings = generator(seed, run, MEETINGS).random
    converts = rates.get("lead_to_meeting_rate") if plan.leads is not None else None
    kinds: list[Kind] = []
    later: list[tuple[float, float]] = []
    per_period: list[int] = []
    leads: list[int] = []
    shows = 0
    for period in range(periods):
        delivered = _whole(volume.sample(counts))
        count = delivered
        if converts is not None:
            count = sum(1 for _ in range(delivered) if counts.random() < converts)
        leads.append(delivered)
        per_period.append(count)
        for slot in range(count):
            u_show, u_host, u_late, u_short = meetings(), meetings(), meetings(), meetings()
            u_qualify, u_seniority, u_opportunity, u_close = (
                meetings(),
                meetings(),
                meetings(),
                meetings(),
            )
            if u_show >= show:
                kind = NO_SHOW
            elif u_host < host:
                kind = HOST_NO_SHOW
            elif u_late < late:
                kind = LATE_JOIN
            elif u_short < short:
                kind = SHORT
            else:
                kind = HELD
            shows += kind != NO_SHOW
            seniority = bisect.bisect_right(thresholds, u_seniority) if thresholds else 0
            kinds.append((period, slot, kind, u_qualify < qualify, seniority))
            later.append((u_opportunity, u_close))
    return Draw(kinds, later, tuple(per_period), leads, rates, shows)
