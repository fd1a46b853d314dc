"""Custom rules without editing the library: named conditions and combinators.

Any callable with a ``rule_id`` that returns a :class:`Finding` or None is a
rule (see :class:`~ppa_core.rules.context.Rule`). For the common case, state a
requirement over named conditions:

>>> long_enough = condition(
...     "attended >= 45 min",
...     lambda ctx: (
...         ctx.appointment.attendance is not None
...         and ctx.appointment.attendance.attended_minutes >= 45
...     ),
... )
>>> is_held = condition("held", lambda ctx: ctx.appointment.state == "held")
>>> rule = Require("min_duration_45", long_enough, code="SHORT_MEETING", when=is_held)
>>> rule
Require('min_duration_45': SHORT_MEETING unless attended >= 45 min, when held)
>>> all_of(is_held, not_(long_enough))
Condition(all_of(held, not(attended >= 45 min)))

Give it to a contract (``ContractTerms(extra_rules=(rule,))``) or an engine
(``BillingEngine(contract, extra_rules=[rule])``); it runs after the built-in
rules and shows in the trace like them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from ppa_core.exceptions import RuleDefinitionError
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, RuleOutcome, Verdict

__all__ = ["Condition", "Require", "all_of", "any_of", "condition", "not_"]

_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@attrs.frozen(repr=False)
class Condition:
    """A named predicate over a :class:`RuleContext`.

    Attributes:
        name: how the condition reads in traces ("attended >= 45 min").
        predicate: the test; it must not raise for ordinary appointments.
    """

    name: str
    predicate: Callable[[RuleContext], bool] = attrs.field(eq=False)

    def __call__(self, ctx: RuleContext) -> bool:
        """Whether the condition holds for ``ctx``."""
        return bool(self.predicate(ctx))

    def __repr__(self) -> str:
        return f"Condition({self.name})"


def condition(name: str, predicate: Callable[[RuleContext], bool]) -> Condition:
    """Name a predicate so traces can say what was tested.

    Raises:
        RuleDefinitionError: an empty name or a predicate that is not callable.
    """
    given: object = name  # checked at run time: callers are not always typed
    if not isinstance(given, str) or not given.strip():
        raise RuleDefinitionError(repr(name), "a condition needs a non-empty name")
    if not callable(predicate):
        raise RuleDefinitionError(name, f"the predicate must be callable (got {predicate!r})")
    return Condition(name, predicate)


def _conditions(conditions: tuple[Any, ...], combinator: str) -> tuple[Condition, ...]:
    if not conditions:
        raise RuleDefinitionError(combinator, "needs at least one condition")
    for c in conditions:
        if not isinstance(c, Condition):
            raise RuleDefinitionError(combinator, f"takes Conditions (got {c!r})")
    return conditions


def all_of(*conditions: Condition) -> Condition:
    """Holds when every condition holds (evaluated in order, stopping at the first false)."""
    parts = _conditions(conditions, "all_of")
    name = f"all_of({', '.join(c.name for c in parts)})"
    return Condition(name, lambda ctx: all(c(ctx) for c in parts))


def any_of(*conditions: Condition) -> Condition:
    """Holds when at least one condition holds."""
    parts = _conditions(conditions, "any_of")
    name = f"any_of({', '.join(c.name for c in parts)})"
    return Condition(name, lambda ctx: any(c(ctx) for c in parts))


def not_(inner: Condition) -> Condition:
    """Holds when ``inner`` does not."""
    (part,) = _conditions((inner,), "not_")
    return Condition(f"not({part.name})", lambda ctx: not part(ctx))


@attrs.frozen(repr=False)
class Require:
    """A custom rule: the appointment is not billable (``code``) unless ``condition`` holds.

    Attributes:
        rule_id: a stable identifier, unique in the rule set.
        condition: what must hold.
        code: the reason code when it does not (upper case, e.g. "SHORT_MEETING").
        reason: the readable reason; defaults to "<condition> does not hold".
        when: the rule applies only when this holds (otherwise it is skipped).
    """

    rule_id: str
    condition: Condition
    code: str
    reason: str = ""
    when: Condition | None = None

    def __attrs_post_init__(self) -> None:
        rule_id: object = self.rule_id  # checked at run time: callers are not always typed
        code: object = self.code
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise RuleDefinitionError(repr(self.rule_id), "rule_id must be a non-empty string")
        if not isinstance(self.condition, Condition):
            raise RuleDefinitionError(self.rule_id, "condition must be a Condition")
        if not isinstance(code, str) or not _CODE.match(code):
            raise RuleDefinitionError(
                self.rule_id,
                f"code must be an upper-case identifier like 'SHORT_MEETING' (got {self.code!r})",
            )
        if self.when is not None and not isinstance(self.when, Condition):
            raise RuleDefinitionError(self.rule_id, "when must be a Condition or None")

    def __call__(self, ctx: RuleContext) -> Finding | None:
        """None when the requirement holds, a skip when it does not apply, else a failure."""
        if self.when is not None and not self.when(ctx):
            return _SKIP
        if self.condition(ctx):
            return None
        return Finding(
            RuleOutcome.FAIL, self.code, self.reason or f"{self.condition.name} does not hold"
        )

    def explain(self, ctx: RuleContext, finding: Finding | None) -> Verdict:
        """The trace line: what was required and whether it held."""
        if finding is None:
            reason = f"{self.condition.name} holds"
            return Verdict(self.rule_id, RuleOutcome.PASS, None, reason)
        if finding.outcome is RuleOutcome.SKIP:
            name = self.when.name if self.when is not None else "its condition"
            return Verdict(self.rule_id, RuleOutcome.SKIP, None, f"does not apply: not {name}")
        return Verdict(self.rule_id, finding.outcome, finding.code, finding.reason)

    def __repr__(self) -> str:
        when = f", when {self.when.name}" if self.when is not None else ""
        return f"Require({self.rule_id!r}: {self.code} unless {self.condition.name}{when})"


_SKIP = Finding(RuleOutcome.SKIP, None, "does not apply")
