"""The billing engine: explainable billability decisions and pricing (domain.md sections 5-8)."""

from __future__ import annotations

import random
from decimal import Decimal
from types import MappingProxyType

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import (
    ACROSS_ORDER,
    BUILTIN_ORDER,
    LATER,
    TZ,
    at,
    booked,
    by_id,
    cancelled,
    contract,
    eur,
    held,
    no_show,
    proposed,
    prospect,
    rule_ids,
    terms,
    verdict,
)
from ppa_core import (
    Actor,
    Appointment,
    AppointmentState,
    Attendance,
    BantElement,
    BantEvidence,
    BantRequirements,
    BillingEngine,
    Contract,
    ContractTerms,
    Decision,
    DecisionStatus,
    DuplicateRule,
    Money,
    NoShowPolicy,
    PerAppointment,
    QualificationCriteria,
    ReasonCode,
    RoundingMode,
    RuleOutcome,
    Seniority,
    Tier,
    ValidationError,
    decide,
    decide_all,
)
from ppa_core.domain.history import HistoryEntry
from ppa_core.exceptions import RuleDefinitionError
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import DecisionParts, Finding, Verdict, rendered
from ppa_core.testing import appointments, aware_datetimes, contracts

R = ReasonCode
BILLABLE, NOT_BILLABLE, PENDING = (
    DecisionStatus.BILLABLE,
    DecisionStatus.NOT_BILLABLE,
    DecisionStatus.PENDING,
)


def decided(
    c: Contract,
    appointment: Appointment,
    *others: Appointment,
    as_of: pendulum.DateTime = LATER,
) -> Decision:
    """The traced decision of ``appointment`` among ``others``."""
    return BillingEngine(c).decide(appointment, as_of=as_of, others=others, trace=True)


def assert_full_trace(decision: Decision, custom: tuple[str, ...] = ()) -> None:
    """Every rule appears once, in the documented order, with a readable reason."""
    assert rule_ids(decision) == BUILTIN_ORDER + custom + ACROSS_ORDER
    assert decision.trace is not None
    for line in decision.trace:
        assert line.reason.strip(), f"{line.rule_id} gives no reason"


def assert_not_billed(decision: Decision, code: str, rule_id: str) -> None:
    """Not billable for ``code``, found by ``rule_id``, nothing charged, the whole trace shown."""
    assert decision.status is NOT_BILLABLE
    assert decision.amount == eur(0)
    assert code in decision.reason_codes
    line = verdict(decision, rule_id)
    assert line.outcome is RuleOutcome.FAIL
    assert line.code == code
    assert_full_trace(decision)


class TestBillableMeeting:
    def test_qualified_meeting_held_in_time_and_long_enough_is_billed_the_price(self) -> None:
        decision = decided(contract(), held("a-1", at(2)))

        assert decision.status is BILLABLE
        assert decision.billable
        assert decision.amount == eur("350.00")
        assert decision.reason_codes == ()
        assert decision.reason == "BILLABLE"

    def test_trace_lists_every_rule_in_the_documented_order(self) -> None:
        decision = decided(contract(), held("a-1", at(2)))

        assert_full_trace(decision)
        assert decision.trace is not None
        per_appointment = decision.trace[: len(BUILTIN_ORDER)]
        assert all(v.outcome is RuleOutcome.PASS for v in per_appointment)

    def test_trace_reasons_state_the_facts_judged(self) -> None:
        decision = decided(contract(), held("a-1", at(2), minutes=40, delay=3))

        attendance = verdict(decision, "attendance")
        assert "3 min" in attendance.reason
        assert "40 min" in attendance.reason
        assert attendance.facts["attended_minutes"] == "40"
        assert "350.00" in verdict(decision, "price").reason

    def test_explain_prints_the_status_and_one_line_per_rule(self) -> None:
        decision = decided(contract(), no_show("a-1", at(2)))

        text = decision.explain().splitlines()
        assert "not_billable" in text[0]
        assert "PROSPECT_NO_SHOW" in text[0]
        assert len(text) == 1 + len(BUILTIN_ORDER) + len(ACROSS_ORDER)

    def test_untraced_decision_equals_the_traced_one(self) -> None:
        c, a = contract(), held("a-1", at(2))
        engine = BillingEngine(c)

        fast = engine.decide(a, as_of=LATER)
        traced = engine.decide(a, as_of=LATER, trace=True)

        assert fast.trace is None
        assert fast == traced

    def test_module_level_decide_traces_by_default(self) -> None:
        decision = decide(contract(), held("a-1", at(2)), as_of=LATER)

        assert_full_trace(decision)


class TestOutsideTerm:
    def test_meeting_before_the_term_starts_is_not_billed(self) -> None:
        c = contract(start=pendulum.Date(2026, 3, 10))

        assert_not_billed(decided(c, held("a-1", at(9))), R.OUTSIDE_TERM, "term")

    def test_meeting_after_the_last_day_of_the_term_is_not_billed(self) -> None:
        c = contract(end=pendulum.Date(2026, 3, 31))

        decision = decided(c, held("a-1", at(1, month=4)))

        assert_not_billed(decision, R.OUTSIDE_TERM, "term")
        assert "2026-03-31" in verdict(decision, "term").reason

    def test_meeting_late_on_the_last_day_of_the_term_is_billed(self) -> None:
        c = contract(end=pendulum.Date(2026, 3, 31))

        assert decided(c, held("a-1", at(31, 23, 0))).status is BILLABLE


class TestVoid:
    def test_appointment_entered_in_error_is_never_billed(self) -> None:
        void = booked("a-1", at(2)).void(at=at(1))

        assert_not_billed(decided(contract(), void), R.VOID, "void")


class TestPendingOutcome:
    def test_meeting_without_a_recorded_outcome_is_pending(self) -> None:
        decision = decided(contract(), booked("a-1", at(2)))

        assert decision.status is PENDING
        assert decision.amount == eur(0)
        assert decision.reason_codes == (R.PENDING_OUTCOME,)
        line = verdict(decision, "outcome")
        assert line.outcome is RuleOutcome.PENDING
        assert line.code == R.PENDING_OUTCOME
        assert_full_trace(decision)

    def test_outcome_recorded_after_the_decision_moment_is_not_known_yet(self) -> None:
        meeting = held("a-1", at(2))

        before = decided(contract(), meeting, as_of=at(2, 10, 5))
        after = decided(contract(), meeting, as_of=at(2, 11))

        assert before.status is PENDING
        assert before.state is AppointmentState.SCHEDULED
        assert after.status is BILLABLE

    def test_unqualified_prospect_is_not_billable_even_before_the_outcome_is_known(self) -> None:
        c = contract(terms(criteria=QualificationCriteria(min_employees=200)))
        small = booked("a-1", at(2), who=prospect(employees=42))

        decision = decided(c, small)

        assert decision.status is NOT_BILLABLE
        assert decision.reason_codes == (R.PENDING_OUTCOME, R.NOT_QUALIFIED)


class TestProspectNoShow:
    def test_prospect_no_show_is_not_billed_by_default(self) -> None:
        assert_not_billed(
            decided(contract(), no_show("a-1", at(2))), R.PROSPECT_NO_SHOW, "attendance"
        )

    def test_held_meeting_the_prospect_did_not_attend_is_a_prospect_no_show(self) -> None:
        alone = held("a-1", at(2), attendees=(Actor.CLIENT,))

        assert_not_billed(decided(contract(), alone), R.PROSPECT_NO_SHOW, "attendance")

    def test_no_show_fee_bills_that_fraction_of_the_price(self) -> None:
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.25"))))

        decision = decided(c, no_show("a-1", at(2)))

        assert decision.status is BILLABLE
        assert decision.amount == eur("87.50")
        assert decision.unit_price == eur(350)
        assert decision.reason_codes == (R.PROSPECT_NO_SHOW,)
        assert verdict(decision, "attendance").outcome is RuleOutcome.CHARGE
        assert "25" in verdict(decision, "attendance").reason
        assert_full_trace(decision)

    def test_replacement_owed_is_stated_in_the_trace_and_not_billed(self) -> None:
        c = contract(terms(policy=NoShowPolicy(replacement_days=14)))

        decision = decided(c, no_show("a-1", at(2)))

        assert decision.status is NOT_BILLABLE
        assert "replacement" in verdict(decision, "attendance").reason
        assert "14 days" in verdict(decision, "attendance").reason


