"""The built-in per-appointment rules, configured by a contract's terms.

They run in this order (duplicates, the cap and pricing follow in the engine,
because they look at the other appointments of the period):

=================  ==========================================================
``term``           the meeting falls within the contract term (OUTSIDE_TERM)
``void``           the appointment was not entered in error (VOID)
``outcome``        the outcome is known (PENDING_OUTCOME)
``cancellation``   early cancellations, and proposals cancelled before the
                   invitation was accepted, are not billed (CANCELLED); late
                   ones by the prospect count as a no-show, by the client are
                   billable (LATE_CANCELLATION)
``reschedule``     at most N free reschedules, each landing within D days of
                   the original start (RESCHEDULE_LIMIT)
``attendance``     no-shows (PROSPECT_NO_SHOW, HOST_NO_SHOW), late joins
                   (LATE_JOIN) and short meetings (SHORT_MEETING)
``qualification``  the prospect meets the criteria as of the meeting date
                   (NOT_QUALIFIED)
``dispute``        no dispute upheld within the dispute window (DISPUTE_UPHELD)
=================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pendulum

from ppa_core.domain.appointment import Actor, AppointmentState
from ppa_core.domain.appointment import DisputeResolution as Resolution
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.qualification import (
    CriteriaSet,
    CriterionResult,
    not_qualified_reason,
)
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, FrozenFacts, ReasonCode, RuleOutcome, Verdict

__all__ = [
    "AttendanceRule",
    "CancellationRule",
    "DisputeRule",
    "OutcomeRule",
    "QualificationRule",
    "RescheduleRule",
    "TermRule",
    "VoidRule",
    "builtin_rules",
]

S = AppointmentState
R = ReasonCode
FAIL, PENDING, CHARGE, SKIP, PASS = (
    RuleOutcome.FAIL,
    RuleOutcome.PENDING,
    RuleOutcome.CHARGE,
    RuleOutcome.SKIP,
    RuleOutcome.PASS,
)
_OPEN = frozenset({S.PROPOSED, S.SCHEDULED, S.CONFIRMED})


def _verdict(rule_id: str, finding: Finding | None, reason: str, **facts: object) -> Verdict:
    outcome = PASS if finding is None else finding.outcome
    code = None if finding is None else finding.code
    return Verdict(rule_id, outcome, code, reason, {k: str(v) for k, v in facts.items()})


def _seconds_between(earlier: pendulum.DateTime, later: pendulum.DateTime) -> float:
    """Seconds from ``earlier`` to ``later``, as instants.

    POSIX timestamps are exact across DST folds and cost a fraction of pendulum's
    subtraction, which builds a calendar-aware Interval.
    """
    return later.timestamp() - earlier.timestamp()


def _days(seconds: float) -> str:
    """Seconds as days with one decimal ("3.5"); signed, so a move earlier reads "-2.0"."""
    return f"{Decimal(int(seconds)) / 86400:.1f}"


def _charge_or_fail(code: str, fee: Decimal, reason: str) -> Finding:
    """A no-show-like event: billed at ``fee`` of the price when the fee is positive."""
    if fee > 0:
        return Finding(CHARGE, code, f"{reason}; billed at {fee:%} of the price", fee)
    return Finding(FAIL, code, reason)


@attrs.frozen
class TermRule:
    """The meeting starts within the contract's term (OUTSIDE_TERM otherwise)."""

    start: pendulum.DateTime
    end: pendulum.DateTime | None
    rule_id: str = "term"

    def __call__(self, ctx: RuleContext) -> Finding | None:
        start = ctx.appointment.start
        if start < self.start or (self.end is not None and start >= self.end):
            return _OUTSIDE
        return None

    def trace_key(self, ctx: RuleContext) -> Hashable:
        """The meeting date and whether the start lies in the term (all ``explain`` reads)."""
        start = ctx.appointment.start
        inside = self.start <= start and (self.end is None or start < self.end)
        return (ctx.meeting_date, inside)

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        term = ctx.contract.term
        span = f"{term.start} to {term.end or 'open-ended'}"
        day = ctx.meeting_date
        reason = f"meeting on {day} is {'outside' if finding else 'within'} the term {span}"
        return _verdict(self.rule_id, finding, reason, meeting_date=day, term=span)


_OUTSIDE = Finding(FAIL, R.OUTSIDE_TERM, "meeting outside the contract term")


