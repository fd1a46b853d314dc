"""Strategies for companies, BANT evidence and prospects; the vocabulary they draw from."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from hypothesis import strategies as st

from ppa_core import _validation as v
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.prospect import (
    AuthorityRole,
    BantEvidence,
    BuyingStage,
    Channel,
    Company,
    Prospect,
    Seniority,
)
from ppa_core.exceptions import ValidationError
from ppa_core.testing._values import (
    _currency_option,
    _ids,
    _maybe,
    _pdate,
    money,
)

_FIRST = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Edsger", "Barbara")
_LAST = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Dijkstra", "Liskov")
_COMPANY_NAMES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wonka")
_INDUSTRIES = ("software", "fintech", "healthcare", "retail", "logistics", "manufacturing")
_EXCLUDED_INDUSTRIES = ("gambling", "tobacco", "weapons")
_COUNTRIES = ("DE", "US", "GB", "FR", "JP", "AT", "IN", "CL")
_REGIONS = ("bavaria", "california", "ontario", "tyrol", "new south wales")
_FUNCTIONS = ("Engineering", "Sales", "Marketing", "Finance", "Operations")
_TITLES: dict[Seniority, tuple[str, ...]] = {
    Seniority.INDIVIDUAL_CONTRIBUTOR: ("Software Engineer", "Account Executive", "Analyst"),
    Seniority.MANAGER: ("Engineering Manager", "Sales Manager", "Team Lead"),
    Seniority.DIRECTOR: ("Director of Sales", "Director, Engineering", "Head of Finance"),
    Seniority.VP: ("VP Engineering", "VP Sales", "Vice President Marketing"),
    Seniority.C_LEVEL: ("CTO", "CEO", "CFO", "Founder", "Owner"),
}
_ALL_TITLES = tuple(t for titles in _TITLES.values() for t in titles)
_TITLE_KEYWORDS = ("sales", "engineering", "marketing", "finance", "operations", "revenue")
_EXCLUDED_KEYWORDS = ("intern", "assistant", "student", "trainee")
_TITLE_PATTERNS = ("{}", "VP {}", "Head of {}", "Director, {}", "{} Manager", "Chief {} Officer")
_NEEDS = ("pipeline coverage", "slow onboarding", "manual invoicing", "churn")


def _revenue(cur: Currency | None) -> st.SearchStrategy[Money]:
    return money(cur, 0, 10**10)


def companies(*, currency: Currency | str | None = None) -> st.SearchStrategy[Company]:
    """Companies with any of their facts unknown.

    Shrinks towards a company known only by its name.

    Args:
        currency: the currency of the annual revenue (default: drawn).

    Returns:
        A strategy of :class:`~ppa_core.domain.prospect.Company`.

    Raises:
        ValidationError: an unknown currency.
    """
    cur = None if currency is None else _currency_option("currency", currency)
    return st.builds(
        Company,
        name=st.sampled_from(_COMPANY_NAMES),
        employee_count=_maybe(st.integers(1, 250_000)),
        annual_revenue=_maybe(_revenue(cur)),
        industry=_maybe(st.sampled_from(_INDUSTRIES + _EXCLUDED_INDUSTRIES)),
        country=_maybe(st.sampled_from(_COUNTRIES)),
        region=_maybe(st.sampled_from(_REGIONS)),
        domain=_maybe(st.sampled_from(_COMPANY_NAMES).map(lambda n: f"{n.lower()}.example")),
    )


_DECISION_DATES = st.dates(dt.date(2020, 1, 1), dt.date(2032, 12, 31)).map(_pdate)


_MAYBE_BOOL = _maybe(st.booleans())
_MAYBE_ROLE = _maybe(st.sampled_from(AuthorityRole))
_MAYBE_NEED = _maybe(st.sampled_from(_NEEDS))
_MAYBE_DECISION = _maybe(_DECISION_DATES)


# Strategies are cached per currency: Hypothesis validates each new one, which is slow.
@functools.cache
def _bant(cur: Currency | None) -> st.SearchStrategy[BantEvidence]:
    amount = _maybe(_revenue(cur))

    @st.composite
    def evidence(draw: st.DrawFn) -> BantEvidence:
        budget = draw(_MAYBE_BOOL)
        need = draw(_MAYBE_BOOL)
        return BantEvidence(
            budget_confirmed=budget,
            budget_amount=draw(amount) if budget else None,
            authority=draw(_MAYBE_ROLE),
            need_confirmed=need,
            need=draw(_MAYBE_NEED) if need else None,
            decision_date=draw(_MAYBE_DECISION),
        )

    return evidence()


def bant_evidence(*, currency: Currency | str | None = None) -> st.SearchStrategy[BantEvidence]:
    """BANT evidence, any element of it unknown; an amount or need text only when confirmed.

    Shrinks towards all unknown (``BantEvidence()``).

    Args:
        currency: the currency of the budget amount (default: drawn).

    Returns:
        A strategy of :class:`~ppa_core.domain.prospect.BantEvidence`.

    Raises:
        ValidationError: an unknown currency.
    """
    return _bant(None if currency is None else _currency_option("currency", currency))


def _seniority_option(value: Any) -> Seniority | None:
    return None if value is None else v.to_enum(Seniority, "seniority", value)


_NAMES = st.builds("{} {}".format, st.sampled_from(_FIRST), st.sampled_from(_LAST))
_TITLES_OF: dict[Seniority | None, st.SearchStrategy[str]] = {
    None: st.sampled_from(_ALL_TITLES),
    **{level: st.sampled_from(titles) for level, titles in _TITLES.items()},
}
_MAYBE_FUNCTION = _maybe(st.sampled_from(_FUNCTIONS))
_MAYBE_CHANNEL = _maybe(st.sampled_from(Channel))


@st.composite
def _people(
    draw: st.DrawFn,
    *,
    seniority: st.SearchStrategy[Seniority | None],
    title: st.SearchStrategy[str] | None,
    company: st.SearchStrategy[Company],
    bant: st.SearchStrategy[BantEvidence],
    intent: st.SearchStrategy[int | None],
    stage: st.SearchStrategy[BuyingStage | None],
) -> Prospect:
    level = draw(seniority)
    return Prospect(
        id=draw(_ids("p")),
        name=draw(_NAMES),
        job_title=draw(title if title is not None else _TITLES_OF[level]),
        company=draw(company),
        seniority=level,
        function=draw(_MAYBE_FUNCTION),
        bant=draw(bant),
        intent_score=draw(intent),
        buying_stage=draw(stage),
        source_channel=draw(_MAYBE_CHANNEL),
    )


def prospects(
    *,
    seniority: Seniority | str | None = None,
    company: Company | None = None,
    currency: Currency | str | None = None,
) -> st.SearchStrategy[Prospect]:
    """Prospects with a job title that fits their seniority and any evidence unknown.

    Shrinks towards a prospect whose seniority and evidence are all unknown.

    Args:
        seniority: fix the seniority (a Seniority or its value); None draws one or unknown.
        company: fix the company (e.g. to build duplicates); None draws one.
        currency: the currency of revenue and budget amounts (default: drawn).

    Returns:
        A strategy of :class:`~ppa_core.domain.prospect.Prospect`.

    Raises:
        ValidationError: an unknown seniority or currency, or ``company`` not a Company.
    """
    level = _seniority_option(seniority)
    cur = None if currency is None else _currency_option("currency", currency)
    if company is not None and not isinstance(company, Company):
        raise ValidationError("company", company, "a Company or None")
    return _people(
        seniority=st.just(level) if level is not None else _maybe(st.sampled_from(Seniority)),
        title=None,
        company=st.just(company) if company is not None else companies(currency=cur),
        bant=_bant(cur),
        intent=_maybe(st.integers(0, 100)),
        stage=_maybe(st.sampled_from(BuyingStage)),
    )
