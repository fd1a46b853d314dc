"""The rule that a dispute upheld within the contract's window makes a meeting not billable.

An upheld dispute raised in time is DISPUTE_UPHELD; one raised after the window
closed does not count.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import attrs
import pendulum

from ppa_core.domain.dispute import DisputeResolution as Resolution
from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.rules._common import _CLOCK_SLACK, _DAY, FAIL, R, S, _verdict
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, Verdict

__all__ = ["DisputeRule"]


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
        lead = opened + self.window_days * _DAY - raised_at.timestamp()
        if abs(lead) > _CLOCK_SLACK:  # pragma: no mutate - at the slack itself both ways agree
            return lead > 0  # pragma: no mutate - here lead is beyond +-1.5 days: never 0 or 1
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
