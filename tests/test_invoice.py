"""Invoices: lines, credits, caps, guarantees, late events and periods (domain.md sections 6-9)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
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
    CURRENCIES,
    Actor,
    Appointment,
    AppointmentState,
    Attendance,
    BillingPeriod,
    Commission,
    Contract,
    ContractTerms,
    DecisionStatus,
    Guarantee,
    GuaranteeRemedy,
    Hybrid,
    Invoice,
    LineKind,
    Money,
    NoShowPolicy,
    PayPerLead,
    PerAppointment,
    PpaError,
    Pricing,
    ReasonCode,
    Retainer,
    RoundingMode,
    Tier,
    ValidationError,
    build_invoice,
)
from ppa_core.testing import currencies, timezones

R = ReasonCode
MARCH = at(15)
"""Any moment in March 2026: the period it falls in is the March invoice's."""
ISSUED = pendulum.datetime(2026, 4, 1, 9, tz=TZ)
SECOND_QUARTER = BillingPeriod(at(1, 0, month=4), at(1, 0, month=7))
"""When the March invoice is issued."""


def march_invoice(c: Contract, appointments: list[Appointment], **kwargs: object) -> Invoice:
    return build_invoice(c, appointments, MARCH, as_of=ISSUED, **kwargs)  # type: ignore[arg-type]


def amounts(invoice: Invoice, kind: LineKind) -> list[Money]:
    return [line.amount for line in invoice.lines if line.kind is kind]


def team(n: int, day: int = 2, month: int = 3) -> list[Appointment]:
    """``n`` meetings held with ``n`` different people, an hour apart."""
    prefix = "a" if month == 3 else f"m{month}"
    return [
        held(f"{prefix}-{i}", at(day, 9 + i, month=month), who=prospect(f"p-{i}-{month}"))
        for i in range(1, n + 1)
    ]


class TestInvoiceLines:
    def test_each_billed_appointment_is_a_line_with_its_price_and_facts(self) -> None:
        meeting = held("a-1", at(2), who=prospect(name="Ada Lovelace"))

        invoice = march_invoice(contract(), [meeting])

        (line,) = invoice.lines
        assert line.kind is LineKind.APPOINTMENT
        assert line.appointment_id == "a-1"
        assert line.meeting_start == at(2)
        assert line.status is DecisionStatus.BILLABLE
        assert line.unit_price == eur(350)
        assert line.amount == eur("350.00")
        assert line.unit == 1
        assert "Ada Lovelace" in line.description
        assert invoice.billed_appointments == ("a-1",)

    def test_total_is_exactly_the_sum_of_the_lines(self) -> None:
        invoice = march_invoice(contract(), team(3))

        assert invoice.total == eur("1050.00")
        assert invoice.total == Money.total((x.amount for x in invoice.lines), "EUR")

    def test_appointments_not_billed_are_listed_with_their_reasons_at_zero(self) -> None:
        meetings = [
            held("a-1", at(2), who=prospect("p-1")),
            no_show("a-2", at(3), who=prospect("p-2")),
            cancelled("a-3", at(4), by=Actor.PROSPECT, hours_before=48, who=prospect("p-3")),
        ]

        invoice = march_invoice(contract(), meetings)

        assert invoice.billed_appointments == ("a-1",)
        reasons = {line.appointment_id: line.reason_codes for line in invoice.not_billed}
        assert reasons == {"a-2": (R.PROSPECT_NO_SHOW,), "a-3": (R.CANCELLED,)}
        assert all(line.amount == eur(0) for line in invoice.not_billed)
        assert invoice.total == eur(350)

    def test_meetings_of_other_periods_are_not_on_the_invoice(self) -> None:
        meetings = [held("a-1", at(28, month=2)), held("a-2", at(2, month=4), who=prospect("x"))]

        invoice = build_invoice(contract(), meetings, MARCH, as_of=LATER)

        assert invoice.lines == ()
        assert invoice.not_billed == ()
        assert invoice.total == eur(0)

    def test_meeting_without_outcome_is_listed_as_pending(self) -> None:
        invoice = march_invoice(contract(), [booked("a-1", at(31, 12))])

        (line,) = invoice.pending
        assert line.appointment_id == "a-1"
        assert line.reason_codes == (R.PENDING_OUTCOME,)

    def test_period_can_be_given_as_any_moment_inside_it(self) -> None:
        period = contract().period_containing(MARCH)

        by_moment = march_invoice(contract(), team(2))
        by_period = build_invoice(contract(), team(2), period, as_of=ISSUED)

        assert by_moment == by_period
        assert by_moment.period.label == "2026-03"

    def test_a_no_show_fee_line_is_rounded_once_at_the_line(self) -> None:
        c = contract(
            terms(
                "350.01",
                policy=NoShowPolicy(prospect_no_show_fee=Decimal("0.5")),
                rounding=RoundingMode.HALF_EVEN,
            )
        )

        invoice = march_invoice(c, [no_show("a-1", at(2))])

        assert amounts(invoice, LineKind.APPOINTMENT) == [eur("175.00")]


