"""Strategies for service levels and exit clauses (contract terms judged by reviews)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from ppa_core.domain.exit_clause import ExitClause
from ppa_core.domain.money import Currency
from ppa_core.domain.prospect import Seniority
from ppa_core.domain.service_level import (
    Comparator,
    Consequence,
    Kpi,
    ServiceLevel,
    Target,
    Window,
)
from ppa_core.testing._values import _currency_option, _maybe, money

_RATE_KPIS = (Kpi.SHOW_RATE, Kpi.QUALIFICATION_RATE, Kpi.BILLABLE_RATE, Kpi.GUARANTEE_ATTAINMENT)
_HUNDREDTHS = st.integers(0, 100).map(lambda n: Decimal(n) / 100)


@st.composite
def _targets(draw: st.DrawFn) -> Target:
    comparator = draw(st.sampled_from(Comparator))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return Target(draw(st.sampled_from(_RATE_KPIS)), comparator, draw(_HUNDREDTHS))
    if kind == 1:
        return Target(Kpi.MEETINGS_HELD, comparator, draw(st.integers(0, 40)))
    if kind == 2:
        return Target(Kpi.DAYS_TO_MEETING, comparator, draw(st.integers(0, 30)))
    if kind == 3:
        seniority = draw(st.sampled_from(Seniority))
        return Target(Kpi.SENIORITY_SHARE, comparator, draw(_HUNDREDTHS), seniority=seniority)
    region = draw(st.sampled_from(("DACH", "Nordics", "Benelux")))
    return Target(Kpi.REGION_SHARE, comparator, draw(_HUNDREDTHS), region=region)


_WINDOWS = st.builds(Window, st.integers(1, 6), st.booleans())


@st.composite
def _service_levels(draw: st.DrawFn, cur: Currency) -> ServiceLevel:
    consequence = draw(st.sampled_from(Consequence))
    share = amount = notice = None
    if consequence is Consequence.SERVICE_CREDIT:
        share = draw(_maybe(_HUNDREDTHS))
        amount = draw(money(cur, 0, 1_000)) if share is None else draw(_maybe(money(cur, 0, 500)))
    if consequence is Consequence.EXIT:
        notice = draw(_maybe(st.integers(0, 90)))
    return ServiceLevel(
        f"sl-{draw(st.integers(1, 999))}",
        draw(_targets()),
        draw(_WINDOWS),
        consequence,
        share,
        amount,
        notice,
    )


def service_levels(*, currency: Currency | str = "EUR") -> st.SearchStrategy[ServiceLevel]:
    """Service levels over every KPI, window and consequence, credits in ``currency``.

    Shrinks towards a report-only rate target judged each period.

    Returns:
        A strategy of :class:`~ppa_core.domain.service_level.ServiceLevel`.

    Raises:
        ValidationError: ``currency`` is not an ISO 4217 code.
    """
    return _service_levels(_currency_option("currency", currency))


@st.composite
def _exit_clauses(draw: st.DrawFn) -> ExitClause:
    breaches = draw(st.integers(1, 3))
    out_of = draw(_maybe(st.integers(breaches, 6)))
    return ExitClause(
        f"exit-{draw(st.integers(1, 999))}",
        draw(_targets()),
        draw(_WINDOWS),
        breaches,
        out_of,
        draw(_maybe(st.integers(0, 90))),
    )


def exit_clauses() -> st.SearchStrategy[ExitClause]:
    """Exit clauses over every KPI: missed windows in a row or among the last few.

    Shrinks towards one missed rate window, each period, on the term's notice.

    Returns:
        A strategy of :class:`~ppa_core.domain.exit_clause.ExitClause`.
    """
    return _exit_clauses()
