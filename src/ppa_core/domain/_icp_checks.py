"""The ideal-customer-profile checks: seniority, job title, firmographics, intent.

One :class:`~._qualification_checks.Check` per filter of
:class:`~ppa_core.domain.qualification.QualificationCriteria`, listed in
:data:`ICP_CHECKS`. The checks read the filters through :class:`_IcpFilters`, a
protocol of what they need, so this module does not import the criteria that
configure it (which import it).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Protocol

import pendulum

from ppa_core.domain._qualification_checks import FAIL, PASS, UNKNOWN, Check
from ppa_core.domain.criteria_set import Outcome
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import BuyingStage, Prospect, Seniority


class _IcpFilters(Protocol):
    """The filters the ICP checks read (as :class:`QualificationCriteria` holds them)."""

    @property
    def seniorities(self) -> frozenset[Seniority]: ...
    @property
    def minimum_seniority(self) -> Seniority | None: ...
    @property
    def title_include(self) -> tuple[str, ...]: ...
    @property
    def title_exclude(self) -> tuple[str, ...]: ...
    @property
    def min_employees(self) -> int | None: ...
    @property
    def max_employees(self) -> int | None: ...
    @property
    def min_revenue(self) -> Money | None: ...
    @property
    def max_revenue(self) -> Money | None: ...
    @property
    def countries(self) -> frozenset[str]: ...
    @property
    def regions(self) -> frozenset[str]: ...
    @property
    def industries_include(self) -> frozenset[str]: ...
    @property
    def industries_exclude(self) -> frozenset[str]: ...
    @property
    def min_intent_score(self) -> int | None: ...
    @property
    def buying_stages(self) -> frozenset[BuyingStage]: ...


# -- seniority -----------------------------------------------------------------------


def _seniority(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    s = p.seniority
    if s is None:
        return UNKNOWN
    if c.minimum_seniority is not None and s.rank < c.minimum_seniority.rank:
        return FAIL
    if c.seniorities and s not in c.seniorities:
        return FAIL
    return PASS


def _seniority_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
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


def _title(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    title = p.job_title.casefold()
    if not title.strip():
        return UNKNOWN
    if any(has_keyword(title, k) for k in c.title_exclude):
        return FAIL
    if c.title_include and not any(has_keyword(title, k) for k in c.title_include):
        return FAIL
    return PASS


def _title_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
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


def _employees(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    return _within(p.company.employee_count, c.min_employees, c.max_employees)


def _employees_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    value = p.company.employee_count
    return _within_reason("employee count", value, c.min_employees, c.max_employees, o)


def _revenue(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    return _within(p.company.annual_revenue, c.min_revenue, c.max_revenue)


def _revenue_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    value = p.company.annual_revenue
    return _within_reason("annual revenue", value, c.min_revenue, c.max_revenue, o)


def _intent(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    return _within(p.intent_score, c.min_intent_score, None)


def _intent_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    return _within_reason("intent score", p.intent_score, c.min_intent_score, None, o)


# -- memberships: country, region, industry, buying stage -------------------------------


def _member_reason(label: str, value: str | None, allowed: Any, o: Outcome) -> str:
    if value is None:
        return f"{label} is unknown"
    if o is PASS:
        return f"{label} {value} is allowed"
    return f"{label} {value} is not one of {', '.join(sorted(allowed))}"


def _country(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    country = p.company.country
    if country is None:
        return UNKNOWN
    return PASS if country in c.countries else FAIL


def _country_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    return _member_reason("country", p.company.country, c.countries, o)


def _region(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    region = p.company.region
    if region is None:
        return UNKNOWN
    return PASS if region.strip().casefold() in c.regions else FAIL


def _region_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    return _member_reason("region", p.company.region, c.regions, o)


def _industry(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    industry = p.company.industry
    if industry is None:
        return UNKNOWN
    key = industry.strip().casefold()
    if key in c.industries_exclude:
        return FAIL
    if c.industries_include and key not in c.industries_include:
        return FAIL
    return PASS


def _industry_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    industry = p.company.industry
    if industry is not None and industry.strip().casefold() in c.industries_exclude:
        return f"industry {industry} is excluded"
    if c.industries_include:
        return _member_reason("industry", industry, c.industries_include, o)
    if industry is None:
        return "industry is unknown"
    return f"industry {industry} is not excluded"


def _stage(c: _IcpFilters, p: Prospect, _d: pendulum.Date) -> Outcome:
    stage = p.buying_stage
    if stage is None:
        return UNKNOWN
    return PASS if stage in c.buying_stages else FAIL


def _stage_reason(c: _IcpFilters, p: Prospect, _d: pendulum.Date, o: Outcome) -> str:
    stage = None if p.buying_stage is None else p.buying_stage.value
    return _member_reason("buying stage", stage, {s.value for s in c.buying_stages}, o)


ICP_CHECKS: tuple[Check[_IcpFilters], ...] = (
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
