"""Figures over a period or campaign, and one campaign priced under each model (domain.md 9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import (
    LATER,
    at,
    booked,
    cancelled,
    contract,
    eur,
    held,
    no_show,
    prospect,
    terms,
)
from ppa_core import (
    Actor,
    Appointment,
    AppointmentState,
    Attendance,
    BillingPeriod,
    Commission,
    ContractTerms,
    Figures,
    Guarantee,
    Hybrid,
    ModelCost,
    Money,
    PayPerLead,
    PerAppointment,
    PricingModel,
    QualificationCriteria,
    Retainer,
    RoundingMode,
    ValidationError,
    build_invoice,
    compare_models,
    compute_figures,
)

SMALL = prospect("p-small", employees=42)
"""A prospect whose company is below the criteria's 200 employees."""

CRITERIA = QualificationCriteria(min_employees=200)


def show_rate_campaign() -> list[Appointment]:
    """Three meetings held, three no-shows of three kinds, two early cancellations."""
    return [
        held("held-1", at(2), who=prospect("p-1")),
        held("held-2", at(3), who=prospect("p-2")),
        held("held-unqualified", at(4), who=SMALL),
        no_show("no-show", at(5), who=prospect("p-4")),
        cancelled("late-cancel", at(6), by=Actor.PROSPECT, hours_before=3, who=prospect("p-5")),
        held("late-join", at(9), delay=15, who=prospect("p-6")),
        cancelled("early-cancel", at(10), by=Actor.PROSPECT, hours_before=72, who=prospect("p-7")),
        cancelled("early-client", at(11), by=Actor.CLIENT, hours_before=72, who=prospect("p-8")),
    ]


class TestShowRate:
    def test_show_rate_is_held_over_held_and_no_shows(self) -> None:
        figures = compute_figures(
            contract(terms(criteria=CRITERIA)), show_rate_campaign(), as_of=LATER
        )

        assert figures.held == 3
        assert figures.no_shows == 3
        assert figures.show_rate == Decimal("0.5")

    def test_late_cancellation_by_prospect_counts_as_a_no_show(self) -> None:
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            cancelled("a-2", at(3), by=Actor.PROSPECT, hours_before=2, who=prospect("p-2")),
        ]

        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert figures.no_shows == 1
        assert figures.show_rate == Decimal("0.5")

    def test_a_meeting_shorter_than_the_minimum_counts_as_a_no_show(self) -> None:
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), minutes=10, who=prospect("p-2")),  # minimum 15 minutes
        ]

        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert (figures.held, figures.no_shows, figures.qualified_held) == (1, 1, 1)
        assert figures.show_rate == Decimal("0.5")

    def test_earlier_cancellation_counts_in_neither_held_nor_no_shows(self) -> None:
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            cancelled("a-2", at(5), by=Actor.PROSPECT, hours_before=30, who=prospect("p-2")),
        ]

        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert (figures.held, figures.no_shows, figures.cancelled) == (1, 0, 1)
        assert figures.show_rate == 1

    @staticmethod
    def moved_too_far(outcome: AppointmentState) -> list[Appointment]:
        """A meeting held, and one moved 40 days (past the 30-day window) with ``outcome``."""
        moved = booked("a-2", at(3), who=prospect("p-2")).reschedule(
            to=at(3).add(days=40), at=at(2)
        )
        recorded = at(3).add(days=40, hours=1)
        if outcome is AppointmentState.HELD:
            moved = moved.hold(at=recorded, attendance=Attendance(attended_minutes=30))
        else:
            moved = moved.no_show(at=recorded)
        return [held("a-1", at(2), who=prospect("p-1")), moved]

    def test_meeting_past_the_reschedule_limit_counts_as_a_cancellation(self) -> None:
        campaign = self.moved_too_far(AppointmentState.HELD)

        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert (figures.held, figures.no_shows, figures.cancelled) == (1, 0, 1)
        assert figures.qualified_held == 1

    def test_a_no_show_past_the_reschedule_limit_stays_a_no_show(self) -> None:
        campaign = self.moved_too_far(AppointmentState.NO_SHOW)

        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert (figures.held, figures.no_shows, figures.cancelled) == (1, 1, 0)

    def test_a_correction_after_its_window_does_not_change_the_show_rate(self) -> None:
        late = no_show("a-2", at(3), who=prospect("p-2")).correct(
            to=AppointmentState.HELD, at=at(20), attendance=Attendance(attended_minutes=30)
        )
        campaign = [held("a-1", at(2), who=prospect("p-1")), late]

        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert (figures.held, figures.no_shows) == (1, 1)
        assert figures.show_rate == Decimal("0.5")

    def test_show_rate_is_unknown_before_any_meeting_took_place(self) -> None:
        figures = compute_figures(contract(), [booked("a-1", at(2))], as_of=LATER)

        assert figures.show_rate is None
        assert figures.pending == 1


