"""Service levels, exit clauses and the periodic review (domain.md section 13)."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import (
    LATER,
    TZ,
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
    BillingPeriod,
    Comparator,
    Consequence,
    Contract,
    ExitClause,
    Guarantee,
    Invoice,
    JudgementStatus,
    Kpi,
    LineKind,
    Money,
    NaiveDatetime,
    QualificationCriteria,
    Review,
    Seniority,
    ServiceLevel,
    Target,
    ValidationError,
    Window,
    add_service_credits,
    build_invoice,
    compute_figures,
    review,
)
from ppa_core.adapters import serialization
from ppa_core.presentation.notebook import to_dataframe, to_records
from ppa_core.testing import exit_clauses, service_levels

MET, BREACHED, NOT_MEASURABLE = (
    JudgementStatus.MET,
    JudgementStatus.BREACHED,
    JudgementStatus.NOT_MEASURABLE,
)


def month(m: int) -> BillingPeriod:
    """The calendar month ``m`` of 2026 in Berlin."""
    start = pendulum.datetime(2026, m, 1, tz=TZ)
    return BillingPeriod(start, start.add(months=1))


def months(first: int, last: int) -> BillingPeriod:
    """Months ``first`` to ``last`` of 2026, as one span."""
    return BillingPeriod(month(first).start, month(last).end)


Q1 = months(1, 3)
SHOW_75 = Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.75")


def show_month(m: int, shows: int, no_shows: int, *, prefix: str = "") -> list[Appointment]:
    """``shows`` meetings held and ``no_shows`` missed in month ``m``, each a new person."""
    tag = f"{prefix}{m}"
    return [
        held(f"h{tag}-{i}", at(2 + i, month=m), who=prospect(f"ph{tag}-{i}")) for i in range(shows)
    ] + [
        no_show(f"n{tag}-{i}", at(12 + i, month=m), who=prospect(f"pn{tag}-{i}"))
        for i in range(no_shows)
    ]


def with_levels(
    *levels: ServiceLevel, clauses: tuple[ExitClause, ...] = (), **changes: Any
) -> Contract:
    """The scenario contract with these service levels and exit clauses."""
    return contract(terms(service_levels=levels, exit_clauses=clauses, **changes))


class TestServiceLevelTerms:
    def test_a_rate_threshold_above_one_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"target\.threshold"):
            Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "75")

    def test_a_float_threshold_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="no float"):
            Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, 0.75)

    def test_a_seniority_share_names_its_seniority(self) -> None:
        with pytest.raises(ValidationError, match=r"target\.seniority"):
            Target(Kpi.SENIORITY_SHARE, Comparator.AT_LEAST, "0.4")
        with pytest.raises(ValidationError, match=r"target\.seniority"):
            Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.4", seniority="vp")

    def test_a_service_credit_needs_a_share_or_an_amount_and_nothing_else_has_one(self) -> None:
        with pytest.raises(ValidationError, match="credit_share"):
            ServiceLevel("s", SHOW_75, consequence=Consequence.SERVICE_CREDIT)
        with pytest.raises(ValidationError, match="credit_share"):
            ServiceLevel("s", SHOW_75, credit_share="0.1")

    def test_two_service_levels_with_one_id_are_refused(self) -> None:
        level = ServiceLevel("show", SHOW_75)
        with pytest.raises(ValidationError, match=r"service_levels\[1\].id"):
            terms(service_levels=[level, level])

    def test_a_credit_amount_in_another_currency_is_refused(self) -> None:
        level = ServiceLevel("show", SHOW_75, consequence="service_credit", credit_amount=eur(100))
        usd_terms = terms(Money.of(350, "USD"), service_levels=[level])
        with pytest.raises(ValidationError, match=r"terms.service_levels\[0\].credit_amount"):
            contract(usd_terms, currency="USD")

    def test_an_exit_clause_counts_no_more_breaches_than_windows(self) -> None:
        with pytest.raises(ValidationError, match=r"exit_clause\.out_of"):
            ExitClause("x", SHOW_75, breaches=3, out_of=2)

    def test_an_amendment_adds_a_service_level_from_its_date(self) -> None:
        c = contract().amend(
            pendulum.Date(2026, 2, 1), service_levels=(ServiceLevel("s", SHOW_75),)
        )
        assert c.terms_at(at(31, month=1)).service_levels == ()
        assert c.terms_at(at(1, month=2)).service_levels[0].id == "s"


class TestServiceLevelDocuments:
    @given(st.lists(service_levels(), max_size=3), st.lists(exit_clauses(), max_size=2))
    def test_terms_with_service_levels_and_exit_clauses_round_trip(
        self, levels: list[ServiceLevel], clauses: list[ExitClause]
    ) -> None:
        levels = list({level.id: level for level in levels}.values())
        clauses = list({clause.id: clause for clause in clauses}.values())
        original = with_levels(*levels, clauses=tuple(clauses))
        assert serialization.loads("contract", serialization.dumps(original)) == original

    def test_terms_without_them_are_stored_as_before(self) -> None:
        document = serialization.dump(contract())
        assert "service_levels" not in document["data"]["terms"]
        assert "exit_clauses" not in document["data"]["terms"]


class TestReviewMeasures:
    def test_the_show_rate_names_the_meetings_behind_it(self) -> None:
        """Held over held plus no-shows; an early cancellation counts in neither."""
        early = cancelled("c-1", at(20, month=1), by=Actor.PROSPECT, hours_before=72)
        facts = [*show_month(1, 3, 1), early]
        found = review(
            with_levels(ServiceLevel("show", SHOW_75)), facts, period=month(1), as_of=LATER
        )
        (judged,) = found.service_levels
        assert judged.status is MET  # 0.75 >= 0.75: the threshold itself meets it
        assert judged.measurement.value == Decimal("0.75")
        assert set(judged.measurement.counted) == {"h1-0", "h1-1", "h1-2"}
        assert set(judged.measurement.among) == {"h1-0", "h1-1", "h1-2", "n1-0"}
        assert "c-1" not in judged.measurement.among

    def test_the_review_measures_as_compute_figures_does(self) -> None:
        small = prospect("p-small", employees=10)
        facts = [
            *show_month(1, 3, 2),
            held("h-small", at(25, month=1), who=small),
            cancelled("c-late", at(26, month=1), by=Actor.PROSPECT, hours_before=2),
        ]
        levels = [
            ServiceLevel(kpi.value, Target(kpi, Comparator.AT_LEAST, "0"))
            for kpi in (Kpi.SHOW_RATE, Kpi.QUALIFICATION_RATE, Kpi.BILLABLE_RATE)
        ]
        cost = ServiceLevel("cost", Target(Kpi.COST_PER_MEETING, Comparator.AT_MOST, 400))
        c = with_levels(*levels, cost, criteria=QualificationCriteria(min_employees=200))
        found = {
            j.subject: j.measurement
            for j in review(c, facts, period=month(1), as_of=LATER).service_levels
        }
        figures = compute_figures(c, facts, as_of=LATER, period=month(1))
        assert found["show_rate"].value == figures.show_rate
        assert found["qualification_rate"].value == figures.qualification_rate
        assert found["billable_rate"].value == figures.billable_rate
        assert found["cost"].value == figures.cost_per_meeting

    def test_shares_count_qualified_meetings_held(self) -> None:
        facts = [
            held("h-vp", at(2, month=1), who=prospect("p1", seniority=Seniority.VP)),
            held("h-c", at(3, month=1), who=prospect("p2", seniority=Seniority.C_LEVEL)),
            held("h-dir", at(4, month=1), who=prospect("p3", seniority=Seniority.DIRECTOR)),
            held("h-mgr", at(5, month=1), who=prospect("p4", seniority=Seniority.MANAGER)),
        ]
        senior = Target(Kpi.SENIORITY_SHARE, Comparator.AT_LEAST, "0.4", seniority="vp")
        found = review(with_levels(ServiceLevel("vp", senior)), facts, period=month(1), as_of=LATER)
        (judged,) = found.service_levels
        assert judged.measurement.value == Decimal("0.5")
        assert set(judged.measurement.counted) == {"h-vp", "h-c"}
        assert judged.status is MET

    def test_meetings_held_and_days_from_booking_to_meeting(self) -> None:
        facts = [*show_month(1, 2, 1)]  # booked 7 days ahead
        levels = (
            ServiceLevel("held", Target(Kpi.MEETINGS_HELD, Comparator.AT_LEAST, 3)),
            ServiceLevel("lead", Target(Kpi.DAYS_TO_MEETING, Comparator.AT_MOST, 10)),
        )
        found = {
            j.subject: j
            for j in review(
                with_levels(*levels), facts, period=month(1), as_of=LATER
            ).service_levels
        }
        assert found["held"].measurement.value == 2
        assert found["held"].status is BREACHED
        assert found["lead"].measurement.value == 7
        assert found["lead"].status is MET

    def test_guarantee_attainment_is_delivered_over_the_minimum(self) -> None:
        c = with_levels(
            ServiceLevel("g", Target(Kpi.GUARANTEE_ATTAINMENT, Comparator.AT_LEAST, 1)),
            guarantee=Guarantee(4, credit_per_missing=eur(100)),
        )
        (judged,) = review(c, show_month(1, 2, 1), period=month(1), as_of=LATER).service_levels
        assert judged.measurement.value == Decimal("0.5")
        assert judged.status is BREACHED

    def test_a_meeting_late_on_the_last_local_day_belongs_to_that_month(self) -> None:
        late = held("h-late", pendulum.datetime(2026, 1, 31, 23, 30, tz=TZ))
        assert late.start.in_tz("UTC").month == 1
        level = ServiceLevel("held", Target(Kpi.MEETINGS_HELD, Comparator.AT_LEAST, 1))
        found = review(with_levels(level), [late], period=month(1), as_of=LATER)
        assert found.service_levels[0].measurement.counted == ("h-late",)


class TestPeriodBoundaries:
    def test_a_meeting_just_after_local_midnight_belongs_to_the_next_month(self) -> None:
        """00:30 on 1 April in Berlin (summer time) is still 31 March in UTC."""
        april = held("h-april", pendulum.datetime(2026, 4, 1, 0, 30, tz=TZ))
        assert april.start.in_tz("UTC").day == 31
        level = ServiceLevel("held", Target(Kpi.MEETINGS_HELD, Comparator.AT_LEAST, 1))
        found = review(with_levels(level), [april], period=months(3, 4), as_of=LATER)
        assert [j.measurement.counted for j in found.service_levels] == [(), ("h-april",)]


class TestNotMeasurableYet:
    def test_pending_outcomes_make_a_window_not_measurable(self) -> None:
        facts = [*show_month(1, 3, 0), booked("b-1", at(20, month=1))]
        (judged,) = review(
            with_levels(ServiceLevel("show", SHOW_75)), facts, period=month(1), as_of=LATER
        ).service_levels
        assert judged.status is NOT_MEASURABLE
        assert judged.measurement.pending == ("b-1",)
        assert "pending" in judged.reason

    def test_a_window_without_meetings_is_not_measurable(self) -> None:
        (judged,) = review(
            with_levels(ServiceLevel("show", SHOW_75)), [], period=month(1), as_of=LATER
        ).service_levels
        assert judged.status is NOT_MEASURABLE
        assert judged.reason == "no meeting in the window"

    def test_a_window_not_over_at_the_review_is_not_measurable(self) -> None:
        (judged,) = review(
            with_levels(ServiceLevel("show", SHOW_75)),
            show_month(1, 1, 3),
            period=month(1),
            as_of=at(28, month=1),
        ).service_levels
        assert judged.status is NOT_MEASURABLE
        assert "after the review's as_of" in judged.reason


class TestWindows:
    def test_a_rolling_window_needs_its_periods_and_reaches_back(self) -> None:
        level = ServiceLevel("show", SHOW_75, Window(periods=3, rolling=True))
        facts = [*show_month(1, 1, 1), *show_month(2, 4, 0), *show_month(3, 3, 0)]
        found = review(with_levels(level), facts, period=Q1, as_of=LATER).service_levels
        assert [j.status for j in found] == [NOT_MEASURABLE, NOT_MEASURABLE, MET]
        assert "needs 3 periods" in found[0].reason
        assert found[2].window == Q1
        assert found[2].measurement.value == Decimal(8) / Decimal(9)

    def test_a_block_window_is_judged_once_when_it_ends(self) -> None:
        level = ServiceLevel("show", SHOW_75, Window(periods=3))
        facts = [*show_month(1, 1, 1), *show_month(2, 2, 0), *show_month(3, 2, 1)]
        found = review(with_levels(level), facts, period=Q1, as_of=LATER).service_levels
        (judged,) = found
        assert judged.window == Q1
        assert judged.measurement.numerator == 5
        assert judged.measurement.denominator == 7
        assert judged.status is BREACHED

    def test_service_levels_follow_the_amendments(self) -> None:
        c = contract().amend(
            pendulum.Date(2026, 2, 1), service_levels=(ServiceLevel("s", SHOW_75),)
        )
        found = review(c, show_month(1, 1, 1), period=Q1, as_of=LATER).service_levels
        assert [j.window for j in found] == [month(2), month(3)]


class TestServiceCredits:
    def level(self) -> ServiceLevel:
        return ServiceLevel(
            "show", SHOW_75, consequence="service_credit", credit_share="0.1", credit_amount=eur(25)
        )

    def test_a_breach_credits_a_share_of_the_period_billed_and_a_fixed_amount(self) -> None:
        found = review(with_levels(self.level()), show_month(1, 2, 2), period=month(1), as_of=LATER)
        (credit,) = found.credits
        # 2 meetings held x EUR 350 billed: 10 % is EUR 70, plus EUR 25.
        assert credit.amount == eur(-95)
        assert credit.kind is LineKind.SERVICE_CREDIT
        assert credit.period == month(1)
        assert credit.reason_codes == ("SERVICE_LEVEL_BREACH", "show")

    def test_a_met_level_credits_nothing(self) -> None:
        found = review(with_levels(self.level()), show_month(1, 3, 1), period=month(1), as_of=LATER)
        assert found.credits == ()

    def test_the_credit_goes_on_an_invoice_once(self) -> None:
        c = with_levels(self.level())
        facts = show_month(1, 2, 2)
        found = review(c, facts, period=month(1), as_of=LATER)
        february = build_invoice(c, facts, month(2), as_of=LATER)
        credited = add_service_credits(february, found)
        assert credited.total == february.total + eur(-95)
        assert add_service_credits(credited, found) == credited
        again = review(c, facts, [credited], period=month(1), as_of=LATER)
        assert again.credits == ()
        assert again.service_levels[0].already_credited

    def test_an_invoice_with_a_service_credit_round_trips(self) -> None:
        c = with_levels(self.level())
        facts = show_month(1, 2, 2)
        found = review(c, facts, period=month(1), as_of=LATER)
        invoice = add_service_credits(build_invoice(c, facts, month(2), as_of=LATER), found)
        assert serialization.loads("invoice", serialization.dumps(invoice)) == invoice

    def test_the_breaches_are_the_breached_judgements(self) -> None:
        found = review(
            with_levels(self.level()), show_month(1, 2, 2), period=months(1, 2), as_of=LATER
        )
        assert [j.window for j in found.breaches] == [month(1)]
        assert [j.window for j in found.not_measurable] == [month(2)]

    def test_a_review_of_another_contract_is_not_added_to_an_invoice(self) -> None:
        found = review(with_levels(self.level()), show_month(1, 2, 2), period=month(1), as_of=LATER)
        other = Invoice("c-9", month(2), LATER, "EUR", ())
        with pytest.raises(ValidationError, match=r"review\.contract_id"):
            add_service_credits(other, found)

    def test_invoices_of_another_contract_are_refused(self) -> None:
        other = Invoice("c-9", month(1), LATER, "EUR", ())
        with pytest.raises(ValidationError, match=r"invoices\[0\]"):
            review(with_levels(self.level()), [], [other], period=month(1), as_of=LATER)

    def test_a_naive_as_of_is_refused(self) -> None:
        with pytest.raises(NaiveDatetime):
            review(contract(), [], period=month(1), as_of=pendulum.naive(2026, 4, 1))  # type: ignore[arg-type]


class TestExitRights:
    SHOW_70 = Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.70")

    def test_two_consecutive_bad_months_give_a_right_to_exit_with_notice(self) -> None:
        clause = ExitClause("two-bad", self.SHOW_70, breaches=2, notice_days=30)
        facts = [*show_month(1, 3, 1), *show_month(2, 1, 1), *show_month(3, 1, 2)]
        found = review(with_levels(clauses=(clause,)), facts, period=Q1, as_of=LATER)
        (right,) = found.exit_rights
        assert [j.window for j in right.judgements] == [month(2), month(3)]
        assert right.notice_from == month(3).end
        assert right.exit_from == pendulum.Date(2026, 5, 1)  # 1 April + 30 days
        assert [j.status for j in found.exit_clauses] == [MET, BREACHED, BREACHED]

    def test_one_bad_month_between_good_ones_gives_no_right(self) -> None:
        clause = ExitClause("two-bad", self.SHOW_70, breaches=2)
        facts = [*show_month(1, 1, 1), *show_month(2, 3, 0), *show_month(3, 1, 1)]
        assert (
            review(with_levels(clauses=(clause,)), facts, period=Q1, as_of=LATER).exit_rights == ()
        )

    def test_two_of_the_last_three_is_not_consecutive(self) -> None:
        clause = ExitClause("two-of-three", self.SHOW_70, breaches=2, out_of=3)
        facts = [*show_month(1, 1, 1), *show_month(2, 3, 0), *show_month(3, 1, 1)]
        found = review(with_levels(clauses=(clause,)), facts, period=Q1, as_of=LATER)
        (right,) = found.exit_rights
        assert right.notice_from == month(3).end
        assert right.notice_days == 30  # the term's

    def test_a_condition_begun_before_the_review_completes_in_it(self) -> None:
        clause = ExitClause("two-bad", self.SHOW_70, breaches=2)
        facts = [*show_month(1, 1, 1), *show_month(2, 1, 1)]
        found = review(with_levels(clauses=(clause,)), facts, period=month(2), as_of=LATER)
        (right,) = found.exit_rights
        assert [j.window for j in right.judgements] == [month(1), month(2)]

    def test_the_guarantee_missed_in_a_quarter_gives_a_right(self) -> None:
        """Guaranteed 3 meetings a month: 7 delivered in the quarter is below its 9."""
        missed = Target(Kpi.GUARANTEE_ATTAINMENT, Comparator.AT_LEAST, 1)
        clause = ExitClause("guarantee", missed, Window(periods=3), notice_days=0)
        c = with_levels(clauses=(clause,), guarantee=Guarantee(3, credit_per_missing=eur(50)))
        facts = [*show_month(1, 3, 0), *show_month(2, 3, 0), *show_month(3, 1, 2)]
        found = review(c, facts, period=Q1, as_of=LATER)
        (judged,) = found.exit_clauses
        assert (judged.measurement.numerator, judged.measurement.denominator) == (7, 9)
        (right,) = found.exit_rights
        assert right.exit_from == pendulum.Date(2026, 4, 1)

    def test_a_service_level_with_an_exit_consequence_gives_a_right_on_its_breach(self) -> None:
        level = ServiceLevel("show", SHOW_75, consequence="exit", notice_days=14)
        found = review(with_levels(level), show_month(1, 1, 1), period=month(1), as_of=LATER)
        (right,) = found.exit_rights
        assert right.subject == "show"
        assert right.exit_from == pendulum.Date(2026, 2, 15)


@st.composite
def campaigns(draw: st.DrawFn) -> list[Appointment]:
    """Meetings over the first quarter: held, missed or cancelled early, on any day."""
    facts: list[Appointment] = []
    for i, (m, day, kind) in enumerate(
        draw(
            st.lists(
                st.tuples(st.integers(1, 3), st.integers(1, 28), st.integers(0, 2)), max_size=20
            )
        )
    ):
        who = prospect(f"p-{i}")
        start = at(day, 9 + i % 8, month=m)
        if kind == 0:
            facts.append(held(f"a-{i}", start, who=who))
        elif kind == 1:
            facts.append(no_show(f"a-{i}", start, who=who))
        else:
            facts.append(cancelled(f"a-{i}", start, by=Actor.PROSPECT, hours_before=72))
    return facts


KPIS = (Kpi.SHOW_RATE, Kpi.QUALIFICATION_RATE, Kpi.BILLABLE_RATE, Kpi.MEETINGS_HELD)


class TestReviewProperties:
    @given(campaigns(), st.randoms(use_true_random=False))
    def test_a_review_over_the_same_facts_is_the_same(
        self, facts: list[Appointment], rnd: random.Random
    ) -> None:
        levels = [ServiceLevel(k.value, Target(k, Comparator.AT_LEAST, "0.5")) for k in KPIS]
        clause = ExitClause("x", SHOW_75, breaches=2)
        c = with_levels(*levels, clauses=(clause,))
        shuffled = list(facts)
        rnd.shuffle(shuffled)
        assert review(c, facts, period=Q1, as_of=LATER) == review(
            c, shuffled, period=Q1, as_of=LATER
        )

    @given(campaigns())
    def test_splitting_a_window_into_periods_and_recombining_agrees(
        self, facts: list[Appointment]
    ) -> None:
        """The quarter's numerator and denominator are the months' sums."""
        for kpi in KPIS:
            target = Target(kpi, Comparator.AT_LEAST, "0")
            monthly = ServiceLevel("m", target)
            quarterly = ServiceLevel("q", target, Window(periods=3))
            found = review(with_levels(monthly, quarterly), facts, period=Q1, as_of=LATER)
            months_ = [j.measurement for j in found.service_levels if j.subject == "m"]
            (quarter,) = [j.measurement for j in found.service_levels if j.subject == "q"]
            assert quarter.numerator == sum(m.numerator for m in months_)
            assert quarter.denominator == (
                None if kpi is Kpi.MEETINGS_HELD else sum(m.denominator or 0 for m in months_)
            )
            assert quarter.counted == tuple(i for m in months_ for i in m.counted)


class TestReviewRenderings:
    def found(self) -> Review:
        level = ServiceLevel("show", SHOW_75, consequence="service_credit", credit_share="0.1")
        clause = ExitClause("one-bad", SHOW_75)
        return review(
            with_levels(level, clauses=(clause,)), show_month(1, 1, 1), period=month(1), as_of=LATER
        )

    def test_the_text_gives_each_judgement_its_credit_and_the_exit_right(self) -> None:
        text = repr(self.found())
        assert "1 breached" in text
        assert "show_rate 0.5 misses >= 0.75" in text
        assert "(1 / 2)" in text
        assert "EUR -35.00" in text
        assert "exit right one-bad" in text

    def test_the_html_has_a_table_per_part(self) -> None:
        html = self.found()._repr_html_()
        assert html.count("<table") == 3
        assert "&gt;= 0.75" in html

    def test_the_records_name_the_appointments_behind_each_figure(self) -> None:
        records = to_records(self.found())
        assert [r["kind"] for r in records] == ["service_level", "exit_clause"]
        assert records[0]["value"] == Decimal("0.5")
        assert records[0]["appointments_counted"] == "h1-0"
        assert records[0]["appointments_among"] == "h1-0, n1-0"
        assert records[0]["credit"] == Decimal("-35.00")

    def test_the_dataframe_has_analysis_dtypes(self) -> None:
        pytest.importorskip("pandas")
        frame = to_dataframe(self.found())
        assert str(frame["value"].dtype) == "float64"
        assert list(frame["status"]) == ["breached", "breached"]