@attrs.frozen
class VoidRule:
    """An appointment entered in error is never billed (VOID)."""

    rule_id: str = "void"
    applies_to: ClassVar[frozenset[AppointmentState]] = frozenset({S.VOID})

    def __call__(self, ctx: RuleContext) -> Finding | None:
        return _VOIDED if ctx.appointment.state is S.VOID else None

    def trace_key(self, ctx: RuleContext) -> Hashable:
        """Nothing beyond the state (void)."""
        return ()

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        reason = "entered in error (void)" if finding else "not void"
        return _verdict(self.rule_id, finding, reason, state=ctx.appointment.state)


_VOIDED = Finding(FAIL, R.VOID, "entered in error")


@attrs.frozen
class OutcomeRule:
    """Billing waits until the meeting has an outcome (PENDING_OUTCOME)."""

    rule_id: str = "outcome"
    applies_to: ClassVar[frozenset[AppointmentState]] = _OPEN

    def __call__(self, ctx: RuleContext) -> Finding | None:
        return _PENDING if ctx.appointment.state in _OPEN else None

    def trace_key(self, ctx: RuleContext) -> Hashable:
        """The state (the moment of the decision is the same for a whole run)."""
        return ctx.appointment.state

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        state = ctx.appointment.state
        if finding:
            reason = f"no outcome recorded as of {ctx.as_of} (state {state})"
            return _verdict(self.rule_id, finding, reason, state=state, as_of=ctx.as_of)
        return _verdict(self.rule_id, finding, f"outcome recorded: {state}", state=state)


_PENDING = Finding(PENDING, R.PENDING_OUTCOME, "outcome not yet known")


@attrs.frozen
class CancellationRule:
    """Cancellations: early ones are not billed; late ones depend on who cancelled."""

    policy: NoShowPolicy
    rule_id: str = "cancellation"
    applies_to: ClassVar[frozenset[AppointmentState]] = frozenset({S.CANCELLED})

    def __call__(self, ctx: RuleContext) -> Finding | None:
        a = ctx.appointment
        if a.state is not S.CANCELLED:
            return None
        p = self.policy
        cancelled_at = a.cancelled_at
        late = cancelled_at is not None and (
            _seconds_between(cancelled_at, a.start) < p.late_cancellation_hours * 3600
        )
        who = a.cancelled_by
        if not a.invitation_accepted:  # no slot was held: nobody wasted it
            return Finding(
                FAIL, R.CANCELLED, f"cancelled by the {who} before the invitation was accepted"
            )
        if not late:
            return Finding(FAIL, R.CANCELLED, f"cancelled by the {who} in good time")
        if who is Actor.PROSPECT and p.late_prospect_cancellation_is_no_show:
            return _charge_or_fail(
                R.LATE_CANCELLATION,
                p.prospect_no_show_fee,
                "late cancellation by the prospect counts as a no-show",
            )
        if who is Actor.CLIENT and p.client_late_cancellation_billable:
            return Finding(
                CHARGE, R.LATE_CANCELLATION, "late cancellation by the client is billable"
            )
        return Finding(FAIL, R.LATE_CANCELLATION, f"late cancellation by the {who}")

    def trace_key(self, ctx: RuleContext) -> Hashable:
        """Who cancelled, how many seconds before the start, and whether it was accepted."""
        a = ctx.appointment
        cancelled_at = a.cancelled_at
        # The exact lead: whole seconds would put 0.4 s before and after a 0 h line together.
        lead = None if cancelled_at is None else _seconds_between(cancelled_at, a.start)
        return (a.state, a.cancelled_by, lead, a.state is S.CANCELLED and a.invitation_accepted)

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        a = ctx.appointment
        if finding is None:
            return _verdict(self.rule_id, None, "not cancelled", state=a.state)
        cancelled_at = a.cancelled_at or a.start
        hours = Decimal(int(_seconds_between(cancelled_at, a.start))) / 3600
        window = self.policy.late_cancellation_hours
        reason = (
            f"{finding.reason}: cancelled {hours:.1f} h before the start (late window {window} h)"
        )
        return _verdict(
            self.rule_id,
            finding,
            reason,
            cancelled_by=a.cancelled_by,
            hours_before_start=f"{hours:.1f}",
            late_window_hours=window,
        )


def _calendar_seconds(earlier: pendulum.DateTime, later: pendulum.DateTime, zone: Any) -> float:
    """Seconds from ``earlier`` to ``later`` on the wall clock of ``zone``.

    A calendar day counts 86,400 seconds whatever daylight saving does: a meeting moved
    from 10:00 to 10:00 thirty days later moved 30 days, even across a clock change.
    """
    a, b = earlier.astimezone(zone), later.astimezone(zone)
    days = b.toordinal() - a.toordinal()
    clock = (b.hour - a.hour) * 3600 + (b.minute - a.minute) * 60 + (b.second - a.second)
    return days * 86400 + clock + (b.microsecond - a.microsecond) / 1e6


