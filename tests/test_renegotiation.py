"""The renegotiation what-if: the real history priced again under proposed terms (section 13)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pendulum
import pytest

from _scenario import LATER, TZ, at, contract, eur, held, no_show, prospect, terms
from ppa_core import (
    Actor,
    Amendment,
    Appointment,
    BillingPeriod,
    DecisionStatus,
    Guarantee,
    Hybrid,
    Money,
    NoShowPolicy,
    PerAppointment,
    QualificationCriteria,
    Retainer,
    Tier,
    ValidationError,
    WhatIf,
    build_invoice,
    compute_figures,
    proposed_contract,
    what_if,
)
from ppa_core.presentation.notebook import to_records

Q1 = BillingPeriod(pendulum.datetime(2026, 1, 1, tz=TZ), pendulum.datetime(2026, 4, 1, tz=TZ))
FROM_Q1 = pendulum.Date(2026, 1, 1)


def quarter() -> list[Appointment]:
    """Two meetings held and one missed in each month of the first quarter (booked in it)."""
    facts: list[Appointment] = []
    for m in (1, 2, 3):
        facts += [
            held(f"h{m}-1", at(12, month=m), who=prospect(f"p{m}-1")),
            held(f"h{m}-2", at(13, month=m), who=prospect(f"p{m}-2", employees=60)),
            no_show(f"n{m}", at(14, month=m), who=prospect(f"p{m}-3")),
        ]
    return facts


def amendment(**changes: object) -> Amendment:
    return Amendment(FROM_Q1, attrs.evolve(terms(), **changes), note="proposal")


class TestWhatIf:
    def test_a_lower_price_re_prices_every_billed_meeting_and_says_why(self) -> None:
        found = what_if(
            contract(),
            quarter(),
            amendment(pricing=PerAppointment(price=eur(300))),
            period=Q1,
            as_of=LATER,
        )
        assert len(found.changed) == 6
        change = found.changed[0]
        assert (change.current_amount, change.proposed_amount) == (eur(350), eur(300))
        assert change.difference == eur(-50)
        assert any(r.startswith("price:") and "300" in r for r in change.reasons)
        assert (found.current_total, found.proposed_total) == (eur(2100), eur(1800))
        assert found.difference == eur(-300)

    def test_unchanged_decisions_have_no_reason(self) -> None:
        found = what_if(
            contract(),
            quarter(),
            amendment(pricing=PerAppointment(price=eur(300))),
            period=Q1,
            as_of=LATER,
        )
        missed = [a for a in found.appointments if a.appointment_id.startswith("n")]
        assert [a.changed for a in missed] == [False, False, False]
        assert all(a.reasons == () for a in missed)

    def test_a_cap_shows_which_meetings_it_would_leave_unbilled(self) -> None:
        found = what_if(contract(), quarter(), amendment(cap=1), period=Q1, as_of=LATER)
        over = [a for a in found.changed if a.proposed_status is DecisionStatus.NOT_BILLABLE]
        assert [a.appointment_id for a in over] == ["h1-2", "h2-2", "h3-2"]
        assert all("OVER_CAP" in a.proposed_codes for a in over)
        assert all(any(r.startswith("cap:") for r in a.reasons) for a in over)

    def test_stricter_criteria_name_the_qualification_rule(self) -> None:
        stricter = amendment(criteria=QualificationCriteria(min_employees=200))
        found = what_if(contract(), quarter(), stricter, period=Q1, as_of=LATER)
        assert [a.appointment_id for a in found.changed] == ["h1-2", "h2-2", "h3-2"]
        assert all(any(r.startswith("qualification:") for r in a.reasons) for a in found.changed)
        assert found.proposed.cost_per_meeting == eur(350)

    def test_periods_are_the_invoices_under_each_terms(self) -> None:
        proposal = amendment(
            pricing=Hybrid(
                retainer=Retainer(fee=eur(1000)), per_appointment=PerAppointment(price=eur(150))
            )
        )
        c = contract()
        found = what_if(c, quarter(), proposal, period=Q1, as_of=LATER)
        after = proposed_contract(c, proposal)
        for change in found.periods:
            assert (
                change.current_total
                == build_invoice(c, quarter(), change.period, as_of=LATER).total
            )
            assert (
                change.proposed_total
                == build_invoice(after, quarter(), change.period, as_of=LATER).total
            )
        assert found.proposed_total == eur(3 * (1000 + 2 * 150))

    def test_a_proposed_guarantee_credits_each_month_short_of_it(self) -> None:
        proposal = amendment(guarantee=Guarantee(3, credit_per_missing=eur(100)))
        found = what_if(contract(), quarter(), proposal, period=Q1, as_of=LATER)
        assert found.changed == ()  # no decision changes: the credit is a period's line
        assert [p.difference for p in found.periods] == [eur(-100)] * 3

    def test_a_stricter_policy_names_the_rule_that_now_refuses(self) -> None:
        rep_missed = no_show("host", at(20, month=2), absent=Actor.CLIENT, who=prospect("p-host"))
        proposal = amendment(policy=NoShowPolicy(host_no_show_billable=False))
        found = what_if(contract(), [*quarter(), rep_missed], proposal, period=Q1, as_of=LATER)
        (change,) = found.changed
        assert change.appointment_id == "host"
        assert (change.current_amount, change.proposed_amount) == (eur(350), eur(0))
        assert any("HOST_NO_SHOW" in reason for reason in change.reasons)

    def test_cost_per_meeting_under_both_is_the_figures(self) -> None:
        c = contract()
        proposal = amendment(pricing=PerAppointment(price=eur(300)))
        found = what_if(c, quarter(), proposal, period=Q1, as_of=LATER)
        now = compute_figures(c, quarter(), as_of=LATER, period=Q1)
        then = compute_figures(proposed_contract(c, proposal), quarter(), as_of=LATER, period=Q1)
        assert found.current == now
        assert found.proposed == then
        assert (now.cost_per_meeting, then.cost_per_meeting) == (eur(350), eur(300))

    def test_meetings_booked_before_the_amendment_keep_the_terms_they_were_booked_under(
        self,
    ) -> None:
        later = Amendment(
            pendulum.Date(2026, 2, 10),
            attrs.evolve(terms(), pricing=PerAppointment(price=eur(300))),
        )
        found = what_if(contract(), quarter(), later, period=Q1, as_of=LATER)
        # Booked a week ahead: February's meetings (12th, 13th) were booked on the 5th and 6th,
        # before the amendment, so only March's change.
        assert {a.appointment_id for a in found.changed} == {"h3-1", "h3-2"}

    def test_a_proposed_amendment_replaces_the_later_ones(self) -> None:
        c = contract().amend(pendulum.Date(2026, 3, 1), pricing=PerAppointment(price=eur(500)))
        proposal = amendment(pricing=PerAppointment(price=eur(300)))
        assert proposed_contract(c, proposal).amendments == (proposal,)

    def test_a_whole_alternative_contract_is_priced_as_it_is(self) -> None:
        # Graduated: 350 for the first meeting of a month, 150 for each one after.
        tiers = PerAppointment(
            tiers=(Tier(up_to=1, price=eur(350)), Tier(up_to=None, price=eur(150)))
        )
        alternative = attrs.evolve(contract(), id="c-2", terms=terms(pricing=tiers))
        found = what_if(contract(), quarter(), alternative, period=Q1, as_of=LATER)
        assert found.proposal == "contract c-2"
        assert found.proposed_total == eur(3 * (350 + 150))

    def test_a_proposal_in_another_currency_is_refused(self) -> None:
        usd = contract(terms(Money.of(350, "USD")), currency="USD")
        with pytest.raises(ValidationError, match=r"proposal\.currency"):
            what_if(contract(), [], usd, period=Q1, as_of=LATER)

    def test_the_span_must_be_a_billing_period(self) -> None:
        with pytest.raises(ValidationError, match="period"):
            what_if(contract(), [], amendment(), period="2026-Q1", as_of=LATER)  # type: ignore[arg-type]

    def test_a_proposal_must_be_an_amendment_or_a_contract(self) -> None:
        with pytest.raises(ValidationError, match="proposal"):
            what_if(contract(), [], terms(), period=Q1, as_of=LATER)  # type: ignore[arg-type]


class TestWhatIfRenderings:
    def found(self) -> WhatIf:
        return what_if(contract(), quarter(), amendment(cap=1), period=Q1, as_of=LATER)

    def test_the_text_gives_totals_periods_and_reasons(self) -> None:
        text = repr(self.found())
        assert "EUR 2,100.00 -> EUR 1,050.00" in text
        assert "3 of 9 decisions changed" in text
        assert "h1-2: EUR 350.00 -> EUR 0.00" in text
        assert "OVER_CAP" in text

    def test_the_html_has_periods_figures_and_changes(self) -> None:
        html = self.found()._repr_html_()
        assert html.count("<table") == 3
        assert "cost per meeting" in html

    def test_the_records_have_one_row_per_appointment(self) -> None:
        records = to_records(self.found())
        assert len(records) == 9
        changed = [r for r in records if r["changed"]]
        assert [r["appointment_id"] for r in changed] == ["h1-2", "h2-2", "h3-2"]
        assert changed[0]["difference"] == Decimal("-350.00")
