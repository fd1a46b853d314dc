"""Pricing models: per appointment, per lead, retainer, commission, hybrid.

Per appointment may be flat, per seniority, volume-tiered within a period (tiers
may carry flat fees and end finite: :mod:`ppa_core.domain.tiers`) or sold in
packages (:mod:`ppa_core.domain.packages`), each with free units first.
Commission may be graduated with per-deal limits (:mod:`ppa_core.domain.commission`).

Volume tiers follow one boundary rule: a tier "up to N" includes unit N, the
next tier starts at N+1, the last tier is open-ended (or finite, with a stated
behaviour beyond it). Units are counted within a billing period, in order of
held time.

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
from ppa_core.domain.commission import CommissionTier, check_commission_tiers, deal_commissions
from ppa_core.domain.money import Currency, Money
from ppa_core.domain.money import currency as currency_of
from ppa_core.domain.packages import Package
from ppa_core.domain.prospect import Seniority
from ppa_core.domain.tiers import (
    BeyondLastTier,
    Tier,
    TierMode,
    _money,
    _optional_money,
    check_tiers,
    flat_fees,
    tier_of,
)
from ppa_core.exceptions import ValidationError

__all__ = [
    "BeyondLastTier",
    "Commission",
    "CommissionTier",
    "Hybrid",
    "Package",
    "PayPerLead",
    "PerAppointment",
    "Pricing",
    "PricingModel",
    "Retainer",
    "Tier",
    "TierMode",
]


class PricingModel(enum.StrEnum):
    """The commercial models a buyer compares."""

    PAY_PER_APPOINTMENT = "pay_per_appointment"
    PAY_PER_LEAD = "pay_per_lead"
    RETAINER = "retainer"
    COMMISSION = "commission"
    HYBRID = "hybrid"


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


def _to_beyond(value: Any) -> BeyondLastTier | None:
    if value is None:
        return None
    return v.enum_converter(BeyondLastTier, "beyond_last_tier")(value)


@attrs.frozen
class PerAppointment:
    """Pay per appointment: a flat price, a price per seniority, volume tiers or packages.

    Attributes:
        price: the flat price; with ``seniority_prices``, the price for seniorities
            not listed (including unknown).
        seniority_prices: price per seniority (C-level 600, VP 450 ...).
        tiers: volume tiers within a billing period; exclusive with the other prices.
        tier_mode: graduated (default) or volume.
        package: a price per package of N meetings; exclusive with the other prices.
        free_units: the first meetings of each period that cost nothing (default 0);
            tiers and packages count the paid meetings after them from 1.
        flat_fee_at_zero: whether the first tier's flat fee is owed in a period with
            no paid meeting (default False; Lago, OpenMeter and Stripe charge it).
        beyond_last_tier: what a finite last tier does with the meetings beyond it;
            required with a finite last tier, None with an open-ended one.
    """

    price: Money | None = attrs.field(
        default=None, validator=v.optional_instance_of("price", Money, "a Money")
    )
    seniority_prices: Mapping[Seniority, Money] = attrs.field(
        factory=lambda: MappingProxyType({}),
        converter=_seniority_prices,
        eq=attrs.cmp_using(eq=lambda a, b: _eq_mapping(a) == _eq_mapping(b)),
    )  # hashed by __hash__ below: a mappingproxy is not hashable
    tiers: tuple[Tier, ...] = attrs.field(default=(), converter=check_tiers)
    tier_mode: TierMode = attrs.field(default=TierMode.GRADUATED, converter=_to_tier_mode)
    package: Package | None = attrs.field(
        default=None, validator=v.optional_instance_of("package", Package, "a Package")
    )
    free_units: int = attrs.field(default=0, validator=v.int_field("free_units"))
    flat_fee_at_zero: bool = attrs.field(
        default=False, validator=v.instance_of("flat_fee_at_zero", bool, "True or False")
    )
    beyond_last_tier: BeyondLastTier | None = attrs.field(default=None, converter=_to_beyond)
    _zero: Money = attrs.field(
        init=False,
        eq=False,  # pragma: no mutate - same result either way: the zero of the prices' currency
        repr=False,
    )

    def __attrs_post_init__(self) -> None:
        ways = [self.price is not None or bool(self.seniority_prices)]
        ways += [bool(self.tiers), self.package is not None]
        if not any(ways):
            raise ValidationError("price", None, "set, or seniority_prices, tiers or package given")
        if sum(ways) > 1:
            field = "tiers" if self.tiers else "package"
            raise ValidationError(
                field, getattr(self, field), "used alone, without the other ways to price"
            )
        if self.price is not None and self.price.amount < 0:
            raise ValidationError("price", self.price, "a non-negative amount")
        finite = bool(self.tiers) and self.tiers[-1].up_to is not None
        if finite and self.beyond_last_tier is None:
            raise ValidationError(
                f"tiers[{len(self.tiers) - 1}].up_to",
                self.tiers[-1].up_to,
                "None on the last tier, or beyond_last_tier set ('refuse' or 'last_tier')",
            )
        if not finite and self.beyond_last_tier is not None:
            raise ValidationError(
                "beyond_last_tier", self.beyond_last_tier.value, "None without a finite last tier"
            )
        currencies = {m.currency for m in self._all_prices()}
        if len(currencies) > 1:
            codes = sorted(c.code for c in currencies)
            raise ValidationError("seniority_prices", codes, "all in one currency")
        # One zero per pricing: free and in-package meetings share it (the engine keys
        # its rounded amounts by the price's identity).
        object.__setattr__(self, "_zero", Money.zero(next(iter(currencies))))

    def __hash__(self) -> int:
        return hash(
            (
                self.price,
                _eq_mapping(self.seniority_prices),
                self.tiers,
                self.tier_mode,
                self.package,
                self.free_units,
                self.flat_fee_at_zero,
                self.beyond_last_tier,
            )
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # A mappingproxy does not pickle; rebuild from the constructor's arguments so
        # pricings cross process boundaries (process pools, Dask).
        prices = dict(self.seniority_prices)
        return (
            PerAppointment,
            (
                self.price,
                prices,
                self.tiers,
                self.tier_mode,
                self.package,
                self.free_units,
                self.flat_fee_at_zero,
                self.beyond_last_tier,
            ),
        )

    def _all_prices(self) -> Iterable[Money]:
        if self.price is not None:
            yield self.price
        yield from self.seniority_prices.values()
        for tier in self.tiers:
            yield tier.price
            if tier.flat_fee is not None:
                yield tier.flat_fee
        if self.package is not None:
            yield self.package.price

    @property
    def currency(self) -> Currency:
        """The currency every price is in."""
        return self._zero.currency

    @property
    def is_tiered(self) -> bool:
        """True when the unit price depends on the unit's rank in the period."""
        return bool(self.tiers) or self.package is not None or self.free_units > 0

    @property
    def has_flat_fees(self) -> bool:
        """True when a tier carries a flat fee."""
        return any(t.flat_fee is not None for t in self.tiers)

    def tier_index(self, unit: int) -> int:
        """The 0-based tier that paid unit number ``unit`` (1-based) falls in.

        Beyond a finite last tier: the last tier (whatever ``beyond_last_tier`` says).
        """
        found = tier_of(self.tiers, unit, BeyondLastTier.LAST_TIER)
        assert found is not None  # LAST_TIER always finds one
        return found

    def tier_for(self, unit: int, units: int) -> int | None:
        """The 1-based tier that prices unit ``unit`` of a period of ``units``, or None.

        None when untiered, for a free unit, or beyond a refusing finite last tier.
        """
        if not self.tiers or unit <= self.free_units:
            return None
        graduated = self.tier_mode is TierMode.GRADUATED
        rank = (unit if graduated else units) - self.free_units
        found = tier_of(self.tiers, rank, self.beyond_last_tier)
        return None if found is None else found + 1

    def unit_price(self, seniority: Seniority | None, unit: int, units: int) -> Money | None:
        """The price of one billable appointment.

        Args:
            seniority: the prospect's seniority (for seniority prices).
            unit: the appointment's 1-based rank among the period's billable units.
            units: how many billable units the period has (for volume pricing).

        Returns:
            The price (zero for a free meeting and for a package's meetings after its
            first), or None when no price applies (a seniority with no price and no
            default; a meeting beyond a refusing finite last tier).
        """
        if unit <= self.free_units:
            return self._zero
        if self.tiers:
            found = self.tier_for(unit, units)
            return None if found is None else self.tiers[found - 1].price
        if self.package is not None:
            return self.package.price if self.package.opens(unit - self.free_units) else self._zero
        if seniority is not None:
            price = self.seniority_prices.get(seniority)
            if price is not None:
                return price
        return self.price

    def flat_fees(self, units: int) -> tuple[tuple[int, Money], ...]:
        """The tier flat fees a period of ``units`` billable meetings owes, by 0-based tier.

        The free meetings do not count. Meetings beyond a finite last tier reach no
        further tier, so they owe no other fee, whether billed or refused.
        """
        if not self.has_flat_fees:
            return ()
        paid = max(0, units - self.free_units)
        return flat_fees(self.tiers, self.tier_mode, paid, at_zero=self.flat_fee_at_zero)


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
    """A share of the closed deal value, in ``currency``: one rate, or graduated bands.

    Attributes:
        rate: the share (0 to 1) of every deal's value; None with ``tiers``.
        currency: the currency of the deals and the commission.
        tiers: graduated bands over the period's cumulative closed value ("10 % of the
            first 100,000, 7 % above"); exclusive with ``rate``.
        minimum_per_deal: each deal's commission is at least this; None for no minimum.
        maximum_per_deal: each deal's commission is at most this; None for no maximum.
    """

    rate: Decimal | None = attrs.field(default=None, converter=attrs.converters.optional(_rate))
    currency: Currency = attrs.field(default=None, converter=_commission_currency)
    tiers: tuple[CommissionTier, ...] = attrs.field(default=(), converter=check_commission_tiers)
    minimum_per_deal: Money | None = attrs.field(
        default=None, validator=_optional_money("minimum_per_deal")
    )
    maximum_per_deal: Money | None = attrs.field(
        default=None, validator=_optional_money("maximum_per_deal")
    )

    def __attrs_post_init__(self) -> None:
        if (self.rate is None) == (not self.tiers):
            raise ValidationError("rate", self.rate, "set, or tiers given, not both")
        for field in ("minimum_per_deal", "maximum_per_deal"):
            money = getattr(self, field)
            if money is not None and money.currency != self.currency:
                raise ValidationError(field, money, f"in {self.currency}")
        for i, tier in enumerate(self.tiers):
            for money in (tier.up_to, tier.flat_fee):
                if money is not None and money.currency != self.currency:
                    raise ValidationError(f"tiers[{i}]", money, f"in {self.currency}")
        low, high = self.minimum_per_deal, self.maximum_per_deal
        if low is not None and high is not None and high < low:
            raise ValidationError("maximum_per_deal", high, f"at least the minimum {low}")

    @property
    def is_simple(self) -> bool:
        """True for one rate with no per-deal minimum or maximum."""
        return not self.tiers and self.minimum_per_deal is None and self.maximum_per_deal is None

    def commissions(self, deals: Iterable[Money]) -> tuple[Money, ...]:
        """Each deal's exact (unrounded) commission, in the order given."""
        return deal_commissions(
            tuple(deals),
            rate=self.rate,
            tiers=self.tiers,
            minimum=self.minimum_per_deal,
            maximum=self.maximum_per_deal,
        )


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