@attrs.frozen
class RescheduleRule:
    """At most ``free_reschedules``, each landing within the window of the original start.

    Days are calendar days on the meeting's own clock (the timezone of its original
    start), so a daylight-saving change between the two starts moves no boundary.
    """

    policy: NoShowPolicy
    rule_id: str = "reschedule"

    def __call__(self, ctx: RuleContext) -> Finding | None:
        a = ctx.appointment
        count = a.reschedule_count
        if not count:
            return None
        p = self.policy
        if count > p.free_reschedules:
            return Finding(
                FAIL,
                R.RESCHEDULE_LIMIT,
                f"rescheduled {count} times; {p.free_reschedules} are free, "
                "more counts as a cancellation",
            )
        farthest = max(self._moves(ctx), key=abs)
        if abs(farthest) > p.reschedule_window_days * 86400:
            return Finding(
                FAIL,
                R.RESCHEDULE_LIMIT,
                f"moved {_days(farthest)} days from the original start, more than the "
                f"{p.reschedule_window_days} days allowed; counts as a cancellation",
            )
        return None

    @staticmethod
    def _moves(ctx: RuleContext) -> tuple[float, ...]:
        """How far (calendar seconds) each reschedule moved the start from the original."""
        a = ctx.appointment
        original = a.original_start
        zone = original.tzinfo
        return tuple(_calendar_seconds(original, start, zone) for start in a.reschedule_starts)

    def trace_key(self, ctx: RuleContext) -> Hashable:
        """The number of reschedules and how far (calendar seconds) each moved the start."""
        if not ctx.appointment.reschedule_count:
            return 0
        return self._moves(ctx)

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        a = ctx.appointment
        count, p = a.reschedule_count, self.policy
        if not count:
            return _verdict(self.rule_id, finding, "not rescheduled", reschedules=0)
        moved = _days(self._moves(ctx)[-1])
        reason = (
            finding.reason
            if finding
            else (
                f"rescheduled {count} times (free: {p.free_reschedules}), moved {moved} days "
                f"from the original start (window {p.reschedule_window_days} days)"
            )
        )
        return _verdict(self.rule_id, finding, reason, reschedules=count, moved_days=moved)


