"""The built-in rules' arithmetic and words, at the edges a mutation run found unchecked.

Each test pins a boundary (a second past the window, a fraction of a day), a
fallback (a criteria set without the optional shortcuts) or the text of a trace
(hours before the start, days moved), so that a wrong operator or constant in
``ppa_core.rules`` fails a test (``scripts/mutate.py`` measures this).
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import pendulum
import pytest

from _scenario import (
    LATER,
    TZ,
    at,
    booked,
    cancelled,
    contract,
    held,
    no_show,
    prospect,
    terms,
    verdict,
)
from ppa_core import (
    Actor,
    Appointment,
    Attendance,
    BillingEngine,
    Contract,
    Decision,
    DecisionStatus,
    NoShowPolicy,
    Prospect,
    QualificationCriteria,
    ReasonCode,
    RuleOutcome,
)
from ppa_core.domain.criteria_set import CriterionResult, Outcome, QualificationResult
from ppa_core.rules._common import _charge_or_fail, _verdict
from ppa_core.rules.cancellation import (
    CancellationRule,
    _calendar_seconds,
    _days,
    _seconds_between,
)
from ppa_core.rules.context import RuleContext
from ppa_core.rules.qualification import QualificationRule

R = ReasonCode
BILLABLE, NOT_BILLABLE = DecisionStatus.BILLABLE, DecisionStatus.NOT_BILLABLE


def decided(c: Contract, a: Appointment, *, as_of: pendulum.DateTime = LATER) -> Decision:
    """The traced decision of ``a`` alone."""
    return BillingEngine(c).decide(a, as_of=as_of, trace=True)


class TestCalendarSeconds:
    def test_whole_days_hours_minutes_seconds_and_microseconds_all_count(self) -> None:
        earlier = pendulum.datetime(2026, 4, 2, 10, 0, 0, 0, tz=TZ)
        later = pendulum.datetime(2026, 4, 5, 13, 27, 45, 250_000, tz=TZ)

        seconds = _calendar_seconds(earlier, later, earlier.tzinfo)

        assert seconds == 3 * 86400 + 3 * 3600 + 27 * 60 + 45 + 0.25

    def test_a_later_clock_time_on_an_earlier_day_is_subtracted_not_added(self) -> None:
        earlier = pendulum.datetime(2026, 4, 2, 18, 40, 50, 750_000, tz=TZ)
        later = pendulum.datetime(2026, 4, 4, 9, 15, 20, 500_000, tz=TZ)

        seconds = _calendar_seconds(earlier, later, earlier.tzinfo)

        expected = 2 * 86400 + (9 - 18) * 3600 + (15 - 40) * 60 + (20 - 50) + (0.5 - 0.75)
        assert seconds == pytest.approx(expected, abs=1e-6)

    def test_moving_earlier_is_negative(self) -> None:
        earlier = pendulum.datetime(2026, 4, 10, 10, tz=TZ)
        later = pendulum.datetime(2026, 4, 7, 16, 30, tz=TZ)

        assert _calendar_seconds(earlier, later, earlier.tzinfo) == -(2 * 86400 + 17.5 * 3600)

    def test_days_are_counted_on_the_clock_of_the_zone_given(self) -> None:
        """23:00 UTC is already the next day in Berlin: one calendar day there, none in UTC."""
        earlier = pendulum.datetime(2026, 4, 2, 21, tz="UTC")  # 23:00 in Berlin
        later = pendulum.datetime(2026, 4, 2, 23, tz="UTC")  # 01:00 next day in Berlin

        assert _calendar_seconds(earlier, later, pendulum.timezone(TZ)) == 2 * 3600
        assert _calendar_seconds(earlier, later, pendulum.timezone("UTC")) == 2 * 3600

    def test_seconds_between_instants(self) -> None:
        start = pendulum.datetime(2026, 4, 2, 10, tz=TZ)

        assert _seconds_between(start.subtract(hours=2, seconds=30), start) == 7230
        assert _seconds_between(start, start.subtract(minutes=1)) == -60

    @pytest.mark.parametrize(
        ("seconds", "shown"),
        [
            (0, "0.0"),
            (86400, "1.0"),
            (3.5 * 86400, "3.5"),
            (-2 * 86400, "-2.0"),
            (30 * 86400 + 3600, "30.0"),
            (30 * 86400 + 12 * 3600, "30.5"),
            (203_040, "2.4"),  # exactly 2.35 days: a day is 86,400 seconds, not one more
        ],
    )
    def test_days_are_written_with_one_decimal(self, seconds: float, shown: str) -> None:
        assert _days(seconds) == shown


def _moved(original: pendulum.DateTime, to: pendulum.DateTime) -> Appointment:
    booked_at = min(original, to).subtract(days=3)
    return (
        Appointment.book("a-1", prospect(), start=original, at=booked_at)
        .reschedule(to=to, at=booked_at.add(hours=1))
        .hold(at=to.add(hours=1), attendance=Attendance(attended_minutes=30))
    )


class TestRescheduleWindowAtNonWholeDays:
    original = pendulum.datetime(2026, 4, 2, 10, tz=TZ)  # April-May: no clock change

    @pytest.mark.parametrize(
        ("delta", "billable"),
        [
            (pendulum.duration(days=30), True),
            (pendulum.duration(days=30, seconds=1), False),
            (pendulum.duration(days=30, microseconds=1), False),
            (pendulum.duration(days=29, hours=23, minutes=59, seconds=59), True),
            (pendulum.duration(days=30, minutes=1), False),
            (pendulum.duration(days=30, hours=12), False),
        ],
    )
    def test_a_move_past_30_days_by_any_amount_is_a_cancellation(
        self, delta: pendulum.Duration, billable: bool
    ) -> None:
        decision = decided(contract(), _moved(self.original, self.original + delta))

        assert decision.billable is billable
        line = verdict(decision, "reschedule")
        assert line.outcome is (RuleOutcome.PASS if billable else RuleOutcome.FAIL)

    def test_moving_earlier_by_more_than_the_window_counts_too(self) -> None:
        original = pendulum.datetime(2026, 6, 10, 10, tz=TZ)

        decision = decided(contract(), _moved(original, original.subtract(days=30, minutes=1)))

        assert decision.reason_codes == (R.RESCHEDULE_LIMIT,)

    def test_the_trace_says_how_far_and_the_window(self) -> None:
        to = self.original.add(days=31, hours=12)

        line = verdict(decided(contract(), _moved(self.original, to)), "reschedule")

        assert line.reason == (
            "moved 31.5 days from the original start, more than the 30 days allowed; "
            "counts as a cancellation"
        )
        assert line.facts["moved_days"] == "31.5"
        assert line.facts["reschedules"] == "1"

    def test_a_move_within_the_window_is_explained_with_the_free_reschedules(self) -> None:
        to = self.original.add(days=2, hours=6)

        line = verdict(decided(contract(), _moved(self.original, to)), "reschedule")

        assert line.outcome is RuleOutcome.PASS
        assert line.reason == (
            "rescheduled 1 times (free: 2), moved 2.2 days from the original start (window 30 days)"
        )

    def test_one_reschedule_over_the_free_ones_is_a_cancellation(self) -> None:
        c = contract(terms(policy=NoShowPolicy(free_reschedules=1)))
        a = (
            booked("a-1", at(2, month=4))
            .reschedule(to=at(4, month=4), at=at(1, month=4))
            .reschedule(to=at(6, month=4), at=at(3, month=4))
        )

        line = verdict(decided(c, a), "reschedule")

        assert line.outcome is RuleOutcome.FAIL
        assert line.reason == ("rescheduled 2 times; 1 are free, more counts as a cancellation")

    def test_as_many_reschedules_as_are_free_pass(self) -> None:
        c = contract(terms(policy=NoShowPolicy(free_reschedules=1)))
        a = (
            booked("a-1", at(2, month=4))
            .reschedule(to=at(4, month=4), at=at(1, month=4))
            .hold(at=at(4, 11, month=4), attendance=Attendance(attended_minutes=30))
        )

        assert decided(c, a).status is BILLABLE

    def test_not_rescheduled_says_so(self) -> None:
        line = verdict(decided(contract(), held("a-1", at(2))), "reschedule")

        assert line.reason == "not rescheduled"
        assert line.facts["reschedules"] == "0"


class TestCancellationTrace:
    def test_the_hours_before_the_start_and_the_late_window_are_in_the_trace(self) -> None:
        a = cancelled("a-1", at(5), by=Actor.CLIENT, hours_before=2.5)

        line = verdict(decided(contract(), a), "cancellation")

        assert line.reason == (
            "late cancellation by the client is billable: cancelled 2.5 h before the start "
            "(late window 24 h)"
        )
        assert line.facts["hours_before_start"] == "2.5"
        assert line.facts["late_window_hours"] == "24"
        assert line.facts["cancelled_by"] == "client"
        assert "assumed_canceller" not in line.facts

    def test_hours_are_shown_to_a_tenth_rounded_from_whole_seconds(self) -> None:
        a = cancelled("a-1", at(5), by=Actor.PROSPECT, hours_before=30.25)

        line = verdict(decided(contract(), a), "cancellation")

        assert line.facts["hours_before_start"] == "30.2"
        assert line.reason == (
            "cancelled by the prospect in good time: cancelled 30.2 h before the start "
            "(late window 24 h)"
        )

    @pytest.mark.parametrize(("hours_before", "shown"), [(2.75, "2.8"), (23.95, "24.0")])
    def test_hours_are_seconds_over_3600(self, hours_before: float, shown: str) -> None:
        a = cancelled("a-1", at(5), by=Actor.CLIENT, hours_before=hours_before)

        line = verdict(decided(contract(), a), "cancellation")

        assert line.facts["hours_before_start"] == shown
        assert f"cancelled {shown} h before the start" in line.reason

    def test_a_meeting_not_cancelled_is_explained_as_such(self) -> None:
        c, a = contract(), held("a-1", at(2))
        ctx = RuleContext(a, c, c.terms_at(a.booked_at), LATER)

        line = CancellationRule(NoShowPolicy()).explain(ctx, None)

        assert (line.outcome, line.reason) == (RuleOutcome.PASS, "not cancelled")
        assert dict(line.facts) == {"state": "held"}

    def test_an_unknown_canceller_is_assumed_and_the_trace_says_so(self) -> None:
        c = contract(terms(policy=NoShowPolicy(unknown_canceller=Actor.CLIENT)))
        a = cancelled("a-1", at(5), by=Actor.UNKNOWN, hours_before=3)

        decision = decided(c, a)
        line = verdict(decision, "cancellation")

        assert decision.status is BILLABLE
        assert line.reason.startswith(
            "late cancellation by the client is billable (assumed: the tool did not say who "
            "cancelled; treated as the client's)"
        )
        assert line.facts["assumed_canceller"] == "client"
        assert line.facts["cancelled_by"] == "unknown"

    def test_a_cancellation_just_inside_the_late_window_is_late(self) -> None:
        start = at(5)
        a = booked("a-1", start).cancel(at=start.subtract(hours=24, seconds=-1), actor=Actor.CLIENT)

        assert decided(contract(), a).reason_codes == (R.LATE_CANCELLATION,)

    def test_a_cancellation_exactly_at_the_late_window_is_in_good_time(self) -> None:
        start = at(5)
        a = booked("a-1", start).cancel(at=start.subtract(hours=24), actor=Actor.CLIENT)

        decision = decided(contract(), a)

        assert decision.reason_codes == (R.CANCELLED,)
        assert verdict(decision, "cancellation").facts["hours_before_start"] == "24.0"

    def test_late_by_the_agency_is_not_billed_and_says_who(self) -> None:
        a = cancelled("a-1", at(5), by=Actor.AGENCY, hours_before=1)

        decision = decided(contract(), a)

        assert decision.status is NOT_BILLABLE
        assert verdict(decision, "cancellation").reason.startswith(
            "late cancellation by the agency:"
        )

    def test_late_by_the_prospect_is_a_no_show_at_the_fee(self) -> None:
        c = contract(terms(policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.25"))))
        a = cancelled("a-1", at(5), by=Actor.PROSPECT, hours_before=1)

        line = verdict(decided(c, a), "cancellation")

        assert line.outcome is RuleOutcome.CHARGE
        assert line.reason.startswith(
            "late cancellation by the prospect counts as a no-show; billed at 25% of the price"
        )

    def test_late_by_the_prospect_is_not_a_no_show_when_the_contract_says_so(self) -> None:
        c = contract(terms(policy=NoShowPolicy(late_prospect_cancellation_is_no_show=False)))
        a = cancelled("a-1", at(5), by=Actor.PROSPECT, hours_before=1)

        line = verdict(decided(c, a), "cancellation")

        assert line.code == R.LATE_CANCELLATION
        assert line.reason.startswith("late cancellation by the prospect:")


class TestChargeOrFail:
    def test_a_positive_fee_charges_that_fraction(self) -> None:
        finding = _charge_or_fail(R.PROSPECT_NO_SHOW, Decimal("0.5"), "did not show")

        assert finding.outcome is RuleOutcome.CHARGE
        assert finding.reason == "did not show; billed at 50% of the price"

    def test_a_zero_fee_fails(self) -> None:
        finding = _charge_or_fail(R.PROSPECT_NO_SHOW, Decimal(0), "did not show")

        assert finding.outcome is RuleOutcome.FAIL
        assert finding.reason == "did not show"

    def test_a_verdict_without_finding_passes_with_its_facts_as_text(self) -> None:
        line = _verdict("x", None, "fine", count=3)

        assert line.outcome is RuleOutcome.PASS
        assert line.code is None
        assert dict(line.facts) == {"count": "3"}


@attrs.frozen
class _EvaluateOnly:
    """A criteria set with only what the protocol requires: no ``qualifies``, no ``assess``."""

    qualified: bool
    name: str = "house"

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        outcome = Outcome.PASS if self.qualified else Outcome.FAIL
        result = CriterionResult("budget", outcome, "budget of 10k confirmed")
        return QualificationResult(self.qualified, self.name, (result,))


class TestQualificationFallback:
    """Criteria sets without the optional ``qualifies``/``assess`` use ``evaluate``."""

    def test_the_rule_finds_no_shortcuts(self) -> None:
        rule = QualificationRule(_EvaluateOnly(qualified=False))

        assert rule._qualifies is None
        assert rule._assess is None

    @pytest.mark.parametrize("trace", [True, False])
    def test_a_prospect_who_does_not_qualify_is_not_billed(self, trace: bool) -> None:
        c = contract(terms(criteria=_EvaluateOnly(qualified=False)))

        decision = BillingEngine(c).decide(held("a-1", at(2)), as_of=LATER, trace=trace)

        assert decision.status is NOT_BILLABLE
        assert decision.reason_codes == (R.NOT_QUALIFIED,)
        if trace:
            line = verdict(decision, "qualification")
            assert line.outcome is RuleOutcome.FAIL
            assert line.code == R.NOT_QUALIFIED
            assert "budget of 10k confirmed" in line.reason
            assert dict(line.facts) == {"budget": "fail: budget of 10k confirmed"}

    @pytest.mark.parametrize("trace", [True, False])
    def test_a_prospect_who_qualifies_is_billed(self, trace: bool) -> None:
        c = contract(terms(criteria=_EvaluateOnly(qualified=True)))

        decision = BillingEngine(c).decide(held("a-1", at(2)), as_of=LATER, trace=trace)

        assert decision.status is BILLABLE
        if trace:
            line = verdict(decision, "qualification")
            assert line.outcome is RuleOutcome.PASS
            assert line.reason == "qualified: meets the house criteria"
            assert list(line.facts) == ["budget"]
            assert len(line.facts) == 1
            with pytest.raises(KeyError):
                line.facts["authority"]


class TestSharedTraceLinesKeepEachMeetingsFacts:
    """Traces share a rule's line between meetings with the same facts, and only then."""

    def test_cancellations_at_different_hours_each_show_their_own(self) -> None:
        start = at(5)
        meetings = [
            cancelled("a-1", start, by=Actor.CLIENT, hours_before=2.5),
            cancelled("a-2", start.add(hours=1), by=Actor.CLIENT, hours_before=5),
            cancelled("a-3", start.add(hours=2), by=Actor.CLIENT, hours_before=2.5),
        ]

        traced = BillingEngine(contract()).decide_all(meetings, as_of=LATER, trace=True)

        hours = [verdict(d, "cancellation").facts["hours_before_start"] for d in traced]
        assert hours == ["2.5", "5.0", "2.5"]

    def test_an_accepted_and_an_unaccepted_cancellation_are_told_apart(self) -> None:
        start = at(5)
        unaccepted = Appointment.propose("a-1", prospect("p-1"), start=start, at=at(1)).cancel(
            at=start.subtract(hours=2), actor=Actor.CLIENT
        )
        accepted = booked("a-2", start, who=prospect("p-2")).cancel(
            at=start.subtract(hours=2), actor=Actor.CLIENT
        )

        traced = BillingEngine(contract()).decide_all(
            [unaccepted, accepted], as_of=LATER, trace=True
        )

        reasons = [verdict(d, "cancellation").reason for d in traced]
        assert "before the invitation was accepted" in reasons[0]
        assert reasons[1].startswith("late cancellation by the client is billable")

    def test_reschedules_of_different_lengths_each_show_their_own(self) -> None:
        original = pendulum.datetime(2026, 4, 2, 10, tz=TZ)
        meetings = [
            attrs.evolve(_moved(original, original.add(days=2)), id="a-1"),
            attrs.evolve(_moved(original, original.add(days=3)), id="a-2"),
            held("a-3", original.add(days=1), who=prospect("p-3")),
        ]

        traced = BillingEngine(contract()).decide_all(meetings, as_of=LATER, trace=True)

        moved = [verdict(d, "reschedule").facts.get("moved_days") for d in traced]
        assert sorted(moved, key=str) == ["2.0", "3.0", None]

    def test_meetings_with_different_attendance_each_show_their_own(self) -> None:
        meetings = [
            held("a-1", at(2), minutes=30, who=prospect("p-1")),
            held("a-2", at(3), minutes=45, who=prospect("p-2")),
            held("a-3", at(4), minutes=30, delay=5, who=prospect("p-3")),
        ]

        traced = BillingEngine(contract()).decide_all(meetings, as_of=LATER, trace=True)

        facts = [dict(verdict(d, "attendance").facts) for d in traced]
        assert [(f["attended_minutes"], f["join_delay_minutes"]) for f in facts] == [
            ("30", "0"),
            ("45", "0"),
            ("30", "5"),
        ]


