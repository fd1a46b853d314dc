"""Appointment: the lifecycle state machine, its history, corrections, disputes (domain.md §4)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.dispute import Dispute, DisputeResolution
from ppa_core.domain.history import Attendance, HistoryEntry
from ppa_core.domain.lifecycle import (
    CORRECTIONS,
    RETRACTABLE,
    TRANSITIONS,
    Action,
    Actor,
    AppointmentState,
)
from ppa_core.exceptions import NaiveDatetime, PpaError, TransitionNotAllowed, ValidationError
from ppa_core.testing import DEFAULT_START, appointments, make_appointment, make_prospect

S = AppointmentState
A = Action
START = DEFAULT_START
BOOKED = START.subtract(days=7)
FULL = Attendance(attended_minutes=30)
FINAL = frozenset({S.HELD, S.NO_SHOW, S.CANCELLED, S.VOID})
"""The outcomes, as domain.md §4 names them: nothing follows them but a correction."""

# The lifecycle of domain.md §4, written out independently of the library's table.
LIFECYCLE = {
    (S.PROPOSED, A.SCHEDULE): S.SCHEDULED,
    (S.PROPOSED, A.CANCEL): S.CANCELLED,
    (S.PROPOSED, A.VOID): S.VOID,
    **{
        (state, action): outcome
        for state in (S.SCHEDULED, S.CONFIRMED)
        for action, outcome in (
            (A.RESCHEDULE, S.SCHEDULED),
            (A.HOLD, S.HELD),
            (A.NO_SHOW, S.NO_SHOW),
            (A.CANCEL, S.CANCELLED),
            (A.VOID, S.VOID),
        )
    },
    (S.SCHEDULED, A.CONFIRM): S.CONFIRMED,
}
INSTANCE_ACTIONS = tuple(a for a in Action if a not in {A.PROPOSE, A.CORRECT, A.RETRACT})
"""The actions an existing appointment takes through the table (propose creates one)."""


def proposed(start: pendulum.DateTime = START) -> Appointment:
    return Appointment.propose("a-1", make_prospect(), start=start, at=BOOKED)


def expected_allowed(state: AppointmentState) -> set[Action]:
    allowed = {a for (s, a) in TRANSITIONS if s is state}
    return (
        allowed
        | ({A.CORRECT} if state in CORRECTIONS else set())
        | ({A.RETRACT} if state in RETRACTABLE else set())
    )


def act(
    appointment: Appointment,
    action: Action,
    at: pendulum.DateTime,
    correct_to: AppointmentState = S.HELD,
) -> Appointment:
    """Apply ``action`` with realistic facts (a held meeting attended in full)."""
    moves: dict[Action, Callable[[], Appointment]] = {
        A.SCHEDULE: lambda: appointment.schedule(at=at),
        A.CONFIRM: lambda: appointment.confirm(at=at),
        A.RESCHEDULE: lambda: appointment.reschedule(to=at.add(days=1), at=at),
        A.HOLD: lambda: appointment.hold(at=at, attendance=FULL),
        A.NO_SHOW: lambda: appointment.no_show(at=at),
        A.CANCEL: lambda: appointment.cancel(at=at, actor=Actor.PROSPECT),
        A.VOID: lambda: appointment.void(at=at),
        A.CORRECT: lambda: appointment.correct(
            to=correct_to, at=at, attendance=FULL if correct_to is S.HELD else None
        ),
    }
    return moves[action]()


def after_start(appointment: Appointment) -> pendulum.DateTime:
    return max(appointment.start, appointment.history[-1].at).add(minutes=45)


class TestTransitionTable:
    """The table itself, checked once as python-statemachine checks a machine."""

    def test_the_table_is_the_lifecycle_of_the_domain(self) -> None:
        assert dict(TRANSITIONS) == LIFECYCLE

    def test_proposed_is_the_only_initial_state(self) -> None:
        targets = set(TRANSITIONS.values())
        initial = [s for s in AppointmentState if s not in targets]
        assert initial == [S.PROPOSED]

    def test_nothing_leaves_a_final_state(self) -> None:
        leaving = {s for (s, _a) in TRANSITIONS if s in FINAL}
        assert leaving == set()
        assert {s for s in AppointmentState if s.is_final} == FINAL

    def test_every_state_is_reachable_from_proposed(self) -> None:
        seen, queue = {S.PROPOSED}, deque([S.PROPOSED])
        while queue:
            state = queue.popleft()
            for (source, _action), target in TRANSITIONS.items():
                if source is state and target not in seen:
                    seen.add(target)
                    queue.append(target)
        assert seen == set(AppointmentState)

    def test_no_state_is_a_trap(self) -> None:
        """Every state that is not an outcome can still reach one."""
        can_finish = set(FINAL)
        changed = True
        while changed:
            before = len(can_finish)
            can_finish |= {s for (s, _a), t in TRANSITIONS.items() if t in can_finish}
            changed = len(can_finish) > before
        assert can_finish == set(AppointmentState)
        for state in set(AppointmentState) - FINAL:
            assert any(s is state for (s, _a) in TRANSITIONS), state

    def test_corrections_only_move_between_held_and_no_show(self) -> None:
        assert set(CORRECTIONS) == {S.HELD, S.NO_SHOW}
        assert all(targets <= {S.HELD, S.NO_SHOW} for targets in CORRECTIONS.values())
        assert S.NO_SHOW in CORRECTIONS[S.HELD]
        assert S.HELD in CORRECTIONS[S.NO_SHOW]

    def test_the_table_cannot_be_changed_at_run_time(self) -> None:
        with pytest.raises(TypeError):
            TRANSITIONS[(S.HELD, A.CANCEL)] = S.CANCELLED  # type: ignore[index]


class TestLegalTransitions:
    @pytest.mark.parametrize(
        ("state", "action"), sorted(TRANSITIONS, key=lambda k: (k[0].value, k[1].value))
    )
    def test_every_allowed_action_moves_to_the_state_of_the_domain(
        self, state: AppointmentState, action: Action
    ) -> None:
        appointment = make_appointment(state)
        moved = act(appointment, action, after_start(appointment))
        assert moved.state is LIFECYCLE[(state, action)]
        assert moved.history[:-1] == appointment.history
        assert (moved.history[-1].action, moved.history[-1].state) == (action, moved.state)

    def test_booking_proposes_and_schedules_at_once(self) -> None:
        booked = Appointment.book("a-1", make_prospect(), start=START, at=BOOKED)
        assert booked.state is S.SCHEDULED
        assert [e.action for e in booked.history] == [A.PROPOSE, A.SCHEDULE]
        assert booked.booked_at == BOOKED

    def test_each_entry_records_who_and_why(self) -> None:
        cancelled = proposed().cancel(at=BOOKED.add(days=1), actor=Actor.CLIENT, reason="budget")
        last = cancelled.history[-1]
        assert (last.actor, last.reason, last.at) == (Actor.CLIENT, "budget", BOOKED.add(days=1))
        assert cancelled.cancelled_by is Actor.CLIENT
        assert cancelled.cancelled_at == BOOKED.add(days=1)

    def test_allowed_actions_are_those_of_the_table(self) -> None:
        for state in AppointmentState:
            allowed = make_appointment(state).allowed_actions
            assert set(allowed) == expected_allowed(state)
            assert len(allowed) == len(set(allowed))


class TestIllegalTransitions:
    ILLEGAL = sorted(
        ((s, a) for s in AppointmentState for a in INSTANCE_ACTIONS if (s, a) not in TRANSITIONS),
        key=lambda k: (k[0].value, k[1].value),
    )

    @pytest.mark.parametrize(("state", "action"), ILLEGAL)
    def test_an_action_the_state_does_not_allow_is_refused_naming_state_action_and_allowed(
        self, state: AppointmentState, action: Action
    ) -> None:
        appointment = make_appointment(state)
        with pytest.raises(TransitionNotAllowed) as raised:
            act(appointment, action, after_start(appointment))
        error = raised.value
        assert (error.state, error.action) == (state, action)
        assert set(error.allowed) == expected_allowed(state)
        message = str(error)
        assert str(state) in message
        assert str(action) in message
        for allowed in error.allowed:
            assert str(allowed) in message

    @pytest.mark.parametrize("state", [S.CANCELLED, S.VOID])
    def test_a_final_state_says_nothing_is_allowed(self, state: AppointmentState) -> None:
        with pytest.raises(TransitionNotAllowed) as raised:
            make_appointment(state).schedule(at=START)
        assert raised.value.allowed == ()
        assert "final state" in str(raised.value)

    @pytest.mark.parametrize("state", [S.PROPOSED, S.SCHEDULED, S.CONFIRMED, S.CANCELLED, S.VOID])
    def test_only_a_meeting_outcome_can_be_corrected(self, state: AppointmentState) -> None:
        appointment = make_appointment(state)
        with pytest.raises(TransitionNotAllowed) as raised:
            appointment.correct(to=S.HELD, at=after_start(appointment), attendance=FULL)
        assert (raised.value.state, raised.value.action) == (state, A.CORRECT)
        assert A.CORRECT not in raised.value.allowed

    def test_a_refused_transition_is_a_library_error_and_a_value_error(self) -> None:
        with pytest.raises(PpaError) as raised:
            make_appointment(S.HELD).cancel(at=START.add(hours=1), actor=Actor.PROSPECT)
        assert isinstance(raised.value, ValueError)
        assert isinstance(raised.value, TransitionNotAllowed)

    def test_a_refused_transition_leaves_the_appointment_unchanged(self) -> None:
        held = make_appointment(S.HELD)
        before = held.history
        with pytest.raises(TransitionNotAllowed):
            held.void(at=START.add(hours=1))
        assert held.history == before
        assert held.state is S.HELD


@st.composite
def action_runs(draw: st.DrawFn) -> list[tuple[Action, int, AppointmentState]]:
    """Any actions, legal or not, with a pause in minutes; shrinks towards no action."""
    step = st.tuples(
        st.sampled_from((*INSTANCE_ACTIONS, A.CORRECT)),
        st.integers(0, 3 * 24 * 60),
        st.sampled_from((S.HELD, S.NO_SHOW)),
    )
    return draw(st.lists(step, max_size=12))


class TestTransitionSequences:
    @given(action_runs())
    def test_legal_sequences_are_accepted_and_any_illegal_action_is_refused(
        self, run: list[tuple[Action, int, AppointmentState]]
    ) -> None:
        appointment = proposed()
        now = BOOKED
        for action, pause, correct_to in run:
            now = now.add(minutes=pause)
            state = appointment.state
            outcome = action in {A.HOLD, A.NO_SHOW, A.CORRECT}
            at = max(now, appointment.end) if outcome else now
            if action is A.CORRECT:
                legal, target = correct_to in CORRECTIONS.get(state, frozenset()), correct_to
            else:
                legal, target = (state, action) in TRANSITIONS, TRANSITIONS.get((state, action))
            if legal:
                moved = act(appointment, action, at, correct_to)
                assert moved.state is target
                assert moved.history[: len(appointment.history)] == appointment.history
                appointment, now = moved, at
            else:
                with pytest.raises(TransitionNotAllowed) as raised:
                    act(appointment, action, at, correct_to)
                assert (raised.value.state, raised.value.action) == (state, action)
                assert set(raised.value.allowed) == expected_allowed(state)
        assert len(appointment.history) <= len(run) + 1


class TestTimestamps:
    def test_a_transition_before_the_previous_one_is_refused(self) -> None:
        scheduled = make_appointment(S.SCHEDULED)
        with pytest.raises(ValidationError) as raised:
            scheduled.confirm(at=BOOKED.subtract(minutes=1))
        assert raised.value.field == "history[2].at"

    def test_two_transitions_at_the_same_moment_are_allowed(self) -> None:
        same = proposed().schedule(at=BOOKED).confirm(at=BOOKED)
        assert [e.at for e in same.history] == [BOOKED] * 3

    def test_moments_in_different_zones_are_compared_as_instants(self) -> None:
        """18:00 in New York on the booking day is after 10:00 in Berlin."""
        later = BOOKED.in_timezone("America/New_York").add(hours=2)
        assert proposed().schedule(at=later).history[-1].at == later

    def test_a_history_written_out_of_order_is_refused(self) -> None:
        entries = (
            HistoryEntry(A.PROPOSE, S.PROPOSED, BOOKED, Actor.AGENCY, start=START),
            HistoryEntry(A.SCHEDULE, S.SCHEDULED, BOOKED.subtract(days=1), Actor.PROSPECT),
        )
        with pytest.raises(ValidationError) as raised:
            Appointment("a-1", make_prospect(), entries)
        assert raised.value.field == "history[1].at"

    def test_order_is_by_instant_across_the_autumn_clock_change(self) -> None:
        """Berlin, 25 October 2026: 02:59 summer time comes a minute before 02:00 winter time."""
        summer = pendulum.datetime(2026, 10, 25, 0, 59, tz="UTC").in_timezone("Europe/Berlin")
        winter = pendulum.datetime(2026, 10, 25, 1, 0, tz="UTC").in_timezone("Europe/Berlin")
        start = winter.add(hours=1)
        booked = Appointment.propose("a-1", make_prospect(), start=start, at=summer)
        assert booked.schedule(at=winter).state is S.SCHEDULED
        scheduled_late = Appointment.propose("a-1", make_prospect(), start=start, at=winter)
        with pytest.raises(ValidationError):
            scheduled_late.schedule(at=summer)

    @given(appointments())
    def test_generated_histories_never_go_backwards(self, appointment: Appointment) -> None:
        moments = [e.at for e in appointment.history]
        assert all(a <= b for a, b in itertools.pairwise(moments))


class TestMeetingOutcomesNeedTheStart:
    @pytest.mark.parametrize("action", [A.HOLD, A.NO_SHOW])
    def test_an_outcome_before_the_scheduled_start_is_refused(self, action: Action) -> None:
        scheduled = make_appointment(S.SCHEDULED)
        with pytest.raises(TransitionNotAllowed) as raised:
            act(scheduled, action, START.subtract(minutes=1))
        assert (raised.value.state, raised.value.action) == (S.SCHEDULED, action)
        assert str(START) in str(raised.value)  # the message names the start it missed

    @pytest.mark.parametrize("action", [A.HOLD, A.NO_SHOW])
    def test_an_outcome_at_the_start_itself_is_accepted(self, action: Action) -> None:
        assert act(make_appointment(S.SCHEDULED), action, START).state.is_final

    def test_after_a_reschedule_the_new_start_counts(self) -> None:
        moved = make_appointment(S.SCHEDULED).reschedule(to=START.add(days=2), at=BOOKED)
        with pytest.raises(TransitionNotAllowed):
            moved.hold(at=START.add(days=1), attendance=FULL)
        assert moved.hold(at=START.add(days=2), attendance=FULL).state is S.HELD

    def test_the_start_is_an_instant_even_when_the_clock_repeats_an_hour(self) -> None:
        """02:50 summer time is 20 minutes before a meeting at 02:10 winter time."""
        start = pendulum.datetime(2026, 10, 25, 1, 10, tz="UTC").in_timezone("Europe/Berlin")
        early = pendulum.datetime(2026, 10, 25, 0, 50, tz="UTC").in_timezone("Europe/Berlin")
        scheduled = make_appointment(S.SCHEDULED, start)
        with pytest.raises(TransitionNotAllowed):
            scheduled.no_show(at=early)
        assert scheduled.no_show(at=start.add(minutes=15)).state is S.NO_SHOW

    def test_a_cancellation_may_come_before_the_start(self) -> None:
        early = make_appointment(S.SCHEDULED).cancel(at=START.subtract(days=3), actor=Actor.CLIENT)
        assert early.state is S.CANCELLED


class TestInvitationAccepted:
    def test_a_proposal_is_accepted_once_it_is_scheduled(self) -> None:
        offer = proposed()
        assert not offer.invitation_accepted
        assert offer.schedule(at=BOOKED.add(hours=1)).invitation_accepted

    def test_a_proposal_cancelled_or_voided_was_never_accepted(self) -> None:
        assert not proposed().cancel(at=BOOKED.add(hours=1), actor=Actor.CLIENT).invitation_accepted
        assert not proposed().void(at=BOOKED.add(hours=1)).invitation_accepted

    @given(appointments(max_reschedules=3))
    def test_accepted_means_some_entry_was_scheduled(self, appointment: Appointment) -> None:
        scheduled = any(entry.state is S.SCHEDULED for entry in appointment.history)
        assert appointment.invitation_accepted is scheduled


class TestReschedule:
    def test_a_reschedule_keeps_the_original_start_and_counts(self) -> None:
        first, second = START.add(days=1), START.add(days=5)
        moved = (
            make_appointment(S.CONFIRMED)
            .reschedule(to=first, at=BOOKED.add(days=1))
            .confirm(at=BOOKED.add(days=2))
            .reschedule(to=second, at=BOOKED.add(days=3))
        )
        assert moved.state is S.SCHEDULED
        assert moved.reschedule_count == 2
        assert moved.original_start == START
        assert moved.start == second
        assert moved.end == second.add(minutes=moved.duration_minutes)

    def test_a_meeting_never_rescheduled_starts_where_it_was_proposed(self) -> None:
        held = make_appointment(S.HELD)
        assert held.reschedule_count == 0
        assert held.start == held.original_start == START

    def test_a_reschedule_remembers_the_new_start_in_its_history_entry(self) -> None:
        moved = make_appointment(S.SCHEDULED).reschedule(to=START.add(days=1), at=BOOKED)
        assert moved.history[-1].start == START.add(days=1)

    def test_a_reschedule_history_replays_to_the_same_facts(self) -> None:
        moved = make_appointment(S.HELD, START, rescheduled_from=[START.subtract(days=3)])
        rebuilt = Appointment(moved.id, moved.prospect, moved.history)
        assert rebuilt == moved
        assert (rebuilt.reschedule_count, rebuilt.original_start) == (1, START.subtract(days=3))

    @given(appointments(max_reschedules=3))
    def test_the_count_is_the_number_of_reschedule_entries(self, appointment: Appointment) -> None:
        moves = [e for e in appointment.history if e.action is A.RESCHEDULE]
        assert appointment.reschedule_count == len(moves)
        assert appointment.original_start == appointment.history[0].start
        assert appointment.start == (moves[-1].start if moves else appointment.original_start)


class TestAttendance:
    def test_a_held_meeting_records_who_attended_and_for_how_long(self) -> None:
        facts = Attendance(attended_minutes=25, join_delay_minutes=4)
        held = make_appointment(S.SCHEDULED).hold(at=START.add(minutes=40), attendance=facts)
        assert held.attendance == facts
        assert held.attendance.prospect_attended
        assert held.attendance.host_attended
        assert held.absent is None
        assert held.outcome_at == START.add(minutes=40)

    def test_by_default_both_the_prospect_and_the_clients_rep_attended(self) -> None:
        assert Attendance(attended_minutes=30).attendees == {Actor.PROSPECT, Actor.CLIENT}

    @pytest.mark.parametrize("field", ["attended_minutes", "join_delay_minutes"])
    def test_minutes_are_whole_and_not_negative(self, field: str) -> None:
        values: dict[str, Any] = {"attended_minutes": 30, field: -1}
        with pytest.raises(ValidationError) as raised:
            Attendance(**values)
        assert raised.value.field == f"attendance.{field}"
        with pytest.raises(ValidationError):
            Attendance(**{**values, field: 1.5})

    def test_the_agency_is_not_an_attendee_of_the_meeting(self) -> None:
        with pytest.raises(ValidationError) as raised:
            Attendance(attended_minutes=30, attendees={Actor.PROSPECT, Actor.AGENCY})
        assert raised.value.field == "attendance.attendees"

    def test_a_held_meeting_without_attendance_facts_has_them_pending(self) -> None:
        """A video tool saw the meeting but not its minutes: held, attendance unknown."""
        held = make_appointment(S.SCHEDULED).hold(at=START, attendance=None)
        assert held.state is S.HELD
        assert held.attendance is None
        known = held.correct(to=S.HELD, at=START.add(hours=1), attendance=FULL)
        assert known.attendance == FULL

    @pytest.mark.parametrize("state", [S.PROPOSED, S.SCHEDULED, S.CANCELLED, S.NO_SHOW])
    def test_only_a_held_meeting_has_attendance(self, state: AppointmentState) -> None:
        assert make_appointment(state).attendance is None


class TestHostNoShow:
    """A meeting the client's rep missed is the client's doing (billable); a prospect's is not."""

    def test_a_no_show_of_the_clients_rep_is_a_host_no_show(self) -> None:
        missed = make_appointment(S.SCHEDULED).no_show(
            at=START.add(minutes=15), absent=Actor.CLIENT
        )
        assert missed.is_host_no_show
        assert missed.absent == {Actor.CLIENT}

    def test_a_held_meeting_without_the_clients_rep_is_a_host_no_show(self) -> None:
        alone = Attendance(attended_minutes=20, attendees={Actor.PROSPECT})
        held = make_appointment(S.SCHEDULED).hold(at=START.add(minutes=30), attendance=alone)
        assert held.state is S.HELD
        assert held.is_host_no_show
        assert not held.attendance.host_attended

    def test_a_prospect_no_show_is_not_a_host_no_show(self) -> None:
        missed = make_appointment(S.SCHEDULED).no_show(at=START.add(minutes=15))
        assert missed.absent == {Actor.PROSPECT}
        assert not missed.is_host_no_show

    def test_when_both_sides_missed_it_is_not_the_hosts_alone(self) -> None:
        both = frozenset({Actor.PROSPECT, Actor.CLIENT})
        missed = make_appointment(S.SCHEDULED).no_show(at=START.add(minutes=15), absent=both)
        assert missed.absent == both
        assert not missed.is_host_no_show

    def test_a_meeting_held_by_both_is_no_no_show_at_all(self) -> None:
        assert not make_appointment(S.HELD).is_host_no_show

    @pytest.mark.parametrize("absent", [frozenset(), frozenset({Actor.AGENCY})])
    def test_absent_names_the_prospect_or_the_clients_rep(self, absent: frozenset[Actor]) -> None:
        with pytest.raises(ValidationError) as raised:
            make_appointment(S.SCHEDULED).no_show(at=START.add(minutes=15), absent=absent)
        assert raised.value.field == "absent"


