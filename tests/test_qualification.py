"""Qualification criteria: ICP filters and BANT, evaluated as of the meeting date."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.criteria_set import (
    CriteriaSet,
    CriterionResult,
    Outcome,
    QualificationResult,
)
from ppa_core.domain.money import Money
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
from ppa_core.testing import prospects, qualification_criteria

MEETING = pendulum.Date(2026, 3, 2)


def _pdate(day: Any) -> pendulum.Date:
    return pendulum.Date(day.year, day.month, day.day)


def make_prospect(
    *,
    job_title: str = "VP Engineering",
    company: Company | None = None,
    bant: BantEvidence | None = None,
    **fields: Any,
) -> Prospect:
    return Prospect(
        id="p-1",
        name="Ada Lovelace",
        job_title=job_title,
        company=company if company is not None else Company(name="Acme"),
        bant=bant if bant is not None else BantEvidence(),
        **fields,
    )


def at_company(**company: Any) -> Prospect:
    return make_prospect(company=Company(name="Acme", **company))


def with_bant(**evidence: Any) -> Prospect:
    return make_prospect(bant=BantEvidence(**evidence))


def result_for(result: QualificationResult, criterion: str) -> CriterionResult:
    (found,) = (r for r in result.results if r.criterion == criterion)
    return found


def outcome(
    criteria: QualificationCriteria, prospect: Prospect, criterion: str, as_of: Any = MEETING
) -> Outcome:
    return result_for(criteria.evaluate(prospect, as_of), criterion).outcome


def reason(
    criteria: QualificationCriteria, prospect: Prospect, criterion: str, as_of: Any = MEETING
) -> str:
    return result_for(criteria.evaluate(prospect, as_of), criterion).reason


PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN


# -- ICP filters -----------------------------------------------------------------------


class TestSeniorityFilter:
    def test_an_allowed_seniority_passes_and_another_fails(self) -> None:
        criteria = QualificationCriteria(seniorities=["vp", "c_level"])
        assert outcome(criteria, make_prospect(seniority="vp"), "seniority") is PASS
        assert outcome(criteria, make_prospect(seniority="director"), "seniority") is FAIL

    def test_minimum_seniority_admits_that_level_and_above(self) -> None:
        criteria = QualificationCriteria(minimum_seniority="director")
        for seniority in Seniority:
            expected = PASS if seniority >= Seniority.DIRECTOR else FAIL
            assert outcome(criteria, make_prospect(seniority=seniority), "seniority") is expected

    def test_below_the_minimum_says_so(self) -> None:
        criteria = QualificationCriteria(minimum_seniority="director")
        text = reason(criteria, make_prospect(seniority="manager"), "seniority")
        assert text == "seniority manager is below the minimum director"

    def test_a_seniority_outside_the_allowed_set_lists_the_allowed_ones(self) -> None:
        criteria = QualificationCriteria(seniorities=["c_level", "vp"])
        text = reason(criteria, make_prospect(seniority="manager"), "seniority")
        assert "manager" in text
        assert "vp" in text
        assert "c_level" in text

    def test_unknown_seniority_is_unknown(self) -> None:
        criteria = QualificationCriteria(minimum_seniority="manager")
        assert outcome(criteria, make_prospect(), "seniority") is UNKNOWN
        assert reason(criteria, make_prospect(), "seniority") == "seniority is unknown"


class TestJobTitleFilter:
    def test_include_keywords_match_case_insensitively(self) -> None:
        criteria = QualificationCriteria(title_include=["Engineering", "IT"])
        assert outcome(criteria, make_prospect(job_title="vp ENGINEERING"), "job_title") is PASS
        assert outcome(criteria, make_prospect(job_title="Head of it"), "job_title") is PASS

    def test_a_title_with_none_of_the_keywords_fails_naming_them(self) -> None:
        criteria = QualificationCriteria(title_include=["engineering"])
        prospect = make_prospect(job_title="VP Marketing")
        assert outcome(criteria, prospect, "job_title") is FAIL
        text = reason(criteria, prospect, "job_title")
        assert "VP Marketing" in text
        assert "'engineering'" in text

    def test_an_excluded_keyword_fails_even_when_an_included_one_matches(self) -> None:
        criteria = QualificationCriteria(title_include=["engineering"], title_exclude=["Intern"])
        prospect = make_prospect(job_title="Engineering INTERN")
        assert outcome(criteria, prospect, "job_title") is FAIL
        assert "'intern'" in reason(criteria, prospect, "job_title")

    @pytest.mark.parametrize(
        ("keywords", "title", "expected"),
        [
            (["cto"], "Director of Sales", FAIL),  # "direCTOr"
            (["cto"], "CTO & Co-Founder", PASS),
            (["vp"], "Head of MVP Delivery", FAIL),
            (["vp"], "VP, Sales", PASS),
            (["vice president"], "Senior Vice President Sales", PASS),
            (["c-level"], "C-Level Executive", PASS),
        ],
    )
    def test_include_keywords_match_whole_words(
        self, keywords: list[str], title: str, expected: Outcome
    ) -> None:
        criteria = QualificationCriteria(title_include=keywords)
        assert outcome(criteria, make_prospect(job_title=title), "job_title") is expected

    @pytest.mark.parametrize(
        ("title", "expected"),
        [("International Sales Director", PASS), ("Sales Intern", FAIL), ("intern", FAIL)],
    )
    def test_exclude_keywords_match_whole_words(self, title: str, expected: Outcome) -> None:
        criteria = QualificationCriteria(title_exclude=["intern"])
        assert outcome(criteria, make_prospect(job_title=title), "job_title") is expected

    def test_exclude_alone_lets_every_other_title_through(self) -> None:
        criteria = QualificationCriteria(title_exclude=["assistant"])
        assert outcome(criteria, make_prospect(job_title="CFO"), "job_title") is PASS

    def test_an_empty_title_is_unknown(self) -> None:
        criteria = QualificationCriteria(title_include=["engineering"])
        assert outcome(criteria, make_prospect(job_title="  "), "job_title") is UNKNOWN


class TestEmployeeCountFilter:
    def test_below_the_minimum_fails_with_the_readable_reason(self) -> None:
        criteria = QualificationCriteria(min_employees=200)
        prospect = at_company(employee_count=42)
        assert outcome(criteria, prospect, "employee_count") is FAIL
        assert reason(criteria, prospect, "employee_count") == (
            "employee count 42 is below the minimum 200"
        )

    def test_above_the_maximum_fails(self) -> None:
        criteria = QualificationCriteria(max_employees=1000)
        prospect = at_company(employee_count=1001)
        assert outcome(criteria, prospect, "employee_count") is FAIL
        assert reason(criteria, prospect, "employee_count") == (
            "employee count 1001 is above the maximum 1000"
        )

    @pytest.mark.parametrize("count", [200, 500, 1000])
    def test_the_range_includes_both_bounds(self, count: int) -> None:
        criteria = QualificationCriteria(min_employees=200, max_employees=1000)
        assert outcome(criteria, at_company(employee_count=count), "employee_count") is PASS

    def test_unknown_headcount_is_unknown_not_a_fail(self) -> None:
        criteria = QualificationCriteria(min_employees=200)
        assert outcome(criteria, at_company(), "employee_count") is UNKNOWN
        assert reason(criteria, at_company(), "employee_count") == "employee count is unknown"


class TestRevenueFilter:
    def test_revenue_within_the_range_passes(self) -> None:
        criteria = QualificationCriteria(
            min_revenue=Money(1_000_000, "EUR"), max_revenue=Money(50_000_000, "EUR")
        )
        prospect = at_company(annual_revenue=Money(1_000_000, "EUR"))
        assert outcome(criteria, prospect, "annual_revenue") is PASS

    def test_revenue_below_the_minimum_fails(self) -> None:
        criteria = QualificationCriteria(min_revenue=Money(1_000_000, "EUR"))
        prospect = at_company(annual_revenue=Money("999999.99", "EUR"))
        assert outcome(criteria, prospect, "annual_revenue") is FAIL
        assert "below the minimum" in reason(criteria, prospect, "annual_revenue")

    def test_revenue_above_the_maximum_fails(self) -> None:
        criteria = QualificationCriteria(max_revenue=Money(50_000_000, "EUR"))
        prospect = at_company(annual_revenue=Money(50_000_001, "EUR"))
        assert outcome(criteria, prospect, "annual_revenue") is FAIL

    def test_revenue_in_another_currency_is_unknown_not_converted(self) -> None:
        """No exchange rates in the domain: a USD revenue cannot be held against EUR bounds."""
        criteria = QualificationCriteria(min_revenue=Money(1_000_000, "EUR"))
        prospect = at_company(annual_revenue=Money(900_000_000, "USD"))
        assert outcome(criteria, prospect, "annual_revenue") is UNKNOWN
        text = reason(criteria, prospect, "annual_revenue")
        assert "USD" in text
        assert "EUR" in text

    def test_another_currency_is_checked_against_a_lone_maximum_too(self) -> None:
        criteria = QualificationCriteria(max_revenue=Money(1_000_000, "EUR"))
        prospect = at_company(annual_revenue=Money(1, "JPY"))
        assert outcome(criteria, prospect, "annual_revenue") is UNKNOWN

    def test_unknown_revenue_is_unknown(self) -> None:
        criteria = QualificationCriteria(min_revenue=Money(1, "EUR"))
        assert outcome(criteria, at_company(), "annual_revenue") is UNKNOWN


class TestGeographyFilter:
    def test_a_listed_country_passes_and_another_fails(self) -> None:
        criteria = QualificationCriteria(countries=["de", "AT"])
        assert outcome(criteria, at_company(country="DE"), "country") is PASS
        assert outcome(criteria, at_company(country="at"), "country") is PASS
        assert outcome(criteria, at_company(country="FR"), "country") is FAIL
        assert reason(criteria, at_company(country="FR"), "country") == (
            "country FR is not one of AT, DE"
        )

    def test_a_criteria_country_that_is_not_an_iso_code_is_refused(self) -> None:
        # countries=["UK"] would silently never match a prospect in GB.
        with pytest.raises(ValidationError) as info:
            QualificationCriteria(countries=["DE", "UK"])
        assert info.value.field == "countries[1]"
        assert "GB" in str(info.value)

    def test_unknown_country_is_unknown(self) -> None:
        criteria = QualificationCriteria(countries=["DE"])
        assert outcome(criteria, at_company(), "country") is UNKNOWN

    def test_regions_match_case_insensitively(self) -> None:
        criteria = QualificationCriteria(regions=["Bavaria", "california"])
        assert outcome(criteria, at_company(region="BAVARIA"), "region") is PASS
        assert outcome(criteria, at_company(region=" California"), "region") is PASS
        assert outcome(criteria, at_company(region="Texas"), "region") is FAIL
        assert outcome(criteria, at_company(), "region") is UNKNOWN


class TestIndustryFilter:
    def test_included_industries_match_case_insensitively(self) -> None:
        criteria = QualificationCriteria(industries_include=["Software", "FinTech"])
        assert outcome(criteria, at_company(industry="software"), "industry") is PASS
        assert outcome(criteria, at_company(industry="FINTECH"), "industry") is PASS
        assert outcome(criteria, at_company(industry="Retail"), "industry") is FAIL

    def test_an_excluded_industry_fails_saying_it_is_excluded(self) -> None:
        criteria = QualificationCriteria(industries_exclude=["Gambling"])
        prospect = at_company(industry="gambling")
        assert outcome(criteria, prospect, "industry") is FAIL
        assert reason(criteria, prospect, "industry") == "industry gambling is excluded"
        assert outcome(criteria, at_company(industry="Software"), "industry") is PASS

    def test_exclusion_wins_over_inclusion(self) -> None:
        criteria = QualificationCriteria(
            industries_include=["gambling"], industries_exclude=["gambling"]
        )
        assert outcome(criteria, at_company(industry="Gambling"), "industry") is FAIL

    def test_unknown_industry_is_unknown(self) -> None:
        for criteria in (
            QualificationCriteria(industries_include=["software"]),
            QualificationCriteria(industries_exclude=["gambling"]),
        ):
            assert outcome(criteria, at_company(), "industry") is UNKNOWN


class TestIntentAndStageFilters:
    @pytest.mark.parametrize(("score", "expected"), [(59, FAIL), (60, PASS), (100, PASS)])
    def test_minimum_intent_score_is_inclusive(self, score: int, expected: Outcome) -> None:
        criteria = QualificationCriteria(min_intent_score=60)
        assert outcome(criteria, make_prospect(intent_score=score), "intent_score") is expected

    def test_low_intent_says_score_and_minimum(self) -> None:
        criteria = QualificationCriteria(min_intent_score=60)
        text = reason(criteria, make_prospect(intent_score=59), "intent_score")
        assert text == "intent score 59 is below the minimum 60"

    def test_unknown_intent_is_unknown(self) -> None:
        criteria = QualificationCriteria(min_intent_score=60)
        assert outcome(criteria, make_prospect(), "intent_score") is UNKNOWN

    def test_only_allowed_buying_stages_pass(self) -> None:
        criteria = QualificationCriteria(buying_stages=["consideration", "decision"])
        for stage in BuyingStage:
            expected = FAIL if stage is BuyingStage.AWARENESS else PASS
            assert outcome(criteria, make_prospect(buying_stage=stage), "buying_stage") is expected
        assert outcome(criteria, make_prospect(), "buying_stage") is UNKNOWN


class TestUnconfiguredFilters:
    def test_empty_criteria_check_nothing_and_qualify_anyone(self) -> None:
        result = QualificationCriteria().evaluate(make_prospect(), MEETING)
        assert result.qualified
        assert result.results == ()
        assert result.reason == "meets the BANT criteria"

    def test_only_configured_filters_appear_in_the_result(self) -> None:
        criteria = QualificationCriteria(min_employees=10, countries=["DE"])
        result = criteria.evaluate(make_prospect(), MEETING)
        assert [r.criterion for r in result.results] == ["employee_count", "country"]


# -- BANT ------------------------------------------------------------------------------


def bant_outcome(requirements: BantRequirements, prospect: Prospect, element: str) -> Outcome:
    criteria = QualificationCriteria(bant=requirements)
    return outcome(criteria, prospect, element)


ANY_ELEMENT = BantRequirements(minimum_met=1)


class TestBudget:
    def test_a_confirmed_budget_passes_a_denied_one_fails_an_unknown_is_unknown(self) -> None:
        assert bant_outcome(ANY_ELEMENT, with_bant(budget_confirmed=True), "budget") is PASS
        assert bant_outcome(ANY_ELEMENT, with_bant(budget_confirmed=False), "budget") is FAIL
        assert bant_outcome(ANY_ELEMENT, with_bant(), "budget") is UNKNOWN

    def test_the_minimum_budget_is_inclusive(self) -> None:
        requirements = BantRequirements(minimum_met=1, minimum_budget=Money(10_000, "EUR"))
        at = {
            "9999.99": FAIL,
            "10000": PASS,
            "25000": PASS,
        }
        for amount, expected in at.items():
            prospect = with_bant(budget_confirmed=True, budget_amount=Money(amount, "EUR"))
            assert bant_outcome(requirements, prospect, "budget") is expected

    def test_a_budget_below_the_minimum_names_both_amounts(self) -> None:
        criteria = QualificationCriteria(
            bant=BantRequirements(minimum_met=1, minimum_budget=Money(10_000, "EUR"))
        )
        prospect = with_bant(budget_confirmed=True, budget_amount=Money(5_000, "EUR"))
        text = reason(criteria, prospect, "budget")
        assert "5,000" in text
        assert "10,000" in text
        assert "below the minimum" in text

    def test_a_confirmed_budget_of_unknown_amount_is_unknown_against_a_minimum(self) -> None:
        requirements = BantRequirements(minimum_met=1, minimum_budget=Money(10_000, "EUR"))
        assert bant_outcome(requirements, with_bant(budget_confirmed=True), "budget") is UNKNOWN

    def test_a_budget_in_another_currency_is_unknown_against_a_minimum(self) -> None:
        requirements = BantRequirements(minimum_met=1, minimum_budget=Money(10_000, "EUR"))
        prospect = with_bant(budget_confirmed=True, budget_amount=Money(1_000_000, "USD"))
        assert bant_outcome(requirements, prospect, "budget") is UNKNOWN

    def test_a_denied_budget_fails_whatever_amount_was_noted(self) -> None:
        requirements = BantRequirements(minimum_met=1, minimum_budget=Money(10_000, "EUR"))
        prospect = with_bant(budget_confirmed=False, budget_amount=Money(50_000, "EUR"))
        assert bant_outcome(requirements, prospect, "budget") is FAIL


class TestAuthority:
    def test_only_a_decision_maker_counts_by_default(self) -> None:
        for role in AuthorityRole:
            expected = PASS if role is AuthorityRole.DECISION_MAKER else FAIL
            assert bant_outcome(ANY_ELEMENT, with_bant(authority=role), "authority") is expected

    def test_the_contract_chooses_which_roles_count(self) -> None:
        requirements = BantRequirements(
            minimum_met=1, authority_roles=["decision_maker", "champion"]
        )
        assert bant_outcome(requirements, with_bant(authority="champion"), "authority") is PASS
        assert bant_outcome(requirements, with_bant(authority="end_user"), "authority") is FAIL

    def test_a_role_that_does_not_count_says_which_do(self) -> None:
        criteria = QualificationCriteria(bant=ANY_ELEMENT)
        text = reason(criteria, with_bant(authority="influencer"), "authority")
        assert text == "role influencer is not one of decision_maker"

    def test_unknown_role_is_unknown(self) -> None:
        assert bant_outcome(ANY_ELEMENT, with_bant(), "authority") is UNKNOWN


class TestNeed:
    def test_a_confirmed_need_passes_a_denied_one_fails_an_unknown_is_unknown(self) -> None:
        assert bant_outcome(ANY_ELEMENT, with_bant(need_confirmed=True), "need") is PASS
        assert bant_outcome(ANY_ELEMENT, with_bant(need_confirmed=False), "need") is FAIL
        assert bant_outcome(ANY_ELEMENT, with_bant(), "need") is UNKNOWN

    def test_the_need_text_is_quoted_in_the_reason(self) -> None:
        criteria = QualificationCriteria(bant=ANY_ELEMENT)
        prospect = with_bant(need_confirmed=True, need="slow month-end close")
        assert "slow month-end close" in reason(criteria, prospect, "need")

    def test_a_need_described_but_not_confirmed_is_still_unknown(self) -> None:
        prospect = with_bant(need="might want a CRM")
        assert bant_outcome(ANY_ELEMENT, prospect, "need") is UNKNOWN


class TestTimeline:
    def test_timeline_is_counted_from_the_meeting_date(self) -> None:
        """'Decision within 90 days' counts from the appointment, not from today or booking."""
        requirements = BantRequirements(minimum_met=1, max_days_to_decision=90)
        criteria = QualificationCriteria(bant=requirements)
        prospect = with_bant(decision_date=MEETING.add(days=100))
        assert outcome(criteria, prospect, "timeline", as_of=MEETING) is FAIL
        later_meeting = MEETING.add(days=10)
        assert outcome(criteria, prospect, "timeline", as_of=later_meeting) is PASS

    @pytest.mark.parametrize(("days", "expected"), [(0, PASS), (90, PASS), (91, FAIL)])
    def test_the_maximum_days_to_decision_is_inclusive(self, days: int, expected: Outcome) -> None:
        requirements = BantRequirements(minimum_met=1, max_days_to_decision=90)
        prospect = with_bant(decision_date=MEETING.add(days=days))
        assert bant_outcome(requirements, prospect, "timeline") is expected

    def test_a_decision_date_before_the_meeting_fails(self) -> None:
        """A decision already taken before we met is not a timeline we can influence."""
        prospect = with_bant(decision_date=MEETING.subtract(days=1))
        assert bant_outcome(ANY_ELEMENT, prospect, "timeline") is FAIL
        criteria = QualificationCriteria(bant=ANY_ELEMENT)
        text = reason(criteria, prospect, "timeline")
        assert "1 days before the meeting" in text

    def test_without_a_maximum_any_decision_on_or_after_the_meeting_passes(self) -> None:
        prospect = with_bant(decision_date=MEETING.add(years=2))
        assert bant_outcome(ANY_ELEMENT, prospect, "timeline") is PASS

    def test_beyond_the_maximum_names_days_and_maximum(self) -> None:
        criteria = QualificationCriteria(
            bant=BantRequirements(minimum_met=1, max_days_to_decision=30)
        )
        text = reason(criteria, with_bant(decision_date=MEETING.add(days=45)), "timeline")
        assert "45" in text
        assert "30" in text

    def test_unknown_decision_date_is_unknown(self) -> None:
        assert bant_outcome(ANY_ELEMENT, with_bant(), "timeline") is UNKNOWN


FULL_BANT = {
    "budget_confirmed": True,
    "authority": "decision_maker",
    "need_confirmed": True,
    "decision_date": MEETING.add(days=30),
}


class TestBantRequirements:
    def test_bant_elements_are_reported_in_b_a_n_t_order_then_the_count(self) -> None:
        result = QualificationCriteria(bant=ANY_ELEMENT).evaluate(make_prospect(), MEETING)
        assert [r.criterion for r in result.results] == [
            "budget",
            "authority",
            "need",
            "timeline",
            "bant_minimum",
        ]
        assert [e.value for e in BantElement] == ["budget", "authority", "need", "timeline"]

    @pytest.mark.parametrize(("missing", "qualified"), [(0, True), (1, True), (2, False)])
    def test_three_of_four_needs_three_elements_to_hold(
        self, missing: int, qualified: bool
    ) -> None:
        evidence = dict(FULL_BANT)
        denied = {"budget_confirmed": False, "need_confirmed": False}
        for key in list(denied)[:missing]:
            evidence[key] = denied[key]
        criteria = QualificationCriteria(bant=BantRequirements(minimum_met=3))
        result = criteria.evaluate(with_bant(**evidence), MEETING)
        assert result.qualified is qualified
        expected = PASS if qualified else FAIL
        assert result_for(result, "bant_minimum").outcome is expected
        assert result_for(result, "bant_minimum").reason == (
            f"{4 - missing} of 4 BANT elements hold (3 required)"
        )

    def test_a_required_element_must_hold_even_when_the_count_is_met(self) -> None:
        criteria = QualificationCriteria(
            bant=BantRequirements(required=["authority"], minimum_met=3)
        )
        prospect = with_bant(**{**FULL_BANT, "authority": "influencer"})
        result = criteria.evaluate(prospect, MEETING)
        assert result_for(result, "bant_minimum").outcome is PASS
        assert not result.qualified
        assert "influencer" in result.reason

    def test_required_elements_alone_need_no_count(self) -> None:
        criteria = QualificationCriteria(bant=BantRequirements(required=["need", "timeline"]))
        prospect = with_bant(need_confirmed=True, decision_date=MEETING, budget_confirmed=False)
        assert criteria.evaluate(prospect, MEETING).qualified

    def test_a_failed_element_that_is_not_required_does_not_block_when_the_count_holds(
        self,
    ) -> None:
        criteria = QualificationCriteria(bant=BantRequirements(minimum_met=3))
        prospect = with_bant(**{**FULL_BANT, "budget_confirmed": False})
        result = criteria.evaluate(prospect, MEETING)
        assert result.qualified
        assert [r.criterion for r in result.failed] == ["budget"]

    def test_empty_requirements_skip_bant(self) -> None:
        assert BantRequirements().is_empty
        assert not BantRequirements(minimum_met=1).is_empty
        assert not BantRequirements(required=["budget"]).is_empty

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"minimum_met": 5}, "bant.minimum_met"),
            ({"minimum_met": -1}, "bant.minimum_met"),
            ({"minimum_met": True}, "bant.minimum_met"),
            ({"required": ["money"]}, "bant.required[0]"),
            ({"required": "budget"}, "bant.required"),
            ({"authority_roles": ["decision_maker", "boss"]}, "bant.authority_roles[1]"),
            ({"minimum_budget": 10_000}, "bant.minimum_budget"),
            ({"max_days_to_decision": -1}, "bant.max_days_to_decision"),
        ],
    )
    def test_a_bad_requirement_is_refused_naming_its_field(
        self, changes: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as info:
            BantRequirements(**changes)
        assert info.value.field == field

    def test_an_unknown_element_lists_the_four_elements(self) -> None:
        with pytest.raises(ValidationError) as info:
            BantRequirements(required=["money"])
        assert info.value.allowed == "one of ('budget', 'authority', 'need', 'timeline')"


# -- unknown evidence ------------------------------------------------------------------


class TestUnknownEvidence:
    def test_unknown_evidence_is_reported_unknown_not_fail(self) -> None:
        criteria = QualificationCriteria(
            min_employees=200, countries=["DE"], bant=BantRequirements(required=["budget"])
        )
        result = criteria.evaluate(make_prospect(), MEETING)
        assert not result.qualified
        assert {r.criterion for r in result.unknown} >= {"employee_count", "country", "budget"}
        assert all(r.outcome is not FAIL for r in result.results if r.criterion != "bant_minimum")

    def test_by_default_unknown_fails_a_criterion_that_needs_it(self) -> None:
        criteria = QualificationCriteria(min_employees=200)
        result = criteria.evaluate(at_company(), MEETING)
        assert not result.qualified
        assert result.failed == ()
        assert result.reason == "employee count is unknown"

    def test_unknown_passes_lets_unknown_through_but_still_says_unknown(self) -> None:
        criteria = QualificationCriteria(min_employees=200, unknown_passes=True)
        result = criteria.evaluate(at_company(), MEETING)
        assert result.qualified
        assert result.unknown_passes
        assert result_for(result, "employee_count").outcome is UNKNOWN

    def test_unknown_passes_never_turns_a_fail_into_a_pass(self) -> None:
        criteria = QualificationCriteria(min_employees=200, unknown_passes=True)
        assert not criteria.evaluate(at_company(employee_count=42), MEETING).qualified

    def test_unknown_passes_counts_unknown_bant_elements_towards_the_minimum(self) -> None:
        requirements = BantRequirements(minimum_met=4)
        prospect = make_prospect()
        strict = QualificationCriteria(bant=requirements)
        lenient = QualificationCriteria(bant=requirements, unknown_passes=True)
        assert not strict.evaluate(prospect, MEETING).qualified
        assert lenient.evaluate(prospect, MEETING).qualified
        assert result_for(lenient.evaluate(prospect, MEETING), "bant_minimum").reason == (
            "4 of 4 BANT elements hold (4 required)"
        )


# -- the result ------------------------------------------------------------------------


class TestQualificationResult:
    CRITERIA = QualificationCriteria(
        min_employees=200, countries=["DE"], min_intent_score=50, buying_stages=["decision"]
    )

    def test_failed_and_unknown_partition_the_criteria_that_did_not_pass(self) -> None:
        prospect = make_prospect(
            company=Company(name="Tiny", employee_count=42, country="DE"),
            buying_stage="awareness",
        )
        result = self.CRITERIA.evaluate(prospect, MEETING)
        assert [r.criterion for r in result.failed] == ["employee_count", "buying_stage"]
        assert [r.criterion for r in result.unknown] == ["intent_score"]
        assert result_for(result, "country").outcome is PASS

    def test_reason_joins_every_blocking_criterion(self) -> None:
        prospect = make_prospect(company=Company(name="Tiny", employee_count=42, country="FR"))
        result = self.CRITERIA.evaluate(prospect, MEETING)
        assert result.reason.split("; ") == [
            "employee count 42 is below the minimum 200",
            "country FR is not one of DE",
            "intent score is unknown",
            "buying stage is unknown",
        ]

    def test_with_unknown_passes_the_reason_leaves_out_unknowns(self) -> None:
        criteria = attrs.evolve(self.CRITERIA, unknown_passes=True)
        prospect = make_prospect(company=Company(name="Tiny", employee_count=42, country="DE"))
        result = criteria.evaluate(prospect, MEETING)
        assert result.reason == "employee count 42 is below the minimum 200"

    def test_a_qualified_result_names_the_framework(self) -> None:
        prospect = make_prospect(
            company=Company(name="Big", employee_count=500, country="DE"),
            intent_score=80,
            buying_stage="decision",
        )
        result = self.CRITERIA.evaluate(prospect, MEETING)
        assert result.qualified
        assert result.framework == "BANT"
        assert result.reason == "meets the BANT criteria"
        assert result.failed == ()
        assert result.unknown == ()

    def test_the_result_is_a_frozen_value(self) -> None:
        result = self.CRITERIA.evaluate(make_prospect(), MEETING)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.qualified = True  # type: ignore[misc]
        assert isinstance(result.results, tuple)

    @pytest.mark.parametrize(
        "criteria",
        [
            CRITERIA,
            QualificationCriteria(bant=BantRequirements(minimum_met=3)),
            QualificationCriteria(bant=BantRequirements(required=["authority"], minimum_met=2)),
            QualificationCriteria(bant=BantRequirements(minimum_met=4), unknown_passes=True),
        ],
    )
    @pytest.mark.parametrize(
        "prospect",
        [
            make_prospect(),
            make_prospect(company=Company(name="Big", employee_count=500, country="DE")),
            with_bant(**FULL_BANT),
            with_bant(**{**FULL_BANT, "authority": "end_user"}),
            with_bant(budget_confirmed=True, need_confirmed=True),
        ],
    )
    def test_qualifies_gives_the_same_decision_as_evaluate(
        self, criteria: QualificationCriteria, prospect: Prospect
    ) -> None:
        assert criteria.qualifies(prospect, MEETING) is (
            criteria.evaluate(prospect, MEETING).qualified
        )


# -- criteria validation ---------------------------------------------------------------


class TestQualificationCriteria:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"seniorities": ["boss"]}, "seniorities[0]"),
            ({"seniorities": "vp"}, "seniorities"),
            ({"minimum_seniority": "chief"}, "minimum_seniority"),
            ({"title_include": [""]}, "title_include[0]"),
            ({"title_exclude": "intern"}, "title_exclude"),
            ({"min_employees": -1}, "min_employees"),
            ({"min_employees": 200, "max_employees": 100}, "max_employees"),
            ({"min_revenue": 1_000_000}, "min_revenue"),
            (
                {"min_revenue": Money(1, "EUR"), "max_revenue": Money(2, "USD")},
                "max_revenue",
            ),
            (
                {"min_revenue": Money(2, "EUR"), "max_revenue": Money(1, "EUR")},
                "max_revenue",
            ),
            ({"countries": ["DEU"]}, "countries[0]"),
            ({"regions": [" "]}, "regions[0]"),
            ({"industries_include": [3]}, "industries_include[0]"),
            ({"industries_exclude": None}, "industries_exclude"),
            ({"min_intent_score": 101}, "min_intent_score"),
            ({"buying_stages": ["purchase"]}, "buying_stages[0]"),
            ({"bant": {"minimum_met": 3}}, "bant"),
            ({"unknown_passes": 1}, "unknown_passes"),
        ],
    )
    def test_a_bad_criterion_is_refused_naming_its_field(
        self, changes: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as info:
            QualificationCriteria(**changes)
        assert info.value.field == field
        assert str(info.value).startswith(f"{field!r} must be ")

    def test_an_unknown_seniority_lists_the_allowed_values(self) -> None:
        with pytest.raises(ValidationError) as info:
            QualificationCriteria(minimum_seniority="chief")
        assert info.value.allowed == f"one of {tuple(s.value for s in Seniority)}"

    def test_keywords_countries_and_industries_are_normalised(self) -> None:
        criteria = QualificationCriteria(
            title_include=[" Engineering "],
            countries=["de"],
            industries_include=["SaaS"],
            regions=["Bavaria"],
        )
        assert criteria.title_include == ("engineering",)
        assert criteria.countries == frozenset({"DE"})
        assert criteria.industries_include == frozenset({"saas"})
        assert criteria.regions == frozenset({"bavaria"})

    def test_equal_criteria_are_equal_values(self) -> None:
        assert QualificationCriteria(countries=["de"]) == QualificationCriteria(countries=["DE"])
        assert hash(QualificationCriteria(countries=["de"])) == hash(
            QualificationCriteria(countries=["DE"])
        )

    def test_evolve_keeps_the_configured_checks_in_step(self) -> None:
        base = QualificationCriteria()
        stricter = attrs.evolve(base, min_employees=200)
        assert not stricter.evaluate(at_company(employee_count=42), MEETING).qualified
        assert base.evaluate(at_company(employee_count=42), MEETING).qualified


# -- the CriteriaSet extension point ---------------------------------------------------


@attrs.frozen
class TinyMeddic:
    """A toy MEDDIC-like framework: only the Economic buyer and Pain are checked."""

    @property
    def name(self) -> str:
        return "MEDDIC"

    def evaluate(self, prospect: Prospect, as_of: pendulum.Date) -> QualificationResult:
        role = prospect.bant.authority
        economic_buyer = CriterionResult(
            "economic_buyer",
            UNKNOWN if role is None else PASS if role is AuthorityRole.DECISION_MAKER else FAIL,
            f"role is {role}",
        )
        pain = prospect.bant.need_confirmed
        identify_pain = CriterionResult(
            "identify_pain",
            UNKNOWN if pain is None else PASS if pain else FAIL,
            f"pain confirmed: {pain}",
        )
        results = (economic_buyer, identify_pain)
        return QualificationResult(
            all(r.outcome is PASS for r in results), self.name, results, unknown_passes=False
        )


def qualify(criteria: CriteriaSet, prospect: Prospect, as_of: pendulum.Date) -> bool:
    """What the engine does with any criteria set: call evaluate, read the result."""
    return criteria.evaluate(prospect, as_of).qualified


class TestCriteriaSet:
    def test_qualification_criteria_is_a_criteria_set_named_bant(self) -> None:
        criteria = QualificationCriteria()
        assert isinstance(criteria, CriteriaSet)
        assert criteria.name == "BANT"

    def test_another_framework_plugs_in_without_touching_the_library(self) -> None:
        meddic = TinyMeddic()
        assert isinstance(meddic, CriteriaSet)
        prospect = with_bant(authority="decision_maker", need_confirmed=True)
        assert qualify(meddic, prospect, MEETING)
        result = meddic.evaluate(with_bant(authority="influencer"), MEETING)
        assert result.framework == "MEDDIC"
        assert [r.criterion for r in result.failed] == ["economic_buyer"]
        assert [r.criterion for r in result.unknown] == ["identify_pain"]
        assert result.reason == "role is influencer; pain confirmed: None"

    def test_an_object_without_evaluate_is_not_a_criteria_set(self) -> None:
        assert not isinstance(object(), CriteriaSet)
        assert not isinstance(BantRequirements(), CriteriaSet)


# -- properties ------------------------------------------------------------------------

# TODO(testing): switch to ppa_core.testing.qualification_criteria() and
# qualified_prospects() once that module lands.

KEYWORDS = ("engineering", "sales", "finance", "operations", "marketing")
BANNED = ("intern", "assistant", "student")
INDUSTRIES = ("software", "fintech", "healthcare", "retail", "logistics", "gambling")
COUNTRIES = ("DE", "FR", "US", "GB", "JP", "AT")
REGIONS = ("bavaria", "california", "ontario", "tyrol")
CURRENCY_CODES = ("EUR", "USD", "JPY")
MEETINGS = st.dates(min_value=pendulum.Date(2024, 1, 1), max_value=pendulum.Date(2028, 12, 31)).map(
    lambda d: pendulum.Date(d.year, d.month, d.day)
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def any_criteria(draw: st.DrawFn) -> QualificationCriteria:
    """Criteria with any filters switched on; shrinks towards empty criteria."""
    low = draw(maybe(st.integers(0, 5000)))
    high = draw(maybe(st.integers(low or 0, 10_000)))
    code = draw(st.sampled_from(CURRENCY_CODES))
    min_rev = draw(maybe(st.integers(0, 10**8)))
    return QualificationCriteria(
        seniorities=draw(st.frozensets(st.sampled_from(Seniority))),
        minimum_seniority=draw(maybe(st.sampled_from(Seniority))),
        title_include=draw(st.lists(st.sampled_from(KEYWORDS), max_size=2)),
        title_exclude=draw(st.lists(st.sampled_from(BANNED), max_size=2)),
        min_employees=low,
        max_employees=high,
        min_revenue=None if min_rev is None else Money(min_rev, code),
        countries=draw(st.frozensets(st.sampled_from(COUNTRIES), max_size=3)),
        regions=draw(st.frozensets(st.sampled_from(REGIONS), max_size=2)),
        industries_include=draw(st.frozensets(st.sampled_from(INDUSTRIES), max_size=3)),
        industries_exclude=draw(st.frozensets(st.sampled_from(INDUSTRIES), max_size=2)),
        min_intent_score=draw(maybe(st.integers(0, 100))),
        buying_stages=draw(st.frozensets(st.sampled_from(BuyingStage))),
        bant=BantRequirements(
            required=draw(st.frozensets(st.sampled_from(BantElement))),
            minimum_met=draw(st.integers(0, 4)),
            minimum_budget=draw(maybe(st.integers(0, 10**6).map(lambda n: Money(n, code)))),
            authority_roles=draw(st.frozensets(st.sampled_from(AuthorityRole), min_size=1)),
            max_days_to_decision=draw(maybe(st.integers(0, 365))),
        ),
        unknown_passes=draw(st.booleans()),
    )


@st.composite
def any_prospect(draw: st.DrawFn, as_of: pendulum.Date) -> Prospect:
    """A prospect with any mix of known and unknown evidence; shrinks towards all unknown."""
    code = draw(st.sampled_from(CURRENCY_CODES))
    decision_offset = draw(maybe(st.integers(-30, 400)))
    words = draw(st.lists(st.sampled_from(KEYWORDS + BANNED + ("vp", "head of")), max_size=3))
    return Prospect(
        id="p",
        name="Someone",
        job_title=" ".join(words),
        seniority=draw(maybe(st.sampled_from(Seniority))),
        company=Company(
            name="Co",
            employee_count=draw(maybe(st.integers(0, 20_000))),
            annual_revenue=draw(maybe(st.integers(0, 10**9).map(lambda n: Money(n, code)))),
            industry=draw(maybe(st.sampled_from(INDUSTRIES))),
            country=draw(maybe(st.sampled_from(COUNTRIES))),
            region=draw(maybe(st.sampled_from(REGIONS))),
        ),
        bant=BantEvidence(
            budget_confirmed=draw(maybe(st.booleans())),
            budget_amount=draw(maybe(st.integers(0, 10**7).map(lambda n: Money(n, code)))),
            authority=draw(maybe(st.sampled_from(AuthorityRole))),
            need_confirmed=draw(maybe(st.booleans())),
            decision_date=None if decision_offset is None else as_of.add(days=decision_offset),
        ),
        intent_score=draw(maybe(st.integers(0, 100))),
        buying_stage=draw(maybe(st.sampled_from(BuyingStage))),
    )


@st.composite
def criteria_with_a_qualified_prospect(
    draw: st.DrawFn, as_of: pendulum.Date
) -> tuple[QualificationCriteria, Prospect]:
    """Criteria and a prospect built to meet them (by construction, not by filtering).

    Every fact of the prospect is drawn first; each switched-on filter is then
    drawn around it. Shrinks towards empty criteria and a low-ranked prospect.
    """
    on = st.booleans()
    seniority = draw(st.sampled_from(Seniority))
    keyword = draw(st.sampled_from(KEYWORDS))
    industry = draw(st.sampled_from(INDUSTRIES))
    country = draw(st.sampled_from(COUNTRIES))
    region = draw(st.sampled_from(REGIONS))
    employees = draw(st.integers(0, 20_000))
    code = draw(st.sampled_from(CURRENCY_CODES))
    revenue = draw(st.integers(0, 10**9))
    intent = draw(st.integers(0, 100))
    stage = draw(st.sampled_from(BuyingStage))
    role = draw(st.sampled_from(AuthorityRole))
    budget = draw(st.integers(0, 10**7))
    max_days = draw(maybe(st.integers(0, 365)))
    days = draw(st.integers(0, 365 if max_days is None else max_days))

    title = f"{draw(st.sampled_from(['Head of', 'VP', 'Chief']))} {keyword.upper()}"
    prospect = Prospect(
        id="p",
        name="Someone",
        job_title=title,
        seniority=seniority,
        company=Company(
            name="Co",
            employee_count=employees,
            annual_revenue=Money(revenue, code),
            industry=industry.title(),
            country=country,
            region=region.upper(),
        ),
        bant=BantEvidence(
            budget_confirmed=True,
            budget_amount=Money(budget, code),
            authority=role,
            need_confirmed=True,
            decision_date=as_of.add(days=days),
        ),
        intent_score=intent,
        buying_stage=stage,
    )

    def subset_with(item: Any, pool: Any) -> frozenset[Any]:
        return frozenset({item, *draw(st.frozensets(st.sampled_from(pool)))})

    others = tuple(i for i in INDUSTRIES if i != industry)
    low_seniority = [s for s in Seniority if s <= seniority]
    criteria = QualificationCriteria(
        seniorities=subset_with(seniority, Seniority) if draw(on) else (),
        minimum_seniority=draw(st.sampled_from(low_seniority)) if draw(on) else None,
        title_include=sorted(subset_with(keyword, KEYWORDS)) if draw(on) else (),
        title_exclude=draw(st.lists(st.sampled_from(BANNED), max_size=2)),
        min_employees=draw(st.integers(0, employees)) if draw(on) else None,
        max_employees=draw(st.integers(employees, 50_000)) if draw(on) else None,
        min_revenue=Money(draw(st.integers(0, revenue)), code) if draw(on) else None,
        max_revenue=Money(draw(st.integers(revenue, 2 * 10**9)), code) if draw(on) else None,
        countries=subset_with(country, COUNTRIES) if draw(on) else (),
        regions=subset_with(region, REGIONS) if draw(on) else (),
        industries_include=subset_with(industry, INDUSTRIES) if draw(on) else (),
        industries_exclude=draw(st.frozensets(st.sampled_from(others), max_size=2)),
        min_intent_score=draw(st.integers(0, intent)) if draw(on) else None,
        buying_stages=subset_with(stage, BuyingStage) if draw(on) else (),
        bant=BantRequirements(
            required=draw(st.frozensets(st.sampled_from(BantElement))),
            minimum_met=draw(st.integers(0, 4)),
            minimum_budget=Money(draw(st.integers(0, budget)), code) if draw(on) else None,
            authority_roles=subset_with(role, AuthorityRole),
            max_days_to_decision=max_days,
        ),
        unknown_passes=draw(st.booleans()),
    )
    return criteria, prospect


class TestQualificationProperties:
    @given(st.data())
    def test_evaluation_is_deterministic_and_agrees_with_qualifies(
        self, data: st.DataObject
    ) -> None:
        as_of = data.draw(MEETINGS)
        criteria = data.draw(any_criteria())
        prospect = data.draw(any_prospect(as_of))
        bant_only = QualificationCriteria(
            bant=criteria.bant, unknown_passes=criteria.unknown_passes
        )
        for chosen in (criteria, bant_only):
            first = chosen.evaluate(prospect, as_of)
            assert chosen.evaluate(prospect, as_of) == first
            assert chosen.qualifies(prospect, as_of) is first.qualified

    @given(st.data())
    def test_a_failed_icp_filter_always_disqualifies(self, data: st.DataObject) -> None:
        as_of = data.draw(MEETINGS)
        criteria = data.draw(any_criteria())
        result = criteria.evaluate(data.draw(any_prospect(as_of)), as_of)
        bant_names = {e.value for e in BantElement} | {"bant_minimum"}
        if any(r.criterion not in bant_names for r in result.failed):
            assert not result.qualified
        if all(r.outcome is PASS for r in result.results):
            assert result.qualified

    @given(st.data())
    def test_letting_unknown_pass_never_disqualifies_anyone(self, data: st.DataObject) -> None:
        as_of = data.draw(MEETINGS)
        criteria = data.draw(any_criteria())
        prospect = data.draw(any_prospect(as_of))
        strict = attrs.evolve(criteria, unknown_passes=False).evaluate(prospect, as_of)
        lenient = attrs.evolve(criteria, unknown_passes=True).evaluate(prospect, as_of)
        assert lenient.qualified >= strict.qualified

        def per_criterion(result: QualificationResult) -> list[Outcome]:
            # The "k of 4" count is the one result that unknown_passes changes.
            return [r.outcome for r in result.results if r.criterion != "bant_minimum"]

        assert per_criterion(lenient) == per_criterion(strict)

    @given(any_criteria(), MEETINGS)
    def test_missing_evidence_is_never_a_fail(
        self, criteria: QualificationCriteria, as_of: pendulum.Date
    ) -> None:
        nothing_known = Prospect(id="p", name="Someone", job_title="", company=Company(name="Co"))
        result = criteria.evaluate(nothing_known, as_of)
        assert all(r.outcome is UNKNOWN for r in result.results if r.criterion != "bant_minimum")

    @given(st.data())
    def test_a_prospect_built_to_meet_the_criteria_qualifies(self, data: st.DataObject) -> None:
        as_of = data.draw(MEETINGS)
        criteria, prospect = data.draw(criteria_with_a_qualified_prospect(as_of))
        result = criteria.evaluate(prospect, as_of)
        assert result.qualified, result.reason
        assert result.failed == ()
        assert result.unknown == ()


class TestRememberedResults:
    """Criteria remember each criterion's result by the facts it reads."""

    @given(
        qualification_criteria(currency="EUR"),
        st.lists(
            st.tuples(prospects(currency="EUR"), st.dates().map(_pdate)), min_size=1, max_size=12
        ),
    )
    def test_remembered_results_equal_those_of_criteria_that_remember_nothing(
        self, criteria: QualificationCriteria, cases: list[tuple[Prospect, pendulum.Date]]
    ) -> None:
        for p, day in cases:
            criteria.evaluate(p, day)
        for p, day in cases:
            fresh = pickle.loads(pickle.dumps(criteria))  # rebuilt: nothing remembered
            assert criteria.evaluate(p, day) == fresh.evaluate(p, day)
            assert criteria.qualifies(p, day) is fresh.evaluate(p, day).qualified

    def test_equal_amounts_written_differently_read_as_written(self) -> None:
        criteria = QualificationCriteria(min_revenue=Money("10", "EUR"))
        one, two = (
            Prospect(
                id=f"p-{i}",
                name="Bo",
                job_title="CTO",
                company=Company(name="Co", annual_revenue=Money(amount, "EUR")),
            )
            for i, amount in enumerate(("20.0", "20.00"))
        )

        first = criteria.evaluate(one, MEETING).results[0].reason
        second = criteria.evaluate(two, MEETING).results[0].reason

        assert "20.0 " in first
        assert "20.00 " in second

    def test_equal_facts_share_one_result(self) -> None:
        criteria = QualificationCriteria(min_employees=200)
        one, two = (
            Prospect(
                id=f"p-{i}",
                name="Bo",
                job_title="CTO",
                company=Company(name=f"Co {i}", employee_count=500),
            )
            for i in (1, 2)
        )

        assert (
            criteria.evaluate(one, MEETING).results[0] is criteria.evaluate(two, MEETING).results[0]
        )
