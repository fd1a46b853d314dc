"""The individual qualification checks (private to :mod:`ppa_core.domain.qualification`).

Each check is split in two: ``outcome`` decides pass / fail / unknown from the
facts, ``reason`` words that outcome for a person. The billing engine's fast
path calls only ``outcome``; a full evaluation calls both. One decision
function per check means the fast path and the explained result cannot
disagree.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import pendulum

from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Prospect

if TYPE_CHECKING:  # only for annotations; a runtime import would be circular
    from ppa_core.domain.qualification import BantRequirements, QualificationCriteria


class Outcome(enum.StrEnum):
    """The outcome of one criterion. Unknown evidence gives UNKNOWN, never FAIL."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"


class Check(NamedTuple):
    """One criterion: its name, whether criteria configure it, its outcome and reason.

    ``reads`` names every prospect attribute (dotted) the outcome and the reason
    read: they are all a check depends on, so equal facts give an equal result
    and results are shared. An empty ``reads`` means the check reads the days
    from the meeting to the decision date, and nothing else (the timeline).
    """

    name: str
    configured: Callable[[Any], bool]
    outcome: Callable[[Any, Prospect, pendulum.Date], Outcome]
    reason: Callable[[Any, Prospect, pendulum.Date, Outcome], str]
    reads: tuple[str, ...]


PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN


# -- seniority -----------------------------------------------------------------------


def _seniority(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    s = p.seniority
    if s is None:
        return UNKNOWN
    if c.minimum_seniority is not None and s.rank < c.minimum_seniority.rank:
        return FAIL
    if c.seniorities and s not in c.seniorities:
        return FAIL
    return PASS


def _seniority_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    s = p.seniority
    if o is UNKNOWN:
        return "seniority is unknown"
    if o is PASS:
        return f"seniority {s} is allowed"
    if c.minimum_seniority is not None and s is not None and s < c.minimum_seniority:
        return f"seniority {s} is below the minimum {c.minimum_seniority}"
    allowed = ", ".join(str(x) for x in sorted(c.seniorities))
    return f"seniority {s} is not one of {allowed}"


# -- job title -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _as_words(keyword: str) -> re.Pattern[str]:
    # Whole words: "intern" is not in "International Sales", "cto" not in "Director".
    return re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)")


def has_keyword(title: str, keyword: str) -> bool:
    """Whether ``keyword`` (case-folded) appears as whole words in the case-folded ``title``."""
    return _as_words(keyword).search(title) is not None