class TestCapOnInvoice:
    def test_appointments_over_the_cap_are_reported_not_billed(self) -> None:
        invoice = march_invoice(contract(terms(cap=2)), team(3))

        assert invoice.billed_appointments == ("a-1", "a-2")
        (over,) = invoice.over_cap
        assert over.appointment_id == "a-3"
        assert over.kind is LineKind.NOT_BILLED
        assert over.amount == eur(0)
        assert invoice.total == eur(700)


class TestPeriodFees:
    def test_retainer_is_one_line_per_period(self) -> None:
        c = contract(ContractTerms(pricing=Retainer(fee=eur(5000))))

        invoice = march_invoice(c, team(3))

        assert amounts(invoice, LineKind.RETAINER) == [eur(5000)]
        assert invoice.total == eur(5000)

    def test_hybrid_bills_the_retainer_and_each_appointment(self) -> None:
        pricing = Hybrid(
            retainer=Retainer(fee=eur(2000)), per_appointment=PerAppointment(price=eur(200))
        )

        invoice = march_invoice(contract(ContractTerms(pricing=pricing)), team(3))

        assert amounts(invoice, LineKind.RETAINER) == [eur(2000)]
        assert amounts(invoice, LineKind.APPOINTMENT) == [eur(200)] * 3
        assert invoice.total == eur(2600)

    @pytest.mark.parametrize("month", [12, 4, 7])
    def test_no_retainer_for_a_period_outside_the_term(self, month: int) -> None:
        c = contract(
            ContractTerms(pricing=Retainer(fee=eur(1000))),
            start=pendulum.Date(2026, 1, 15),
            end=pendulum.Date(2026, 3, 10),
        )
        year = 2025 if month == 12 else 2026

        invoice = build_invoice(c, [], pendulum.datetime(year, month, 20, tz=TZ), as_of=LATER)

        assert invoice.lines == ()
        assert invoice.guarantee is None

    def test_a_period_the_term_only_starts_in_bills_the_whole_retainer(self) -> None:
        c = contract(
            ContractTerms(pricing=Retainer(fee=eur(1000))), start=pendulum.Date(2026, 3, 10)
        )

        assert amounts(march_invoice(c, []), LineKind.RETAINER) == [eur(1000)]

    def test_a_span_from_the_term_s_first_day_bills_the_month_s_retainer(self) -> None:
        c = contract(
            ContractTerms(pricing=Retainer(fee=eur(1000))), start=pendulum.Date(2026, 3, 10)
        )
        span = BillingPeriod(c.term_start, at(1, 0, month=4))

        assert amounts(build_invoice(c, [], span, as_of=LATER), LineKind.RETAINER) == [eur(1000)]

    def test_a_half_month_invoice_bills_the_retainer_of_the_month_it_starts(self) -> None:
        c = contract(ContractTerms(pricing=Retainer(fee=eur(1000))))
        whole = c.period_containing(MARCH)
        mid = pendulum.datetime(2026, 3, 16, tz=TZ)

        first = build_invoice(c, [], BillingPeriod(whole.start, mid), as_of=LATER)
        second = build_invoice(c, [], BillingPeriod(mid, whole.end), as_of=LATER)

        assert amounts(first, LineKind.RETAINER) == [eur(1000)]
        assert amounts(second, LineKind.RETAINER) == []

    def test_a_quarter_invoice_bills_each_month_s_retainer(self) -> None:
        c = contract(ContractTerms(pricing=Retainer(fee=eur(1000))))

        invoice = build_invoice(c, [], SECOND_QUARTER, as_of=LATER)

        assert [line.description for line in invoice.lines] == [
            "retainer 2026-04",
            "retainer 2026-05",
            "retainer 2026-06",
        ]
        assert invoice.total == eur(3000)

    def test_pay_per_lead_bills_the_leads_delivered(self) -> None:
        c = contract(ContractTerms(pricing=PayPerLead(price_per_lead=eur("45.50"))))

        invoice = march_invoice(c, team(2), leads=120)

        (line,) = [x for x in invoice.lines if x.kind is LineKind.LEADS]
        assert line.quantity == 120
        assert line.unit_price == eur("45.50")
        assert line.amount == eur("5460.00")
        assert invoice.total == eur("5460.00")

    def test_pay_per_lead_without_leads_bills_nothing(self) -> None:
        c = contract(ContractTerms(pricing=PayPerLead(price_per_lead=eur(45))))

        assert march_invoice(c, team(2)).total == eur(0)

    def test_commission_bills_its_share_of_the_closed_value(self) -> None:
        c = contract(ContractTerms(pricing=Commission(rate=Decimal("0.1"), currency="EUR")))

        invoice = march_invoice(c, team(2), closed_value=eur("123456.78"))

        assert amounts(invoice, LineKind.COMMISSION) == [eur("12345.68")]
        assert invoice.total == eur("12345.68")

    def test_commission_on_value_in_another_currency_is_refused(self) -> None:
        c = contract(ContractTerms(pricing=Commission(rate=Decimal("0.1"), currency="EUR")))

        with pytest.raises(ValidationError) as raised:
            march_invoice(c, [], closed_value=Money.of(1000, "USD"))
        assert raised.value.field == "closed_value"


