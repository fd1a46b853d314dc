"""Custom rules: added without editing the library, traced in order, checked when built (s. 8)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import (
    ACROSS_ORDER,
    BUILTIN_ORDER,
    LATER,
    at,
    contract,
    eur,
    held,
    no_show,
    prospect,
    rule_ids,
    terms,
    verdict,
)
from ppa_core import (
    Appointment,
    AppointmentState,
    BillingEngine,
    Condition,
    Contract,
    Decision,
    DecisionStatus,
    Finding,
    Require,
    RuleContext,
    RuleDefinitionError,
    RuleOutcome,
    ValidationError,
    all_of,
    any_of,
    condition,
    not_,
)

is_held = condition("held", lambda ctx: ctx.appointment.state is AppointmentState.HELD)
long_enough = condition(
    "attended >= 45 min",
    lambda ctx: (
        ctx.appointment.attendance is not None and ctx.appointment.attendance.attended_minutes >= 45
    ),
)
MIN_45 = Require("min_duration_45", long_enough, code="SHORT_MEETING", when=is_held)
"""A client who wants 45-minute meetings, not the policy's 15."""

in_germany = condition(
    "company in DE", lambda ctx: ctx.appointment.prospect.company.country == "DE"
)
GERMANY_ONLY = Require("germany_only", in_germany, code="OUTSIDE_TERRITORY")


def decided(
    c: Contract, appointment: Appointment, extra_rules: tuple[object, ...] = ()
) -> Decision:
    engine = BillingEngine(c, extra_rules=extra_rules)
    return engine.decide(appointment, as_of=LATER, trace=True)


def context(appointment: Appointment) -> RuleContext:
    c = contract()
    return RuleContext(appointment, c, c.terms_at(appointment.booked_at), LATER)


class TestRequireInContractTerms:
    def test_contract_rule_runs_after_the_built_in_rules_and_before_duplicates(self) -> None:
        decision = decided(contract(terms(extra_rules=(MIN_45,))), held("a-1", at(2), minutes=50))

        assert rule_ids(decision) == (*BUILTIN_ORDER, "min_duration_45", *ACROSS_ORDER)
        line = verdict(decision, "min_duration_45")
        assert line.outcome is RuleOutcome.PASS
        assert "attended >= 45 min holds" in line.reason

    def test_contract_rule_can_make_an_appointment_not_billable(self) -> None:
        decision = decided(contract(terms(extra_rules=(MIN_45,))), held("a-1", at(2), minutes=30))

        assert decision.status is DecisionStatus.NOT_BILLABLE
        assert decision.reason_codes == ("SHORT_MEETING",)
        line = verdict(decision, "min_duration_45")
        assert line.outcome is RuleOutcome.FAIL
        assert line.code == "SHORT_MEETING"
        assert "attended >= 45 min" in line.reason
        assert verdict(decision, "cap").outcome is RuleOutcome.SKIP

    def test_rule_that_does_not_apply_is_skipped_and_says_so(self) -> None:
        decision = decided(contract(terms(extra_rules=(MIN_45,))), no_show("a-1", at(2)))

        line = verdict(decision, "min_duration_45")
        assert line.outcome is RuleOutcome.SKIP
        assert "held" in line.reason
        assert decision.reason_codes == ("PROSPECT_NO_SHOW",)

    def test_custom_reason_code_is_reported_like_a_built_in_one(self) -> None:
        abroad = attrs.evolve(prospect(), company=attrs.evolve(prospect().company, country="FR"))

        decision = decided(
            contract(terms(extra_rules=(GERMANY_ONLY,))), held("a-1", at(2), who=abroad)
        )

        assert decision.reason_codes == ("OUTSIDE_TERRITORY",)
        assert "company in DE does not hold" in verdict(decision, "germany_only").reason

    def test_a_rule_added_by_amendment_governs_only_meetings_booked_after_it(self) -> None:
        c = contract().amend(pendulum.Date(2026, 3, 15), extra_rules=(MIN_45,))
        before = held("a-1", at(20), minutes=30, booked_at=at(10), who=prospect("p-1"))
        after = held("a-2", at(21), minutes=30, booked_at=at(16), who=prospect("p-2"))

        assert decided(c, before, ()).status is DecisionStatus.BILLABLE
        assert decided(c, after, ()).reason_codes == ("SHORT_MEETING",)
        assert "min_duration_45" not in rule_ids(decided(c, before, ()))


