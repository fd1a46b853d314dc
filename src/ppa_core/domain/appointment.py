"""Appointment: an immutable state machine with its full history.

States run ``proposed`` -> ``scheduled`` -> (``confirmed``) -> one outcome (``held``,
``no_show``, ``cancelled`` or ``void``) along :mod:`ppa_core.domain.lifecycle`'s table.
Every transition is a :class:`~ppa_core.domain.history.HistoryEntry` (action,
timestamp, actor, reason and its facts); the state is the replay of the history
(:mod:`ppa_core.domain.history`), so an appointment never disagrees with its own
past. A transition returns a new appointment. The client's disputes are
:class:`~ppa_core.domain.dispute.Dispute` values kept beside the history.

>>> import pendulum
>>> from ppa_core.domain.prospect import Company, Prospect
>>> p = Prospect(id="p-1", name="Ada", job_title="CTO", company=Company(name="Acme"))
>>> t = pendulum.datetime(2026, 3, 2, 10, tz="Europe/Berlin")
>>> a = Appointment.propose("a-1", p, start=t, at=t.subtract(days=7))
>>> a = a.schedule(at=t.subtract(days=6), actor=Actor.PROSPECT)
>>> a = a.hold(at=t.add(minutes=40), attendance=Attendance(attended_minutes=35))
>>> a.state, len(a.history)
(<AppointmentState.HELD: 'held'>, 3)
>>> a.cancel(at=t.add(hours=1), actor=Actor.PROSPECT)
Traceback (most recent call last):
...
ppa_core.exceptions.TransitionNotAllowed: cannot cancel an appointment that is held; ...
"""

from __future__ import annotations

from typing import Any, Self

import attrs
import pendulum

from ppa_core import _rendering
from ppa_core import _validation as v
from ppa_core.domain._compact import compact_pickle
from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.dispute import Dispute, DisputeResolution
from ppa_core.domain.history import (
    Attendance,
    HistoryEntry,
    _replay,
    _Replayed,
    windows_open_at,
)
from ppa_core.domain.lifecycle import (
    _MEETING_OUTCOMES,
    CORRECTIONS,
    TRANSITIONS,
    Action,
    Actor,
    AppointmentState,
    allowed_actions,
)
from ppa_core.domain.prospect import Prospect
from ppa_core.exceptions import TransitionNotAllowed, ValidationError

__all__ = ["Appointment"]

S = AppointmentState
A = Action

_DISPUTABLE = frozenset({S.HELD, S.NO_SHOW, S.CANCELLED})


def _history(value: Any) -> tuple[HistoryEntry, ...]:
    entries = v.tuple_of("history", HistoryEntry, "a HistoryEntry")(value)
    if not entries:
        raise ValidationError("history", entries, "at least the 'propose' entry")
    return entries


def _disputes(value: Any) -> tuple[Dispute, ...]:
    return v.tuple_of("disputes", Dispute, "a Dispute")(value)


