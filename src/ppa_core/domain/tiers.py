"""Volume tiers: unit prices and flat fees by a unit's rank in a billing period.

One boundary rule: a tier "up to N" includes unit N, the next tier starts at
N + 1. The last tier is open-ended, or finite with a stated behaviour for the
units beyond it (:class:`BeyondLastTier`).

**Graduated** prices each unit by the tier it falls in and adds the flat fee of
every tier reached; **volume** prices every unit at the tier the period's count
reaches and adds that tier's flat fee only. Whether the first tier's flat fee is
owed at zero units is a term of the pricing (the peers differ: Lago, OpenMeter
and Stripe charge it; by default ppa_core does not).

With 10 at 350 plus a 500 platform fee, then 150 each plus a 200 fee, 12 units
cost 500 + 10 x 350 + 200 + 2 x 150 = 4,500 graduated, 200 + 12 x 150 = 2,000 by
volume:

>>> from ppa_core.domain.money import Money
>>> eur = lambda x: Money.of(x, "EUR")
>>> tiers = (Tier(10, eur(350), eur(500)), Tier(None, eur(150), eur(200)))
>>> tiered_total(tiers, TierMode.GRADUATED, 12).rounded().format()
'EUR 4,500.00'
>>> tiered_total(tiers, TierMode.VOLUME, 12).rounded().format()
'EUR 2,000.00'
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Money
from ppa_core.exceptions import ValidationError

__all__ = [
    "BeyondLastTier",
    "Tier",
    "TierMode",
    "flat_fees",
    "tier_of",
    "tiered_total",
]


class TierMode(enum.StrEnum):
    """How volume tiers price the units of a period."""

    GRADUATED = "graduated"
    VOLUME = "volume"


class BeyondLastTier(enum.StrEnum):
    """What a finite last tier does with the units beyond it.

    ``REFUSE``: they are not billed (``NO_PRICE``, visible in the trace);
    ``LAST_TIER``: they are billed at the last tier's unit price.
    """

    REFUSE = "refuse"
    LAST_TIER = "last_tier"


def _money(field: str) -> Any:
    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, Money):
            raise ValidationError(field, value, "a Money")
        if value.amount < 0:
            raise ValidationError(field, value, "a non-negative amount")

    return validate


def _optional_money(field: str) -> Any:
    check = _money(field)

    def validate(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None:
            check(instance, attribute, value)

    return validate


@attrs.frozen
class Tier:
    """A volume tier: units up to and including ``up_to`` cost ``price`` each.

    Attributes:
        up_to: the last unit (1-based, inclusive) of the tier; None for an open-ended last tier.
        price: the unit price in this tier (may have more decimals than the currency:
            the tier's amount is rounded once, on its line).
        flat_fee: a fee owed once when the tier is reached (graduated: every tier
            reached; volume: the tier reached only); None for no fee.
    """

    up_to: int | None = attrs.field(validator=v.optional_int_field("tier.up_to", minimum=1))
    price: Money = attrs.field(validator=_money("tier.price"))
    flat_fee: Money | None = attrs.field(default=None, validator=_optional_money("tier.flat_fee"))

    def __attrs_post_init__(self) -> None:
        if self.flat_fee is not None and self.flat_fee.currency != self.price.currency:
            raise ValidationError("tier.flat_fee", self.flat_fee, f"in {self.price.currency}")


def check_tiers(value: Any) -> tuple[Tier, ...]:
    """Convert ``value`` to increasing tiers, all in one currency; only the last may lack up_to."""
    tiers = v.tuple_of("tiers", Tier, "a Tier")(value)
    previous = 0
    for i, tier in enumerate(tiers):
        last = i == len(tiers) - 1
        if tier.up_to is None and not last:
            raise ValidationError(f"tiers[{i}].up_to", None, "set on every tier but the last")
        if tier.up_to is not None and tier.up_to <= previous:
            raise ValidationError(
                f"tiers[{i}].up_to", tier.up_to, f"greater than the previous tier's {previous}"
            )
        if tier.price.currency != tiers[0].price.currency:
            raise ValidationError(
                f"tiers[{i}].price", tier.price, f"in {tiers[0].price.currency} like tiers[0]"
            )
        previous = tier.up_to or previous
    return tiers


def tier_of(tiers: tuple[Tier, ...], rank: int, beyond: BeyondLastTier | None = None) -> int | None:
    """The 0-based tier unit number ``rank`` (1-based) falls in.

    Returns:
        The tier's index; the last tier's beyond a finite last tier when ``beyond`` is
        ``LAST_TIER``; None when the unit is beyond it and refused.
    """
    for i, tier in enumerate(tiers):
        if tier.up_to is None or rank <= tier.up_to:
            return i
    return len(tiers) - 1 if beyond is BeyondLastTier.LAST_TIER else None


def flat_fees(
    tiers: tuple[Tier, ...],
    mode: TierMode,
    units: int,
    *,
    at_zero: bool = False,
) -> tuple[tuple[int, Money], ...]:
    """The flat fees owed for ``units`` units in a period, as ``(tier index, fee)`` pairs.

    Graduated owes the fee of every tier reached, volume the fee of the tier reached.
    At zero units only the first tier's fee, and only when ``at_zero``.
    """
    if units <= 0:
        first = tiers[0].flat_fee if tiers else None
        return ((0, first),) if at_zero and first is not None else ()
    reached = tier_of(tiers, units, BeyondLastTier.LAST_TIER)
    assert reached is not None  # LAST_TIER always finds a tier
    if mode is TierMode.VOLUME:
        fee = tiers[reached].flat_fee
        return () if fee is None else ((reached, fee),)
    return tuple((i, t.flat_fee) for i, t in enumerate(tiers[: reached + 1]) if t.flat_fee)


def tiered_total(
    tiers: tuple[Tier, ...],
    mode: TierMode,
    units: int,
    *,
    at_zero: bool = False,
    beyond: BeyondLastTier | None = None,
) -> Money:
    """The exact (unrounded) amount of ``units`` units: unit prices plus flat fees.

    Units beyond a refusing finite last tier cost nothing (they are not billed).
    """
    total = Money.zero(tiers[0].price.currency)
    last = tiers[-1].up_to
    billed = units if last is None or beyond is BeyondLastTier.LAST_TIER else min(units, last)
    # Where a guard below says "> 0" or "> start", ">=" gives the same total: it only
    # adds a price times 0.
    if mode is TierMode.VOLUME:
        has_units = billed > 0  # pragma: no mutate - same total with >= 0 (see above)
        index = tier_of(tiers, billed, BeyondLastTier.LAST_TIER) if has_units else None
        if index is not None:
            total += tiers[index].price * billed
    else:
        start = 0
        for i, tier in enumerate(tiers):
            end = billed if tier.up_to is None or i == len(tiers) - 1 else min(billed, tier.up_to)
            if end > start:  # pragma: no mutate - same total with >= (see above)
                total += tier.price * (end - start)
            start = max(start, end)
    for _, fee in flat_fees(tiers, mode, billed, at_zero=at_zero):
        total += fee
    return total
