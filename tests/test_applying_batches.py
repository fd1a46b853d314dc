"""Applying events across batches: late events put in place, pending kept, partial no-shows."""

from __future__ import annotations

import copy

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core import Actor, AppointmentState, Attendance
from ppa_core.domain.lifecycle import Action
from ppa_core.events import (
    EventKind,
    EventStatus,
    Ledger,
    Participant,
    SchedulingEvent,
    apply_events,
    calcom,
)
from ppa_core.exceptions import ValidationError
from test_applying import CALCOM_ID, DIRECTORY, STORY, event, load

S = AppointmentState
ST = EventStatus
CANCELLED = event("calcom/booking_cancelled")  # 1 March, after the move: it cancels the meeting
POOLS = [STORY, [*STORY, CANCELLED]]


def _batches() -> st.SearchStrategy[tuple[list[SchedulingEvent], list[list[SchedulingEvent]]]]:
    """A pool of events, and its events (some several times) in any order cut into batches."""

    def cut(events: list[SchedulingEvent]) -> st.SearchStrategy[list[list[SchedulingEvent]]]:
        cuts = st.lists(st.integers(0, len(events)), max_size=6).map(sorted)
        return cuts.map(
            lambda at: [events[i:j] for i, j in zip([0, *at], [*at, len(events)], strict=True)]
        )

    def deliveries(pool: list[SchedulingEvent]) -> st.SearchStrategy[list[SchedulingEvent]]:
        counts = st.lists(st.integers(0, 2), min_size=len(pool), max_size=len(pool))
        return counts.flatmap(
            lambda extra: st.permutations(
                [e for e, n in zip(pool, extra, strict=True) for _ in range(1 + n)]
            )
        )

    return st.sampled_from(POOLS).flatmap(
        lambda pool: st.tuples(st.just(pool), deliveries(pool).flatmap(cut))
    )


def _one_after_another(batches: list[list[SchedulingEvent]]) -> Ledger:
    ledger = Ledger()
    for batch in batches:
        ledger = apply_events(ledger, batch, DIRECTORY).ledger
    return ledger


class TestBatching:
    @given(_batches())
    def test_any_order_deliveries_and_batching_give_the_same_appointments(
        self, case: tuple[list[SchedulingEvent], list[list[SchedulingEvent]]]
    ) -> None:
        pool, batches = case
        expected = apply_events(Ledger(), pool, DIRECTORY).ledger
        ledger = _one_after_another(batches)
        assert ledger.appointments == expected.appointments
        assert ledger == expected

    def test_a_late_event_from_an_earlier_moment_is_put_in_its_place(self) -> None:
        created = event("calcom/booking_created")
        marked = event("calcom/booking_no_show_updated_marked")  # 10:40
        guests = event("calcom/after_guests_cal_video_no_show")  # 10:15, delivered last
        first = apply_events(Ledger(), [created, marked], DIRECTORY)
        late = apply_events(first.ledger, [guests], DIRECTORY)
        result = late.results[0]
        assert result.status is ST.APPLIED
        assert "placed before 1 later event(s)" in result.reason
        one = apply_events(Ledger(), [created, marked, guests], DIRECTORY)
        assert late.appointments == one.appointments
        assert late.appointments[CALCOM_ID].history[-1].at == guests.occurred_at

    def test_a_late_cancellation_turns_a_later_outcome_into_what_it_would_have_been(self) -> None:
        held = apply_events(Ledger(), STORY, DIRECTORY)
        assert held.appointments[CALCOM_ID].state is S.HELD
        late = apply_events(held.ledger, [CANCELLED], DIRECTORY)
        assert late.results[0].status is ST.APPLIED
        assert late.appointments[CALCOM_ID].state is S.CANCELLED
        assert late.ledger == apply_events(Ledger(), [*STORY, CANCELLED], DIRECTORY).ledger

    def test_a_late_cancel_half_of_a_reschedule_is_noted_when_its_create_half_came_after_it(
        self,
    ) -> None:
        created = event("calendly/invitee_created")
        cancel_half = event("calendly/invitee_canceled_rescheduled")
        create_half = event("calendly/invitee_created_rescheduled")
        create_half = attrs.evolve(create_half, occurred_at=create_half.occurred_at.add(seconds=1))
        marked = event("calendly/invitee_no_show_created")
        first = apply_events(Ledger(), [created, create_half, marked], DIRECTORY)
        late = apply_events(first.ledger, [cancel_half], DIRECTORY)
        assert late.results[0].status is ST.NOTED
        one = apply_events(Ledger(), [created, cancel_half, create_half, marked], DIRECTORY)
        assert late.ledger == one.ledger

    def test_the_log_keeps_each_appointments_events_in_order_once(self) -> None:
        done = apply_events(Ledger(), [*STORY, *STORY], DIRECTORY)
        log = done.ledger.log[CALCOM_ID]
        assert len(log) == 8
        assert [e.occurred_at for e in log] == sorted(e.occurred_at for e in log)


