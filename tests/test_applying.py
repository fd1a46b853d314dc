"""Applying scheduling events: the same appointments whatever the order and deliveries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import prospect
from ppa_core import Actor, AppointmentState, Attendance
from ppa_core.adapters import serialization
from ppa_core.domain.lifecycle import Action
from ppa_core.events import (
    Directory,
    EventStatus,
    Ledger,
    SchedulingEvent,
    apply_events,
    calcom,
    calendly,
    zoom,
)
from ppa_core.exceptions import DocumentError

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
S = AppointmentState
ST = EventStatus
ADA = prospect("p-ada", name="Ada Lovelace")
GRACE = prospect("p-grace", name="Grace Hopper")
CALCOM_ID = "calcom:bk_7Hq2VxR9"
DIRECTORY = Directory(
    prospects={"ada@acme.example": ADA, "grace@hopper.example": GRACE},
    hosts={"rita@client.example"},
    bookings={"zoom:85746065432": CALCOM_ID},
)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


PARSERS = {"calcom": calcom.parse, "calendly": calendly.parse, "zoom": zoom.parse}


def event(name: str) -> SchedulingEvent:
    return PARSERS[name.split("/", maxsplit=1)[0]](load(name))


CALCOM_STORY = [
    "calcom/booking_created",
    "calcom/booking_rescheduled",
    "zoom/meeting_started",
    "zoom/participant_joined_host",
    "zoom/participant_joined",
    "zoom/participant_left",
    "zoom/participant_left_host",
    "zoom/meeting_ended",
]
CALENDLY_STORY = [
    "calendly/invitee_created",
    "calendly/invitee_canceled_rescheduled",
    "calendly/invitee_created_rescheduled",
    "calendly/invitee_no_show_created",
    "calendly/invitee_no_show_deleted",
]
STORY = [event(n) for n in CALCOM_STORY + CALENDLY_STORY]


class TestTheStory:
    def test_a_calcom_booking_moved_and_held_on_zoom_is_held_with_its_attendance(self) -> None:
        done = apply_events(Ledger(), STORY, DIRECTORY)
        a = done.appointments[CALCOM_ID]
        assert a.state is S.HELD
        assert a.start == pendulum.datetime(2026, 3, 4, 14, tz="UTC")
        assert a.reschedule_count == 1
        # Ada joined 3 min 23 s after the start and left at 14:35; Rita was there throughout.
        assert a.attendance == Attendance(
            attended_minutes=31, join_delay_minutes=3, attendees={Actor.PROSPECT, Actor.CLIENT}
        )
        assert a.prospect == ADA

    def test_the_same_facts_as_a_hand_built_history(self) -> None:
        done = apply_events(Ledger(), STORY, DIRECTORY)
        start = pendulum.datetime(2026, 3, 2, 10, tz="UTC")
        booked_at = pendulum.datetime(2026, 2, 23, 9, 30, 0, 538000, tz="UTC")
        by_hand = (
            type(done.appointments[CALCOM_ID])
            .propose(CALCOM_ID, ADA, start=start, at=booked_at, actor=Actor.PROSPECT)
            .schedule(at=booked_at)
            .reschedule(
                to=pendulum.datetime(2026, 3, 4, 14, tz="UTC"),
                at=pendulum.parse("2026-02-26T16:05:41.020Z"),
            )
            .hold(
                at=pendulum.datetime(2026, 3, 4, 14, 38, 5, tz="UTC"),
                attendance=Attendance(attended_minutes=31, join_delay_minutes=3),
            )
        )
        assert done.appointments[CALCOM_ID] == by_hand

    def test_a_calendly_reschedule_moves_one_appointment_and_an_unmarked_no_show_is_undone(
        self,
    ) -> None:
        done = apply_events(Ledger(), STORY, DIRECTORY)
        first = event("calendly/invitee_created").booking
        a = done.appointments[first]
        assert a.state is S.SCHEDULED
        assert a.start == pendulum.datetime(2026, 3, 5, 16, tz="UTC")
        assert [e.action for e in a.history][-2:] == [Action.NO_SHOW, Action.RETRACT]
        assert done.ledger.bookings[event("calendly/invitee_created_rescheduled").booking] == first
        assert len(done.appointments) == 2

    def test_every_event_has_a_status_and_a_reason(self) -> None:
        done = apply_events(Ledger(), STORY, DIRECTORY)
        statuses = {r.event.source_kind: r.status for r in done.results}
        assert statuses["meeting.started"] is ST.NOTED
        assert statuses["invitee.canceled"] is ST.NOTED
        assert all(r.reason for r in done.results)
        assert not done.having(ST.CONFLICT)
        assert not done.deferred


class TestDeliveries:
    def test_a_webhook_delivered_twice_is_a_duplicate_not_an_error(self) -> None:
        marked = event("calcom/booking_no_show_updated_marked")
        base = apply_events(Ledger(), [event("calcom/booking_created")], DIRECTORY)
        done = apply_events(base.ledger, [marked, marked], DIRECTORY)
        assert [r.status for r in done.results] == [ST.APPLIED, ST.DUPLICATE]
        again = apply_events(done.ledger, [marked], DIRECTORY)
        assert again.results[0].status is ST.DUPLICATE
        assert again.appointments == done.appointments

    def test_the_same_fact_from_two_tools_is_a_no_op(self) -> None:
        created = event("calcom/booking_created")
        marked = event("calcom/booking_no_show_updated_marked")
        guests = event("calcom/after_guests_cal_video_no_show")
        done = apply_events(Ledger(), [created, marked, guests], DIRECTORY)
        # Cal Video reports the guests' no-show at 10:15, the host marks it at 10:40.
        assert [r.status for r in done.results] == [ST.APPLIED, ST.APPLIED, ST.DUPLICATE]
        a = done.appointments[CALCOM_ID]
        assert a.state is S.NO_SHOW
        assert not a.is_corrected

    def test_out_of_order_arrival_in_one_batch_is_put_in_order(self) -> None:
        forward = apply_events(Ledger(), STORY, DIRECTORY)
        backward = apply_events(Ledger(), list(reversed(STORY)), DIRECTORY)
        assert backward.appointments == forward.appointments

    def test_the_other_half_of_a_reschedule_not_yet_seen_is_deferred_then_applied(self) -> None:
        created = event("calendly/invitee_created")
        cancel_half = event("calendly/invitee_canceled_rescheduled")
        create_half = event("calendly/invitee_created_rescheduled")
        first = apply_events(Ledger(), [created, cancel_half], DIRECTORY)
        assert first.deferred == (cancel_half,)
        second = apply_events(first.ledger, [*first.deferred, create_half], DIRECTORY)
        assert {r.status for r in second.results} == {ST.NOTED, ST.APPLIED}
        assert second.appointments[created.booking].reschedule_count == 1

    def test_an_unknown_booking_is_deferred_and_nothing_changes(self) -> None:
        cancel = event("calcom/booking_cancelled")
        done = apply_events(Ledger(), [cancel], DIRECTORY)
        assert done.results[0].status is ST.DEFERRED
        assert "not known" in done.results[0].reason
        assert not done.appointments
        assert cancel.key not in done.ledger.seen

    def test_an_unknown_prospect_is_deferred(self) -> None:
        done = apply_events(Ledger(), [event("calcom/booking_created")], Directory())
        assert done.results[0].status is ST.DEFERRED

    def test_an_outcome_the_lifecycle_refuses_is_a_conflict_with_its_reason(self) -> None:
        created = event("calcom/booking_created")
        cancelled = event("calcom/booking_cancelled")
        marked = event("calcom/booking_no_show_updated_marked")  # after the cancellation
        done = apply_events(Ledger(), [created, cancelled, marked], DIRECTORY)
        conflict = done.having(ST.CONFLICT)
        assert [r.event for r in conflict] == [marked]
        assert "cancelled" in conflict[0].reason
        assert done.appointments[CALCOM_ID].state is S.CANCELLED

    def test_an_unnamed_canceller_is_recorded_as_unknown(self) -> None:
        created = event("calcom/booking_created")
        cancelled = event("calcom/booking_cancelled_by_unknown")
        done = apply_events(Ledger(), [created, cancelled], DIRECTORY)
        assert done.appointments[CALCOM_ID].cancelled_by is Actor.UNKNOWN

    def test_a_zoom_meeting_without_presence_is_held_with_attendance_pending(self) -> None:
        created = event("calcom/booking_created")
        moved = event("calcom/booking_rescheduled")
        ended = event("zoom/meeting_ended")
        done = apply_events(Ledger(), [created, moved, ended], DIRECTORY)
        a = done.appointments[CALCOM_ID]
        assert (a.state, a.attendance) == (S.HELD, None)
        late = [event(n) for n in CALCOM_STORY[3:7]]
        known = apply_events(done.ledger, late, DIRECTORY)
        assert known.appointments[CALCOM_ID].attendance is not None
        assert known.appointments[CALCOM_ID].attendance.attended_minutes == 31

    def test_a_correction_window_turns_late_corrections_into_conflicts(self) -> None:
        created = event("calcom/booking_created")
        marked = event("calcom/booking_no_show_updated_marked")
        unmarked = event("calcom/booking_no_show_updated_unmarked")
        late = SchedulingEvent(
            **{
                **{f: getattr(unmarked, f) for f in ("provider", "kind", "source_kind", "booking")},
                "key": "late",
                "occurred_at": unmarked.occurred_at.add(days=30),
            }
        )
        done = apply_events(Ledger(), [created, marked, late], DIRECTORY, correction_window_days=7)
        assert done.results[-1].status is ST.CONFLICT
        assert "window closed" in done.results[-1].reason


class TestStoredForm:
    def test_events_and_the_ledger_round_trip_through_their_documents(self) -> None:
        done = apply_events(Ledger(), STORY, DIRECTORY)
        for e in STORY:
            assert serialization.loads(SchedulingEvent, serialization.dumps(e)) == e
        stored = serialization.loads(Ledger, serialization.dumps(done.ledger))
        assert stored == done.ledger
        more = apply_events(stored, STORY, DIRECTORY)
        assert all(r.status is ST.DUPLICATE for r in more.results)

    def test_a_bad_stored_event_names_its_path(self) -> None:
        data = serialization.dump_data(STORY[0])
        data["occurred_at"] = "yesterday"
        with pytest.raises(DocumentError) as raised:
            serialization.load_data("scheduling_event", data)
        assert [p.path for p in raised.value.problems] == ["scheduling_event.occurred_at"]


def _deliveries() -> st.SearchStrategy[list[SchedulingEvent]]:
    """The story's events, some delivered several times, in any order (shrinks to the story)."""
    return st.lists(st.integers(0, 2), min_size=len(STORY), max_size=len(STORY)).flatmap(
        lambda extra: st.permutations(
            [e for e, n in zip(STORY, extra, strict=True) for _ in range(1 + n)]
        )
    )


class TestOrderIndependence:
    @given(_deliveries())
    def test_any_order_and_any_number_of_deliveries_give_the_same_appointments(
        self, events: list[SchedulingEvent]
    ) -> None:
        expected = apply_events(Ledger(), STORY, DIRECTORY)
        done = apply_events(Ledger(), events, DIRECTORY)
        assert done.appointments == expected.appointments
        assert done.ledger == expected.ledger

    @given(_deliveries(), st.integers(0, len(STORY)))
    def test_applying_again_changes_nothing(self, events: list[SchedulingEvent], cut: int) -> None:
        done = apply_events(Ledger(), events, DIRECTORY)
        again = apply_events(done.ledger, events[:cut], DIRECTORY)
        assert again.appointments == done.appointments
        assert all(r.status is ST.DUPLICATE for r in again.results)