class TestQualificationAndBillableRates:
    def campaign(self) -> list[Appointment]:
        return [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), who=prospect("p-2")),
            held("a-3", at(4), who=prospect("p-3")),
            held("a-4", at(5), who=SMALL),
            no_show("a-5", at(6), who=prospect("p-5")),
        ]

    def test_qualification_rate_is_qualified_over_appointments_with_an_outcome(self) -> None:
        figures = compute_figures(contract(terms(criteria=CRITERIA)), self.campaign(), as_of=LATER)

        assert figures.decided == 5
        assert figures.qualified == 4
        assert figures.qualification_rate == Decimal("0.8")

    def test_billable_rate_is_billable_over_appointments_with_an_outcome(self) -> None:
        figures = compute_figures(contract(terms(criteria=CRITERIA)), self.campaign(), as_of=LATER)

        assert figures.billable == 3
        assert figures.billable_rate == Decimal("0.6")

    def test_pending_and_void_appointments_are_left_out_of_the_rates(self) -> None:
        campaign = [
            *self.campaign(),
            booked("pending", at(20), who=prospect("p-8")),
            booked("void", at(21), who=prospect("p-9")).void(at=at(14)),
        ]

        figures = compute_figures(contract(terms(criteria=CRITERIA)), campaign, as_of=LATER)

        assert figures.appointments == 7
        assert figures.decided == 5
        assert figures.billable_rate == Decimal("0.6")


SENIORITY_PRICES = PerAppointment(
    price=eur(300), seniority_prices={"c_level": eur(600), "vp": eur(450)}
)


def priced_campaign() -> list[Appointment]:
    """Two qualified meetings held (C-level and VP), one unqualified, one no-show."""
    return [
        held("a-1", at(2), who=prospect("p-1", seniority="c_level")),
        held("a-2", at(3), who=prospect("p-2", seniority="vp")),
        held("a-3", at(4), who=SMALL),
        no_show("a-4", at(5), who=prospect("p-4")),
    ]