class TestCorrectionWindow:
    """An outcome may be corrected within the contract's window (7 days after the meeting)."""

    @staticmethod
    def corrected(days_after: int, *, to: AppointmentState = AppointmentState.HELD) -> Appointment:
        start = at(2)
        first = no_show("a-1", start) if to is AppointmentState.HELD else held("a-1", start)
        return first.correct(
            to=to,
            at=start.add(minutes=30, days=days_after),
            attendance=Attendance(attended_minutes=35) if to is AppointmentState.HELD else None,
            reason="the recording says otherwise",
        )

    def test_no_show_corrected_to_held_within_the_window_is_billed(self) -> None:
        decision = decided(contract(), self.corrected(days_after=6))

        assert decision.status is BILLABLE
        assert decision.state is AppointmentState.HELD

    def test_correction_after_the_window_does_not_count_and_the_trace_says_so(self) -> None:
        decision = decided(contract(), self.corrected(days_after=8))

        assert_not_billed(decision, R.PROSPECT_NO_SHOW, "attendance")
        assert decision.state is AppointmentState.NO_SHOW
        line = verdict(decision, "attendance")
        assert "after the correction window closed" in line.reason
        assert line.facts["late_corrections"].startswith("held at ")
        assert line.facts["correction_deadline"].startswith("2026-03-09")

    def test_a_correction_at_the_very_deadline_counts(self) -> None:
        start = at(2)
        recorded = no_show("a-1", start)
        deadline = recorded.correction_deadline(7)
        assert deadline == recorded.end.add(days=7)
        on_time = recorded.correct(
            to=AppointmentState.HELD, at=deadline, attendance=Attendance(attended_minutes=35)
        )
        late = recorded.correct(
            to=AppointmentState.HELD,
            at=deadline.add(seconds=1),
            attendance=Attendance(attended_minutes=35),
        )

        assert decided(contract(), on_time).billable
        assert not decided(contract(), late).billable

    def test_an_outcome_recorded_late_opens_the_window_when_it_was_recorded(self) -> None:
        start = at(2)
        recorded = booked("a-1", start).no_show(at=start.add(days=10))
        corrected = recorded.correct(
            to=AppointmentState.HELD,
            at=start.add(days=12),
            attendance=Attendance(attended_minutes=35),
        )

        assert recorded.correction_deadline(7) == start.add(days=17)
        assert decided(contract(), corrected).billable

    def test_the_window_is_a_contract_term(self) -> None:
        c = contract(terms(policy=NoShowPolicy(correction_window_days=14)))

        assert decided(c, self.corrected(days_after=8)).status is BILLABLE

    def test_a_late_correction_to_no_show_leaves_the_meeting_billed(self) -> None:
        decision = decided(contract(), self.corrected(days_after=9, to=AppointmentState.NO_SHOW))

        assert decision.status is BILLABLE
        assert decision.state is AppointmentState.HELD

    def test_untraced_and_traced_runs_agree_on_a_late_correction(self) -> None:
        late = self.corrected(days_after=8)
        engine = BillingEngine(contract())

        fast = engine.decide(late, as_of=LATER)
        traced = engine.decide(late, as_of=LATER, trace=True)

        assert (fast.status, fast.reason_codes) == (traced.status, traced.reason_codes)
        assert fast.status is NOT_BILLABLE

    def test_the_appointment_keeps_the_late_correction_in_its_history(self) -> None:
        late = self.corrected(days_after=8)

        kept, dropped = late.within_correction_window(7)

        assert late.state is AppointmentState.HELD  # the record is never rewritten
        assert kept.state is AppointmentState.NO_SHOW
        assert dropped == late.history[-1:]
        assert late.within_correction_window(30) == (late, ())


class TestHostNoShow:
    def test_meeting_the_clients_rep_missed_is_billed_in_full(self) -> None:
        decision = decided(contract(), no_show("a-1", at(2), absent=Actor.CLIENT))

        assert decision.status is BILLABLE
        assert decision.amount == eur("350.00")
        assert decision.reason_codes == (R.HOST_NO_SHOW,)
        line = verdict(decision, "attendance")
        assert line.outcome is RuleOutcome.CHARGE
        assert line.code == R.HOST_NO_SHOW
        assert "rep" in line.reason
        assert_full_trace(decision)

    def test_held_meeting_without_the_clients_rep_is_a_billable_host_no_show(self) -> None:
        decision = decided(contract(), held("a-1", at(2), attendees=(Actor.PROSPECT,)))

        assert decision.status is BILLABLE
        assert decision.reason_codes == (R.HOST_NO_SHOW,)

    def test_host_no_show_is_not_billed_when_the_policy_says_so(self) -> None:
        c = contract(terms(policy=NoShowPolicy(host_no_show_billable=False)))

        assert_not_billed(
            decided(c, no_show("a-1", at(2), absent=Actor.CLIENT)), R.HOST_NO_SHOW, "attendance"
        )

    def test_host_no_show_is_billed_in_full_even_with_a_prospect_no_show_fee(self) -> None:
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))))

        decision = decided(c, no_show("a-1", at(2), absent=Actor.CLIENT))

        assert decision.amount == eur("350.00")


class TestLateJoin:
    def test_prospect_joining_after_the_10_minute_grace_counts_as_a_no_show(self) -> None:
        decision = decided(contract(), held("a-1", at(2), delay=11))

        assert_not_billed(decision, R.LATE_JOIN, "attendance")
        assert "11 min" in verdict(decision, "attendance").reason
        assert "10 min" in verdict(decision, "attendance").reason

    def test_prospect_joining_exactly_10_minutes_late_is_in_time(self) -> None:
        assert decided(contract(), held("a-1", at(2), delay=10)).status is BILLABLE

    def test_grace_period_is_a_contract_term(self) -> None:
        c = contract(terms(policy=NoShowPolicy(grace_minutes=5)))

        assert decided(c, held("a-1", at(2), delay=6)).reason_codes == (R.LATE_JOIN,)

    def test_a_late_join_with_the_rep_absent_is_a_no_show_not_a_host_no_show(self) -> None:
        late = held("a-1", at(2), delay=25, attendees=(Actor.PROSPECT,))
        both = booked("a-2", at(3)).no_show(
            at=at(3).add(minutes=30), absent=frozenset({Actor.PROSPECT, Actor.CLIENT})
        )

        # The same facts recorded two ways: neither is billed as the rep's absence.
        assert_not_billed(decided(contract(), late), R.LATE_JOIN, "attendance")
        assert_not_billed(decided(contract(), both), R.PROSPECT_NO_SHOW, "attendance")

    def test_late_join_is_billed_at_the_no_show_fee(self) -> None:
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))))

        decision = decided(c, held("a-1", at(2), delay=20))

        assert decision.status is BILLABLE
        assert decision.amount == eur("175.00")
        assert decision.reason_codes == (R.LATE_JOIN,)


class TestMinimumDuration:
    def test_meeting_shorter_than_15_minutes_is_not_billed(self) -> None:
        decision = decided(contract(), held("a-1", at(2), minutes=14))

        assert_not_billed(decision, R.SHORT_MEETING, "attendance")
        assert "14 min" in verdict(decision, "attendance").reason

    def test_meeting_of_exactly_15_minutes_counts_as_held(self) -> None:
        assert decided(contract(), held("a-1", at(2), minutes=15)).status is BILLABLE

    def test_minimum_duration_is_a_contract_term(self) -> None:
        c = contract(terms(policy=NoShowPolicy(minimum_duration_minutes=45)))

        assert decided(c, held("a-1", at(2), minutes=44)).reason_codes == (R.SHORT_MEETING,)


