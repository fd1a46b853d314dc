"""The sample campaign's people, companies and moments, drawn from a seeded generator (private).

:class:`Builder` turns one ``random.Random(seed)`` into realistic prospects
(names, titles, companies in DACH and the Netherlands, BANT evidence) and
appointments with their histories; :mod:`ppa_core.sample` scripts which
situations happen when. Pure: no I/O, no clock.
"""

from __future__ import annotations

import random

import pendulum

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.history import Attendance
from ppa_core.domain.lifecycle import Actor
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

__all__ = ["TIMEZONE", "Builder", "berlin", "eur"]

TIMEZONE = "Europe/Berlin"


def eur(amount: int) -> Money:
    """``amount`` euros."""
    return Money.of(amount, "EUR")


def berlin(month: int, day: int, hour: int = 9, minute: int = 0) -> pendulum.DateTime:
    """A moment of 2026 in Berlin."""
    return pendulum.datetime(2026, month, day, hour, minute, tz=TIMEZONE)


# -- the vocabulary -------------------------------------------------------------------------

_FIRST = (
    "Anna", "Lena", "Julia", "Sarah", "Katharina", "Laura", "Sophie", "Marie", "Hannah",
    "Lisa", "Miriam", "Eva", "Johanna", "Clara", "Sanne", "Femke", "Lotte", "Noor", "Petra",
    "Lukas", "Jonas", "Felix", "Maximilian", "Tobias", "Florian", "Stefan", "Andreas",
    "Michael", "Thomas", "Markus", "Daniel", "Sebastian", "Matthias", "Jan", "Pieter",
    "Daan", "Ruben", "Niklas", "Philipp", "Martin", "Christoph", "Bram",
)  # fmt: skip
_LAST = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Braun",
    "Zimmermann", "Hartmann", "Krüger", "Lange", "Huber", "Gruber", "Steiner", "Moser",
    "de Vries", "van Dijk", "Jansen", "Bakker", "Visser", "Meier", "Keller", "Brunner",
    "Frei", "Baumann", "Lehmann", "Kaiser", "Vogt",
)  # fmt: skip

# Company stems by country, and the lines of business they are combined with.
_STEMS = {
    "DE": (
        "Rhein", "Ruhr", "Elbtal", "Isar", "Neckar", "Spree", "Weser", "Taunus", "Harz",
        "Mosel", "Saale", "Allgäu", "Emsland", "Lausitz", "Kraichgau", "Schwarzwald",
        "Bergmann", "Kessler", "Lindner", "Hansa",
    ),
    "AT": ("Donau", "Tauern", "Wienerwald", "Salzach", "Inntal", "Wachau"),
    "CH": ("Limmat", "Aare", "Säntis", "Rigi", "Emmental", "Léman"),
    "NL": ("Amstel", "Eems", "Delta", "Maas", "Veluwe", "Zaan"),
}  # fmt: skip
_LINES = {
    "DE": (
        ("Logistik GmbH", "logistics"), ("Maschinenbau AG", "manufacturing"),
        ("Versicherung AG", "insurance"), ("Handel GmbH", "retail"),
        ("Energie GmbH", "energy"), ("Medizintechnik GmbH", "medical devices"),
        ("Software GmbH", "software"), ("Chemie AG", "chemicals"), ("Foods GmbH", "food"),
    ),
    "AT": (
        ("Bau GmbH", "construction"), ("Handels AG", "retail"), ("Energie AG", "energy"),
        ("Logistik GmbH", "logistics"), ("Tourismus GmbH", "hospitality"),
    ),
    "CH": (
        ("Pharma AG", "pharmaceuticals"), ("Präzision AG", "manufacturing"),
        ("Versicherungen AG", "insurance"), ("Privatbank AG", "banking"),
        ("Uhren AG", "luxury goods"),
    ),
    "NL": (
        ("Logistics B.V.", "logistics"), ("Foods B.V.", "food"), ("Energy B.V.", "energy"),
        ("Systems B.V.", "software"), ("Retail Group N.V.", "retail"),
    ),
}  # fmt: skip
_TLD = {"DE": "de", "AT": "at", "CH": "ch", "NL": "nl"}
_ABROAD = (
    ("Thames Analytics Ltd", "GB", "software", "thamesanalytics.co.uk"),
    ("Lyon Distribution SAS", "FR", "logistics", "lyon-distribution.fr"),
    ("Great Lakes Freight Inc.", "US", "logistics", "greatlakesfreight.com"),
    ("Wisła Logistics Sp. z o.o.", "PL", "logistics", "wisla-logistics.pl"),
    ("Tessile Lombarda S.p.A.", "IT", "manufacturing", "tessilelombarda.it"),
)
_TITLES = {
    Seniority.C_LEVEL: ("CFO", "COO", "CEO", "Chief Data Officer", "Chief Revenue Officer",
                        "Geschäftsführer"),
    Seniority.VP: ("VP Finance", "VP Operations", "VP Sales", "VP Data & Analytics",
                   "VP Supply Chain"),
    Seniority.DIRECTOR: ("Head of Controlling", "Director of Finance", "Head of Data",
                         "Director Business Intelligence", "Head of Sales Operations",
                         "Director Supply Chain", "Head of FP&A"),
}  # fmt: skip
_FUNCTIONS = {
    "Controlling": "Finance", "Finance": "Finance", "FP&A": "Finance", "CFO": "Finance",
    "Data": "Data", "Intelligence": "Data", "Sales": "Sales", "Revenue": "Sales",
    "Supply": "Operations", "Operations": "Operations", "COO": "Operations",
}  # fmt: skip
_NEEDS = (
    "monthly close takes 12 days; reporting is stitched together in Excel",
    "no single view of revenue across three ERP instances",
    "sales forecast misses by 20 % each quarter",
    "BI team drowning in ad-hoc report requests",
    "inventory planning runs on spreadsheets",
    "board asks for weekly KPIs the data team cannot deliver",
    "replacing an end-of-life reporting tool this year",
)
_CANCEL_REASONS = (
    "budget freeze until the next quarter",
    "project postponed after a reorganisation",
    "prospect changed jobs",
    "evaluating an in-house solution first",
)
_LATE_CANCEL_REASONS = (
    "conflicting board meeting",
    "called in sick",
    "travel delayed",
)


