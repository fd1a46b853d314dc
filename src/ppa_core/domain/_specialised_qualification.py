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


def _seniority(c: _IcpFilters, unknown: bool) -> Holds | None:
    low = None if c.minimum_seniority is None else c.minimum_seniority.rank
    allowed = c.seniorities
    if low is None and not allowed:
        return None

    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        s = p.seniority
        if s is None:
            return unknown
        if low is not None and s.rank < low:
            return False
        return not allowed or s in allowed

    return holds


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


def _member(
    allowed: frozenset[str], unknown: bool, read: Callable[[Prospect], str | None]
) -> Holds:
    def holds(p: Prospect, _d: pendulum.Date) -> bool:
        value = read(p)
        return unknown if value is None else value in allowed

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


def _icp(c: _IcpFilters, unknown: bool) -> list[Holds]:
    """The configured ICP checks, in the order of ``ICP_CHECKS``."""
    found: list[Holds | None] = [_seniority(c, unknown), _title(c, unknown)]
    if c.min_employees is not None or c.max_employees is not None:
        found.append(
            _count(c.min_employees, c.max_employees, unknown, lambda p: p.company.employee_count)
        )
    found.append(_revenue(c, unknown))
    if c.countries:
        found.append(_member(c.countries, unknown, lambda p: p.company.country))
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
    return [f for f in found if f is not None]


def _bant(b: _BantTerms, unknown: bool) -> tuple[Holds, Holds, Holds, Holds]:
    """The four BANT elements, in B-A-N-T order."""
    minimum = b.minimum_budget
    roles = b.authority_roles
    limit = b.max_days_to_decision

    def budget(p: Prospect, _d: pendulum.Date) -> bool:
        bant = p.bant
        confirmed = bant.budget_confirmed
        if confirmed is None:
            return unknown
        if not confirmed:
            return False
        if minimum is None:
            return True
        amount = bant.budget_amount
        if amount is None or amount.currency != minimum.currency:
            return unknown
        return not amount < minimum

    def authority(p: Prospect, _d: pendulum.Date) -> bool:
        role = p.bant.authority
        return unknown if role is None else role in roles

    def need(p: Prospect, _d: pendulum.Date) -> bool:
        confirmed = p.bant.need_confirmed
        return unknown if confirmed is None else confirmed

    def timeline(p: Prospect, as_of: pendulum.Date) -> bool:
        decision = p.bant.decision_date
        if decision is None:
            return unknown
        days = decision.toordinal() - as_of.toordinal()
        return days >= 0 and (limit is None or days <= limit)

    return budget, authority, need, timeline


def specialise(criteria: _Criteria, elements: tuple[object, ...]) -> Holds:
    """One function deciding whether a prospect qualifies under ``criteria``.

    Args:
        criteria: the configured criteria (``QualificationCriteria``).
        elements: the BANT elements in B-A-N-T order (``BantElement``), to read
            which are required.

    Returns:
        ``qualifies(prospect, as_of) -> bool``, the generic path's decision.
    """
    unknown = criteria.unknown_passes
    icp = tuple(_icp(criteria, unknown))
    bant = criteria.bant
    if bant.is_empty:
        if not icp:
            return _everyone
        if len(icp) == 1:
            return icp[0]

        def icp_only(p: Prospect, as_of: pendulum.Date) -> bool:
            # A plain loop: all() over a generator costs a frame per prospect.
            for holds in icp:  # noqa: SIM110
                if not holds(p, as_of):
                    return False
            return True

        return icp_only

    checks = _bant(bant, unknown)
    required = tuple(f for e, f in zip(elements, checks, strict=True) if e in bant.required)
    optional = tuple(f for e, f in zip(elements, checks, strict=True) if e not in bant.required)
    # Required elements must all hold, so each counts as met; the others count if they hold.
    wanted = bant.minimum_met - len(required)
    first = icp + required

    def qualifies(p: Prospect, as_of: pendulum.Date) -> bool:
        for holds in first:
            if not holds(p, as_of):
                return False
        if wanted <= 0:
            return True
        met = 0
        for holds in optional:
            if holds(p, as_of):
                met += 1
        return met >= wanted

    return qualifies


def _everyone(_p: Prospect, _d: pendulum.Date) -> bool:
    return True