class TestGuarantee:
    def guaranteed(self, remedy: str = "service_credit") -> Contract:
        credit = eur(100) if remedy == "service_credit" else None
        guarantee = Guarantee(minimum_held=3, remedy=remedy, credit_per_missing=credit)
        return contract(terms(guarantee=guarantee))

    def test_shortfall_produces_a_service_credit_per_missing_meeting(self) -> None:
        invoice = march_invoice(self.guaranteed(), team(1))

        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == [eur(-200)]
        assert invoice.guarantee is not None
        assert (invoice.guarantee.minimum, invoice.guarantee.held) == (3, 1)
        assert invoice.guarantee.shortfall == 2
        assert invoice.credits == eur(-200)
        assert invoice.total == eur(150)

    def test_a_quarter_invoice_lists_each_month_s_guarantee_in_order(self) -> None:
        c = self.guaranteed()
        april, may = team(3, month=4), team(1, month=5)

        invoice = build_invoice(c, [*april, *may], SECOND_QUARTER, as_of=LATER)

        assert [(g.period.label if g.period else None, g.held) for g in invoice.guarantees] == [
            ("2026-04", 3),
            ("2026-05", 1),
            ("2026-06", 0),
        ]
        assert invoice.guarantee == invoice.guarantees[-1]
        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == [eur(-200), eur(-300)]

    def test_guarantees_must_end_with_the_guarantee(self) -> None:
        invoice = march_invoice(self.guaranteed(), team(1))
        assert invoice.guarantee is not None
        other = attrs.evolve(invoice.guarantee, held=2, shortfall=1)

        with pytest.raises(ValidationError) as raised:
            attrs.evolve(invoice, guarantee=other)
        assert raised.value.field == "invoice.guarantee"
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(invoice, guarantees=("not a result",))
        assert raised.value.field == "invoice.guarantees[0]"

    @pytest.mark.parametrize(
        ("field", "value", "where"),
        [
            ("contract_id", "", "invoice.contract_id"),
            ("period", "2026-03", "invoice.period"),
            ("issued_at", dt.datetime(2026, 4, 1), "invoice.issued_at"),  # naive
            ("currency", "EURO", "currency"),
            ("lines", ["a line"], "invoice.lines[0]"),
            ("not_billed", [None], "invoice.not_billed[0]"),
        ],
    )
    def test_a_hand_built_invoice_names_its_bad_field(
        self, field: str, value: object, where: str
    ) -> None:
        invoice = march_invoice(contract(), team(1))

        with pytest.raises(PpaError) as raised:
            attrs.evolve(invoice, **{field: value})
        assert getattr(raised.value, "field", None) == where

    def test_an_invoice_without_a_guarantee_lists_none(self) -> None:
        invoice = march_invoice(contract(), team(1))

        assert (invoice.guarantee, invoice.guarantees) == (None, ())

    def test_guarantee_met_produces_no_credit(self) -> None:
        invoice = march_invoice(self.guaranteed(), team(3))

        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == []
        assert invoice.guarantee is not None
        assert invoice.guarantee.shortfall == 0
        assert invoice.guarantee.attainment == 1

    def test_no_shows_do_not_count_towards_the_guarantee(self) -> None:
        meetings = [*team(2), no_show("a-9", at(20), who=prospect("p-9"))]

        invoice = march_invoice(self.guaranteed(), meetings)

        assert invoice.guarantee is not None
        assert invoice.guarantee.held == 2

    def test_a_host_no_show_billed_counts_towards_the_guarantee(self) -> None:
        meetings = [*team(2), no_show("a-9", at(20), absent=Actor.CLIENT, who=prospect("p-9"))]

        invoice = march_invoice(self.guaranteed(), meetings)

        assert invoice.guarantee is not None
        assert (invoice.guarantee.held, invoice.guarantee.shortfall) == (3, 0)
        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == []
        assert invoice.total == eur(3 * 350)  # billed: the agency delivered

    def test_a_host_no_show_not_billed_does_not_count_towards_the_guarantee(self) -> None:
        guarantee = Guarantee(minimum_held=3, credit_per_missing=eur(100))
        policy = NoShowPolicy(host_no_show_billable=False)
        c = contract(terms(guarantee=guarantee, policy=policy))
        meetings = [*team(2), no_show("a-9", at(20), absent=Actor.CLIENT, who=prospect("p-9"))]

        invoice = march_invoice(c, meetings)

        assert invoice.guarantee is not None
        assert invoice.guarantee.held == 2
        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == [eur(-100)]

    def test_no_guarantee_for_a_period_outside_the_term(self) -> None:
        guarantee = Guarantee(minimum_held=3, credit_per_missing=eur(100))
        c = contract(terms(guarantee=guarantee), end=pendulum.Date(2026, 2, 28))

        invoice = march_invoice(c, [])

        assert invoice.guarantee is None
        assert invoice.total == eur(0)

    def test_a_split_period_is_judged_once_over_all_its_meetings(self) -> None:
        c = self.guaranteed()
        whole = c.period_containing(MARCH)
        mid = pendulum.datetime(2026, 3, 16, tz=TZ)
        meetings = [*team(1, day=2), held("b-1", at(20), who=prospect("q"))]

        first = build_invoice(c, meetings, BillingPeriod(whole.start, mid), as_of=LATER)
        second = build_invoice(c, meetings, BillingPeriod(mid, whole.end), as_of=LATER)

        assert first.guarantee is None  # the month has not ended in the first half
        assert second.guarantee is not None
        assert (second.guarantee.held, second.guarantee.shortfall) == (2, 1)
        assert amounts(second, LineKind.GUARANTEE_CREDIT) == [eur(-100)]

    def test_meetings_held_over_the_cap_count_towards_the_guarantee(self) -> None:
        credit = Guarantee(minimum_held=3, credit_per_missing=eur(100))
        c = contract(terms(cap=2, guarantee=credit))

        invoice = march_invoice(c, team(3))

        assert invoice.guarantee is not None
        assert invoice.guarantee.held == 3
        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == []

    def guaranteed_two(self) -> Contract:
        return contract(terms(guarantee=Guarantee(minimum_held=2, credit_per_missing=eur(100))))

    def outcome_after_march(self) -> tuple[Contract, list[Appointment], Invoice, Invoice]:
        """Two of two guaranteed, one held on 31 March but recorded after the invoice."""
        c = self.guaranteed_two()
        late = booked("a-2", at(31, 15), who=prospect("p-2")).hold(
            at=ISSUED.add(days=2), attendance=Attendance(attended_minutes=30)
        )
        meetings = [held("a-1", at(2), who=prospect("p-1")), late]
        march = march_invoice(c, meetings)
        april = build_invoice(c, meetings, at(15, month=4), as_of=LATER, previous=[march])
        return c, meetings, march, april

    def test_a_credit_is_reversed_when_a_later_outcome_meets_the_guarantee(self) -> None:
        _, _, march, april = self.outcome_after_march()

        assert amounts(march, LineKind.GUARANTEE_CREDIT) == [eur(-100)]
        debit, reversal = [line for line in april.lines if line.kind is LineKind.ADJUSTMENT]
        assert (debit.appointment_id, debit.amount) == ("a-2", eur(350))
        assert reversal.appointment_id is None
        assert reversal.amount == eur(100)  # the client paid for 2 held of 2 guaranteed
        assert reversal.period == march.period
        assert reversal.reason_codes == ("GUARANTEE_SHORTFALL",)
        assert "2026-03" in reversal.description

    def test_a_credit_is_due_when_a_correction_leaves_the_guarantee_unmet(self) -> None:
        c = self.guaranteed_two()
        corrected = held("a-2", at(30), who=prospect("p-2")).correct(
            to=AppointmentState.NO_SHOW, at=ISSUED.add(hours=2)
        )
        meetings = [held("a-1", at(2), who=prospect("p-1")), corrected]
        march = march_invoice(c, meetings)

        april = build_invoice(c, meetings, at(15, month=4), as_of=LATER, previous=[march])

        assert amounts(march, LineKind.GUARANTEE_CREDIT) == []
        adjustments = [line.amount for line in april.lines if line.kind is LineKind.ADJUSTMENT]
        assert adjustments == [eur(-350), eur(-100)]

    def test_a_revisited_guarantee_is_adjusted_once_along_the_invoices(self) -> None:
        c, meetings, march, april = self.outcome_after_march()

        may = build_invoice(c, meetings, at(15, month=5), as_of=LATER, previous=[march, april])

        assert [line.kind for line in may.lines].count(LineKind.ADJUSTMENT) == 0

    def test_an_invoice_from_an_earlier_version_is_not_judged_again(self) -> None:
        c, meetings, march, _ = self.outcome_after_march()
        assert march.guarantee is not None
        # As an earlier version issued it: neither the result nor the lines name a period.
        unnamed = attrs.evolve(march.guarantee, period=None)
        legacy = attrs.evolve(
            march,
            guarantee=unnamed,
            guarantees=(unnamed,),  # what loading its document gives
            lines=tuple(attrs.evolve(line, period=None) for line in march.lines),
        )

        april = build_invoice(c, meetings, at(15, month=4), as_of=LATER, previous=[legacy])

        assert [
            line.appointment_id for line in april.lines if line.kind is LineKind.ADJUSTMENT
        ] == ["a-2"]

    def test_a_guarantee_is_not_judged_again_without_its_appointments(self) -> None:
        c, _, march, _ = self.outcome_after_march()
        april_only = [held("b-1", at(2, month=4), who=prospect("q-1"))]

        april = build_invoice(c, april_only, at(15, month=4), as_of=LATER, previous=[march])

        assert [line for line in april.lines if line.kind is LineKind.ADJUSTMENT] == []

    def test_a_period_the_term_ends_in_is_judged_on_the_invoice_that_reaches_the_end(
        self,
    ) -> None:
        guarantee = Guarantee(minimum_held=3, credit_per_missing=eur(100))
        c = contract(terms(guarantee=guarantee), end=pendulum.Date(2026, 3, 20))
        span = BillingPeriod(at(1, 0), c.term_end)  # type: ignore[arg-type]

        invoice = build_invoice(c, team(1), span, as_of=LATER)

        assert invoice.guarantee is not None
        assert invoice.guarantee.period == c.period_containing(MARCH)
        assert amounts(invoice, LineKind.GUARANTEE_CREDIT) == [eur(-200)]

    def test_roll_over_adds_the_shortfall_to_the_next_periods_minimum(self) -> None:
        c = self.guaranteed("roll_over")
        meetings = [*team(1), *team(4, month=4)]

        march = march_invoice(c, meetings)
        april = build_invoice(c, meetings, at(15, month=4), as_of=LATER, previous=[march])

        assert march.guarantee is not None
        assert march.guarantee.remedy is GuaranteeRemedy.ROLL_OVER
        assert march.guarantee.shortfall == 2
        assert amounts(march, LineKind.GUARANTEE_CREDIT) == []
        assert april.guarantee is not None
        assert april.guarantee.minimum == 5
        assert april.guarantee.shortfall == 1

    def test_nothing_rolls_over_from_a_quarter_whose_last_months_had_no_guarantee(self) -> None:
        guarantee = Guarantee(minimum_held=3, remedy="roll_over")
        c = (
            self.guaranteed("roll_over")
            .amend(pendulum.Date(2026, 5, 1), guarantee=None)
            .amend(pendulum.Date(2026, 7, 1), guarantee=guarantee)
        )
        meetings = [*team(1, month=4), *team(3, month=7)]

        second = build_invoice(c, meetings, SECOND_QUARTER, as_of=LATER)
        july = build_invoice(c, meetings, at(15, month=7), as_of=LATER, previous=[second])

        assert [(g.period.label if g.period else None, g.shortfall) for g in second.guarantees] == [
            ("2026-04", 2)
        ]
        assert july.guarantee is not None
        assert july.guarantee.minimum == 3  # April's shortfall is not June's

    def test_the_last_month_of_a_quarter_rolls_over_into_the_next_month(self) -> None:
        c = self.guaranteed("roll_over")
        meetings = [*team(3, month=4), *team(3, month=5), *team(2, month=6), *team(3, month=7)]

        second = build_invoice(c, meetings, SECOND_QUARTER, as_of=LATER)
        july = build_invoice(c, meetings, at(15, month=7), as_of=LATER, previous=[second])

        assert [g.shortfall for g in second.guarantees] == [0, 0, 1]
        assert july.guarantee is not None
        assert (july.guarantee.minimum, july.guarantee.shortfall) == (4, 1)


