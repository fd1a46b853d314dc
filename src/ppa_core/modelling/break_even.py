"""The break-even show rate: where two pricing models cost the same on average.

>>> from ppa_core import CampaignPlan, Money, PerAppointment, Retainer
>>> eur = lambda amount: Money.of(amount, "EUR")
>>> found = break_even_show_rate(
...     CampaignPlan(appointments=40, show_rate="0.8"),
...     PerAppointment(price=eur(350)),
...     Retainer(fee=eur(10000)),
...     runs=50,
... )
>>> found.show_rate  # 40 meetings x 350 x s = 10,000 at s = 0.714
Decimal('0.7...')
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

import attrs

from ppa_core._validation import finite_decimal
from ppa_core.domain.contract import Contract
from ppa_core.domain.money import Money
from ppa_core.domain.pricing import Pricing
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.plan import CampaignPlan
from ppa_core.modelling.progress import Progress, ProgressOption, reporting
from ppa_core.modelling.scenario import Models, PricedModel, Scenario, check_runs

__all__ = ["BreakEven", "break_even_show_rate"]

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


@attrs.frozen
class BreakEven:
    """Where two models cost the same, on average, as the show rate varies.

    Attributes:
        model_a: the first model's name.
        model_b: the second model's name.
        show_rate: the break-even show rate, four decimals; None when the mean costs
            do not cross between the bounds searched.
        low: the final bracket's lower show rate.
        high: the final bracket's upper show rate.
        gap_low: mean cost of a minus mean cost of b at ``low``.
        gap_high: the same at ``high``.
        evaluations: how many show rates were simulated.
        runs: runs per evaluation.
        seed: the seed of every evaluation.
    """

    model_a: str
    model_b: str
    show_rate: Decimal | None
    low: Decimal
    high: Decimal
    gap_low: Money
    gap_high: Money
    evaluations: int
    runs: int
    seed: int


def _fraction(value: object, field: str) -> Decimal:
    # A float means what was typed: 0.7 is Decimal('0.7').
    number = finite_decimal(repr(value) if isinstance(value, float) else value)
    if number is None or not Decimal(0) <= number <= Decimal(1):
        raise ValidationError(field, value, "a number from 0 to 1")
    return number


def break_even_show_rate(
    plan: CampaignPlan,
    model_a: Pricing | Contract | PricedModel,
    model_b: Pricing | Contract | PricedModel,
    *,
    contract: Contract | None = None,
    runs: int = 1000,
    seed: int = 0,
    low: Decimal | str | float = "0",
    high: Decimal | str | float = "1",
    tolerance: Decimal | str | float = "0.005",
    progress: ProgressOption = None,
    names: tuple[str, str] | None = None,
) -> BreakEven:
    """The show rate at which ``model_a`` and ``model_b`` cost the same on average.

    Method: the plan's show rate is fixed at a value and the plan simulated with
    the same ``seed`` and ``runs`` every time (common random numbers: a higher
    show rate turns some no-shows into meetings and changes nothing else), and
    the gap ``mean cost a - mean cost b`` is computed exactly. The gap is
    evaluated at ``low`` and ``high``; if it has the same sign at both, the
    models do not cross and ``show_rate`` is None. Otherwise the bracket is
    halved (bisection) until it is at most ``tolerance`` wide, and the result is
    the linear interpolation of the gap's zero inside the final bracket.

    The mean cost of a per-appointment model rises with the show rate (more
    meetings held), while a retainer or pay per lead stays flat, so there is one
    crossing. Volume-tiered prices can make a cost fall as meetings rise; the
    result is then *a* crossing, not necessarily the only one.

    Args:
        plan: the campaign plan (its show rate is replaced).
        model_a: the first model.
        model_b: the second model.
        contract: the reference contract (see :meth:`Scenario.build`).
        runs: runs per evaluated show rate (default 1000).
        seed: the seed (default 0).
        low: the lowest show rate searched (default 0).
        high: the highest show rate searched (default 1).
        tolerance: the width of the final bracket (default 0.005, half a point).
        progress: None (silent), ``progress(done, total)`` after each evaluated show
            rate (``total`` is the most the bisection may need), or True for a tqdm
            bar (see :mod:`~ppa_core.modelling.progress`).
        names: the two models' names in the result, as in the ``simulate`` or
            ``sweep`` they are compared in (``("PPA 350", "retainer")``). Default:
            each model's own name (``"pay_per_appointment"``, a contract's id).

    Raises:
        ValidationError: bad bounds, tolerance, runs or seed, a bad model, or names
            that are not two different texts.
    """
    lo, hi = _fraction(low, "low"), _fraction(high, "high")
    width = _fraction(tolerance, "tolerance")
    if hi <= lo:
        raise ValidationError("high", high, f"greater than low ({low})")
    if not width:
        raise ValidationError("tolerance", tolerance, "greater than 0")
    check_runs(runs, seed)
    scenario = Scenario.build(plan, _named(model_a, model_b, names), contract=contract)
    name_a, name_b = scenario.names
    currency = scenario.contract.currency
    evaluations = 0
    # Both ends, then one evaluation per halving of the bracket down to the tolerance.
    most = 2 + max(0, math.ceil(math.log2((hi - lo) / width)))
    report: Progress

    def gap(rate: Decimal) -> Decimal:
        nonlocal evaluations
        evaluations += 1
        at_rate = attrs.evolve(scenario, plan=attrs.evolve(plan, show_rate=rate))
        outcomes = at_rate.outcomes(seed, 0, runs)
        report(evaluations, most)
        with decimal.localcontext(_CONTEXT):
            total = sum((o.costs[0].amount - o.costs[1].amount for o in outcomes), Decimal(0))
            return total / runs

    with reporting(progress, most, "break-even") as report:
        gap_lo, gap_hi = gap(lo), gap(hi)
        crossing: Decimal | None = None
        if gap_lo == 0:
            crossing, hi, gap_hi = lo, lo, gap_lo
        elif gap_hi == 0:
            crossing, lo, gap_lo = hi, hi, gap_hi
        elif (gap_lo < 0) != (gap_hi < 0):
            with decimal.localcontext(_CONTEXT):
                while hi - lo > width:
                    mid = (lo + hi) / 2
                    gap_mid = gap(mid)
                    if gap_mid == 0:
                        lo = hi = mid
                        gap_lo = gap_hi = gap_mid
                        break
                    if (gap_mid < 0) == (gap_lo < 0):
                        lo, gap_lo = mid, gap_mid
                    else:
                        hi, gap_hi = mid, gap_mid
                crossing = lo if hi == lo else lo + (hi - lo) * gap_lo / (gap_lo - gap_hi)
    if crossing is not None:
        crossing = crossing.quantize(Decimal("0.0001"))
    return BreakEven(
        name_a,
        name_b,
        crossing,
        lo,
        hi,
        Money(_cents(gap_lo, currency.quantum), currency),
        Money(_cents(gap_hi, currency.quantum), currency),
        evaluations,
        runs,
        seed,
    )


def _named(
    model_a: Pricing | Contract | PricedModel,
    model_b: Pricing | Contract | PricedModel,
    names: object,
) -> Models:
    if names is None:
        return [model_a, model_b]
    if (
        not isinstance(names, tuple)
        or len(names) != 2
        or not all(isinstance(name, str) and name.strip() for name in names)
        or names[0] == names[1]
    ):
        raise ValidationError("names", names, "two different model names, as (name_a, name_b)")
    # A PricedModel's name gives way to the one asked for; its contract prices it.
    pair = (m.contract if isinstance(m, PricedModel) else m for m in (model_a, model_b))
    return dict(zip(names, pair, strict=True))


def _cents(gap: Decimal, quantum: Decimal) -> Decimal:
    """A mean gap rounded half-up to the minor unit, before it becomes Money.

    The mean of the runs' gaps has up to 28 digits, beyond Money's 12 decimal places.
    """
    return gap.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=_CONTEXT)
