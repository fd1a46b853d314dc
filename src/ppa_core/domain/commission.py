"""Graduated commission over closed value, with a minimum and maximum per deal.

Tiers split the period's closed value: "10 % of the first 100,000, 7 % above" is
``CommissionTier(eur(100000), Decimal("0.10"))`` then
``CommissionTier(None, Decimal("0.07"))``. A tier "up to X" includes the value X.
A tier may carry a flat fee, owed once when the period's value first reaches it
(as Lago's graduated percentage does). Deals are taken in the order given; a
deal's commission is what the cumulative value's commission grows by when the
deal is added, then held within the per-deal minimum and maximum.

>>> from decimal import Decimal
>>> from ppa_core.domain.money import Money
>>> eur = lambda x: Money.of(x, "EUR")
>>> tiers = (CommissionTier(eur(100000), Decimal("0.10")), CommissionTier(None, Decimal("0.07")))
>>> graduated(tiers, eur(150000)).rounded().format()
'EUR 13,500.00'
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Money
from ppa_core.domain.tiers import _optional_money
from ppa_core.exceptions import ValidationError

__all__ = [
    "CommissionTier",
    "deal_commissions",
    "graduated",
]


def _rate(value: Any) -> Decimal:
    return v.fraction("commission_tier.rate", value, "a Decimal fraction from 0 to 1")


@attrs.frozen
class CommissionTier:
    """A band of closed value and its commission rate.

    Attributes:
        up_to: the band's upper bound of value, inclusive; None for the open-ended last band.
        rate: the share (0 to 1) of the value in the band.
        flat_fee: owed once when the period's value enters the band; None for no fee.
    """

    up_to: Money | None = attrs.field(validator=_optional_money("commission_tier.up_to"))
    rate: Decimal = attrs.field(converter=_rate)
    flat_fee: Money | None = attrs.field(
        default=None, validator=_optional_money("commission_tier.flat_fee")
    )


def check_commission_tiers(value: Any) -> tuple[CommissionTier, ...]:
    """Convert ``value`` to increasing bands ending open-ended, all in one currency."""
    tiers = v.tuple_of("tiers", CommissionTier, "a CommissionTier")(value)
    previous: Money | None = None
    currencies = set()
    for i, tier in enumerate(tiers):
        last = i == len(tiers) - 1
        if (tier.up_to is None) != last:
            raise ValidationError(
                f"tiers[{i}].up_to", tier.up_to, "None on the last band only, set on the others"
            )
        for money in (tier.up_to, tier.flat_fee):
            if money is not None:
                currencies.add(money.currency)
        if len(currencies) > 1:
            raise ValidationError(f"tiers[{i}]", tier, "in one currency")
        if tier.up_to is not None and previous is not None and tier.up_to <= previous:
            raise ValidationError(f"tiers[{i}].up_to", tier.up_to, f"greater than {previous}")
        previous = tier.up_to or previous
    return tiers


def graduated(tiers: tuple[CommissionTier, ...], value: Money) -> Money:
    """The exact commission on a cumulative ``value`` (flat fees of the bands entered included)."""
    total = Money.zero(value.currency)
    lower = Decimal(0)
    amount = value.amount
    for tier in tiers:
        if amount <= lower:
            break
        upper = amount if tier.up_to is None else min(amount, tier.up_to.amount)
        if upper > lower:
            total += Money(upper - lower, value.currency) * tier.rate
            if tier.flat_fee is not None:
                total += tier.flat_fee
        if tier.up_to is None:
            break
        lower = tier.up_to.amount
    return total


def deal_commissions(
    deals: tuple[Money, ...],
    *,
    rate: Decimal | None,
    tiers: tuple[CommissionTier, ...],
    minimum: Money | None,
    maximum: Money | None,
) -> tuple[Money, ...]:
    """Each deal's exact commission, in the order given, held within ``[minimum, maximum]``."""
    result: list[Money] = []
    if not deals:
        return ()
    cumulative = Money.zero(deals[0].currency)
    before = cumulative
    for deal in deals:
        if tiers:
            cumulative += deal
            after = graduated(tiers, cumulative)
            owed, before = after - before, after
        else:
            owed = deal * (rate or Decimal(0))
        if minimum is not None and owed < minimum:
            owed = minimum
        if maximum is not None and owed > maximum:
            owed = maximum
        result.append(owed)
    return tuple(result)
