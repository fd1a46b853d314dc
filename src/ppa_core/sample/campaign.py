"""The embedded sample campaign: a realistic contract and two months of appointments.

Northwind Outbound books meetings for the account executives of Acme Analytics
GmbH with finance, data and operations leaders in Germany, Austria,
Switzerland and the Netherlands. The contract prices meetings by seniority,
caps them per month, guarantees a minimum, gives the client seven days to
dispute a meeting, and is amended twice. February 2026 is the ramp-up month
(the guarantee is missed); March runs at full speed and hits the cap.

Every situation the billing engine knows appears at least once: held
meetings (some joined a few minutes late), late joins beyond the grace period,
short meetings, prospect no-shows, a host no-show, early and late
cancellations by the prospect, cancellations by the client (one early, one
late), reschedules (one too many times, one too far), unqualified prospects
(each configured criterion fails at least once), the same person or company booked
twice, a dispute upheld within the window after the February invoice went
out, one raised too late, one rejected, meetings booked before an amendment
and held after it, and meetings still pending at ``as_of``.

The names are generated from small lists with ``random.Random(seed)``: a seed
always gives the same campaign; another seed gives other people, companies and
dates with the same structure (the same counts of each situation).

>>> campaign = sample_campaign()
>>> len(campaign.appointments), [p.label for p in campaign.periods]
(197, ['2026-02', '2026-03'])
>>> campaign.contract.agency, campaign.contract.client
('Northwind Outbound', 'Acme Analytics GmbH')
"""

from __future__ import annotations

import attrs
import pendulum

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.bant_requirements import BantRequirements
from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms, Term
from ppa_core.domain.duplicates import DuplicateRule, DuplicateScope
from ppa_core.domain.guarantee import Guarantee
from ppa_core.domain.lifecycle import Actor
from ppa_core.domain.party import Parties, Party
from ppa_core.domain.payment_terms import PaymentTerms
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.pricing import PerAppointment
from ppa_core.domain.prospect import Prospect, Seniority
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.domain.tax import TaxTreatment
from ppa_core.exceptions import ValidationError
from ppa_core.sample._builder import TIMEZONE, Builder, berlin, eur

__all__ = ["SampleCampaign", "sample_campaign", "sample_contract"]


@attrs.frozen
class SampleCampaign:
    """A contract with its appointments, and the moments to read them at.

    Attributes:
        contract: the contract (two amendments).
        appointments: every appointment known at ``as_of``, in order of meeting start
            (ids ``a-001`` ... follow that order).
        as_of: the moment the campaign is read: 10 April 2026, 09:00 in Berlin.
        periods: the two billing periods of the campaign (February and March 2026).
        invoiced_at: when each period's invoice is issued: the February invoice on
            2 March 2026 at 09:00 (before a dispute of a February meeting was upheld),
            the March invoice at ``as_of``.
        description: what the campaign is, in a few sentences.
        seed: the seed it was generated with.
    """

    contract: Contract
    appointments: tuple[Appointment, ...]
    as_of: pendulum.DateTime
    periods: tuple[BillingPeriod, ...]
    invoiced_at: tuple[pendulum.DateTime, ...]
    description: str
    seed: int

    def appointment(self, appointment_id: str) -> Appointment:
        """The appointment with id ``appointment_id``.

        Raises:
            ValidationError: no appointment has that id.
        """
        for appointment in self.appointments:
            if appointment.id == appointment_id:
                return appointment
        first, last = self.appointments[0].id, self.appointments[-1].id
        raise ValidationError("appointment_id", appointment_id, f"an id from {first} to {last}")

    def in_period(self, period: BillingPeriod) -> tuple[Appointment, ...]:
        """The appointments whose meeting starts in ``period``."""
        return tuple(a for a in self.appointments if period.start <= a.start < period.end)


# -- the contract -------------------------------------------------------------------------

_CRITERIA = QualificationCriteria(
    minimum_seniority=Seniority.DIRECTOR,
    title_exclude=("intern", "student", "assistant"),
    min_employees=200,
    max_employees=5000,
    countries=("DE", "AT", "CH", "NL"),
    bant=BantRequirements(minimum_met=3, max_days_to_decision=120),
)

_PRICES = {Seniority.C_LEVEL: eur(600), Seniority.VP: eur(450), Seniority.DIRECTOR: eur(350)}


_PARTIES = Parties(
    issuer=Party("Northwind Outbound GmbH", ("Torstraße 140", "10119 Berlin"), "DE", "DE300000001"),
    customer=Party(
        "Acme Analytics GmbH", ("Sendlinger Straße 7", "80331 München"), "DE", "DE300000002"
    ),
)


