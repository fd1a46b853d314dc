"""The rule that the prospect meets the contract's criteria as of the meeting date.

A prospect who does not is NOT_QUALIFIED; the trace gives every criterion's outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pendulum

from ppa_core.domain.criteria_set import CriteriaSet, CriterionResult, not_qualified_reason
from ppa_core.domain.prospect import Prospect
from ppa_core.rules._common import FAIL, PASS, R
from ppa_core.rules.context import RuleContext
from ppa_core.rules.verdict import Finding, FrozenFacts, Verdict

__all__ = ["QualificationRule"]


@attrs.frozen
class QualificationRule:
    """The prospect meets the criteria, judged as of the meeting date (NOT_QUALIFIED)."""

    criteria: CriteriaSet
    rule_id: str = "qualification"
    # The criteria's optional shortcuts, looked up once: the fast path asks only
    # whether the prospect qualifies, traces assess every criterion with its words.
    _qualifies: Any = attrs.field(init=False, eq=False, repr=False)
    _assess: Any = attrs.field(init=False, eq=False, repr=False)
    _qualified: str = attrs.field(
        init=False,
        eq=False,  # pragma: no mutate - derived from the criteria, which eq compares already
        repr=False,
    )
    _unknown_passes: bool = attrs.field(
        init=False,
        eq=False,  # pragma: no mutate - derived from the criteria, which eq compares already
        repr=False,
    )

    @_qualifies.default
    def _find_qualifies(self) -> Any:
        # ``qualifier``: the decision function itself, which ``qualifies`` wraps.
        found = getattr(self.criteria, "qualifier", None)
        return found if callable(found) else getattr(self.criteria, "qualifies", None)

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
        prospect = ctx.appointment.prospect
        day = ctx.meeting_date
        qualifies = self._qualifies
        if qualifies is not None and qualifies(prospect, day):
            # The reason is fixed; each criterion's words wait until the facts are read.
            facts: FrozenFacts = _LazyCriteriaFacts(assess, prospect, day)
            return None, Verdict.trusted(self.rule_id, PASS, None, self._qualified, facts)
        qualified, results = assess(prospect, day)
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


class _LazyCriteriaFacts(_CriteriaFacts):
    """:class:`_CriteriaFacts` of a qualified prospect, assessed on first read.

    A traced run reads most trace lines' reasons and few of their facts: a qualified
    prospect's reason is fixed, so the words of every criterion wait until asked for.
    The assessment is a pure function of the prospect and the day, so reading later
    gives the same words.
    """

    __slots__ = ("_assess", "_day", "_prospect")

    def __init__(self, assess: Any, prospect: Prospect, day: pendulum.Date) -> None:
        self._assess = assess
        self._prospect = prospect
        self._day = day

    def __getattr__(self, name: str) -> Any:
        # Only ``_results`` is ever missing: the first read assesses and keeps it.
        if name != "_results":
            raise AttributeError(name)
        results: tuple[CriterionResult, ...] = self._assess(self._prospect, self._day)[1]
        self._results = results
        return results


_NOT_QUALIFIED = Finding(FAIL, R.NOT_QUALIFIED, "does not meet the criteria")
