"""Pricing models: per appointment, per lead, retainer, commission, hybrid.

Per appointment may be flat, per seniority or volume-tiered within a period.

Volume tiers follow one boundary rule: a tier "up to N" includes unit N, the
next tier starts at N+1, the last tier is open-ended. Units are counted within
a billing period, in order of held time.

**Graduated** prices each unit by the tier it falls in; **volume** prices every
unit at the tier the period's count reaches. With 350 for the first 10 and 150
after, 12 meetings cost 10 x 350 + 2 x 150 = 3,800 graduated, 12 x 150 = 1,800
by volume:

>>> tiers = PerAppointment(
...     tiers=[Tier(10, Money.of(350, "EUR")), Tier(None, Money.of(150, "EUR"))],
...     tier_mode="graduated",
... )
>>> [tiers.unit_price(None, n, 12).amount for n in (10, 11)]
[Decimal('350'), Decimal('150')]
>>> sum(tiers.unit_price(None, n, 12).amount for n in range(1, 13))
Decimal('3800')
>>> volume = attrs.evolve(tiers, tier_mode="volume")
>>> sum(volume.unit_price(None, n, 12).amount for n in range(1, 13))
Decimal('1800')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.money import currency as currency_of
from ppa_core.domain.prospect import Seniority
from ppa_core.exceptions import RuleDefinitionError, ValidationError

__all__ = [
    "Commission",
    "Hybrid",
    "PayPerLead",
    "PerAppointment",
    "Pricing",
    "PricingModel",
    "Retainer",
    "Tier",
    "TierMode",
]


class TierMode(enum.StrEnum):
    """How volume tiers price the units of a period."""

    GRADUATED = "graduated"
    VOLUME = "volume"


class PricingModel(enum.StrEnum):
    """The commercial models a buyer compares."""

    PAY_PER_APPOINTMENT = "pay_per_appointment"
    PAY_PER_LEAD = "pay_per_lead"
    RETAINER = "retainer"
    COMMISSION = "commission"
    HYBRID = "hybrid"


def _money(field: str) -> Any:
    def validate(_instance: Any, _attribute: Any, value: Any) -> None:
        if not isinstance(value, Money):
            raise ValidationError(field, value, "a Money")
        if value.amount < 0:
            raise ValidationError(field, value, "a non-negative amount")

    return validate


@attrs.frozen
class Tier:
    """A volume tier: units up to and including ``up_to`` cost ``price`` each.

    Attributes:
        up_to: the last unit (1-based, inclusive) of the tier; None for the open-ended last tier.
        price: the unit price in this tier.
    """

    up_to: int | None = attrs.field(validator=v.optional_int_field("tier.up_to", minimum=1))
    price: Money = attrs.field(validator=_money("tier.price"))


def _tiers(value: Any) -> tuple[Tier, ...]:
    tiers = v.tuple_of("tiers", Tier, "a Tier")(value)
    previous = 0
    for i, tier in enumerate(tiers):
        last = i == len(tiers) - 1
        if tier.up_to is None and not last:
            raise ValidationError(f"tiers[{i}].up_to", None, "set on every tier but the last")
        if tier.up_to is not None and last:
            raise ValidationError(f"tiers[{i}].up_to", tier.up_to, "None on the last tier")
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


def _seniority_prices(value: Any) -> Mapping[Seniority, Money]:
    if not isinstance(value, Mapping):
        raise ValidationError("seniority_prices", value, "a mapping of seniority to Money")
    prices: dict[Seniority, Money] = {}
    for key, price in value.items():
        seniority = v.to_enum(Seniority, "seniority_prices", key)
        _money(f"seniority_prices[{seniority.value}]")(None, None, price)
        prices[seniority] = price
    return MappingProxyType(dict(sorted(prices.items(), key=lambda kv: kv[0].rank)))


def _eq_mapping(value: Mapping[Seniority, Money]) -> tuple[tuple[Seniority, Money], ...]:
    return tuple(value.items())


def _to_tier_mode(value: Any) -> TierMode:
    return v.enum_converter(TierMode, "tier_mode")(value)


@attrs.frozen
class PerAppointment:
    """Pay per appointment: a flat price, a price per seniority, or volume tiers.

    Attributes:
        price: the flat price; with ``seniority_prices``, the price for seniorities
            not listed (including unknown).
        seniority_prices: price per seniority (C-level 600, VP 450 ...).
        tiers: volume tiers within a billing period; exclusive with the other two.
        tier_mode: graduated (default) or volume.
    """

    price: Money | None = attrs.field(
        default=None, validator=v.optional_instance_of("price", Money, "a Money")
    )
    seniority_prices: Mapping[Seniority, Money] = attrs.field(
        factory=lambda: MappingProxyType({}),
        converter=_seniority_prices,
        eq=attrs.cmp_using(eq=lambda a, b: _eq_mapping(a) == _eq_mapping(b)),
        hash=False,
    )
    tiers: tuple[Tier, ...] = attrs.field(default=(), converter=_tiers)
    tier_mode: TierMode = attrs.field(default=TierMode.GRADUATED, converter=_to_tier_mode)

    def __attrs_post_init__(self) -> None:
        if self.price is None and not self.seniority_prices and not self.tiers:
            raise ValidationError("price", None, "set, or seniority_prices or tiers given")
        if self.tiers and (self.price is not None or self.seniority_prices):
            raise ValidationError(
                "tiers", self.tiers, "used alone, without price or seniority_prices"
            )
        if self.price is not None and self.price.amount < 0:
            raise ValidationError("price", self.price, "a non-negative amount")
        currencies = {m.currency for m in self._all_prices()}
        if len(currencies) > 1:
            codes = sorted(c.code for c in currencies)
            raise ValidationError("seniority_prices", codes, "all in one currency")

    def __hash__(self) -> int:
        return hash((self.price, _eq_mapping(self.seniority_prices), self.tiers, self.tier_mode))

    def __reduce__(self) -> tuple[Any, ...]:
        # A mappingproxy does not pickle; rebuild from the constructor's arguments so
        # pricings cross process boundaries (process pools, Dask).
        prices = dict(self.seniority_prices)
        return (PerAppointment, (self.price, prices, self.tiers, self.tier_mode))

    def _all_prices(self) -> Iterable[Money]:
        if self.price is not None:
            yield self.price
        yield from self.seniority_prices.values()
        yield from (t.price for t in self.tiers)

    @property
    def currency(self) -> Currency:
        """The currency every price is in."""
        return next(iter(self._all_prices())).currency

    @property
    def is_tiered(self) -> bool:
        """True when the unit price depends on the unit's rank in the period."""
        return bool(self.tiers)

    def tier_index(self, unit: int) -> int:
        """The 0-based tier that unit number ``unit`` (1-based) falls in."""
        for i, tier in enumerate(self.tiers):
            if tier.up_to is None or unit <= tier.up_to:
                return i
        raise RuleDefinitionError("tiers", "the last tier must be open-ended")  # pragma: no cover

    def unit_price(self, seniority: Seniority | None, unit: int, units: int) -> Money | None:
        """The price of one billable appointment.

        Args:
            seniority: the prospect's seniority (for seniority prices).
            unit: the appointment's 1-based rank among the period's billable units.
            units: how many billable units the period has (for volume pricing).

        Returns:
            The price, or None when no price applies (a seniority with no price and no default).
        """
        if self.tiers:
            rank = unit if self.tier_mode is TierMode.GRADUATED else units
            return self.tiers[self.tier_index(rank)].price
        if seniority is not None:
            price = self.seniority_prices.get(seniority)
            if price is not None:
                return price
        return self.price


