"""Qualification criteria: the agreed definition of a qualified prospect.

:class:`QualificationCriteria` combines ideal-customer-profile filters with BANT
requirements and is evaluated **as of the meeting date** into a
:class:`QualificationResult`: qualified or not, and for every criterion its
outcome (pass / fail / unknown) and a readable reason.

Other frameworks (MEDDIC, CHAMP, ANUM) plug in as further :class:`CriteriaSet`
implementations; the billing engine only calls ``evaluate``.

>>> from ppa_core.prospect import Company, Prospect
>>> criteria = QualificationCriteria(min_employees=200)
>>> small = Prospect(
...     id="p-1", name="Bo", job_title="CTO", company=Company(name="Tiny", employee_count=42)
... )
>>> result = criteria.evaluate(small, pendulum.Date(2026, 3, 2))
>>> result.qualified
False
>>> print(result.failed[0].reason)
employee count 42 is below the minimum 200
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.exceptions import ValidationError
from ppa_core.money import Money
from ppa_core.prospect import AuthorityRole, BuyingStage, Prospect, Seniority

__all__ = [
    "BantElement",
    "BantRequirements",
    "CriteriaSet",
    "CriterionResult",
    "Outcome",
    "QualificationCriteria",
    "QualificationResult",
]


class Outcome(enum.StrEnum):
    """The outcome of one criterion. Unknown evidence gives UNKNOWN, never FAIL."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"


class BantElement(enum.StrEnum):
    """The four elements of BANT."""

    BUDGET = "budget"
    AUTHORITY = "authority"
    NEED = "need"
    TIMELINE = "timeline"


@attrs.frozen
class CriterionResult:
    """One criterion's outcome and a readable reason ("employee count 42 is below ...")."""

    criterion: str
    outcome: Outcome
    reason: str


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
        blocking = [r for r in self.results if r.outcome is Outcome.FAIL]
        if not self.unknown_passes:
            blocking += [r for r in self.results if r.outcome is Outcome.UNKNOWN]
        return "; ".join(r.reason for r in blocking) or "does not meet the criteria"


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


def _optional_money(field: str) -> Any:
    return v.optional_instance_of(field, Money, "a Money")


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
        default=None, validator=_optional_money("bant.minimum_budget")
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
        return [
            self._budget(prospect),
            self._authority(prospect),
            self._need(prospect),
            self._timeline(prospect, as_of),
        ]

    def _budget(self, prospect: Prospect) -> CriterionResult:
        bant = prospect.bant
        name = BantElement.BUDGET.value
        if bant.budget_confirmed is None:
            return CriterionResult(name, Outcome.UNKNOWN, "budget is unknown")
        if not bant.budget_confirmed:
            return CriterionResult(name, Outcome.FAIL, "no budget confirmed")
        minimum = self.minimum_budget
        if minimum is None:
            return CriterionResult(name, Outcome.PASS, "budget confirmed")
        amount = bant.budget_amount
        if amount is None:
            return CriterionResult(
                name,
                Outcome.UNKNOWN,
                f"budget confirmed but its amount is unknown (minimum {minimum})",
            )
        if amount.currency != minimum.currency:
            return CriterionResult(
                name,
                Outcome.UNKNOWN,
                f"budget {amount} cannot be compared with the minimum {minimum} (other currency)",
            )
        if amount < minimum:
            return CriterionResult(
                name, Outcome.FAIL, f"budget {amount} is below the minimum {minimum}"
            )
        return CriterionResult(name, Outcome.PASS, f"budget {amount} meets the minimum {minimum}")

    def _authority(self, prospect: Prospect) -> CriterionResult:
        role = prospect.bant.authority
        name = BantElement.AUTHORITY.value
        roles = ", ".join(sorted(r.value for r in self.authority_roles))
        if role is None:
            return CriterionResult(name, Outcome.UNKNOWN, "role in the decision is unknown")
        if role in self.authority_roles:
            return CriterionResult(name, Outcome.PASS, f"role {role.value} is one of {roles}")
        return CriterionResult(name, Outcome.FAIL, f"role {role.value} is not one of {roles}")

    def _need(self, prospect: Prospect) -> CriterionResult:
        confirmed = prospect.bant.need_confirmed
        name = BantElement.NEED.value
        if confirmed is None:
            return CriterionResult(name, Outcome.UNKNOWN, "need is unknown")
        if confirmed:
            what = f": {prospect.bant.need}" if prospect.bant.need else ""
            return CriterionResult(name, Outcome.PASS, f"need confirmed{what}")
        return CriterionResult(name, Outcome.FAIL, "no need confirmed")

    def _timeline(self, prospect: Prospect, as_of: pendulum.Date) -> CriterionResult:
        decision = prospect.bant.decision_date
        name = BantElement.TIMELINE.value
        if decision is None:
            return CriterionResult(name, Outcome.UNKNOWN, "decision date is unknown")
        days = (decision - as_of).days
        if days < 0:
            return CriterionResult(
                name, Outcome.FAIL, f"decision date {decision} is before the meeting date {as_of}"
            )
        limit = self.max_days_to_decision
        if limit is not None and days > limit:
            return CriterionResult(
                name,
                Outcome.FAIL,
                f"decision in {days} days is beyond the maximum {limit} days after the meeting",
            )
        return CriterionResult(name, Outcome.PASS, f"decision expected in {days} days")


