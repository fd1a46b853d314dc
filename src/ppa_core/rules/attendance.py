"""The rule that turns attendance facts into billing facts under the no-show policy.

No-shows (PROSPECT_NO_SHOW, HOST_NO_SHOW), late joins (LATE_JOIN) and short
meetings (SHORT_MEETING).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import attrs

from ppa_core.domain._instants import utc as _utc
from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.rules._common import CHARGE, FAIL, PENDING, SKIP, R, S, _charge_or_fail, _verdict
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, Verdict

__all__ = ["AttendanceRule"]


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
        if attendance is None:  # held, but the video tool did not say for how long
            return self._unknown_attendance(ctx)
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

    def _unknown_attendance(self, ctx: RuleContext) -> Finding:
        """Pending until the minutes are known or the correction window closes; then the term."""
        p = self.policy
        deadline = ctx.appointment.correction_deadline(p.correction_window_days)
        if deadline is not None and _utc(ctx.as_of) <= _utc(deadline):
            return Finding(
                PENDING,
                R.ATTENDANCE_UNKNOWN,
                f"held, but its attendance is not known yet; pending until it is or the "
                f"correction window closes {deadline}",
            )
        if p.unknown_attendance_billable:
            return Finding(
                CHARGE,
                R.ATTENDANCE_UNKNOWN,
                "held, attendance never known; the contract bills it once the correction "
                "window has closed",
            )
        return Finding(
            FAIL,
            R.ATTENDANCE_UNKNOWN,
            "held, attendance never known; the contract does not bill it on a guess",
        )

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
        if a.state is S.HELD and a.attendance is None:  # pending depends on as_of
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


_NO_ATTENDANCE = Finding(SKIP, None, "no meeting outcome to judge")
