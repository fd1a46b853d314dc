"""Decision cost in executed instructions, not seconds: for a machine too noisy to time.

Each contender of ``bench_decide.py`` (hand-written, engine, engine+trace with
every reason read, zen-engine) runs in processes of its own under valgrind's
callgrind, which counts the instructions a process executes (the same seed,
``PYTHONHASHSEED=0``). Two costs per contender:

- cold: its first run in a process, as a one-off call pays it: the count of a
  process that runs it once minus that of a process which only builds the same
  input (start-up and input not counted; one-time set-up such as the engine's
  calendar, lazy imports or zen-engine's flattened input counted);
- warm: a further run in the same process, as ``bench_decide.py``'s best of k
  runs times it: a process that runs it twice minus one that runs it once.

Ratios are taken between contenders of the same run and the same kind (cold
with cold, warm with warm); instruction counts do not move with the machine's load.

    python benchmarks/bench_instructions.py            # 2,000 appointments
    python benchmarks/bench_instructions.py --n 1000 --jobs 2   # two processes at a time

Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTENDERS = ("setup", "hand", "engine", "engine+trace", "zen")


def run_one(what: str, n: int, seed: int, times: int) -> None:
    """Build the input, then run one contender ``times`` times (inside the measured process)."""
    sys.path.insert(0, str(HERE))
    import bench_decide as bench  # noqa: PLC0415 - a script's own sibling, loaded once per process
    from ppa_core import BillingEngine  # noqa: PLC0415
    from synthetic import as_of_after, generate, make_contract  # noqa: PLC0415

    appointments = generate(n, seed=seed)
    contract = make_contract(cap=None)
    as_of = as_of_after(appointments)
    engine = BillingEngine(contract)
    zen_engine = rows = None
    if what == "zen":
        rows = bench.flatten(contract, appointments)
        content = bench.zen_content(contract)
        zen_engine = bench.zen.ZenEngine(
            {"loader": {"type": "static", "content": {"billing": content}}}
        )
    for _ in range(times):
        if what == "hand":
            bench.decide_by_hand(contract, appointments)
        elif what == "engine":
            bench.decide_engine(engine, appointments, as_of)
        elif what == "engine+trace":
            bench.decide_engine_traced(engine, appointments, as_of)
        elif what == "zen":
            bench.zen_per_call(zen_engine, rows, trace=False)


def count(what: str, n: int, seed: int, times: int) -> int:
    """Instructions executed by a process that runs ``what`` ``times`` times (callgrind's count)."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--run",
        what,
        "--n",
        str(n),
        "--seed",
        str(seed),
        "--times",
        str(times),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2_000, help="appointments (default 2000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes counted at a time (default 1)"
    )
    parser.add_argument("--run", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--times", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run, args.n, args.seed, args.times)
        return

    # The set-up process, then each contender run once and twice.
    runs = [("setup", 0)] + [(w, t) for w in CONTENDERS[1:] for t in (1, 2)]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        found = pool.map(lambda run: count(run[0], args.n, args.seed, run[1]), runs)
        counts = dict(zip(runs, found, strict=True))
    setup = counts["setup", 0]
    cold = {w: counts[w, 1] - setup for w in CONTENDERS[1:]}
    warm = {w: counts[w, 2] - counts[w, 1] for w in CONTENDERS[1:]}
    print(f"{args.n:,} appointments; instructions per decision (callgrind)")
    print(f"{'contender':<14} {'cold':>10} {'warm':>10}")
    for what in CONTENDERS[1:]:
        print(f"{what:<14} {cold[what] / args.n:>10,.0f} {warm[what] / args.n:>10,.0f}")
    print("ratios (throughput, higher is better for the first named)   cold    warm")
    for label, mine, other in (
        ("engine / hand-written", "engine", "hand"),
        ("engine+trace / hand-written", "engine+trace", "hand"),
        ("engine+trace / zen", "engine+trace", "zen"),
    ):
        print(f"{label:<58} {cold[other] / cold[mine]:5.2f}x {warm[other] / warm[mine]:6.2f}x")


if __name__ == "__main__":
    main()