class TestReRun:
    def test_re_running_an_invoice_over_the_same_facts_gives_the_same_invoice(self) -> None:
        meetings = [*team(3), no_show("a-9", at(20), who=prospect("p-9"))]

        assert march_invoice(contract(terms(cap=2)), meetings) == march_invoice(
            contract(terms(cap=2)), meetings
        )

    def test_the_order_appointments_are_given_in_changes_nothing(self) -> None:
        meetings = [*team(4), no_show("a-9", at(20), who=prospect("p-9"))]

        assert march_invoice(contract(terms(cap=3)), meetings) == march_invoice(
            contract(terms(cap=3)), list(reversed(meetings))
        )

    def test_facts_recorded_after_the_issue_moment_do_not_change_it(self) -> None:
        late_news = held("a-1", at(31, 18)).dispute(at=ISSUED.add(hours=1), reason="wrong person")
        late_news = late_news.resolve_dispute(at=ISSUED.add(days=1), upheld=True)

        invoice = march_invoice(contract(), [late_news])

        assert invoice.billed_appointments == ("a-1",)


def disputed_after_invoicing() -> list[Appointment]:
    meeting = held("a-1", at(30, 10))
    meeting = meeting.dispute(at=ISSUED.add(days=1), reason="the prospect was a student")
    return [meeting.resolve_dispute(at=ISSUED.add(days=2), upheld=True)]


