"""Billing documents: tax, numbers, lifecycle, credit notes and continuity (section 11)."""

from __future__ import annotations

import random
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _scenario import LATER, at, contract, eur, held, prospect, terms
from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import (
    DOCUMENT_TRANSITIONS,
    DocumentAction,
    DocumentStatus,
    InvoiceDocument,
)
from ppa_core.billing.issuing import (
    FIRST_PERIOD,
    IssuedDocuments,
    credit_balance,
    draft_documents,
)
from ppa_core.billing.numbering import NumberSeries, check_gapless
from ppa_core.billing.statement import EntryKind, statement
from ppa_core.billing.tax import tax_lines
from ppa_core.domain.guarantee import Guarantee
from ppa_core.domain.money import Money, RoundingMode
from ppa_core.domain.party import Parties, Party
from ppa_core.domain.payment_terms import PaymentBasis, PaymentTerms
from ppa_core.domain.tax import REVERSE_CHARGE_NOTE, TaxKind, TaxTreatment
from ppa_core.exceptions import TransitionNotAllowed, ValidationError
from ppa_core.presentation.documents import document_html, document_text
from ppa_core.testing import money, tax_treatments

VAT19 = TaxTreatment.rate("19")
INVOICES = NumberSeries("Outbound Co", "INV-")
CREDIT_NOTES = NumberSeries("Outbound Co", "CN-")
MARCH_START = pendulum.Date(2026, 3, 1)


def vat_contract(**term_changes: object) -> object:
    """The scenario contract from 1 March 2026, VAT 19 %, net 30."""
    term_changes.setdefault("tax", VAT19)
    return contract(terms(**term_changes), start=MARCH_START)


def issue(
    drafts: object, on: pendulum.Date, series: tuple[NumberSeries, NumberSeries]
) -> IssuedDocuments:
    return drafts.issue(series[0], series[1], on)  # type: ignore[attr-defined, no-any-return]


def disputed_in_april() -> list[object]:
    """A March meeting billed in March, disputed and upheld in April."""
    meeting = held("a-1", at(30, 10))
    meeting = meeting.dispute(at=at(2, month=4), reason="the prospect was a student")
    return [meeting.resolve_dispute(at=at(3, month=4), upheld=True)]


class TestTaxTreatment:
    def test_a_rate_is_labelled_with_its_percentage(self) -> None:
        assert TaxTreatment.rate("19").label == "VAT 19%"
        assert TaxTreatment.rate("7.5", name="GST").label == "GST 7.5%"

    def test_reverse_charge_carries_the_mandatory_note_by_default(self) -> None:
        treatment = TaxTreatment.reverse_charge()
        assert treatment.note == REVERSE_CHARGE_NOTE
        assert "Reverse charge" in treatment.note

    def test_reverse_charge_without_a_note_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            TaxTreatment(TaxKind.REVERSE_CHARGE)
        assert caught.value.field == "tax.note"

    def test_an_exempt_treatment_charges_no_rate(self) -> None:
        with pytest.raises(ValidationError) as caught:
            TaxTreatment(TaxKind.EXEMPT, Decimal(5))
        assert caught.value.field == "tax.percent"

    @pytest.mark.parametrize("percent", [Decimal(-1), Decimal(101), "abc", 0.19])
    def test_a_rate_outside_0_to_100_or_a_float_is_refused(self, percent: object) -> None:
        with pytest.raises(ValidationError) as caught:
            TaxTreatment.rate(percent)  # type: ignore[arg-type]
        assert caught.value.field == "tax.percent"