def _range(low: str, high: str) -> Callable[[Any, Any, Any], None]:
    def validate(instance: Any, _attribute: Any, _value: Any) -> None:
        lo, hi = getattr(instance, low), getattr(instance, high)
        if lo is None or hi is None:
            return
        if isinstance(lo, Money) and lo.currency != hi.currency:
            raise ValidationError(high, hi, f"in the same currency as {low} ({lo.currency})")
        if hi < lo:
            raise ValidationError(high, hi, f">= {low} ({lo})")

    return validate


def _to_seniorities(value: Any) -> frozenset[Seniority]:
    return v.enum_set(Seniority, "seniorities")(value)


def _to_minimum_seniority(value: Any) -> Seniority | None:
    return v.optional_enum(Seniority, "minimum_seniority")(value)


def _to_title_include(value: Any) -> tuple[str, ...]:
    return v.str_tuple("title_include", lower=True)(value)


def _to_title_exclude(value: Any) -> tuple[str, ...]:
    return v.str_tuple("title_exclude", lower=True)(value)


def _to_buying_stages(value: Any) -> frozenset[BuyingStage]:
    return v.enum_set(BuyingStage, "buying_stages")(value)


def _countries(value: Any) -> frozenset[str]:
    codes = v.str_tuple("countries")(value)
    for i, code in enumerate(codes):
        if len(code.strip()) != 2 or not code.strip().isalpha():
            raise ValidationError(f"countries[{i}]", code, "an ISO 3166-1 alpha-2 code")
    return frozenset(c.strip().upper() for c in codes)


def _regions(value: Any) -> frozenset[str]:
    return frozenset(v.str_tuple("regions", lower=True)(value))


def _industries_include(value: Any) -> frozenset[str]:
    return frozenset(v.str_tuple("industries_include", lower=True)(value))


def _industries_exclude(value: Any) -> frozenset[str]:
    return frozenset(v.str_tuple("industries_exclude", lower=True)(value))