class TestLateEvents:
    def test_dispute_upheld_after_invoicing_is_a_credit_on_the_next_invoice(self) -> None:
        meetings = disputed_after_invoicing()
        march = march_invoice(contract(), meetings)

        april = build_invoice(contract(), meetings, at(15, month=4), as_of=LATER, previous=[march])

        (credit,) = april.lines
        assert credit.kind is LineKind.ADJUSTMENT
        assert credit.appointment_id == "a-1"
        assert credit.amount == eur(-350)
        assert R.DISPUTE_UPHELD in credit.reason_codes
        assert april.total == eur(-350)
        assert april.credits == eur(-350)

    def test_a_credit_given_once_is_not_given_again_on_later_invoices(self) -> None:
        meetings = disputed_after_invoicing()
        march = march_invoice(contract(), meetings)
        april = build_invoice(contract(), meetings, at(15, month=4), as_of=LATER, previous=[march])

        may = build_invoice(
            contract(), meetings, at(15, month=5), as_of=LATER, previous=[march, april]
        )

        assert may.lines == ()

    def test_the_issued_invoice_is_never_rewritten(self) -> None:
        meetings = disputed_after_invoicing()
        march = march_invoice(contract(), meetings)
        build_invoice(contract(), meetings, at(15, month=4), as_of=LATER, previous=[march])

        assert march.billed_appointments == ("a-1",)
        assert march.total == eur(350)
        assert march_invoice(contract(), meetings) == march

    def test_dispute_upheld_before_invoicing_is_simply_not_billed(self) -> None:
        meeting = held("a-1", at(20)).dispute(at=at(21), reason="wrong person")
        meetings = [meeting.resolve_dispute(at=at(22), upheld=True)]

        march = march_invoice(contract(), meetings)
        april = build_invoice(contract(), meetings, at(15, month=4), as_of=LATER, previous=[march])

        assert march.lines == ()
        (line,) = march.not_billed
        assert line.reason_codes == (R.DISPUTE_UPHELD,)
        assert april.lines == ()

    def test_no_show_corrected_to_held_after_invoicing_is_a_debit_next_time(self) -> None:
        meeting = no_show("a-1", at(30, 10)).correct(
            to=AppointmentState.HELD,
            at=ISSUED.add(hours=2),
            attendance=Attendance(attended_minutes=35),
            reason="the recording shows the prospect joined",
        )
        march = march_invoice(contract(), [meeting])

        april = build_invoice(contract(), [meeting], at(15, month=4), as_of=LATER, previous=[march])

        assert march.lines == ()
        (debit,) = april.lines
        assert debit.kind is LineKind.ADJUSTMENT
        assert debit.appointment_id == "a-1"
        assert debit.amount == eur(350)

    def test_outcome_recorded_after_invoicing_is_billed_on_the_next_invoice(self) -> None:
        meeting = booked("a-1", at(31, 15)).hold(
            at=ISSUED.add(days=2), attendance=Attendance(attended_minutes=30)
        )
        march = march_invoice(contract(), [meeting])

        april = build_invoice(contract(), [meeting], at(15, month=4), as_of=LATER, previous=[march])

        assert [line.appointment_id for line in march.pending] == ["a-1"]
        (debit,) = april.lines
        assert debit.kind is LineKind.ADJUSTMENT
        assert debit.amount == eur(350)

    def test_without_later_events_the_next_invoice_carries_no_adjustment(self) -> None:
        meetings = team(2)
        march = march_invoice(contract(), meetings)

        april = build_invoice(contract(), meetings, at(15, month=4), as_of=LATER, previous=[march])

        assert april.lines == ()

    def test_an_invoice_of_another_contract_is_refused_as_previous(self) -> None:
        other = march_invoice(attrs.evolve(contract(), id="c-2"), team(1))

        with pytest.raises(ValidationError) as raised:
            build_invoice(contract(), team(1), at(15, month=4), as_of=LATER, previous=[other])
        assert raised.value.field == "previous[0]"