def _traced(c: Contract, a: Appointment) -> dict[str, tuple[RuleOutcome, str, dict[str, str]]]:
    """Each rule's outcome, reason and facts for ``a``."""
    d = decided(c, a)
    assert d.trace is not None
    return {v.rule_id: (v.outcome, v.reason, dict(v.facts)) for v in d.trace}


class TestTermVoidAndOutcomeLines:
    term = contract(end=pendulum.Date(2026, 6, 1))  # 1 January to 1 June 2026, inclusive

    @pytest.mark.parametrize(
        ("start", "inside"),
        [
            (pendulum.datetime(2026, 1, 1, 0, 0, 0, tz=TZ), True),
            (pendulum.datetime(2025, 12, 31, 23, 59, 59, tz=TZ), False),
            (pendulum.datetime(2026, 6, 1, 23, 59, 59, tz=TZ), True),
            (pendulum.datetime(2026, 6, 2, 0, 0, 0, tz=TZ), False),
        ],
    )
    def test_the_term_includes_its_first_and_last_day(
        self, start: pendulum.DateTime, inside: bool
    ) -> None:
        c = attrs.evolve(
            self.term, term=attrs.evolve(self.term.term, start=pendulum.Date(2026, 1, 1))
        )
        a = booked("a-1", start, booked_at=pendulum.datetime(2025, 12, 1, tz=TZ)).hold(
            at=start.add(minutes=30), attendance=Attendance(attended_minutes=30)
        )

        outcome, reason, facts = _traced(c, a)["term"]

        side = "within" if inside else "outside"
        assert outcome is (RuleOutcome.PASS if inside else RuleOutcome.FAIL)
        assert reason == f"meeting on {start.date()} is {side} the term 2026-01-01 to 2026-06-01"
        assert facts == {"meeting_date": str(start.date()), "term": "2026-01-01 to 2026-06-01"}

    def test_an_open_ended_term_says_so(self) -> None:
        _, reason, _ = _traced(contract(), held("a-1", at(2)))["term"]

        assert reason == "meeting on 2026-03-02 is within the term 2026-01-01 to open-ended"

    def test_void_and_outcome_lines_of_a_held_meeting(self) -> None:
        lines = _traced(contract(), held("a-1", at(2)))

        assert lines["void"] == (RuleOutcome.PASS, "not void", {"state": "held"})
        assert lines["outcome"] == (RuleOutcome.PASS, "outcome recorded: held", {"state": "held"})

    def test_a_voided_appointment_is_explained(self) -> None:
        lines = _traced(contract(), booked("a-1", at(2)).void(at=at(1)))

        assert lines["void"] == (RuleOutcome.FAIL, "entered in error (void)", {"state": "void"})

    def test_a_meeting_without_outcome_is_pending_as_of_the_decision(self) -> None:
        lines = _traced(contract(), booked("a-1", at(2)))

        as_of = "2027-01-01 00:00:00+00:00"
        assert lines["outcome"] == (
            RuleOutcome.PENDING,
            f"no outcome recorded as of {as_of} (state scheduled)",
            {"state": "scheduled", "as_of": as_of},
        )