class TestCorrections:
    WINDOW_END = START.add(days=7)

    def test_a_no_show_corrected_to_held_adds_an_entry_and_erases_nothing(self) -> None:
        missed = make_appointment(S.NO_SHOW)
        joined = Attendance(attended_minutes=28, join_delay_minutes=2)
        fixed = missed.correct(
            to=S.HELD, at=START.add(days=1), attendance=joined, reason="recording shows join"
        )
        assert fixed.state is S.HELD
        assert fixed.history[:-1] == missed.history
        assert (fixed.history[-1].action, fixed.history[-1].reason) == (
            A.CORRECT,
            "recording shows join",
        )
        assert fixed.attendance == joined
        assert fixed.absent is None
        assert fixed.is_corrected
        assert not missed.is_corrected

    def test_a_correction_keeps_the_moment_the_outcome_was_first_recorded(self) -> None:
        held = make_appointment(S.HELD)
        fixed = held.correct(to=S.NO_SHOW, at=START.add(days=2))
        assert fixed.outcome_at == held.outcome_at
        assert fixed.absent == {Actor.PROSPECT}
        assert fixed.attendance is None

    def test_a_held_outcome_may_be_corrected_with_new_attendance(self) -> None:
        short = Attendance(attended_minutes=8)
        fixed = make_appointment(S.HELD).correct(to=S.HELD, at=START.add(hours=3), attendance=short)
        assert fixed.attendance == short

    def test_a_correction_after_the_window_is_refused(self) -> None:
        held = make_appointment(S.HELD)
        with pytest.raises(TransitionNotAllowed) as raised:
            held.correct(to=S.NO_SHOW, at=self.WINDOW_END.add(seconds=1), deadline=self.WINDOW_END)
        assert (raised.value.state, raised.value.action) == (S.HELD, A.CORRECT)
        assert str(self.WINDOW_END) in str(raised.value)  # and names when the window closed

    def test_a_correction_on_the_last_moment_of_the_window_is_accepted(self) -> None:
        held = make_appointment(S.HELD)
        fixed = held.correct(to=S.NO_SHOW, at=self.WINDOW_END, deadline=self.WINDOW_END)
        assert fixed.state is S.NO_SHOW

    @pytest.mark.parametrize("target", [S.CANCELLED, S.VOID, S.SCHEDULED])
    def test_an_outcome_is_corrected_only_to_held_or_no_show(
        self, target: AppointmentState
    ) -> None:
        with pytest.raises(TransitionNotAllowed) as raised:
            make_appointment(S.NO_SHOW).correct(to=target, at=START.add(days=1))
        assert raised.value.detail is not None
        assert str(target) in str(raised.value)

    def test_a_correction_to_held_needs_the_attendance(self) -> None:
        with pytest.raises(ValidationError) as raised:
            make_appointment(S.NO_SHOW).correct(to=S.HELD, at=START.add(days=1))
        assert "attendance" in raised.value.field

    def test_a_correction_cannot_be_dated_before_the_outcome(self) -> None:
        held = make_appointment(S.HELD)
        with pytest.raises(ValidationError) as raised:
            held.correct(to=S.NO_SHOW, at=held.outcome_at.subtract(minutes=1))
        assert raised.value.field.endswith(".at")


