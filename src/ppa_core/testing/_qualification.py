"""Strategies for satisfiable qualification criteria and the prospects that meet them."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from decimal import Decimal
from typing import Any

import pendulum
from hypothesis import strategies as st

from ppa_core import _validation as v
from ppa_core.domain._icp_checks import has_keyword
from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.prospect import (
    AuthorityRole,
    BantEvidence,
    BuyingStage,
    Company,
    Prospect,
    Seniority,
)
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.exceptions import ValidationError
from ppa_core.testing._prospects import (
    _ALL_TITLES,
    _COMPANY_NAMES,
    _COUNTRIES,
    _EXCLUDED_INDUSTRIES,
    _EXCLUDED_KEYWORDS,
    _INDUSTRIES,
    _NEEDS,
    _REGIONS,
    _TITLE_KEYWORDS,
    _TITLE_PATTERNS,
    _bant,
    _people,
    _revenue,
)
from ppa_core.testing._values import (
    Choose,
    T,
    _currency_option,
    _Drawing,
    _flags,
    _maybe,
    _maybe_amount,
    _maybe_int,
    _money_in,
    _pick,
    _subsets,
    _unit_bounds,
    currencies,
    money,
)

# Sets are one choice each, from every subset built once (_subsets): a strategy of sets
# draws once per element and again to stop, and criteria hold a dozen of them.
_INCLUDED = _subsets(_TITLE_KEYWORDS, min_size=1, max_size=2)
_EXCLUDED = _subsets(_EXCLUDED_KEYWORDS, min_size=1, max_size=2)
_STAGES = _subsets(tuple(BuyingStage), min_size=1)
_ELEMENTS = _subsets(tuple(BantElement))
_ROLES = _subsets(tuple(AuthorityRole), min_size=1)
# Every (minimum seniority, allowed seniorities) pair where the allowed ones respect the
# minimum, in one choice: no minimum and any seniority first, then by minimum and size.
_SENIORITY_RULES = tuple(
    (minimum, frozenset(allowed))
    for minimum in (None, *Seniority)
    for k in range(len(Seniority) + 1)
    for allowed in itertools.combinations(
        [s for s in Seniority if minimum is None or s >= minimum], k
    )
)


def _criteria_of(choose: Choose, cur: Currency) -> QualificationCriteria:
    """Satisfiable criteria from ``choose``'s choices (see :func:`qualification_criteria`)."""
    on = _flags(choose, 13)  # bit i switches on filter i below
    given: dict[str, Any] = {}
    if on & 1:
        given["minimum_seniority"], given["seniorities"] = _pick(choose, _SENIORITY_RULES)
    if on & 2:
        given["title_include"] = tuple(sorted(_pick(choose, _INCLUDED)))
    if on & 4:
        given["title_exclude"] = tuple(sorted(_pick(choose, _EXCLUDED)))
    if on & 8:
        low, span = _maybe_int(choose, 0, 5_000), _maybe_int(choose, 0, 100_000)
        given.update(min_employees=low, max_employees=None if span is None else (low or 0) + span)
    if on & 16:
        low_revenue = _maybe_amount(choose, cur, 0, 10**8)
        revenue_span = _maybe_amount(choose, cur, 0, 10**9)
        base = low_revenue or Money.zero(cur)
        given["min_revenue"] = low_revenue
        given["max_revenue"] = None if revenue_span is None else base + revenue_span
    for bit, name, subsets in _FILTER_SETS:
        if on & bit:
            given[name] = _pick(choose, subsets)
    if on & 1024:
        given["min_intent_score"] = choose(0, 100)
    if on & 2048:
        given["bant"] = BantRequirements(
            required=_pick(choose, _ELEMENTS),
            minimum_met=choose(0, 4),
            minimum_budget=_maybe_amount(choose, cur, 0, 10**6),
            authority_roles=_pick(choose, _ROLES),
            max_days_to_decision=_maybe_int(choose, 0, 365),
        )
    return QualificationCriteria(unknown_passes=bool(on & 4096), **given)


_FILTER_SETS: tuple[tuple[int, str, tuple[frozenset[Any], ...]], ...] = (
    (32, "countries", _subsets(_COUNTRIES, min_size=1, max_size=3)),
    (64, "regions", _subsets(_REGIONS, min_size=1, max_size=2)),
    (128, "industries_include", _subsets(_INDUSTRIES, min_size=1, max_size=3)),
    (256, "industries_exclude", _subsets(_EXCLUDED_INDUSTRIES, min_size=1, max_size=2)),
    (512, "buying_stages", _STAGES),
)