def sample_contract() -> Contract:
    """The sample contract between Northwind Outbound and Acme Analytics GmbH.

    EUR, billed monthly in Europe/Berlin from 1 January 2026. Criteria: director
    or above, 200 to 5,000 employees, in DE/AT/CH/NL, no intern, student or
    assistant titles, 3 of 4 BANT elements with a decision within 120 days.
    Prices: C-level 600, VP 450, director 350, otherwise 300; at most 60 billable
    meetings a month; 40 held meetings a month guaranteed (EUR 100 credited per
    missing one); 7 days to dispute; the same company is billed once in 90 days.
    Amended from 15 February 2026 (director 375, cap 70) and from 10 March 2026
    (companies of at least 250 employees). Documents: VAT 19 %, net 14, both
    parties in Germany (fictional addresses and VAT ids).
    """
    contract = Contract(
        id="nwo-acme-2026",
        agency="Northwind Outbound",
        client="Acme Analytics GmbH",
        currency="EUR",
        timezone=TIMEZONE,
        term=Term(start=pendulum.Date(2026, 1, 1), end=pendulum.Date(2026, 12, 31)),
        terms=ContractTerms(
            pricing=PerAppointment(price=eur(300), seniority_prices=_PRICES),
            criteria=_CRITERIA,
            policy=NoShowPolicy(),
            dispute_window_days=7,
            cap=60,
            guarantee=Guarantee(minimum_held=40, credit_per_missing=eur(100)),
            duplicates=DuplicateRule(scope=DuplicateScope.COMPANY, window_days=90),
            tax=TaxTreatment.rate("19"),
            payment_terms=PaymentTerms(14),
        ),
        review_every_months=3,
        parties=_PARTIES,
    )
    contract = contract.amend(
        pendulum.Date(2026, 2, 15),
        note="Q1 review: director meetings 375 EUR, cap raised to 70",
        pricing=PerAppointment(
            price=eur(300), seniority_prices={**_PRICES, Seniority.DIRECTOR: eur(375)}
        ),
        cap=70,
    )
    return contract.amend(
        pendulum.Date(2026, 3, 10),
        note="narrower ICP: companies of at least 250 employees",
        criteria=attrs.evolve(_CRITERIA, min_employees=250),
    )


def _february(b: Builder) -> None:
    for _ in range(4):  # early meetings: their prospects are booked again later
        b.ok(2, 2, 11)
    for _ in range(26):
        b.ok(2, 2, 27)
    b.held(b.rescheduled(b.slot(2, 16, 27), 1))
    b.held(b.rescheduled(b.slot(2, 16, 27), 2))
    # Booked before the amendment of 15 February, held after it: still 350 EUR.
    start = b.slot(2, 16, 19)
    director = b.prospect(start, seniority=Seniority.DIRECTOR, title="Head of Controlling")
    b.held(b.book(director, start, berlin(2, 12, 11, 30)))
    # Held on 25 February, disputed on 2 March after the February invoice, upheld.
    start = b.slot(2, 25, 26)
    disputed = b.held(b.book(b.prospect(start), start))
    disputed = disputed.dispute(
        at=berlin(3, 2, 14, 30),
        reason="prospect says no evaluation is planned before 2027; timeline overstated",
    )
    b.appointments[-1] = disputed.resolve_dispute(at=berlin(3, 4, 11), upheld=True)
    # The same person booked again by another SDR, and a colleague at the same company.
    first, second = b.appointments[0], b.appointments[1]
    b.held(b.book(first.prospect, first.start.add(weeks=b.rng.choice((1, 2)))))
    again = second.start.add(weeks=b.rng.choice((1, 2)))
    b.held(b.book(b.prospect(again, company=second.prospect.company), again))
    # Rescheduled three times: only two reschedules are free.
    b.held(b.rescheduled(b.slot(2, 23, 27), 3))
    for _ in range(3):
        b.late_join(2)
        b.short(2)
    for _ in range(13):
        b.no_show(2)
    start = b.slot(2, 9, 20)
    host = b.book(b.prospect(start), start)
    b.add(
        host.no_show(
            at=start.add(minutes=15),
            absent=Actor.CLIENT,
            reason="Acme's account executive did not join",
        )
    )
    for _ in range(2):
        b.cancelled(2, Actor.PROSPECT, hours_before=b.rng.randint(2, 20))
    for _ in range(5):
        b.cancelled(2, Actor.PROSPECT, hours_before=24 * b.rng.randint(2, 5))
    b.cancelled(2, Actor.CLIENT, hours_before=72)
    for why in ("small", "abroad", "manager", "student", "weak", "far", "large", "assistant"):
        b.unqualified(2, why)
    b.unqualified(2, "small")
    b.unqualified(2, "weak")


