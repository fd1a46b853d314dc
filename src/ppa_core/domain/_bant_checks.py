"""The BANT checks: budget, authority, need and timeline, one each.

:data:`BANT_CHECKS` lists them in B-A-N-T order. They read the requirements
through :class:`_BantTerms`, a protocol of what they need, so this module does
not import :class:`~ppa_core.domain.bant_requirements.BantRequirements` (which
imports it).
"""

from __future__ import annotations

from typing import Protocol

import pendulum

from ppa_core.domain._qualification_checks import FAIL, PASS, UNKNOWN, Check
from ppa_core.domain.criteria_set import Outcome
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import AuthorityRole, Prospect


class _BantTerms(Protocol):
    """The requirements the BANT checks read (as :class:`BantRequirements` holds them)."""

    @property
    def minimum_budget(self) -> Money | None: ...
    @property
    def authority_roles(self) -> frozenset[AuthorityRole]: ...
    @property
    def max_days_to_decision(self) -> int | None: ...


def _budget(b: _BantTerms, p: Prospect, _d: pendulum.Date) -> Outcome:
    bant = p.bant
    if bant.budget_confirmed is None:
        return UNKNOWN
    if not bant.budget_confirmed:
        return FAIL
    minimum = b.minimum_budget
    if minimum is None:
        return PASS
    amount = bant.budget_amount
    if amount is None or amount.currency != minimum.currency:
        return UNKNOWN
    return FAIL if amount < minimum else PASS


def _budget_reason(b: _BantTerms, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    bant = p.bant
    minimum, amount = b.minimum_budget, bant.budget_amount
    if bant.budget_confirmed is None:
        return "budget is unknown"
    if not bant.budget_confirmed:
        return "no budget confirmed"
    if minimum is None:
        return "budget confirmed"
    if amount is None:
        return f"budget confirmed but its amount is unknown (minimum {minimum})"
    if o is UNKNOWN:
        return f"budget {amount} cannot be compared with the minimum {minimum} (other currency)"
    if o is FAIL:
        return f"budget {amount} is below the minimum {minimum}"
    return f"budget {amount} meets the minimum {minimum}"


def _authority(b: _BantTerms, p: Prospect, _d: pendulum.Date) -> Outcome:
    role = p.bant.authority
    if role is None:
        return UNKNOWN
    return PASS if role in b.authority_roles else FAIL


def _authority_reason(b: _BantTerms, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    role = p.bant.authority
    roles = ", ".join(sorted(r.value for r in b.authority_roles))
    if role is None:
        return "role in the decision is unknown"
    verb = "is" if o is PASS else "is not"
    return f"role {role.value} {verb} one of {roles}"


def _need(_b: _BantTerms, p: Prospect, _d: pendulum.Date) -> Outcome:
    confirmed = p.bant.need_confirmed
    if confirmed is None:
        return UNKNOWN
    return PASS if confirmed else FAIL


def _need_reason(_b: _BantTerms, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    if o is UNKNOWN:
        return "need is unknown"
    if o is FAIL:
        return "no need confirmed"
    return f"need confirmed: {p.bant.need}" if p.bant.need else "need confirmed"


def days_to_decision(p: Prospect, as_of: pendulum.Date) -> int | None:
    decision = p.bant.decision_date
    # toordinal() keeps this in plain integers: pendulum's date arithmetic is
    # several times slower and this runs once per billed appointment.
    return None if decision is None else decision.toordinal() - as_of.toordinal()


def _timeline(b: _BantTerms, p: Prospect, as_of: pendulum.Date) -> Outcome:
    days = days_to_decision(p, as_of)
    if days is None:
        return UNKNOWN
    if days < 0:
        return FAIL
    limit = b.max_days_to_decision
    return FAIL if limit is not None and days > limit else PASS


def _timeline_reason(b: _BantTerms, p: Prospect, as_of: pendulum.Date, o: Outcome) -> str:
    days = days_to_decision(p, as_of)
    if days is None:
        return "decision date is unknown"
    if days < 0:
        return f"the decision date is {-days} days before the meeting"
    if o is FAIL:
        return (
            f"decision in {days} days is beyond the maximum "
            f"{b.max_days_to_decision} days after the meeting"
        )
    return f"decision expected in {days} days"


BANT_CHECKS: tuple[Check[_BantTerms], ...] = (
    Check(
        "budget",
        lambda b: True,
        _budget,
        _budget_reason,
        ("bant.budget_confirmed", "bant.budget_amount"),
    ),
    Check("authority", lambda b: True, _authority, _authority_reason, ("bant.authority",)),
    Check("need", lambda b: True, _need, _need_reason, ("bant.need_confirmed", "bant.need")),
    Check("timeline", lambda b: True, _timeline, _timeline_reason, ()),
)
"""The four BANT elements, in B-A-N-T order."""


def bant_reads(bant: _BantTerms, check: Check[_BantTerms]) -> tuple[str, ...]:
    """What ``check`` reads under ``bant``: a budget's amount only counts against a minimum."""
    if bant.minimum_budget is None:
        return tuple(path for path in check.reads if path != "bant.budget_amount")
    return check.reads
