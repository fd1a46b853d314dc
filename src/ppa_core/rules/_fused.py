"""The built-in rules fused into one function per version of the terms (the engine's fast path).

An untraced run needs only each rule's finding. Called one by one, the eight
built-in rules cost a call each, and each reads the appointment's facts again
through properties; :func:`fuse` binds their configuration once and writes the
common case of each inline (in the term, not void, not pending, held in full
with a qualified prospect and no dispute), calling the rule object itself for
anything else, so every finding is the rule's own. A traced run, and a rule set
whose first eight rules are not the built-ins as :func:`~ppa_core.rules.builtin.builtin_rules`
makes them, keep calling each rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ppa_core.domain.lifecycle import Actor
from ppa_core.rules._common import S
from ppa_core.rules.attendance import AttendanceRule
from ppa_core.rules.cancellation import CancellationRule, RescheduleRule
from ppa_core.rules.context import Rule
from ppa_core.rules.dispute import DisputeRule
from ppa_core.rules.lifecycle import (
    _OPEN,
    _OUTSIDE,
    _PENDING,
    _VOIDED,
    OutcomeRule,
    TermRule,
    VoidRule,
)
from ppa_core.rules.qualification import _NOT_QUALIFIED, QualificationRule

__all__: list[str] = []

BUILTIN_TYPES = (
    TermRule,
    VoidRule,
    OutcomeRule,
    CancellationRule,
    RescheduleRule,
    AttendanceRule,
    QualificationRule,
    DisputeRule,
)
"""The built-in rules' classes, in evaluation order."""

Fused = Callable[[Any], None]
"""Runs the built-in rules on a work item, adding each finding to it (``item.add``)."""


def fuse(rules: tuple[Rule, ...]) -> Fused | None:  # noqa: PLR0915 - one closure, see run
    """One function for the first eight of ``rules``, or None unless they are the built-ins.

    Exact classes only: a subclass may judge differently.
    """
    if len(rules) < len(BUILTIN_TYPES) or any(
        type(rule) is not kind for rule, kind in zip(rules, BUILTIN_TYPES, strict=False)
    ):
        return None
    term, _void, _outcome, cancellation, reschedule, attendance, qualification, dispute = rules[
        : len(BUILTIN_TYPES)
    ]
    assert isinstance(term, TermRule)  # for the type checker: checked above
    assert isinstance(attendance, AttendanceRule)
    assert isinstance(qualification, QualificationRule)
    first, end = term.start, term.end
    policy = attendance.policy
    grace, shortest = policy.grace_minutes, policy.minimum_duration_minutes
    qualifies = qualification._qualifies
    # Bound once: calling a bound method skips building an argument tuple per call.
    cancelled_rule, moved_rule = cancellation.__call__, reschedule.__call__
    attendance_rule, qualification_rule = attendance.__call__, qualification.__call__
    dispute_rule = dispute.__call__
    held, no_show, cancelled, void = S.HELD, S.NO_SHOW, S.CANCELLED, S.VOID
    disputable = DisputeRule.applies_to
    prospect, client = Actor.PROSPECT, Actor.CLIENT

    # One function on purpose: a call per rule costs more than most rules' checks.
    def run(item: Any) -> None:
        a = item.appointment
        add = item.add
        start = a.start
        if start < first or (end is not None and start >= end):
            add(_OUTSIDE)
        state = a.state
        facts = a._facts
        if state is void:
            add(_VOIDED)
        elif state in _OPEN:
            add(_PENDING)
        elif state is cancelled:
            found = cancelled_rule(item)
            if found is not None:
                add(found)
        if facts.reschedule_count:
            found = moved_rule(item)
            if found is not None:
                add(found)
        if state is held:
            seen = facts.attendance
            if not (
                seen is not None
                and prospect in seen.attendees
                and seen.join_delay_minutes <= grace
                and client in seen.attendees
                and seen.attended_minutes >= shortest
            ):
                found = attendance_rule(item)
                if found is not None:
                    add(found)
        elif state is no_show:
            found = attendance_rule(item)
            if found is not None:
                add(found)
        if qualifies is not None:
            if not qualifies(a.prospect, item.meeting_date):
                add(_NOT_QUALIFIED)
        else:
            found = qualification_rule(item)
            if found is not None:
                add(found)
        if a.disputes and state in disputable:
            found = dispute_rule(item)
            if found is not None:
                add(found)

    return run