class TestCancellation:
    def test_late_cancellation_by_prospect_counts_as_no_show(self) -> None:
        decision = decided(contract(), cancelled("a-1", at(2), by=Actor.PROSPECT, hours_before=23))

        assert_not_billed(decision, R.LATE_CANCELLATION, "cancellation")
        assert "no-show" in verdict(decision, "cancellation").reason

    def test_late_cancellation_by_prospect_is_billed_at_the_no_show_fee(self) -> None:
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.2"))))

        decision = decided(c, cancelled("a-1", at(2), by=Actor.PROSPECT, hours_before=2))

        assert decision.status is BILLABLE
        assert decision.amount == eur("70.00")
        assert decision.reason_codes == (R.LATE_CANCELLATION,)

    def test_late_cancellation_by_client_is_billable_because_the_slot_was_wasted(self) -> None:
        decision = decided(contract(), cancelled("a-1", at(2), by=Actor.CLIENT, hours_before=3))

        assert decision.status is BILLABLE
        assert decision.amount == eur("350.00")
        assert decision.reason_codes == (R.LATE_CANCELLATION,)
        assert verdict(decision, "cancellation").outcome is RuleOutcome.CHARGE
        assert_full_trace(decision)

    def test_late_cancellation_by_client_is_not_billed_when_the_contract_says_so(self) -> None:
        c = contract(terms(policy=NoShowPolicy(client_late_cancellation_billable=False)))

        decision = decided(c, cancelled("a-1", at(2), by=Actor.CLIENT, hours_before=3))

        assert_not_billed(decision, R.LATE_CANCELLATION, "cancellation")

    @pytest.mark.parametrize("hours_before", [24, 25, 72])
    @pytest.mark.parametrize("by", [Actor.PROSPECT, Actor.CLIENT, Actor.AGENCY])
    def test_cancellation_24_hours_or_more_ahead_is_simply_not_billed(
        self, by: Actor, hours_before: int
    ) -> None:
        decision = decided(contract(), cancelled("a-1", at(5), by=by, hours_before=hours_before))

        assert_not_billed(decision, R.CANCELLED, "cancellation")

    @pytest.mark.parametrize("by", [Actor.PROSPECT, Actor.CLIENT, Actor.AGENCY])
    @pytest.mark.parametrize("hours_before", [2, 30])
    def test_a_proposal_cancelled_before_it_was_accepted_is_not_billed(
        self, by: Actor, hours_before: int
    ) -> None:
        # The late window protects a slot the prospect accepted; a proposal held none.
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))))
        start = at(5)
        proposal = proposed("a-1", start)
        a = proposal.cancel(at=start.subtract(hours=hours_before), actor=by)

        decision = decided(c, a)

        assert_not_billed(decision, R.CANCELLED, "cancellation")
        assert "before the invitation was accepted" in verdict(decision, "cancellation").reason

    def test_an_accepted_invitation_cancelled_late_by_the_client_is_still_billed(self) -> None:
        start = at(5)
        proposal = proposed("a-1", start)
        a = proposal.schedule(at=start.subtract(days=6), actor=Actor.PROSPECT).cancel(
            at=start.subtract(hours=2), actor=Actor.CLIENT
        )

        decision = decided(contract(), a)

        assert decision.status is BILLABLE
        assert decision.reason_codes == (R.LATE_CANCELLATION,)

    def test_late_window_is_a_contract_term(self) -> None:
        c = contract(terms(policy=NoShowPolicy(late_cancellation_hours=48)))

        decision = decided(c, cancelled("a-1", at(5), by=Actor.PROSPECT, hours_before=30))

        assert decision.reason_codes == (R.LATE_CANCELLATION,)


class TestReschedule:
    def test_two_reschedules_are_free(self) -> None:
        a = (
            booked("a-1", at(2))
            .reschedule(to=at(4), at=at(1))
            .reschedule(to=at(6), at=at(3))
            .hold(at=at(6, 11), attendance=Attendance(attended_minutes=30))
        )

        assert decided(contract(), a).status is BILLABLE

    def test_third_reschedule_counts_as_a_cancellation(self) -> None:
        a = (
            booked("a-1", at(2))
            .reschedule(to=at(4), at=at(1))
            .reschedule(to=at(6), at=at(3))
            .reschedule(to=at(9), at=at(5))
            .hold(at=at(9, 11), attendance=Attendance(attended_minutes=30))
        )

        decision = decided(contract(), a)

        assert_not_billed(decision, R.RESCHEDULE_LIMIT, "reschedule")
        assert "3 times" in verdict(decision, "reschedule").reason

    def test_reschedule_landing_more_than_30_days_from_the_original_start_is_a_cancellation(
        self,
    ) -> None:
        a = (
            booked("a-1", at(2))
            .reschedule(to=at(2).add(days=31), at=at(1))
            .hold(at=at(2).add(days=31, hours=1), attendance=Attendance(attended_minutes=30))
        )

        assert_not_billed(decided(contract(), a), R.RESCHEDULE_LIMIT, "reschedule")

    def test_window_counts_from_the_original_start_not_the_previous_one(self) -> None:
        a = (
            booked("a-1", at(2))
            .reschedule(to=at(2).add(days=20), at=at(1))
            .reschedule(to=at(2).add(days=40), at=at(2).add(days=19))
        )

        assert decided(contract(), a).reason_codes == (R.PENDING_OUTCOME, R.RESCHEDULE_LIMIT)

    def test_reschedule_landing_exactly_30_days_later_is_within_the_window(self) -> None:
        original = at(2, month=4)  # April to May: no clock change in between
        a = (
            booked("a-1", original)
            .reschedule(to=original.add(days=30), at=at(1, month=4))
            .hold(at=original.add(days=30, hours=1), attendance=Attendance(attended_minutes=30))
        )

        assert decided(contract(), a).status is BILLABLE

    @pytest.mark.parametrize(
        ("original", "days", "billable"),
        [
            # Autumn: the clock goes back on 25 October, so 30 days are 30 days and an hour.
            (pendulum.datetime(2026, 10, 10, 10, tz="Europe/Berlin"), 30, True),
            (pendulum.datetime(2026, 10, 10, 10, tz="Europe/Berlin"), 31, False),
            # Spring: the clock goes forward on 29 March, so 30 days are 30 days less an hour.
            (pendulum.datetime(2026, 3, 20, 10, tz="Europe/Berlin"), 30, True),
            (pendulum.datetime(2026, 3, 20, 10, tz="Europe/Berlin"), -30, True),
        ],
    )
    def test_window_counts_calendar_days_across_a_clock_change(
        self, original: pendulum.DateTime, days: int, billable: bool
    ) -> None:
        moved = original.add(days=days)
        booked_at = min(original, moved).subtract(days=3)
        a = (
            Appointment.book("a-1", prospect(), start=original, at=booked_at)
            .reschedule(to=moved, at=booked_at.add(hours=1))
            .hold(at=moved.add(hours=1), attendance=Attendance(attended_minutes=30))
        )

        decision = decided(contract(), a)

        assert decision.billable is billable
        assert f"moved {days}.0 days" in verdict(decision, "reschedule").reason

    def test_window_counts_days_on_the_meetings_own_clock(self) -> None:
        """New York moves its clocks on 8 March, Berlin (the contract's zone) on 29 March."""
        original = pendulum.datetime(2026, 3, 10, 10, tz="America/New_York")
        moved = original.add(days=30)
        a = (
            Appointment.book("a-1", prospect(), start=original, at=original.subtract(days=3))
            .reschedule(to=moved, at=original.subtract(days=2))
            .hold(at=moved.add(hours=1), attendance=Attendance(attended_minutes=30))
        )

        decision = decided(contract(), a)

        assert decision.billable
        assert "moved 30.0 days" in verdict(decision, "reschedule").reason

    def test_each_reschedule_must_land_within_the_window(self) -> None:
        """Moved 40 days out, then back to 5: the first move already counted as a cancellation."""
        a = (
            booked("a-1", at(2))
            .reschedule(to=at(2).add(days=40), at=at(1))
            .reschedule(to=at(2).add(days=5), at=at(2))
            .hold(at=at(2).add(days=5, hours=1), attendance=Attendance(attended_minutes=30))
        )

        decision = decided(contract(), a)

        assert_not_billed(decision, R.RESCHEDULE_LIMIT, "reschedule")
        assert "moved 40.0 days" in verdict(decision, "reschedule").reason


