"""ppa_core.testing: the strategies and factories partners build their test suites on."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ppa_core.testing as testing
from ppa_core.domain.appointment import Appointment
from ppa_core.domain.bant_requirements import BantElement, BantRequirements
from ppa_core.domain.contract import Contract, ContractTerms, Term
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Action, Actor, AppointmentState
from ppa_core.domain.money import CURRENCIES, Currency, Money
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import PerAppointment, PricingModel, Retainer, model_of
from ppa_core.domain.prospect import AuthorityRole, BantEvidence, Company, Prospect, Seniority
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.exceptions import NaiveDatetime, TransitionNotAllowed, ValidationError
from ppa_core.testing import (
    DEFAULT_START,
    TIMEZONES,
    appointments,
    aware_datetimes,
    bant_evidence,
    companies,
    contract_terms,
    contracts,
    currencies,
    make_appointment,
    make_contract,
    make_criteria,
    make_prospect,
    money,
    no_show_policies,
    prospects,
    qualification_criteria,
    qualified_prospects,
    timezones,
)

S = AppointmentState
MEETING_DAY = DEFAULT_START.date()
MEETING_DAYS = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)).map(
    lambda d: pendulum.Date(d.year, d.month, d.day)
)


def utc_offsets_differ_over_the_year(zone: str) -> bool:
    january = pendulum.datetime(2026, 1, 15, tz=zone).utcoffset()
    july = pendulum.datetime(2026, 7, 15, tz=zone).utcoffset()
    return january != july


class TestPublicSurface:
    def test_every_public_name_is_importable_and_documented(self) -> None:
        for name in testing.__all__:
            value = getattr(testing, name)
            if callable(value):
                assert value.__doc__, name
                assert "Returns:" in value.__doc__, name

    def test_every_strategy_states_what_it_shrinks_towards(self) -> None:
        factories = {"make_appointment", "make_contract", "make_criteria", "make_prospect"}
        factories.add("register_strategies")  # registers the strategies below; not one itself
        strategies = [n for n in testing.__all__ if n.islower() and n not in factories]
        for name in strategies:
            assert "hrinks towards" in getattr(testing, name).__doc__, name

    def test_the_strategies_are_hypothesis_strategies(self) -> None:
        built = [
            currencies(),
            money(),
            timezones(),
            aware_datetimes(),
            companies(),
            bant_evidence(),
            prospects(),
            qualification_criteria(),
            qualified_prospects(QualificationCriteria(), MEETING_DAY),
            no_show_policies(),
            appointments(),
            contract_terms(),
            contracts(),
        ]
        assert all(isinstance(s, st.SearchStrategy) for s in built)


class TestCurrencies:
    @given(currencies())
    def test_every_currency_drawn_is_one_the_library_knows(self, cur: Currency) -> None:
        assert CURRENCIES[cur.code] == cur

    @given(currencies(codes=["JPY", "BHD"]))
    def test_codes_restrict_the_currencies(self, cur: Currency) -> None:
        assert cur.code in {"JPY", "BHD"}

    @pytest.mark.parametrize(
        ("codes", "field"), [(["EUR", "XXX"], "codes[1]"), ([], "codes"), ("EUR", "codes")]
    )
    def test_bad_codes_are_refused_by_name(self, codes: Any, field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            currencies(codes=codes)
        assert raised.value.field == field


class TestMoney:
    @given(money())
    def test_amounts_are_rounded_to_the_minor_unit_within_the_default_range(
        self, amount: Money
    ) -> None:
        assert amount.is_rounded
        assert Decimal(0) <= amount.amount <= Decimal(100_000)
        assert -amount.amount.as_tuple().exponent <= amount.currency.minor_units  # type: ignore[operator]

    @given(money("JPY", "-10.5", "10.5"))
    def test_currency_and_bounds_are_honoured(self, amount: Money) -> None:
        assert amount.currency.code == "JPY"
        assert Decimal(-10) <= amount.amount <= Decimal(10)
        assert amount.amount == amount.amount.to_integral_value()

    @given(money(min_amount="0.5", max_amount="0.9"))
    def test_a_drawn_currency_is_one_that_has_an_amount_in_range(self, amount: Money) -> None:
        assert amount.currency.minor_units > 0
        assert Decimal("0.5") <= amount.amount <= Decimal("0.9")

    @given(money("EUR", "12.34", "12.34"))
    def test_equal_bounds_give_exactly_that_amount(self, amount: Money) -> None:
        assert amount == Money.of("12.34", "EUR")

    @given(money("EUR", "-999999999999999999.99", "999999999999999999.99"))
    def test_bounds_may_reach_money_s_limits(self, amount: Money) -> None:
        assert abs(amount.amount) < 10**18
        assert amount.is_rounded

    def test_bounds_do_not_depend_on_the_global_decimal_context(self) -> None:
        @given(st.data())
        def drawn(data: st.DataObject) -> None:
            with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
                amount = data.draw(money("EUR", "123456.78", "123456.78"))
            assert amount == Money.of("123456.78", "EUR")

        drawn()

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"currency": "eur"}, "currency"),
            ({"min_amount": 0.5}, "min_amount"),
            ({"max_amount": "lots"}, "max_amount"),
            ({"max_amount": Decimal("Infinity")}, "max_amount"),
            ({"min_amount": True}, "min_amount"),
            ({"min_amount": 10, "max_amount": 5}, "max_amount"),
            ({"currency": "EUR", "min_amount": "0.001", "max_amount": "0.009"}, "max_amount"),
            ({"min_amount": "0.0001", "max_amount": "0.0009"}, "max_amount"),
            ({"max_amount": "1e999999"}, "max_amount"),  # beyond Money's limits
            ({"min_amount": "-1E+18"}, "min_amount"),
            ({"max_amount": "1_000"}, "max_amount"),  # Money's text rules
        ],
    )
    def test_bad_options_are_refused_by_name(self, kwargs: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            money(**kwargs)
        assert raised.value.field == field


class TestTimezones:
    def test_zones_with_and_without_daylight_saving_are_all_there(self) -> None:
        wanted = {
            "Europe/Berlin",
            "America/New_York",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "Pacific/Chatham",
            "UTC",
        }
        assert wanted <= set(TIMEZONES)

    @given(timezones(dst=True))
    def test_dst_zones_change_their_offset_over_the_year(self, zone: str) -> None:
        assert utc_offsets_differ_over_the_year(zone)

    @given(timezones(dst=False))
    def test_zones_without_dst_keep_their_offset(self, zone: str) -> None:
        assert not utc_offsets_differ_over_the_year(zone)

    @given(timezones())
    def test_every_zone_is_a_valid_iana_name(self, zone: str) -> None:
        assert pendulum.timezone(zone).name == zone

    def test_dst_must_be_a_bool_or_none(self) -> None:
        with pytest.raises(ValidationError) as raised:
            timezones(dst="yes")  # type: ignore[arg-type]
        assert raised.value.field == "dst"


LOW = pendulum.datetime(2026, 3, 29, 0, 30, tz="UTC")
HIGH = pendulum.datetime(2026, 3, 29, 1, 30, tz="UTC")


class TestAwareDatetimes:
    @given(aware_datetimes())
    def test_instants_are_aware_and_in_the_default_range(self, moment: pendulum.DateTime) -> None:
        assert moment.utcoffset() is not None
        assert pendulum.datetime(2020, 1, 1, tz="UTC") <= moment
        assert moment <= pendulum.datetime(2031, 1, 1, tz="UTC")

    @given(aware_datetimes(LOW, HIGH, timezones=["Europe/Berlin"]))
    def test_bounds_and_zones_are_honoured_across_a_dst_change(
        self, moment: pendulum.DateTime
    ) -> None:
        """Berlin skips 02:00-03:00 local on 29 March 2026: every instant still exists."""
        assert LOW <= moment <= HIGH
        assert moment.timezone_name == "Europe/Berlin"
        assert moment.in_timezone("UTC").in_timezone("Europe/Berlin") == moment

    @given(aware_datetimes(timezones=timezones(dst=False)))
    def test_a_strategy_of_zones_is_accepted(self, moment: pendulum.DateTime) -> None:
        assert moment.timezone_name in {"UTC", "Asia/Kolkata", "Asia/Kathmandu"}

    def test_a_naive_bound_is_refused_by_name(self) -> None:
        with pytest.raises(NaiveDatetime) as raised:
            aware_datetimes(min_value=dt.datetime(2026, 1, 1))
        assert raised.value.field == "min_value"

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"min_value": HIGH, "max_value": LOW}, "max_value"),
            ({"timezones": ["Europe/Berlin", "Mars/Olympus"]}, "timezones[1]"),
            ({"timezones": []}, "timezones"),
            ({"timezones": "UTC"}, "timezones"),
        ],
    )
    def test_bad_options_are_refused_by_name(self, kwargs: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            aware_datetimes(**kwargs)
        assert raised.value.field == field


class TestProspects:
    @given(companies(currency="USD"))
    def test_company_revenue_is_in_the_asked_currency(self, company: Company) -> None:
        assert company.annual_revenue is None or company.annual_revenue.currency.code == "USD"

    @given(bant_evidence(currency="GBP"))
    def test_an_amount_or_need_is_known_only_once_confirmed(self, bant: BantEvidence) -> None:
        if bant.budget_amount is not None:
            assert bant.budget_confirmed is True
            assert bant.budget_amount.currency.code == "GBP"
        if bant.need is not None:
            assert bant.need_confirmed is True

    @given(prospects(seniority="vp"))
    def test_the_seniority_option_fixes_the_seniority(self, prospect: Prospect) -> None:
        assert prospect.seniority is Seniority.VP
        assert prospect.job_title

    @given(prospects(company=Company(name="Acme", domain="acme.example")))
    def test_the_company_option_builds_prospects_of_one_company(self, prospect: Prospect) -> None:
        assert prospect.company.key == "acme.example"

    @given(prospects())
    def test_unknown_evidence_is_drawn_too(self, prospect: Prospect) -> None:
        assert isinstance(prospect, Prospect)
        assert prospect.intent_score is None or 0 <= prospect.intent_score <= 100

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda: prospects(seniority="intern"), "seniority"),
            (lambda: prospects(currency="XXX"), "currency"),
            (lambda: prospects(company="Acme"), "company"),
            (lambda: companies(currency=1), "currency"),
            (lambda: bant_evidence(currency="euro"), "currency"),
        ],
    )
    def test_bad_options_are_refused_by_name(self, build: Any, field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            build()
        assert raised.value.field == field


class TestQualifiedProspects:
    @given(st.data(), MEETING_DAYS)
    def test_drawn_prospects_meet_any_drawn_criteria(self, data: st.DataObject, day: Any) -> None:
        criteria = data.draw(qualification_criteria())
        prospect = data.draw(qualified_prospects(criteria, day))
        result = criteria.evaluate(prospect, day)
        assert result.qualified, result.reason
        assert criteria.qualifies(prospect, day)

    @given(qualification_criteria(currency="JPY"))
    def test_money_bounds_are_in_the_asked_currency(self, criteria: QualificationCriteria) -> None:
        bounds = [criteria.min_revenue, criteria.max_revenue, criteria.bant.minimum_budget]
        assert all(b.currency.code == "JPY" for b in bounds if b is not None)

    TIGHT = QualificationCriteria(
        seniorities={"vp", "c_level"},
        minimum_seniority="director",
        title_include=["sales"],
        title_exclude=["assistant", "inside sales"],
        min_employees=200,
        max_employees=200,
        min_revenue=Money.of("1000.005", "EUR"),
        max_revenue=Money.of("1000.01", "EUR"),
        countries=["DE"],
        regions=["Bavaria"],
        industries_include=["Software", "Gambling"],
        industries_exclude=["gambling"],
        min_intent_score=100,
        buying_stages={"decision"},
        bant=BantRequirements(
            required={BantElement.AUTHORITY, BantElement.TIMELINE},
            minimum_met=4,
            minimum_budget=Money.of(50_000, "USD"),
            authority_roles={AuthorityRole.CHAMPION},
            max_days_to_decision=0,
        ),
    )

    @given(qualified_prospects(TIGHT, MEETING_DAY))
    def test_every_filter_of_tight_criteria_gets_a_passing_value(self, prospect: Prospect) -> None:
        assert self.TIGHT.evaluate(prospect, MEETING_DAY).qualified
        assert prospect.company.employee_count == 200
        assert prospect.company.annual_revenue == Money.of("1000.01", "EUR")
        assert prospect.bant.decision_date == MEETING_DAY
        assert prospect.bant.authority is AuthorityRole.CHAMPION
        assert "inside sales" not in prospect.job_title.casefold()

    UNKNOWN_PASSES = QualificationCriteria(
        minimum_seniority="vp",
        bant=BantRequirements(required={BantElement.AUTHORITY}, authority_roles=()),
        unknown_passes=True,
    )

    @given(qualified_prospects(UNKNOWN_PASSES, MEETING_DAY))
    def test_with_unknown_passes_unknown_evidence_may_qualify(self, prospect: Prospect) -> None:
        """No role counts as authority, but unknown authority passes: it stays unknown."""
        assert prospect.bant.authority is None
        assert self.UNKNOWN_PASSES.evaluate(prospect, MEETING_DAY).qualified

    @pytest.mark.parametrize(
        "criteria",
        [
            QualificationCriteria(seniorities={"manager"}, minimum_seniority="vp"),
            QualificationCriteria(title_include=["vp sales"], title_exclude=["sales"]),
            QualificationCriteria(industries_include=["retail"], industries_exclude=["retail"]),
            QualificationCriteria(
                min_revenue=Money.of("10.001", "EUR"), max_revenue=Money.of("10.004", "EUR")
            ),
            QualificationCriteria(
                bant=BantRequirements(required={BantElement.AUTHORITY}, authority_roles=())
            ),
            QualificationCriteria(bant=BantRequirements(minimum_met=4, authority_roles=())),
        ],
    )
    def test_criteria_no_prospect_can_meet_are_refused_when_the_strategy_is_built(
        self, criteria: QualificationCriteria
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            qualified_prospects(criteria, MEETING_DAY)
        assert raised.value.field == "criteria"
        assert "some prospect can meet" in str(raised.value)

    @pytest.mark.parametrize(
        ("criteria", "as_of", "field"),
        [
            (object(), MEETING_DAY, "criteria"),
            (QualificationCriteria(), DEFAULT_START, "as_of"),
            (QualificationCriteria(), "soon", "as_of"),
        ],
    )
    def test_bad_arguments_are_refused_by_name(self, criteria: Any, as_of: Any, field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            qualified_prospects(criteria, as_of)
        assert raised.value.field == field


class TestNoShowPolicies:
    @given(no_show_policies())
    def test_every_policy_is_valid_with_a_fee_from_0_to_1(self, policy: NoShowPolicy) -> None:
        assert Decimal(0) <= policy.prospect_no_show_fee <= Decimal(1)
        assert attrs.evolve(policy) == policy


class TestAppointments:
    @pytest.mark.parametrize("state", list(AppointmentState))
    def test_the_history_ends_in_the_asked_state(self, state: AppointmentState) -> None:
        @given(appointments(state=state))
        def check(appointment: Appointment) -> None:
            assert appointment.state is state
            assert appointment.history[-1].state is state

        check()

    @given(appointments())
    def test_the_history_is_one_the_real_transitions_accept(self, appointment: Appointment) -> None:
        rebuilt = Appointment(appointment.id, appointment.prospect, appointment.history)
        assert rebuilt.state is appointment.state
        moments = [e.at for e in appointment.history]
        assert moments == sorted(moments)
        assert appointment.history[0].action is Action.PROPOSE

    @given(appointments())
    def test_outcomes_of_the_meeting_come_at_or_after_its_start(
        self, appointment: Appointment
    ) -> None:
        if appointment.state in {S.HELD, S.NO_SHOW}:
            assert appointment.outcome_at is not None
            assert appointment.outcome_at >= appointment.start
        if appointment.state is S.HELD:
            assert appointment.attendance is not None
            assert appointment.attendance.prospect_attended
        if appointment.state is S.NO_SHOW:
            assert appointment.absent

    START = pendulum.datetime(2026, 10, 25, 2, 30, tz="Europe/Berlin")
    PROSPECT = make_prospect(id="p-42")

    @given(appointments(prospect=PROSPECT, start=START, max_reschedules=1))
    def test_prospect_start_and_reschedules_are_honoured(self, appointment: Appointment) -> None:
        assert appointment.prospect == self.PROSPECT
        assert appointment.start == self.START
        assert appointment.reschedule_count <= 1

    @given(appointments(state="scheduled", max_reschedules=0))
    def test_no_reschedules_when_none_are_allowed(self, appointment: Appointment) -> None:
        assert appointment.reschedule_count == 0
        assert appointment.original_start == appointment.start

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"state": "rescheduled"}, "state"),
            ({"prospect": "p-1"}, "prospect"),
            ({"start": dt.datetime(2026, 3, 2, 10)}, "start"),
            ({"max_reschedules": -1}, "max_reschedules"),
            ({"max_reschedules": 11}, "max_reschedules"),
        ],
    )
    def test_bad_options_are_refused_by_name(self, kwargs: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            appointments(**kwargs)
        assert raised.value.field == field


class TestContracts:
    @given(contract_terms(currency="CHF", models=["retainer"]))
    def test_terms_honour_the_currency_and_the_models(self, terms: ContractTerms) -> None:
        assert isinstance(terms.pricing, Retainer)
        assert terms.pricing.currency.code == "CHF"

    @given(contract_terms())
    def test_every_amount_of_the_terms_is_in_one_currency(self, terms: ContractTerms) -> None:
        terms.check_currency(terms.pricing.currency, "terms")
        assert model_of(terms.pricing) in set(PricingModel)

    @given(contracts(currency="JPY", timezone="America/Santiago", max_amendments=2))
    def test_contracts_honour_currency_timezone_and_amendments(self, contract: Contract) -> None:
        assert (contract.currency.code, contract.timezone) == ("JPY", "America/Santiago")
        assert len(contract.amendments) <= 2
        starts = [contract.effective_from(a) for a in contract.amendments]
        assert starts == sorted(starts)
        assert len(set(starts)) == len(starts)
        assert all(s > contract.term_start for s in starts)
        if contract.term_end is not None:
            assert all(s < contract.term_end for s in starts)

    @given(contracts(max_amendments=0, models=[PricingModel.PAY_PER_APPOINTMENT]))
    def test_no_amendments_when_none_are_allowed(self, contract: Contract) -> None:
        assert contract.amendments == ()
        assert isinstance(contract.terms.pricing, PerAppointment)

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda: contract_terms(currency="XXX"), "currency"),
            (lambda: contract_terms(models=["barter"]), "models[0]"),
            (lambda: contract_terms(models=[]), "models"),
            (lambda: contract_terms(models="retainer"), "models"),
            (lambda: contracts(timezone=1), "timezone"),
            (lambda: contracts(timezone="Berlin"), "timezone"),
            (lambda: contracts(max_amendments=-1), "max_amendments"),
            (lambda: contracts(currency="usd"), "currency"),
        ],
    )
    def test_bad_options_are_refused_by_name(self, build: Any, field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            build()
        assert raised.value.field == field


class TestProspectAndCriteriaFactories:
    def test_the_default_prospect_qualifies_under_the_default_criteria(self) -> None:
        result = make_criteria().evaluate(make_prospect(), MEETING_DAY)
        assert result.qualified, result.reason

    def test_a_manager_does_not_meet_the_default_criteria(self) -> None:
        result = make_criteria().evaluate(make_prospect(seniority="manager"), MEETING_DAY)
        assert not result.qualified
        assert [r.criterion for r in result.failed] == ["seniority"]

    def test_overrides_replace_only_what_they_name(self) -> None:
        prospect = make_prospect(id="p-9", bant=BantEvidence())
        assert (prospect.id, prospect.bant) == ("p-9", BantEvidence())
        assert prospect.company == make_prospect().company
        criteria = make_criteria(min_employees=1_000)
        assert criteria.min_employees == 1_000
        assert criteria.minimum_seniority == make_criteria().minimum_seniority

    @pytest.mark.parametrize("factory", [make_prospect, make_criteria])
    def test_an_unknown_override_is_refused_by_name(self, factory: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            factory(shoe_size=42)
        assert raised.value.field == "shoe_size"

    def test_a_bad_override_value_is_refused_by_the_domain(self) -> None:
        with pytest.raises(ValidationError) as raised:
            make_prospect(intent_score=101)
        assert raised.value.field == "prospect.intent_score"


class TestAppointmentFactory:
    def test_by_default_a_meeting_held_in_full_at_the_default_start(self) -> None:
        held = make_appointment()
        assert held.state is S.HELD
        assert held.start == DEFAULT_START
        assert held.attendance == Attendance(attended_minutes=held.duration_minutes)
        assert held.booked_at == DEFAULT_START.subtract(days=7)
        assert held.prospect == make_prospect()

    @pytest.mark.parametrize("state", list(AppointmentState))
    def test_every_state_can_be_made(self, state: AppointmentState) -> None:
        assert make_appointment(state).state is state

    def test_reschedules_lead_from_the_earlier_starts_to_the_start(self) -> None:
        first, second = DEFAULT_START.subtract(days=2), DEFAULT_START.subtract(days=1)
        moved = make_appointment("no_show", rescheduled_from=[first, second])
        assert (moved.original_start, moved.start) == (first, DEFAULT_START)
        assert moved.reschedule_count == 2

    def test_confirmation_and_outcome_facts_are_honoured(self) -> None:
        late = DEFAULT_START.add(hours=2)
        missed = make_appointment(
            "no_show", confirmed=True, outcome_at=late, absent=Actor.CLIENT, actor=Actor.CLIENT
        )
        assert Action.CONFIRM in [e.action for e in missed.history]
        assert (missed.outcome_at, missed.is_host_no_show) == (late, True)
        assert missed.history[-1].actor is Actor.CLIENT

    def test_a_confirmed_meeting_may_have_been_rescheduled_before(self) -> None:
        confirmed = make_appointment(
            "confirmed", confirmed=True, rescheduled_from=[DEFAULT_START.subtract(days=1)]
        )
        assert confirmed.state is S.CONFIRMED
        assert confirmed.reschedule_count == 1

    def test_a_cancellation_defaults_to_the_prospect_two_days_ahead(self) -> None:
        cancelled = make_appointment("cancelled")
        assert cancelled.cancelled_by is Actor.PROSPECT
        assert cancelled.cancelled_at == DEFAULT_START.subtract(days=2)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"state": "rebooked"}, "state"),
            ({"start": dt.datetime(2026, 3, 2, 10)}, "start"),
            ({"state": "no_show", "attendance": Attendance(attended_minutes=1)}, "attendance"),
            ({"state": "held", "absent": Actor.CLIENT}, "absent"),
            ({"state": "proposed", "confirmed": True}, "confirmed"),
            ({"state": "scheduled", "confirmed": True}, "confirmed"),
            (
                {"state": "proposed", "rescheduled_from": [DEFAULT_START.subtract(days=1)]},
                "rescheduled_from",
            ),
            ({"outcome_at": dt.datetime(2026, 3, 2, 11)}, "outcome_at"),
            ({"booked_at": dt.datetime(2026, 3, 1)}, "booked_at"),
        ],
    )
    def test_bad_arguments_are_refused_by_name(self, kwargs: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            make_appointment(**kwargs)
        assert raised.value.field == field

    def test_an_outcome_before_the_start_is_refused_by_the_state_machine(self) -> None:
        with pytest.raises(TransitionNotAllowed):
            make_appointment("held", outcome_at=DEFAULT_START.subtract(minutes=1))


class TestContractFactory:
    def test_by_default_350_euros_a_meeting_in_berlin_from_january_2026(self) -> None:
        contract = make_contract()
        assert contract.terms.pricing == PerAppointment(price=Money.of(350, "EUR"))
        assert (contract.currency.code, contract.timezone) == ("EUR", "Europe/Berlin")
        assert contract.term == Term(start=pendulum.Date(2026, 1, 1))
        assert contract.terms.criteria == make_criteria()
        assert contract.terms.policy == NoShowPolicy()

    def test_term_fields_go_to_the_terms_and_contract_fields_to_the_contract(self) -> None:
        contract = make_contract(cap=10, client="Globex", timezone="America/New_York")
        assert contract.terms.cap == 10
        assert (contract.client, contract.timezone) == ("Globex", "America/New_York")

    def test_a_currency_alone_moves_the_default_price_to_it(self) -> None:
        contract = make_contract(currency="USD")
        assert contract.terms.pricing == PerAppointment(price=Money.of(350, "USD"))

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"shoe_size": 42}, "shoe_size"),
            ({"cap": 3, "terms": make_contract().terms}, "cap"),
            ({"currency": "euro"}, "currency"),
            ({"cap": -1}, "cap"),
        ],
    )
    def test_bad_overrides_are_refused_by_name(self, kwargs: dict[str, Any], field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            make_contract(**kwargs)
        assert raised.value.field == field
