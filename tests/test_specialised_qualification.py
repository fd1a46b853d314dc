"""The qualification decision specialised per criteria set decides as the generic path."""

from __future__ import annotations

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from _scenario import TZ, contract, held, terms, verdict
from ppa_core import BillingEngine, RuleOutcome
from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import AuthorityRole, Seniority
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.testing import make_prospect, prospects, qualification_criteria, qualified_prospects

DAY = pendulum.Date(2026, 3, 2)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[QualificationCriteria, object, pendulum.Date]:
    currency = draw(st.sampled_from([None, "EUR"]))
    criteria = draw(qualification_criteria(currency=currency))
    as_of = draw(st.dates(min_value=DAY.subtract(days=400), max_value=DAY.add(days=400)))
    day = pendulum.Date(as_of.year, as_of.month, as_of.day)
    # Half near the criteria's edges (they qualify), half drawn freely (most fail).
    prospect = draw(st.one_of(qualified_prospects(criteria, day), prospects(currency=currency)))
    return criteria, prospect, day


@given(_cases())
def test_specialised_decision_equals_the_generic_path(
    case: tuple[QualificationCriteria, object, pendulum.Date],
) -> None:
    criteria, prospect, day = case
    generic = criteria.qualifies_generic(prospect, day)  # type: ignore[arg-type]
    assert criteria.qualifies(prospect, day) is generic  # type: ignore[arg-type]
    assert criteria.evaluate(prospect, day).qualified is generic  # type: ignore[arg-type]


def test_no_criteria_qualifies_everyone() -> None:
    assert QualificationCriteria().qualifies(make_prospect(), DAY)


def test_each_specialised_filter_refuses_what_it_should() -> None:
    criteria = QualificationCriteria(
        minimum_seniority="director",
        title_exclude=("intern",),
        min_employees=50,
        countries=("DE",),
        min_revenue=Money("1000000", "EUR"),
    )
    base = make_prospect()
    assert criteria.qualifies_generic(base, DAY) is criteria.qualifies(base, DAY)
    intern = make_prospect(job_title="Sales Intern")
    assert not criteria.qualifies(intern, DAY)
    junior = make_prospect(seniority=Seniority.MANAGER)
    assert not criteria.qualifies(junior, DAY)


def test_required_bant_element_refuses_even_when_enough_others_hold() -> None:
    bant = BantRequirements(required=(BantElement.AUTHORITY,), minimum_met=1)
    criteria = QualificationCriteria(bant=bant)
    prospect = make_prospect()
    holder = prospect.bant.authority
    assert holder is not None
    others = frozenset(AuthorityRole) - {holder}
    refusing = QualificationCriteria(
        bant=BantRequirements(
            required=(BantElement.AUTHORITY,), minimum_met=1, authority_roles=others
        )
    )
    assert criteria.qualifies(prospect, DAY) is criteria.qualifies_generic(prospect, DAY)
    assert refusing.qualifies(prospect, DAY) is False
    assert refusing.qualifies_generic(prospect, DAY) is False


@given(_cases())
def test_a_traced_line_shows_what_evaluate_finds(
    case: tuple[QualificationCriteria, object, pendulum.Date],
) -> None:
    criteria, prospect, day = case
    start = pendulum.datetime(day.year, day.month, day.day, 10, tz=TZ)
    a = held("a-1", start, who=prospect)  # type: ignore[arg-type]
    c = contract(terms(criteria=criteria))
    result = criteria.evaluate(prospect, day)  # type: ignore[arg-type]

    decision = BillingEngine(c).decide(a, as_of=start.add(days=1), trace=True)

    line = verdict(decision, "qualification")

    # A qualified prospect's facts are assessed on first read: they must still be evaluate's.
    assert {r.criterion: r.summary for r in result.results} == dict(line.facts)
    assert list(line.facts) == [r.criterion for r in result.results]
    assert len(line.facts) == len(result.results)
    assert (line.outcome is RuleOutcome.PASS) is result.qualified
    if result.qualified:
        assert line.reason == f"qualified: meets the {criteria.name} criteria"