class TestQualification:
    def test_unqualified_prospect_is_not_billed_and_the_trace_says_why(self) -> None:
        c = contract(terms(criteria=QualificationCriteria(min_employees=200)))

        decision = decided(c, held("a-1", at(2), who=prospect(employees=42)))

        assert_not_billed(decision, R.NOT_QUALIFIED, "qualification")
        assert "42" in verdict(decision, "qualification").reason
        assert "200" in verdict(decision, "qualification").reason

    def test_unknown_evidence_fails_a_criterion_that_needs_it(self) -> None:
        c = contract(terms(criteria=QualificationCriteria(min_employees=200)))

        decision = decided(c, held("a-1", at(2), who=prospect(employees=None)))

        assert decision.reason_codes == (R.NOT_QUALIFIED,)
        assert "unknown" in verdict(decision, "qualification").reason

    def test_timeline_is_counted_from_the_meeting_date_not_the_booking(self) -> None:
        criteria = QualificationCriteria(
            bant=BantRequirements(required={BantElement.TIMELINE}, max_days_to_decision=90)
        )
        # Booked 20 December, meeting 2 March: the decision on 30 May is 89 days after
        # the meeting (qualified) though 161 days after the booking.
        who = attrs.evolve(prospect(), bant=BantEvidence(decision_date=pendulum.Date(2026, 5, 30)))
        a = held("a-1", at(2), who=who, booked_at=pendulum.datetime(2025, 12, 20, tz=TZ))
        c = contract(terms(criteria=criteria), start=pendulum.Date(2025, 12, 1))

        assert decided(c, a).status is BILLABLE


def disputed(a: Appointment, raised: pendulum.DateTime, upheld: bool | None = True) -> Appointment:
    a = a.dispute(at=raised, reason="the prospect was a student")
    if upheld is None:
        return a
    return a.resolve_dispute(at=raised.add(days=1), upheld=upheld)


class TestDispute:
    def test_dispute_upheld_within_the_window_is_not_billed(self) -> None:
        decision = decided(contract(), disputed(held("a-1", at(2)), at(5)))

        assert_not_billed(decision, R.DISPUTE_UPHELD, "dispute")
        assert "student" in verdict(decision, "dispute").reason

    def test_dispute_raised_after_the_7_day_window_is_ignored_and_noted(self) -> None:
        decision = decided(contract(), disputed(held("a-1", at(2)), at(10)))

        assert decision.status is BILLABLE
        assert decision.amount == eur("350.00")
        line = verdict(decision, "dispute")
        assert line.outcome is RuleOutcome.PASS
        assert "after the window" in line.reason

    def test_dispute_window_is_a_contract_term(self) -> None:
        c = contract(terms(dispute_window_days=1))

        assert decided(c, disputed(held("a-1", at(2)), at(5))).status is BILLABLE

    def test_rejected_dispute_leaves_the_meeting_billed(self) -> None:
        decision = decided(contract(), disputed(held("a-1", at(2)), at(3), upheld=False))

        assert decision.status is BILLABLE
        assert "rejected" in verdict(decision, "dispute").reason

    def test_dispute_upheld_after_the_decision_moment_is_not_known_yet(self) -> None:
        a = disputed(held("a-1", at(2)), at(3))

        assert decided(contract(), a, as_of=at(3, 12)).status is BILLABLE
        assert decided(contract(), a, as_of=at(5)).status is NOT_BILLABLE

    @given(
        st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
        st.integers(min_value=0, max_value=364 * 24 * 4),
        st.integers(min_value=1, max_value=60),
        st.integers(min_value=-3 * 86400, max_value=3 * 86400),
    )
    def test_window_is_calendar_days_on_the_meetings_clock_near_every_deadline(
        self, zone: str, quarter_hours: int, window: int, offset: int
    ) -> None:
        # The rule reads timestamps far from the deadline and the calendar near it: the
        # two must agree with the calendar deadline everywhere, across clock changes.
        start = pendulum.datetime(2026, 1, 1, tz=zone).add(minutes=15 * quarter_hours)
        c = contract(terms(dispute_window_days=window))
        meeting = held("a-1", start)
        closes = meeting.windows_open_at.add(days=window)
        raised = max(pendulum.instance(closes).add(seconds=offset), meeting.windows_open_at)

        decision = decided(c, disputed(meeting, raised), as_of=raised.add(days=2))

        upheld_in_time = raised <= closes
        assert (R.DISPUTE_UPHELD in decision.reason_codes) is upheld_in_time


class TestDuplicate:
    def test_same_person_is_billed_once(self) -> None:
        first, second = held("a-1", at(2)), held("a-2", at(9))

        decision = decided(contract(), second, first)

        assert_not_billed(decision, R.DUPLICATE, "duplicate")
        assert "a-1" in verdict(decision, "duplicate").reason
        assert decided(contract(), first, second).status is BILLABLE

    def test_the_earlier_meeting_is_billed_whatever_the_input_order(self) -> None:
        first, second = held("a-2", at(2)), held("a-1", at(9))

        decisions = by_id(decide_all(contract(), [second, first], as_of=LATER))

        assert decisions["a-2"].status is BILLABLE
        assert decisions["a-1"].reason_codes == (R.DUPLICATE,)

    def test_a_prospect_not_billed_before_is_billed_at_the_next_meeting(self) -> None:
        first, second = no_show("a-1", at(2)), held("a-2", at(9))

        assert decided(contract(), second, first).status is BILLABLE

    def test_two_people_of_one_company_are_not_duplicates_by_person(self) -> None:
        first = held("a-1", at(2), who=prospect("p-1"))
        second = held("a-2", at(3), who=prospect("p-2"))

        assert decided(contract(), second, first).status is BILLABLE

    def test_same_company_within_the_window_is_a_duplicate(self) -> None:
        c = contract(terms(duplicates=DuplicateRule(scope="company", window_days=30)))
        first = held("a-1", at(2), who=prospect("p-1"))
        second = held("a-2", at(20), who=prospect("p-2", company="ACME corp"))

        decision = decided(c, second, first)

        assert_not_billed(decision, R.DUPLICATE, "duplicate")
        assert "30 days" in verdict(decision, "duplicate").reason

    def test_same_company_after_the_window_is_billed_again(self) -> None:
        c = contract(terms(duplicates=DuplicateRule(scope="company", window_days=30)))
        first = held("a-1", at(2), who=prospect("p-1"))
        second = held("a-2", at(2).add(days=31), who=prospect("p-2"))

        assert decided(c, second, first).status is BILLABLE

    @pytest.mark.parametrize(
        ("first", "second", "expected"),
        [
            # Across the spring change (29 March, Berlin): 30 calendar days are 719 hours.
            (at(2), at(1, month=4), BILLABLE),
            (at(2), at(1, month=4).subtract(minutes=1), NOT_BILLABLE),
            # Across the autumn change (25 October): 30 calendar days are 721 hours.
            (at(10, month=10), at(9, month=11), BILLABLE),
            (at(10, month=10), at(9, month=11).subtract(minutes=1), NOT_BILLABLE),
            # No clock change: 30 x 24 hours.
            (at(10, month=1), at(9, month=2), BILLABLE),
            (at(10, month=1), at(9, month=2).subtract(seconds=1), NOT_BILLABLE),
        ],
    )
    def test_the_window_counts_calendar_days_on_the_contracts_clock(
        self, first: pendulum.DateTime, second: pendulum.DateTime, expected: DecisionStatus
    ) -> None:
        c = contract(terms(duplicates=DuplicateRule(scope="company", window_days=30)))
        earlier = held("a-1", first, who=prospect("p-1"))
        later = held("a-2", second, who=prospect("p-2"))

        assert decided(c, later, earlier).status is expected

    @given(
        st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
        st.integers(min_value=0, max_value=300 * 24 * 60),  # both meetings before LATER
        st.integers(min_value=-36 * 60, max_value=36 * 60),
        st.integers(min_value=2, max_value=45),  # 2 days and more: the second stays later
    )
    def test_the_window_is_calendar_days_near_every_boundary(
        self, zone: str, minute: int, offset: int, days: int
    ) -> None:
        c = contract(
            terms(duplicates=DuplicateRule(scope="company", window_days=days)), timezone=zone
        )
        first = pendulum.datetime(2026, 1, 1, tz=zone).add(minutes=minute)
        second = first.add(days=days).add(minutes=offset)
        meetings = [
            held("a-1", first, who=prospect("p-1")),
            held("a-2", second, who=prospect("p-2")),
        ]

        decision = decided(c, meetings[1], meetings[0])

        within = second < first.add(days=days)
        assert (decision.status is NOT_BILLABLE) is within
        assert (R.DUPLICATE in decision.reason_codes) is within

    def test_same_person_within_a_person_window_is_a_duplicate_and_later_is_not(self) -> None:
        c = contract(terms(duplicates=DuplicateRule(scope="person", window_days=14)))
        first, soon, later = held("a-1", at(2)), held("a-2", at(9)), held("a-3", at(30))

        decisions = by_id(BillingEngine(c).decide_all([first, soon, later], as_of=LATER))

        assert [decisions[i].status for i in ("a-1", "a-2", "a-3")] == [
            BILLABLE,
            NOT_BILLABLE,
            BILLABLE,
        ]