@attrs.frozen
class QualificationCriteria:
    """Ideal customer profile filters plus BANT requirements (the BANT criteria set).

    Every filter left at its default (None or empty) is not checked. An unknown
    fact fails a filter that needs it unless ``unknown_passes`` is set; either
    way the result reports it as "unknown".

    Attributes:
        seniorities: allowed seniorities (empty: any).
        minimum_seniority: lowest allowed seniority.
        title_include: job-title keywords, at least one must appear (case-insensitive).
        title_exclude: job-title keywords that must not appear (case-insensitive).
        min_employees: minimum employee count (inclusive).
        max_employees: maximum employee count (inclusive).
        min_revenue: minimum annual revenue (inclusive).
        max_revenue: maximum annual revenue (inclusive).
        countries: allowed ISO 3166-1 alpha-2 countries (empty: any).
        regions: allowed regions/states, case-insensitive (empty: any).
        industries_include: allowed industries, case-insensitive (empty: any).
        industries_exclude: refused industries, case-insensitive.
        min_intent_score: minimum purchase-intent score 0-100 (inclusive).
        buying_stages: allowed buying stages (empty: any).
        bant: the BANT requirements.
        unknown_passes: treat unknown evidence as passing (default False).
    """

    seniorities: frozenset[Seniority] = attrs.field(factory=frozenset, converter=_to_seniorities)
    minimum_seniority: Seniority | None = attrs.field(default=None, converter=_to_minimum_seniority)
    title_include: tuple[str, ...] = attrs.field(default=(), converter=_to_title_include)
    title_exclude: tuple[str, ...] = attrs.field(default=(), converter=_to_title_exclude)
    min_employees: int | None = attrs.field(
        default=None, validator=v.optional_int_field("min_employees")
    )
    max_employees: int | None = attrs.field(
        default=None,
        validator=[v.optional_int_field("max_employees"), _range("min_employees", "max_employees")],
    )
    min_revenue: Money | None = attrs.field(default=None, validator=_optional_money("min_revenue"))
    max_revenue: Money | None = attrs.field(
        default=None,
        validator=[_optional_money("max_revenue"), _range("min_revenue", "max_revenue")],
    )
    countries: frozenset[str] = attrs.field(factory=frozenset, converter=_countries)
    regions: frozenset[str] = attrs.field(factory=frozenset, converter=_regions)
    industries_include: frozenset[str] = attrs.field(
        factory=frozenset,
        converter=_industries_include,
    )
    industries_exclude: frozenset[str] = attrs.field(
        factory=frozenset,
        converter=_industries_exclude,
    )
    min_intent_score: int | None = attrs.field(
        default=None, validator=v.optional_int_field("min_intent_score", maximum=100)
    )
    buying_stages: frozenset[BuyingStage] = attrs.field(
        factory=frozenset, converter=_to_buying_stages
    )
    bant: BantRequirements = attrs.field(
        factory=BantRequirements,
        validator=v.instance_of("bant", BantRequirements, "a BantRequirements"),
    )
    unknown_passes: bool = attrs.field(
        default=False, validator=v.instance_of("unknown_passes", bool, "a bool")
    )

    @property
    def name(self) -> str:
        """The framework's name: ``"BANT"``."""
        return "BANT"

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        """Evaluate ``prospect`` as of the meeting date.

        Args:
            prospect: the prospect, with the evidence known at the meeting.
            as_of: the meeting date (timelines count from it).

        Returns:
            The result with every configured criterion's outcome and reason.
        """
        results = [check(self, prospect) for check in _ICP_CHECKS]
        icp = [r for r in results if r is not None]
        bant: list[CriterionResult] = []
        if not self.bant.is_empty:
            bant = self.bant.evaluate(prospect, as_of)
        holds = self._holds
        qualified = all(holds(r) for r in icp)
        if bant:
            by_element = dict(zip(BantElement, bant, strict=True))
            qualified = qualified and all(holds(by_element[e]) for e in self.bant.required)
            met = sum(1 for r in bant if holds(r))
            needed = self.bant.minimum_met
            outcome = Outcome.PASS if met >= needed else Outcome.FAIL
            bant.append(
                CriterionResult(
                    "bant_minimum",
                    outcome,
                    f"{met} of 4 BANT elements hold ({needed} required)",
                )
            )
            qualified = qualified and outcome is Outcome.PASS
        return QualificationResult(qualified, self.name, tuple(icp + bant), self.unknown_passes)

    def _holds(self, result: CriterionResult) -> bool:
        if result.outcome is Outcome.UNKNOWN:
            return self.unknown_passes
        return result.outcome is Outcome.PASS