class TestPeriodMembership:
    def test_meeting_at_23_30_local_on_the_last_day_belongs_to_that_month(self) -> None:
        la = "America/Los_Angeles"
        c = contract(timezone=la)
        late = pendulum.datetime(2026, 1, 31, 23, 30, tz=la)
        assert late.in_timezone("UTC").month == 2  # already February in UTC
        meeting = held("a-1", late)

        january = build_invoice(c, [meeting], pendulum.datetime(2026, 1, 15, tz=la), as_of=LATER)
        february = build_invoice(c, [meeting], pendulum.datetime(2026, 2, 15, tz=la), as_of=LATER)

        assert january.billed_appointments == ("a-1",)
        assert february.billed_appointments == ()

    def test_meeting_just_after_local_midnight_belongs_to_the_new_month(self) -> None:
        early = pendulum.datetime(2026, 4, 1, 0, 30, tz=TZ)
        assert early.in_timezone("UTC").month == 3  # still March in UTC
        meeting = held("a-1", early)

        april = build_invoice(contract(), [meeting], early, as_of=LATER)

        assert april.period.label == "2026-04"
        assert april.billed_appointments == ("a-1",)
        assert march_invoice(contract(), [meeting]).billed_appointments == ()


# -- properties -------------------------------------------------------------------------


@st.composite
def priced_contracts(draw: st.DrawFn) -> Contract:
    """A contract in any ISO 4217 currency with fractions that need rounding.

    Shrinks towards EUR, a flat price and no fee.
    """
    code = draw(currencies()).code
    digits = CURRENCIES[code].minor_units
    quantum = Decimal(1).scaleb(-digits)

    def money() -> Money:
        return Money.of(draw(st.integers(min_value=0, max_value=10**6)) * quantum, code)

    per_appointment = PerAppointment(price=money())
    choices: list[Pricing] = [
        per_appointment,
        PerAppointment(tiers=(Tier(2, money()), Tier(None, money()))),
        Hybrid(retainer=Retainer(fee=money()), per_appointment=per_appointment),
    ]
    pricing = draw(st.sampled_from(choices))
    guarantee = draw(
        st.none()
        | st.builds(
            Guarantee,
            minimum_held=st.integers(min_value=1, max_value=6),
            credit_per_missing=st.just(money()),
        )
    )
    contract_terms = ContractTerms(
        pricing=pricing,
        policy=NoShowPolicy(
            prospect_no_show_fee=draw(st.decimals(min_value=0, max_value=1, places=3))
        ),
        rounding=draw(st.sampled_from([RoundingMode.HALF_UP, RoundingMode.HALF_EVEN])),
        cap=draw(st.none() | st.integers(min_value=1, max_value=6)),
        guarantee=guarantee,
    )
    return contract(contract_terms, currency=code)