class TestCap:
    def test_appointments_over_the_periods_cap_are_not_billed(self) -> None:
        c = contract(terms(cap=2))
        meetings = [held(f"a-{i}", at(i + 1), who=prospect(f"p-{i}")) for i in range(1, 4)]

        decisions = by_id(BillingEngine(c).decide_all(meetings, as_of=LATER, trace=True))

        assert [decisions[f"a-{i}"].status for i in (1, 2, 3)] == [
            BILLABLE,
            BILLABLE,
            NOT_BILLABLE,
        ]
        over = decisions["a-3"]
        assert_not_billed(over, R.OVER_CAP, "cap")
        assert "2" in verdict(over, "cap").reason

    def test_the_cap_takes_meetings_in_order_of_meeting_time(self) -> None:
        c = contract(terms(cap=1))
        late = held("a-1", at(20), who=prospect("p-1"))
        early = held("a-2", at(3), who=prospect("p-2"))

        decisions = by_id(decide_all(c, [late, early], as_of=LATER))

        assert decisions["a-2"].status is BILLABLE
        assert decisions["a-1"].reason_codes == (R.OVER_CAP,)

    def test_in_the_repeated_autumn_hour_the_earlier_instant_comes_first(self) -> None:
        c = contract(terms(cap=1))
        # 02:15 the second time (CET) is 45 minutes after 02:30 the first time (CEST).
        second = pendulum.datetime(2026, 10, 25, 2, 15, tz=TZ, fold=1)
        first = pendulum.datetime(2026, 10, 25, 2, 30, tz=TZ, fold=0)
        later = held("a-1", second, who=prospect("p-1"))
        earlier = held("a-2", first, who=prospect("p-2"))

        decisions = decide_all(c, [later, earlier], as_of=LATER)

        assert [d.appointment_id for d in decisions] == ["a-2", "a-1"]
        assert decisions[0].status is BILLABLE
        assert decisions[1].reason_codes == (R.OVER_CAP,)

    def test_the_cap_counts_again_in_the_next_period(self) -> None:
        c = contract(terms(cap=1))
        march = held("a-1", at(20), who=prospect("p-1"))
        april = held("a-2", at(3, month=4), who=prospect("p-2"))

        assert all(d.billable for d in decide_all(c, [march, april], as_of=LATER))

    def test_a_prospect_whose_meeting_was_over_the_cap_is_billed_at_the_next_meeting(
        self,
    ) -> None:
        """Over the cap means never billed, so the prospect has not been billed once yet."""
        c = contract(terms(cap=1))
        other = held("a-1", at(2), who=prospect("p-2"))
        over = held("a-2", at(3), who=prospect("p-1"))
        next_month = held("a-3", at(3, month=4), who=prospect("p-1"))

        decisions = by_id(decide_all(c, [other, over, next_month], as_of=LATER))

        assert decisions["a-2"].reason_codes == (R.OVER_CAP,)
        assert decisions["a-3"].status is BILLABLE

    def test_not_billable_meetings_do_not_use_up_the_cap(self) -> None:
        c = contract(terms(cap=1))
        missed = no_show("a-1", at(2), who=prospect("p-1"))
        met = held("a-2", at(3), who=prospect("p-2"))

        assert decided(c, met, missed).status is BILLABLE


class TestNoPrice:
    def test_seniority_without_price_and_no_default_is_not_billed(self) -> None:
        pricing = PerAppointment(seniority_prices={"c_level": eur(600), "vp": eur(450)})
        c = contract(terms(pricing=pricing))

        decision = decided(c, held("a-1", at(2), who=prospect(seniority=Seniority.MANAGER)))

        assert_not_billed(decision, R.NO_PRICE, "price")
        assert "manager" in verdict(decision, "price").reason

    def test_unknown_seniority_without_default_is_not_billed(self) -> None:
        pricing = PerAppointment(seniority_prices={"vp": eur(450)})

        decision = decided(
            contract(terms(pricing=pricing)), held("a-1", at(2), who=prospect(seniority=None))
        )

        assert decision.reason_codes == (R.NO_PRICE,)


class TestSeniorityPricing:
    PRICING = PerAppointment(
        price=eur(300),
        seniority_prices={"c_level": eur(600), "vp": eur(450), "director": eur(350)},
    )

    @pytest.mark.parametrize(
        ("seniority", "amount"),
        [
            (Seniority.C_LEVEL, "600.00"),
            (Seniority.VP, "450.00"),
            (Seniority.DIRECTOR, "350.00"),
            (Seniority.MANAGER, "300.00"),
            (None, "300.00"),
        ],
    )
    def test_each_seniority_is_billed_its_price_else_the_default(
        self, seniority: Seniority | None, amount: str
    ) -> None:
        c = contract(terms(pricing=self.PRICING))

        decision = decided(c, held("a-1", at(2), who=prospect(seniority=seniority)))

        assert decision.amount == eur(amount)
        assert decision.unit_price == eur(amount)


TIERS = (Tier(10, eur(350)), Tier(None, eur(150)))


def tiered(mode: str, n: int) -> tuple[Contract, list[Appointment]]:
    """``n`` billable meetings (one person each) in March under 350-then-150 tiers."""
    c = contract(terms(pricing=PerAppointment(tiers=TIERS, tier_mode=mode)))
    meetings = [
        held(f"a-{i:02d}", at(2).add(hours=i), who=prospect(f"p-{i}")) for i in range(1, n + 1)
    ]
    return c, meetings


class TestTieredPricing:
    def test_graduated_bills_the_first_10_at_350_and_each_one_after_at_150(self) -> None:
        c, meetings = tiered("graduated", 12)

        decisions = decide_all(c, meetings, as_of=LATER)

        assert [d.amount for d in decisions] == [eur(350)] * 10 + [eur(150)] * 2
        assert sum(d.amount.amount for d in decisions) == 3800

    def test_graduated_tier_up_to_10_includes_the_10th_unit(self) -> None:
        c, meetings = tiered("graduated", 11)

        decisions = by_id(decide_all(c, meetings, as_of=LATER))

        tenth, eleventh = decisions["a-10"], decisions["a-11"]
        assert (tenth.unit, tenth.tier, tenth.amount) == (10, 1, eur(350))
        assert (eleventh.unit, eleventh.tier, eleventh.amount) == (11, 2, eur(150))

    def test_volume_bills_every_unit_at_the_tier_the_period_reaches(self) -> None:
        c, meetings = tiered("volume", 12)

        decisions = decide_all(c, meetings, as_of=LATER)

        assert {d.amount for d in decisions} == {eur(150)}
        assert sum(d.amount.amount for d in decisions) == 1800

    def test_volume_with_exactly_10_units_stays_in_the_first_tier(self) -> None:
        c, meetings = tiered("volume", 10)

        assert sum(d.amount.amount for d in decide_all(c, meetings, as_of=LATER)) == 3500

    def test_units_are_taken_in_order_of_meeting_time(self) -> None:
        c, meetings = tiered("graduated", 11)
        shuffled = list(reversed(meetings))

        decisions = by_id(decide_all(c, shuffled, as_of=LATER))

        assert decisions["a-01"].unit == 1
        assert decisions["a-11"].amount == eur(150)

    def test_not_billable_meetings_take_no_unit(self) -> None:
        c, meetings = tiered("graduated", 11)
        meetings[0] = no_show("a-01", at(2).add(hours=1), who=prospect("p-1"))

        decisions = by_id(decide_all(c, meetings, as_of=LATER))

        assert decisions["a-01"].unit is None
        assert decisions["a-11"].unit == 10
        assert decisions["a-11"].amount == eur(350)

    def test_units_restart_in_each_billing_period(self) -> None:
        c, meetings = tiered("graduated", 10)
        april = held("a-april", at(1, month=4), who=prospect("p-april"))

        decision = by_id(decide_all(c, [*meetings, april], as_of=LATER))["a-april"]

        assert (decision.unit, decision.amount) == (1, eur(350))

    def test_trace_names_the_tier(self) -> None:
        c, meetings = tiered("graduated", 11)

        decision = decided(c, meetings[-1], *meetings[:-1])

        assert "tier 2" in verdict(decision, "price").reason