@attrs.frozen
class AttendanceRule:
    """Turns attendance facts into billing facts under the no-show policy."""

    policy: NoShowPolicy
    rule_id: str = "attendance"
    applies_to: ClassVar[frozenset[AppointmentState]] = frozenset({S.HELD, S.NO_SHOW})

    def __call__(self, ctx: RuleContext) -> Finding | None:
        a = ctx.appointment
        state = a.state
        p = self.policy
        if state is S.NO_SHOW:
            absent = a.absent or frozenset()
            if Actor.PROSPECT in absent:
                return self._prospect_no_show("the prospect did not show")
            return self._host_no_show()
        if state is not S.HELD:
            return _NO_ATTENDANCE
        attendance = a.attendance
        if attendance is None:  # replay guarantees attendance for held; typing does not
            return None
        attendees = attendance.attendees  # not prospect_attended: a property costs a call
        if Actor.PROSPECT not in attendees:
            return self._prospect_no_show("the prospect did not attend")
        # A late join counts as a no-show, so it comes before the rep's absence: the
        # same facts recorded as a no-show of both sides are a prospect no-show.
        if attendance.join_delay_minutes > p.grace_minutes:
            return _charge_or_fail(
                R.LATE_JOIN,
                p.prospect_no_show_fee,
                f"the prospect joined {attendance.join_delay_minutes} min late "
                f"(grace {p.grace_minutes} min); counts as a no-show",
            )
        if Actor.CLIENT not in attendees:
            return self._host_no_show()
        if attendance.attended_minutes < p.minimum_duration_minutes:
            return Finding(
                FAIL,
                R.SHORT_MEETING,
                f"attended {attendance.attended_minutes} min, "
                f"below the minimum {p.minimum_duration_minutes} min",
            )
        return None

    def _prospect_no_show(self, what: str) -> Finding:
        p = self.policy
        if p.replacement_days is not None:
            what += f"; the agency owes a replacement within {p.replacement_days} days"
        return _charge_or_fail(R.PROSPECT_NO_SHOW, p.prospect_no_show_fee, what)

    def _host_no_show(self) -> Finding:
        if self.policy.host_no_show_billable:
            return Finding(
                CHARGE, R.HOST_NO_SHOW, "the client's rep missed the meeting; the agency delivered"
            )
        return Finding(FAIL, R.HOST_NO_SHOW, "the client's rep missed the meeting")

    def trace_key(self, ctx: RuleContext) -> Hashable | None:
        """Who was absent (no-show), or the attendance facts (held); any late corrections."""
        a = ctx.appointment
        late = ctx.late_corrections
        if late:  # rare: each is explained on its own, with the window it missed
            return None
        if a.state is S.NO_SHOW:
            return (S.NO_SHOW, a.absent)
        attendance = a.attendance
        if attendance is None:
            return (a.state, None)
        return (
            a.state,
            a.absent,
            attendance.attendees,
            attendance.join_delay_minutes,
            attendance.attended_minutes,
        )

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        a = ctx.appointment
        if a.state not in self.applies_to:
            return _verdict(
                self.rule_id,
                finding,
                f"no meeting outcome to judge (state {a.state})",
                state=a.state,
            )
        attendance = a.attendance
        facts: dict[str, object] = {"state": a.state}
        if attendance is not None:
            facts.update(
                join_delay_minutes=attendance.join_delay_minutes,
                attended_minutes=attendance.attended_minutes,
                attendees=",".join(sorted(attendance.attendees)),
            )
        if a.absent:
            facts["absent"] = ",".join(sorted(a.absent))
        if finding is not None and finding.outcome is not SKIP:
            reason = finding.reason
        elif attendance is not None:
            reason = (
                f"held: joined {attendance.join_delay_minutes} min late "
                f"(grace {self.policy.grace_minutes}), attended {attendance.attended_minutes} min "
                f"(minimum {self.policy.minimum_duration_minutes})"
            )
        else:
            reason = f"no attendance to judge (state {a.state})"
        late = ctx.late_corrections
        if late:
            deadline = a.correction_deadline(self.policy.correction_window_days)
            notes = [f"a correction to {entry.state} recorded {entry.at}" for entry in late]
            verb = "does" if len(late) == 1 else "do"
            reason += (
                f"; {', '.join(notes)} came after the correction window closed "
                f"{deadline} and {verb} not count"
            )
            facts["late_corrections"] = "; ".join(f"{e.state} at {e.at}" for e in late)
            facts["correction_deadline"] = deadline
        return _verdict(self.rule_id, finding, reason, **facts)


@attrs.frozen
class QualificationRule:
    """The prospect meets the criteria, judged as of the meeting date (NOT_QUALIFIED)."""

    criteria: CriteriaSet
    rule_id: str = "qualification"
    # The criteria's optional shortcuts, looked up once: the fast path asks only
    # whether the prospect qualifies, traces assess every criterion with its words.
    _qualifies: Any = attrs.field(init=False, eq=False, repr=False)
    _assess: Any = attrs.field(init=False, eq=False, repr=False)
    _qualified: str = attrs.field(init=False, eq=False, repr=False)
    _unknown_passes: bool = attrs.field(init=False, eq=False, repr=False)

    @_qualifies.default
    def _find_qualifies(self) -> Any:
        return getattr(self.criteria, "qualifies", None)

    @_assess.default
    def _find_assess(self) -> Any:
        return getattr(self.criteria, "assess", None)

    @_qualified.default
    def _qualified_reason(self) -> str:
        return f"qualified: meets the {self.criteria.name} criteria"

    @_unknown_passes.default
    def _find_unknown_passes(self) -> bool:
        return bool(getattr(self.criteria, "unknown_passes", False))

    def __call__(self, ctx: RuleContext) -> Finding | None:
        qualifies = self._qualifies
        if qualifies is not None:
            if qualifies(ctx.appointment.prospect, ctx.meeting_date):
                return None
            return _NOT_QUALIFIED
        result = ctx.qualification
        if result.qualified:
            return None
        return Finding(FAIL, R.NOT_QUALIFIED, result.reason)

    def judge(self, ctx: RuleContext) -> tuple[Finding | None, Verdict]:
        """Decide and explain at once, from one assessment of the criteria (for traces)."""
        assess = self._assess
        if assess is None:
            finding = self(ctx)
            return finding, self.explain(ctx, finding)
        qualified, results = assess(ctx.appointment.prospect, ctx.meeting_date)
        facts = _CriteriaFacts(results)
        if qualified:
            return None, Verdict.trusted(self.rule_id, PASS, None, self._qualified, facts)
        reason = not_qualified_reason(results, self._unknown_passes)
        finding = Finding(FAIL, R.NOT_QUALIFIED, reason)
        return finding, Verdict.trusted(self.rule_id, FAIL, R.NOT_QUALIFIED, reason, facts)

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        result = ctx.qualification
        reason = result.reason if finding else f"qualified: {result.reason}"
        outcome = PASS if finding is None else finding.outcome
        code = None if finding is None else finding.code
        return Verdict(self.rule_id, outcome, code, reason, _CriteriaFacts(result.results))


