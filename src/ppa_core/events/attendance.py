"""Attendance from a video tool's join and leave events.

Join delay = the prospect's first join - the scheduled start (never negative);
attended minutes = the time the prospect and the host were both present: each
side's presence intervals are merged first (re-joins, two devices), then the two
sides are intersected. Minutes are whole, rounded down.

>>> import pendulum
>>> t = pendulum.datetime(2026, 3, 2, 10, tz="UTC")
>>> prospect = [(t.add(minutes=3), t.add(minutes=20)), (t.add(minutes=22), t.add(minutes=40))]
>>> host = [(t, t.add(minutes=45))]
>>> a = attendance_from_presence(t, prospect, host)
>>> a.join_delay_minutes, a.attended_minutes, sorted(str(x) for x in a.attendees)
(3, 35, ['client', 'prospect'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pendulum

from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor
from ppa_core.exceptions import ValidationError

__all__ = ["Interval", "attendance_from_presence", "merge_intervals"]

Interval = tuple[pendulum.DateTime, pendulum.DateTime]
"""A span of presence: (joined, left), both timezone-aware."""


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of ``intervals`` as disjoint intervals, in UTC and in order.

    Raises:
        ValidationError: an interval that ends before it starts.
    """
    spans = []
    for i, (joined, left) in enumerate(intervals):
        a, b = _utc(joined), _utc(left)
        if b < a:
            raise ValidationError(f"intervals[{i}]", (joined, left), "a leave at or after the join")
        spans.append((a, b))
    spans.sort()
    merged: list[Interval] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _overlap_seconds(left: Sequence[Interval], right: Sequence[Interval]) -> float:
    total, i, j = 0.0, 0, 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if end > start:
            total += end.timestamp() - start.timestamp()
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return total


def attendance_from_presence(
    start: pendulum.DateTime,
    prospect: Iterable[Interval],
    host: Iterable[Interval],
) -> Attendance:
    """The :class:`~ppa_core.domain.history.Attendance` of a meeting from presence intervals.

    Args:
        start: the scheduled start.
        prospect: the prospect's presence intervals (any order, overlapping allowed).
        host: the host's (client's rep's) presence intervals.

    Returns:
        The attendance: who was present at all, the prospect's join delay (0 when
        absent or early) and the minutes both were present.
    """
    mine, theirs = merge_intervals(prospect), merge_intervals(host)
    delay = 0
    if mine:
        delay = max(0, int((mine[0][0].timestamp() - _utc(start).timestamp()) // 60))
    attendees = {Actor.PROSPECT} if mine else set()
    if theirs:
        attendees.add(Actor.CLIENT)
    return Attendance(
        attended_minutes=int(_overlap_seconds(mine, theirs) // 60),
        join_delay_minutes=delay,
        attendees=frozenset(attendees),
    )
