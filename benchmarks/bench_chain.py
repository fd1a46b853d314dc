"""Invoicing with a chain of previous invoices: what settling earlier periods costs.

Builds ``--months`` monthly invoices of ``--n`` synthetic appointments spread over
those months (a guarantee on the contract, so every earlier period is judged
again), then times the last month's invoice with the earlier ones as
``previous`` and without them (best of ``--repeat``). For information: there is
no target; the ratio shows what a long chain adds.

    python benchmarks/bench_chain.py                 # 100,000 appointments, 24 months
    python benchmarks/bench_chain.py --n 20000 --months 12
"""

from __future__ import annotations

import argparse
import time

import attrs
import pendulum

from ppa_core import BillingEngine, Guarantee, Invoice, Money, build_invoice
from synthetic import as_of_after, generate, make_contract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="appointments (default 100k)")
    parser.add_argument("--months", type=int, default=24, help="months invoiced (default 24)")
    parser.add_argument("--repeat", type=int, default=3, help="best of k runs (default 3)")
    args = parser.parse_args()
    contract = make_contract()
    guarantee = Guarantee(minimum_held=10_000, credit_per_missing=Money.of(1, "EUR"))
    contract = attrs.evolve(contract, terms=attrs.evolve(contract.terms, guarantee=guarantee))
    appointments = generate(
        args.n, first_day=pendulum.Date(2026, 1, 1), days=31 * args.months, outside_term=False
    )
    as_of = as_of_after(appointments)
    engine = BillingEngine(contract)
    mid = pendulum.datetime(2026, 1, 15, tz=contract.timezone)
    previous: list[Invoice] = []
    for month in range(args.months - 1):
        previous.append(
            build_invoice(
                contract, appointments, mid.add(months=month), as_of=as_of,
                previous=previous, engine=engine,
            )
        )  # fmt: skip
    last = mid.add(months=args.months - 1)
    timings = {}
    for label, given in (("with previous", previous), ("without", [])):
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            build_invoice(contract, appointments, last, as_of=as_of, previous=given, engine=engine)
            best = min(best, time.perf_counter() - started)
        timings[label] = best
    with_previous, without = timings["with previous"], timings["without"]
    print(
        f"{args.n:,} appointments over {args.months} months; invoice of month {args.months}: "
        f"{with_previous:.2f} s with {len(previous)} previous invoices, {without:.2f} s "
        f"without ({with_previous / without:.2f}x)"
    )


if __name__ == "__main__":
    main()
