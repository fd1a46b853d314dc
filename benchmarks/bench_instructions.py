"""Decision cost in executed instructions, not seconds: for a machine too noisy to time.

Each contender of ``bench_decide.py`` (hand-written, engine, engine+trace with
every reason read, zen-engine) runs in its own process under valgrind's
callgrind, which counts the instructions the process executes. A contender's
cost is its process's count minus that of a process which only builds the same
input (the same seed, ``PYTHONHASHSEED=0``), so start-up and input are not
counted. Ratios are taken between contenders of the same run, as in
``bench_decide.py``; instruction counts do not move with the machine's load.

    python benchmarks/bench_instructions.py            # 2,000 appointments
    python benchmarks/bench_instructions.py --n 5000

Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTENDERS = ("setup", "hand", "engine", "engine+trace", "zen")


def run_one(what: str, n: int, seed: int) -> None:
    """Build the input, then run one contender once (inside the measured process)."""
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
    if what == "hand":
        bench.decide_by_hand(contract, appointments)
    elif what == "engine":
        bench.decide_engine(engine, appointments, as_of)
    elif what == "engine+trace":
        bench.decide_engine_traced(engine, appointments, as_of)
    elif what == "zen":
        bench.zen_per_call(zen_engine, rows, trace=False)


def count(what: str, n: int, seed: int) -> int:
    """Instructions executed by a process that runs ``what`` (callgrind's 'Collected')."""
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
    parser.add_argument("--run", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run, args.n, args.seed)
        return

    counts = {what: count(what, args.n, args.seed) for what in CONTENDERS}
    cost = {what: counts[what] - counts["setup"] for what in CONTENDERS[1:]}
    print(f"{args.n:,} appointments; instructions per decision (callgrind, minus set-up)")
    for what, instructions in cost.items():
        print(f"{what:<14} {instructions / args.n:>12,.0f}")
    hand, engine, traced, zen = (cost[w] for w in CONTENDERS[1:])
    print("ratios (throughput, higher is better for the first named)")
    print(f"engine / hand-written        {hand / engine:.2f}x")
    print(f"engine+trace / hand-written  {hand / traced:.2f}x")
    print(f"engine+trace / zen           {zen / traced:.2f}x")


if __name__ == "__main__":
    main()
