"""How fast ppa_core.testing's strategies generate examples, as a partner's test sees them.

Each strategy runs inside a real ``@given`` test (generate phase only, no database,
no deadline) for ``--n`` examples; the figure is examples per second, best of
``--repeat`` runs. The baseline is ``st.integers()`` in the same harness, measured
in the same run (the machine is shared and noisy: read ratios, not absolutes).

    python benchmarks/bench_strategies.py               # 200 examples, best of 3
    python benchmarks/bench_strategies.py --profile contracts   # where the time goes
    python benchmarks/bench_strategies.py --paired contracts --repeat 6   # steadier ratio

``--paired`` draws once untimed (a strategy's first draws build its pools and caches),
then alternates the baseline and the strategy ``--repeat`` times: the best of each comes
from the same minutes, so the ratio moves less with the machine's load.

Targets (issue 19): at least 200 contracts/s and 100 appointments/s.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ppa_core.testing import appointments, contracts, money, prospects

TARGETS = {"contracts": 200.0, "appointments": 100.0}
STRATEGIES: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "integers (baseline)": st.integers,
    "money": money,
    "prospects": prospects,
    "appointments": appointments,
    "contracts": contracts,
}


def rate(strategy: st.SearchStrategy[Any], n: int) -> float:
    """Examples per CPU second drawn from ``strategy`` by a ``@given`` test of ``n`` examples."""
    seen = 0

    @settings(
        max_examples=n,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(_: object) -> None:
        nonlocal seen
        seen += 1

    start = time.process_time()  # CPU time: the machine is shared, wall time is noisy
    draw()
    return seen / (time.process_time() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="examples per run (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per strategy (best of)")
    parser.add_argument("--profile", choices=sorted(STRATEGIES), help="profile one strategy")
    parser.add_argument(
        "--paired", choices=sorted(STRATEGIES), help="alternate one strategy with the baseline"
    )
    args = parser.parse_args()
    if args.paired:
        make = STRATEGIES[args.paired]
        rate(make(), args.n)  # untimed: pools and caches
        runs = [(rate(st.integers(), args.n), rate(make(), args.n)) for _ in range(args.repeat)]
        base, best = max(b for b, _ in runs), max(r for _, r in runs)
        print(f"baseline {base:.0f}/s, {args.paired} {best:.0f}/s: ratio {best / base:.3f}")
        return 0
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(rate, STRATEGIES[args.profile](), args.n)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return 0
    failed = False
    baseline = 0.0
    for name, make in STRATEGIES.items():
        best = max(rate(make(), args.n) for _ in range(args.repeat))
        baseline = baseline or best
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            ok = best >= target
            failed |= not ok
            verdict = f"  target >= {target:.0f}/s: {'PASS' if ok else 'FAIL'}"
        print(f"{name:22} {best:9.0f} examples/s  ({baseline / best:6.1f}x baseline){verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
