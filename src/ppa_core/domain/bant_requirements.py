"""BANT requirements: which of budget, authority, need and timeline must hold.

:class:`BantRequirements` is the BANT part of
:class:`~ppa_core.domain.qualification.QualificationCriteria`: which of the four
elements (:class:`BantElement`) are each required, how many of them must hold
("3 of 4"), and the terms of each element (a minimum budget, the roles that
count as authority, the maximum days to a decision). It evaluates the BANT
checks of ``_bant_checks``, which read it through a protocol and so do not
import this module.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain._bant_checks import BANT_CHECKS
from ppa_core.domain.criteria_set import CriterionResult
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import AuthorityRole, Prospect

__all__ = [
    "BantElement",
    "BantRequirements",
]


class BantElement(enum.StrEnum):
    """The four elements of BANT."""

    BUDGET = "budget"
    AUTHORITY = "authority"
    NEED = "need"
    TIMELINE = "timeline"


def _bant_minimum(_instance: Any, _attribute: Any, value: Any) -> None:
    v.check_int("bant.minimum_met", value, minimum=0, maximum=4)


def _to_bant_required(value: Any) -> frozenset[BantElement]:
    return v.enum_set(BantElement, "bant.required")(value)


def _to_bant_authority_roles(value: Any) -> frozenset[AuthorityRole]:
    return v.enum_set(AuthorityRole, "bant.authority_roles")(value)


@attrs.frozen
class BantRequirements:
    """Which BANT elements must hold, and how many of the four.

    Attributes:
        required: elements that must each hold (default: none).
        minimum_met: how many of the four must hold, 0-4 ("3 of 4"); default 0.
        minimum_budget: a budget below this fails Budget; None means any confirmed budget.
        authority_roles: roles that satisfy Authority (default: decision maker).
        max_days_to_decision: Timeline holds when the decision is at most this many days
            after the meeting date; None means any decision date on or after the meeting.
    """

    required: frozenset[BantElement] = attrs.field(factory=frozenset, converter=_to_bant_required)
    minimum_met: int = attrs.field(default=0, validator=_bant_minimum)
    minimum_budget: Money | None = attrs.field(
        default=None, validator=v.optional_instance_of("bant.minimum_budget", Money, "a Money")
    )
    authority_roles: frozenset[AuthorityRole] = attrs.field(
        default=frozenset({AuthorityRole.DECISION_MAKER}),
        converter=_to_bant_authority_roles,
    )
    max_days_to_decision: int | None = attrs.field(
        default=None, validator=v.optional_int_field("bant.max_days_to_decision")
    )

    @property
    def is_empty(self) -> bool:
        """True when BANT asks for nothing (no element required, minimum 0)."""
        return not self.required and self.minimum_met == 0

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> list[CriterionResult]:
        """The four element results, in B-A-N-T order."""
        results = []
        for check in BANT_CHECKS:
            outcome = check.outcome(self, prospect, as_of)
            results.append(
                CriterionResult(check.name, outcome, check.reason(self, prospect, as_of, outcome))
            )
        return results
