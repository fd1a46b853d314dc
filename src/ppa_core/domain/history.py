"""The appointment's history and its replay into the appointment's facts.

Every transition is a :class:`HistoryEntry` (action, timestamp, actor, reason
and the facts it brings, such as the :class:`Attendance` of a held meeting).
Replaying a history checks each step against the lifecycle
(:mod:`ppa_core.domain.lifecycle`) and derives the state, the start, the
reschedules and the outcome, so an appointment can never disagree with its own
past.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain._compact import compact_pickle
from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.lifecycle import (
    _MEETING_OUTCOMES,
    CORRECTIONS,
    RETRACTABLE,
    TRANSITIONS,
    Action,
    Actor,
    AppointmentState,
    allowed_actions,
)
from ppa_core.exceptions import TransitionNotAllowed, ValidationError

__all__ = ["Attendance", "HistoryEntry", "restates"]

S = AppointmentState
A = Action
_NOT_IN_A_MEETING = frozenset({Actor.AGENCY, Actor.UNKNOWN})


def _minutes(field: str) -> Any:
    return v.int_field(field, minimum=0)


def _attendees(value: Any) -> frozenset[Actor]:
    parties = v.enum_set(Actor, "attendance.attendees")(value)
    if parties & _NOT_IN_A_MEETING:
        raise ValidationError(
            "attendance.attendees", sorted(parties), "a subset of ('prospect', 'client')"
        )
    return parties


@compact_pickle
@attrs.frozen
class Attendance:
    """What happened in a held meeting.

    Attributes:
        attended_minutes: minutes the prospect and host were both in the meeting (>= 0).
        join_delay_minutes: minutes after the start the prospect joined (>= 0, default 0).
        attendees: who attended: the prospect and/or the client's rep (default both).
            A meeting without the client's rep is a host no-show.
    """

    attended_minutes: int = attrs.field(validator=_minutes("attendance.attended_minutes"))
    join_delay_minutes: int = attrs.field(
        default=0, validator=_minutes("attendance.join_delay_minutes")
    )
    attendees: frozenset[Actor] = attrs.field(
        default=frozenset({Actor.PROSPECT, Actor.CLIENT}), converter=_attendees
    )

    @property
    def host_attended(self) -> bool:
        """True when the client's sales rep attended."""
        return Actor.CLIENT in self.attendees

    @property
    def prospect_attended(self) -> bool:
        """True when the prospect attended."""
        return Actor.PROSPECT in self.attendees


def _absent(value: Any) -> frozenset[Actor] | None:
    if value is None:
        return None
    parties = v.enum_set(Actor, "absent")(value)
    if not parties or parties & _NOT_IN_A_MEETING:
        raise ValidationError(
            "absent", sorted(parties), "a non-empty subset of ('prospect', 'client')"
        )
    return parties


def _to_history_action(value: Any) -> Action:
    return v.enum_converter(Action, "history.action")(value)


def _to_history_state(value: Any) -> AppointmentState:
    return v.enum_converter(AppointmentState, "history.state")(value)


def _to_history_at(value: Any) -> pendulum.DateTime:
    return v.aware("history.at")(value)


def _to_history_actor(value: Any) -> Actor:
    return v.enum_converter(Actor, "history.actor")(value)


def _to_history_start(value: Any) -> pendulum.DateTime | None:
    return v.optional_aware("history.start")(value)


@compact_pickle
@attrs.frozen
class HistoryEntry:
    """One transition: what happened, when, who did it and the facts it brought.

    Attributes:
        action: the action.
        state: the state it led to.
        at: when it was recorded (timezone-aware).
        actor: who made it happen.
        reason: an optional free-text reason.
        start: the meeting start set by ``propose``/``reschedule``.
        attendance: the attendance facts of a held meeting; None on a held entry means
            the video tool saw the meeting but its attendance is not known yet (pending).
        absent: who did not show, for a no-show (the prospect, the client's rep, or both).
    """

    action: Action = attrs.field(converter=_to_history_action)
    state: AppointmentState = attrs.field(converter=_to_history_state)
    at: pendulum.DateTime = attrs.field(converter=_to_history_at)
    actor: Actor = attrs.field(converter=_to_history_actor)
    reason: str | None = attrs.field(default=None, validator=v.optional_text("history.reason"))
    start: pendulum.DateTime | None = attrs.field(default=None, converter=_to_history_start)
    attendance: Attendance | None = attrs.field(
        default=None,
        validator=v.optional_instance_of("history.attendance", Attendance, "an Attendance"),
    )
    absent: frozenset[Actor] | None = attrs.field(default=None, converter=_absent)


@compact_pickle
@attrs.frozen
class _Replayed:
    state: AppointmentState
    start: pendulum.DateTime
    original_start: pendulum.DateTime
    reschedule_count: int
    reschedule_starts: tuple[pendulum.DateTime, ...]
    attendance: Attendance | None
    absent: frozenset[Actor] | None
    cancelled_by: Actor | None
    outcome_at: pendulum.DateTime | None
    corrected: bool
    retract_to: AppointmentState | None
    first_utc: pendulum.DateTime
    last_utc: pendulum.DateTime