class TestTaxLines:
    def test_tax_is_rounded_once_on_the_net_not_per_line(self) -> None:
        """The worked example of docs/documents.md: 3 lines of about a third of 1,000."""
        nets = [eur("333.33"), eur("333.33"), eur("333.34")]

        (line,) = tax_lines([(VAT19, n) for n in nets], "EUR")

        assert line.taxable == eur(1000)
        assert line.tax == eur("190.00")
        per_line = sum((n.amount * Decimal("0.19")).quantize(Decimal("0.01")) for n in nets)
        assert per_line == Decimal("189.99")  # what rounding each line would have given

    def test_tax_is_computed_per_rate(self) -> None:
        reduced = TaxTreatment.rate("7")
        lines = [(VAT19, eur("100.05")), (reduced, eur("10.05")), (VAT19, eur("0.05"))]

        by_rate = {line.treatment: line for line in tax_lines(lines, "EUR")}

        assert by_rate[VAT19].taxable == eur("100.10")
        assert by_rate[VAT19].tax == eur("19.02")  # 19.019 rounded half-up
        assert by_rate[reduced].tax == eur("0.70")  # 0.7035

    def test_the_contract_rounding_mode_applies(self) -> None:
        (line,) = tax_lines([(TaxTreatment.rate("10"), eur("0.25"))], "EUR", RoundingMode.HALF_EVEN)
        assert line.tax == eur("0.02")  # 0.025 to even

    def test_exempt_and_reverse_charge_charge_nothing_and_keep_their_note(self) -> None:
        lines = [(TaxTreatment.reverse_charge(), eur(350)), (TaxTreatment.exempt(), eur(50))]

        found = tax_lines(lines, "EUR")

        assert [line.tax for line in found] == [eur(0), eur(0)]
        assert [line.note for line in found] == [None, REVERSE_CHARGE_NOTE]

    def test_a_net_in_another_currency_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            tax_lines([(VAT19, Money.of(1, "USD"))], "EUR")
        assert caught.value.field == "lines[0].net"

    @given(
        st.lists(st.tuples(tax_treatments(), money("EUR", 0, 10_000)), max_size=12), st.randoms()
    )
    def test_tax_never_depends_on_the_order_of_the_lines(
        self, lines: list[tuple[TaxTreatment, Money]], rnd: random.Random
    ) -> None:
        shuffled = list(lines)
        rnd.shuffle(shuffled)
        assert tax_lines(lines, "EUR") == tax_lines(shuffled, "EUR")

    @given(st.lists(st.tuples(tax_treatments(), money("EUR", 0, 10_000)), max_size=12))
    def test_net_plus_tax_is_gross_exactly_and_rounded(
        self, lines: list[tuple[TaxTreatment, Money]]
    ) -> None:
        found = tax_lines(lines, "EUR")
        net = Money.total((n for _, n in lines), "EUR")
        tax = Money.total((line.tax for line in found), "EUR")
        assert Money.total((line.taxable for line in found), "EUR") == net
        assert (net + tax).is_rounded
        for line in found:
            exact = line.taxable.amount * line.treatment.fraction
            assert abs(line.tax.amount - exact) <= Decimal("0.005")


class TestPaymentTerms:
    def test_net_30_counts_from_the_issue_date(self) -> None:
        assert PaymentTerms(30).due_date(pendulum.Date(2026, 1, 31)) == pendulum.Date(2026, 3, 2)

    def test_end_of_month_plus_n_counts_from_the_month_end(self) -> None:
        terms_ = PaymentTerms(15, PaymentBasis.END_OF_MONTH)
        assert terms_.due_date(pendulum.Date(2026, 2, 10)) == pendulum.Date(2026, 3, 15)
        assert terms_.label == "end of month + 15"

    def test_negative_days_are_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            PaymentTerms(-1)
        assert caught.value.field == "payment_terms.days"


