"""The qualification decision specialised to one criteria set (the engine's fast path).

:func:`specialise` turns configured criteria into one function ``(prospect, as_of)
-> bool`` with every constant bound and only the configured checks in it: no
attribute reads of the criteria, no :class:`~ppa_core.domain.criteria_set.Outcome`
values, unknown evidence already folded into pass or fail. It decides exactly as
the generic path (``QualificationCriteria.qualifies_generic``, which walks the
check tables of :mod:`._icp_checks` and :mod:`._bant_checks`); a property test
compares both over generated prospects and criteria. The words (reasons) stay on
the generic path, which traces use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

import pendulum

from ppa_core.domain._bant_checks import _BantTerms
from ppa_core.domain._icp_checks import _IcpFilters
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Prospect

Holds = Callable[[Prospect, pendulum.Date], bool]
"""Whether one check holds for a prospect met on a date (unknown already decided)."""


class _Criteria(_IcpFilters, Protocol):
    """What :func:`specialise` reads: the ICP filters, the BANT terms and the unknown rule."""

    @property
    def bant(self) -> _Bant: ...
    @property
    def unknown_passes(self) -> bool: ...


class _Bant(_BantTerms, Protocol):
    @property
    def is_empty(self) -> bool: ...
    @property
    def minimum_met(self) -> int: ...
    @property
    def required(self) -> frozenset[object]: ...


def _words(keywords: tuple[str, ...]) -> Callable[[str], object]:
    # One pattern for all keywords: it finds a match iff one keyword's own pattern
    # would (the alternatives share the same whole-word guards).
    body = "|".join(re.escape(k) for k in keywords)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)").search


def _title(c: _IcpFilters, unknown: bool) -> Holds | None:
    exclude = _words(c.title_exclude) if c.title_exclude else None
    include = _words(c.title_include) if c.title_include else None
    if exclude is None and include is None:
        return None

    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        title = p.job_title.casefold()
        if not title.strip():
            return unknown
        if exclude is not None and exclude(title) is not None:
            return False
        return include is None or include(title) is not None

    return holds


def _count(
    low: int | None, high: int | None, unknown: bool, read: Callable[[Prospect], int | None]
) -> Holds:
    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        value = read(p)
        if value is None:
            return unknown
        return (low is None or value >= low) and (high is None or value <= high)

    return holds


def _revenue(c: _IcpFilters, unknown: bool) -> Holds | None:
    low, high = c.min_revenue, c.max_revenue
    bound = low if low is not None else high
    if bound is None:
        return None
    currency = bound.currency

    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        value: Money | None = p.company.annual_revenue
        if value is None or value.currency != currency:
            return unknown
        return (low is None or not value < low) and (high is None or not value > high)

    return holds


def _folded(
    allowed: frozenset[str], unknown: bool, read: Callable[[Prospect], str | None]
) -> Holds:
    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        value = read(p)
        return unknown if value is None else value.strip().casefold() in allowed

    return holds


def _industry(c: _IcpFilters, unknown: bool) -> Holds | None:
    include, exclude = c.industries_include, c.industries_exclude
    if not include and not exclude:
        return None

    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        industry = p.company.industry
        if industry is None:
            return unknown
        key = industry.strip().casefold()
        return key not in exclude and (not include or key in include)

    return holds


def _rarer_icp(c: _IcpFilters, unknown: bool) -> tuple[Holds, ...]:
    """The configured ICP checks that :func:`specialise` does not write inline."""
    found: list[Holds | None] = [_title(c, unknown), _revenue(c, unknown)]
    if c.regions:
        found.append(_folded(c.regions, unknown, lambda p: p.company.region))
    found.append(_industry(c, unknown))
    if c.min_intent_score is not None:
        found.append(_count(c.min_intent_score, None, unknown, lambda p: p.intent_score))
    if c.buying_stages:
        stages = c.buying_stages

        def stage(p: Prospect, _d: pendulum.Date) -> bool:
            s = p.buying_stage
            return unknown if s is None else s in stages

        found.append(stage)
    return tuple(f for f in found if f is not None)


def specialise(criteria: _Criteria, elements: tuple[object, ...]) -> Holds:  # noqa: PLR0915 - see qualifies
    """One function deciding whether a prospect qualifies under ``criteria``.

    The checks most criteria configure (seniority, employee count, countries and the
    four BANT elements) are written out in it with their constants bound and a flag
    for each that is off; the rarer filters are closures it calls. One call per
    prospect instead of one per check: a call costs more than most checks.

    Args:
        criteria: the configured criteria (``QualificationCriteria``).
        elements: the BANT elements in B-A-N-T order (``BantElement``), to read
            which are required.

    Returns:
        ``qualifies(prospect, as_of) -> bool``, the generic path's decision.
    """
    unknown = criteria.unknown_passes
    lowest = criteria.minimum_seniority
    low = -1 if lowest is None else lowest.rank  # ranks start at 0: -1 lets every one pass
    allowed = criteria.seniorities
    by_seniority = lowest is not None or bool(allowed)
    fewest, most = criteria.min_employees, criteria.max_employees
    by_size = fewest is not None or most is not None
    countries = criteria.countries
    rarer = _rarer_icp(criteria, unknown)
    bant = criteria.bant
    by_bant = not bant.is_empty
    needed = bant.minimum_met
    need_b, need_a, need_n, need_t = (e in bant.required for e in elements)
    minimum, roles, limit = bant.minimum_budget, bant.authority_roles, bant.max_days_to_decision
    if not (by_seniority or by_size or countries or rarer or by_bant):
        return _everyone

    # Written out in one function on purpose: one call per prospect, not one per check.
    def qualifies(p: Prospect, as_of: pendulum.Date) -> bool:  # noqa: PLR0915
        if by_seniority:
            s = p.seniority
            if s is None:
                if not unknown:
                    return False
            elif s.rank < low or (allowed and s not in allowed):
                return False
        if by_size or countries:
            company = p.company
            if by_size:
                n = company.employee_count
                if n is None:
                    if not unknown:
                        return False
                elif (fewest is not None and n < fewest) or (most is not None and n > most):
                    return False
            if countries:
                country = company.country
                if country is None:
                    if not unknown:
                        return False
                elif country not in countries:
                    return False
        for holds in rarer:
            if not holds(p, as_of):
                return False
        if not by_bant:
            return True
        # Each element as the generic path judges it; a required one must hold, and
        # every element that holds counts towards the minimum.
        b = p.bant
        confirmed = b.budget_confirmed
        if confirmed is None:
            ok = unknown
        elif not confirmed:
            ok = False
        elif minimum is None:
            ok = True
        else:
            amount = b.budget_amount
            if amount is None or amount.currency != minimum.currency:
                ok = unknown
            else:
                ok = not amount < minimum
        if not ok and need_b:
            return False
        met = 1 if ok else 0
        role = b.authority
        ok = unknown if role is None else role in roles
        if not ok and need_a:
            return False
        met += 1 if ok else 0
        confirmed = b.need_confirmed
        ok = unknown if confirmed is None else bool(confirmed)
        if not ok and need_n:
            return False
        met += 1 if ok else 0
        decision = b.decision_date
        if decision is None:
            ok = unknown
        else:
            days = decision.toordinal() - as_of.toordinal()
            ok = days >= 0 and (limit is None or days <= limit)
        if not ok and need_t:
            return False
        met += 1 if ok else 0
        return met >= needed

    return qualifies


def _everyone(_p: Prospect, _d: pendulum.Date) -> bool:
    return True