class TestCosts:
    def figures(self, *, opportunities: int | None = None, revenue: Money | None = None) -> Figures:
        c = contract(terms(pricing=SENIORITY_PRICES, criteria=CRITERIA))
        return compute_figures(
            c, priced_campaign(), as_of=LATER, opportunities=opportunities, revenue=revenue
        )

    def test_cost_per_meeting_is_the_amount_billed_over_billable_appointments(self) -> None:
        figures = self.figures()

        assert figures.billed == eur(1050)
        assert figures.cost_per_meeting == eur(525)

    def test_cost_per_opportunity_divides_the_cost_by_the_opportunities(self) -> None:
        figures = self.figures(opportunities=3)

        assert figures.cost_per_opportunity == eur(350)

    def test_roi_is_revenue_net_of_cost_over_cost(self) -> None:
        figures = self.figures(revenue=eur(4200))

        assert figures.roi == 3

    def test_cost_per_opportunity_and_roi_are_absent_without_pipeline_figures(self) -> None:
        figures = self.figures()

        assert figures.cost_per_opportunity is None
        assert figures.roi is None

    def test_effective_cost_per_held_meeting_spreads_a_retainer_over_qualified_meetings(
        self,
    ) -> None:
        c = contract(ContractTerms(pricing=Retainer(fee=eur(3000)), criteria=CRITERIA))

        figures = compute_figures(c, priced_campaign(), as_of=LATER, period_fees=eur(3000))

        assert figures.qualified_held == 2
        assert figures.total_cost == eur(3000)
        assert figures.effective_cost_per_held_meeting == eur(1500)

    def test_the_retainers_of_the_periods_count_without_being_given(self) -> None:
        pricing = Hybrid(Retainer(fee=eur(1000)), PerAppointment(price=eur(100)))
        c = contract(ContractTerms(pricing=pricing))
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(2, month=5), who=prospect("p-2")),
        ]

        figures = compute_figures(c, campaign, as_of=LATER)
        april = compute_figures(
            c, campaign, as_of=LATER, period=c.period_containing(at(9, month=4))
        )

        # March, April (no meeting) and May: three retainers, as their invoices bill them.
        invoiced = sum(
            (build_invoice(c, campaign, at(9, month=m), as_of=LATER).total for m in (3, 4, 5)),
            eur(0),
        )
        assert figures.total_cost == invoiced == eur(3200)
        assert figures.effective_cost_per_held_meeting == eur(1600)
        assert april.total_cost == eur(1000)

    def test_period_fees_given_replace_the_contract_s_retainers(self) -> None:
        c = contract(ContractTerms(pricing=Retainer(fee=eur(1000))))
        campaign = [held("a-1", at(2), who=prospect("p-1"))]

        figures = compute_figures(c, campaign, as_of=LATER, period_fees=eur(250))

        assert figures.total_cost == eur(250)

    def test_no_retainer_counts_for_a_period_outside_the_term(self) -> None:
        c = contract(ContractTerms(pricing=Retainer(fee=eur(1000))), end=pendulum.Date(2026, 2, 28))

        figures = compute_figures(c, [], as_of=LATER, period=c.period_containing(at(9)))

        assert figures.total_cost == eur(0)

    def test_costs_round_with_the_contract_s_rounding_mode(self) -> None:
        c = contract(terms(pricing=PerAppointment(price=eur("0.5")), rounding="half_even"))
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), who=prospect("p-2")),
        ]
        campaign.append(held("a-3", at(4), minutes=10, who=prospect("p-3")))

        figures = compute_figures(c, campaign, as_of=LATER, period_fees=eur("0.05"))

        # 1.05 / 2 = 0.525: half-even rounds to 0.52 (half-up would give 0.53).
        assert figures.effective_cost_per_held_meeting == eur("0.52")

    def test_cost_per_meeting_is_rounded_to_the_minor_unit(self) -> None:
        campaign = [held(f"a-{i}", at(2 + i), who=prospect(f"p-{i}")) for i in range(3)]
        c = contract(terms(pricing=PerAppointment(price=eur(100)), cap=None))

        figures = compute_figures(c, campaign, as_of=LATER, period_fees=eur(200))

        assert figures.effective_cost_per_held_meeting == eur("166.67")


class TestGuaranteeAttainment:
    def test_attainment_is_qualified_meetings_held_over_the_guaranteed_minimum(self) -> None:
        guarantee = Guarantee(minimum_held=4, credit_per_missing=eur(50))
        c = contract(terms(criteria=CRITERIA, guarantee=guarantee))

        figures = compute_figures(c, priced_campaign(), as_of=LATER)

        assert figures.guarantee_attainment == Decimal("0.5")

    def test_attainment_counts_the_minimum_once_per_period(self) -> None:
        guarantee = Guarantee(minimum_held=2, credit_per_missing=eur(50))
        c = contract(terms(guarantee=guarantee))
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(2, month=4), who=prospect("p-2")),
        ]

        figures = compute_figures(c, campaign, as_of=LATER)

        assert figures.guarantee_attainment == Decimal("0.5")

    def test_attainment_follows_the_guarantee_in_force_in_each_period(self) -> None:
        guarantee = Guarantee(minimum_held=4, credit_per_missing=eur(50))
        c = contract().amend(pendulum.Date(2026, 3, 1), guarantee=guarantee)
        campaign = [
            held("a-1", at(2, month=2), who=prospect("p-1")),
            held("a-2", at(2), who=prospect("p-2")),
        ]

        figures = compute_figures(c, campaign, as_of=LATER)

        assert figures.guarantee_attainment == Decimal("0.25")

    def test_attainment_counts_periods_without_a_meeting(self) -> None:
        guarantee = Guarantee(minimum_held=3, credit_per_missing=eur(50))
        c = contract(terms(guarantee=guarantee))
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(3), who=prospect("p-2")),
            held("a-3", at(2, month=5), who=prospect("p-3")),
        ]

        figures = compute_figures(c, campaign, as_of=LATER)

        assert figures.guarantee_attainment == Decimal(3) / Decimal(9)  # March to May

    def test_attainment_counts_a_billed_host_no_show_as_its_invoice_does(self) -> None:
        guarantee = Guarantee(minimum_held=2, credit_per_missing=eur(50))
        c = contract(terms(guarantee=guarantee))
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            no_show("a-2", at(3), absent=Actor.CLIENT, who=prospect("p-2")),
        ]

        figures = compute_figures(c, campaign, as_of=LATER)
        invoice = build_invoice(c, campaign, at(9), as_of=LATER)

        assert invoice.guarantee is not None
        assert figures.guarantee_attainment == invoice.guarantee.attainment == 1

    def test_no_attainment_over_a_window_shorter_than_a_period(self) -> None:
        guarantee = Guarantee(minimum_held=2, credit_per_missing=eur(50))
        c = contract(terms(guarantee=guarantee))
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(20), who=prospect("p-2")),
        ]
        first_half = BillingPeriod(at(1, 0), at(16, 0))

        assert (
            compute_figures(c, campaign, as_of=LATER, period=first_half).guarantee_attainment
            is None
        )
        month = c.period_containing(at(9))
        assert compute_figures(c, campaign, as_of=LATER, period=month).guarantee_attainment == 1

    def test_no_attainment_without_a_guarantee(self) -> None:
        assert (
            compute_figures(contract(), priced_campaign(), as_of=LATER).guarantee_attainment is None
        )


