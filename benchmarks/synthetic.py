"""Deterministic synthetic appointments for the benchmarks.

``generate(n, seed=...)`` builds ``n`` realistic :class:`ppa_core.Appointment`
objects under the one contract of :func:`make_contract`: mostly held meetings,
with prospect and host no-shows, late joins, short meetings, early and late
cancellations, reschedules (within and beyond the free limit and window),
corrections, disputes, void and pending appointments, duplicates of an earlier
prospect and unqualified prospects. The same seed gives the same appointments.

Memory is kept low enough for a million appointments: the shareable parts
(companies, BANT evidence, names, attendance facts and every timestamp, which
sit on a grid of minutes) are built once and shared. Each appointment still
has its own :class:`Prospect` (the duplicate rule keys on the prospect id, so
a pool of a few thousand prospects shared by a million meetings would make
nearly every meeting a duplicate), except the deliberate duplicates, which
reuse an earlier appointment's prospect.

Run it to time the generation: ``python benchmarks/synthetic.py --n 1000000``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections.abc import Callable
from typing import Any, ClassVar

import pendulum

from ppa_core import (
    Action,
    Actor,
    Appointment,
    AppointmentState,
    Attendance,
    AuthorityRole,
    BantEvidence,
    BantRequirements,
    BuyingStage,
    Channel,
    Company,
    Contract,
    ContractTerms,
    Dispute,
    DisputeResolution,
    HistoryEntry,
    Money,
    NoShowPolicy,
    PerAppointment,
    Prospect,
    QualificationCriteria,
    Seniority,
    Term,
)

TIMEZONE = "Europe/Berlin"
TERM_START = pendulum.Date(2026, 1, 1)
ALLOWED_COUNTRIES = ("DE", "AT", "CH", "FR", "NL", "GB", "US")
OTHER_COUNTRIES = ("BR", "IN", "JP", "ZA")

A = Action
S = AppointmentState

# What happens to an appointment, with its share of a realistic campaign (per mille).
SCENARIOS: dict[str, int] = {
    "held": 560,
    "held_long": 60,
    "prospect_no_show": 80,
    "host_no_show": 12,
    "host_absent_from_held": 8,
    "late_join": 30,
    "short_meeting": 30,
    "cancel_early_prospect": 40,
    "cancel_early_client": 15,
    "cancel_late_prospect": 25,
    "cancel_late_client": 8,
    "cancel_borderline": 7,
    "rescheduled_held": 45,
    "rescheduled_too_often": 8,
    "rescheduled_too_far": 7,
    "corrected_to_held": 5,
    "dispute_upheld": 10,
    "dispute_rejected": 5,
    "dispute_upheld_late": 5,
    "void": 10,
    "pending": 40,
    "outside_term": 10,
}


def eur(amount: int) -> Money:
    return Money.of(amount, "EUR")


def make_contract(*, cap: int | None = None) -> Contract:
    """The benchmark contract: BANT 3 of 4, seniority prices, market no-show terms."""
    criteria = QualificationCriteria(
        minimum_seniority=Seniority.DIRECTOR,
        min_employees=200,
        max_employees=5000,
        countries=ALLOWED_COUNTRIES,
        bant=BantRequirements(
            minimum_met=3,
            max_days_to_decision=90,
            authority_roles={AuthorityRole.DECISION_MAKER, AuthorityRole.CHAMPION},
        ),
    )
    pricing = PerAppointment(
        price=eur(300),
        seniority_prices={
            Seniority.C_LEVEL: eur(600),
            Seniority.VP: eur(450),
            Seniority.DIRECTOR: eur(350),
        },
    )
    return Contract(
        id="bench-2026",
        agency="Northwind Outbound",
        client="Acme Analytics",
        currency="EUR",
        timezone=TIMEZONE,
        term=Term(start=TERM_START),
        terms=ContractTerms(
            pricing=pricing,
            criteria=criteria,
            policy=NoShowPolicy(),
            dispute_window_days=7,
            cap=cap,
        ),
    )


class _Clock:
    """Timestamps on a grid of local minutes, each built once and shared."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], pendulum.DateTime] = {}

    def at(self, day: int, minute: int) -> pendulum.DateTime:
        """The local time ``minute`` minutes after midnight of the day with ordinal ``day``."""
        day += minute // 1440
        minute %= 1440
        key = (day, minute)
        found = self._cache.get(key)
        if found is None:
            d = pendulum.Date.fromordinal(day)
            found = self._cache[key] = pendulum.datetime(
                d.year, d.month, d.day, minute // 60, minute % 60, tz=TIMEZONE
            )
        return found