class TestRequireInEngine:
    def test_engine_rule_appears_in_the_trace_in_order(self) -> None:
        decision = decided(contract(), held("a-1", at(2), minutes=50), (MIN_45,))

        assert rule_ids(decision) == (*BUILTIN_ORDER, "min_duration_45", *ACROSS_ORDER)

    def test_engine_rule_can_make_an_appointment_not_billable(self) -> None:
        decision = decided(contract(), held("a-1", at(2), minutes=30), (MIN_45,))

        assert decision.status is DecisionStatus.NOT_BILLABLE
        assert decision.reason_codes == ("SHORT_MEETING",)

    def test_contract_rules_run_before_engine_rules(self) -> None:
        c = contract(terms(extra_rules=(GERMANY_ONLY,)))

        decision = decided(c, held("a-1", at(2), minutes=50), (MIN_45,))

        assert rule_ids(decision) == (
            *BUILTIN_ORDER,
            "germany_only",
            "min_duration_45",
            *ACROSS_ORDER,
        )

    def test_engine_rules_apply_to_every_version_of_the_terms(self) -> None:
        c = contract().amend(pendulum.Date(2026, 3, 15), dispute_window_days=3)
        after = held("a-1", at(21), minutes=30, booked_at=at(16))

        assert decided(c, after, (MIN_45,)).reason_codes == ("SHORT_MEETING",)


@attrs.frozen
class OffHoursHalfPrice:
    """A plain rule class: meetings starting after 18:00 local are billed at half price."""

    rule_id: str = "off_hours"

    def __call__(self, ctx: RuleContext) -> Finding | None:
        if ctx.local_start.hour >= 18:
            return Finding(RuleOutcome.CHARGE, "OFF_HOURS", "after 18:00", Decimal("0.5"))
        return None


class TestPlainCallableRule:
    def test_a_function_with_a_rule_id_is_a_rule(self) -> None:
        def weekday_only(ctx: RuleContext) -> Finding | None:
            if ctx.local_start.weekday() >= 5:
                return Finding(RuleOutcome.FAIL, "WEEKEND", "meeting on a weekend")
            return None

        weekday_only.rule_id = "weekday_only"  # type: ignore[attr-defined]
        saturday = held("a-1", at(7))

        decision = decided(contract(), saturday, (weekday_only,))

        assert decision.reason_codes == ("WEEKEND",)
        assert verdict(decision, "weekday_only").reason == "meeting on a weekend"
        assert rule_ids(decision) == (*BUILTIN_ORDER, "weekday_only", *ACROSS_ORDER)

    def test_a_passing_plain_rule_reads_as_passed(self) -> None:
        decision = decided(contract(), held("a-1", at(2)), (OffHoursHalfPrice(),))

        line = verdict(decision, "off_hours")
        assert line.outcome is RuleOutcome.PASS
        assert line.reason == "passed"

    def test_a_plain_rule_can_charge_a_fraction_of_the_price(self) -> None:
        decision = decided(contract(), held("a-1", at(2, 19)), (OffHoursHalfPrice(),))

        assert decision.status is DecisionStatus.BILLABLE
        assert decision.amount == eur("175.00")
        assert decision.reason_codes == ("OFF_HOURS",)