class TestAttendanceLines:
    @pytest.mark.parametrize(("delay", "late"), [(10, False), (11, True)])
    def test_the_grace_period_includes_its_last_minute(self, delay: int, late: bool) -> None:
        outcome, reason, _ = _traced(contract(), held("a-1", at(2), delay=delay))["attendance"]

        if late:
            assert outcome is RuleOutcome.FAIL
            assert reason == ("the prospect joined 11 min late (grace 10 min); counts as a no-show")
        else:
            assert outcome is RuleOutcome.PASS
            assert reason == ("held: joined 10 min late (grace 10), attended 30 min (minimum 15)")

    @pytest.mark.parametrize(("minutes", "short"), [(15, False), (14, True)])
    def test_the_minimum_duration_is_enough(self, minutes: int, short: bool) -> None:
        outcome, reason, facts = _traced(contract(), held("a-1", at(2), minutes=minutes))[
            "attendance"
        ]

        assert (outcome is RuleOutcome.FAIL) is short
        if short:
            assert reason == "attended 14 min, below the minimum 15 min"
        assert facts == {
            "state": "held",
            "join_delay_minutes": "0",
            "attended_minutes": str(minutes),
            "attendees": "client,prospect",
        }

    def test_a_prospect_no_show_owes_a_replacement_and_is_billed_at_the_fee(self) -> None:
        policy = NoShowPolicy(replacement_days=14, prospect_no_show_fee=Decimal("0.3"))

        outcome, reason, facts = _traced(contract(terms(policy=policy)), no_show("a-1", at(2)))[
            "attendance"
        ]

        assert outcome is RuleOutcome.CHARGE
        assert reason == (
            "the prospect did not show; the agency owes a replacement within 14 days; "
            "billed at 30% of the price"
        )
        assert facts == {"state": "no_show", "absent": "prospect"}

    def test_a_host_no_show_is_billable_by_default_and_says_so(self) -> None:
        a = no_show("a-1", at(2), absent=Actor.CLIENT)

        outcome, reason, facts = _traced(contract(), a)["attendance"]

        assert outcome is RuleOutcome.CHARGE
        assert reason == "the client's rep missed the meeting; the agency delivered"
        assert facts == {"state": "no_show", "absent": "client"}

    def test_a_cancelled_meeting_has_no_attendance_to_judge(self) -> None:
        a = cancelled("a-1", at(5), by=Actor.CLIENT, hours_before=48)

        outcome, reason, _ = _traced(contract(), a)["attendance"]

        assert outcome is RuleOutcome.SKIP
        assert reason == "no meeting outcome to judge (state cancelled)"


