"""Invoicing time and memory for 10,000, 100,000 and 1,000,000 appointments in one month.

For each size, the synthetic appointments (``synthetic.generate``, every meeting
in March 2026) are built first, then laid out in memory as a load from storage would
lay them out (``--layout``, default ``loaded``): in the order a query returns them
(by meeting start), each appointment read on its own, so its prospect, company,
history and timestamps are allocated together, one appointment after the other.
``synthetic.generate`` instead shares companies, evidence and timestamps between
appointments and builds them in booking order with meetings on random days, so the
engine's walk in meeting order jumps around memory, more so the bigger the set:
``--layout generated`` times that, ``--layout shuffled`` the loaded layout handed
over in random order. Then ``build_invoice`` invoices the month:

- time: process CPU time (``time.process_time``: the machine is shared), the best of
  ``--repeat`` runs, without tracemalloc (it slows Python down);
- memory: one more run under tracemalloc, started after the inputs were built,
  so its peak is what invoicing needs beyond the input objects (the invoice it
  returns included), reported per appointment.

Targets (the billing-engine issue): time grows linearly (10x appointments take
at most 11x the time) and the peak beyond the inputs stays under 1 KiB per
appointment. ``--max 100000`` stops at 100k for a quick run; ``--evict`` starts every
timed run with cold CPU caches, to tell the cost of the algorithm from that of a
working set that fits in the cache at 10k and not beyond.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import pickle
import random
import time
import tracemalloc
from collections.abc import Callable

import pendulum

from ppa_core import Appointment, BillingEngine, build_invoice
from synthetic import as_of_after, generate, make_contract

MONTH = pendulum.Date(2026, 3, 1)
SIZES = (10_000, 100_000, 1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=SIZES[-1], help="largest size (default 1M)")
    parser.add_argument("--repeat", type=int, default=3, help="best of k runs (default 3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cap", type=int, default=None, help="billable cap per month")
    parser.add_argument(
        "--evict",
        action="store_true",
        help="write a 128 MiB buffer before each timed run, so every size starts with cold "
        "CPU caches (10k appointments otherwise stay cached between repeats)",
    )
    parser.add_argument(
        "--layout",
        choices=("loaded", "generated", "shuffled"),
        default="loaded",
        help="how the input sits in memory (default loaded: read one by one in meeting order)",
    )
    parser.add_argument(
        "--no-peak", action="store_true", help="skip the tracemalloc run (saves time at 1M)"
    )
    args = parser.parse_args()
    evict = _evictor() if args.evict else _nothing
    contract = make_contract(cap=args.cap)
    period = contract.period_containing(pendulum.datetime(2026, 3, 15, tz=contract.timezone))
    print(
        f"invoicing {period.label}; layout {args.layout}; time: CPU, best of {args.repeat}; "
        "memory: tracemalloc peak"
    )
    print(
        f"\n{'appointments':>12} {'build CPU s':>11} {'invoice s':>10} {'per s':>10} "
        f"{'lines':>8} {'not billed':>10} {'peak MiB':>9} {'B/appt':>7}"
    )
    times: dict[int, float] = {}
    peaks: dict[int, float] = {}
    for n in (s for s in SIZES if s <= args.max):
        started = time.process_time()
        appointments = _lay_out(
            generate(n, seed=args.seed, first_day=MONTH, days=31, outside_term=False),
            args.layout,
            args.seed,
        )
        gc.collect()
        generated = time.process_time() - started
        as_of = as_of_after(appointments)
        best = float("inf")
        invoice = None
        for _ in range(args.repeat):
            invoice = None
            gc.collect()
            evict()
            started = time.process_time()
            invoice = build_invoice(
                contract, appointments, period, as_of=as_of, engine=BillingEngine(contract)
            )
            best = min(best, time.process_time() - started)
        assert invoice is not None
        lines, not_billed = len(invoice.lines), len(invoice.not_billed)
        invoice = None
        peak = float("nan")
        if not args.no_peak:
            gc.collect()
            tracemalloc.start()
            invoice = build_invoice(
                contract, appointments, period, as_of=as_of, engine=BillingEngine(contract)
            )
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            invoice = None
        times[n], peaks[n] = best, peak / n
        print(
            f"{n:>12,} {generated:>11.1f} {best:>10.2f} {n / best:>10,.0f} "
            f"{lines:>8,} {not_billed:>10,} {peak / 2**20:>9.1f} {peak / n:>7.0f}"
        )
        del appointments
        gc.collect()

    print("\ntargets")
    sizes = sorted(times)
    for small, large in itertools.pairwise(sizes):
        ratio = times[large] / times[small]
        limit = 1.1 * large / small
        verdict = "PASS" if ratio <= limit else "FAIL"
        print(f"  time {large:>9,} / {small:>9,}: {ratio:5.2f}x (<= {limit:.0f}x)  {verdict}")
    for n in sizes if not args.no_peak else ():
        verdict = "PASS" if peaks[n] < 1024 else "FAIL"
        print(f"  peak beyond inputs at {n:>9,}: {peaks[n]:5.0f} B/appointment (< 1024)  {verdict}")


def _lay_out(generated: list[Appointment], layout: str, seed: int) -> list[Appointment]:
    """``generated`` as they would sit in memory after a load from storage (see above)."""
    if layout == "generated":
        return generated
    generated.sort(key=lambda a: (a.start, a.id))  # ORDER BY start, id
    # Each read on its own, into fresh memory: the generator's objects are let go only
    # afterwards, so the copies do not fill the holes they would leave.
    loaded = [pickle.loads(pickle.dumps(a, pickle.HIGHEST_PROTOCOL)) for a in generated]
    generated.clear()
    if layout == "shuffled":
        random.Random(seed).shuffle(loaded)
    return loaded


def _evictor() -> Callable[[], None]:
    """A function that overwrites a buffer larger than the CPU caches, one byte per line."""
    buffer = bytearray(128 * 2**20)
    ones = b"\x01" * (len(buffer) // 64)

    def evict() -> None:
        buffer[::64] = ones

    return evict


def _nothing() -> None:
    pass


if __name__ == "__main__":
    main()