def _replay(history: tuple[HistoryEntry, ...]) -> _Replayed:
    first = history[0]
    if first.action is not A.PROPOSE or first.state is not S.PROPOSED or first.start is None:
        raise ValidationError(
            "history[0]", first, "a 'propose' entry in state 'proposed' with a start"
        )
    state = S.PROPOSED
    start = original = first.start
    reschedules = 0
    moved_to: list[pendulum.DateTime] = []
    attendance: Attendance | None = None
    absent: frozenset[Actor] | None = None
    cancelled_by: Actor | None = None
    outcome_at: pendulum.DateTime | None = None
    corrected = False
    # What each outcome replaced, so a retraction can go back to it (never an erasure).
    replaced: list[tuple[AppointmentState, Attendance | None, frozenset[Actor] | None, Any]] = []
    previous, previous_utc = first.at, _utc(first.at)
    for i, entry in enumerate(history[1:], start=1):
        at_utc = _utc(entry.at)
        if at_utc < previous_utc:
            raise ValidationError(
                f"history[{i}].at", entry.at, f">= the previous entry's time ({previous})"
            )
        if entry.action is A.RETRACT:
            back = replaced[-1][0] if replaced and state in RETRACTABLE else None
            if back is None or entry.state is not back:
                raise TransitionNotAllowed(
                    state,
                    A.RETRACT,
                    allowed_actions(state),
                    detail=None if back is None else f"a retraction goes back to {back}",
                )
            state, attendance, absent, outcome_at = replaced.pop()
            corrected = True
            previous, previous_utc = entry.at, at_utc
            continue
        _check_step(state, entry, start)
        if entry.state in _MEETING_OUTCOMES:
            replaced.append((state, attendance, absent, outcome_at))
        if entry.action is A.RESCHEDULE:
            if entry.start is None:
                raise ValidationError(f"history[{i}].start", None, "the new start of a reschedule")
            start = entry.start
            reschedules += 1
            moved_to.append(start)
        if entry.action is A.CORRECT:
            corrected = True
        if entry.state is S.HELD:
            if entry.attendance is None and entry.action is A.CORRECT:
                raise ValidationError(f"history[{i}].attendance", None, "an Attendance for held")
            attendance, absent = entry.attendance, None  # None on hold: not known yet
        elif entry.state is S.NO_SHOW:
            attendance, absent = None, entry.absent or frozenset({Actor.PROSPECT})
        if entry.state is S.CANCELLED:
            cancelled_by = entry.actor
        if entry.state.is_final and entry.action is not A.CORRECT:
            outcome_at = entry.at
        state = entry.state
        previous, previous_utc = entry.at, at_utc
    return _Replayed(
        state,
        start,
        original,
        reschedules,
        tuple(moved_to) if moved_to else (),
        attendance,
        absent,
        cancelled_by,
        outcome_at,
        corrected,
        replaced[-1][0] if replaced and state in RETRACTABLE else None,
        _utc(first.at),
        previous_utc,
    )


def _check_step(state: AppointmentState, entry: HistoryEntry, start: pendulum.DateTime) -> None:
    action = entry.action
    if action is A.CORRECT:
        targets = CORRECTIONS.get(state)
        if targets is None or entry.state not in targets:
            raise TransitionNotAllowed(state, action, allowed_actions(state))
    else:
        target = TRANSITIONS.get((state, action))
        if target is None:
            raise TransitionNotAllowed(state, action, allowed_actions(state))
        if target is not entry.state:
            raise ValidationError("history.state", entry.state, f"{target} after {action}")
    if entry.state in _MEETING_OUTCOMES and _utc(entry.at) < _utc(start):
        raise TransitionNotAllowed(
            state,
            action,
            allowed_actions(state),
            detail=f"an outcome of the meeting cannot be recorded at {entry.at}, "
            f"before its scheduled start {start}",
        )


def windows_open_at(
    meeting_end: pendulum.DateTime, outcome_at: pendulum.DateTime | None
) -> pendulum.DateTime:
    """When the windows after a meeting start: its end, or its outcome's recording if later."""
    if outcome_at is not None and _utc(outcome_at) > _utc(meeting_end):
        return outcome_at
    return meeting_end


def restates(history: tuple[HistoryEntry, ...], entry: HistoryEntry) -> bool:
    """True when ``entry`` states again the fact the history already ends in.

    A webhook delivered twice, or two tools reporting the same outcome, must change
    nothing: not an error and not a correction. The time may differ (each tool has
    its own clock); the action, the state it leads to, who and the facts must match.
    """
    for last in reversed(history):
        if last.action is entry.action or (last.action is A.CORRECT and entry.state is last.state):
            return (
                last.state is entry.state
                and history[-1].state is entry.state
                and last.actor is entry.actor
                and last.start == entry.start
                and last.attendance == entry.attendance
                and last.absent == entry.absent
            )
    return False