def _disputed(raised: pendulum.DateTime, *, upheld: bool | None = True) -> Appointment:
    a = held("a-1", at(2)).dispute(at=raised, reason="a student")
    return a if upheld is None else a.resolve_dispute(at=raised.add(days=1), upheld=upheld)


class TestDisputeWindowEdges:
    deadline = pendulum.datetime(2026, 3, 9, 10, 30, tz=TZ)  # 7 days after the meeting ended

    @pytest.mark.parametrize(("seconds", "counts"), [(-1, True), (0, True), (1, False)])
    def test_the_window_includes_its_last_instant(self, seconds: int, counts: bool) -> None:
        decision = decided(contract(), _disputed(self.deadline.add(seconds=seconds)))

        line = verdict(decision, "dispute")
        if counts:
            assert decision.reason_codes == (R.DISPUTE_UPHELD,)
            assert (line.reason, dict(line.facts)) == (
                "dispute upheld: a student",
                {"disputes": "1"},
            )
        else:
            assert decision.status is BILLABLE
            assert line.reason == (
                "dispute raised 2026-03-09 10:30:01+01:00 after the window closed "
                "2026-03-09 10:30:00+01:00"
            )
            assert dict(line.facts) == {"deadline": "2026-03-09 10:30:00+01:00"}

    @pytest.mark.parametrize(("days", "counts"), [(2, True), (5, True), (9, False), (30, False)])
    def test_far_from_the_deadline_the_side_is_plain(self, days: int, counts: bool) -> None:
        decision = decided(contract(), _disputed(at(2).add(days=days)))

        assert (decision.reason_codes == (R.DISPUTE_UPHELD,)) is counts

    def test_the_window_opens_when_a_late_outcome_is_recorded(self) -> None:
        a = booked("a-1", at(2)).hold(at=at(6), attendance=Attendance(attended_minutes=30))
        a = a.dispute(at=at(13, 9), reason="a student").resolve_dispute(at=at(14), upheld=True)

        assert decided(contract(), a).reason_codes == (R.DISPUTE_UPHELD,)

    @pytest.mark.parametrize(
        ("upheld", "reason"),
        [(False, "dispute rejected: a student"), (None, "dispute open: a student")],
    )
    def test_a_dispute_not_upheld_is_noted(self, upheld: bool | None, reason: str) -> None:
        decision = decided(contract(), _disputed(at(3), upheld=upheld))

        assert decision.status is BILLABLE
        assert verdict(decision, "dispute").reason == reason

    def test_without_a_dispute_or_an_outcome_the_line_says_so(self) -> None:
        assert verdict(decided(contract(), held("a-1", at(2))), "dispute").reason == (
            "no dispute raised"
        )
        assert verdict(decided(contract(), booked("a-1", at(2))), "dispute").reason == (
            "no meeting outcome to dispute (state scheduled)"
        )


