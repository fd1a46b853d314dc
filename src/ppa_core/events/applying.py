"""Applying scheduling events to appointments: idempotent and independent of arrival order.

:func:`apply_events` takes the :class:`Ledger` known so far (appointments, which
booking reference belongs to which, the keys already applied, presence seen in
video meetings), a batch of events and the caller's :class:`Identity`, and
returns the new ledger with one :class:`EventResult` per event: applied, noted
(true but no lifecycle change), duplicate, deferred (waiting for another fact)
or conflict (cannot be applied), each with its reason. Nothing is dropped
silently and nothing is half-applied: an event either makes its whole change or
none.

Within a batch, events are sorted by :func:`~ppa_core.events.event.event_order`
and deduplicated by key, so the same events in any order and any number of
deliveries give the same ledger. Across batches, a key already applied is a
duplicate and a fact the appointment already states is a no-op; to place an
event older than facts already applied, replay all the events in one batch.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

import attrs
import pendulum

from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.prospect import Prospect
from ppa_core.domain.retraction import retract
from ppa_core.events.attendance import Interval, attendance_from_presence
from ppa_core.events.event import EventKind, Participant, SchedulingEvent, event_order
from ppa_core.exceptions import PpaError

__all__ = [
    "Applied",
    "Directory",
    "EventResult",
    "EventStatus",
    "Identity",
    "Ledger",
    "apply_events",
]

S = AppointmentState
K = EventKind


class Identity(Protocol):
    """The caller's knowledge of who is who (the tools' ids mean nothing to ppa_core)."""

    def prospect_for(self, event: SchedulingEvent) -> Prospect | None:
        """The prospect who booked (by the invitee's email, say); None when unknown."""
        ...

    def is_host(self, participant: Participant, event: SchedulingEvent) -> bool:
        """True when ``participant`` is the client's rep (the host) of the meeting."""
        ...

    def appointment_for(self, booking: str) -> str | None:
        """The appointment id a booking reference belongs to; None: not known (a new one)."""
        ...


def _lower_keys(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k.lower(): v for k, v in dict(value).items()})


def _lowered(values: Iterable[str]) -> frozenset[str]:
    return frozenset(x.lower() for x in values)


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Directory:
    """A ready-made :class:`Identity` from three look-up tables.

    Attributes:
        prospects: the prospect for each invitee email (case-insensitive).
        hosts: the hosts' emails or participant ids (case-insensitive).
        bookings: the appointment id for booking references the caller already knows
            (a video meeting's ``"zoom:<id>"``, say); others become new appointments
            named by their reference.
    """

    prospects: Mapping[str, Prospect] = attrs.field(factory=dict, converter=_lower_keys)
    hosts: frozenset[str] = attrs.field(factory=frozenset, converter=_lowered)
    bookings: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)

    def prospect_for(self, event: SchedulingEvent) -> Prospect | None:
        """The prospect whose email the event names."""
        email = event.invitee_email
        return None if email is None else self.prospects.get(email.lower())

    def is_host(self, participant: Participant, event: SchedulingEvent) -> bool:
        """True when the participant's email or id is a host's."""
        email = (participant.email or "").lower()
        return email in self.hosts or participant.id.lower() in self.hosts

    def appointment_for(self, booking: str) -> str | None:
        """The appointment id the caller gave for ``booking``."""
        return self.bookings.get(booking)


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


@attrs.frozen
class Ledger:
    """What the events applied so far have established.

    Attributes:
        appointments: the appointments by id.
        bookings: the appointment id of each booking reference seen.
        seen: the keys of the events applied, noted or found duplicate.
        presence: the joins and leaves seen in each appointment's video meeting, in order.
    """

    appointments: Mapping[str, Appointment] = attrs.field(factory=dict, converter=_frozen_map)
    bookings: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    seen: frozenset[str] = attrs.field(factory=frozenset, converter=_keys)
    presence: Mapping[str, tuple[SchedulingEvent, ...]] = attrs.field(
        factory=dict, converter=_frozen_map
    )


