"""The lifecycle facts that scheduling tools need (domain.md section 10).

Taking an outcome back, a meeting held with attendance unknown, a cancellation
whose actor the tool did not name, and the same fact stated twice.
"""

from __future__ import annotations

import pytest

from _scenario import at, booked, contract, held, terms
from ppa_core import Actor, AppointmentState, Attendance, NoShowPolicy, decide
from ppa_core.domain.history import HistoryEntry, restates
from ppa_core.domain.lifecycle import Action
from ppa_core.domain.retraction import retract, retracts_to
from ppa_core.exceptions import TransitionNotAllowed, ValidationError
from ppa_core.rules.verdict import DecisionStatus, ReasonCode

S = AppointmentState
START = at(2)
FULL = Attendance(attended_minutes=30)


class TestRetraction:
    def test_an_unmarked_no_show_goes_back_to_scheduled_and_keeps_the_history(self) -> None:
        no_show = booked("a-1", START).no_show(at=START.add(hours=1))
        back = retract(no_show, at=START.add(hours=2), reason="unmarked in Cal.com")
        assert back.state is S.SCHEDULED
        assert back.absent is None
        assert back.outcome_at is None
        assert [e.action for e in back.history][-2:] == [Action.NO_SHOW, Action.RETRACT]
        assert back.is_corrected

    def test_a_retracted_meeting_can_then_be_held(self) -> None:
        back = retract(booked("a-1", START).no_show(at=START.add(hours=1)), at=START.add(hours=2))
        again = back.hold(at=START.add(hours=3), attendance=FULL)
        assert again.state is S.HELD
        assert again.attendance == FULL

    def test_retracting_a_correction_restores_the_outcome_it_replaced(self) -> None:
        first = held("a-1", START, minutes=25)
        corrected = first.correct(to=S.NO_SHOW, at=START.add(hours=2))
        back = retract(corrected, at=START.add(hours=3))
        assert back.state is S.HELD
        assert back.attendance == first.attendance
        assert back.outcome_at == first.outcome_at

    @pytest.mark.parametrize("state", [S.SCHEDULED, S.CANCELLED])
    def test_nothing_to_take_back_is_refused(self, state: AppointmentState) -> None:
        a = booked("a-1", START)
        if state is S.CANCELLED:
            a = a.cancel(at=START.subtract(days=2), actor=Actor.PROSPECT)
        assert retracts_to(a) is None
        with pytest.raises(TransitionNotAllowed) as raised:
            retract(a, at=START.add(hours=1))
        assert raised.value.action is Action.RETRACT
        assert raised.value.state is state

    def test_a_retraction_after_the_correction_window_is_refused(self) -> None:
        no_show = booked("a-1", START).no_show(at=START.add(hours=1))
        with pytest.raises(TransitionNotAllowed, match="window closed"):
            retract(no_show, at=START.add(days=9), deadline=START.add(days=7))

    def test_a_history_whose_retraction_goes_elsewhere_is_refused(self) -> None:
        no_show = booked("a-1", START).no_show(at=START.add(hours=1))
        wrong = HistoryEntry(Action.RETRACT, S.CONFIRMED, START.add(hours=2), Actor.AGENCY)
        with pytest.raises(TransitionNotAllowed, match="goes back to scheduled"):
            type(no_show)(no_show.id, no_show.prospect, (*no_show.history, wrong))