class TestNumberSeries:
    def test_numbers_follow_each_other_without_gaps(self) -> None:
        series = NumberSeries("Outbound Co", "INV-2026-")
        numbers = []
        for _ in range(3):
            number, series = series.allocate()
            numbers.append(number)
        assert numbers == ["INV-2026-0001", "INV-2026-0002", "INV-2026-0003"]
        assert series.next_number == 4
        check_gapless(series, reversed(numbers))

    def test_allocating_leaves_the_stored_series_unchanged(self) -> None:
        series = NumberSeries("Outbound Co")
        series.allocate()
        assert series.allocate()[0] == "INV-0001"

    @pytest.mark.parametrize(
        ("numbers", "field"),
        [
            (["INV-0001", "INV-0003"], "numbers"),
            (["INV-0001", "INV-0001", "INV-0002", "INV-0003"], "numbers[1]"),
            (["INV-0001", "CN-0002", "INV-0003"], "numbers[1]"),
            (["INV-0001", "INV-0002", "INV-0003", "INV-0004"], "numbers[3]"),
        ],
    )
    def test_a_gap_a_repeat_or_a_stranger_is_found(self, numbers: list[str], field: str) -> None:
        with pytest.raises(ValidationError) as caught:
            check_gapless(NumberSeries("Outbound Co", next_number=4), numbers)
        assert caught.value.field == field