class TestFiguresOverAPeriod:
    def test_only_meetings_in_the_period_are_counted(self) -> None:
        c = contract()
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(2, month=4), who=prospect("p-2")),
        ]

        figures = compute_figures(c, campaign, as_of=LATER, period=c.period_containing(at(15)))

        assert figures.appointments == 1
        assert figures.billed == eur(350)

    def test_figures_read_the_facts_known_at_the_moment_given(self) -> None:
        meeting = held("a-1", at(2))

        before = compute_figures(contract(), [meeting], as_of=at(2, 10, 5))

        assert before.pending == 1
        assert before.held == 0


MODELS = (
    PerAppointment(price=eur(350)),
    PayPerLead(price_per_lead=eur(40)),
    Retainer(fee=eur(3000)),
    Commission(rate=Decimal("0.1"), currency="EUR"),
    Hybrid(retainer=Retainer(fee=eur(1000)), per_appointment=PerAppointment(price=eur(200))),
)


class TestCompareModelsInput:
    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ((None, [], []), "contract"),
            (("contract", None, []), "appointments"),
            (("contract", [], None), "models"),
            (("contract", [], [object()]), "models[0]"),
        ],
    )
    def test_bad_arguments_name_the_argument(self, arguments: tuple[Any, ...], field: str) -> None:
        given = tuple(contract() if a == "contract" else a for a in arguments)
        with pytest.raises(ValidationError) as raised:
            compare_models(*given, as_of=LATER)
        assert raised.value.field == field

    def test_negative_leads_are_refused(self) -> None:
        with pytest.raises(ValidationError) as raised:
            compare_models(contract(), [], [], as_of=LATER, leads=-1)
        assert raised.value.field == "leads"


