"""One-line reprs and Jupyter HTML of appointments, prospects, money and figures."""

from __future__ import annotations

import pendulum
from hypothesis import given, settings

from ppa_core import Actor, Money, compute_figures
from ppa_core.testing import (
    appointments,
    contracts,
    make_appointment,
    make_contract,
    make_prospect,
    prospects,
)

AS_OF = pendulum.datetime(2026, 4, 1, tz="UTC")


class TestAppointmentRepr:
    def test_the_repr_names_id_state_start_prospect_and_company_on_one_line(self) -> None:
        appointment = make_appointment(id="a-7")
        text = repr(appointment)
        assert text.startswith("Appointment('a-7', held, 2026-03-02T10:00:00+01:00, ")
        assert appointment.prospect.name in text
        assert appointment.prospect.company.name in text
        assert "\n" not in text

    def test_the_repr_counts_steps_and_disputes(self) -> None:
        appointment = make_appointment(id="a-8")
        disputed = appointment.dispute(at=appointment.start.add(days=1), reason="no decision maker")
        assert f"{len(appointment.history)} steps)" in repr(appointment)
        assert "1 dispute)" in repr(disputed)

    @settings(max_examples=20)
    @given(appointments())
    def test_any_appointment_prints_in_under_200_characters(self, appointment) -> None:  # type: ignore[no-untyped-def]
        assert len(repr(appointment)) < 200 + len(appointment.prospect.name) + len(
            appointment.prospect.company.name
        )

    def test_the_html_shows_every_step_of_the_history(self) -> None:
        appointment = make_appointment("cancelled", id="a-9", actor=Actor.PROSPECT)
        page = appointment._repr_html_()
        assert "Appointment a-9" in page
        assert page.count("<tr>") >= len(appointment.history) + 6
        for entry in appointment.history:
            assert entry.action.value in page


class TestProspectRepr:
    def test_the_repr_names_id_name_title_seniority_and_company(self) -> None:
        prospect = make_prospect(id="p-9")
        assert repr(prospect) == (
            f"Prospect('p-9', {prospect.name!r}, {prospect.job_title!r}, "
            f"{prospect.seniority.value}, {prospect.company.name})"  # type: ignore[union-attr]
        )

    @settings(max_examples=20)
    @given(prospects())
    def test_unknown_evidence_reads_unknown_in_html(self, prospect) -> None:  # type: ignore[no-untyped-def]
        page = prospect._repr_html_()
        assert f"Prospect {prospect.id}" in page
        if prospect.intent_score is None:
            assert "unknown" in page


class TestContractRepr:
    @settings(max_examples=20)
    @given(contracts())
    def test_a_contract_prints_on_one_line(self, contract) -> None:  # type: ignore[no-untyped-def]
        assert "\n" not in repr(contract)
        assert repr(contract.id) in repr(contract)


class TestMoneyAndFiguresHtml:
    def test_money_html_is_the_formatted_amount_kept_on_one_line(self) -> None:
        html = Money("35815.5", "EUR")._repr_html_()
        assert html == '<span style="white-space:nowrap">EUR 35,815.50</span>'

    def test_figures_html_lists_counts_rates_and_costs(self) -> None:
        contract = make_contract()
        held = make_appointment(id="a-1")
        gone = make_appointment("no_show", id="a-2", start=held.start.add(hours=2))
        figures = compute_figures(contract, [held, gone], as_of=AS_OF)
        page = figures._repr_html_()
        assert "show rate" in page
        assert "50.0 %" in page  # one held, one no-show
        assert figures.billed.format() in page
        assert "white-space:nowrap" in page