KINDS = ("held", "no_show", "host", "late", "open")


@st.composite
def month_of_meetings(draw: st.DrawFn, *, tz: str = TZ) -> list[Appointment]:
    """Up to 10 meetings in March 2026 (some people twice); shrinks towards none."""
    count = draw(st.integers(min_value=0, max_value=10))
    meetings = []
    for i in range(count):
        start = pendulum.datetime(2026, 3, 1, tz=tz).add(
            minutes=draw(st.integers(min_value=0, max_value=31 * 24 * 60 - 60))
        )
        who = prospect(f"p-{draw(st.integers(min_value=0, max_value=6))}")
        a = booked(f"a-{i:02d}", start, who=who)
        end = start.add(minutes=40)
        kind = draw(st.sampled_from(KINDS))
        if kind == "held":
            a = a.hold(at=end, attendance=Attendance(attended_minutes=30))
        elif kind == "no_show":
            a = a.no_show(at=end)
        elif kind == "host":
            a = a.no_show(at=end, absent=Actor.CLIENT)
        elif kind == "late":
            a = a.hold(at=end, attendance=Attendance(attended_minutes=25, join_delay_minutes=11))
        meetings.append(a)
    return meetings


@st.composite
def late_week(draw: st.DrawFn) -> list[Appointment]:
    """Up to 6 meetings in March's last week, some corrected after the March invoice."""
    meetings = []
    for i in range(draw(st.integers(min_value=0, max_value=6))):
        start = at(draw(st.integers(min_value=26, max_value=31)), draw(st.integers(9, 17)))
        a = booked(f"w-{i}", start, who=prospect(f"w-{i}"))
        end = start.add(minutes=40)
        if draw(st.booleans()):
            a = a.hold(at=end, attendance=Attendance(attended_minutes=30))
            if draw(st.booleans()):
                a = a.correct(to=AppointmentState.NO_SHOW, at=ISSUED.add(hours=1))
        else:
            a = a.no_show(at=end)
            if draw(st.booleans()):
                a = a.correct(
                    to=AppointmentState.HELD,
                    at=ISSUED.add(hours=1),
                    attendance=Attendance(attended_minutes=30),
                )
        meetings.append(a)
    return meetings