@functools.cache
@st.composite
def _criteria(draw: st.DrawFn, cur_option: Currency | None) -> QualificationCriteria:
    return _criteria_of(_Drawing(draw), cur_option or draw(currencies()))


def qualification_criteria(
    *, currency: Currency | str | None = None
) -> st.SearchStrategy[QualificationCriteria]:
    """Satisfiable BANT criteria: every filter may be on, and some prospect always qualifies.

    Included and excluded keywords and industries come from disjoint lists, allowed
    seniorities respect the minimum, ranges are ordered. Pair with
    :func:`qualified_prospects`. Shrinks towards ``QualificationCriteria()`` (no filter).

    Args:
        currency: the currency of revenue and budget bounds (default: drawn).

    Returns:
        A strategy of :class:`~ppa_core.domain.qualification.QualificationCriteria`.

    Raises:
        ValidationError: an unknown currency.
    """
    return _criteria(None if currency is None else _currency_option("currency", currency))


def _unsatisfiable(criteria: QualificationCriteria, why: str) -> ValidationError:
    return ValidationError("criteria", criteria, f"criteria some prospect can meet ({why})")


def _or_unknown(
    strategy: st.SearchStrategy[T], criteria: QualificationCriteria
) -> st.SearchStrategy[T | None]:
    return _maybe(strategy) if criteria.unknown_passes else strategy


def _passing_titles(c: QualificationCriteria) -> list[str]:
    if c.title_include:
        candidates = [p.format(k.capitalize()) for k in c.title_include for p in _TITLE_PATTERNS]
        candidates += list(c.title_include)
    else:
        candidates = [*_ALL_TITLES, *(f"Title {n}" for n in range(len(c.title_exclude) + 1))]
    return [
        t
        for t in dict.fromkeys(candidates)
        if not any(has_keyword(t.casefold(), k) for k in c.title_exclude)
        and (not c.title_include or any(has_keyword(t.casefold(), k) for k in c.title_include))
    ]


def _passing_industries(c: QualificationCriteria) -> list[str]:
    if c.industries_include:
        return sorted(c.industries_include - c.industries_exclude)
    pool = [*_INDUSTRIES, *(f"industry {n}" for n in range(len(c.industries_exclude) + 1))]
    return [i for i in pool if i.casefold() not in c.industries_exclude]


def _icp_parts(c: QualificationCriteria) -> dict[str, st.SearchStrategy[Any]]:
    """A strategy per ICP fact that passes the configured check (or is unknown when allowed)."""
    parts: dict[str, st.SearchStrategy[Any]] = {}
    levels = [
        s
        for s in Seniority
        if (c.minimum_seniority is None or s >= c.minimum_seniority)
        and (not c.seniorities or s in c.seniorities)
    ]
    if not levels:
        raise _unsatisfiable(c, "no seniority is both allowed and above the minimum")
    configured = bool(c.seniorities) or c.minimum_seniority is not None
    parts["seniority"] = (
        _or_unknown(st.sampled_from(levels), c)
        if configured
        else _maybe(st.sampled_from(Seniority))
    )
    if c.title_include or c.title_exclude:
        titles = _passing_titles(c)
        if not titles:
            raise _unsatisfiable(c, "every job title with an included keyword is excluded")
        blank = [""] if c.unknown_passes else []
        parts["title"] = st.sampled_from([*titles, *blank])
    low, high = c.min_employees, c.max_employees
    parts["employee_count"] = (
        _maybe(st.integers(1, 250_000))
        if low is None and high is None
        else _or_unknown(st.integers(low or 0, high if high is not None else (low or 0) + 10**5), c)
    )
    bound = c.min_revenue or c.max_revenue
    if bound is None:
        parts["annual_revenue"] = _maybe(_revenue(None))
    else:
        lo = c.min_revenue.amount if c.min_revenue else min(Decimal(0), bound.amount)
        hi = c.max_revenue.amount if c.max_revenue else lo + 10**9
        units = _unit_bounds(bound.currency, lo, hi)
        if units is None:
            raise _unsatisfiable(c, f"no whole {bound.currency} amount within the revenue range")
        parts["annual_revenue"] = _or_unknown(_money_in(bound.currency, units), c)
    parts["country"] = (
        _or_unknown(st.sampled_from(sorted(c.countries)), c)
        if c.countries
        else _maybe(st.sampled_from(_COUNTRIES))
    )
    parts["region"] = (
        _or_unknown(st.sampled_from(sorted(c.regions)), c)
        if c.regions
        else _maybe(st.sampled_from(_REGIONS))
    )
    if c.industries_include or c.industries_exclude:
        industries = _passing_industries(c)
        if not industries:
            raise _unsatisfiable(c, "every included industry is also excluded")
        parts["industry"] = _or_unknown(st.sampled_from(industries), c)
    else:
        parts["industry"] = _maybe(st.sampled_from(_INDUSTRIES))
    parts["intent"] = (
        _maybe(st.integers(0, 100))
        if c.min_intent_score is None
        else _or_unknown(st.integers(c.min_intent_score, 100), c)
    )
    parts["stage"] = (
        _or_unknown(st.sampled_from(sorted(c.buying_stages, key=list(BuyingStage).index)), c)
        if c.buying_stages
        else _maybe(st.sampled_from(BuyingStage))
    )
    return parts


