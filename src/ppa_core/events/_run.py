"""The working state of one :func:`~ppa_core.events.applying.apply_events` call and its handlers.

Private: :mod:`ppa_core.events.applying` is the public face. A handler takes the
run, the event and the appointment id its booking belongs to (None: not known),
and returns the appointment id and a reason, or raises :class:`_Outcome` (noted,
duplicate, deferred, conflict) or the lifecycle's :class:`~ppa_core.exceptions.PpaError`
(a conflict); either way it changes ``run.apps`` only on success.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pendulum

from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.retraction import retract
from ppa_core.events.attendance import Interval, attendance_from_presence
from ppa_core.events.event import EventKind, SchedulingEvent, event_order
from ppa_core.events.identity import Identity
from ppa_core.events.ledger import EventResult, EventStatus, Ledger
from ppa_core.exceptions import PpaError

S = AppointmentState
K = EventKind
_Order = tuple[pendulum.DateTime, int, str]
_PRESENCE = (K.PARTICIPANT_JOINED, K.PARTICIPANT_LEFT)


class _Outcome(Exception):
    """Internal: how one event ended, raised from deep in a handler."""

    def __init__(self, status: EventStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class _Run:
    """The mutable working state of one call (never escapes it)."""

    def __init__(self, ledger: Ledger, identity: Identity, window: int | None) -> None:
        self.apps = dict(ledger.appointments)
        self.bookings = dict(ledger.bookings)
        self.seen = set(ledger.seen)
        # Tuples, extended by copy: a log is a few events, and the ledger's need no copy.
        self.log = dict(ledger.log)
        self.settled = ledger.settled
        self.identity = identity
        self.window = window
        self.moved: set[str] = set()
        self.orders: dict[str, _Order] = {}
        self.unplaced: list[SchedulingEvent] = []  # logged events a rebuild could not place

    def ledger(self, pending: list[SchedulingEvent]) -> Ledger:
        return Ledger(
            self.apps, self.bookings, frozenset(self.seen), self.log, pending, self.settled
        )

    def order(self, event: SchedulingEvent) -> _Order:
        found = self.orders.get(event.key)
        if found is None:
            found = self.orders[event.key] = event_order(event)
        return found

    # -- taking one event ----------------------------------------------------------------

    def take(self, event: SchedulingEvent) -> EventResult:
        """Apply one event not yet taken, re-placing it when it is older than its log."""
        aid = self.find(event.booking)
        target = aid
        if target is None and event.kind is K.RESCHEDULED:
            target = self.find(event.previous_booking)
        if target is not None:
            if target in self.settled:
                self.seen.add(event.key)
                reason = "the appointment is settled: its events are no longer kept to re-place"
                return EventResult(event, EventStatus.CONFLICT, reason, target)
            log = self.log.get(target)
            if log and self.order(event) < self.order(log[-1]):
                if self.order(event) < self.order(log[0]):
                    self.seen.add(event.key)
                    reason = f"it occurred before its booking was made ({log[0].occurred_at})"
                    return EventResult(event, EventStatus.CONFLICT, reason, target)
                return self.rebuild(target, event)
        return self.handle(event, aid)

    def handle(self, event: SchedulingEvent, aid: str | None) -> EventResult:
        try:
            aid, reason = _HANDLERS[event.kind](self, event, aid)
            status = EventStatus.APPLIED
        except _Outcome as outcome:
            status, reason = outcome.status, outcome.reason
        except PpaError as error:  # the lifecycle refused it: nothing was changed
            status, reason = EventStatus.CONFLICT, str(error)
        if status is not EventStatus.DEFERRED:
            self.seen.add(event.key)
            if aid is not None:
                self.log[aid] = (*self.log.get(aid, ()), event)
        return EventResult(event, status, reason, aid)

    def rebuild(self, target: str, event: SchedulingEvent) -> EventResult:
        """Replay the appointment's log with ``event`` in its place (event order)."""
        events = sorted([*self.log.pop(target), event], key=self.order)
        at = events.index(event)
        del self.apps[target]
        for e in events:  # the booking references the replay maps again
            if self.bookings.get(e.booking) == target:
                del self.bookings[e.booking]
        # The cancel half of a reschedule is noted when its create half is in the log,
        # even if the create half is replayed after it.
        self.moved.update(e.previous_booking for e in events if e.previous_booking is not None)
        replayed = [self.handle(e, self.find(e.booking)) for e in events]
        for r in replayed:
            if r.event is not event and r.status is EventStatus.DEFERRED:
                # Cannot happen while the log starts with the booking: wait, to be safe.
                self.seen.discard(r.event.key)
                self.unplaced.append(r.event)
        result, later = replayed[at], len(events) - 1 - at
        reason = f"{result.reason} (placed before {later} later event(s): history rebuilt)"
        return attrs.evolve(result, reason=reason)

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

    def is_prospect(self, event: SchedulingEvent, a: Appointment, emails: frozenset[str]) -> bool:
        """True when one of ``emails`` is the appointment's prospect's (the caller says)."""
        for email in sorted(emails):
            found = self.identity.prospect_for(attrs.evolve(event, invitee_email=email))
            if found is not None and found.id == a.prospect.id:
                return True
        return False

    def attendance(
        self, aid: str, a: Appointment, end: pendulum.DateTime, also: SchedulingEvent | None = None
    ) -> Attendance | None:
        """Attendance from the joins and leaves logged (and ``also``); open ones end at ``end``."""
        seen = [e for e in self.log.get(aid, ()) if e.kind in _PRESENCE]
        if also is not None:
            seen.append(also)
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

    def meeting_end(self, aid: str, fallback: pendulum.DateTime) -> pendulum.DateTime:
        """When the video meeting ended, from the log (``fallback`` when not seen)."""
        for e in reversed(self.log.get(aid, ())):
            if e.kind is K.MEETING_ENDED and not e.on_schedule:
                return e.occurred_at
        return fallback


