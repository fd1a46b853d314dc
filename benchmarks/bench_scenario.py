"""Scenario modelling speed: simulated months of a 50-appointment campaign.

The target (the contract-modelling issue): 10,000 simulated months of a
50-appointment campaign finish in a reasonable time for a notebook. One run is
one month (``periods=1``) of 50 meetings set, with uncertain show,
qualification, host no-show, late-join and short-meeting rates, opportunities,
a close rate and deal values, priced with the real engine under the five
models of domain.md section 7 (per appointment, per lead, retainer,
commission, hybrid).

Figures, each the best of ``--repeat`` runs:

(a) ``in-process``: ``simulate(plan, five models, runs=N)``;
(b) ``ppa only``: the same with the per-appointment model alone;
(c) ``process pool``: ``sweep(plan, {}, models, executor=ProcessPoolExecutor(),
    chunksize=N // (4 * cores))``, the same numbers spread over the cores.

The three must give identical numbers for the five models (checked).

    python benchmarks/bench_scenario.py            # 10,000 months
    python benchmarks/bench_scenario.py --runs 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import TypeVar

from ppa_core import (
    CampaignPlan,
    Commission,
    Hybrid,
    Money,
    PayPerLead,
    PerAppointment,
    Retainer,
    simulate,
)
from ppa_core.modelling.sweep import sweep

T = TypeVar("T")


def eur(amount: int) -> Money:
    return Money.of(amount, "EUR")


PLAN = CampaignPlan(
    appointments=50,
    show_rate=("0.65", "0.85"),
    qualification_rate=("0.8", "0.95"),
    host_no_show_rate="0.03",
    late_join_share="0.05",
    short_meeting_share="0.04",
    opportunity_rate="0.5",
    close_rate=("0.15", "0.3"),
    deal_value=(eur(8000), eur(15000), eur(40000)),
)
MODELS = {
    "ppa": PerAppointment(price=eur(350)),
    "ppl": PayPerLead(price_per_lead=eur(120)),
    "retainer": Retainer(fee=eur(12000)),
    "commission": Commission(rate=Decimal("0.1"), currency="EUR"),
    "hybrid": Hybrid(Retainer(eur(5000)), PerAppointment(price=eur(150))),
}


def best(repeat: int, job: Callable[[], T]) -> tuple[float, T]:
    fastest, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = job()
        fastest = min(fastest, time.perf_counter() - start)
    assert result is not None
    return fastest, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="simulated months")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    runs, seed = args.runs, args.seed

    seconds, result = best(args.repeat, lambda: simulate(PLAN, MODELS, runs=runs, seed=seed))
    ppa_seconds, _ = best(
        args.repeat, lambda: simulate(PLAN, {"ppa": MODELS["ppa"]}, runs=runs, seed=seed)
    )
    chunk = max(1, runs // (4 * args.workers))
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        pool_seconds, points = best(
            args.repeat,
            lambda: sweep(PLAN, {}, MODELS, runs=runs, seed=seed, executor=pool, chunksize=chunk),
        )
    assert points[0].result == result.without_outcomes(), "the pool must give the same numbers"

    appointments = result.runs * 50
    print(f"{runs:,} simulated months of a 50-appointment campaign ({appointments:,} meetings)")
    for label, took in (
        ("in-process, 5 models", seconds),
        ("in-process, ppa only", ppa_seconds),
        (f"process pool ({args.workers} workers), 5 models", pool_seconds),
    ):
        print(f"  {label:<36} {took:7.2f} s  {runs / took:8,.0f} months/s")
    print()
    print(repr(result))


if __name__ == "__main__":
    main()