def _passing_bant(
    c: QualificationCriteria, as_of: pendulum.Date
) -> st.SearchStrategy[BantEvidence]:
    b = c.bant
    if b.is_empty:
        return _bant(None)
    passable = {BantElement.BUDGET, BantElement.NEED, BantElement.TIMELINE}
    if b.authority_roles or c.unknown_passes:
        passable.add(BantElement.AUTHORITY)
    if not b.required <= passable or len(passable) < b.minimum_met:
        raise _unsatisfiable(c, "no authority role counts, yet authority is needed")
    budget = (
        money(b.minimum_budget.currency, b.minimum_budget.amount, b.minimum_budget.amount + 10**6)
        if b.minimum_budget is not None
        else _revenue(None)
    )
    roles = sorted(b.authority_roles, key=list(AuthorityRole).index)
    authority = st.sampled_from(roles) if roles else st.none()
    days = b.max_days_to_decision if b.max_days_to_decision is not None else 365

    @st.composite
    def evidence(draw: st.DrawFn) -> BantEvidence:
        optional = sorted(passable - b.required, key=list(BantElement).index)
        extra = draw(st.permutations(optional))[: max(0, b.minimum_met - len(b.required))]
        holds = b.required | set(extra)
        anything = draw(_bant(None))
        return BantEvidence(
            budget_confirmed=True if BantElement.BUDGET in holds else anything.budget_confirmed,
            budget_amount=(
                draw(budget if b.minimum_budget else _maybe(budget))
                if BantElement.BUDGET in holds
                else anything.budget_amount
            ),
            authority=(draw(authority) if BantElement.AUTHORITY in holds else anything.authority),
            need_confirmed=True if BantElement.NEED in holds else anything.need_confirmed,
            need=draw(_maybe(st.sampled_from(_NEEDS)))
            if BantElement.NEED in holds
            else anything.need,
            decision_date=(
                as_of.add(days=draw(st.integers(0, days)))
                if BantElement.TIMELINE in holds
                else anything.decision_date
            ),
        )

    return evidence()


def qualified_prospects(
    criteria: QualificationCriteria, as_of: dt.date
) -> st.SearchStrategy[Prospect]:
    """Prospects that meet ``criteria`` for a meeting on ``as_of``, built from its fields.

    Every configured filter gets a passing value (or, with ``unknown_passes``, maybe an
    unknown one); enough BANT elements hold, the required ones always. Facts no filter
    looks at are drawn freely. Shrinks towards the first allowed value of every filter.

    Args:
        criteria: the criteria to meet.
        as_of: the meeting date (timelines count from it).

    Returns:
        A strategy of :class:`~ppa_core.domain.prospect.Prospect` for which
        ``criteria.evaluate(prospect, as_of).qualified`` is True.

    Raises:
        ValidationError: ``criteria`` is not a QualificationCriteria or no prospect can
            meet it (``criteria``), or ``as_of`` is not a date.
    """
    if not isinstance(criteria, QualificationCriteria):
        raise ValidationError("criteria", criteria, "a QualificationCriteria")
    day = v.to_date(as_of, "as_of")
    parts = _icp_parts(criteria)
    company = st.builds(
        Company,
        name=st.sampled_from(_COMPANY_NAMES),
        employee_count=parts["employee_count"],
        annual_revenue=parts["annual_revenue"],
        industry=parts["industry"],
        country=parts["country"],
        region=parts["region"],
    )
    return _people(
        seniority=parts["seniority"],
        title=parts.get("title"),
        company=company,
        bant=_passing_bant(criteria, day),
        intent=parts["intent"],
        stage=parts["stage"],
    )