class TestCompareModels:
    def compare(self, periods: int = 1) -> dict[PricingModel, ModelCost]:
        c = contract(terms(criteria=CRITERIA))
        costs = compare_models(
            c,
            priced_campaign(),
            MODELS,
            as_of=LATER,
            periods=periods,
            leads=50,
            closed_value=eur(20000),
        )
        return {cost.model: cost for cost in costs}

    def test_each_model_prices_the_same_outcomes(self) -> None:
        costs = self.compare()

        totals = {model: cost.total for model, cost in costs.items()}
        assert totals == {
            PricingModel.PAY_PER_APPOINTMENT: eur(700),
            PricingModel.PAY_PER_LEAD: eur(2000),
            PricingModel.RETAINER: eur(3000),
            PricingModel.COMMISSION: eur(2000),
            PricingModel.HYBRID: eur(1400),
        }

    def test_every_models_cost_per_meeting_divides_by_the_qualified_meetings_held(
        self,
    ) -> None:
        costs = self.compare()

        assert {c.meetings for c in costs.values()} == {2}
        per_meeting = {m: c.cost_per_meeting for m, c in costs.items()}
        assert per_meeting == {
            PricingModel.PAY_PER_APPOINTMENT: eur(350),
            PricingModel.PAY_PER_LEAD: eur(1000),
            PricingModel.RETAINER: eur(1500),
            PricingModel.COMMISSION: eur(1000),
            PricingModel.HYBRID: eur(700),
        }

    def test_period_fees_count_once_per_period(self) -> None:
        costs = self.compare(periods=3)

        assert costs[PricingModel.RETAINER].total == eur(9000)
        assert costs[PricingModel.HYBRID].total == eur(3400)

    def test_period_fees_count_once_per_billing_period_of_the_campaign_by_default(
        self,
    ) -> None:
        campaign = [
            held("a-1", at(2), who=prospect("p-1")),
            held("a-2", at(20, month=5), who=prospect("p-2")),
        ]

        (cost,) = compare_models(contract(), campaign, [Retainer(eur(1000))], as_of=LATER)

        assert cost.total == eur(3000)  # March, April and May
        (one,) = compare_models(contract(), [], [Retainer(eur(1000))], as_of=LATER)
        assert one.total == eur(1000)
        # Booked after the moment of the comparison: not known, so no period of its own.
        unknown = booked("a-3", at(2, month=9), booked_at=LATER.add(days=1))
        (known,) = compare_models(
            contract(), [*campaign, unknown], [Retainer(eur(1000))], as_of=LATER
        )
        assert known.total == eur(3000)

    def test_model_totals_round_as_the_contracts_invoices_do(self) -> None:
        c = contract(terms(rounding=RoundingMode.HALF_EVEN))
        commission = Commission(rate=Decimal("0.1"), currency="EUR")

        (cost,) = compare_models(
            c, priced_campaign(), [commission], as_of=LATER, closed_value=eur("123.45")
        )
        invoice = build_invoice(
            attrs.evolve(c, terms=attrs.evolve(c.terms, pricing=commission)),
            priced_campaign(),
            at(15),
            as_of=LATER,
            closed_value=eur("123.45"),
        )

        assert cost.total == eur("12.34")
        assert invoice.total == cost.total

    def test_results_come_in_the_order_the_models_were_given(self) -> None:
        costs = compare_models(contract(), priced_campaign(), MODELS[::-1], as_of=LATER)

        assert [c.pricing for c in costs] == list(MODELS[::-1])

    def test_without_qualified_meetings_there_is_no_cost_per_meeting(self) -> None:
        costs = compare_models(contract(), [no_show("a-1", at(2))], MODELS, as_of=LATER)

        assert all(c.meetings == 0 and c.cost_per_meeting is None for c in costs)


# -- properties -------------------------------------------------------------------------


@st.composite
def campaigns(draw: st.DrawFn) -> list[Appointment]:
    """Up to 10 March meetings of mixed outcomes; shrinks towards none."""
    result = []
    for i in range(draw(st.integers(min_value=0, max_value=10))):
        start = at(1).add(hours=draw(st.integers(min_value=0, max_value=24 * 29)))
        who = prospect(f"p-{draw(st.integers(min_value=0, max_value=5))}")
        kind = draw(st.sampled_from(["held", "short", "no_show", "late_cancel", "cancel"]))
        a = booked(f"a-{i:02d}", start, who=who)
        if kind == "held":
            a = a.hold(at=start.add(minutes=30), attendance=Attendance(attended_minutes=30))
        elif kind == "short":
            a = a.hold(at=start.add(minutes=30), attendance=Attendance(attended_minutes=5))
        elif kind == "no_show":
            a = a.no_show(at=start.add(minutes=30))
        else:
            hours = 2 if kind == "late_cancel" else 48
            a = a.cancel(at=start.subtract(hours=hours), actor=Actor.PROSPECT)
        result.append(a)
    return result


class TestFigureProperties:
    @given(campaigns(), st.none() | st.integers(min_value=1, max_value=3))
    def test_every_model_divides_by_the_same_count_of_qualified_meetings_held(
        self, campaign: list[Appointment], cap: int | None
    ) -> None:
        c = contract(terms(cap=cap))
        figures = compute_figures(c, campaign, as_of=LATER)

        costs = compare_models(c, campaign, MODELS, as_of=LATER, leads=10, closed_value=eur(5000))

        for cost in costs:
            assert cost.meetings == figures.qualified_held
            if cost.meetings:
                assert cost.cost_per_meeting == cost.total.divided_by(cost.meetings, "half_up")

    @given(campaigns())
    def test_rates_are_fractions_of_their_counts(self, campaign: list[Appointment]) -> None:
        figures = compute_figures(contract(), campaign, as_of=LATER)

        assert figures.held + figures.no_shows + figures.cancelled == figures.decided
        assert figures.billable <= figures.decided
        for rate in (figures.show_rate, figures.billable_rate, figures.qualification_rate):
            assert rate is None or 0 <= rate <= 1
        assert (
            figures.billed
            == Money.total((eur(350) for _ in range(figures.billable)), "EUR").rounded()
        )
