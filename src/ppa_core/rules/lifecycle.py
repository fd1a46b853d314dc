"""The rules that ask whether there is a meeting to bill at all.

The meeting starts within the contract term (OUTSIDE_TERM), the appointment was
not entered in error (VOID), and its outcome is known (PENDING_OUTCOME).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import attrs
import pendulum

from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.rules._common import FAIL, PENDING, R, S, _verdict
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, Verdict

__all__ = ["OutcomeRule", "TermRule", "VoidRule"]

_OPEN = frozenset({S.PROPOSED, S.SCHEDULED, S.CONFIRMED})


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
        # isoformat() is what str() of a date gives, without pendulum's Python layers.
        end = "open-ended" if term.end is None else term.end.isoformat()
        span = f"{term.start.isoformat()} to {end}"
        day = ctx.meeting_date.isoformat()
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
        """The state and the moment of the decision as its line shows it.

        As shown, not as an instant: the same instant in another zone reads differently.
        """
        return (ctx.appointment.state, str(ctx.as_of))

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        state = ctx.appointment.state
        if finding:
            reason = f"no outcome recorded as of {ctx.as_of} (state {state})"
            return _verdict(self.rule_id, finding, reason, state=state, as_of=ctx.as_of)
        return _verdict(self.rule_id, finding, f"outcome recorded: {state}", state=state)


_PENDING = Finding(PENDING, R.PENDING_OUTCOME, "outcome not yet known")