@compact_pickle
@attrs.frozen
class Appointment:
    """A meeting between a prospect and the client's sales rep, with its whole history.

    Build one with :meth:`propose` (or :meth:`book`), then move it with the
    transition methods; each returns a new appointment.

    Attributes:
        id: a stable identifier.
        prospect: the prospect, with the evidence known when the meeting was booked.
        history: every transition, oldest first; the first is ``propose``.
        duration_minutes: the planned length in minutes (default 30).
        disputes: the client's disputes of this appointment, oldest first.
    """

    id: str = attrs.field(validator=v.text("appointment.id"))
    prospect: Prospect = attrs.field(
        validator=v.instance_of("appointment.prospect", Prospect, "a Prospect")
    )
    history: tuple[HistoryEntry, ...] = attrs.field(converter=_history)
    duration_minutes: int = attrs.field(
        default=30, validator=v.int_field("appointment.duration_minutes", minimum=1)
    )
    disputes: tuple[Dispute, ...] = attrs.field(default=(), converter=_disputes)
    _facts: _Replayed = attrs.field(init=False, eq=False, repr=False)
    # The two facts every rule reads, as plain attributes: the engine reads them
    # several times per decision and a property costs twice a slot read.
    state: AppointmentState = attrs.field(init=False, eq=False, repr=False)
    """The current state."""
    start: pendulum.DateTime = attrs.field(init=False, eq=False, repr=False)
    """The scheduled start (the latest one after reschedules)."""

    def __repr__(self) -> str:
        return _rendering.text(self)

    def _repr_pretty_(self, printer: _rendering.Printer, cycle: bool) -> None:
        _rendering.pretty(self, printer)

    def _repr_html_(self) -> str:
        """The appointment and its history as HTML for Jupyter."""
        return _rendering.html(self)

    def __attrs_post_init__(self) -> None:
        facts = _replay(self.history)
        object.__setattr__(self, "_facts", facts)
        object.__setattr__(self, "state", facts.state)
        object.__setattr__(self, "start", facts.start)
        for i, dispute in enumerate(self.disputes):
            if facts.outcome_at is None or _utc(dispute.raised_at) < _utc(facts.outcome_at):
                raise ValidationError(
                    f"disputes[{i}].raised_at",
                    dispute.raised_at,
                    "after the appointment's outcome was recorded",
                )
            if i and self.disputes[i - 1].resolution is None:
                raise ValidationError(
                    f"disputes[{i}]", dispute, "raised only once the previous dispute is resolved"
                )
            # Time never goes backwards; else as_of() in between sees two open disputes.
            resolved = self.disputes[i - 1].resolved_at if i else None
            if resolved is not None and _utc(dispute.raised_at) < _utc(resolved):
                raise ValidationError(
                    f"disputes[{i}].raised_at",
                    dispute.raised_at,
                    f">= when the previous dispute was resolved ({resolved})",
                )

    # -- construction ----------------------------------------------------------------

    @classmethod
    def propose(
        cls,
        id: str,
        prospect: Prospect,
        *,
        start: pendulum.DateTime,
        at: pendulum.DateTime,
        actor: Actor = Actor.AGENCY,
        duration_minutes: int = 30,
        reason: str | None = None,
    ) -> Self:
        """Propose a meeting at ``start``; ``at`` is when it was booked (it picks the terms).

        Raises:
            ValidationError: a naive datetime, an empty id, a bad duration.
        """
        entry = HistoryEntry(A.PROPOSE, S.PROPOSED, at, actor, reason, start=start)
        return cls(id, prospect, (entry,), duration_minutes)

    @classmethod
    def book(
        cls,
        id: str,
        prospect: Prospect,
        *,
        start: pendulum.DateTime,
        at: pendulum.DateTime,
        duration_minutes: int = 30,
    ) -> Self:
        """Propose and schedule at once (the prospect accepted the invite at ``at``)."""
        return cls.propose(
            id, prospect, start=start, at=at, duration_minutes=duration_minutes
        ).schedule(at=at, actor=Actor.PROSPECT)

    # -- derived facts -------------------------------------------------------------------

    @property
    def end(self) -> pendulum.DateTime:
        """The planned end: start plus ``duration_minutes``."""
        return self._facts.start.add(minutes=self.duration_minutes)

    @property
    def original_start(self) -> pendulum.DateTime:
        """The start first proposed, before any reschedule."""
        return self._facts.original_start

    @property
    def booked_at(self) -> pendulum.DateTime:
        """When the appointment was booked (proposed): the terms in force then apply."""
        return self.history[0].at

    @property
    def reschedule_count(self) -> int:
        """How many times the meeting was rescheduled."""
        return self._facts.reschedule_count

    @property
    def reschedule_starts(self) -> tuple[pendulum.DateTime, ...]:
        """The start each reschedule set, oldest first (empty when never rescheduled)."""
        return self._facts.reschedule_starts

    @property
    def attendance(self) -> Attendance | None:
        """Attendance facts when the outcome is held, else None."""
        return self._facts.attendance

    @property
    def absent(self) -> frozenset[Actor] | None:
        """Who did not show when the outcome is a no-show, else None."""
        return self._facts.absent

    @property
    def cancelled_by(self) -> Actor | None:
        """Who cancelled, when cancelled."""
        return self._facts.cancelled_by

    @property
    def cancelled_at(self) -> pendulum.DateTime | None:
        """When it was cancelled, when cancelled."""
        return self._facts.outcome_at if self.state is S.CANCELLED else None

    @property
    def outcome_at(self) -> pendulum.DateTime | None:
        """When the first outcome was recorded (corrections keep this time)."""
        return self._facts.outcome_at

    @property
    def invitation_accepted(self) -> bool:
        """True when the prospect accepted the invitation (it was scheduled) at some point."""
        # A proposal can only be scheduled, cancelled or voided (TRANSITIONS): if it
        # was ever scheduled, that was its second entry.
        history = self.history
        return len(history) > 1 and history[1].state is S.SCHEDULED

    @property
    def is_corrected(self) -> bool:
        """True when an outcome was corrected."""
        return self._facts.corrected

    @property
    def is_host_no_show(self) -> bool:
        """True when the client's rep missed the meeting (the agency delivered)."""
        if self.state is S.NO_SHOW:
            absent = self._facts.absent or frozenset()
            return Actor.CLIENT in absent and Actor.PROSPECT not in absent
        attendance = self._facts.attendance
        return attendance is not None and not attendance.host_attended

    @property
    def open_dispute(self) -> Dispute | None:
        """The unresolved dispute, if any."""
        if self.disputes and self.disputes[-1].resolution is None:
            return self.disputes[-1]
        return None

    @property
    def allowed_actions(self) -> tuple[Action, ...]:
        """The actions allowed from the current state."""
        return allowed_actions(self.state)

    # -- transitions -------------------------------------------------------------------

    def _next(self, entry: HistoryEntry) -> Self:
        return attrs.evolve(self, history=(*self.history, entry))

    def _move(
        self,
        action: Action,
        at: pendulum.DateTime,
        actor: Actor,
        reason: str | None,
        **facts: Any,
    ) -> Self:
        target = TRANSITIONS.get((self.state, action))
        if target is None:
            raise TransitionNotAllowed(self.state, action, self.allowed_actions)
        return self._next(HistoryEntry(action, target, at, actor, reason, **facts))

    def schedule(
        self, *, at: pendulum.DateTime, actor: Actor = Actor.PROSPECT, reason: str | None = None
    ) -> Self:
        """The invite was accepted."""
        return self._move(A.SCHEDULE, at, actor, reason)

    def confirm(
        self, *, at: pendulum.DateTime, actor: Actor = Actor.PROSPECT, reason: str | None = None
    ) -> Self:
        """The prospect re-confirmed the meeting."""
        return self._move(A.CONFIRM, at, actor, reason)

    def reschedule(
        self,
        *,
        to: pendulum.DateTime,
        at: pendulum.DateTime,
        actor: Actor = Actor.PROSPECT,
        reason: str | None = None,
    ) -> Self:
        """Move the meeting to a new start ``to``; back to scheduled, count + 1."""
        return self._move(A.RESCHEDULE, at, actor, reason, start=to)

    def hold(
        self,
        *,
        at: pendulum.DateTime,
        attendance: Attendance | None,
        actor: Actor = Actor.AGENCY,
        reason: str | None = None,
    ) -> Self:
        """Record that the meeting took place, with its attendance facts (None: not known yet).

        Raises:
            TransitionNotAllowed: the state does not allow it, or ``at`` is before the start.
        """
        return self._move(A.HOLD, at, actor, reason, attendance=attendance)

    def no_show(
        self,
        *,
        at: pendulum.DateTime,
        absent: Actor | frozenset[Actor] = Actor.PROSPECT,
        actor: Actor = Actor.AGENCY,
        reason: str | None = None,
    ) -> Self:
        """Record a no-show: the prospect (default), the client's rep (host no-show), or both."""
        parties = frozenset({absent}) if isinstance(absent, Actor | str) else absent
        return self._move(A.NO_SHOW, at, actor, reason, absent=parties)

    def cancel(self, *, at: pendulum.DateTime, actor: Actor, reason: str | None = None) -> Self:
        """Cancel; who cancelled and how long before the start decide billing."""
        return self._move(A.CANCEL, at, actor, reason)

    def void(
        self, *, at: pendulum.DateTime, actor: Actor = Actor.AGENCY, reason: str | None = None
    ) -> Self:
        """Mark as entered in error; a void appointment is never billed."""
        return self._move(A.VOID, at, actor, reason)

    def correct(
        self,
        *,
        to: AppointmentState,
        at: pendulum.DateTime,
        actor: Actor = Actor.AGENCY,
        reason: str | None = None,
        attendance: Attendance | None = None,
        absent: Actor | frozenset[Actor] | None = None,
        deadline: pendulum.DateTime | None = None,
    ) -> Self:
        """Correct a held/no-show outcome (a new history entry; nothing is erased).

        Args:
            to: the corrected outcome, ``held`` (give ``attendance``) or ``no_show``.
            at: when the correction is recorded.
            actor: who corrected it.
            reason: why ("recording shows the prospect joined").
            attendance: the attendance facts when correcting to held.
            absent: who was absent when correcting to no-show (default the prospect).
            deadline: the end of the contract's correction window; a later ``at`` is refused.

        Raises:
            TransitionNotAllowed: the state has no corrections, or the window has closed.
        """
        target = v.to_enum(AppointmentState, "to", to)
        allowed = CORRECTIONS.get(self.state, frozenset())
        if target not in allowed:
            raise TransitionNotAllowed(
                self.state,
                A.CORRECT,
                self.allowed_actions,
                detail=None
                if not allowed
                else f"a correction leads to held or no_show, not {target}",
            )
        when = v.to_datetime(at, "at")
        if deadline is not None and _utc(when) > _utc(v.to_datetime(deadline, "deadline")):
            raise TransitionNotAllowed(
                self.state,
                A.CORRECT,
                self.allowed_actions,
                detail=f"the correction window closed at {deadline}",
            )
        parties: frozenset[Actor] | None = None
        if target is S.NO_SHOW:
            absent = absent or Actor.PROSPECT
            parties = frozenset({absent}) if isinstance(absent, Actor | str) else absent
        return self._next(
            HistoryEntry(
                A.CORRECT, target, when, actor, reason, attendance=attendance, absent=parties
            )
        )

    # -- disputes ----------------------------------------------------------------------

    def dispute(self, *, at: pendulum.DateTime, reason: str) -> Self:
        """The client disputes this appointment (after its outcome; one open at a time).

        Whether the dispute counts (its window) is the contract's call, made by the engine.
        """
        if self.state not in _DISPUTABLE or self.open_dispute is not None:
            raise TransitionNotAllowed(
                self.state,
                "dispute",
                self.allowed_actions,
                detail="a dispute is already open"
                if self.open_dispute
                else "only an appointment with an outcome can be disputed",
            )
        return attrs.evolve(self, disputes=(*self.disputes, Dispute(at, reason)))

    def resolve_dispute(self, *, at: pendulum.DateTime, upheld: bool) -> Self:
        """Resolve the open dispute: upheld (not billed, or credited) or rejected.

        Raises:
            ValidationError: ``upheld`` is not a bool.
            TransitionNotAllowed: no dispute is open.
        """
        if not isinstance(upheld, bool):  # "no" is truthy: never read it as upheld
            raise ValidationError("upheld", upheld, "True or False")
        open_ = self.open_dispute
        if open_ is None:
            raise TransitionNotAllowed(
                self.state, "resolve_dispute", self.allowed_actions, detail="no dispute is open"
            )
        resolution = DisputeResolution.UPHELD if upheld else DisputeResolution.REJECTED
        resolved = attrs.evolve(open_, resolution=resolution, resolved_at=at)
        return attrs.evolve(self, disputes=(*self.disputes[:-1], resolved))

    # -- the windows after the meeting (disputes, corrections) ---------------------------

    @property
    def windows_open_at(self) -> pendulum.DateTime:
        """When the dispute and correction windows start to run.

        The meeting's end, or when its outcome was recorded if that was later.
        """
        return windows_open_at(self.end, self._facts.outcome_at)

    def correction_deadline(self, window_days: int) -> pendulum.DateTime | None:
        """When the correction window closes: ``window_days`` after :attr:`windows_open_at`.

        None while the appointment has no outcome of the meeting (held or no-show).
        """
        if self._facts.outcome_at is None or self.state not in _MEETING_OUTCOMES:
            return None
        return self.windows_open_at.add(days=window_days)

    def within_correction_window(self, window_days: int) -> tuple[Self, tuple[HistoryEntry, ...]]:
        """This appointment as its correction window leaves it, and the corrections it drops.

        A correction recorded after :meth:`correction_deadline` does not count: the outcome
        stands as it was before the first late one (corrections are the only entries after
        an outcome, so nothing else is dropped). Returns ``self`` and ``()`` when none is late.
        """
        if not self._facts.corrected:
            return self, ()
        deadline = self.correction_deadline(window_days)
        if deadline is None:
            return self, ()
        closes = _utc(deadline)
        for i, entry in enumerate(self.history):
            if entry.action is A.CORRECT and _utc(entry.at) > closes:
                return attrs.evolve(self, history=self.history[:i]), self.history[i:]
        return self, ()

    # -- time travel -------------------------------------------------------------------

    def as_of(self, at: pendulum.DateTime) -> Self | None:
        """The appointment as known at ``at``: later history and disputes are dropped.

        Returns None when the appointment was booked after ``at``.

        Raises:
            NaiveDatetime: ``at`` has no timezone.
        """
        return self._as_of_utc(_utc(v.to_datetime(at, "at")))

    def _as_of_utc(self, at: pendulum.DateTime) -> Self | None:
        """``as_of`` for a moment already checked and in UTC (the engine's hot path)."""
        facts = self._facts
        if facts.first_utc > at:
            return None
        disputes = self.disputes
        if facts.last_utc <= at and (
            not disputes  # most appointments: skip building the generator below
            or all(
                _utc(d.raised_at) <= at and (d.resolved_at is None or _utc(d.resolved_at) <= at)
                for d in disputes
            )
        ):
            return self
        history = tuple(e for e in self.history if _utc(e.at) <= at)
        disputes = tuple(d for d in (x.as_of(at) for x in self.disputes) if d is not None)
        return attrs.evolve(self, history=history, disputes=disputes)
