"""The appointments strategy: histories driven through the real transition methods."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import strategies as st

from ppa_core import _validation as v
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.prospect import Prospect
from ppa_core.exceptions import ValidationError
from ppa_core.testing._prospects import prospects
from ppa_core.testing._values import S, _ids, _maybe, aware_datetimes

_REASONS = ("calendar clash", "travel", "entered twice", "asked to move")
_DAY_MINUTES = 24 * 60

_BEFORE = {
    S.PROPOSED: (S.PROPOSED,),
    S.SCHEDULED: (S.SCHEDULED,),
    S.CONFIRMED: (S.CONFIRMED,),
    S.HELD: (S.SCHEDULED, S.CONFIRMED),
    S.NO_SHOW: (S.SCHEDULED, S.CONFIRMED),
    S.CANCELLED: (S.SCHEDULED, S.PROPOSED, S.CONFIRMED),
    S.VOID: (S.SCHEDULED, S.PROPOSED, S.CONFIRMED),
}
_ABSENT = (
    frozenset({Actor.PROSPECT}),
    frozenset({Actor.CLIENT}),
    frozenset({Actor.PROSPECT, Actor.CLIENT}),
)
_ATTENDEES = (frozenset({Actor.PROSPECT, Actor.CLIENT}), frozenset({Actor.PROSPECT}))


_ANY_START = aware_datetimes()
_ANY_PROSPECT = prospects()
_REASON = _maybe(st.sampled_from(_REASONS))


@st.composite
def _appointments(
    draw: st.DrawFn,
    state: AppointmentState | None,
    prospect: Prospect | None,
    start: pendulum.DateTime | None,
    max_reschedules: int,
) -> Appointment:
    target = state if state is not None else draw(st.sampled_from(AppointmentState))
    before = draw(st.sampled_from(_BEFORE[target]))
    meeting = start if start is not None else draw(_ANY_START)
    duration = draw(st.sampled_from((30, 15, 45, 60)))
    moves = 0 if before is S.PROPOSED else draw(st.integers(0, max_reschedules))
    # The steps after 'propose', in the order they happen; all of them before the meeting.
    steps = ["schedule"] if before is not S.PROPOSED else []
    for _ in range(moves):
        steps += ["confirm", "reschedule"] if draw(st.booleans()) else ["reschedule"]
    steps += ["confirm"] if before is S.CONFIRMED else []
    steps += [target.value] if target in {S.CANCELLED, S.VOID} else []
    lead = draw(st.integers(0, 60 * _DAY_MINUTES))
    booked = meeting.subtract(minutes=lead)
    offsets = sorted(draw(st.lists(st.integers(0, lead), min_size=len(steps), max_size=len(steps))))
    times = [booked.add(minutes=o) for o in offsets]
    # A meeting moves before it happens: each earlier start lies after the move away from it.
    starts = [
        at.add(minutes=draw(st.integers(0, 30 * _DAY_MINUTES)))
        for step, at in zip(steps, times, strict=True)
        if step == "reschedule"
    ]
    starts.append(meeting)
    who = prospect if prospect is not None else draw(_ANY_PROSPECT)
    appointment = Appointment.propose(
        draw(_ids("a")), who, start=starts[0], at=booked, duration_minutes=duration
    )
    later_starts = iter(starts[1:])
    for step, at in zip(steps, times, strict=True):
        if step == "schedule":
            appointment = appointment.schedule(at=at)
        elif step == "confirm":
            appointment = appointment.confirm(at=at)
        elif step == "reschedule":
            actor = draw(st.sampled_from(Actor))
            appointment = appointment.reschedule(
                to=next(later_starts), at=at, actor=actor, reason=draw(_REASON)
            )
        else:
            end = appointment.cancel if step == "cancelled" else appointment.void
            appointment = end(at=at, actor=draw(st.sampled_from(Actor)), reason=draw(_REASON))
    if target not in {S.HELD, S.NO_SHOW}:
        return appointment
    outcome_at = meeting.add(minutes=draw(st.integers(0, 3 * _DAY_MINUTES)))
    if target is S.NO_SHOW:
        return appointment.no_show(at=outcome_at, absent=draw(st.sampled_from(_ABSENT)))
    attendance = Attendance(
        attended_minutes=draw(st.integers(0, duration + 30)),
        join_delay_minutes=draw(st.integers(0, 30)),
        attendees=draw(st.sampled_from(_ATTENDEES)),
    )
    return appointment.hold(at=outcome_at, attendance=attendance)


def appointments(
    *,
    state: AppointmentState | str | None = None,
    prospect: Prospect | None = None,
    start: dt.datetime | None = None,
    max_reschedules: int = 2,
) -> st.SearchStrategy[Appointment]:
    """Appointments whose history ends in ``state``, built by the real transition methods.

    The history is propose, schedule, reschedules (each maybe after a confirm), an
    optional confirm, then the outcome. Every step before the outcome happens between
    booking and the meeting start, timestamps never go backwards, and held or no-show
    is recorded at or after the start. A cancelled or void appointment leaves from
    proposed, scheduled or confirmed. Held meetings are attended by the prospect, with
    or without the client's rep (a host no-show); a no-show names who was absent.
    Shrinks towards a proposed appointment booked at its start, with no reschedule.

    Args:
        state: the final state (an AppointmentState or its value); None draws one.
        prospect: the prospect; None draws one from :func:`prospects`.
        start: the meeting start after any reschedules (aware); None draws one from
            :func:`aware_datetimes`.
        max_reschedules: the most reschedules in a history, 0 to 10 (default 2).

    Returns:
        A strategy of :class:`~ppa_core.domain.appointment.Appointment`.

    Raises:
        ValidationError: an unknown state, a prospect that is not a Prospect, a naive
            ``start`` (NaiveDatetime), or ``max_reschedules`` out of range.
    """
    target = None if state is None else v.to_enum(AppointmentState, "state", state)
    if prospect is not None and not isinstance(prospect, Prospect):
        raise ValidationError("prospect", prospect, "a Prospect or None")
    meeting = None if start is None else v.to_datetime(start, "start")
    v.check_int("max_reschedules", max_reschedules, minimum=0, maximum=10)
    return _appointments(target, prospect, meeting, max_reschedules)
