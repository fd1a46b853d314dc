"""Prospect, Company and BANT evidence: validated at construction, unknown is not false."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_core.domain.money import Money
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

ACME = Company(name="Acme GmbH", employee_count=450, country="DE")


def make_prospect(**changes: Any) -> Prospect:
    fields: dict[str, Any] = {
        "id": "p-1",
        "name": "Ada Lovelace",
        "job_title": "VP Engineering",
        "company": ACME,
    }
    fields.update(changes)
    return Prospect(**fields)


# -- seniority -------------------------------------------------------------------------

LADDER = [
    Seniority.INDIVIDUAL_CONTRIBUTOR,
    Seniority.MANAGER,
    Seniority.DIRECTOR,
    Seniority.VP,
    Seniority.C_LEVEL,
]


class TestSeniority:
    def test_seniority_is_ordered_from_individual_contributor_to_c_level(self) -> None:
        for lower, higher in itertools.pairwise(LADDER):
            assert lower < higher
            assert higher > lower
            assert lower <= higher
            assert not higher <= lower

    def test_ordering_is_by_rank_not_alphabetical(self) -> None:
        # "c_level" sorts first alphabetically but is the most senior.
        alphabetical = sorted(LADDER, key=lambda s: s.value)
        assert alphabetical[0] is Seniority.C_LEVEL
        assert sorted(alphabetical) == LADDER
        assert max(LADDER) is Seniority.C_LEVEL

    def test_rank_counts_up_from_zero(self) -> None:
        assert [s.rank for s in LADDER] == list(range(5))

    def test_comparing_with_something_else_is_refused(self) -> None:
        with pytest.raises(TypeError):
            _ = Seniority.VP < "vp"

    def test_seniority_prints_as_its_stable_value(self) -> None:
        assert str(Seniority.C_LEVEL) == "c_level"
        assert Seniority("vp") is Seniority.VP

    @given(st.sampled_from(Seniority), st.sampled_from(Seniority))
    def test_order_agrees_with_position_on_the_ladder(self, a: Seniority, b: Seniority) -> None:
        assert (a < b) == (LADDER.index(a) < LADDER.index(b))
        assert (a == b) == (LADDER.index(a) == LADDER.index(b))


# -- company ---------------------------------------------------------------------------


class TestCompany:
    def test_only_the_name_is_required_and_the_rest_is_unknown(self) -> None:
        company = Company(name="Acme")
        assert company.employee_count is None
        assert company.annual_revenue is None
        assert company.industry is None
        assert company.country is None
        assert company.region is None
        assert company.domain is None

    def test_country_is_normalised_to_upper_case_alpha_2(self) -> None:
        assert Company(name="Acme", country=" de ").country == "DE"

    @pytest.mark.parametrize("country", ["XX", "EU", "AA", "ZZ"])
    def test_country_must_be_an_assigned_code(self, country: str) -> None:
        with pytest.raises(ValidationError) as info:
            Company(name="Acme", country=country)
        assert info.value.field == "company.country"

    def test_uk_is_refused_with_the_code_to_use(self) -> None:
        with pytest.raises(ValidationError, match="GB"):
            Company(name="Acme", country="UK")

    @pytest.mark.parametrize("country", ["GB", "us", "XK", "AX", "SS"])
    def test_assigned_codes_are_accepted(self, country: str) -> None:
        assert Company(name="Acme", country=country).country == country.upper()

    @pytest.mark.parametrize("country", ["DEU", "D", "", "1A", "Germany", 49])
    def test_country_must_be_iso_alpha_2(self, country: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Company(name="Acme", country=country)
        assert info.value.field == "company.country"
        assert info.value.value == country
        assert "alpha-2" in info.value.allowed

    @pytest.mark.parametrize("name", ["", "   ", None, 42])
    def test_name_must_be_non_empty_text(self, name: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Company(name=name)
        assert info.value.field == "company.name"

    @pytest.mark.parametrize("count", [-1, True, "200", 200.0])
    def test_employee_count_must_be_a_non_negative_whole_number(self, count: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Company(name="Acme", employee_count=count)
        assert info.value.field == "company.employee_count"
        assert info.value.value == count

    def test_a_company_with_no_employees_is_allowed(self) -> None:
        assert Company(name="Shell Co", employee_count=0).employee_count == 0

    @pytest.mark.parametrize("revenue", [1_000_000, "1000000 EUR", 1e6])
    def test_annual_revenue_must_be_money(self, revenue: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Company(name="Acme", annual_revenue=revenue)
        assert info.value.field == "company.annual_revenue"
        assert "Money" in info.value.allowed

    @pytest.mark.parametrize("field", ["industry", "region", "domain"])
    def test_optional_text_may_be_unknown_but_not_blank(self, field: str) -> None:
        unknown: dict[str, Any] = {field: None}
        assert getattr(Company(name="Acme", **unknown), field) is None
        with pytest.raises(ValidationError) as info:
            Company(name="Acme", **{field: "  "})  # type: ignore[arg-type]
        assert info.value.field == f"company.{field}"

    def test_key_is_the_domain_when_known(self) -> None:
        a = Company(name="Acme GmbH", domain="acme.example")
        b = Company(name="ACME Germany", domain=" ACME.example ")
        assert a.key == b.key == "acme.example"

    def test_key_falls_back_to_the_case_folded_name(self) -> None:
        assert Company(name=" Acme GmbH ").key == Company(name="ACME GMBH").key == "acme gmbh"

    def test_different_companies_have_different_keys(self) -> None:
        assert Company(name="Acme").key != Company(name="Globex").key


# -- BANT evidence ---------------------------------------------------------------------


class TestBantEvidence:
    def test_unknown_evidence_stays_none_not_false(self) -> None:
        bant = BantEvidence()
        assert bant.budget_confirmed is None
        assert bant.budget_amount is None
        assert bant.authority is None
        assert bant.need_confirmed is None
        assert bant.need is None
        assert bant.decision_date is None

    def test_a_denied_budget_is_false_not_unknown(self) -> None:
        assert BantEvidence(budget_confirmed=False).budget_confirmed is False

    def test_authority_accepts_a_role_or_its_value(self) -> None:
        assert BantEvidence(authority="champion").authority is AuthorityRole.CHAMPION
        assert (
            BantEvidence(authority=AuthorityRole.DECISION_MAKER).authority
            is AuthorityRole.DECISION_MAKER
        )

    def test_an_unknown_authority_lists_the_allowed_roles(self) -> None:
        with pytest.raises(ValidationError) as info:
            BantEvidence(authority="boss")
        assert info.value.field == "bant.authority"
        for role in AuthorityRole:
            assert repr(role.value) in info.value.allowed

    @pytest.mark.parametrize("field", ["budget_confirmed", "need_confirmed"])
    @pytest.mark.parametrize("value", [1, 0, "yes", "true"])
    def test_confirmations_are_booleans_not_truthy_values(self, field: str, value: Any) -> None:
        with pytest.raises(ValidationError) as info:
            BantEvidence(**{field: value})
        assert info.value.field == f"bant.{field}"

    def test_budget_amount_must_be_money(self) -> None:
        with pytest.raises(ValidationError) as info:
            BantEvidence(budget_confirmed=True, budget_amount=50_000)  # type: ignore[arg-type]
        assert info.value.field == "bant.budget_amount"
        assert BantEvidence(budget_amount=Money(50_000, "EUR")).budget_amount == Money(
            50_000, "EUR"
        )

    @pytest.mark.parametrize(
        "value", ["2026-03-31", dt.date(2026, 3, 31), pendulum.Date(2026, 3, 31)]
    )
    def test_decision_date_accepts_a_date_or_iso_text(self, value: Any) -> None:
        assert BantEvidence(decision_date=value).decision_date == pendulum.Date(2026, 3, 31)

    @pytest.mark.parametrize(
        "value",
        ["31/03/2026", "2026-02-30", dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC), 20260331],
    )
    def test_decision_date_must_be_a_calendar_date(self, value: Any) -> None:
        with pytest.raises(ValidationError) as info:
            BantEvidence(decision_date=value)
        assert info.value.field == "bant.decision_date"

    def test_need_text_may_be_unknown_but_not_blank(self) -> None:
        with pytest.raises(ValidationError) as info:
            BantEvidence(need="")
        assert info.value.field == "bant.need"


# -- prospect --------------------------------------------------------------------------


class TestProspect:
    def test_evidence_is_unknown_unless_given(self) -> None:
        prospect = make_prospect()
        assert prospect.seniority is None
        assert prospect.intent_score is None
        assert prospect.buying_stage is None
        assert prospect.source_channel is None
        assert prospect.bant == BantEvidence()

    def test_enums_accept_members_or_values(self) -> None:
        prospect = make_prospect(
            seniority="c_level", buying_stage="decision", source_channel=Channel.PHONE
        )
        assert prospect.seniority is Seniority.C_LEVEL
        assert prospect.buying_stage is BuyingStage.DECISION
        assert prospect.source_channel is Channel.PHONE

    @pytest.mark.parametrize(
        ("field", "enum_type"),
        [
            ("seniority", Seniority),
            ("buying_stage", BuyingStage),
            ("source_channel", Channel),
        ],
    )
    def test_an_unknown_enum_string_is_refused_listing_the_allowed_values(
        self, field: str, enum_type: type[Any]
    ) -> None:
        with pytest.raises(ValidationError) as info:
            make_prospect(**{field: "Chief"})
        assert info.value.field == f"prospect.{field}"
        assert info.value.value == "Chief"
        assert info.value.allowed == f"one of {tuple(m.value for m in enum_type)}"
        assert str(info.value).startswith(f"'prospect.{field}' must be one of (")

    def test_seniority_is_refused_in_upper_case(self) -> None:
        """Enum values are exact: 'VP' is not 'vp', and the error says which are allowed."""
        with pytest.raises(ValidationError) as info:
            make_prospect(seniority="VP")
        assert "'vp'" in info.value.allowed

    @pytest.mark.parametrize("score", [-1, 101, 50.0, True, "80"])
    def test_intent_score_must_be_a_whole_number_from_0_to_100(self, score: Any) -> None:
        with pytest.raises(ValidationError) as info:
            make_prospect(intent_score=score)
        assert info.value.field == "prospect.intent_score"
        assert "0 to 100" in info.value.allowed

    @pytest.mark.parametrize("score", [0, 100])
    def test_intent_score_bounds_are_inclusive(self, score: int) -> None:
        assert make_prospect(intent_score=score).intent_score == score

    @pytest.mark.parametrize("field", ["id", "name"])
    def test_id_and_name_must_be_non_empty(self, field: str) -> None:
        with pytest.raises(ValidationError) as info:
            make_prospect(**{field: " "})
        assert info.value.field == f"prospect.{field}"

    def test_an_empty_job_title_is_allowed_but_must_be_text(self) -> None:
        assert make_prospect(job_title="").job_title == ""
        with pytest.raises(ValidationError) as info:
            make_prospect(job_title=None)
        assert info.value.field == "prospect.job_title"

    def test_company_must_be_a_company(self) -> None:
        with pytest.raises(ValidationError) as info:
            make_prospect(company="Acme GmbH")
        assert info.value.field == "prospect.company"

    def test_bant_must_be_bant_evidence(self) -> None:
        with pytest.raises(ValidationError) as info:
            make_prospect(bant={"budget_confirmed": True})
        assert info.value.field == "prospect.bant"

    def test_function_may_be_unknown_but_not_blank(self) -> None:
        assert make_prospect(function="Engineering").function == "Engineering"
        with pytest.raises(ValidationError) as info:
            make_prospect(function="")
        assert info.value.field == "prospect.function"

    def test_a_prospect_is_immutable_and_evolve_returns_a_new_one(self) -> None:
        prospect = make_prospect(seniority="director")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            prospect.seniority = Seniority.VP  # type: ignore[misc]
        promoted = attrs.evolve(prospect, seniority="vp")
        assert promoted.seniority is Seniority.VP
        assert prospect.seniority is Seniority.DIRECTOR

    def test_evolve_validates_like_construction(self) -> None:
        with pytest.raises(ValidationError) as info:
            attrs.evolve(make_prospect(), intent_score=120)
        assert info.value.field == "prospect.intent_score"

    def test_prospects_with_the_same_facts_are_equal(self) -> None:
        assert make_prospect(seniority="vp") == make_prospect(seniority=Seniority.VP)
        assert hash(make_prospect()) == hash(make_prospect())