class TestBrokenRuleDefinitions:
    def test_two_rules_with_one_rule_id_are_refused_when_the_engine_is_built(self) -> None:
        twin = Require("min_duration_45", is_held, code="OTHER")

        with pytest.raises(RuleDefinitionError) as raised:
            BillingEngine(contract(), extra_rules=(MIN_45, twin))
        assert raised.value.rule == "min_duration_45"

    def test_a_contract_rule_and_an_engine_rule_with_one_id_are_refused(self) -> None:
        with pytest.raises(RuleDefinitionError):
            BillingEngine(contract(terms(extra_rules=(MIN_45,))), extra_rules=(MIN_45,))

    def test_two_contract_rules_with_one_id_are_refused_when_the_engine_is_built(self) -> None:
        c = contract(terms(extra_rules=(MIN_45, MIN_45)))

        with pytest.raises(RuleDefinitionError):
            BillingEngine(c)

    @pytest.mark.parametrize("taken", [*BUILTIN_ORDER, *ACROSS_ORDER])
    def test_a_rule_may_not_take_a_built_in_rules_id(self, taken: str) -> None:
        with pytest.raises(RuleDefinitionError) as raised:
            BillingEngine(contract(), extra_rules=(Require(taken, is_held, code="X"),))
        assert raised.value.rule == taken

    def test_a_rule_without_rule_id_is_refused_when_the_engine_is_built(self) -> None:
        def anonymous(ctx: RuleContext) -> Finding | None:
            return None

        with pytest.raises(RuleDefinitionError):
            BillingEngine(contract(), extra_rules=(anonymous,))

    def test_a_rule_that_cannot_be_called_is_refused(self) -> None:
        @attrs.frozen
        class NotCallable:
            rule_id: str = "inert"

        with pytest.raises(RuleDefinitionError):
            BillingEngine(contract(), extra_rules=(NotCallable(),))

    @pytest.mark.parametrize("trace", [False, True])
    def test_a_rule_that_raises_is_reported_with_its_id(self, trace: bool) -> None:
        @attrs.frozen
        class Ratio:
            rule_id: str = "ratio"

            def __call__(self, ctx: RuleContext) -> Finding | None:
                attended = ctx.appointment.attendance
                minutes = 0 if attended is None else attended.join_delay_minutes
                if 30 / minutes > 1:  # no delay: divides by zero
                    return Finding(RuleOutcome.FAIL, "SLOW", "joined late")
                return None

        engine = BillingEngine(contract(), extra_rules=(Ratio(),))

        with pytest.raises(RuleDefinitionError) as raised:
            engine.decide(held("a-1", at(2)), as_of=LATER, trace=trace)
        assert raised.value.rule == "ratio"
        assert "ZeroDivisionError" in raised.value.problem
        assert "'a-1'" in raised.value.problem
        assert isinstance(raised.value.__cause__, ZeroDivisionError)

    @pytest.mark.parametrize("trace", [False, True])
    def test_a_rule_that_returns_something_else_than_a_finding_is_reported(
        self, trace: bool
    ) -> None:
        def verdict_in_words(ctx: RuleContext) -> Finding | None:
            return "not billable"  # type: ignore[return-value]

        verdict_in_words.rule_id = "in_words"  # type: ignore[attr-defined]
        engine = BillingEngine(contract(), extra_rules=(verdict_in_words,))

        with pytest.raises(RuleDefinitionError) as raised:
            engine.decide(held("a-1", at(2)), as_of=LATER, trace=trace)
        assert raised.value.rule == "in_words"
        assert "a Finding or None" in raised.value.problem

    def test_a_rule_that_misuses_money_is_reported_with_its_id(self) -> None:
        def half_price(ctx: RuleContext) -> Finding | None:
            _ = ctx.terms.pricing.price / 2  # type: ignore[attr-defined]
            return None

        half_price.rule_id = "half_price"  # type: ignore[attr-defined]
        engine = BillingEngine(contract(), extra_rules=(half_price,))

        with pytest.raises(RuleDefinitionError) as raised:
            engine.decide(held("a-1", at(2)), as_of=LATER)
        assert raised.value.rule == "half_price"
        assert "MoneyOperationError" in raised.value.problem

    def test_a_trace_key_that_raises_is_reported_with_its_id(self) -> None:
        @attrs.frozen
        class Keyed:
            rule_id: str = "keyed"

            def __call__(self, ctx: RuleContext) -> Finding | None:
                return None

            def trace_key(self, ctx: RuleContext) -> object:
                return {}["missing"]

        engine = BillingEngine(contract(), extra_rules=(Keyed(),))

        assert engine.decide(held("a-1", at(2)), as_of=LATER).billable  # untraced: no key
        with pytest.raises(RuleDefinitionError) as raised:
            engine.decide(held("a-1", at(2)), as_of=LATER, trace=True)
        assert raised.value.rule == "keyed"
        assert "trace_key() raised KeyError" in raised.value.problem

    def test_contract_terms_refuse_a_rule_without_rule_id_at_once(self) -> None:
        with pytest.raises(ValidationError) as raised:
            terms(extra_rules=(lambda ctx: None,))
        assert raised.value.field == "extra_rules[0]"

    @pytest.mark.parametrize("code", ["short", "", "1_BAD", "SHORT MEETING"])
    def test_a_requirement_needs_an_upper_case_reason_code(self, code: str) -> None:
        with pytest.raises(RuleDefinitionError):
            Require("min_duration_45", long_enough, code=code)

    def test_a_requirement_needs_a_rule_id(self) -> None:
        with pytest.raises(RuleDefinitionError):
            Require("  ", long_enough, code="SHORT_MEETING")

    def test_a_condition_needs_a_name_and_a_callable(self) -> None:
        with pytest.raises(RuleDefinitionError):
            condition("", lambda ctx: True)
        with pytest.raises(RuleDefinitionError):
            condition("always", True)  # type: ignore[arg-type]