class TestRounding:
    @pytest.mark.parametrize(
        ("mode", "expected"),
        [(RoundingMode.HALF_UP, "175.01"), (RoundingMode.HALF_EVEN, "175.00")],
    )
    def test_half_fee_on_an_odd_cent_price_rounds_by_the_contracts_mode(
        self, mode: RoundingMode, expected: str
    ) -> None:
        policy = NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))
        c = contract(terms("350.01", policy=policy, rounding=mode))

        decision = decided(c, no_show("a-1", at(2)))

        assert str(decision.amount.amount) == expected
        assert mode.value in verdict(decision, "price").reason

    def test_half_up_is_the_default(self) -> None:
        c = contract(terms("350.01", policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))))

        assert decided(c, no_show("a-1", at(2))).amount == eur("175.01")

    @pytest.mark.parametrize(
        ("mode", "expected"), [(RoundingMode.HALF_UP, "501"), (RoundingMode.HALF_EVEN, "500")]
    )
    def test_yen_contract_rounds_to_whole_yen(self, mode: RoundingMode, expected: str) -> None:
        policy = NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))
        c = contract(terms(Money.of(1001, "JPY"), policy=policy, rounding=mode), currency="JPY")

        decision = decided(c, no_show("a-1", at(2)))

        assert str(decision.amount.amount) == expected
        assert decision.amount.currency.code == "JPY"

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [(RoundingMode.HALF_UP, "5.003"), (RoundingMode.HALF_EVEN, "5.002")],
    )
    def test_bahraini_dinar_contract_rounds_to_the_fils(
        self, mode: RoundingMode, expected: str
    ) -> None:
        policy = NoShowPolicy(prospect_no_show_fee=Decimal("0.5"))
        c = contract(terms(Money.of("10.005", "BHD"), policy=policy, rounding=mode), currency="BHD")

        decision = decided(c, no_show("a-1", at(2)))

        assert str(decision.amount.amount) == expected

    def test_a_full_price_is_stated_to_the_minor_unit(self) -> None:
        c = contract(terms(Money.of("12", "BHD")), currency="BHD")

        assert str(decided(c, held("a-1", at(2))).amount.amount) == "12.000"


class TestAmendments:
    AMENDED = pendulum.Date(2026, 3, 15)

    def amended(self) -> Contract:
        return contract().amend(self.AMENDED, pricing=PerAppointment(price=eur(400)))

    def test_booked_before_an_amendment_keeps_the_old_price_when_held_after(self) -> None:
        a = held("a-1", at(20), booked_at=at(10))

        decision = decided(self.amended(), a)

        assert decision.amount == eur(350)
        assert decision.terms_from is None

    def test_booked_after_an_amendment_gets_the_new_price(self) -> None:
        a = held("a-1", at(20), booked_at=at(16))

        decision = decided(self.amended(), a)

        assert decision.amount == eur(400)
        assert decision.terms_from == pendulum.datetime(2026, 3, 15, tz=TZ)

    def test_booked_at_the_amendments_first_instant_gets_the_new_terms(self) -> None:
        a = held("a-1", at(20), booked_at=pendulum.datetime(2026, 3, 15, tz=TZ))

        assert decided(self.amended(), a).amount == eur(400)

    def test_policy_amendments_apply_by_booking_date_too(self) -> None:
        c = contract().amend(self.AMENDED, policy=NoShowPolicy(grace_minutes=5))
        old = held("a-1", at(20), delay=7, booked_at=at(10), who=prospect("p-1"))
        new = held("a-2", at(20, 12), delay=7, booked_at=at(16), who=prospect("p-2"))

        decisions = by_id(decide_all(c, [old, new], as_of=LATER))

        assert decisions["a-1"].status is BILLABLE
        assert decisions["a-2"].reason_codes == (R.LATE_JOIN,)


class TestDecideAll:
    def test_decide_takes_all_the_contracts_appointments_as_others(self) -> None:
        first = held("a-1", at(2), who=prospect("p-1"))
        again = held("a-2", at(3), who=prospect("p-1"))
        everyone = [first, again]
        engine = BillingEngine(contract())

        decision = engine.decide(again, as_of=LATER, others=everyone, trace=True)

        assert decision.reason_codes == (R.DUPLICATE,)
        assert engine.decide(first, as_of=LATER, others=everyone).status is BILLABLE

    def test_decide_refuses_another_appointment_with_the_same_id(self) -> None:
        other = held("a-1", at(3), who=prospect("p-2"))

        with pytest.raises(ValidationError, match="unique"):
            BillingEngine(contract()).decide(held("a-1", at(2)), as_of=LATER, others=[other])

    def test_decisions_come_in_order_of_meeting_start_then_id(self) -> None:
        meetings = [
            held("b", at(3), who=prospect("p-b")),
            held("a", at(3), who=prospect("p-a")),
            held("c", at(2), who=prospect("p-c")),
        ]

        ids = [d.appointment_id for d in decide_all(contract(), meetings, as_of=LATER)]

        assert ids == ["c", "a", "b"]

    def test_an_appointment_booked_after_the_decision_moment_is_unknown(self) -> None:
        a = held("a-1", at(20), booked_at=at(10))

        assert decide_all(contract(), [a], as_of=at(5)) == ()
        assert decided(contract(), a, as_of=at(5)).status is PENDING

    @pytest.mark.parametrize("trace", [False, True])
    def test_two_appointments_with_one_id_are_refused(self, trace: bool) -> None:
        # Given later meeting first: a traced run, which walks by meeting, still
        # names the position in the input.
        meetings = [held("a-1", at(3)), held("a-1", at(2))]
        with pytest.raises(ValidationError) as raised:
            decide_all(contract(), meetings, as_of=LATER, trace=trace)
        assert raised.value.field in {"appointments[0].id", "appointments[1].id"}

    @pytest.mark.parametrize("trace", [False, True])
    def test_something_not_an_appointment_is_refused_with_its_position(self, trace: bool) -> None:
        given: list[object] = [held("a-1", at(2)), "a-2"]
        with pytest.raises(ValidationError) as raised:
            decide_all(contract(), given, as_of=LATER, trace=trace)  # type: ignore[arg-type]
        assert raised.value.field == "appointments[1]"


# -- properties -------------------------------------------------------------------------


PEOPLE = [prospect(f"p-{i}", company=f"Company {i % 3}") for i in range(5)]


@st.composite
def appointment_sets(draw: st.DrawFn, *, max_size: int = 12) -> list[Appointment]:
    """Appointments in March-April 2026 with varied outcomes; shrinks towards fewer, held ones."""
    count = draw(st.integers(min_value=0, max_value=max_size))
    result = []
    for i in range(count):
        start = at(1).add(hours=draw(st.integers(min_value=0, max_value=24 * 50)))
        who = draw(st.sampled_from(PEOPLE))
        kind = draw(st.sampled_from(["held", "no_show", "host", "late", "short", "cancel", "open"]))
        a = booked(f"a-{i:02d}", start, who=who)
        end = start.add(minutes=45)
        if kind == "held":
            a = a.hold(at=end, attendance=Attendance(attended_minutes=30))
        elif kind == "no_show":
            a = a.no_show(at=end)
        elif kind == "host":
            a = a.no_show(at=end, absent=Actor.CLIENT)
        elif kind == "late":
            a = a.hold(at=end, attendance=Attendance(attended_minutes=30, join_delay_minutes=12))
        elif kind == "short":
            a = a.hold(at=end, attendance=Attendance(attended_minutes=10))
        elif kind == "cancel":
            hours_before = draw(st.integers(min_value=1, max_value=100))
            by = draw(st.sampled_from([Actor.PROSPECT, Actor.CLIENT]))
            a = a.cancel(at=start.subtract(hours=hours_before), actor=by)
        result.append(a)
    return result