def _march(b: Builder, february_no_show: Prospect) -> None:
    for _ in range(4):
        b.ok(3, 2, 11)
    first_march = len(b.appointments) - 4
    for _ in range(64):
        b.ok(3, 2, 30)
    b.held(b.rescheduled(b.slot(3, 17, 27), 1))
    b.held(b.rescheduled(b.slot(3, 17, 27), 1))
    # A February no-show, booked again and held: billed, not a duplicate.
    start = b.slot(3, 2, 13)
    b.held(b.book(february_no_show, start))
    # Booked before the amendment of 10 March with 230 employees, held after: qualified.
    start = b.slot(3, 11, 13)
    who = b.prospect(start, company=b.company(b.rng.randrange(215, 245)))
    b.held(b.book(who, start, berlin(3, 6, 15)))
    # Disputed 12 days after the meeting (the window is 7): upheld, but still billed.
    start = b.slot(3, 3, 4)
    late = b.held(b.book(b.prospect(start), start))
    late = late.dispute(at=start.add(days=12), reason="prospect was not the budget owner")
    b.appointments[-1] = late.resolve_dispute(at=start.add(days=14), upheld=True)
    # Disputed the next day, rejected: the recording shows a real discovery call.
    start = b.slot(3, 9, 12)
    rejected = b.held(b.book(b.prospect(start), start))
    rejected = rejected.dispute(at=start.add(days=1), reason="meeting felt like a cold call")
    b.appointments[-1] = rejected.resolve_dispute(at=start.add(days=3), upheld=False)
    # Booked again: a person met in February, one met in early March, and a colleague
    # of someone met in early March (the same company within 90 days).
    originals = b.appointments[2], b.appointments[first_march], b.appointments[first_march + 1]
    for original in originals[:2]:
        again = b.slot(3, 16, 27)
        b.held(b.book(original.prospect, again))
    again = b.slot(3, 16, 27)
    b.held(b.book(b.prospect(again, company=originals[2].prospect.company), again))
    # Moved by five weeks: beyond the 30 days a reschedule may move a meeting.
    final = b.slot(3, 23, 26)
    start = final.subtract(days=35)
    moved = b.book(b.prospect(final), start, b.booking(start, 4, 8), confirm=False)
    at = max(b.booking(start, 1, 2), moved.history[-1].at.add(minutes=30))
    moved = moved.reschedule(to=final, at=at, reason="prospect's project slipped a month")
    b.held(moved)
    start = b.slot(3, 16, 20)  # late cancellation by the client: billable
    appointment = b.book(b.prospect(start), start, confirm=False)
    b.add(
        appointment.cancel(
            at=start.subtract(hours=3), actor=Actor.CLIENT, reason="account executive off sick"
        )
    )
    for _ in range(4):
        b.late_join(3)
    for _ in range(3):
        b.short(3)
    for _ in range(13):
        b.no_show(3)
    for _ in range(4):
        b.cancelled(3, Actor.PROSPECT, hours_before=b.rng.randint(2, 20))
    for _ in range(7):
        b.cancelled(3, Actor.PROSPECT, hours_before=24 * b.rng.randint(2, 6))
    for why in ("small", "abroad", "manager", "weak", "far", "assistant", "large", "student"):
        b.unqualified(3, why)
    b.unqualified(3, "narrower")
    b.unqualified(3, "narrower")
    # Still open at as_of: no outcome logged for 31 March; a meeting on 14 April.
    start = berlin(3, 31, 15)
    pending = b.book(b.prospect(start), start, berlin(3, 25, 10), confirm=False)
    b.add(pending.confirm(at=berlin(3, 30, 17)))
    start = berlin(4, 14, 10)
    b.add(b.book(b.prospect(start), start, berlin(4, 7, 11), confirm=False))


def sample_campaign(seed: int = 7) -> SampleCampaign:
    """Build the sample campaign; the same ``seed`` always gives the same campaign.

    Args:
        seed: seeds the names, companies, dates and small variations; the structure
            (how many of each situation) is the same for every seed.

    Returns:
        The campaign: its contract, 197 appointments, the moment to read them at,
        the two billing periods and when each was invoiced.
    """
    b = Builder(seed)
    contract = sample_contract()
    _february(b)
    no_shows = [a for a in b.appointments if a.absent and Actor.PROSPECT in a.absent]
    _march(b, b.rng.choice(no_shows).prospect)
    ordered = sorted(b.appointments, key=lambda a: (a.start, a.booked_at, a.id))
    appointments = tuple(attrs.evolve(a, id=f"a-{i:03d}") for i, a in enumerate(ordered, start=1))
    as_of = berlin(4, 10, 9)
    periods = contract.periods(berlin(2, 1, 0), berlin(3, 31, 12))
    return SampleCampaign(
        contract=contract,
        appointments=appointments,
        as_of=as_of,
        periods=periods,
        invoiced_at=(berlin(3, 2, 9), as_of),
        description=_DESCRIPTION,
        seed=seed,
    )


_DESCRIPTION = (
    "Northwind Outbound books meetings for Acme Analytics GmbH's account executives "
    "with finance, data and operations leaders in DACH and the Netherlands, priced by "
    "seniority (C-level 600, VP 450, director 350 EUR). February 2026 is the ramp-up "
    "month: fewer meetings, the guarantee of 40 held meetings missed. From 15 February "
    "directors cost 375 and the cap rises from 60 to 70; from 10 March only companies "
    "of 250+ employees qualify. March runs at full speed and hits the cap."
)
