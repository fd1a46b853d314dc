"""A billing run over many contracts on 1 worker process against 2 (``billing_run``).

Each contract gets its own synthetic month of appointments (``synthetic.generate``
with the contract's index as seed, meetings in March 2026), built before any timing.
Then ``billing_run`` invoices them all through a ``ProcessPoolExecutor`` of 1 and of
2 workers; the pools are started and warmed (ppa_core imported in every worker)
before the clock starts, so start-up is outside the timing. Both runs must give the
same invoices.

The machine is shared and loaded, so wall time is reported beside CPU time:

- wall: elapsed seconds of the run;
- parent CPU: the streaming process (pickling the input, unpickling the invoices);
- worker CPU: each worker's CPU seconds during the run (from /proc, Linux only);
- CPU-based speed-up: 1-worker busy CPU / the 2-worker run's busiest process,
  i.e. the speed-up the run would show on two otherwise idle cores.

    python benchmarks/bench_billing_run.py                          # 200 x 200
    python benchmarks/bench_billing_run.py --contracts 1000 --appointments 1000
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pendulum

from ppa_core.billing.run import billing_run
from synthetic import as_of_after, generate, make_contract

MONTH = pendulum.Date(2026, 3, 1)


def _warm(_: int) -> int:
    import ppa_core.billing.run  # noqa: F401, PLC0415 - load the library in the worker

    time.sleep(0.3)  # keep this worker busy so the next warm-up task starts another
    return os.getpid()


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(workers: int, work: list[Any], period: pendulum.DateTime, as_of: Any, batch: int) -> Any:
    with ProcessPoolExecutor(workers) as pool:
        pids = sorted(set(pool.map(_warm, range(workers * 2))))
        before = [_cpu_of(p) for p in pids]
        parent = time.process_time()
        started = time.perf_counter()
        invoices = list(
            billing_run(
                work, period, as_of=as_of, executor=pool, batch=batch, in_flight=4 * workers
            )
        )
        wall = time.perf_counter() - started
        parent = time.process_time() - parent
        used = [_cpu_of(p) - b for p, b in zip(pids, before, strict=True)]
    return invoices, wall, parent, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=200, help="contracts (default 200)")
    parser.add_argument("--appointments", type=int, default=200, help="per contract (200)")
    parser.add_argument("--batch", type=int, default=1, help="contracts per task (default 1)")
    args = parser.parse_args()
    contract = make_contract(cap=None)
    started = time.perf_counter()
    work = [
        (contract, generate(args.appointments, seed=k, first_day=MONTH, days=31))
        for k in range(args.contracts)
    ]
    as_of = max(as_of_after(a) for _, a in work)
    period = pendulum.datetime(2026, 3, 15, tz=contract.timezone)
    print(
        f"{args.contracts:,} contracts x {args.appointments:,} appointments "
        f"(built in {time.perf_counter() - started:.1f} s); load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'workers':>7} {'wall s':>8} {'parent CPU s':>12} {'worker CPU s':>20}")
    results = {}
    for workers in (1, 2):
        invoices, wall, parent, used = run(workers, work, period, as_of, args.batch)
        results[workers] = (invoices, wall, parent, used)
        shown = " + ".join(f"{u:.1f}" for u in used)
        print(f"{workers:>7} {wall:>8.2f} {parent:>12.2f} {shown:>20}")
    assert results[1][0] == results[2][0], "the invoices differ between 1 and 2 workers"
    one, two = results[1], results[2]
    busy_one = max(one[2], sum(one[3]))
    busy_two = max(two[2], *two[3])
    print(
        f"speed-up 2 vs 1 workers: wall {one[1] / two[1]:.2f}x; "
        f"CPU-based {busy_one / busy_two:.2f}x (1-worker CPU {busy_one:.1f} s / "
        f"busiest process of the 2-worker run {busy_two:.1f} s); "
        f"total CPU 2 vs 1: {(two[2] + sum(two[3])) / (one[2] + sum(one[3])):.2f}x"
    )


if __name__ == "__main__":
    main()