class TestDocumentLifecycle:
    def test_the_table_has_one_initial_state_final_states_and_no_trap(self) -> None:
        sources = {s for s, _ in DOCUMENT_TRANSITIONS}
        targets = set(DOCUMENT_TRANSITIONS.values())
        assert set(DocumentStatus) - targets == {DocumentStatus.DRAFT}  # one initial state
        final = set(DocumentStatus) - sources
        assert final == {DocumentStatus.PAID, DocumentStatus.VOID}
        assert sources | targets == set(DocumentStatus)  # every state reachable
        for state in sources:  # no trap: a final state is reachable from every state
            seen, todo = {state}, [state]
            while todo:
                here = todo.pop()
                for (s, _), after in DOCUMENT_TRANSITIONS.items():
                    if s is here and after not in seen:
                        seen.add(after)
                        todo.append(after)
            assert seen & final, state

    def test_a_draft_cannot_be_paid_and_the_error_says_what_is_allowed(self) -> None:
        drafts = draft_documents(vat_contract(), [], at(15), as_of=LATER, issued=FIRST_PERIOD)

        with pytest.raises(TransitionNotAllowed) as caught:
            drafts.invoice.mark_paid(pendulum.Date(2026, 4, 1))

        assert caught.value.state == "draft"
        assert caught.value.allowed == ("issue",)
        assert "invoice document" in str(caught.value)

    def test_an_issued_document_is_issued_once_then_paid_or_voided(self) -> None:
        drafts = draft_documents(vat_contract(), [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        issued = issue(drafts, pendulum.Date(2026, 4, 1), (INVOICES, CREDIT_NOTES)).invoice

        with pytest.raises(TransitionNotAllowed):
            issued.issue(INVOICES, pendulum.Date(2026, 4, 2))
        paid = issued.mark_paid(pendulum.Date(2026, 4, 20))
        assert paid.status is DocumentStatus.PAID
        assert paid.paid_on == pendulum.Date(2026, 4, 20)
        with pytest.raises(TransitionNotAllowed) as caught:
            paid.void(pendulum.Date(2026, 4, 21), "entered twice")
        assert caught.value.allowed == ()
        assert issued.void(pendulum.Date(2026, 4, 2), "wrong address").status is DocumentStatus.VOID

    def test_a_document_issued_without_a_number_is_refused(self) -> None:
        drafts = draft_documents(vat_contract(), [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(drafts.invoice, status=DocumentAction.ISSUE.value + "d")
        assert caught.value.field == "number"


class TestInvoiceDocument:
    def test_the_document_carries_lines_tax_totals_and_due_date(self) -> None:
        meetings = [held("a-1", at(10)), held("a-2", at(11), who=prospect("p-2"))]
        drafts = draft_documents(vat_contract(), meetings, at(15), as_of=LATER, issued=FIRST_PERIOD)

        invoice = issue(drafts, pendulum.Date(2026, 4, 1), (INVOICES, CREDIT_NOTES)).invoice

        assert [line.net for line in invoice.lines] == [eur(350), eur(350)]
        assert invoice.net == eur(700)
        assert invoice.tax_total == eur("133.00")
        assert invoice.gross == eur("833.00") == invoice.amount_due
        assert invoice.number == "INV-0001"
        assert invoice.due_on == pendulum.Date(2026, 5, 1)
        assert invoice.issuer == Party("Outbound Co")
        assert invoice.customer == Party("Acme")
        assert "rounded once per rate" in invoice.tax_method

    def test_the_parties_of_the_contract_appear_with_their_vat_ids(self) -> None:
        parties = Parties(
            Party("Outbound Co GmbH", ("Torstr. 1", "10119 Berlin"), "DE", "DE123456789"),
            Party("Acme B.V.", ("Keizersgracht 1", "1015 Amsterdam"), "NL", "NL123456789B01"),
        )
        c = attrs.evolve(vat_contract(tax=TaxTreatment.reverse_charge()), parties=parties)

        drafts = draft_documents(c, [held("a-1", at(10))], at(15), as_of=LATER, issued=FIRST_PERIOD)

        assert drafts.invoice.customer.vat_id == "NL123456789B01"
        assert drafts.invoice.tax_total == eur(0)
        assert drafts.invoice.notes == (REVERSE_CHARGE_NOTE,)

    def test_metadata_is_kept_as_given(self) -> None:
        drafts = draft_documents(
            vat_contract(), [], at(15), as_of=LATER, issued=FIRST_PERIOD, metadata={"crm": "42"}
        )
        assert dict(drafts.invoice.metadata) == {"crm": "42"}

    def test_a_contract_without_tax_treatment_cannot_have_documents(self) -> None:
        with pytest.raises(ValidationError) as caught:
            draft_documents(contract(), [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        assert caught.value.field == "contract.terms.tax"


class TestContinuity:
    def test_forgetting_the_issued_documents_is_an_error_that_says_what_is_missing(self) -> None:
        with pytest.raises(ValidationError) as caught:
            draft_documents(vat_contract(), [], at(15), as_of=LATER)
        assert caught.value.field == "issued"
        assert "FIRST_PERIOD" in caught.value.allowed

    def test_an_earlier_period_without_a_document_is_named(self) -> None:
        with pytest.raises(ValidationError) as caught:
            draft_documents(vat_contract(), [], at(15, month=5), as_of=LATER, issued=[])
        assert "2026-03, 2026-04" in str(caught.value.value)

    def test_the_first_period_needs_no_earlier_documents(self) -> None:
        drafts = draft_documents(vat_contract(), [], at(15), as_of=LATER, issued=[])
        assert drafts.invoice.period.label == "2026-03"

    def test_a_period_already_issued_cannot_be_issued_again(self) -> None:
        c = vat_contract()
        march = issue(
            draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )
        with pytest.raises(ValidationError) as caught:
            draft_documents(c, [], at(15), as_of=LATER, issued=march.documents)
        assert "INV-0001" in caught.value.allowed

    def test_documents_of_another_contract_or_drafts_are_refused(self) -> None:
        c = vat_contract()
        drafts = draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        with pytest.raises(ValidationError) as caught:
            draft_documents(c, [], at(15, month=4), as_of=LATER, issued=drafts.documents)
        assert caught.value.field == "issued[0].status"
        other = attrs.evolve(c, id="c-2")
        with pytest.raises(ValidationError) as caught:
            draft_documents(other, [], at(15), as_of=LATER, issued=[drafts.invoice])
        assert caught.value.field == "issued[0].contract_id"

    def test_a_voided_document_is_replaced_and_the_replacement_refers_to_it(self) -> None:
        c = vat_contract()
        meetings = [held("a-1", at(10))]
        march = issue(
            draft_documents(c, meetings, at(15), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )
        voided = march.invoice.void(pendulum.Date(2026, 4, 2), "wrong address")

        again = draft_documents(c, meetings, at(15), as_of=LATER, issued=[voided])
        replaced = again.issue(
            march.invoice_series, march.credit_note_series, pendulum.Date(2026, 4, 2)
        )

        assert replaced.invoice.number == "INV-0002"
        assert replaced.invoice.references == ("INV-0001",)
        assert replaced.invoice.gross == march.invoice.gross


class TestCreditNotes:
    def test_a_dispute_upheld_after_issue_is_a_credit_note_on_the_march_document(self) -> None:
        c = vat_contract()
        meetings = disputed_in_april()
        march = issue(
            draft_documents(c, meetings, at(15), as_of=at(1, month=4), issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )
        april = issue(
            draft_documents(c, meetings, at(15, month=4), as_of=LATER, issued=march.documents),
            pendulum.Date(2026, 5, 1),
            (march.invoice_series, march.credit_note_series),
        )

        (note,) = april.credit_notes
        assert note.number == "CN-0001"
        assert note.corrects == "INV-0001"
        assert note.corrects_period == march.invoice.period
        assert note.net == eur(350)
        assert note.gross == eur("416.50")
        assert "DISPUTE_UPHELD" in note.lines[0].reason_codes
        assert april.invoice.gross == eur(0)  # never negative: no EUR -350.00 invoice
        assert april.invoice.amount_due == eur(0)
        assert april.invoice.credit_carried_forward == eur("416.50")
        assert credit_balance([*march.documents, *april.documents], "EUR") == eur("416.50")

    def test_the_credit_balance_pays_the_next_documents_first(self) -> None:
        c = vat_contract()
        meetings = [*disputed_in_april(), held("a-5", at(5, month=5), who=prospect("p-5"))]
        docs: list[object] = []
        series = (INVOICES, CREDIT_NOTES)
        for month in (3, 4, 5):
            issued = issue(
                draft_documents(
                    c,
                    meetings,
                    at(15, month=month),
                    as_of=LATER if month > 3 else at(1, month=4),
                    issued=docs or FIRST_PERIOD,
                ),
                pendulum.Date(2026, month + 1, 1),
                series,
            )
            series = (issued.invoice_series, issued.credit_note_series)
            docs.extend(issued.documents)
        may = issued.invoice

        assert may.credit_brought_forward == eur("416.50")
        assert may.gross == eur("416.50")
        assert may.credit_applied == eur("416.50")
        assert may.amount_due == eur(0)
        assert may.credit_carried_forward == eur(0)

    def test_an_excess_credit_can_be_marked_for_refund(self) -> None:
        c = vat_contract()
        meetings = disputed_in_april()
        march = issue(
            draft_documents(c, meetings, at(15), as_of=at(1, month=4), issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )
        april = draft_documents(
            c, meetings, at(15, month=4), as_of=LATER, issued=march.documents, refund_excess=True
        )

        (note,) = april.credit_notes
        assert note.refund == eur("416.50")
        assert note.credited == eur(0)
        assert april.invoice.credit_refunded == eur("416.50")
        assert april.invoice.credit_carried_forward == eur(0)

    def test_a_guarantee_shortfall_without_meetings_is_a_credit_note_not_a_negative_invoice(
        self,
    ) -> None:
        c = vat_contract(guarantee=Guarantee(minimum_held=1, credit_per_missing=eur(50)))

        issued = issue(
            draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )

        (note,) = issued.credit_notes
        assert issued.invoice.gross == eur(0)
        assert note.corrects == issued.invoice.number == "INV-0001"
        assert note.gross == eur("59.50")
        assert issued.invoice.credit_carried_forward == eur("59.50")

    def test_a_credit_note_is_numbered_from_its_own_series(self) -> None:
        drafts = draft_documents(vat_contract(), [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        with pytest.raises(ValidationError) as caught:
            drafts.issue(INVOICES, INVOICES, pendulum.Date(2026, 4, 1))
        assert caught.value.field == "credit_notes"

    def test_a_credit_note_cannot_be_paid(self) -> None:
        c = vat_contract(guarantee=Guarantee(minimum_held=1, credit_per_missing=eur(50)))
        drafts = draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        with pytest.raises(ValidationError):
            attrs.evolve(drafts.credit_notes[0], status="paid", number="CN-1")
        assert isinstance(drafts.credit_notes[0], CreditNote)
        assert isinstance(drafts.invoice, InvoiceDocument)


class TestContinuityFromTheFirstDocumentedPeriod:
    def test_documents_may_start_after_the_term_when_the_first_was_stated(self) -> None:
        c = vat_contract()
        april = issue(
            draft_documents(c, [], at(15, month=4), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 5, 1),
            (INVOICES, CREDIT_NOTES),
        )
        may = draft_documents(c, [], at(15, month=5), as_of=LATER, issued=april.documents)
        assert may.invoice.period.label == "2026-05"

    def test_a_gap_after_the_first_documented_period_is_named(self) -> None:
        c = vat_contract()
        april = issue(
            draft_documents(c, [], at(15, month=4), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 5, 1),
            (INVOICES, CREDIT_NOTES),
        )
        with pytest.raises(ValidationError) as caught:
            draft_documents(c, [], at(15, month=7), as_of=LATER, issued=april.documents)
        assert "2026-05, 2026-06" in str(caught.value.value)


def guarantee_month() -> tuple[object, IssuedDocuments]:
    """March of a contract guaranteeing 1 meeting (EUR 50 per missing one), with none held."""
    c = vat_contract(guarantee=Guarantee(minimum_held=1, credit_per_missing=eur(50)))
    drafts = draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD)
    return c, issue(drafts, pendulum.Date(2026, 4, 1), (INVOICES, CREDIT_NOTES))


class TestReplacingWithCreditNotes:
    def test_a_voided_invoice_is_replaced_only_once_its_credit_notes_are_voided(self) -> None:
        c, march = guarantee_month()
        voided = march.invoice.void(pendulum.Date(2026, 4, 2), "wrong address")
        note = march.credit_notes[0]

        with pytest.raises(ValidationError) as caught:
            draft_documents(c, [], at(15), as_of=LATER, issued=[voided, note])
        assert caught.value.value == ["CN-0001"]

        again = draft_documents(
            c,
            [],
            at(15),
            as_of=LATER,
            issued=[voided, note.void(pendulum.Date(2026, 4, 2), "reissued")],
        )
        assert again.invoice.references == ("INV-0001",)
        assert [n.gross for n in again.credit_notes] == [eur("59.50")]


class TestStatement:
    def test_the_statement_lists_documents_payments_and_the_running_balance(self) -> None:
        c = vat_contract()
        meetings = disputed_in_april()
        march = issue(
            draft_documents(c, meetings, at(15), as_of=at(1, month=4), issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )
        paid = march.invoice.mark_paid(pendulum.Date(2026, 4, 10))
        april = draft_documents(
            c, meetings, at(15, month=4), as_of=LATER, issued=[paid], refund_excess=True
        ).issue(march.invoice_series, march.credit_note_series, pendulum.Date(2026, 5, 1))

        found = statement(c, [paid, *april.documents], pendulum.Date(2026, 5, 31))

        assert [(e.kind, e.amount) for e in found.entries] == [
            (EntryKind.INVOICE, eur("416.50")),
            (EntryKind.PAYMENT, eur("-416.50")),
            (EntryKind.INVOICE, eur(0)),
            (EntryKind.CREDIT_NOTE, eur("-416.50")),
            (EntryKind.REFUND, eur("416.50")),
        ]
        assert found.balance == eur(0)  # paid, credited and refunded: nothing owed either way
        assert statement(c, [paid], pendulum.Date(2026, 4, 5)).balance == eur("416.50")

    def test_a_void_document_is_listed_and_not_counted(self) -> None:
        c, march = guarantee_month()
        voided = march.invoice.void(pendulum.Date(2026, 4, 2), "wrong address")
        note = march.credit_notes[0].void(pendulum.Date(2026, 4, 2), "reissued")

        found = statement(c, [voided, note], pendulum.Date(2026, 4, 30))

        assert [e.void for e in found.entries] == [True, True]
        assert found.balance == eur(0)

    def test_a_draft_cannot_be_on_a_statement(self) -> None:
        c = vat_contract()
        drafts = draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD)
        with pytest.raises(ValidationError) as caught:
            statement(c, [drafts.invoice], pendulum.Date(2026, 4, 30))
        assert caught.value.field == "documents[0].status"


class TestRenderings:
    def test_text_and_html_carry_every_line_the_parties_and_the_reverse_charge_note(self) -> None:
        parties = Parties(
            Party("Outbound Co GmbH", ("Torstr. 1",), "DE", "DE123456789"),
            Party("Acme <B.V.>", ("Keizersgracht 1",), "NL", "NL123456789B01"),
        )
        c = attrs.evolve(vat_contract(tax=TaxTreatment.reverse_charge()), parties=parties)
        meetings = [
            held(f"a-{i}", at(2 + i % 25, 8 + i // 25), who=prospect(f"p-{i}")) for i in range(70)
        ]
        invoice = issue(
            draft_documents(c, meetings, at(15), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        ).invoice

        text, page = document_text(invoice), document_html(invoice)

        assert text.startswith("Invoice INV-0001")
        assert text.count("meeting with") == 70  # every line, never cut
        assert REVERSE_CHARGE_NOTE in text
        assert "NL123456789B01" in text
        assert "Acme &lt;B.V.&gt;" in page
        assert "<B.V.>" not in page
        assert page.count("meeting with") == 70
        assert repr(invoice).startswith("InvoiceDocument(INV-0001")


class TestTheFirstDocumentsAreRequired:
    def test_passing_only_later_documents_is_refused(self) -> None:
        c = vat_contract()
        series = (INVOICES, CREDIT_NOTES)
        march = issue(
            draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            series,
        )
        april = issue(
            draft_documents(c, [], at(15, month=4), as_of=LATER, issued=march.documents),
            pendulum.Date(2026, 5, 1),
            (march.invoice_series, march.credit_note_series),
        )
        assert march.invoice.first_period
        assert not april.invoice.first_period

        with pytest.raises(ValidationError) as caught:
            draft_documents(c, [], at(15, month=5), as_of=LATER, issued=april.documents)
        assert "first_period" in str(caught.value.value)

    def test_the_replacement_of_the_first_document_is_the_first_again(self) -> None:
        c = vat_contract()
        march = issue(
            draft_documents(c, [], at(15), as_of=LATER, issued=FIRST_PERIOD),
            pendulum.Date(2026, 4, 1),
            (INVOICES, CREDIT_NOTES),
        )
        voided = march.invoice.void(pendulum.Date(2026, 4, 2), "wrong address")

        again = draft_documents(c, [], at(15), as_of=LATER, issued=[voided])

        assert again.invoice.first_period


class TestAVoidedCreditAfterUse:
    def test_a_credit_note_voided_after_its_credit_was_used_applies_nothing_more(self) -> None:
        c, march = guarantee_month()
        april = issue(
            draft_documents(
                c,
                [held("a-1", at(10, month=4))],
                at(15, month=4),
                as_of=LATER,
                issued=march.documents,
            ),
            pendulum.Date(2026, 5, 1),
            (march.invoice_series, march.credit_note_series),
        )
        assert april.invoice.credit_applied == eur("59.50")
        voided = march.credit_notes[0].void(pendulum.Date(2026, 5, 2), "entered in error")

        may = draft_documents(
            c,
            [held("a-1", at(10, month=4)), held("a-2", at(5, month=5), who=prospect("p-2"))],
            at(15, month=5),
            as_of=LATER,
            issued=[march.invoice, voided, april.invoice],
        )

        assert may.invoice.credit_brought_forward == eur("-59.50")
        assert may.invoice.credit_applied == eur(0)
        assert may.invoice.amount_due == may.invoice.gross == eur("416.50")
