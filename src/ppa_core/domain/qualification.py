"""Qualification criteria: the agreed definition of a qualified prospect.

:class:`QualificationCriteria` combines ideal-customer-profile filters with BANT
requirements and is evaluated **as of the meeting date** into a
:class:`~ppa_core.domain.criteria_set.QualificationResult`: qualified or not, and
for every criterion its outcome (pass / fail / unknown) and a readable reason.

Other frameworks (MEDDIC, CHAMP, ANUM) plug in as further
:class:`~ppa_core.domain.criteria_set.CriteriaSet` implementations; the billing
engine only calls ``evaluate``.

The qualification modules depend one way, each only on those listed before it:

- :mod:`~ppa_core.domain.criteria_set`: the results and the criteria-set protocol;
- ``_qualification_checks``: what a check is, and the memo of its results;
- ``_icp_checks`` and ``_bant_checks``: the check tables, typed against protocols of
  what they read, so they need neither criteria class;
- :mod:`~ppa_core.domain.bant_requirements`: the BANT requirements;
- this module: :class:`QualificationCriteria`, which picks the configured checks
  of both tables and evaluates them.

>>> from ppa_core.domain.prospect import Company, Prospect
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

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v
from ppa_core.domain._bant_checks import BANT_CHECKS, bant_reads, days_to_decision
from ppa_core.domain._icp_checks import ICP_CHECKS
from ppa_core.domain._iso3166 import country_code
from ppa_core.domain._qualification_checks import MEMO_LIMIT, Check, Memo, values_of
from ppa_core.domain._specialised_qualification import Holds, specialise
from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.criteria_set import CriterionResult, Outcome, QualificationResult
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import BuyingStage, Prospect, Seniority
from ppa_core.exceptions import ValidationError

__all__ = [
    "QualificationCriteria",
]


def _optional_money(field: str) -> Any:
    return v.optional_instance_of(field, Money, "a Money")


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
    return frozenset(country_code(f"countries[{i}]", code) for i, code in enumerate(codes))


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
        title_include: job-title keywords, at least one must appear (case-insensitive,
            as whole words: "vp" is in "VP Sales", not in "MVP Lead").
        title_exclude: job-title keywords that must not appear (case-insensitive, as
            whole words: "intern" excludes "Sales Intern", not "International Sales").
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

    # Every configured check with its results remembered by the facts it reads: a
    # campaign has far fewer distinct facts per criterion than prospects.
    _checks: tuple[Memo, ...] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _values_of: Callable[[Prospect], tuple[Hashable, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _bant_summaries: dict[int, CriterionResult] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    # The same checks for the fast path: bare outcome functions, and for BANT
    # whether each element is required (none when BANT asks for nothing).
    _icp_outcomes: tuple[Callable[..., Outcome], ...] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _bant_outcomes: tuple[tuple[bool, Callable[..., Outcome]], ...] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    # The decision compiled for these criteria (constants bound, configured checks only).
    _specialised: Holds = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        bant = self.bant
        configured: list[tuple[Check[Any], Any, tuple[str, ...], bool | None]] = [
            (check, self, check.reads, None) for check in ICP_CHECKS if check.configured(self)
        ]
        if not bant.is_empty:
            configured += [
                (check, bant, bant_reads(bant, check), element in bant.required)
                for element, check in zip(BantElement, BANT_CHECKS, strict=True)
            ]
        # One read of every fact the checks need; each check's key is its part of it.
        paths: list[str] = []
        checks: list[Memo] = []
        for check, config, reads, required in configured:
            where: int | slice | None = None
            if len(reads) == 1:
                where = len(paths)
            elif reads:
                where = slice(len(paths), len(paths) + len(reads))
            paths += reads
            checks.append((check, config, where, {}, required))
        object.__setattr__(self, "_checks", tuple(checks))
        object.__setattr__(self, "_values_of", values_of(tuple(paths)))
        icp = tuple(c[0].outcome for c in checks if c[4] is None)
        object.__setattr__(self, "_icp_outcomes", icp)
        bant_outcomes = tuple((c[4], c[0].outcome) for c in checks if c[4] is not None)
        object.__setattr__(self, "_bant_outcomes", bant_outcomes)
        object.__setattr__(self, "_bant_summaries", {})
        object.__setattr__(self, "_specialised", specialise(self, tuple(BantElement)))

    def __reduce__(self) -> tuple[Any, ...]:
        # The derived checks hold lambdas, which do not pickle; rebuild from the fields
        # so criteria cross process boundaries (process pools, Dask).
        fields = attrs.fields(QualificationCriteria)
        return (QualificationCriteria, tuple(getattr(self, f.name) for f in fields if f.init))

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

        Raises:
            ValidationError: ``prospect`` is not a Prospect, or ``as_of`` is not a date.
        """
        given: object = prospect  # callers are not always typed
        if not isinstance(given, Prospect):
            raise ValidationError("prospect", given, "a Prospect")
        day: object = as_of
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValidationError(
                "as_of", day, "a date (the meeting's date in the contract's timezone)"
            )
        qualified, results = self.assess(prospect, as_of)
        return QualificationResult(qualified, "BANT", results, self.unknown_passes)

    def assess(
        self, prospect: Prospect, as_of: pendulum.Date
    ) -> tuple[bool, tuple[CriterionResult, ...]]:
        """``evaluate``'s verdict and results, without the result object (for the engine).

        Results are shared between prospects with the same facts: each criterion's
        result is computed once per distinct value of what it reads.
        """
        results: list[CriterionResult] = []
        qualified = True
        met = 0
        values = self._values_of(prospect)
        for memo in self._checks:
            _check, _config, where, known, bant_required = memo
            key = days_to_decision(prospect, as_of) if where is None else values[where]
            found = known.get(key)
            if found is None:
                found = self._learn(memo, key, prospect, as_of)
            results.append(found[0])
            if found[1]:
                if bant_required is not None:
                    met += 1
            elif bant_required is not False:  # an ICP filter or a required BANT element
                qualified = False
        bant = self.bant
        if self._bant_outcomes:  # BANT asks for something (is_empty, without the call)
            summary = self._bant_summaries.get(met)
            if summary is None:
                enough = Outcome.PASS if met >= bant.minimum_met else Outcome.FAIL
                text = f"{met} of 4 BANT elements hold ({bant.minimum_met} required)"
                summary = self._bant_summaries[met] = CriterionResult("bant_minimum", enough, text)
            results.append(summary)
            qualified = qualified and summary.outcome is Outcome.PASS
        return qualified, tuple(results)

    def qualifies(self, prospect: Prospect, as_of: pendulum.Date) -> bool:
        """Whether ``prospect`` qualifies; the same decision as ``evaluate`` without the words.

        The billing engine uses this on its fast path and ``evaluate`` for traces. It
        runs the decision specialised to these criteria when they were built (constants
        bound, only the configured checks); ``qualifies_generic`` walks the check tables
        and decides the same.
        """
        return self._specialised(prospect, as_of)

    @property
    def qualifier(self) -> Callable[[Prospect, pendulum.Date], bool]:
        """The function ``qualifies`` runs, specialised to these criteria.

        The billing engine calls it directly: the method around it costs a call per
        appointment.
        """
        return self._specialised

    def qualifies_generic(self, prospect: Prospect, as_of: pendulum.Date) -> bool:
        """``qualifies`` through the generic check tables (the reference the fast path matches)."""
        # The bare outcome functions: cheaper than building keys when no words are wanted.
        unknown_passes = self.unknown_passes
        passed = Outcome.PASS
        for outcome_of in self._icp_outcomes:
            outcome = outcome_of(self, prospect, as_of)
            if outcome is not passed and (outcome is Outcome.FAIL or not unknown_passes):
                return False
        bant = self.bant
        if not self._bant_outcomes:
            return True
        met = 0
        for required, outcome_of in self._bant_outcomes:
            outcome = outcome_of(bant, prospect, as_of)
            if outcome is passed or (outcome is Outcome.UNKNOWN and unknown_passes):
                met += 1
            elif required:
                return False
        return met >= bant.minimum_met

    def _learn(
        self, memo: Memo, key: Hashable, prospect: Prospect, as_of: pendulum.Date
    ) -> tuple[CriterionResult, bool]:
        """Evaluate one check and remember its result (and whether it holds) under ``key``."""
        check, config, _facts, known, _required = memo
        outcome = check.outcome(config, prospect, as_of)
        result = CriterionResult(
            check.name, outcome, check.reason(config, prospect, as_of, outcome)
        )
        holds = outcome is Outcome.PASS or (outcome is Outcome.UNKNOWN and self.unknown_passes)
        if len(known) >= MEMO_LIMIT:
            known.clear()
        found = known[key] = (result, holds)
        return found