def _title(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    title = p.job_title.casefold()
    if not title.strip():
        return UNKNOWN
    if any(has_keyword(title, k) for k in c.title_exclude):
        return FAIL
    if c.title_include and not any(has_keyword(title, k) for k in c.title_include):
        return FAIL
    return PASS


def _title_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    title = p.job_title.casefold()
    if o is UNKNOWN:
        return "job title is unknown"
    excluded = [k for k in c.title_exclude if has_keyword(title, k)]
    if excluded:
        return f"job title {p.job_title!r} contains {excluded[0]!r}"
    included = [k for k in c.title_include if has_keyword(title, k)]
    if o is FAIL:
        words = ", ".join(repr(k) for k in c.title_include)
        return f"job title {p.job_title!r} contains none of {words}"
    if included:
        return f"job title {p.job_title!r} contains {included[0]!r}"
    return f"job title {p.job_title!r} is allowed"


# -- ranges: employees, revenue, intent ------------------------------------------------


def _within(value: Any, low: Any, high: Any) -> Outcome:
    if value is None:
        return UNKNOWN
    if isinstance(value, Money):
        bound = low if low is not None else high
        if value.currency != bound.currency:
            return UNKNOWN
    if low is not None and value < low:
        return FAIL
    if high is not None and value > high:
        return FAIL
    return PASS


def _within_reason(label: str, value: Any, low: Any, high: Any, o: Outcome) -> str:
    if value is None:
        return f"{label} is unknown"
    if o is UNKNOWN:
        bound = low if low is not None else high
        return f"{label} {value} is in another currency than {bound}"
    if low is not None and value < low:
        return f"{label} {value} is below the minimum {low}"
    if high is not None and value > high:
        return f"{label} {value} is above the maximum {high}"
    return f"{label} {value} is within range"


def _employees(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    return _within(p.company.employee_count, c.min_employees, c.max_employees)


def _employees_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    value = p.company.employee_count
    return _within_reason("employee count", value, c.min_employees, c.max_employees, o)


def _revenue(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    return _within(p.company.annual_revenue, c.min_revenue, c.max_revenue)


def _revenue_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    value = p.company.annual_revenue
    return _within_reason("annual revenue", value, c.min_revenue, c.max_revenue, o)


def _intent(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    return _within(p.intent_score, c.min_intent_score, None)


def _intent_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    return _within_reason("intent score", p.intent_score, c.min_intent_score, None, o)


# -- memberships: country, region, industry, buying stage -------------------------------


def _member_reason(label: str, value: str | None, allowed: Any, o: Outcome) -> str:
    if value is None:
        return f"{label} is unknown"
    if o is PASS:
        return f"{label} {value} is allowed"
    return f"{label} {value} is not one of {', '.join(sorted(allowed))}"


def _country(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    country = p.company.country
    if country is None:
        return UNKNOWN
    return PASS if country in c.countries else FAIL


def _country_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    return _member_reason("country", p.company.country, c.countries, o)


def _region(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    region = p.company.region
    if region is None:
        return UNKNOWN
    return PASS if region.strip().casefold() in c.regions else FAIL


def _region_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    return _member_reason("region", p.company.region, c.regions, o)


def _industry(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    industry = p.company.industry
    if industry is None:
        return UNKNOWN
    key = industry.strip().casefold()
    if key in c.industries_exclude:
        return FAIL
    if c.industries_include and key not in c.industries_include:
        return FAIL
    return PASS


def _industry_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    industry = p.company.industry
    if industry is not None and industry.strip().casefold() in c.industries_exclude:
        return f"industry {industry} is excluded"
    if c.industries_include:
        return _member_reason("industry", industry, c.industries_include, o)
    if industry is None:
        return "industry is unknown"
    return f"industry {industry} is not excluded"


def _stage(c: QualificationCriteria, p: Prospect, _d: pendulum.Date) -> Outcome:
    stage = p.buying_stage
    if stage is None:
        return UNKNOWN
    return PASS if stage in c.buying_stages else FAIL


def _stage_reason(c: QualificationCriteria, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    stage = None if p.buying_stage is None else p.buying_stage.value
    return _member_reason("buying stage", stage, {s.value for s in c.buying_stages}, o)


ICP_CHECKS: tuple[Check, ...] = (
    Check(
        "seniority",
        lambda c: bool(c.seniorities) or c.minimum_seniority is not None,
        _seniority,
        _seniority_reason,
        ("seniority",),
    ),
    Check(
        "job_title",
        lambda c: bool(c.title_include or c.title_exclude),
        _title,
        _title_reason,
        ("job_title",),
    ),
    Check(
        "employee_count",
        lambda c: c.min_employees is not None or c.max_employees is not None,
        _employees,
        _employees_reason,
        ("company.employee_count",),
    ),
    Check(
        "annual_revenue",
        lambda c: c.min_revenue is not None or c.max_revenue is not None,
        _revenue,
        _revenue_reason,
        ("company.annual_revenue",),
    ),
    Check("country", lambda c: bool(c.countries), _country, _country_reason, ("company.country",)),
    Check("region", lambda c: bool(c.regions), _region, _region_reason, ("company.region",)),
    Check(
        "industry",
        lambda c: bool(c.industries_include or c.industries_exclude),
        _industry,
        _industry_reason,
        ("company.industry",),
    ),
    Check(
        "intent_score",
        lambda c: c.min_intent_score is not None,
        _intent,
        _intent_reason,
        ("intent_score",),
    ),
    Check(
        "buying_stage", lambda c: bool(c.buying_stages), _stage, _stage_reason, ("buying_stage",)
    ),
)
"""The ideal-customer-profile checks, in the order results list them."""


# -- BANT ---------------------------------------------------------------------------


def _budget(b: BantRequirements, p: Prospect, _d: pendulum.Date) -> Outcome:
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


def _budget_reason(b: BantRequirements, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
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


def _authority(b: BantRequirements, p: Prospect, _d: pendulum.Date) -> Outcome:
    role = p.bant.authority
    if role is None:
        return UNKNOWN
    return PASS if role in b.authority_roles else FAIL


def _authority_reason(b: BantRequirements, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    role = p.bant.authority
    roles = ", ".join(sorted(r.value for r in b.authority_roles))
    if role is None:
        return "role in the decision is unknown"
    verb = "is" if o is PASS else "is not"
    return f"role {role.value} {verb} one of {roles}"


def _need(_b: BantRequirements, p: Prospect, _d: pendulum.Date) -> Outcome:
    confirmed = p.bant.need_confirmed
    if confirmed is None:
        return UNKNOWN
    return PASS if confirmed else FAIL


def _need_reason(_b: BantRequirements, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
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


def _timeline(b: BantRequirements, p: Prospect, as_of: pendulum.Date) -> Outcome:
    days = days_to_decision(p, as_of)
    if days is None:
        return UNKNOWN
    if days < 0:
        return FAIL
    limit = b.max_days_to_decision
    return FAIL if limit is not None and days > limit else PASS


def _timeline_reason(b: BantRequirements, p: Prospect, as_of: pendulum.Date, o: Outcome) -> str:
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


BANT_CHECKS: tuple[Check, ...] = (
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
