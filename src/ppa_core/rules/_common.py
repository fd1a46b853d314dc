"""Helpers shared by the built-in rules' modules (:mod:`ppa_core.rules.builtin`).

Short names for the states, reason codes and outcomes the rules read on every
decision, the verdict a rule explains itself with, and the slack of calendar-day
arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.rules.verdict import Finding, ReasonCode, RuleOutcome, Verdict

S = AppointmentState
R = ReasonCode
FAIL, PENDING, CHARGE, SKIP, PASS = (
    RuleOutcome.FAIL,
    RuleOutcome.PENDING,
    RuleOutcome.CHARGE,
    RuleOutcome.SKIP,
    RuleOutcome.PASS,
)

_DAY = 86400  # pragma: no mutate - estimates only: the slack absorbs 1 s a day
"""Seconds in a day of 24 hours: N days estimated as N x _DAY, and checked on the calendar
when within :data:`_CLOCK_SLACK` of the boundary."""

_CLOCK_SLACK = 1.5 * _DAY
"""Seconds by which N calendar days can differ from N x 24 hours, with room to spare."""


def _verdict(rule_id: str, finding: Finding | None, reason: str, **facts: object) -> Verdict:
    outcome = PASS if finding is None else finding.outcome
    code = None if finding is None else finding.code
    shown = MappingProxyType({k: v if type(v) is str else str(v) for k, v in facts.items()})
    return Verdict.trusted(rule_id, outcome, code, reason, shown)


def _charge_or_fail(code: str, fee: Decimal, reason: str) -> Finding:
    """A no-show-like event: billed at ``fee`` of the price when the fee is positive."""
    if fee > 0:
        return Finding(CHARGE, code, f"{reason}; billed at {fee:%} of the price", fee)
    return Finding(FAIL, code, reason)
