"""Criteria sets: what a qualification framework is, and the result it returns.

A criteria set (BANT, and later MEDDIC, CHAMP, ANUM) evaluates a prospect as of
the meeting date into a :class:`QualificationResult`: qualified or not, and for
every criterion its :class:`Outcome` and a readable reason. The billing engine
knows criteria sets only through :class:`CriteriaSet`, so a new framework needs
nothing from the engine and nothing from :mod:`ppa_core.domain.qualification`.

This module is the bottom of the qualification modules: it imports none of them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import attrs
import pendulum

from ppa_core.domain.prospect import Prospect

__all__ = [
    "CriteriaSet",
    "CriterionResult",
    "Outcome",
    "QualificationResult",
]


class Outcome(enum.StrEnum):
    """The outcome of one criterion. Unknown evidence gives UNKNOWN, never FAIL."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"


@attrs.frozen
class CriterionResult:
    """One criterion's outcome and a readable reason ("employee count 42 is below ...").

    ``summary`` is the two together ("fail: employee count 42 is below ..."), as
    traces show them.
    """

    criterion: str
    outcome: Outcome
    reason: str
    summary: str = attrs.field(init=False, eq=False, repr=False)

    @summary.default
    def _summary(self) -> str:
        return f"{self.outcome.value}: {self.reason}"


@attrs.frozen
class QualificationResult:
    """The result of evaluating criteria: never a bare bool.

    Attributes:
        qualified: whether the prospect meets the criteria.
        framework: the criteria set's name ("BANT").
        results: every criterion evaluated, in a fixed order.
        unknown_passes: whether unknown outcomes counted as passes.
    """

    qualified: bool
    framework: str
    results: tuple[CriterionResult, ...]
    unknown_passes: bool = False

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        """The criteria that failed."""
        return tuple(r for r in self.results if r.outcome is Outcome.FAIL)

    @property
    def unknown(self) -> tuple[CriterionResult, ...]:
        """The criteria that could not be decided for lack of evidence."""
        return tuple(r for r in self.results if r.outcome is Outcome.UNKNOWN)

    @property
    def reason(self) -> str:
        """One sentence summing up why the prospect is (not) qualified."""
        if self.qualified:
            return f"meets the {self.framework} criteria"
        return not_qualified_reason(self.results, self.unknown_passes)


def not_qualified_reason(results: Iterable[CriterionResult], unknown_passes: bool) -> str:
    """Why a prospect is not qualified: the failed criteria's reasons, then the unknown ones.

    Unknown ones are left out when ``unknown_passes``.
    """
    failed: list[str] = []
    unknown: list[str] = []
    for result in results:
        if result.outcome is Outcome.FAIL:
            failed.append(result.reason)
        elif result.outcome is Outcome.UNKNOWN and not unknown_passes:
            unknown.append(result.reason)
    return "; ".join(failed + unknown) or "does not meet the criteria"


@runtime_checkable
class CriteriaSet(Protocol):
    """What the billing engine needs from a qualification framework (BANT, MEDDIC ...)."""

    @property
    def name(self) -> str:
        """The framework's name, shown in traces."""
        ...

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        """Evaluate ``prospect`` as of the meeting date ``as_of``."""
        ...
