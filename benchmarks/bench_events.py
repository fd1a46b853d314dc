"""Applying scheduling events: events/s, against building the same appointments by hand.

Generates a deterministic (seeded) feed of Cal.com bookings and Zoom attendance at
``--per-day`` bookings a day for ``--days`` days: by default the issue's scenario,
1,000 bookings a day for a quarter (91 days: 91,000 bookings, about 475,000 events;
the issue's "100,000 events" is the floor, see benchmarks/README.md). ``--events N``
stops the feed at N events instead (a quick run covers fewer days). The mix per
booking: 15 % rescheduled, 10 % cancelled (by the prospect, the client's rep or an
unnamed actor), 15 % prospect no-shows (a fifth of them unmarked later), the rest
held on Zoom (host and prospect join and leave, then the meeting ends); 5 % of the
events are delivered twice, and the feed is shuffled. It times:

- ``direct``: the same appointments built through the lifecycle methods
  (``propose``, ``schedule``, ``reschedule``, ``cancel``, ``no_show``,
  ``retract``, ``hold`` with the attendance worked out beforehand);
- ``events``: ``apply_events(Ledger(), feed, identity)`` (sorting, de-duplication,
  identity look-ups, presence -> attendance, one result per event);
- ``daily`` (with ``--daily``): the feed in one batch a day by time of arrival, 10 %
  of the events up to two days late, applied one batch after another (the late
  ones rebuild their appointment), for information.

Both give equal appointments (checked). Target: events >= 0.3x direct (the ratio
of appointments built per second). The machine is shared and noisy: compare the
ratio, measured within one run, not the absolute figures.

    python benchmarks/bench_events.py                  # a quarter at 1,000 bookings a day
    python benchmarks/bench_events.py --events 100000  # the first 100,000 events (19 days)
    python benchmarks/bench_events.py --daily          # also in daily batches, some late
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import pendulum

from ppa_core import Actor, Appointment, Attendance, Company, Prospect
from ppa_core.domain.retraction import retract
from ppa_core.events import Directory, EventKind, Ledger, Participant, SchedulingEvent, apply_events

K = EventKind
HOST = Participant("host-uuid", email="rita@client.example", name="Rita Rep")


def generate(
    events: int | None, per_day: int, days: int, seed: int
) -> tuple[list[SchedulingEvent], list[dict[str, Any]], dict[str, Prospect], dict[str, str]]:
    """The feed, the plan of each booking (for the direct build), prospects and Zoom ids."""
    rng = random.Random(seed)
    company = Company(name="Acme Corp", employee_count=800, country="DE")
    day0 = pendulum.datetime(2026, 1, 5, 9, tz="UTC")
    feed: list[SchedulingEvent] = []
    plans: list[dict[str, Any]] = []
    prospects: dict[str, Prospect] = {}
    zoom_ids: dict[str, str] = {}
    n = 0

    def add(kind: EventKind, occurred: pendulum.DateTime, booking: str, **facts: Any) -> None:
        provider = "zoom" if booking.startswith("zoom:") else "calcom"
        feed.append(
            SchedulingEvent(
                provider=provider, kind=kind, source_kind=str(kind), key=f"k{len(feed)}",
                occurred_at=occurred, booking=booking, **facts,
            )
        )  # fmt: skip

    while n < per_day * days and (events is None or len(feed) < events):
        booked = day0.add(days=n // per_day, seconds=(n % per_day) * 30)
        email = f"p{n}@acme.example"
        ref, aid = f"calcom:b{n}", f"calcom:b{n}"
        prospects[email] = Prospect(
            id=f"p{n}", name=f"Person {n}", job_title="CTO", company=company
        )
        start = booked.add(days=7).set(hour=10, minute=0, second=0).add(minutes=(n % 16) * 30)
        plan: dict[str, Any] = {"id": aid, "email": email, "booked": booked, "start": start}
        add(K.BOOKED, booked, ref, start=start, end=start.add(minutes=30), invitee_email=email,
            actor=Actor.PROSPECT)  # fmt: skip
        roll = rng.random()
        if rng.random() < 0.15:
            new_ref, moved_at = f"calcom:b{n}r", booked.add(days=1)
            start = start.add(days=2)
            plan["reschedule"] = (start, moved_at)
            add(K.RESCHEDULED, moved_at, new_ref, previous_booking=ref, start=start,
                end=start.add(minutes=30), actor=Actor.PROSPECT)  # fmt: skip
            ref = new_ref
        if roll < 0.10:
            actor = rng.choice([Actor.PROSPECT, Actor.CLIENT, None])
            at = start.subtract(hours=rng.choice([2, 48]))
            plan["cancel"] = (at, actor or Actor.UNKNOWN)
            add(K.CANCELLED, at, ref, actor=actor)
        elif roll < 0.25:
            plan["no_show"] = start.add(minutes=40)
            add(K.NO_SHOW_MARKED, start.add(minutes=40), ref, absent={Actor.PROSPECT})
            if rng.random() < 0.2:
                plan["unmark"] = start.add(hours=5)
                add(K.NO_SHOW_UNMARKED, start.add(hours=5), ref)
        else:
            zoom = f"zoom:{9_000_000_000 + n}"
            zoom_ids[zoom] = aid
            delay = rng.randrange(0, 13)
            me = Participant(f"u{n}", email=email)
            add(K.PARTICIPANT_JOINED, start, zoom, participant=HOST)
            add(K.PARTICIPANT_JOINED, start.add(minutes=delay), zoom, participant=me)
            add(K.PARTICIPANT_LEFT, start.add(minutes=30), zoom, participant=me)
            add(K.PARTICIPANT_LEFT, start.add(minutes=35), zoom, participant=HOST)
            add(K.MEETING_ENDED, start.add(minutes=35), zoom)
            plan["held"] = (start.add(minutes=35), Attendance(30 - delay, delay))
        plans.append(plan)
        n += 1
    duplicates = [e for e in feed if rng.random() < 0.05]
    feed += duplicates
    rng.shuffle(feed)
    return feed, plans, prospects, zoom_ids


def direct(plans: list[dict[str, Any]], prospects: dict[str, Prospect]) -> dict[str, Appointment]:
    """The same appointments through the lifecycle methods."""
    built = {}
    for p in plans:
        a = Appointment.propose(
            p["id"], prospects[p["email"]], start=p["start"], at=p["booked"],
            actor=Actor.PROSPECT,
        ).schedule(at=p["booked"], actor=Actor.PROSPECT)  # fmt: skip
        if "reschedule" in p:
            to, at = p["reschedule"]
            a = a.reschedule(to=to, at=at, actor=Actor.PROSPECT)
        if "cancel" in p:
            at, actor = p["cancel"]
            a = a.cancel(at=at, actor=actor)
        elif "no_show" in p:
            a = a.no_show(at=p["no_show"], absent=Actor.PROSPECT)
            if "unmark" in p:
                a = retract(a, at=p["unmark"], reason="no-show taken back")
        else:
            at, attendance = p["held"]
            a = a.hold(at=at, attendance=attendance)
        built[a.id] = a
    return built


def daily(feed: list[SchedulingEvent], seed: int) -> list[list[SchedulingEvent]]:
    """The feed as a back end receives it: one batch a day, by time of arrival.

    Most events arrive when they occur; 10 % arrive up to two days late (retries,
    a tool's outage), so they land in a later batch than facts that occurred after
    them and make ``apply_events`` rebuild their appointment.
    """
    rng = random.Random(seed)
    arrivals: dict[Any, list[SchedulingEvent]] = {}
    for e in feed:
        late = rng.random() < 0.10
        arrived = e.occurred_at.add(minutes=rng.randrange(0, 2880)) if late else e.occurred_at
        arrivals.setdefault(arrived.date(), []).append(e)
    return [arrivals[day] for day in sorted(arrivals)]


def in_batches(batches: list[list[SchedulingEvent]], identity: Directory) -> tuple[Ledger, int]:
    """Apply the batches one after another; the ledger and the count of rebuilds."""
    ledger, rebuilt = Ledger(), 0
    for batch in batches:
        done = apply_events(ledger, batch, identity)
        ledger = done.ledger
        rebuilt += sum("history rebuilt" in r.reason for r in done.results)
    return ledger, rebuilt


def best(repeat: int, run: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.process_time()  # CPU time: the machine is shared, wall clock is noisy
        result = run()
        times.append(time.process_time() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=None, help="stop at N events (default: all)")
    parser.add_argument("--per-day", type=int, default=1000, help="bookings a day (1000)")
    parser.add_argument("--days", type=int, default=91, help="days of bookings (91: a quarter)")
    parser.add_argument("--repeat", type=int, default=1, help="best of k runs (default 1)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--daily", action="store_true", help="also apply the feed in daily batches, some late"
    )
    args = parser.parse_args()
    feed, plans, prospects, zoom_ids = generate(args.events, args.per_day, args.days, args.seed)
    identity = Directory(prospects=prospects, hosts={HOST.email or ""}, bookings=zoom_ids)
    days = len(plans) / args.per_day
    print(f"{len(feed):,} events ({len(plans):,} bookings over {days:.1f} days)")
    t_direct, by_hand = best(args.repeat, lambda: direct(plans, prospects))
    t_events, done = best(args.repeat, lambda: apply_events(Ledger(), feed, identity))
    same = dict(done.appointments) == by_hand
    statuses: dict[str, int] = {}
    for r in done.results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    print(f"statuses: {statuses}")
    print(f"direct: {t_direct:7.2f} s CPU {len(plans) / t_direct:10,.0f} appointments/s")
    print(
        f"events: {t_events:7.2f} s CPU {len(plans) / t_events:10,.0f} appointments/s"
        f"  {len(feed) / t_events:10,.0f} events/s"
    )
    ratio = t_direct / t_events
    print(f"events/direct: {ratio:.2f}x (target >= 0.3x): {'PASS' if ratio >= 0.3 else 'FAIL'}")
    print(f"same appointments: {'PASS' if same else 'FAIL'}")
    if args.daily:
        batches = daily(feed, args.seed)
        t_daily, (ledger, rebuilt) = best(args.repeat, lambda: in_batches(batches, identity))
        print(
            f"daily:  {t_daily:7.2f} s CPU  {len(feed) / t_daily:10,.0f} events/s"
            f"  in {len(batches)} batches, {rebuilt:,} late events re-placed"
            f"  events/direct {t_direct / t_daily:.2f}x"
        )
        print(
            "same appointments (daily):", "PASS" if dict(ledger.appointments) == by_hand else "FAIL"
        )


if __name__ == "__main__":
    main()
