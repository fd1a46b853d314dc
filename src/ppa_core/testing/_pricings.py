"""Drawing code for prices: each pricing model's terms from a source of choices."""

from __future__ import annotations

from decimal import Decimal

from ppa_core.domain.money import Currency
from ppa_core.domain.pricing import (
    Commission,
    CommissionTier,
    Hybrid,
    Package,
    PayPerLead,
    PerAppointment,
    Pricing,
    PricingModel,
    Retainer,
    Tier,
    TierMode,
)
from ppa_core.domain.prospect import Seniority
from ppa_core.testing._values import Choose, _amount, _maybe_amount, _pick, _subsets


def _hundredths(n: int) -> Decimal:
    return Decimal(n).scaleb(-2)


_PRICED_SENIORITIES = _subsets(tuple(Seniority), min_size=1)
_TIER_BOUNDS = _subsets((1, 2, 3, 5, 10, 20, 30, 50), min_size=1, max_size=3)
# The kind of price and the free units (none 3 times in 5) in one choice: every pair.
_PRICE_SHAPES = tuple(
    (kind, free) for kind in ("flat", "seniority", "tiers", "package") for free in (0, 0, 0, 1, 2)
)
_TIER_MODES = tuple(TierMode)

# The drawing code below takes a source of choices (Hypothesis's draws, or seeded
# random numbers when a pool is built: _pools) and a currency: one choice per value, no
# strategy built per currency.


def _per_appointment(choose: Choose, cur: Currency) -> PerAppointment:
    kind, free = _pick(choose, _PRICE_SHAPES)
    if kind == "flat":
        return PerAppointment(price=_amount(choose, cur, 50, 1_000), free_units=free)
    if kind == "seniority":
        chosen = sorted(_pick(choose, _PRICED_SENIORITIES))
        prices = {s: _amount(choose, cur, 50, 1_000) for s in chosen}
        base = _maybe_amount(choose, cur, 50, 1_000)
        return PerAppointment(price=base, seniority_prices=prices, free_units=free)
    if kind == "package":
        package = Package(choose(1, 10), _amount(choose, cur, 500, 5_000))
        return PerAppointment(package=package, free_units=free)
    bounds: list[int | None] = [*sorted(_pick(choose, _TIER_BOUNDS)), None]
    tiers = [
        Tier(b, _amount(choose, cur, 50, 1_000), _maybe_amount(choose, cur, 100, 2_000))
        for b in bounds
    ]
    return PerAppointment(
        tiers=tiers,
        tier_mode=_pick(choose, _TIER_MODES),
        free_units=free,
        flat_fee_at_zero=bool(choose(0, 1)),
    )


def _rate(choose: Choose) -> Decimal:
    return _hundredths(choose(1, 30))


def _commission(choose: Choose, cur: Currency) -> Commission:
    if choose(0, 1):
        return Commission(_rate(choose), cur)
    bound = _amount(choose, cur, 10_000, 200_000)
    tiers = (CommissionTier(bound, _rate(choose)), CommissionTier(None, _rate(choose)))
    low = _maybe_amount(choose, cur, 0, 500)
    return Commission(currency=cur, tiers=tiers, minimum_per_deal=low)


def _pricing(choose: Choose, key: tuple[Currency, PricingModel]) -> Pricing:
    """A pricing of ``key``'s model in its currency."""
    cur, model = key
    if model is PricingModel.PAY_PER_APPOINTMENT:
        return _per_appointment(choose, cur)
    if model is PricingModel.PAY_PER_LEAD:
        return PayPerLead(_amount(choose, cur, 10, 300))
    if model is PricingModel.RETAINER:
        return Retainer(_amount(choose, cur, 1_000, 20_000))
    if model is PricingModel.COMMISSION:
        return _commission(choose, cur)
    return Hybrid(
        Retainer(_amount(choose, cur, 1_000, 20_000)),
        PerAppointment(price=_amount(choose, cur, 50, 1_000)),
    )
