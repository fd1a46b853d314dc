"""How long a failing partner test takes to generate, shrink and explain its minimal example.

The test is the kind a partner writes: contracts and a few held appointments,
one invoice, and a property that is false ("the total stays under EUR 1,000").
It runs three times with the same seed: the generate phase alone, then generate
and shrink, then generate, shrink and explain (Hypothesis's ``phases`` setting);
each phase's CPU seconds is the difference between runs. Then it prints the
falsifying example Hypothesis reports and its length.

    python benchmarks/bench_shrink.py
    python benchmarks/bench_shrink.py --seed 7 --limit 500
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from ppa_core import Appointment, Contract, Money, build_invoice
from ppa_core.testing import appointments, contracts

PHASES = {
    "generate": [Phase.generate],
    "shrink": [Phase.generate, Phase.shrink],
    "explain": [Phase.generate, Phase.shrink, Phase.explain],
}


def run(phases: list[Phase], limit: Money, chosen_seed: int) -> tuple[float, list[str]]:
    """CPU seconds of one run of the failing test, and what Hypothesis reported."""

    @seed(chosen_seed)
    @settings(
        max_examples=1_000,
        phases=phases,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        contracts(currency="EUR", max_amendments=1),
        st.lists(appointments(state="held"), min_size=1, max_size=5, unique_by=lambda a: a.id),
    )
    def test_the_total_stays_under_the_limit(
        contract: Contract, meetings: list[Appointment]
    ) -> None:
        first = meetings[0].start
        as_of = max(m.start for m in meetings).add(months=1)
        assert build_invoice(contract, meetings, first, as_of=as_of).total < limit

    start = time.process_time()
    try:
        test_the_total_stays_under_the_limit()
    except AssertionError as failure:
        notes: Any = getattr(failure, "__notes__", [])
        return time.process_time() - start, [str(n) for n in notes]
    raise SystemExit("the test did not fail: raise --limit's difficulty")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--limit", default="1000", help="the EUR limit the total must stay under")
    args = parser.parse_args()
    limit = Money(args.limit, "EUR")
    totals = {name: run(phases, limit, args.seed) for name, phases in PHASES.items()}
    previous = 0.0
    for name, (seconds, _) in totals.items():
        print(f"{name:9} {seconds - previous:7.2f} s CPU  (cumulative {seconds:6.2f} s)")
        previous = seconds
    report = "\n".join(totals["explain"][1])
    print(f"\nreported example ({len(report.splitlines())} lines, {len(report)} characters):")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