@st.composite
def engine_terms(draw: st.DrawFn) -> ContractTerms:
    """Terms varying cap, duplicates, fee and tiers; shrinks towards the defaults."""
    pricing = draw(
        st.sampled_from(
            [
                PerAppointment(price=eur(350)),
                PerAppointment(tiers=TIERS, tier_mode="graduated"),
                PerAppointment(tiers=(Tier(2, eur(300)), Tier(None, eur(200))), tier_mode="volume"),
            ]
        )
    )
    return terms(
        pricing=pricing,
        cap=draw(st.none() | st.integers(min_value=1, max_value=5)),
        duplicates=draw(
            st.sampled_from([DuplicateRule(), DuplicateRule(scope="company", window_days=10)])
        ),
        policy=NoShowPolicy(prospect_no_show_fee=draw(st.sampled_from(["0", "0.5"]))),
    )


class TestDeterminismProperties:
    @given(appointment_sets(), engine_terms(), st.randoms(use_true_random=False))
    def test_decisions_do_not_depend_on_the_order_appointments_arrive_in(
        self, meetings: list[Appointment], contract_terms: ContractTerms, rng: random.Random
    ) -> None:
        c = contract(contract_terms)
        shuffled = list(meetings)
        rng.shuffle(shuffled)

        assert decide_all(c, shuffled, as_of=LATER) == decide_all(c, meetings, as_of=LATER)

    @given(appointment_sets(), engine_terms())
    def test_deciding_twice_gives_the_same_decisions(
        self, meetings: list[Appointment], contract_terms: ContractTerms
    ) -> None:
        engine = BillingEngine(contract(contract_terms))

        assert engine.decide_all(meetings, as_of=LATER) == engine.decide_all(meetings, as_of=LATER)

    @given(appointment_sets(max_size=8), engine_terms())
    def test_every_trace_lists_every_rule_in_order(
        self, meetings: list[Appointment], contract_terms: ContractTerms
    ) -> None:
        for decision in decide_all(contract(contract_terms), meetings, as_of=LATER, trace=True):
            assert_full_trace(decision)


class TestNoShowProperties:
    @given(appointment_sets(), st.sampled_from([None, 14]))
    def test_a_prospect_no_show_is_never_billed_without_a_fee(
        self, meetings: list[Appointment], replacement: int | None
    ) -> None:
        c = contract(terms(policy=NoShowPolicy(replacement_days=replacement)))
        cancelled_by = {a.id: a.cancelled_by for a in meetings}

        for decision in decide_all(c, meetings, as_of=LATER):
            codes = set(decision.reason_codes)
            late_by_prospect = (
                R.LATE_CANCELLATION in codes
                and cancelled_by[decision.appointment_id] is Actor.PROSPECT
            )
            if codes & {R.PROSPECT_NO_SHOW, R.LATE_JOIN} or late_by_prospect:
                assert not decision.billable
                assert decision.amount == eur(0)

    @given(
        st.integers(min_value=-3 * 24 * 60, max_value=7 * 24 * 60),
        st.sampled_from(list(Actor)),
        st.decimals(min_value=0, max_value=1, places=2),
        st.booleans(),
        st.integers(min_value=0, max_value=72),
    )
    def test_a_proposal_never_accepted_is_never_billed_however_late_it_is_cancelled(
        self, minutes_before: int, by: Actor, fee: Decimal, client_pays: bool, window: int
    ) -> None:
        policy = NoShowPolicy(
            prospect_no_show_fee=fee,
            client_late_cancellation_billable=client_pays,
            late_cancellation_hours=window,
        )
        start = at(5)
        proposal = proposed("a-1", start)
        # Up to three days after the start: a proposal may be withdrawn once it has passed.
        a = proposal.cancel(at=start.subtract(minutes=minutes_before), actor=by)

        (decision,) = decide_all(contract(terms(policy=policy)), [a], as_of=LATER)

        assert not decision.billable
        assert decision.reason_codes == (R.CANCELLED,)

    @given(appointment_sets(), st.decimals(min_value="0.01", max_value=1, places=2))
    def test_a_prospect_no_show_with_a_fee_is_billed_that_fraction(
        self, meetings: list[Appointment], fee: Decimal
    ) -> None:
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=fee)))

        for decision in decide_all(c, meetings, as_of=LATER):
            if R.PROSPECT_NO_SHOW in decision.reason_codes and decision.billable:
                assert decision.amount == (eur(350) * fee).rounded()


@st.composite
def tier_tables(draw: st.DrawFn) -> tuple[Tier, ...]:
    """Ascending tier bounds with prices; shrinks towards a single open-ended tier."""
    bounds = sorted(draw(st.sets(st.integers(min_value=1, max_value=15), max_size=3)))
    prices = draw(
        st.lists(
            st.decimals(min_value=0, max_value=1000, places=2),
            min_size=len(bounds) + 1,
            max_size=len(bounds) + 1,
        )
    )
    ups: list[int | None] = [*bounds, None]
    return tuple(Tier(up, eur(str(p))) for up, p in zip(ups, prices, strict=True))


def reference_graduated(tiers: tuple[Tier, ...], units: int) -> Decimal:
    """Each unit at the price of the tier it falls in, counted tier by tier."""
    total, lower = Decimal(0), 0
    for tier in tiers:
        upper = units if tier.up_to is None else min(units, tier.up_to)
        if upper > lower:
            total += (upper - lower) * tier.price.amount
        lower = upper if tier.up_to is None else tier.up_to
    return total


def reference_volume(tiers: tuple[Tier, ...], units: int) -> Decimal:
    """Every unit at the price of the first tier whose bound reaches the count."""
    if not units:
        return Decimal(0)
    price = next(t.price for t in tiers if t.up_to is None or units <= t.up_to)
    return units * price.amount


class TestTierProperties:
    @given(tier_tables(), st.integers(min_value=0, max_value=20))
    def test_graduated_total_matches_a_tier_by_tier_computation(
        self, tiers: tuple[Tier, ...], units: int
    ) -> None:
        _, meetings = tiered("graduated", units)
        c = contract(terms(pricing=PerAppointment(tiers=tiers, tier_mode="graduated")))

        total = sum(d.amount.amount for d in decide_all(c, meetings, as_of=LATER))

        assert total == reference_graduated(tiers, units)

    @given(tier_tables(), st.integers(min_value=0, max_value=20))
    def test_volume_total_matches_the_price_of_the_tier_reached(
        self, tiers: tuple[Tier, ...], units: int
    ) -> None:
        _, meetings = tiered("volume", units)
        c = contract(terms(pricing=PerAppointment(tiers=tiers, tier_mode="volume")))

        total = sum(d.amount.amount for d in decide_all(c, meetings, as_of=LATER))

        assert total == reference_volume(tiers, units)


def _line(v: Verdict) -> tuple[object, ...]:
    return (v.rule_id, v.outcome, v.code, v.reason, dict(v.facts))


