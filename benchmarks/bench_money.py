"""Money on hostile input: each refusal must be immediate, the largest split quick.

    python benchmarks/bench_money.py

Prints one line per case with its time and PASS/FAIL against its target
(issue 16: exponent tricks refused in microseconds, split bounded).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from ppa_core import Money
from ppa_core.exceptions import PpaError

HUGE = 10**100_000  # built once, outside the timings
MANY = [1] * 10**7
CASES: list[tuple[str, Callable[[], object], float]] = [
    ("Money.of('1e999999')", lambda: Money.of("1e999999", "EUR"), 0.001),
    ("Money.of('1e-999999999')", lambda: Money.of("1e-999999999", "EUR"), 0.001),
    ("Money.of('1E+400')", lambda: Money.of("1E+400", "EUR"), 0.001),
    ("Money(10**100_000)", lambda: Money(HUGE, "EUR"), 0.001),
    ("money * 10**100_000", lambda: Money.of("1", "EUR") * HUGE, 0.001),
    (
        "divided_by(1E-999999, 'up')",
        lambda: Money.of("1", "EUR").divided_by(Decimal("1E-999999"), "up"),
        0.001,
    ),
    ("split(10**7)", lambda: Money.of("100.00", "EUR").split(10**7), 0.001),
    ("allocate([1] * 10**7)", lambda: Money.of("100.00", "EUR").allocate(MANY), 0.001),
    ("split(100_000)", lambda: Money.of("100.00", "EUR").split(100_000), 1.0),
]


def main() -> None:
    """Run every case once and print its time against its target."""
    for name, case, target in CASES:
        start = time.perf_counter()
        try:
            result = case()
            outcome = f"{len(result)} parts" if isinstance(result, tuple) else repr(result)
        except PpaError as error:
            outcome = f"{type(error).__name__}: {getattr(error, 'field', '')}"
        took = time.perf_counter() - start
        verdict = "PASS" if took <= target else "FAIL"
        print(f"{verdict}  {name:30} {took * 1e3:9.3f} ms (target {target * 1e3:g} ms)  {outcome}")


if __name__ == "__main__":
    main()