class _CriteriaFacts(FrozenFacts):
    """Each criterion's summary ("fail: employee count 40 is below the minimum 200")."""

    __slots__ = ("_results",)

    def __init__(self, results: tuple[CriterionResult, ...]) -> None:
        self._results = results

    def __getitem__(self, key: str) -> str:
        for result in self._results:
            if result.criterion == key:
                return result.summary
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (result.criterion for result in self._results)

    def __len__(self) -> int:
        return len(self._results)


_CLOCK_SLACK = 1.5 * 86400
"""Seconds by which N calendar days can differ from N x 24 hours, with room to spare."""

_NO_ATTENDANCE = Finding(SKIP, None, "no meeting outcome to judge")
_NOT_QUALIFIED = Finding(FAIL, R.NOT_QUALIFIED, "does not meet the criteria")


@attrs.frozen
class DisputeRule:
    """A dispute upheld within the window makes the appointment not billable."""

    window_days: int
    rule_id: str = "dispute"
    applies_to: ClassVar[frozenset[AppointmentState]] = frozenset({S.HELD, S.NO_SHOW, S.CANCELLED})

    def deadline(self, ctx: RuleContext) -> pendulum.DateTime:
        """The end of the dispute window: N days after the meeting (or its outcome, if later)."""
        return ctx.appointment.windows_open_at.add(days=self.window_days)

    def __call__(self, ctx: RuleContext) -> Finding | None:
        a = ctx.appointment
        disputes = a.disputes
        if not disputes or a.state not in self.applies_to:  # no outcome: nothing to dispute
            return None
        opened: float | None = None
        for dispute in disputes:
            if dispute.resolution is not Resolution.UPHELD:
                continue
            if opened is None:  # windows_open_at as a POSIX time (adding minutes is exact)
                outcome_at = a.outcome_at
                opened = a.start.timestamp() + a.duration_minutes * 60
                if outcome_at is not None:
                    opened = max(opened, outcome_at.timestamp())
            if self._in_time(ctx, opened, dispute.raised_at):
                return Finding(FAIL, R.DISPUTE_UPHELD, f"dispute upheld: {dispute.reason}")
        return None

    def _in_time(self, ctx: RuleContext, opened: float, raised_at: pendulum.DateTime) -> bool:
        """Whether ``raised_at`` is within the window (``opened``: its start, POSIX time).

        N calendar days on the clock of the window's start lie within a day and a half
        of N x 24 hours, whatever daylight saving (or a skipped day) does, so only a
        dispute raised near the deadline needs the calendar arithmetic, which costs
        about as much as the rest of a decision.
        """
        lead = opened + self.window_days * 86400 - raised_at.timestamp()
        if abs(lead) > _CLOCK_SLACK:
            return lead > 0
        return raised_at <= self.deadline(ctx)

    def trace_key(self, ctx: RuleContext) -> Hashable | None:
        """Nothing when no dispute was raised; else None (each is explained on its own)."""
        return () if not ctx.appointment.disputes else None

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        disputes = ctx.appointment.disputes
        state = ctx.appointment.state
        if state not in self.applies_to:
            return _verdict(self.rule_id, finding, f"no meeting outcome to dispute (state {state})")
        if finding is not None:
            return _verdict(self.rule_id, finding, finding.reason, disputes=len(disputes))
        if not disputes:
            return _verdict(self.rule_id, None, "no dispute raised")
        deadline = self.deadline(ctx)
        notes = []
        for d in disputes:
            if d.raised_at > deadline:
                notes.append(f"dispute raised {d.raised_at} after the window closed {deadline}")
            else:
                notes.append(f"dispute {d.resolution or 'open'}: {d.reason}")
        return _verdict(self.rule_id, None, "; ".join(notes), deadline=deadline)


def builtin_rules(contract: Contract, terms: ContractTerms) -> tuple[object, ...]:
    """The built-in rules configured by ``terms``, in evaluation order."""
    return (
        TermRule(contract.term_start, contract.term_end),
        VoidRule(),
        OutcomeRule(),
        CancellationRule(terms.policy),
        RescheduleRule(terms.policy),
        AttendanceRule(terms.policy),
        QualificationRule(terms.criteria),
        DisputeRule(terms.dispute_window_days),
    )