class TestPending:
    def test_a_deferred_event_waits_in_the_ledger_and_is_reported_when_applied(self) -> None:
        cancelled = event("calcom/booking_cancelled")
        first = apply_events(Ledger(), [cancelled], DIRECTORY)
        assert first.ledger.pending == (cancelled,)
        second = apply_events(first.ledger, [event("calcom/booking_created")], DIRECTORY)
        assert [r.status for r in second.results] == [ST.APPLIED, ST.APPLIED]
        assert second.appointments[CALCOM_ID].state is S.CANCELLED
        assert not second.ledger.pending

    def test_a_pending_event_still_waiting_is_not_reported_again(self) -> None:
        first = apply_events(Ledger(), [event("calcom/booking_cancelled")], DIRECTORY)
        second = apply_events(first.ledger, [], DIRECTORY)
        assert second.results == ()
        assert second.ledger.pending == first.ledger.pending

    def test_an_event_older_than_its_booking_is_a_conflict_whatever_the_batching(self) -> None:
        booked = event("calcom/booking_created")
        joined = event("zoom/participant_joined")
        early = attrs.evolve(joined, key="early", occurred_at=booked.occurred_at.subtract(hours=1))
        one = apply_events(Ledger(), [early, booked], DIRECTORY)
        assert {r.event.key: r.status for r in one.results}[early.key] is ST.CONFLICT
        assert "before its booking" in one.having(ST.CONFLICT)[0].reason
        two = apply_events(apply_events(Ledger(), [booked], DIRECTORY).ledger, [early], DIRECTORY)
        assert two.results[0].status is ST.CONFLICT
        assert two.ledger == one.ledger


class TestSettled:
    def test_a_settled_appointment_keeps_its_keys_and_refuses_late_facts(self) -> None:
        done = apply_events(Ledger(), STORY, DIRECTORY)
        settled = done.ledger.settle([CALCOM_ID, "unknown"])
        assert CALCOM_ID not in settled.log
        assert settled.settled == {CALCOM_ID}
        late = apply_events(settled, [CANCELLED, STORY[0]], DIRECTORY)
        assert [r.status for r in late.results] == [ST.DUPLICATE, ST.CONFLICT]
        assert "settled" in late.having(ST.CONFLICT)[0].reason
        assert late.appointments[CALCOM_ID] == done.appointments[CALCOM_ID]


def _no_show_update(when: str, **flags: bool) -> SchedulingEvent:
    body = copy.deepcopy(load("calcom/booking_no_show_updated_marked"))
    body["createdAt"] = when
    body["payload"]["attendees"] = [{"email": e, "noShow": f} for e, f in flags.items()]
    return calcom.parse(body)


ADA_EMAIL, GUEST = "ada@acme.example", "bob@acme.example"