class TestDisputes:
    RAISED = START.add(days=1)

    def test_the_client_disputes_an_outcome_and_the_dispute_stays_open(self) -> None:
        disputed = make_appointment(S.HELD).dispute(at=self.RAISED, reason="not a decision maker")
        assert disputed.open_dispute == Dispute(self.RAISED, "not a decision maker")
        assert disputed.state is S.HELD
        assert disputed.history == make_appointment(S.HELD).history

    @pytest.mark.parametrize("upheld", [True, False])
    def test_resolving_closes_the_dispute_with_its_resolution(self, upheld: bool) -> None:
        resolved = (
            make_appointment(S.HELD)
            .dispute(at=self.RAISED, reason="too short")
            .resolve_dispute(at=self.RAISED.add(days=1), upheld=upheld)
        )
        assert resolved.open_dispute is None
        (dispute,) = resolved.disputes
        assert dispute.resolution is (
            DisputeResolution.UPHELD if upheld else DisputeResolution.REJECTED
        )
        assert dispute.resolved_at == self.RAISED.add(days=1)

    def test_only_one_dispute_is_open_at_a_time(self) -> None:
        disputed = make_appointment(S.HELD).dispute(at=self.RAISED, reason="too short")
        with pytest.raises(TransitionNotAllowed) as raised:
            disputed.dispute(at=self.RAISED.add(hours=1), reason="again")
        assert raised.value.action == "dispute"
        assert raised.value.detail  # says why: one is already open
        assert disputed.open_dispute == Dispute(self.RAISED, "too short")

    def test_a_new_dispute_may_follow_a_resolved_one(self) -> None:
        again = (
            make_appointment(S.HELD)
            .dispute(at=self.RAISED, reason="too short")
            .resolve_dispute(at=self.RAISED.add(days=1), upheld=False)
            .dispute(at=self.RAISED.add(days=2), reason="wrong person")
        )
        assert len(again.disputes) == 2
        assert again.open_dispute is again.disputes[-1]

    def test_a_new_dispute_cannot_predate_the_resolution_of_the_last(self) -> None:
        resolved = (
            make_appointment(S.HELD)
            .dispute(at=self.RAISED, reason="too short")
            .resolve_dispute(at=self.RAISED.add(days=3), upheld=False)
        )
        with pytest.raises(ValidationError) as raised:
            resolved.dispute(at=self.RAISED.add(days=1), reason="again")
        assert raised.value.field == "disputes[1].raised_at"

    def test_there_is_nothing_to_resolve_without_an_open_dispute(self) -> None:
        with pytest.raises(TransitionNotAllowed) as raised:
            make_appointment(S.HELD).resolve_dispute(at=self.RAISED, upheld=True)
        assert raised.value.action == "resolve_dispute"
        assert raised.value.detail

    @pytest.mark.parametrize("state", [S.PROPOSED, S.SCHEDULED, S.CONFIRMED, S.VOID])
    def test_only_an_appointment_with_an_outcome_can_be_disputed(
        self, state: AppointmentState
    ) -> None:
        with pytest.raises(TransitionNotAllowed) as raised:
            make_appointment(state).dispute(at=self.RAISED, reason="too short")
        assert raised.value.state is state

    def test_a_dispute_cannot_come_before_the_outcome(self) -> None:
        held = make_appointment(S.HELD)
        with pytest.raises(ValidationError) as raised:
            held.dispute(at=held.outcome_at.subtract(minutes=1), reason="too short")
        assert raised.value.field == "disputes[0].raised_at"

    def test_a_dispute_cannot_be_resolved_before_it_was_raised(self) -> None:
        disputed = make_appointment(S.HELD).dispute(at=self.RAISED, reason="too short")
        with pytest.raises(ValidationError) as raised:
            disputed.resolve_dispute(at=self.RAISED.subtract(minutes=1), upheld=True)
        assert raised.value.field == "dispute.resolved_at"

    def test_a_dispute_as_of_a_moment_is_absent_open_or_resolved(self) -> None:
        resolved = Dispute(self.RAISED, "too short", "upheld", self.RAISED.add(days=1))
        assert resolved.as_of(self.RAISED.subtract(seconds=1)) is None
        assert resolved.as_of(self.RAISED) == Dispute(self.RAISED, "too short")
        assert resolved.as_of(self.RAISED.add(days=1)) == resolved

    def test_a_resolution_needs_its_moment_and_the_moment_its_resolution(self) -> None:
        with pytest.raises(ValidationError) as raised:
            Dispute(self.RAISED, "too short", resolution="upheld")
        assert raised.value.field == "dispute.resolved_at"