@attrs.frozen
class PayPerLead:
    """Pay per lead: every contact delivered costs ``price_per_lead``."""

    price_per_lead: Money = attrs.field(validator=_money("price_per_lead"))

    @property
    def currency(self) -> Currency:
        """The price's currency."""
        return self.price_per_lead.currency


@attrs.frozen
class Retainer:
    """A flat ``fee`` per billing period, whatever the outcomes."""

    fee: Money = attrs.field(validator=_money("fee"))

    @property
    def currency(self) -> Currency:
        """The fee's currency."""
        return self.fee.currency


def _rate(value: Any) -> Decimal:
    return v.fraction("rate", value, "a Decimal fraction from 0 to 1 (0.1 is 10 %)")


def _commission_currency(value: Any) -> Currency:
    try:
        return currency_of(value)
    except ValidationError:
        raise ValidationError("currency", value, "an ISO 4217 code such as 'EUR'") from None


@attrs.frozen
class Commission:
    """A share ``rate`` (0 to 1) of the closed deal value, in ``currency``."""

    rate: Decimal = attrs.field(converter=_rate)
    currency: Currency = attrs.field(converter=_commission_currency)


@attrs.frozen
class Hybrid:
    """A retainer per period plus a price per appointment."""

    retainer: Retainer = attrs.field(validator=v.instance_of("retainer", Retainer, "a Retainer"))
    per_appointment: PerAppointment = attrs.field(
        validator=v.instance_of("per_appointment", PerAppointment, "a PerAppointment")
    )

    def __attrs_post_init__(self) -> None:
        if self.retainer.currency != self.per_appointment.currency:
            raise ValidationError(
                "per_appointment",
                self.per_appointment.currency.code,
                f"in the retainer's currency {self.retainer.currency}",
            )

    @property
    def currency(self) -> Currency:
        """The currency of both parts."""
        return self.retainer.currency


Pricing = PerAppointment | PayPerLead | Retainer | Commission | Hybrid
"""Any pricing a contract can carry."""

PRICING_TYPES = (PerAppointment, PayPerLead, Retainer, Commission, Hybrid)


def model_of(pricing: Pricing) -> PricingModel:
    """The commercial model a pricing belongs to."""
    return _MODELS[type(pricing)]


_MODELS: Mapping[type, PricingModel] = MappingProxyType(
    {
        PerAppointment: PricingModel.PAY_PER_APPOINTMENT,
        PayPerLead: PricingModel.PAY_PER_LEAD,
        Retainer: PricingModel.RETAINER,
        Commission: PricingModel.COMMISSION,
        Hybrid: PricingModel.HYBRID,
    }
)