class TestPartialNoShows:
    def test_the_update_names_the_attendees_it_marked_and_unmarked(self) -> None:
        e = _no_show_update("2026-03-02T10:40:00Z", **{ADA_EMAIL: True, GUEST: False})
        assert (e.kind, e.marked, e.unmarked) == (
            EventKind.NO_SHOW_MARKED,
            frozenset({ADA_EMAIL}),
            frozenset({GUEST}),
        )

    def test_the_several_attendee_update_takes_back_the_prospect_and_notes_the_guest(
        self,
    ) -> None:
        several = event("calcom/booking_no_show_updated_several")
        assert (several.marked, several.unmarked) == (
            frozenset({GUEST}),
            frozenset({ADA_EMAIL}),
        )
        marked = event("calcom/booking_no_show_updated_marked")
        done = apply_events(Ledger(), [event("calcom/booking_created"), marked, several], DIRECTORY)
        assert done.results[-1].status is ST.APPLIED
        assert done.appointments[CALCOM_ID].state is S.SCHEDULED

    def test_a_guests_no_show_is_noted_and_changes_nothing(self) -> None:
        created = event("calcom/booking_created")
        guest = _no_show_update("2026-03-02T10:40:00Z", **{GUEST: True})
        done = apply_events(Ledger(), [created, guest], DIRECTORY)
        assert done.results[-1].status is ST.NOTED
        assert done.appointments[CALCOM_ID].state is S.SCHEDULED

    def test_unmarking_a_guest_leaves_the_prospects_no_show(self) -> None:
        both = _no_show_update("2026-03-02T10:40:00Z", **{ADA_EMAIL: True, GUEST: True})
        guest_back = _no_show_update("2026-03-02T11:00:00Z", **{GUEST: False})
        done = apply_events(
            Ledger(), [event("calcom/booking_created"), both, guest_back], DIRECTORY
        )
        assert done.results[-1].status is ST.NOTED
        assert done.appointments[CALCOM_ID].state is S.NO_SHOW

    def test_unmarking_the_prospect_takes_back_only_the_prospects_part(self) -> None:
        hosts = event("calcom/after_hosts_cal_video_no_show")  # the rep absent, 10:15
        ada = _no_show_update("2026-03-02T10:40:00Z", **{ADA_EMAIL: True})
        ada_back = _no_show_update("2026-03-02T11:00:00Z", **{ADA_EMAIL: False})
        events = [event("calcom/booking_created"), hosts, ada]
        marked = apply_events(Ledger(), events, DIRECTORY).appointments[CALCOM_ID]
        assert marked.absent == frozenset({Actor.CLIENT, Actor.PROSPECT})
        done = apply_events(Ledger(), [*events, ada_back], DIRECTORY)
        a = done.appointments[CALCOM_ID]
        assert (a.state, a.absent) == (S.NO_SHOW, frozenset({Actor.CLIENT}))
        assert [h.action for h in a.history][-2:] == [Action.CORRECT, Action.CORRECT]
        assert "still a no-show of the client" in done.results[-1].reason

    def test_unmarking_the_only_absent_party_retracts_the_no_show(self) -> None:
        ada = _no_show_update("2026-03-02T10:40:00Z", **{ADA_EMAIL: True})
        ada_back = _no_show_update("2026-03-02T11:00:00Z", **{ADA_EMAIL: False})
        done = apply_events(Ledger(), [event("calcom/booking_created"), ada, ada_back], DIRECTORY)
        a = done.appointments[CALCOM_ID]
        assert a.state is S.SCHEDULED
        assert a.history[-1].action is Action.RETRACT

    def test_unmarking_someone_not_absent_is_a_duplicate(self) -> None:
        hosts = event("calcom/after_hosts_cal_video_no_show")
        ada_back = _no_show_update("2026-03-02T11:00:00Z", **{ADA_EMAIL: False})
        done = apply_events(Ledger(), [event("calcom/booking_created"), hosts, ada_back], DIRECTORY)
        assert done.results[-1].status is ST.DUPLICATE
        assert done.appointments[CALCOM_ID].absent == frozenset({Actor.CLIENT})


T = pendulum.datetime(2026, 3, 4, 14, tz="UTC")
JOINED, LEFT = EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT
HOST = Participant("5C0A1F5E-HOST-4D4B-A1C1-5B3A9A0D1E01", email="rita@client.example")
ADA = Participant("ada-uuid", email=ADA_EMAIL)


def _zoom(kind: EventKind, minutes: int, who: Participant | None = None) -> SchedulingEvent:
    return SchedulingEvent(
        provider="zoom", kind=kind, source_kind=str(kind), key=f"{kind}-{minutes}-{who}",
        occurred_at=T.add(minutes=minutes), booking="zoom:85746065432", participant=who,
    )  # fmt: skip


class TestLaterPresence:
    def test_a_join_or_leave_after_the_outcome_corrects_known_attendance(self) -> None:
        booked = [event("calcom/booking_created"), event("calcom/booking_rescheduled")]
        early = [_zoom(JOINED, 0, HOST), _zoom(JOINED, 3, ADA), _zoom(EventKind.MEETING_ENDED, 20)]
        done = apply_events(Ledger(), [*booked, *early], DIRECTORY)
        assert done.appointments[CALCOM_ID].attendance == Attendance(17, 3)
        later = apply_events(done.ledger, [_zoom(LEFT, 30, ADA), _zoom(LEFT, 30, HOST)], DIRECTORY)
        a = later.appointments[CALCOM_ID]
        assert a.attendance == Attendance(27, 3)
        assert a.history[-1].action is Action.CORRECT
        assert "attendance corrected" in later.results[-1].reason
        assert later.results[0].reason == "presence recorded"


class TestEventFields:
    def test_the_attendees_of_a_no_show_update_must_be_a_set_of_emails(self) -> None:
        marked = event("calcom/booking_no_show_updated_marked")
        for bad in ("ada@acme.example", [""], [3]):
            with pytest.raises(ValidationError) as raised:
                attrs.evolve(marked, marked=bad)
            assert raised.value.field == "emails"

    def test_passing_a_pending_event_again_reports_it_once(self) -> None:
        cancelled = event("calcom/booking_cancelled")
        first = apply_events(Ledger(), [cancelled], DIRECTORY)
        second = apply_events(
            first.ledger, [*first.deferred, event("calcom/booking_created")], DIRECTORY
        )
        assert [r.event.key for r in second.results].count(cancelled.key) == 1
        assert second.ledger.pending == ()
