"""More edges of the built-in rules that a mutation run found unchecked.

The companion of ``test_builtin_rules.py``: each test pins an instant at a window's
edge, a trace text or a state a rule must leave alone, so that a wrong operator or
constant in ``ppa_core.rules`` fails a test (``scripts/mutate.py`` measures this).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import attrs
import pendulum
import pytest

from _scenario import LATER, TZ, at, booked, contract, held, no_show, prospect, terms, verdict
from ppa_core import (
    Actor,
    Appointment,
    AppointmentState,
    Attendance,
    BillingEngine,
    Contract,
    Decision,
    DecisionStatus,
    Dispute,
    DisputeResolution,
    Money,
    NoShowPolicy,
    QualificationCriteria,
    ReasonCode,
    RuleOutcome,
)
from ppa_core.rules.across_appointment_pass import _amount, _Amounts
from ppa_core.rules.context import RuleContext
from ppa_core.rules.lifecycle import OutcomeRule, TermRule, VoidRule
from ppa_core.rules.qualification import QualificationRule
from ppa_core.rules.verdict import Finding

R = ReasonCode
FAIL = RuleOutcome.FAIL
S = AppointmentState
BILLABLE, NOT_BILLABLE, PENDING = (
    DecisionStatus.BILLABLE,
    DecisionStatus.NOT_BILLABLE,
    DecisionStatus.PENDING,
)


def decided(c: Contract, a: Appointment, *, as_of: pendulum.DateTime = LATER) -> Decision:
    """The traced decision of ``a`` alone."""
    return BillingEngine(c).decide(a, as_of=as_of, trace=True)


class TestDisputeTrace:
    deadline = pendulum.datetime(2026, 3, 9, 10, 30, tz=TZ)  # 7 days after the meeting ended

    @pytest.mark.parametrize(
        ("seconds", "reason"),
        [
            (0, "dispute rejected: a student"),
            (
                1,
                "dispute raised 2026-03-09 10:30:01+01:00 after the window closed "
                "2026-03-09 10:30:00+01:00",
            ),
        ],
    )
    def test_a_rejected_dispute_raised_at_the_last_instant_was_in_time(
        self, seconds: int, reason: str
    ) -> None:
        raised = self.deadline.add(seconds=seconds)
        a = held("a-1", at(2)).dispute(at=raised, reason="a student")
        a = a.resolve_dispute(at=raised.add(days=1), upheld=False)

        decision = decided(contract(), a)

        assert decision.status is BILLABLE
        assert verdict(decision, "dispute").reason == reason

    def test_every_dispute_is_noted_in_order(self) -> None:
        a = held("a-1", at(2)).dispute(at=at(3), reason="a student")
        a = a.resolve_dispute(at=at(4), upheld=False)
        a = a.dispute(at=at(10), reason="no budget").resolve_dispute(at=at(11), upheld=True)

        decision = decided(contract(), a)

        assert decision.status is BILLABLE  # the upheld one came too late
        assert verdict(decision, "dispute").reason == (
            "dispute rejected: a student; dispute raised 2026-03-10 10:00:00+01:00 after the "
            "window closed 2026-03-09 10:30:00+01:00"
        )

    def test_two_meetings_disputed_for_different_reasons_are_explained_each_on_its_own(
        self,
    ) -> None:
        one = held("a-1", at(2)).dispute(at=at(3), reason="a student")
        two = held("a-2", at(2, 14), who=prospect("p-2")).dispute(at=at(3), reason="no budget")
        one = one.resolve_dispute(at=at(4), upheld=False)
        two = two.resolve_dispute(at=at(4), upheld=False)

        decisions = BillingEngine(contract()).decide_all([one, two], as_of=LATER, trace=True)

        assert [verdict(d, "dispute").reason for d in decisions] == [
            "dispute rejected: a student",
            "dispute rejected: no budget",
        ]

    def test_a_void_appointment_with_an_upheld_dispute_on_record_is_only_void(self) -> None:
        """A document may carry disputes of any appointment: outside held, no-show or
        cancelled the dispute rule finds nothing (the engine refuses a rule that does)."""
        upheld = Dispute(at(4), "a student", DisputeResolution.UPHELD, at(5))
        a = attrs.evolve(booked("a-1", at(2)).void(at=at(3)), disputes=(upheld,))

        decision = decided(contract(), a)

        assert decision.reason_codes == (R.VOID,)
        line = verdict(decision, "dispute")
        assert (line.outcome, line.reason) == (
            RuleOutcome.PASS,
            "no meeting outcome to dispute (state void)",
        )


class TestDisputeWindowOfALongMeeting:
    """The window opens at the planned end, however long the meeting (no upper bound).

    A 100-day engagement from 2 March 10:00 CET ends 100 x 24 h later, 10 June 11:00
    CEST (the clocks went forward on 29 March); the window closes 7 days after that.
    """

    deadline = pendulum.datetime(2026, 6, 17, 11, tz=TZ)

    @pytest.mark.parametrize(("hours", "counts"), [(-1, True), (1, False)])
    def test_the_window_closes_seven_days_after_the_planned_end(
        self, hours: int, counts: bool
    ) -> None:
        start = at(2)
        a = Appointment.book(
            "a-1", prospect(), start=start, at=start.subtract(days=7), duration_minutes=144_000
        )
        # Recorded half an hour in, long before the planned end: the end opens the window.
        a = a.hold(at=start.add(minutes=30), attendance=Attendance(attended_minutes=30))
        raised = self.deadline.add(hours=hours)
        a = a.dispute(at=raised, reason="a student").resolve_dispute(at=raised, upheld=True)

        decision = decided(contract(), a)

        if counts:
            assert decision.reason_codes == (R.DISPUTE_UPHELD,)
        else:
            assert decision.status is BILLABLE
            assert verdict(decision, "dispute").reason == (
                "dispute raised 2026-06-17 12:00:00+02:00 after the window closed "
                "2026-06-17 11:00:00+02:00"
            )


def _unknown(id: str, start: pendulum.DateTime) -> Appointment:
    """Held, recorded 40 minutes after ``start``, without its attendance facts."""
    return booked(id, start).hold(at=start.add(minutes=40), attendance=None)


class TestUnknownAttendance:
    closes = pendulum.datetime(2026, 3, 9, 10, 40, tz=TZ)  # 7 days after it was recorded

    def test_it_is_pending_up_to_the_last_instant_of_the_correction_window(self) -> None:
        decision = decided(contract(), _unknown("a-1", at(2)), as_of=self.closes)

        assert (decision.status, decision.reason_codes) == (PENDING, (R.ATTENDANCE_UNKNOWN,))
        assert verdict(decision, "attendance").reason == (
            "held, but its attendance is not known yet; pending until it is or the correction "
            "window closes 2026-03-09 10:40:00+01:00"
        )

    def test_a_second_later_the_contract_does_not_bill_it_by_default(self) -> None:
        decision = decided(contract(), _unknown("a-1", at(2)), as_of=self.closes.add(seconds=1))

        assert decision.reason_codes == (R.ATTENDANCE_UNKNOWN,)
        assert decision.status is NOT_BILLABLE
        line = verdict(decision, "attendance")
        assert (line.outcome, line.reason) == (
            RuleOutcome.FAIL,
            "held, attendance never known; the contract does not bill it on a guess",
        )

    def test_a_contract_that_bills_it_says_so_in_the_reasons_and_the_trace(self) -> None:
        c = contract(terms(policy=NoShowPolicy(unknown_attendance_billable=True)))

        decision = decided(c, _unknown("a-1", at(2)), as_of=self.closes.add(seconds=1))

        assert (decision.status, decision.reason_codes) == (BILLABLE, (R.ATTENDANCE_UNKNOWN,))
        line = verdict(decision, "attendance")
        assert (line.outcome, line.reason) == (
            RuleOutcome.CHARGE,
            "held, attendance never known; the contract bills it once the correction window "
            "has closed",
        )

    def test_each_meeting_waits_for_its_own_window(self) -> None:
        """Two meetings without attendance in one traced run: one window closed, one open."""
        early, late = _unknown("a-1", at(2)), _unknown("a-2", at(8))

        decisions = BillingEngine(contract()).decide_all([early, late], as_of=at(12), trace=True)

        assert [(d.status, d.reason_codes) for d in decisions] == [
            (NOT_BILLABLE, (R.ATTENDANCE_UNKNOWN,)),
            (PENDING, (R.ATTENDANCE_UNKNOWN,)),
        ]
        assert verdict(decisions[1], "attendance").reason.endswith(
            "window closes 2026-03-15 10:40:00+01:00"
        )


class TestAttendanceTrace:
    def test_both_sides_absent_are_listed(self) -> None:
        both = frozenset({Actor.PROSPECT, Actor.CLIENT})
        a = booked("a-1", at(2)).no_show(at=at(2, 11), absent=both)

        line = verdict(decided(contract(), a), "attendance")

        assert line.facts["absent"] == "client,prospect"

    def test_a_late_correction_does_not_count(self) -> None:
        a = no_show("a-1", at(2)).correct(
            to=S.HELD, at=at(10, 10, 30), attendance=Attendance(attended_minutes=35)
        )

        line = verdict(decided(contract(), a), "attendance")

        assert line.reason == (
            "the prospect did not show; a correction to held recorded "
            "2026-03-10 10:30:00+01:00 came after the correction window closed "
            "2026-03-09 10:30:00+01:00 and does not count"
        )
        assert line.facts["late_corrections"] == "held at 2026-03-10 10:30:00+01:00"

    def test_late_corrections_are_listed_in_order_and_do_not_count(self) -> None:
        a = no_show("a-1", at(2)).correct(
            to=S.HELD, at=at(10, 10, 30), attendance=Attendance(attended_minutes=35)
        )
        a = a.correct(to=S.NO_SHOW, at=at(11, 9))

        line = verdict(decided(contract(), a), "attendance")

        assert line.reason == (
            "the prospect did not show; a correction to held recorded "
            "2026-03-10 10:30:00+01:00, a correction to no_show recorded "
            "2026-03-11 09:00:00+01:00 came after the correction window closed "
            "2026-03-09 10:30:00+01:00 and do not count"
        )
        assert line.facts["late_corrections"] == (
            "held at 2026-03-10 10:30:00+01:00; no_show at 2026-03-11 09:00:00+01:00"
        )


class TestATermRuleOfItsOwn:
    """A TermRule added as a custom rule, with a window that starts and ends mid-day.

    A traced run shares a rule's lines between meetings with the same ``trace_key``:
    the key must tell a meeting inside the window from one outside on the same day.
    """

    pilot = TermRule(at(2, 12), at(20, 12), rule_id="pilot")

    @pytest.mark.parametrize(
        ("starts", "inside"),
        [
            ([at(2, 10), at(2, 12)], [False, True]),  # the start is inside
            ([at(20, 10), at(20, 12)], [True, False]),  # the end is not
        ],
    )
    def test_meetings_on_one_day_are_judged_each_on_its_side(
        self, starts: list[pendulum.DateTime], inside: list[bool]
    ) -> None:
        meetings = [held(f"a-{i}", start, who=prospect(f"p-{i}")) for i, start in enumerate(starts)]

        decisions = BillingEngine(contract(), [self.pilot]).decide_all(
            meetings, as_of=LATER, trace=True
        )

        assert [d.status is BILLABLE for d in decisions] == inside
        assert [verdict(d, "pilot").code for d in decisions] == [
            None if counts else R.OUTSIDE_TERM for counts in inside
        ]


def _found(
    rule: Callable[[RuleContext], Finding | None], a: Appointment, c: Contract | None = None
) -> Finding | None:
    """What ``rule`` finds for ``a`` when called directly, as a rule composed over it would."""
    c = c or contract()
    return rule(RuleContext(a, c, c.terms_at(a.booked_at), LATER))


class TestLifecycleFindings:
    """Called directly, each rule returns its finding with a reason of its own.

    (The engine's trace words these lines afresh; a caller composing rules reads these.)
    """

    def test_a_meeting_before_the_term_is_outside_it(self) -> None:
        c = contract(start=pendulum.Date(2026, 4, 1))

        found = _found(TermRule(c.term_start, c.term_end), held("a-1", at(2)), c)

        assert found == Finding(FAIL, R.OUTSIDE_TERM, "meeting outside the contract term")

    def test_a_void_appointment_was_entered_in_error(self) -> None:
        found = _found(VoidRule(), booked("a-1", at(2)).void(at=at(1)))

        assert found == Finding(FAIL, R.VOID, "entered in error")

    def test_a_scheduled_meeting_waits_for_its_outcome(self) -> None:
        found = _found(OutcomeRule(), booked("a-1", at(2)))

        assert found == Finding(RuleOutcome.PENDING, R.PENDING_OUTCOME, "outcome not yet known")


class TestQualificationRuleValue:
    def test_it_is_built_from_its_criteria_and_id_only(self) -> None:
        """The criteria's shortcuts and the qualified line are derived, never passed in."""
        parameters = inspect.signature(QualificationRule).parameters

        assert list(parameters) == ["criteria", "rule_id"]

    def test_called_directly_it_finds_a_prospect_who_fails_the_criteria_not_qualified(
        self,
    ) -> None:
        rule = QualificationRule(QualificationCriteria(min_employees=1000))

        found = _found(rule, held("a-1", at(2)))

        assert found == Finding(FAIL, R.NOT_QUALIFIED, "does not meet the criteria")


class TestAmountsKeptByPriceIdentity:
    def test_a_reused_identity_is_told_apart_from_the_price_it_held(self) -> None:
        """The cache is keyed by ``id(price)``: an entry left by a price since freed,
        whose identity a new price now has, must not be read as the new price's amount."""
        old, new = Money.of("100.005", "EUR"), Money.of("200.005", "EUR")
        contract_terms = terms()
        rounding = contract_terms.rounding
        amounts: _Amounts = {(id(new), None, rounding): (old, old.rounded(rounding))}

        amount = _amount(amounts, new, None, contract_terms)

        assert amount == Money.of("200.01", "EUR")  # half-up, the contract default
        assert amounts[id(new), None, rounding] == (new, amount)


@pytest.mark.parametrize(
    ("unknown_passes", "reason"),
    [
        (True, "employee count 40 is below the minimum 200"),
        (False, "employee count 40 is below the minimum 200; annual revenue is unknown"),
    ],
)
def test_a_failed_prospects_reason_leaves_out_unknowns_only_when_they_pass(
    unknown_passes: bool, reason: str
) -> None:
    """The trace lists what failed, and what is unknown only when unknowns do not pass."""
    revenue = Money.of(1_000_000, "EUR")
    criteria = QualificationCriteria(
        min_employees=200, min_revenue=revenue, unknown_passes=unknown_passes
    )
    meeting = held("a-1", at(2), who=prospect(employees=40))

    (decision,) = BillingEngine(contract(terms(criteria=criteria))).decide_all(
        [meeting], as_of=LATER, trace=True
    )

    assert decision.status is DecisionStatus.NOT_BILLABLE
    assert verdict(decision, "qualification").reason == reason