@attrs.frozen
class _WithShortcuts:
    """A criteria set with ``qualifies`` and ``assess`` but no ``unknown_passes``."""

    qualified: bool
    name: str = "house"

    def _results(self) -> tuple[CriterionResult, ...]:
        budget = Outcome.PASS if self.qualified else Outcome.FAIL
        return (
            CriterionResult("budget", budget, "budget of 10k confirmed"),
            CriterionResult("authority", Outcome.UNKNOWN, "authority unknown"),
        )

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        return QualificationResult(self.qualified, self.name, self._results())

    def qualifies(self, prospect: Prospect, as_of: pendulum.Date) -> bool:
        return self.qualified

    def assess(
        self, prospect: Prospect, as_of: pendulum.Date
    ) -> tuple[bool, tuple[CriterionResult, ...]]:
        return self.qualified, self._results()


class TestQualificationShortcuts:
    @pytest.mark.parametrize("trace", [True, False])
    def test_a_set_without_unknown_passes_lists_its_unknown_criteria(self, trace: bool) -> None:
        c = contract(terms(criteria=_WithShortcuts(qualified=False)))

        decision = BillingEngine(c).decide(held("a-1", at(2)), as_of=LATER, trace=trace)

        assert decision.reason_codes == (R.NOT_QUALIFIED,)
        if trace:
            line = verdict(decision, "qualification")
            assert line.reason == "budget of 10k confirmed; authority unknown"
            assert dict(line.facts) == {
                "budget": "fail: budget of 10k confirmed",
                "authority": "unknown: authority unknown",
            }

    def test_a_qualified_prospect_is_explained_with_the_sets_name(self) -> None:
        c = contract(terms(criteria=_WithShortcuts(qualified=True)))

        decision = decided(c, held("a-1", at(2)))

        line = verdict(decision, "qualification")
        assert decision.status is BILLABLE
        assert (line.outcome, line.reason) == (
            RuleOutcome.PASS,
            "qualified: meets the house criteria",
        )