def _weighted(rng: random.Random, table: dict[Any, int]) -> Callable[[], Any]:
    keys = list(table)
    cumulative = list(itertools.accumulate(table.values()))

    def pick() -> Any:
        return rng.choices(keys, cum_weights=cumulative)[0]

    return pick


class _Pools:
    """The shared parts of prospects: companies, names, BANT evidence."""

    FIRST: ClassVar[tuple[str, ...]] = (
        "Ada", "Grace", "Alan", "Linus", "Barbara", "Edsger", "Frances", "Ken", "Radia",
        "Donald", "Margaret", "Dennis", "Karen", "John", "Hedy", "Tim", "Shafi", "Guido",
    )  # fmt: skip
    LAST: ClassVar[tuple[str, ...]] = (
        "Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Dijkstra", "Allen", "Thompson",
        "Perlman", "Knuth", "Hamilton", "Ritchie", "Jones", "Backus", "Lamarr", "Berners-Lee",
        "Goldwasser", "van Rossum", "Kay", "Wirth",
    )  # fmt: skip
    TITLES: ClassVar[dict[Seniority | None, tuple[str, ...]]] = {
        Seniority.C_LEVEL: ("CTO", "CFO", "Chief Revenue Officer", "CEO"),
        Seniority.VP: ("VP Engineering", "VP Sales", "VP Operations"),
        Seniority.DIRECTOR: ("Director of IT", "Head of Data", "Director Finance"),
        Seniority.MANAGER: ("IT Manager", "Sales Manager"),
        Seniority.INDIVIDUAL_CONTRIBUTOR: ("Data Analyst", "Software Engineer"),
        None: ("Consultant",),
    }
    INDUSTRIES: ClassVar[tuple[str, ...]] = (
        "software",
        "manufacturing",
        "logistics",
        "retail",
        "finance",
        "healthcare",
    )

    def __init__(self, rng: random.Random, companies: int = 3000) -> None:
        self.rng = rng
        self.names = [f"{f} {last}" for f in self.FIRST for last in self.LAST]
        self.companies = [self._company(i) for i in range(companies)]
        self._bant: dict[tuple[Any, ...], BantEvidence] = {}
        self.seniority = _weighted(
            rng,
            {
                Seniority.C_LEVEL: 20,
                Seniority.VP: 32,
                Seniority.DIRECTOR: 43,
                Seniority.MANAGER: 3,
                Seniority.INDIVIDUAL_CONTRIBUTOR: 1,
                None: 1,
            },
        )
        self.confirmed = _weighted(rng, {True: 90, False: 6, None: 4})
        self.authority = _weighted(
            rng,
            {
                AuthorityRole.DECISION_MAKER: 80,
                AuthorityRole.CHAMPION: 6,
                AuthorityRole.INFLUENCER: 9,
                AuthorityRole.END_USER: 2,
                None: 3,
            },
        )

    def _company(self, i: int) -> Company:
        rng = self.rng
        roll = rng.random()
        if roll < 0.96:
            employees: int | None = rng.randint(200, 5000)
        elif roll < 0.98:
            employees = rng.randint(5, 199)
        elif roll < 0.99:
            employees = rng.randint(5001, 80000)
        else:
            employees = None
        roll = rng.random()
        if roll < 0.98:
            country: str | None = rng.choice(ALLOWED_COUNTRIES)
        elif roll < 0.995:
            country = rng.choice(OTHER_COUNTRIES)
        else:
            country = None
        revenue = None if employees is None else eur(employees * 180_000)
        return Company(
            name=f"Company {i:05d}",
            employee_count=employees,
            annual_revenue=revenue,
            industry=rng.choice(self.INDUSTRIES),
            country=country,
            domain=f"company-{i:05d}.example",
        )

    def bant(self, meeting_day: int) -> BantEvidence:
        """BANT evidence whose decision date is counted from the meeting day."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            decision: int | None = None
        elif roll < 0.06:
            decision = meeting_day - rng.randint(1, 20)  # already past: fails Timeline
        elif roll < 0.94:
            decision = meeting_day + rng.randint(0, 90)
        else:
            decision = meeting_day + rng.randint(91, 200)  # too far out
        budget = self.confirmed()
        key = (budget, self.authority(), self.confirmed(), decision)
        found = self._bant.get(key)
        if found is None:
            found = self._bant[key] = BantEvidence(
                budget_confirmed=key[0],
                authority=key[1],
                need_confirmed=key[2],
                need="reporting takes a week each month" if key[2] else None,
                decision_date=None if decision is None else pendulum.Date.fromordinal(decision),
            )
        return found

    def prospect(self, i: int, meeting_day: int) -> Prospect:
        rng = self.rng
        seniority = self.seniority()
        return Prospect(
            id=f"p-{i:07d}",
            name=rng.choice(self.names),
            job_title=rng.choice(self.TITLES[seniority]),
            seniority=seniority,
            company=rng.choice(self.companies),
            bant=self.bant(meeting_day),
            intent_score=rng.randint(20, 100),
            buying_stage=BuyingStage.CONSIDERATION,
            source_channel=Channel.EMAIL,
        )


class Generator:
    """Builds appointments one by one; see :func:`generate`."""

    def __init__(self, seed: int, first_day: pendulum.Date, days: int) -> None:
        self.rng = random.Random(seed)
        self.clock = _Clock()
        self.pools = _Pools(self.rng)
        self.scenario = _weighted(self.rng, SCENARIOS)
        first = first_day.toordinal()
        weekdays = [
            d for d in range(first, first + days) if pendulum.Date.fromordinal(d).weekday() < 5
        ]
        self.days = weekdays
        self.outside_days = [TERM_START.toordinal() - k for k in range(1, 20)]
        self._attendance: dict[tuple[int, int, bool, bool], Attendance] = {}
        self.prospects: list[Prospect] = []

    def attendance(
        self, minutes: int, delay: int = 0, *, prospect: bool = True, host: bool = True
    ) -> Attendance:
        key = (minutes, delay, prospect, host)
        found = self._attendance.get(key)
        if found is None:
            who = [a for a, here in ((Actor.PROSPECT, prospect), (Actor.CLIENT, host)) if here]
            found = self._attendance[key] = Attendance(
                attended_minutes=minutes, join_delay_minutes=delay, attendees=who
            )
        return found

    def appointment(self, i: int, *, outside_term: bool = True) -> Appointment:
        rng, at = self.rng, self.clock.at
        kind = self.scenario()
        if kind == "outside_term" and not outside_term:
            kind = "held"
        day = rng.choice(self.outside_days if kind == "outside_term" else self.days)
        minute = rng.randrange(8 * 60, 17 * 60 + 1, 30)
        duration = 45 if rng.random() < 0.2 else 30
        start = at(day, minute)
        # Duplicates: about 2 % book a prospect already met, possibly on another day.
        if self.prospects and rng.random() < 0.02:
            prospect = rng.choice(self.prospects)
        else:
            prospect = self.pools.prospect(i, day)
            if len(self.prospects) < 5000:
                self.prospects.append(prospect)
            else:
                self.prospects[rng.randrange(5000)] = prospect
        original_day = day
        if kind == "rescheduled_held":
            original_day = day - rng.randint(1, 14)
        elif kind == "rescheduled_too_often":
            original_day = day - 21
        elif kind == "rescheduled_too_far":
            original_day = day - rng.randint(31, 45)
        booked_day = original_day - rng.randint(2, 21)
        booked = at(booked_day, rng.randrange(9 * 60, 17 * 60, 15))
        history = [
            HistoryEntry(
                A.PROPOSE, S.PROPOSED, booked, Actor.AGENCY, start=at(original_day, minute)
            ),
            HistoryEntry(A.SCHEDULE, S.SCHEDULED, booked, Actor.PROSPECT),
        ]
        if kind == "rescheduled_too_often":  # three moves of a week: one more than is free
            history.extend(
                HistoryEntry(
                    A.RESCHEDULE,
                    S.SCHEDULED,
                    at(original_day + 7 * (step - 1) - 1, 10 * 60),
                    Actor.PROSPECT,
                    start=at(original_day + 7 * step, minute),
                )
                for step in (1, 2, 3)
            )
        elif original_day != day:
            history.append(
                HistoryEntry(
                    A.RESCHEDULE,
                    S.SCHEDULED,
                    at(original_day - 1, 10 * 60),
                    Actor.PROSPECT,
                    "travelling",
                    start=start,
                )
            )
        if kind != "pending" and rng.random() < 0.4:
            history.append(
                HistoryEntry(A.CONFIRM, S.CONFIRMED, at(day - 1, 9 * 60), Actor.PROSPECT)
            )
        ended = at(day, minute + duration + 15)
        disputes: tuple[Dispute, ...] = ()
        attended = rng.randint(max(15, duration - 10), duration + 15)
        if kind in {"held", "held_long", "rescheduled_held", "rescheduled_too_often",
                    "rescheduled_too_far", "outside_term", "dispute_upheld",
                    "dispute_rejected", "dispute_upheld_late"}:  # fmt: skip
            delay = rng.choice((0, 0, 0, 1, 2, 3, 5, 10))
            minutes = attended + 30 if kind == "held_long" else attended
            history.append(
                HistoryEntry(
                    A.HOLD, S.HELD, ended, Actor.AGENCY, attendance=self.attendance(minutes, delay)
                )
            )
            if kind.startswith("dispute"):
                late = kind == "dispute_upheld_late"
                raised = at(day + (rng.randint(9, 20) if late else rng.randint(1, 6)), 11 * 60)
                upheld = kind != "dispute_rejected"
                disputes = (
                    Dispute(
                        raised,
                        "the prospect was not the decision maker",
                        DisputeResolution.UPHELD if upheld else DisputeResolution.REJECTED,
                        at(day + 22, 15 * 60),
                    ),
                )
        elif kind == "late_join":
            attendance = self.attendance(attended, rng.randint(11, 25))
            history.append(HistoryEntry(A.HOLD, S.HELD, ended, Actor.AGENCY, attendance=attendance))
        elif kind == "short_meeting":
            attendance = self.attendance(rng.randint(3, 14), rng.choice((0, 2, 5)))
            history.append(HistoryEntry(A.HOLD, S.HELD, ended, Actor.AGENCY, attendance=attendance))
        elif kind == "host_absent_from_held":
            attendance = self.attendance(0, 0, host=False)
            history.append(HistoryEntry(A.HOLD, S.HELD, ended, Actor.AGENCY, attendance=attendance))
        elif kind in {"prospect_no_show", "host_no_show", "corrected_to_held"}:
            absent = Actor.CLIENT if kind == "host_no_show" else Actor.PROSPECT
            history.append(
                HistoryEntry(
                    A.NO_SHOW, S.NO_SHOW, at(day, minute + 20), Actor.AGENCY, absent=[absent]
                )
            )
            if kind == "corrected_to_held":
                history.append(
                    HistoryEntry(
                        A.CORRECT,
                        S.HELD,
                        at(day + 1, 10 * 60),
                        Actor.AGENCY,
                        "the recording shows the prospect joined",
                        attendance=self.attendance(attended, 4),
                    )
                )
        elif kind.startswith("cancel"):
            who = Actor.CLIENT if kind.endswith("client") else Actor.PROSPECT
            if kind.startswith("cancel_early"):
                when = at(day - rng.randint(2, 10), rng.randrange(8 * 60, 18 * 60, 15))
            elif kind == "cancel_borderline":  # 30 minutes either side of the 24 h line
                when = at(day - 1, minute + rng.choice((-30, 30)))
            else:
                when = at(day, rng.randrange(6 * 60, minute - 29, 15))
            if when < history[-1].at:
                when = history[-1].at
            history.append(HistoryEntry(A.CANCEL, S.CANCELLED, when, who, "calendar conflict"))
        elif kind == "void":
            history.append(HistoryEntry(A.VOID, S.VOID, at(day, minute - 120), Actor.AGENCY))
        # "pending": no outcome recorded yet.
        return Appointment(f"a-{i:07d}", prospect, history, duration, disputes)


def generate(
    n: int,
    *,
    seed: int = 2026,
    first_day: pendulum.Date = TERM_START,
    days: int = 365,
    outside_term: bool = True,
) -> list[Appointment]:
    """``n`` appointments with meetings on the weekdays of ``[first_day, first_day + days)``.

    Args:
        n: how many appointments.
        seed: the random seed; the same seed gives the same appointments.
        first_day: the first day meetings may fall on.
        days: how many days meetings spread over (31 from a month's first day: one month).
        outside_term: include the 1 % of meetings before the contract term (their dates
            fall before ``TERM_START``); turn off to keep every meeting inside the span.
    """
    gen = Generator(seed, first_day, days)
    return [gen.appointment(i, outside_term=outside_term) for i in range(n)]


def as_of_after(appointments: list[Appointment]) -> pendulum.DateTime:
    """A moment after every fact of ``appointments`` (decisions see everything)."""
    last = max(a.history[-1].at for a in appointments)
    disputes = [d.resolved_at or d.raised_at for a in appointments for d in a.disputes]
    return max([last, *disputes]).add(days=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.perf_counter()
    appointments = generate(args.n, seed=args.seed)
    elapsed = time.perf_counter() - started
    states: dict[str, int] = {}
    for a in appointments:
        states[a.state.value] = states.get(a.state.value, 0) + 1
    print(f"generated {args.n:,} appointments in {elapsed:.1f} s ({args.n / elapsed:,.0f}/s)")
    print("states:", ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))


if __name__ == "__main__":
    main()