class TestInvoiceProperties:
    @given(late_week(), st.integers(min_value=1, max_value=6))
    def test_corrections_after_an_invoice_settle_on_the_next_one(
        self, meetings: list[Appointment], minimum: int
    ) -> None:
        guarantee = Guarantee(minimum_held=minimum, credit_per_missing=eur(100))
        c = contract(terms(guarantee=guarantee))
        march = march_invoice(c, meetings)
        april = build_invoice(c, meetings, at(15, month=4), as_of=LATER, previous=[march])
        afresh = build_invoice(c, meetings, MARCH, as_of=LATER)

        def for_march(invoice: Invoice, appointments: bool) -> Money:
            return Money.total(
                (
                    line.amount
                    for line in invoice.lines
                    if (line.appointment_id is not None) is appointments
                    and line.kind is not LineKind.RETAINER
                    and (appointments or line.period == march.period)
                ),
                "EUR",
            )

        # What March was billed, plus April's adjustments, is what March bills on today's
        # facts: the meetings and the guarantee credit alike; March itself is unchanged.
        for appointments in (True, False):
            settled = for_march(march, appointments) + for_march(april, appointments)
            assert settled == for_march(afresh, appointments)
        assert march == march_invoice(c, meetings)

    @given(priced_contracts(), month_of_meetings(), st.integers(min_value=0, max_value=50))
    def test_total_is_the_sum_of_rounded_lines_in_every_currency(
        self, c: Contract, meetings: list[Appointment], leads: int
    ) -> None:
        invoice = build_invoice(c, meetings, MARCH, as_of=LATER, leads=leads)

        assert invoice.total == Money.total((x.amount for x in invoice.lines), c.currency)
        for line in (*invoice.lines, *invoice.not_billed):
            assert line.amount.currency == c.currency
            assert line.amount.is_rounded

    @given(priced_contracts(), month_of_meetings(), st.randoms(use_true_random=False))
    def test_invoice_does_not_depend_on_the_order_of_appointments(
        self, c: Contract, meetings: list[Appointment], rng: random.Random
    ) -> None:
        shuffled = list(meetings)
        rng.shuffle(shuffled)

        assert build_invoice(c, shuffled, MARCH, as_of=LATER) == build_invoice(
            c, meetings, MARCH, as_of=LATER
        )

    @given(priced_contracts(), month_of_meetings())
    def test_re_running_gives_an_equal_invoice(
        self, c: Contract, meetings: list[Appointment]
    ) -> None:
        first = build_invoice(c, meetings, MARCH, as_of=LATER)

        assert build_invoice(c, meetings, MARCH, as_of=LATER) == first

    @given(month_of_meetings(), st.integers(min_value=1, max_value=30))
    def test_two_halves_of_a_period_bill_the_same_appointments_once_each(
        self, meetings: list[Appointment], split_day: int
    ) -> None:
        c = contract()
        whole = c.period_containing(MARCH)
        mid = pendulum.datetime(2026, 3, split_day, 12, tz=TZ)
        halves = [BillingPeriod(whole.start, mid), BillingPeriod(mid, whole.end)]

        full = build_invoice(c, meetings, whole, as_of=LATER)
        parts = [build_invoice(c, meetings, half, as_of=LATER) for half in halves]

        billed = [a for part in parts for a in part.billed_appointments]
        assert sorted(billed) == sorted(full.billed_appointments)
        assert len(set(billed)) == len(billed)
        assert parts[0].total + parts[1].total == full.total

    @given(month_of_meetings(), st.integers(min_value=1, max_value=30), st.integers(1, 23))
    def test_two_halves_bill_the_retainer_and_the_guarantee_once(
        self, meetings: list[Appointment], split_day: int, hour: int
    ) -> None:
        pricing = Hybrid(Retainer(eur(1000)), PerAppointment(price=eur(200)))
        guarantee = Guarantee(minimum_held=len(meetings) + 1, credit_per_missing=eur(75))
        c = contract(ContractTerms(pricing=pricing, guarantee=guarantee))
        whole = c.period_containing(MARCH)
        mid = pendulum.datetime(2026, 3, split_day, hour, tz=TZ)
        halves = [BillingPeriod(whole.start, mid), BillingPeriod(mid, whole.end)]

        full = build_invoice(c, meetings, whole, as_of=LATER)
        parts = [build_invoice(c, meetings, half, as_of=LATER) for half in halves]

        kinds = (LineKind.RETAINER, LineKind.GUARANTEE_CREDIT)
        for kind in kinds:
            split = [amount for part in parts for amount in amounts(part, kind)]
            assert split == amounts(full, kind)
        assert parts[0].total + parts[1].total == full.total
        assert parts[1].guarantee == full.guarantee


ZONES = ("America/Los_Angeles", "Australia/Sydney", "Pacific/Auckland")
"""Zones besides ppa_core.testing's: LA falls back on 1 November, a month boundary."""


@st.composite
def local_instants(draw: st.DrawFn) -> tuple[str, dt.datetime]:
    """A zone and an instant of 2026 near a month boundary or a clock change in that zone.

    Shrinks towards Europe/Berlin and the first of January.
    """
    tz = draw(timezones(dst=True) | st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.sampled_from([1, 1, 5, 28, 31]))
    base = dt.datetime(2026, month, 1, tzinfo=zone) + dt.timedelta(days=day - 1)
    minutes = draw(st.integers(min_value=-26 * 60, max_value=26 * 60))
    return tz, (base + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)


class TestPeriodMembershipProperties:
    @given(local_instants())
    def test_a_meeting_is_on_the_invoice_of_its_local_month_only(
        self, zone_and_instant: tuple[str, dt.datetime]
    ) -> None:
        tz, instant = zone_and_instant
        c = contract(timezone=tz, start=pendulum.Date(2025, 1, 1))
        start = pendulum.instance(instant)
        meeting = held("a-1", start)
        local = instant.astimezone(ZoneInfo(tz))
        expected = f"{local.year:04d}-{local.month:02d}"
        neighbours = c.periods(start.subtract(days=40), start.add(days=40))
        # Instants reach into 2027 and the meeting is recorded when it ends, so
        # LATER (1 January 2027) may not know it was held yet.
        as_of = start.add(days=60)

        on = [
            p.label
            for p in neighbours
            if build_invoice(c, [meeting], p, as_of=as_of).billed_appointments
        ]

        assert on == [expected]


class TestInvoicedSpans:
    """The look-up of the earlier invoices' spans, against the plain scan it replaces."""

    @given(
        st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=6),
        st.integers(-5, 90),
    )
    def test_holds_exactly_the_instants_some_span_holds(
        self, spans: list[tuple[int, int]], probe: int
    ) -> None:
        from ppa_core.billing.invoice import _Spans  # noqa: PLC0415 - private, tested alone

        origin = at(1, 0, month=1)
        periods = [
            BillingPeriod(origin.add(days=first), origin.add(days=first + length))
            for first, length in spans
        ]
        moment = origin.add(days=probe, hours=12)

        expected = any(p.start <= moment < p.end for p in periods)
        assert _Spans(periods).hold(moment) is expected
        assert _Spans(periods).hold(origin.add(days=probe)) is any(
            origin.add(days=probe) in p for p in periods
        )