class TestAsOf:
    """Time travel: the appointment as known at a moment, for late-arriving events."""

    def test_before_booking_the_appointment_did_not_exist(self) -> None:
        assert make_appointment(S.HELD).as_of(BOOKED.subtract(seconds=1)) is None

    def test_between_events_only_the_earlier_ones_are_known(self) -> None:
        held = make_appointment(S.HELD)
        before_meeting = held.as_of(START.subtract(hours=1))
        assert before_meeting is not None
        assert before_meeting.state is S.SCHEDULED
        assert before_meeting.attendance is None
        assert before_meeting.history == held.history[:-1]

    def test_once_everything_happened_the_appointment_is_the_same(self) -> None:
        held = make_appointment(S.HELD)
        assert held.as_of(START.add(years=1)) is held

    def test_a_later_correction_is_not_known_before_it_happened(self) -> None:
        fixed = make_appointment(S.NO_SHOW).correct(
            to=S.HELD, at=START.add(days=2), attendance=FULL
        )
        earlier = fixed.as_of(START.add(days=1))
        assert earlier is not None
        assert (earlier.state, earlier.is_corrected) == (S.NO_SHOW, False)

    def test_a_dispute_is_open_until_its_resolution_is_known(self) -> None:
        raised = START.add(days=1)
        resolved = (
            make_appointment(S.HELD)
            .dispute(at=raised, reason="too short")
            .resolve_dispute(at=raised.add(days=2), upheld=True)
        )
        during = resolved.as_of(raised.add(days=1))
        assert during is not None
        assert during.open_dispute == Dispute(raised, "too short")
        before = resolved.as_of(raised.subtract(seconds=1))
        assert before is not None
        assert before.disputes == ()

    def test_as_of_compares_instants_across_the_autumn_clock_change(self) -> None:
        start = pendulum.datetime(2026, 10, 25, 1, 10, tz="UTC").in_timezone("Europe/Berlin")
        held = make_appointment(S.HELD, start)
        just_before = start.subtract(minutes=20)  # 02:50 summer time, wall clock "after" 02:10
        known = held.as_of(just_before)
        assert known is not None
        assert known.state is S.SCHEDULED

    @given(appointments(), st.integers(0, 100))
    def test_as_of_any_moment_is_the_history_up_to_it(
        self, appointment: Appointment, percent: int
    ) -> None:
        first, last = appointment.history[0].at, appointment.history[-1].at
        moment = first + (last - first) * percent / 100
        known = appointment.as_of(moment)
        assert known is not None
        assert known.history == tuple(e for e in appointment.history if e.at <= moment)
        assert appointment.history[: len(known.history)] == known.history