class TestUnknownActor:
    def test_a_cancellation_may_have_an_unknown_actor(self) -> None:
        a = booked("a-1", START).cancel(at=START.subtract(hours=2), actor=Actor.UNKNOWN)
        assert a.cancelled_by is Actor.UNKNOWN

    def test_an_unknown_party_never_attends_nor_misses_a_meeting(self) -> None:
        with pytest.raises(ValidationError):
            Attendance(attended_minutes=30, attendees={Actor.UNKNOWN})
        with pytest.raises(ValidationError):
            booked("a-1", START).no_show(at=START.add(hours=1), absent=Actor.UNKNOWN)

    def test_the_policy_term_cannot_itself_be_unknown(self) -> None:
        with pytest.raises(ValidationError) as raised:
            NoShowPolicy(unknown_canceller=Actor.UNKNOWN)
        assert raised.value.field == "unknown_canceller"

    def test_a_late_unnamed_cancellation_is_the_prospects_by_default_and_says_so(self) -> None:
        a = booked("a-1", START).cancel(at=START.subtract(hours=2), actor=Actor.UNKNOWN)
        decision = decide(contract(), a, as_of=START.add(days=1))
        assert decision.status is DecisionStatus.NOT_BILLABLE
        assert ReasonCode.LATE_CANCELLATION in decision.reason_codes
        line = next(v for v in decision.trace or () if v.rule_id == "cancellation")
        assert "assumed" in line.reason
        assert line.facts["assumed_canceller"] == "prospect"

    def test_the_contract_can_treat_an_unnamed_cancellation_as_the_clients(self) -> None:
        a = booked("a-1", START).cancel(at=START.subtract(hours=2), actor=Actor.UNKNOWN)
        c = contract(terms(policy=NoShowPolicy(unknown_canceller=Actor.CLIENT)))
        decision = decide(c, a, as_of=START.add(days=1))
        assert decision.status is DecisionStatus.BILLABLE
        assert decision.amount.amount == 350


class TestUnknownAttendance:
    def test_it_is_pending_while_the_correction_window_is_open(self) -> None:
        a = booked("a-1", START).hold(at=START.add(minutes=40), attendance=None)
        decision = decide(contract(), a, as_of=START.add(days=2))
        assert decision.status is DecisionStatus.PENDING
        assert ReasonCode.ATTENDANCE_UNKNOWN in decision.reason_codes

    def test_it_is_not_billed_once_the_window_closes_by_default(self) -> None:
        a = booked("a-1", START).hold(at=START.add(minutes=40), attendance=None)
        decision = decide(contract(), a, as_of=START.add(days=30))
        assert decision.status is DecisionStatus.NOT_BILLABLE
        assert ReasonCode.ATTENDANCE_UNKNOWN in decision.reason_codes

    def test_the_contract_can_bill_it_once_the_window_closes(self) -> None:
        a = booked("a-1", START).hold(at=START.add(minutes=40), attendance=None)
        c = contract(terms(policy=NoShowPolicy(unknown_attendance_billable=True)))
        decision = decide(c, a, as_of=START.add(days=30))
        assert decision.status is DecisionStatus.BILLABLE

    def test_once_known_the_attendance_decides(self) -> None:
        a = booked("a-1", START).hold(at=START.add(minutes=40), attendance=None)
        known = a.correct(to=S.HELD, at=START.add(hours=2), attendance=FULL)
        decision = decide(contract(), known, as_of=START.add(days=2))
        assert decision.status is DecisionStatus.BILLABLE


class TestRestatement:
    def test_the_same_outcome_stated_again_is_recognised(self) -> None:
        a = booked("a-1", START).no_show(at=START.add(hours=1))
        again = HistoryEntry(
            Action.NO_SHOW, S.NO_SHOW, START.add(hours=3), Actor.AGENCY, absent={Actor.PROSPECT}
        )
        assert restates(a.history, again)

    def test_a_different_fact_is_not_a_restatement(self) -> None:
        a = booked("a-1", START).no_show(at=START.add(hours=1))
        host = HistoryEntry(
            Action.NO_SHOW, S.NO_SHOW, START.add(hours=3), Actor.AGENCY, absent={Actor.CLIENT}
        )
        held_entry = HistoryEntry(
            Action.HOLD, S.HELD, START.add(hours=3), Actor.AGENCY, attendance=FULL
        )
        assert not restates(a.history, host)
        assert not restates(a.history, held_entry)

    def test_a_restated_cancellation_names_the_same_actor(self) -> None:
        a = booked("a-1", START).cancel(at=START.subtract(days=2), actor=Actor.PROSPECT)
        same = HistoryEntry(Action.CANCEL, S.CANCELLED, START.subtract(days=2), Actor.PROSPECT)
        other = HistoryEntry(Action.CANCEL, S.CANCELLED, START.subtract(days=2), Actor.CLIENT)
        assert restates(a.history, same)
        assert not restates(a.history, other)