ALWAYS = condition("always", lambda ctx: True)
NEVER = condition("never", lambda ctx: False)


def boom(ctx: RuleContext) -> bool:
    raise AssertionError("evaluated after the outcome was known")


EXPLODES = condition("explodes", boom)


class TestCombinators:
    def ctx(self) -> RuleContext:
        return context(held("a-1", at(2), minutes=50))

    def test_all_of_holds_only_when_every_condition_holds(self) -> None:
        ctx = self.ctx()

        assert all_of(ALWAYS, is_held, long_enough)(ctx)
        assert not all_of(ALWAYS, NEVER)(ctx)

    def test_all_of_stops_at_the_first_false_condition(self) -> None:
        assert not all_of(NEVER, EXPLODES)(self.ctx())

    def test_any_of_holds_when_one_condition_holds(self) -> None:
        ctx = self.ctx()

        assert any_of(NEVER, ALWAYS)(ctx)
        assert not any_of(NEVER, NEVER)(ctx)
        assert any_of(ALWAYS, EXPLODES)(ctx)

    def test_not_holds_when_its_condition_does_not(self) -> None:
        ctx = self.ctx()

        assert not_(NEVER)(ctx)
        assert not not_(is_held)(ctx)

    def test_combined_conditions_read_as_what_they_test(self) -> None:
        combined = all_of(is_held, not_(any_of(long_enough, NEVER)))

        assert combined.name == "all_of(held, not(any_of(attended >= 45 min, never)))"
        assert repr(combined) == f"Condition({combined.name})"

    def test_combinators_need_at_least_one_condition_and_only_conditions(self) -> None:
        with pytest.raises(RuleDefinitionError):
            all_of()
        with pytest.raises(RuleDefinitionError):
            any_of(ALWAYS, lambda ctx: True)  # type: ignore[arg-type]
        with pytest.raises(RuleDefinitionError):
            not_(True)  # type: ignore[arg-type]

    def test_a_requirement_over_combined_conditions_decides_billing(self) -> None:
        big = condition(
            "500+ employees",
            lambda ctx: (ctx.appointment.prospect.company.employee_count or 0) >= 500,
        )
        rule = Require(
            "enterprise_or_long",
            any_of(big, long_enough),
            code="NOT_ENTERPRISE",
            when=not_(NEVER),
        )
        small = prospect("p-2", company="Tiny GmbH", employees=20)

        short_small = decided(contract(), held("a-1", at(2), minutes=30, who=small), (rule,))
        long_small = decided(contract(), held("a-2", at(3), minutes=50, who=small), (rule,))
        short_big = decided(contract(), held("a-3", at(4), minutes=30), (rule,))

        assert short_small.reason_codes == ("NOT_ENTERPRISE",)
        assert (
            "any_of(500+ employees, attended >= 45 min)"
            in verdict(short_small, "enterprise_or_long").reason
        )
        assert long_small.status is DecisionStatus.BILLABLE
        assert short_big.status is DecisionStatus.BILLABLE

    def test_a_requirement_reads_as_what_it_requires(self) -> None:
        assert repr(MIN_45) == (
            "Require('min_duration_45': SHORT_MEETING unless attended >= 45 min, when held)"
        )


def constant(value: bool) -> Condition:
    return ALWAYS if value else NEVER


class TestCombinatorProperties:
    @given(st.lists(st.booleans(), min_size=1, max_size=5))
    def test_combinators_follow_boolean_logic(self, values: list[bool]) -> None:
        ctx = context(held("a-1", at(2)))
        conditions = [constant(v) for v in values]

        assert all_of(*conditions)(ctx) is all(values)
        assert any_of(*conditions)(ctx) is any(values)
        assert not_(all_of(*conditions))(ctx) is any_of(*map(not_, conditions))(ctx)
        assert not_(not_(conditions[0]))(ctx) is values[0]