NAIVE = dt.datetime(2026, 3, 2, 10)


class TestNaiveDatetimes:
    """A datetime without a time zone is refused wherever it enters."""

    @pytest.mark.parametrize(
        ("enter", "field"),
        [
            (
                lambda: Appointment.propose("a-1", make_prospect(), start=NAIVE, at=BOOKED),
                "history.start",
            ),
            (
                lambda: Appointment.propose("a-1", make_prospect(), start=START, at=NAIVE),
                "history.at",
            ),
            (lambda: proposed().schedule(at=NAIVE), "history.at"),
            (lambda: make_appointment(S.SCHEDULED).confirm(at=NAIVE), "history.at"),
            (
                lambda: make_appointment(S.SCHEDULED).reschedule(to=NAIVE, at=BOOKED),
                "history.start",
            ),
            (lambda: make_appointment(S.SCHEDULED).reschedule(to=START, at=NAIVE), "history.at"),
            (lambda: make_appointment(S.SCHEDULED).hold(at=NAIVE, attendance=FULL), "history.at"),
            (lambda: make_appointment(S.SCHEDULED).no_show(at=NAIVE), "history.at"),
            (lambda: proposed().cancel(at=NAIVE, actor=Actor.CLIENT), "history.at"),
            (lambda: proposed().void(at=NAIVE), "history.at"),
            (lambda: make_appointment(S.HELD).correct(to=S.NO_SHOW, at=NAIVE), "at"),
            (
                lambda: make_appointment(S.HELD).correct(
                    to=S.NO_SHOW, at=START.add(days=1), deadline=NAIVE
                ),
                "deadline",
            ),
            (lambda: make_appointment(S.HELD).dispute(at=NAIVE, reason="x"), "dispute.raised_at"),
            (
                lambda: (
                    make_appointment(S.HELD)
                    .dispute(at=START.add(days=1), reason="x")
                    .resolve_dispute(at=NAIVE, upheld=True)
                ),
                "dispute.resolved_at",
            ),
            (lambda: make_appointment(S.HELD).as_of(NAIVE), "at"),
            (lambda: Dispute(START, "x").as_of(NAIVE), "at"),
        ],
    )
    def test_a_naive_datetime_is_refused_naming_where_it_entered(
        self, enter: Callable[[], object], field: str
    ) -> None:
        with pytest.raises(NaiveDatetime) as raised:
            enter()
        assert raised.value.field == field
        assert raised.value.value == NAIVE

    def test_an_aware_standard_library_datetime_is_accepted(self) -> None:
        aware = dt.datetime(2026, 2, 23, 12, tzinfo=dt.UTC)
        assert proposed().schedule(at=aware).history[-1].at == aware