def _slug(text: str) -> str:
    folded = text.lower()
    for letter, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("é", "e"), ("ß", "ss")):
        folded = folded.replace(letter, plain)
    return "".join(c if c.isalnum() else "-" for c in folded).strip("-")


def _company_pool() -> list[tuple[str, str, str, str]]:
    pool = []
    for country, stems in _STEMS.items():
        for stem in stems:
            for line, industry in _LINES[country]:
                domain = f"{_slug(stem)}-{_slug(line.split()[0])}.{_TLD[country]}"
                pool.append((f"{stem} {line}", country, industry, domain))
    return pool


# -- the generator ----------------------------------------------------------------------------


class Builder:
    """Draws people, companies and moments from one seeded generator (private)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
        self.companies = _company_pool()
        self.rng.shuffle(self.companies)
        self.people = [(f, last) for f in _FIRST for last in _LAST]
        self.rng.shuffle(self.people)
        self.prospects = 0
        self.appointments: list[Appointment] = []

    # -- people and companies -------------------------------------------------------------

    def company(self, employees: int | None = None, *, abroad: int | None = None) -> Company:
        if abroad is not None:
            name, country, industry, domain = _ABROAD[abroad % len(_ABROAD)]
        else:
            name, country, industry, domain = self.companies.pop()
        rng = self.rng
        if employees is None:  # 260 to about 4,800, most of them mid-sized
            employees = int(260 * (4800 / 260) ** (rng.random() ** 1.5))
        revenue = employees * rng.randrange(120, 260) * 1000
        return Company(
            name=name,
            employee_count=employees,
            annual_revenue=eur(round(revenue, -6)) if rng.random() < 0.7 else None,
            industry=industry,
            country=country,
            domain=domain,
        )

    def prospect(
        self,
        meeting: pendulum.DateTime,
        *,
        company: Company | None = None,
        seniority: Seniority | None = None,
        title: str | None = None,
        bant: str = "qualified",
    ) -> Prospect:
        """A prospect for a meeting at ``meeting``; ``bant`` is qualified, weak or far."""
        rng = self.rng
        self.prospects += 1
        first, last = self.people.pop()
        if seniority is None:
            seniority = rng.choices(
                (Seniority.C_LEVEL, Seniority.VP, Seniority.DIRECTOR), (2, 3, 5)
            )[0]
        if title is None:
            title = rng.choice(_TITLES[seniority])
        function = next((f for key, f in _FUNCTIONS.items() if key in title), None)
        return Prospect(
            id=f"p-{self.prospects:04d}",
            name=f"{first} {last}",
            job_title=title,
            seniority=seniority,
            function=function,
            company=company or self.company(),
            bant=self.bant(meeting, bant),
            intent_score=rng.randrange(35, 96),
            buying_stage=rng.choice((BuyingStage.CONSIDERATION, BuyingStage.DECISION)),
            source_channel=rng.choices(
                (Channel.EMAIL, Channel.PHONE, Channel.SOCIAL, Channel.PAID, Channel.EVENT),
                (5, 3, 3, 1, 1),
            )[0],
        )

    def bant(self, meeting: pendulum.DateTime, kind: str) -> BantEvidence:
        rng = self.rng
        day = meeting.date()
        need = rng.choice(_NEEDS)
        if kind == "weak":  # no budget, no timeline: 2 of 4
            return BantEvidence(
                budget_confirmed=False,
                authority=AuthorityRole.DECISION_MAKER,
                need_confirmed=True,
                need=need,
            )
        if kind == "far":  # budget unknown, decision in 8 to 10 months: 2 of 4
            return BantEvidence(
                authority=AuthorityRole.DECISION_MAKER,
                need_confirmed=True,
                need=need,
                decision_date=day.add(days=rng.randrange(240, 300)),
            )
        # 3 or 4 of 4; a decision 60 to 100 days out leaves room for a later meeting.
        gap = rng.choice(("none", "none", "none", "budget", "timeline", "authority"))
        budget = eur(rng.randrange(4, 30) * 5000)
        return BantEvidence(
            budget_confirmed=None if gap == "budget" else True,
            budget_amount=None if gap == "budget" else budget,
            authority=AuthorityRole.INFLUENCER
            if gap == "authority"
            else AuthorityRole.DECISION_MAKER,
            need_confirmed=True,
            need=need,
            decision_date=None if gap == "timeline" else day.add(days=rng.randrange(60, 101)),
        )

    # -- moments -----------------------------------------------------------------------------

    def slot(self, month: int, first: int, last: int) -> pendulum.DateTime:
        """A meeting start on a weekday from ``first`` to ``last`` of ``month``, 09:00-16:30."""
        days = [d for d in range(first, last + 1) if berlin(month, d).weekday() < 5]
        half_hours = self.rng.randrange(0, 16)
        return berlin(month, self.rng.choice(days), 9 + half_hours // 2, 30 * (half_hours % 2))

    def booking(self, start: pendulum.DateTime, lo: int = 1, hi: int = 10) -> pendulum.DateTime:
        """When a meeting at ``start`` was booked: ``lo`` to ``hi`` days before, on a weekday."""
        weekdays = [n for n in range(lo, hi + 1) if start.subtract(days=n).weekday() < 5]
        back = self.rng.choice(weekdays) if weekdays else hi
        day = start.subtract(days=back)
        while day.weekday() >= 5:  # only when no weekday is in range: the Friday before
            day = day.subtract(days=1)
        return day.set(hour=self.rng.randrange(8, 18), minute=self.rng.choice((0, 15, 30, 45)))

    # -- appointments --------------------------------------------------------------------------

    def book(
        self,
        who: Prospect,
        start: pendulum.DateTime,
        booked_at: pendulum.DateTime | None = None,
        *,
        confirm: bool = True,
    ) -> Appointment:
        rng = self.rng
        booked_at = booked_at or self.booking(start)
        duration = rng.choice((30, 30, 30, 45))
        appointment = Appointment.propose(
            f"tmp-{len(self.appointments):03d}",
            who,
            start=start,
            at=booked_at,
            duration_minutes=duration,
            reason=f"booked by {who.source_channel} outreach",
        ).schedule(at=booked_at.add(minutes=rng.randrange(5, 240)), actor=Actor.PROSPECT)
        reminder = start.subtract(hours=20)
        if confirm and rng.random() < 0.5 and reminder > appointment.history[-1].at:
            appointment = appointment.confirm(at=reminder, actor=Actor.PROSPECT)
        return appointment

    def add(self, appointment: Appointment) -> Appointment:
        self.appointments.append(appointment)
        return appointment

    def held(
        self,
        appointment: Appointment,
        *,
        delay: int | None = None,
        minutes: int | None = None,
    ) -> Appointment:
        rng = self.rng
        if delay is None:
            delay = rng.choices((0, rng.randint(1, 5), rng.randint(6, 10)), (6, 3, 1))[0]
        duration = appointment.duration_minutes
        if minutes is None:
            minutes = duration - delay - rng.randint(0, 4)
        return self.add(
            appointment.hold(
                at=appointment.start.add(minutes=max(duration, delay + minutes) + 5),
                attendance=Attendance(attended_minutes=minutes, join_delay_minutes=delay),
            )
        )

    def ok(self, month: int, first: int, last: int) -> Appointment:
        start = self.slot(month, first, last)
        return self.held(self.book(self.prospect(start), start))

    def rescheduled(self, final: pendulum.DateTime, hops: int) -> Appointment:
        """Booked ``hops`` weeks before ``final`` and moved by a week ``hops`` times."""
        start = final.subtract(weeks=hops)
        booked_at = self.booking(start, 3, 7)
        appointment = self.book(self.prospect(final), start, booked_at, confirm=False)
        for _ in range(hops):
            current = appointment.start
            at = max(self.booking(current, 1, 2), appointment.history[-1].at.add(minutes=30))
            appointment = appointment.reschedule(
                to=current.add(weeks=1), at=at, reason="prospect asked to move the meeting"
            )
        return appointment

    def no_show(self, month: int, first: int = 2, last: int = 27) -> Appointment:
        start = self.slot(month, first, last)
        appointment = self.book(self.prospect(start), start)
        return self.add(
            appointment.no_show(
                at=start.add(minutes=self.rng.randint(15, 25)),
                reason="prospect did not join; reminder call unanswered",
            )
        )

    def late_join(self, month: int) -> Appointment:
        start = self.slot(month, 2, 27)
        appointment = self.book(self.prospect(start), start)
        delay = self.rng.randint(12, 25)
        return self.held(appointment, delay=delay, minutes=appointment.duration_minutes - delay)

    def short(self, month: int) -> Appointment:
        start = self.slot(month, 2, 27)
        appointment = self.book(self.prospect(start), start)
        return self.held(appointment, delay=self.rng.randint(0, 4), minutes=self.rng.randint(6, 12))

    def cancelled(self, month: int, by: Actor, *, hours_before: int) -> Appointment:
        start = self.slot(month, 4, 27)
        booked_at = self.booking(start, max(2, hours_before // 24 + 2), 10)
        appointment = self.book(self.prospect(start), start, booked_at, confirm=False)
        late = hours_before < 24
        reasons = _LATE_CANCEL_REASONS if late else _CANCEL_REASONS
        reason = self.rng.choice(reasons)
        if by is Actor.CLIENT:
            reason = "Acme's account executive " + ("off sick" if late else "on holiday, no cover")
        return self.add(
            appointment.cancel(at=start.subtract(hours=hours_before), actor=by, reason=reason)
        )

    def unqualified(self, month: int, why: str) -> Appointment:
        start = self.slot(month, 2, 27)
        booked_at: pendulum.DateTime | None = None
        if why == "small":
            who = self.prospect(start, company=self.company(self.rng.randrange(25, 180)))
        elif why == "large":
            who = self.prospect(start, company=self.company(self.rng.randrange(7, 40) * 1000))
        elif why == "abroad":
            who = self.prospect(start, company=self.company(abroad=self.rng.randrange(5)))
        elif why == "manager":
            title = self.rng.choice(("Controlling Manager", "Team Lead BI", "Finance Manager"))
            who = self.prospect(start, seniority=Seniority.MANAGER, title=title)
        elif why == "assistant":  # enrichment tagged the title as C-level
            who = self.prospect(
                start, seniority=Seniority.C_LEVEL, title="Executive Assistant to the CFO"
            )
        elif why == "student":
            who = self.prospect(
                start,
                seniority=Seniority.INDIVIDUAL_CONTRIBUTOR,
                title="Working Student Data Analytics",
            )
        elif why == "narrower":  # fails only the amended criteria (250 employees)
            start = self.slot(month, 16, 27)
            booked_at = self.booking(start, 1, 5)
            who = self.prospect(start, company=self.company(self.rng.randrange(205, 245)))
        else:
            who = self.prospect(start, bant=why)
        return self.held(self.book(who, start, booked_at))
