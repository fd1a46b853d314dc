"""Events from Cal.com, Calendly and Zoom (domain.md section 10): parsers and attendance.

The bodies are the fixtures in tests/fixtures/webhooks/ (their sources are in its README).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pendulum
import pytest

from ppa_core import Actor
from ppa_core.events import (
    EventKind,
    Provider,
    SchedulingEvent,
    attendance_from_presence,
    calcom,
    calendly,
    event_order,
    merge_intervals,
    parse_webhook,
    zoom,
)
from ppa_core.exceptions import EventPayloadError, ValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
K = EventKind
UTC = "UTC"


def body(name: str) -> dict[str, Any]:
    """The fixture ``provider/name.json``."""
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=UTC)


class TestCalcom:
    @pytest.mark.parametrize(
        ("name", "kind"),
        [
            ("booking_requested", K.REQUESTED),
            ("booking_created", K.BOOKED),
            ("booking_rescheduled", K.RESCHEDULED),
            ("booking_cancelled", K.CANCELLED),
            ("booking_rejected", K.REJECTED),
            ("booking_no_show_updated_marked", K.NO_SHOW_MARKED),
            ("booking_no_show_updated_unmarked", K.NO_SHOW_UNMARKED),
            ("booking_no_show_updated_several", K.NO_SHOW_MARKED),
            ("after_hosts_cal_video_no_show", K.NO_SHOW_MARKED),
            ("after_guests_cal_video_no_show", K.NO_SHOW_MARKED),
            ("meeting_started", K.MEETING_STARTED),
            ("meeting_ended", K.MEETING_ENDED),
        ],
    )
    def test_each_trigger_becomes_its_event(self, name: str, kind: EventKind) -> None:
        raw = body(f"calcom/{name}")
        event = calcom.parse(raw)
        assert event.kind is kind
        assert event.provider is Provider.CALCOM
        assert event.source_kind == raw["triggerEvent"]
        assert event.occurred_at == pendulum.parse(raw["createdAt"])

    def test_a_booking_carries_its_reference_start_and_invitee(self) -> None:
        event = calcom.parse(body("calcom/booking_created"))
        assert event.booking == "calcom:bk_7Hq2VxR9"
        assert event.start == utc(2026, 3, 2, 10)
        assert event.end == utc(2026, 3, 2, 10, 30)
        assert event.invitee_email == "ada@acme.example"

    def test_a_reschedule_names_the_booking_it_replaces(self) -> None:
        event = calcom.parse(body("calcom/booking_rescheduled"))
        assert (event.booking, event.previous_booking) == (
            "calcom:bk_9Pm4LcW2",
            "calcom:bk_7Hq2VxR9",
        )
        assert event.start == utc(2026, 3, 4, 14)
        assert event.actor is Actor.PROSPECT

    def test_the_canceller_is_read_from_its_email_or_left_unknown(self) -> None:
        assert calcom.parse(body("calcom/booking_cancelled")).actor is Actor.PROSPECT
        assert calcom.parse(body("calcom/booking_cancelled_by_unknown")).actor is None
        by_host = body("calcom/booking_cancelled")
        by_host["payload"]["cancelledBy"] = "RITA@client.example"
        assert calcom.parse(by_host).actor is Actor.CLIENT

    def test_the_cal_video_no_shows_name_who_was_absent(self) -> None:
        hosts = calcom.parse(body("calcom/after_hosts_cal_video_no_show"))
        guests = calcom.parse(body("calcom/after_guests_cal_video_no_show"))
        assert hosts.absent == {Actor.CLIENT}
        assert guests.absent == {Actor.PROSPECT}
        assert hosts.booking == guests.booking == "calcom:bk_7Hq2VxR9"

    def test_meeting_start_and_end_are_on_the_schedule(self) -> None:
        assert calcom.parse(body("calcom/meeting_started")).on_schedule
        assert calcom.parse(body("calcom/meeting_ended")).on_schedule
        assert not calcom.parse(body("calcom/booking_created")).on_schedule


class TestCalendly:
    @pytest.mark.parametrize(
        ("name", "kind", "actor"),
        [
            ("invitee_created", K.BOOKED, Actor.PROSPECT),
            ("invitee_created_rescheduled", K.RESCHEDULED, Actor.PROSPECT),
            ("invitee_canceled_rescheduled", K.RESCHEDULE_CANCELLED, Actor.PROSPECT),
            ("invitee_canceled_by_host", K.CANCELLED, Actor.CLIENT),
            ("invitee_canceled_by_invitee", K.CANCELLED, Actor.PROSPECT),
            ("invitee_no_show_created", K.NO_SHOW_MARKED, None),
            ("invitee_no_show_deleted", K.NO_SHOW_UNMARKED, None),
        ],
    )
    def test_each_event_becomes_its_event(
        self, name: str, kind: EventKind, actor: Actor | None
    ) -> None:
        raw = body(f"calendly/{name}")
        event = calendly.parse(raw)
        assert (event.kind, event.actor) == (kind, actor)
        assert event.booking == f"calendly:{raw['payload']['uri']}"
        assert event.occurred_at == pendulum.parse(raw["created_at"])

    def test_a_reschedule_is_a_cancel_and_a_create_linked_by_the_invitee_uris(self) -> None:
        cancel = calendly.parse(body("calendly/invitee_canceled_rescheduled"))
        create = calendly.parse(body("calendly/invitee_created_rescheduled"))
        assert cancel.new_booking == create.booking
        assert create.previous_booking == cancel.booking
        assert create.start == utc(2026, 3, 5, 16)

    def test_a_cancellation_without_its_canceller_has_an_unknown_actor(self) -> None:
        raw = body("calendly/invitee_canceled_by_host")
        raw["payload"]["cancellation"] = None
        assert calendly.parse(raw).actor is None

    def test_a_no_show_may_name_the_invitee_in_its_own_field(self) -> None:
        raw = body("calendly/invitee_no_show_created")
        uri = raw["payload"]["uri"]
        raw["payload"] = {"invitee": uri, "uri": "https://api.calendly.com/invitee_no_shows/x"}
        assert calendly.parse(raw).booking == f"calendly:{uri}"


class TestZoom:
    def test_the_meeting_id_may_be_an_integer_or_a_string(self) -> None:
        joined = body("zoom/participant_joined")
        left = body("zoom/participant_left")
        assert isinstance(joined["payload"]["object"]["id"], str)
        assert isinstance(left["payload"]["object"]["id"], int)
        assert zoom.parse(joined).booking == zoom.parse(left).booking == "zoom:85746065432"

    def test_join_and_leave_pair_by_participant_uuid_not_user_id(self) -> None:
        joined, left = body("zoom/participant_joined"), body("zoom/participant_left")
        ids = [b["payload"]["object"]["participant"]["user_id"] for b in (joined, left)]
        assert ids[0] != ids[1]
        j, l_ = zoom.parse(joined), zoom.parse(left)
        assert j.participant is not None
        assert l_.participant is not None
        assert j.participant.id == l_.participant.id == "9D4E5F6A-7B8C-4D1E-9F0A-1B2C3D4E5F60"

    def test_a_join_occurs_at_its_join_time_and_an_end_at_its_end_time(self) -> None:
        assert zoom.parse(body("zoom/participant_joined")).occurred_at == utc(2026, 3, 4, 14, 3, 23)
        assert zoom.parse(body("zoom/meeting_ended")).occurred_at == utc(2026, 3, 4, 14, 38, 5)

    def test_without_its_own_time_an_event_occurs_at_event_ts_in_milliseconds(self) -> None:
        raw = body("zoom/meeting_started")
        del raw["payload"]["object"]["start_time"]
        assert zoom.parse(raw).occurred_at == pendulum.from_timestamp(1772632872, tz=UTC)


class TestBadInput:
    def test_an_unknown_kind_names_the_provider_and_the_path(self) -> None:
        raw = body("calcom/booking_created")
        raw["triggerEvent"] = "BOOKING_PAID"
        with pytest.raises(EventPayloadError) as raised:
            calcom.parse(raw)
        assert (raised.value.provider, raised.value.field) == ("calcom", "triggerEvent")
        assert "BOOKING_PAID" in str(raised.value)

    def test_a_missing_field_names_the_event_kind_and_the_json_path(self) -> None:
        raw = body("calendly/invitee_created")
        del raw["payload"]["uri"]
        with pytest.raises(EventPayloadError) as raised:
            calendly.parse(raw)
        error = raised.value
        assert (error.provider, error.kind, error.field) == (
            "calendly",
            "invitee.created",
            "payload.uri",
        )
        assert str(error).startswith("calendly invitee.created: 'payload.uri'")

    def test_a_wrong_type_is_refused(self) -> None:
        raw = body("zoom/meeting_ended")
        raw["payload"]["object"]["id"] = 1.5
        with pytest.raises(EventPayloadError) as raised:
            zoom.parse(raw)
        assert raised.value.field == "payload.object.id"

    @pytest.mark.parametrize(
        "stamp", ["02/03/2026 10:00", "2026-03-02T10:00:00", "yesterday", True]
    )
    def test_a_timestamp_in_an_unknown_format_is_refused(self, stamp: object) -> None:
        raw = body("calcom/booking_created")
        raw["payload"]["startTime"] = stamp
        with pytest.raises(EventPayloadError) as raised:
            calcom.parse(raw)
        assert raised.value.field == "payload.startTime"
        assert raised.value.kind == "BOOKING_CREATED"

    def test_a_body_that_is_not_an_object_is_refused(self) -> None:
        with pytest.raises(EventPayloadError) as raised:
            zoom.parse([1, 2])  # type: ignore[arg-type]
        assert raised.value.field == "$"

    def test_an_unknown_provider_is_refused(self) -> None:
        with pytest.raises(EventPayloadError) as raised:
            parse_webhook("hubspot", {})
        assert raised.value.field == "provider"

    def test_the_error_is_a_validation_error(self) -> None:
        assert issubclass(EventPayloadError, ValidationError)


class TestTimestamps:
    @pytest.mark.parametrize(
        "stamp",
        [
            "2026-03-02T10:00:00Z",
            "2026-03-02T10:00:00.000000Z",
            "2026-03-02T11:00:00+01:00",
            1772445600,
            1772445600000,
        ],
    )
    def test_the_formats_the_tools_use_are_read(self, stamp: object) -> None:
        raw = body("calcom/booking_created")
        raw["payload"]["startTime"] = stamp
        assert calcom.parse(raw).start == utc(2026, 3, 2, 10)


class TestIdempotencyKey:
    def test_a_redelivery_has_the_same_key_and_another_fact_another(self) -> None:
        raw = body("zoom/participant_joined")
        again = copy.deepcopy(raw)
        assert zoom.parse(raw).key == zoom.parse(again).key
        again["payload"]["object"]["participant"]["join_time"] = "2026-03-04T14:04:00Z"
        assert zoom.parse(raw).key != zoom.parse(again).key

    def test_events_sort_by_time_then_lifecycle_then_key(self) -> None:
        booked = calcom.parse(body("calcom/booking_created"))
        cancel = SchedulingEvent(
            provider="calcom",
            kind="cancelled",
            source_kind="BOOKING_CANCELLED",
            key="a",
            occurred_at=booked.occurred_at,
            booking=booked.booking,
        )
        assert sorted([cancel, booked], key=event_order) == [booked, cancel]


T = utc(2026, 3, 2, 10)


class TestAttendanceFromPresence:
    def test_join_delay_is_from_the_scheduled_start_and_never_negative(self) -> None:
        late = attendance_from_presence(
            T, [(T.add(minutes=12), T.add(minutes=40))], [(T, T.add(minutes=40))]
        )
        early = attendance_from_presence(
            T, [(T.subtract(minutes=2), T.add(minutes=30))], [(T, T.add(minutes=30))]
        )
        assert late.join_delay_minutes == 12
        assert early.join_delay_minutes == 0

    def test_attended_minutes_are_when_both_were_present(self) -> None:
        a = attendance_from_presence(
            T, [(T, T.add(minutes=30))], [(T.add(minutes=10), T.add(minutes=45))]
        )
        assert a.attended_minutes == 20

    def test_rejoins_are_merged_before_intersecting(self) -> None:
        prospect = [
            (T, T.add(minutes=20)),
            (T.add(minutes=15), T.add(minutes=25)),  # a second device
            (T.add(minutes=30), T.add(minutes=40)),  # a re-join
        ]
        a = attendance_from_presence(T, prospect, [(T, T.add(minutes=60))])
        assert a.attended_minutes == 35

    def test_a_side_never_present_is_not_an_attendee(self) -> None:
        a = attendance_from_presence(T, [], [(T, T.add(minutes=30))])
        assert a.attendees == {Actor.CLIENT}
        assert a.attended_minutes == 0

    def test_an_interval_ending_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            merge_intervals([(T, T.subtract(minutes=1))])
