"""A billing run over many contracts on 1 worker process against 2 (``billing_run``).

Each contract gets a synthetic month of appointments (``synthetic.generate``, meetings
in March 2026). Building a million distinct appointments takes minutes, so the
contracts share ``--distinct`` seeded months (contract k gets month k mod distinct);
every contract is still sent, loaded and invoiced on its own. Two ways of passing the
appointments are timed, each on a ``ProcessPoolExecutor`` of 1 and of 2 workers:

- objects: the appointments are built in the parent and ``billing_run`` pickles them
  to the workers (the way before issue 21's loaders);
- loader: each contract comes with ``functools.partial(load_month, path)``, which reads
  the month's pickled appointments from a file where the invoice is built, the way an
  agency would read them from its database in the worker. The files are written
  before the clock starts.

The pools are started and warmed (ppa_core imported in every worker) before the clock
starts, so start-up is outside the timing. Every run must give the same invoices.

The machine is shared, so wall time is reported beside CPU time:

- wall: elapsed seconds of the run;
- parent CPU: the streaming process (pickling the input, unpickling the invoices);
- worker CPU: each worker's CPU seconds during the run (from /proc, Linux only);
- parent share: parent CPU / all CPU of the run;
- CPU-based speed-up: the 1-worker run's busiest process / the 2-worker run's
  busiest process, i.e. the speed-up on two otherwise idle cores.

Before the runs, the parent's work per contract is timed alone (best of 3, CPU):
pickling one contract's task each way, and unpickling its invoice.

    python benchmarks/bench_billing_run.py                          # 200 x 200
    python benchmarks/bench_billing_run.py --contracts 1000 --appointments 1000
"""

from __future__ import annotations

import argparse
import functools
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pendulum

from ppa_core.billing.run import RunBatch, billing_run, run_batch
from ppa_core.domain.appointment import Appointment
from synthetic import as_of_after, generate, make_contract

MONTH = pendulum.Date(2026, 3, 1)


def load_month(path: str) -> list[Appointment]:
    """One contract's stored appointments (what a worker's database read returns)."""
    with open(path, "rb") as stored:
        months: list[Appointment] = pickle.load(stored)
    return months


def _warm(_: int) -> int:
    import ppa_core.billing.run  # noqa: F401, PLC0415 - load the library in the worker

    time.sleep(0.3)  # keep this worker busy so the next warm-up task starts another
    return os.getpid()


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(workers: int, work: list[Any], period: Any, as_of: Any, batch: int) -> Any:
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


def _best(action: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        action()
        best = min(best, time.process_time() - started)
    return best


def _parents_work(work: dict[str, list[Any]], period: Any, as_of: Any) -> None:
    """The parent's CPU per contract, each part timed alone."""
    contract, months = work["objects"][0]
    loader = work["loader"][0][1]
    invoice = run_batch(RunBatch(((contract, tuple(months)),), period, as_of))[0]
    sent = {
        "objects": RunBatch(((contract, tuple(months)),), period, as_of),
        "loader": RunBatch(((contract, loader),), period, as_of),
    }
    for name, task in sent.items():
        size = len(pickle.dumps(task, pickle.HIGHEST_PROTOCOL))
        took = _best(lambda task=task: pickle.dumps(task, pickle.HIGHEST_PROTOCOL))
        print(f"  pickle one contract's task, {name:>7}: {took * 1e3:7.2f} ms, {size:>9,} B")
    blob = pickle.dumps(invoice, pickle.HIGHEST_PROTOCOL)
    took = _best(lambda: pickle.loads(blob))
    print(f"  unpickle one invoice:                 {took * 1e3:7.2f} ms, {len(blob):>9,} B")
    stored = pickle.dumps(months, pickle.HIGHEST_PROTOCOL)
    took = _best(lambda: pickle.loads(stored)) + _best(lambda: run_batch(sent["objects"]))
    print(f"  (a worker) load + invoice one month:  {took * 1e3:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=200, help="contracts (default 200)")
    parser.add_argument("--appointments", type=int, default=200, help="per contract (200)")
    parser.add_argument("--distinct", type=int, default=50, help="distinct months (50)")
    parser.add_argument("--batch", type=int, default=1, help="contracts per task (default 1)")
    parser.add_argument("--only", choices=("objects", "loader"), help="time one way only")
    args = parser.parse_args()
    contract = make_contract(cap=None)
    started = time.perf_counter()
    months = [
        generate(args.appointments, seed=k, first_day=MONTH, days=31)
        for k in range(min(args.distinct, args.contracts))
    ]
    as_of = max(as_of_after(m) for m in months)
    period = pendulum.datetime(2026, 3, 15, tz=contract.timezone)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for k, month in enumerate(months):
            path = Path(folder, f"month-{k}.pickle")
            path.write_bytes(pickle.dumps(month, pickle.HIGHEST_PROTOCOL))
            paths.append(str(path))
        work: dict[str, list[Any]] = {
            "objects": [(contract, months[k % len(months)]) for k in range(args.contracts)],
            "loader": [
                (contract, functools.partial(load_month, paths[k % len(paths)]))
                for k in range(args.contracts)
            ],
        }
        print(
            f"{args.contracts:,} contracts x {args.appointments:,} appointments "
            f"({len(months)} distinct months, built in {built:.1f} s); batch {args.batch}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print("the parent's work per contract, alone (CPU, best of 3):")
        _parents_work(work, period, as_of)
        ways = [args.only] if args.only else ["objects", "loader"]
        print(
            f"\n{'way':>7} {'workers':>7} {'wall s':>8} {'parent CPU s':>12} "
            f"{'worker CPU s':>16} {'parent share':>12}"
        )
        results: dict[tuple[str, int], Any] = {}
        for way in ways:
            for workers in (1, 2):
                invoices, wall, parent, used = run(workers, work[way], period, as_of, args.batch)
                results[way, workers] = (invoices, wall, parent, used)
                shown = " + ".join(f"{u:.1f}" for u in used)
                share = parent / (parent + sum(used))
                print(
                    f"{way:>7} {workers:>7} {wall:>8.2f} {parent:>12.2f} {shown:>16} {share:>11.0%}"
                )
        reference = _invoices(results.values())
        print("\nsame invoices in every run: PASS" if reference else "")
        for way in ways:
            one, two = results[way, 1], results[way, 2]
            busy_one = max(one[2], sum(one[3]))
            busy_two = max(two[2], *two[3])
            speed = busy_one / busy_two
            verdict = "PASS" if speed >= 1.8 else "FAIL"
            print(
                f"{way}: speed-up 2 vs 1 workers: wall {one[1] / two[1]:.2f}x; CPU-based "
                f"{speed:.2f}x (1 worker {busy_one:.1f} s / busiest of 2 {busy_two:.1f} s; "
                f">= 1.8x {verdict}); total CPU 2 vs 1 "
                f"{(two[2] + sum(two[3])) / (one[2] + sum(one[3])):.2f}x"
            )


def _invoices(runs: Iterable[Any]) -> bool:
    first, *rest = (invoices for invoices, *_ in runs)
    if any(other != first for other in rest):
        raise SystemExit("the invoices differ between runs")
    return True


if __name__ == "__main__":
    main()