def _check_seniority(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    if not c.seniorities and c.minimum_seniority is None:
        return None
    s = p.seniority
    if s is None:
        return CriterionResult("seniority", Outcome.UNKNOWN, "seniority is unknown")
    if c.minimum_seniority is not None and s < c.minimum_seniority:
        return CriterionResult(
            "seniority", Outcome.FAIL, f"seniority {s} is below the minimum {c.minimum_seniority}"
        )
    if c.seniorities and s not in c.seniorities:
        allowed = ", ".join(str(x) for x in sorted(c.seniorities))
        return CriterionResult("seniority", Outcome.FAIL, f"seniority {s} is not one of {allowed}")
    return CriterionResult("seniority", Outcome.PASS, f"seniority {s} is allowed")


def _check_title(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    if not c.title_include and not c.title_exclude:
        return None
    title = p.job_title.casefold()
    if not title.strip():
        return CriterionResult("job_title", Outcome.UNKNOWN, "job title is unknown")
    excluded = [k for k in c.title_exclude if k in title]
    if excluded:
        return CriterionResult(
            "job_title", Outcome.FAIL, f"job title {p.job_title!r} contains {excluded[0]!r}"
        )
    if c.title_include:
        included = [k for k in c.title_include if k in title]
        if not included:
            words = ", ".join(repr(k) for k in c.title_include)
            return CriterionResult(
                "job_title", Outcome.FAIL, f"job title {p.job_title!r} contains none of {words}"
            )
        return CriterionResult(
            "job_title", Outcome.PASS, f"job title {p.job_title!r} contains {included[0]!r}"
        )
    return CriterionResult("job_title", Outcome.PASS, f"job title {p.job_title!r} is allowed")


def _bounded(
    name: str,
    label: str,
    value: Any,
    low: Any,
    high: Any,
) -> CriterionResult | None:
    if low is None and high is None:
        return None
    if value is None:
        return CriterionResult(name, Outcome.UNKNOWN, f"{label} is unknown")
    if isinstance(value, Money):
        other = low if low is not None else high
        if value.currency != other.currency:
            return CriterionResult(
                name, Outcome.UNKNOWN, f"{label} {value} is in another currency than {other}"
            )
    if low is not None and value < low:
        return CriterionResult(name, Outcome.FAIL, f"{label} {value} is below the minimum {low}")
    if high is not None and value > high:
        return CriterionResult(name, Outcome.FAIL, f"{label} {value} is above the maximum {high}")
    return CriterionResult(name, Outcome.PASS, f"{label} {value} is within range")


def _check_employees(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    return _bounded(
        "employee_count",
        "employee count",
        p.company.employee_count,
        c.min_employees,
        c.max_employees,
    )


def _check_revenue(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    return _bounded(
        "annual_revenue", "annual revenue", p.company.annual_revenue, c.min_revenue, c.max_revenue
    )


def _member(
    name: str, label: str, value: str | None, allowed: Iterable[str], fold: bool
) -> CriterionResult:
    if value is None:
        return CriterionResult(name, Outcome.UNKNOWN, f"{label} is unknown")
    key = value.strip().casefold() if fold else value
    options = sorted(allowed)
    if key in options:
        return CriterionResult(name, Outcome.PASS, f"{label} {value} is allowed")
    return CriterionResult(
        name, Outcome.FAIL, f"{label} {value} is not one of {', '.join(options)}"
    )


def _check_country(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    if not c.countries:
        return None
    return _member("country", "country", p.company.country, c.countries, fold=False)


def _check_region(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    if not c.regions:
        return None
    return _member("region", "region", p.company.region, c.regions, fold=True)


def _check_industry(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    if not c.industries_include and not c.industries_exclude:
        return None
    industry = p.company.industry
    if industry is None:
        return CriterionResult("industry", Outcome.UNKNOWN, "industry is unknown")
    if industry.strip().casefold() in c.industries_exclude:
        return CriterionResult("industry", Outcome.FAIL, f"industry {industry} is excluded")
    if c.industries_include:
        return _member("industry", "industry", industry, c.industries_include, fold=True)
    return CriterionResult("industry", Outcome.PASS, f"industry {industry} is not excluded")


def _check_intent(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    return _bounded("intent_score", "intent score", p.intent_score, c.min_intent_score, None)


def _check_stage(c: QualificationCriteria, p: Prospect) -> CriterionResult | None:
    if not c.buying_stages:
        return None
    stage = p.buying_stage
    return _member(
        "buying_stage",
        "buying stage",
        None if stage is None else stage.value,
        {s.value for s in c.buying_stages},
        fold=False,
    )


_ICP_CHECKS: tuple[Callable[[QualificationCriteria, Prospect], CriterionResult | None], ...] = (
    _check_seniority,
    _check_title,
    _check_employees,
    _check_revenue,
    _check_country,
    _check_region,
    _check_industry,
    _check_intent,
    _check_stage,
)
