"""What applying scheduling events has established, and what became of each event.

The :class:`Ledger` is the state :func:`~ppa_core.events.applying.apply_events`
returns for its next call. Besides the appointments it keeps, per appointment,
the events that concern it (its **log**, in :func:`~ppa_core.events.event.event_order`),
so an event that arrives after later facts were applied, in this batch or an
earlier one, is put in its place: the appointment is rebuilt from its log.

Memory: the log holds each accepted event once (duplicates are not kept), about
as many events as the feed delivered for open appointments; the events pending
(deferred) stay until they can be applied. :meth:`Ledger.settle` drops the logs
of appointments the caller considers final (invoiced, correction window
closed): they keep their appointment and their keys, and a late event for one
is then a conflict instead of a rebuild.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ppa_core.domain.appointment import Appointment
from ppa_core.events.event import SchedulingEvent

__all__ = ["EventResult", "EventStatus", "Ledger"]


class EventStatus(enum.StrEnum):
    """What became of an event."""

    APPLIED = "applied"
    """It changed an appointment (or recorded presence)."""
    NOTED = "noted"
    """True, but it changes no appointment (a meeting start on the schedule, say)."""
    DUPLICATE = "duplicate"
    """Delivered before, or a fact the appointment already states: nothing changed."""
    DEFERRED = "deferred"
    """Waiting for another fact (an unknown booking, the other half of a reschedule)."""
    CONFLICT = "conflict"
    """It cannot be applied (an outcome before the start, a cancelled meeting held)."""


@attrs.frozen
class EventResult:
    """One event and what became of it.

    Attributes:
        event: the event.
        status: applied, noted, duplicate, deferred or conflict.
        reason: why, readably.
        appointment_id: the appointment it concerns, when known.
    """

    event: SchedulingEvent
    status: EventStatus
    reason: str
    appointment_id: str | None = None


def _keys(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _events(values: Iterable[SchedulingEvent]) -> tuple[SchedulingEvent, ...]:
    return tuple(values)


@attrs.frozen
class Ledger:
    """What the events applied so far have established.

    Attributes:
        appointments: the appointments by id.
        bookings: the appointment id of each booking reference seen.
        seen: the keys of the events taken (applied, noted, duplicate or conflict):
            a redelivery of one is a duplicate.
        log: per appointment, the events that concern it, in event order (what a late
            event is re-placed among).
        pending: the deferred events, tried again with every later batch.
        settled: the appointments whose log was dropped (:meth:`settle`).
    """

    appointments: Mapping[str, Appointment] = attrs.field(factory=dict, converter=_frozen_map)
    bookings: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    seen: frozenset[str] = attrs.field(factory=frozenset, converter=_keys)
    log: Mapping[str, tuple[SchedulingEvent, ...]] = attrs.field(
        factory=dict, converter=_frozen_map
    )
    pending: tuple[SchedulingEvent, ...] = attrs.field(default=(), converter=_events)
    settled: frozenset[str] = attrs.field(factory=frozenset, converter=_keys)

    def settle(self, appointment_ids: Iterable[str]) -> Ledger:
        """The ledger without the logs of ``appointment_ids`` (their appointments stay).

        A later event for a settled appointment is a conflict rather than a rebuild;
        a redelivery of an event already taken stays a duplicate.
        """
        ids = frozenset(appointment_ids) & frozenset(self.appointments)
        log = {k: v for k, v in self.log.items() if k not in ids}
        return attrs.evolve(self, log=log, settled=self.settled | ids)