class TestSharedTraceLines:
    """The engine renders each distinct trace line once per run and shares it."""

    @given(
        contracts(),
        st.lists(appointments(), max_size=10, unique_by=lambda a: a.id),
        aware_datetimes(),
    )
    def test_every_shared_line_reads_as_if_rendered_for_that_appointment_alone(
        self, c: Contract, meetings: list[Appointment], as_of: pendulum.DateTime
    ) -> None:
        engine = BillingEngine(c)
        known = {a.id: a.as_of(as_of) for a in meetings}

        for decision in engine.decide_all(meetings, as_of=as_of, trace=True):
            a = known[decision.appointment_id]
            assert a is not None
            assert decision.trace is not None
            terms_ = c.terms_at(a.booked_at)
            ctx = RuleContext(a, c, terms_, as_of)
            rules = engine.rule_set(terms_).rules
            for rule, line in zip(rules, decision.trace, strict=False):
                assert _line(line) == _line(rendered(rule, ctx, rule(ctx)))

    @given(
        contracts(),
        st.lists(appointments(), max_size=10, unique_by=lambda a: a.id),
        aware_datetimes(),
    )
    def test_a_traced_run_decides_exactly_as_an_untraced_one(
        self, c: Contract, meetings: list[Appointment], as_of: pendulum.DateTime
    ) -> None:
        engine = BillingEngine(c)

        traced = engine.decide_all(meetings, as_of=as_of, trace=True)

        assert traced == engine.decide_all(meetings, as_of=as_of)

    def test_appointments_with_the_same_facts_share_their_lines(self) -> None:
        c = contract(terms())
        first = held("a-1", at(2), who=prospect("p-1"))
        second = held("a-2", at(3), who=prospect("p-2"))

        one, two = BillingEngine(c).decide_all([first, second], as_of=LATER, trace=True)

        assert one.trace is not None
        assert two.trace is not None
        shared = {a.rule_id for a, b in zip(one.trace, two.trace, strict=True) if a is b}
        assert {"void", "outcome", "cancellation", "reschedule", "attendance"} <= shared
        assert verdict(one, "term") is not verdict(two, "term")  # another meeting date

    def test_a_rule_finding_something_outside_its_applies_to_is_refused(self) -> None:
        class Overreaching:
            rule_id = "overreaching"
            applies_to = frozenset({AppointmentState.CANCELLED})

            def __call__(self, ctx: RuleContext) -> Finding | None:
                return Finding(RuleOutcome.FAIL, "OVERREACH", "fails everything")

        c = contract(terms())
        meeting = held("a-1", at(2))

        with pytest.raises(RuleDefinitionError, match="overreaching"):
            BillingEngine(c, extra_rules=[Overreaching()]).decide_all(
                [meeting], as_of=LATER, trace=True
            )

    def test_an_unhashable_trace_key_is_refused_with_the_rule_named(self) -> None:
        class Unhashable:
            rule_id = "unhashable"

            def __call__(self, ctx: RuleContext) -> Finding | None:
                return None

            def trace_key(self, ctx: RuleContext) -> object:
                return [ctx.appointment.id]

        c = contract(terms())
        meeting = held("a-1", at(2))

        with pytest.raises(RuleDefinitionError, match="unhashable"):
            BillingEngine(c, extra_rules=[Unhashable()]).decide_all(
                [meeting], as_of=LATER, trace=True
            )

    def test_a_custom_rule_without_trace_key_is_explained_per_appointment(self) -> None:
        class Named:
            rule_id = "named"

            def __call__(self, ctx: RuleContext) -> Finding | None:
                return None

            def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
                return Verdict(self.rule_id, RuleOutcome.PASS, None, f"saw {ctx.appointment.id}")

        c = contract(terms())
        meetings = [held(f"a-{i}", at(2 + i), who=prospect(f"p-{i}")) for i in (1, 2)]

        decisions = BillingEngine(c, extra_rules=[Named()]).decide_all(
            meetings, as_of=LATER, trace=True
        )

        assert [verdict(d, "named").reason for d in decisions] == ["saw a-1", "saw a-2"]


class TestMeetingsInAnyZone:
    @given(appointment_sets(), engine_terms(), st.sampled_from(["UTC", "America/New_York"]))
    def test_the_same_instants_written_in_another_zone_decide_the_same(
        self, meetings: list[Appointment], contract_terms: ContractTerms, zone: str
    ) -> None:
        c = contract(contract_terms)
        moved = [attrs.evolve(a, history=_in_zone(a.history, zone)) for a in meetings]

        assert decide_all(c, moved, as_of=LATER) == decide_all(c, meetings, as_of=LATER)


def _in_zone(history: tuple[HistoryEntry, ...], zone: str) -> tuple[HistoryEntry, ...]:
    return tuple(
        attrs.evolve(
            e,
            at=e.at.in_timezone(zone),
            start=None if e.start is None else e.start.in_timezone(zone),
        )
        for e in history
    )


class TestWorkingState:
    def test_an_untraced_run_leaves_no_trace_behind(self) -> None:
        from ppa_core.rules import _item as engine_module  # noqa: PLC0415 - its private list

        meetings = [held(f"a-{i}", at(2 + i), who=prospect(f"p-{i}")) for i in range(3)]
        BillingEngine(contract(terms(cap=1))).decide_all(meetings, as_of=LATER)

        assert engine_module._UNTRACED == []


class TestMeetingsOnAnotherZonesLongDay:
    def test_a_meeting_on_the_day_its_own_zone_turns_the_clocks_back_is_decided(self) -> None:
        # 27 October 2024 lasts 25 hours in London; the contract counts days in UTC.
        c = contract(terms(), timezone="UTC", start=pendulum.Date(2024, 1, 1))
        meetings = [
            held(
                f"a-{hour}",
                pendulum.datetime(2024, 10, 27, hour, tz="Europe/London"),
                who=prospect(f"p-{hour}"),
            )
            for hour in (0, 10, 23)
        ]

        decisions = decide_all(c, meetings, as_of=LATER, trace=True)

        assert [d.meeting_start.in_timezone("UTC").to_date_string() for d in decisions] == [
            "2024-10-26",
            "2024-10-27",
            "2024-10-27",
        ]
        assert all(d.billable for d in decisions)


class TestCancellationLinesAtAZeroHourWindow:
    def test_cancelling_just_after_and_just_before_the_start_are_told_apart(self) -> None:
        c = contract(terms(policy=NoShowPolicy(late_cancellation_hours=0)))
        start = at(10)
        after = booked("a-1", start, who=prospect("p-1")).cancel(
            at=start.add(microseconds=400_000), actor=Actor.CLIENT
        )
        before = booked("a-2", start.add(days=1), who=prospect("p-2")).cancel(
            at=start.add(days=1).subtract(microseconds=400_000), actor=Actor.CLIENT
        )

        traced = by_id(decide_all(c, [after, before], as_of=LATER, trace=True))
        plain = by_id(decide_all(c, [after, before], as_of=LATER))

        assert traced["a-1"].reason_codes == plain["a-1"].reason_codes
        assert traced["a-2"].reason_codes == plain["a-2"].reason_codes
        assert traced["a-2"].reason_codes == (R.CANCELLED,)


class TestDecisionsBuiltThroughTheirSlots:
    """The engine fills DecisionParts and makes them Decisions, skipping attrs' ``__init__``."""

    def test_decision_has_nothing_its_init_would_run_beyond_setting_fields(self) -> None:
        for field in attrs.fields(Decision):
            assert field.validator is None, field.name
            assert field.converter is None, field.name
        assert not hasattr(Decision, "__attrs_post_init__")
        assert not hasattr(Decision, "__attrs_pre_init__")

    def test_the_parts_have_the_decisions_slots_and_nothing_else(self) -> None:
        assert DecisionParts.__slots__ == Decision.__slots__  # type: ignore[attr-defined]
        assert DecisionParts.__mro__ == (DecisionParts, object)
        assert list(DecisionParts.__annotations__) == [f.name for f in attrs.fields(Decision)]

    def test_trusted_verdicts_are_frozen_verdicts_equal_to_built_ones(self) -> None:
        facts = MappingProxyType({"state": "held"})
        made = Verdict.trusted("void", RuleOutcome.PASS, None, "not void", facts)

        assert type(made) is Verdict
        assert made == Verdict("void", RuleOutcome.PASS, None, "not void", {"state": "held"})
        assert made.facts is facts
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.reason = "changed"

    @given(
        contract=contracts(),
        appointments=st.lists(appointments(), max_size=6, unique_by=lambda a: a.id),
    )
    def test_every_decision_equals_the_one_attrs_builds_from_its_fields(
        self, contract: Contract, appointments: list[Appointment]
    ) -> None:
        # Any instant: before a meeting some decisions wait, after it they are final.
        as_of = max((a.start for a in appointments), default=LATER).add(days=30)
        for trace in (False, True):
            for made in decide_all(contract, appointments, as_of=as_of, trace=trace):
                fields = attrs.asdict(made, recurse=False)  # fails on a slot left unset
                expected = Decision(**fields)
                assert made == expected
                assert hash(made) == hash(expected)
                assert made.provisional is False
                with pytest.raises(attrs.exceptions.FrozenInstanceError):
                    made.unit = 4  # type: ignore[misc]