class TestRuleValues:
    def test_a_qualification_rule_reads_as_its_criteria(self) -> None:
        criteria = _EvaluateOnly(qualified=True)

        rule = QualificationRule(criteria)

        assert repr(rule) == f"QualificationRule(criteria={criteria!r}, rule_id='qualification')"
        assert rule == QualificationRule(_EvaluateOnly(qualified=True))

    def test_rules_over_equal_criteria_are_equal(self) -> None:
        """The shortcuts found on the criteria (bound methods) take no part in equality."""
        a = QualificationRule(QualificationCriteria(min_employees=200))
        b = QualificationRule(QualificationCriteria(min_employees=200))

        assert a == b
        assert hash(a) == hash(b)
        assert a != QualificationRule(QualificationCriteria(min_employees=201))


class TestRescheduleExplainsTheLastMove:
    def test_the_line_gives_how_far_the_last_reschedule_moved_the_start(self) -> None:
        original = pendulum.datetime(2026, 4, 2, 10, tz=TZ)
        a = (
            Appointment.book("a-1", prospect(), start=original, at=original.subtract(days=5))
            .reschedule(to=original.add(days=2), at=original.subtract(days=4))
            .reschedule(to=original.add(days=5), at=original.subtract(days=3))
        )

        line = verdict(decided(contract(), a), "reschedule")

        assert line.facts["moved_days"] == "5.0"
        assert "moved 5.0 days from the original start" in line.reason


@attrs.define
class _Counting(_WithShortcuts):
    """Counts the calls of ``evaluate``, which the shortcuts make unnecessary."""

    evaluated: int = 0

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        self.evaluated += 1
        return super().evaluate(prospect, as_of)


class TestQualificationShortcutsAreUsed:
    """The documented fast paths: ``qualifies`` untraced, ``assess`` traced; never both."""

    @pytest.mark.parametrize("qualified", [True, False])
    @pytest.mark.parametrize("trace", [True, False])
    def test_evaluate_is_not_called_when_the_shortcuts_exist(
        self, trace: bool, qualified: bool
    ) -> None:
        criteria = _Counting(qualified=qualified)
        c = contract(terms(criteria=criteria))

        decision = BillingEngine(c).decide(held("a-1", at(2)), as_of=LATER, trace=trace)

        assert decision.billable is qualified
        assert criteria.evaluated == 0

    def test_the_criteria_qualifier_is_called_without_the_method_around_it(self) -> None:
        criteria = QualificationCriteria(min_employees=200)

        rule = QualificationRule(criteria)

        assert rule._qualifies is criteria.qualifier
        day = pendulum.Date(2026, 4, 2)
        assert criteria.qualifier(prospect(), day) is criteria.qualifies(prospect(), day)