@attrs.frozen
class Applied:
    """The result of :func:`apply_events`: the new ledger and one result per event, in order."""

    ledger: Ledger
    results: tuple[EventResult, ...]

    @property
    def appointments(self) -> Mapping[str, Appointment]:
        """The appointments after the batch."""
        return self.ledger.appointments

    def having(self, status: EventStatus) -> tuple[EventResult, ...]:
        """The results with ``status``."""
        return tuple(r for r in self.results if r.status is status)

    @property
    def deferred(self) -> tuple[SchedulingEvent, ...]:
        """The deferred events, to pass again with a later batch."""
        return tuple(r.event for r in self.results if r.status is EventStatus.DEFERRED)


class _Outcome(Exception):
    """Internal: how one event ended, raised from deep in a handler."""

    def __init__(self, status: EventStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def apply_events(
    ledger: Ledger,
    events: Iterable[SchedulingEvent],
    identity: Identity,
    *,
    correction_window_days: int | None = None,
) -> Applied:
    """Apply a batch of events to the ledger.

    Args:
        ledger: what is known so far (``Ledger()`` to start).
        events: the batch, in any order, duplicates allowed.
        identity: the caller's look-ups (see :class:`Identity` and :class:`Directory`).
        correction_window_days: when given, a correction or retraction later than this
            many days after the meeting is a conflict (the contract's correction window).

    Returns:
        The new ledger and, per event in :func:`~ppa_core.events.event.event_order`,
        what became of it.
    """
    run = _Run(ledger, identity, correction_window_days)
    ordered = sorted(events, key=event_order)
    run.moved = frozenset(e.previous_booking for e in ordered if e.previous_booking is not None)
    results = [run.apply(e) for e in ordered]
    return Applied(run.ledger(), tuple(results))


class _Run:
    """The mutable working state of one :func:`apply_events` call (never escapes it)."""

    def __init__(self, ledger: Ledger, identity: Identity, window: int | None) -> None:
        self.apps = dict(ledger.appointments)
        self.bookings = dict(ledger.bookings)
        self.seen = set(ledger.seen)
        self.presence = {k: list(v) for k, v in ledger.presence.items()}
        self.identity = identity
        self.window = window
        self.batch: set[str] = set()
        self.moved: frozenset[str] = frozenset()

    def ledger(self) -> Ledger:
        presence = {k: tuple(sorted(v, key=event_order)) for k, v in self.presence.items()}
        return Ledger(self.apps, self.bookings, frozenset(self.seen), presence)

    def apply(self, event: SchedulingEvent) -> EventResult:
        if event.key in self.seen or event.key in self.batch:
            aid = self.bookings.get(event.booking)
            return EventResult(event, EventStatus.DUPLICATE, "delivered before", aid)
        self.batch.add(event.key)
        aid = self.find(event.booking)
        try:
            aid, reason = _HANDLERS[event.kind](self, event, aid)
            status = EventStatus.APPLIED
        except _Outcome as outcome:
            status, reason = outcome.status, outcome.reason
        except PpaError as error:  # the lifecycle refused it: nothing was changed
            status, reason = EventStatus.CONFLICT, str(error)
        if status in (EventStatus.APPLIED, EventStatus.NOTED, EventStatus.DUPLICATE):
            self.seen.add(event.key)
        return EventResult(event, status, reason, aid)

    # -- look-ups ------------------------------------------------------------------------

    def find(self, booking: str | None) -> str | None:
        if booking is None:
            return None
        aid = self.bookings.get(booking) or self.identity.appointment_for(booking)
        return aid if aid in self.apps else None

    def known(self, event: SchedulingEvent, aid: str | None) -> Appointment:
        if aid is None:
            raise _Outcome(EventStatus.DEFERRED, f"booking {event.booking!r} is not known yet")
        return self.apps[aid]

    def deadline(self, a: Appointment) -> pendulum.DateTime | None:
        return None if self.window is None else a.correction_deadline(self.window)

    def attendance(self, aid: str, a: Appointment, end: pendulum.DateTime) -> Attendance | None:
        seen = sorted(self.presence.get(aid, ()), key=event_order)
        if not seen:
            return None
        open_: dict[str, pendulum.DateTime] = {}
        sides: dict[bool, list[Interval]] = {True: [], False: []}
        hosts: dict[str, bool] = {}
        for e in seen:
            p = e.participant
            if p is None:
                continue
            host = hosts.setdefault(p.id, self.identity.is_host(p, e))
            if e.kind is K.PARTICIPANT_JOINED:
                open_.setdefault(p.id, e.occurred_at)
            elif p.id in open_:
                joined = open_.pop(p.id)
                sides[host].append((joined, max(joined, e.occurred_at, key=_utc)))
        for pid, joined in open_.items():  # still in the meeting when it ended
            sides[hosts[pid]].append((joined, max(joined, end, key=_utc)))
        return attendance_from_presence(a.start, sides[False], sides[True])


def _book(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    if aid is not None:
        a = run.apps[aid]
        if e.kind is K.BOOKED and a.state is S.PROPOSED:
            run.apps[aid] = a.schedule(at=e.occurred_at, actor=Actor.PROSPECT)
            return aid, "the booking request was accepted"
        raise _Outcome(EventStatus.DUPLICATE, "the booking is already known")
    prospect = run.identity.prospect_for(e)
    if prospect is None:
        raise _Outcome(EventStatus.DEFERRED, f"no prospect is known for {e.invitee_email!r}")
    if e.start is None:
        raise _Outcome(EventStatus.CONFLICT, "a booking without a start")
    new = run.identity.appointment_for(e.booking) or e.booking
    minutes = 30
    if e.end is not None:
        minutes = max(1, int((_utc(e.end).timestamp() - _utc(e.start).timestamp()) // 60))
    a = Appointment.propose(
        new,
        prospect,
        start=e.start,
        at=e.occurred_at,
        actor=Actor.PROSPECT,
        duration_minutes=minutes,
    )
    if e.kind is K.BOOKED:
        a = a.schedule(at=e.occurred_at, actor=Actor.PROSPECT)
    run.apps[new] = a
    run.bookings[e.booking] = new
    return new, "booked" if e.kind is K.BOOKED else "requested (proposed)"


def _reschedule(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    if aid is not None:
        raise _Outcome(EventStatus.DUPLICATE, "the reschedule is already applied")
    old = run.find(e.previous_booking)
    if old is None or e.start is None:
        raise _Outcome(
            EventStatus.DEFERRED, f"the booking it moves ({e.previous_booking!r}) is not known yet"
        )
    a = run.apps[old]
    run.apps[old] = a.reschedule(to=e.start, at=e.occurred_at, actor=e.actor or Actor.PROSPECT)
    run.bookings[e.booking] = old
    return old, f"rescheduled to {e.start}"


def _reschedule_cancelled(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    if run.find(e.new_booking) is not None or e.booking in run.moved:
        raise _Outcome(EventStatus.NOTED, "the cancel half of a reschedule: the create moves it")
    raise _Outcome(
        EventStatus.DEFERRED,
        f"the cancel half of a reschedule; the other half ({e.new_booking!r}) is not seen yet",
    )


def _cancel(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    a = run.known(e, aid)
    actor = Actor.CLIENT if e.kind is K.REJECTED else (e.actor or Actor.UNKNOWN)
    if a.state is S.CANCELLED:
        raise _Outcome(EventStatus.DUPLICATE, "already cancelled")
    run.apps[aid] = a.cancel(at=e.occurred_at, actor=actor, reason=e.reason)  # type: ignore[index]
    return aid, f"cancelled by the {actor}"


def _no_show(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    a = run.known(e, aid)
    absent = e.absent or frozenset({Actor.PROSPECT})
    if a.state is S.NO_SHOW:
        if absent <= (a.absent or frozenset()):
            raise _Outcome(EventStatus.DUPLICATE, "already a no-show of the same parties")
        absent |= a.absent or frozenset()
        a = a.correct(to=S.NO_SHOW, at=e.occurred_at, absent=absent, deadline=run.deadline(a))
    elif a.state is S.HELD:
        a = a.correct(to=S.NO_SHOW, at=e.occurred_at, absent=absent, deadline=run.deadline(a))
    else:
        a = a.no_show(at=e.occurred_at, absent=absent, reason=e.reason)
    run.apps[aid] = a  # type: ignore[index]
    return aid, "no-show of the " + ", ".join(sorted(absent))


def _unmark(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    a = run.known(e, aid)
    if a.state is not S.NO_SHOW:
        raise _Outcome(EventStatus.DUPLICATE, f"not a no-show ({a.state}): nothing to take back")
    run.apps[aid] = retract(  # type: ignore[index]
        a, at=e.occurred_at, reason=e.reason or "no-show taken back", deadline=run.deadline(a)
    )
    return aid, "no-show taken back"


def _started(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    raise _Outcome(EventStatus.NOTED, "a start says nothing about attendance")


def _ended(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    if e.on_schedule:
        raise _Outcome(EventStatus.NOTED, "fires on the schedule: says nothing about attendance")
    a = run.known(e, aid)
    attendance = run.attendance(aid, a, e.occurred_at)  # type: ignore[arg-type]
    if a.state in (S.SCHEDULED, S.CONFIRMED):
        run.apps[aid] = a.hold(at=e.occurred_at, attendance=attendance)  # type: ignore[index]
        return aid, "held, attendance unknown" if attendance is None else "held"
    if a.state is S.HELD and attendance is not None and attendance != a.attendance:
        run.apps[aid] = a.correct(  # type: ignore[index]
            to=S.HELD, at=e.occurred_at, attendance=attendance, deadline=run.deadline(a)
        )
        return aid, "attendance from the video meeting"
    if a.state is S.NO_SHOW and attendance is not None and attendance.prospect_attended:
        run.apps[aid] = a.correct(  # type: ignore[index]
            to=S.HELD, at=e.occurred_at, attendance=attendance, deadline=run.deadline(a)
        )
        return aid, "the video meeting shows the prospect joined: corrected to held"
    if a.state in (S.HELD, S.NO_SHOW):
        raise _Outcome(EventStatus.DUPLICATE, f"the outcome is already recorded ({a.state})")
    raise _Outcome(EventStatus.CONFLICT, f"a video meeting ended for an appointment {a.state}")


def _presence(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    a = run.known(e, aid)
    run.presence.setdefault(aid, []).append(e)  # type: ignore[arg-type]
    if a.state is S.HELD and a.attendance is None:  # late presence fills in the minutes
        end = a.outcome_at or e.occurred_at
        attendance = run.attendance(aid, a, end)  # type: ignore[arg-type]
        if attendance is not None:
            run.apps[aid] = a.correct(  # type: ignore[index]
                to=S.HELD, at=e.occurred_at, attendance=attendance, deadline=run.deadline(a)
            )
            return aid, "attendance now known"
    return aid, "presence recorded"


_HANDLERS = {
    K.REQUESTED: _book,
    K.BOOKED: _book,
    K.RESCHEDULED: _reschedule,
    K.RESCHEDULE_CANCELLED: _reschedule_cancelled,
    K.MEETING_STARTED: _started,
    K.PARTICIPANT_JOINED: _presence,
    K.PARTICIPANT_LEFT: _presence,
    K.MEETING_ENDED: _ended,
    K.NO_SHOW_MARKED: _no_show,
    K.NO_SHOW_UNMARKED: _unmark,
    K.CANCELLED: _cancel,
    K.REJECTED: _cancel,
}
