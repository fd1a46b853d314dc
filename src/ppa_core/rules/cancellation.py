"""The rules on a booked slot given up or moved.

Cancellations are billed by how late and by whom (CANCELLED, LATE_CANCELLATION);
a reschedule beyond the free ones, or landing too far from the original start,
counts as a cancellation (RESCHEDULE_LIMIT).
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pendulum

from ppa_core.domain.lifecycle import Actor, AppointmentState
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.rules._common import CHARGE, FAIL, R, S, _charge_or_fail, _verdict
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, Verdict

__all__ = ["CancellationRule", "RescheduleRule"]


def _seconds_between(earlier: pendulum.DateTime, later: pendulum.DateTime) -> float:
    """Seconds from ``earlier`` to ``later``, as instants.

    POSIX timestamps are exact across DST folds and cost a fraction of pendulum's
    subtraction, which builds a calendar-aware Interval.
    """
    return later.timestamp() - earlier.timestamp()


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
        who, assumed = a.cancelled_by, ""
        if who is Actor.UNKNOWN:  # the tool did not say: the contract's term decides
            who = p.unknown_canceller
            assumed = f" (assumed: the tool did not say who cancelled; treated as the {who}'s)"
        if not a.invitation_accepted:  # no slot was held: nobody wasted it
            return Finding(
                FAIL,
                R.CANCELLED,
                f"cancelled by the {who} before the invitation was accepted{assumed}",
            )
        if not late:
            return Finding(FAIL, R.CANCELLED, f"cancelled by the {who} in good time{assumed}")
        if who is Actor.PROSPECT and p.late_prospect_cancellation_is_no_show:
            return _charge_or_fail(
                R.LATE_CANCELLATION,
                p.prospect_no_show_fee,
                f"late cancellation by the prospect counts as a no-show{assumed}",
            )
        if who is Actor.CLIENT and p.client_late_cancellation_billable:
            return Finding(
                CHARGE,
                R.LATE_CANCELLATION,
                f"late cancellation by the client is billable{assumed}",
            )
        return Finding(FAIL, R.LATE_CANCELLATION, f"late cancellation by the {who}{assumed}")

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
            **(
                {"assumed_canceller": self.policy.unknown_canceller}
                if a.cancelled_by is Actor.UNKNOWN
                else {}
            ),
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


def _days(seconds: float) -> str:
    """Seconds as days with one decimal ("3.5"); signed, so a move earlier reads "-2.0"."""
    return f"{Decimal(int(seconds)) / 86400:.1f}"


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
            return 0  # pragma: no mutate - any constant keys "no reschedule" alike
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