_Handler = Callable[[_Run, SchedulingEvent, "str | None"], tuple["str | None", str]]


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
    run.moved.add(e.previous_booking or old)
    return old, f"rescheduled to {e.start}"


def _reschedule_cancelled(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    if aid is None:  # waits for the booking, so that it is logged with it
        raise _Outcome(
            EventStatus.DEFERRED, f"the booking it cancels ({e.booking!r}) is not known yet"
        )
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


def _parties(run: _Run, e: SchedulingEvent, a: Appointment) -> tuple[frozenset[Actor], bool]:
    """Who the no-show event marks absent, and whether it takes them back (unmarks).

    Cal.com names the attendees it marked or unmarked (``e.marked``/``e.unmarked``):
    only the appointment's prospect among them matters (a guest's no-show is not the
    prospect's). Without names, ``e.absent`` (default the prospect) is who.
    """
    if not (e.marked or e.unmarked):
        return e.absent or frozenset({Actor.PROSPECT}), e.kind is K.NO_SHOW_UNMARKED
    if run.is_prospect(e, a, e.marked):
        return frozenset({Actor.PROSPECT}), False
    if run.is_prospect(e, a, e.unmarked):
        return frozenset({Actor.PROSPECT}), True
    names = ", ".join(sorted(e.marked | e.unmarked))
    raise _Outcome(EventStatus.NOTED, f"about a guest ({names}), not the prospect: nothing changes")


def _no_show(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    a = run.known(e, aid)
    absent, taken_back = _parties(run, e, a)
    if taken_back:
        return _take_back(run, e, aid, a, absent)
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


def _take_back(
    run: _Run, e: SchedulingEvent, aid: str | None, a: Appointment, back: frozenset[Actor]
) -> tuple[str | None, str]:
    """Take back the no-show of ``back`` only: the other parties' no-show stays."""
    absent = a.absent or frozenset()
    if a.state is not S.NO_SHOW or not back & absent:
        who = ", ".join(sorted(back))
        raise _Outcome(EventStatus.DUPLICATE, f"no no-show of the {who} to take back ({a.state})")
    remaining = absent - back
    reason = e.reason or "no-show taken back"
    if remaining:
        run.apps[aid] = a.correct(  # type: ignore[index]
            to=S.NO_SHOW, at=e.occurred_at, absent=remaining, reason=reason,
            deadline=run.deadline(a),
        )  # fmt: skip
        return aid, f"no-show of the {', '.join(sorted(back & absent))} taken back; " + (
            "still a no-show of the " + ", ".join(sorted(remaining))
        )
    run.apps[aid] = retract(a, at=e.occurred_at, reason=reason, deadline=run.deadline(a))  # type: ignore[index]
    return aid, "no-show taken back"


def _started(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    run.known(e, aid)  # noted with its appointment (in its log), so it waits for it
    raise _Outcome(EventStatus.NOTED, "a start says nothing about attendance")


def _ended(run: _Run, e: SchedulingEvent, aid: str | None) -> tuple[str | None, str]:
    a = run.known(e, aid)
    if e.on_schedule:
        raise _Outcome(EventStatus.NOTED, "fires on the schedule: says nothing about attendance")
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
    if a.state is S.HELD:
        # Attendance is the presence intervals (domain.md 10): a join or leave after the
        # outcome (a leave after the meeting ended, or the first presence of a meeting
        # held with attendance unknown) makes it again from all of them.
        end = run.meeting_end(aid, a.outcome_at or e.occurred_at)  # type: ignore[arg-type]
        attendance = run.attendance(aid, a, end, also=e)  # type: ignore[arg-type]
        if attendance is not None and attendance != a.attendance:
            run.apps[aid] = a.correct(  # type: ignore[index]
                to=S.HELD, at=e.occurred_at, attendance=attendance, deadline=run.deadline(a)
            )
            known = "now known" if a.attendance is None else "corrected"
            return aid, f"attendance {known} from the video meeting's presence"
    return aid, "presence recorded"


_HANDLERS: dict[EventKind, _Handler] = {
    K.REQUESTED: _book,
    K.BOOKED: _book,
    K.RESCHEDULED: _reschedule,
    K.RESCHEDULE_CANCELLED: _reschedule_cancelled,
    K.MEETING_STARTED: _started,
    K.PARTICIPANT_JOINED: _presence,
    K.PARTICIPANT_LEFT: _presence,
    K.MEETING_ENDED: _ended,
    K.NO_SHOW_MARKED: _no_show,
    K.NO_SHOW_UNMARKED: _no_show,
    K.CANCELLED: _cancel,
    K.REJECTED: _cancel,
}