class TestImmutability:
    def test_a_transition_returns_a_new_appointment_and_keeps_the_old_one(self) -> None:
        before = proposed()
        after = before.schedule(at=BOOKED.add(hours=1))
        assert after is not before
        assert before.state is S.PROPOSED
        assert len(before.history) == 1
        assert after.state is S.SCHEDULED

    @pytest.mark.parametrize("field", ["id", "history", "prospect", "disputes"])
    def test_an_appointment_cannot_be_changed_in_place(self, field: str) -> None:
        held = make_appointment(S.HELD)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(held, field, None)

    def test_history_entries_attendance_and_disputes_are_frozen(self) -> None:
        held = make_appointment(S.HELD).dispute(at=START.add(days=1), reason="too short")
        for value, field in [
            (held.history[0], "at"),
            (held.attendance, "attended_minutes"),
            (held.disputes[0], "reason"),
        ]:
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                setattr(value, field, None)
        assert isinstance(held.history, tuple)
        assert isinstance(held.disputes, tuple)

    def test_evolve_validates_the_new_history(self) -> None:
        held = make_appointment(S.HELD)
        with pytest.raises(ValidationError):
            attrs.evolve(held, history=())


class TestConstruction:
    def test_a_history_starts_with_a_proposal_that_has_a_start(self) -> None:
        schedule = HistoryEntry(A.SCHEDULE, S.SCHEDULED, BOOKED, Actor.PROSPECT)
        with pytest.raises(ValidationError) as raised:
            Appointment("a-1", make_prospect(), (schedule,))
        assert raised.value.field == "history[0]"

    def test_an_entry_must_lead_to_the_state_the_table_says(self) -> None:
        entries = (
            HistoryEntry(A.PROPOSE, S.PROPOSED, BOOKED, Actor.AGENCY, start=START),
            HistoryEntry(A.SCHEDULE, S.CONFIRMED, BOOKED, Actor.PROSPECT),
        )
        with pytest.raises(ValidationError) as raised:
            Appointment("a-1", make_prospect(), entries)
        assert raised.value.field == "history.state"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"id": " "}, "appointment.id"),
            ({"prospect": "p-1"}, "appointment.prospect"),
            ({"duration_minutes": 0}, "appointment.duration_minutes"),
            ({"history": ["propose"]}, "history[0]"),
        ],
    )
    def test_bad_fields_are_refused_by_name(self, changes: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(proposed(), **changes)
        assert raised.value.field == field

    def test_a_state_or_action_may_be_given_by_its_value(self) -> None:
        entry = HistoryEntry("propose", "proposed", BOOKED, "agency", start=START)
        assert (entry.action, entry.state, entry.actor) == (A.PROPOSE, S.PROPOSED, Actor.AGENCY)
        with pytest.raises(ValidationError) as raised:
            HistoryEntry("teleport", "proposed", BOOKED, "agency")
        assert raised.value.field == "history.action"

    def test_a_reschedule_entry_must_carry_its_new_start(self) -> None:
        entries = (
            HistoryEntry(A.PROPOSE, S.PROPOSED, BOOKED, Actor.AGENCY, start=START),
            HistoryEntry(A.SCHEDULE, S.SCHEDULED, BOOKED, Actor.PROSPECT),
            HistoryEntry(A.RESCHEDULE, S.SCHEDULED, BOOKED, Actor.PROSPECT),
        )
        with pytest.raises(ValidationError) as raised:
            Appointment("a-1", make_prospect(), entries)
        assert raised.value.field == "history[2].start"

    @pytest.mark.parametrize(
        ("action", "state"), [(A.HOLD, S.HELD), (A.CORRECT, S.HELD), (A.CONFIRM, S.CONFIRMED)]
    )
    def test_a_written_history_obeys_the_table_too(
        self, action: Action, state: AppointmentState
    ) -> None:
        entries = (
            HistoryEntry(A.PROPOSE, S.PROPOSED, BOOKED, Actor.AGENCY, start=START),
            HistoryEntry(action, state, START.add(hours=1), Actor.AGENCY, attendance=FULL),
        )
        with pytest.raises(TransitionNotAllowed) as raised:
            Appointment("a-1", make_prospect(), entries)
        assert (raised.value.state, raised.value.action) == (S.PROPOSED, action)

    def test_written_disputes_are_one_at_a_time(self) -> None:
        held = make_appointment(S.HELD)
        raised_at = START.add(days=1)
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(
                held, disputes=(Dispute(raised_at, "a"), Dispute(raised_at.add(hours=1), "b"))
            )
        assert raised.value.field == "disputes[1]"
