"""Period fees: what a pricing bills once per period, outside its appointment lines.

The retainer (once per contract billing period), the leads and the commission
(for what the caller says the invoice's span delivered), the tier flat fees and
the commitment's true-up or ceiling (once per contract period, when it ends),
and the setup fee (once, on the invoice that bills the term's first day).

Each is a line of its own, rounded once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from ppa_core.billing.lines import InvoiceLine, LineKind
from ppa_core.domain.contract import BillingPeriod, ContractTerms
from ppa_core.domain.money import Currency, Money, RoundingMode, money_in
from ppa_core.domain.pricing import (
    Commission,
    Hybrid,
    PayPerLead,
    PerAppointment,
    Pricing,
    Retainer,
)
from ppa_core.exceptions import ValidationError

__all__ = [
    "PeriodFees",
    "commitment_lines",
    "flat_fee_lines",
    "period_fees",
    "setup_fee_line",
]


@attrs.frozen
class PeriodFees:
    """What a pricing bills once per period, outside its appointment lines.

    Each amount is rounded to the minor unit (a line of its own), or None when
    the pricing has no such fee.
    """

    retainer: Money | None = None
    leads: Money | None = None
    commission: Money | None = None


def period_fees(
    pricing: Pricing,
    rounding: RoundingMode,
    currency: Currency,
    *,
    leads: int = 0,
    closed_value: Money | None = None,
    deals: Sequence[Money] = (),
) -> PeriodFees:
    """The retainer, lead and commission amounts ``pricing`` bills for one period.

    Args:
        pricing: the pricing.
        rounding: how each amount is rounded, once.
        currency: the contract's currency.
        leads: leads delivered (pay per lead).
        closed_value: the value closed, as one deal (commission).
        deals: the value of each deal closed, in order (commission); exclusive
            with ``closed_value``.

    Raises:
        ValidationError: ``closed_value`` or a deal is not Money in ``currency``;
            both ``closed_value`` and ``deals`` given.
    """
    retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
    fees = PeriodFees()
    if isinstance(retainer, Retainer):
        fees = attrs.evolve(fees, retainer=retainer.fee.rounded(rounding))
    if isinstance(pricing, PayPerLead) and leads:
        fees = attrs.evolve(fees, leads=(pricing.price_per_lead * leads).rounded(rounding))
    if isinstance(pricing, Commission):
        values = _deals(closed_value, deals, currency)
        if values:
            owed = Money.total(pricing.commissions(values), currency)
            fees = attrs.evolve(fees, commission=owed.rounded(rounding))
    return fees


def _deals(
    closed_value: Money | None, deals: Iterable[Money], currency: Currency
) -> tuple[Money, ...]:
    """The deals of a period: ``deals``, or ``closed_value`` as one deal."""
    listed = tuple(deals)
    if closed_value is not None and listed:
        raise ValidationError("deals", listed, "left out when closed_value is given")
    if closed_value is not None:
        return (money_in("closed_value", closed_value, currency),)
    return tuple(money_in(f"deals[{i}]", deal, currency) for i, deal in enumerate(listed))


def _retainer(terms: ContractTerms, period: BillingPeriod, currency: Currency) -> list[InvoiceLine]:
    """The retainer line of one of the contract's billing periods, if the pricing has one."""
    pricing = terms.pricing
    retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
    if not isinstance(retainer, Retainer):
        return []
    fee = period_fees(retainer, terms.rounding, currency).retainer
    assert fee is not None  # a retainer always has a fee
    line = InvoiceLine(
        LineKind.RETAINER, f"retainer {period.label}", fee, unit_price=retainer.fee, period=period
    )
    return [line]


def _usage_fees(
    terms: ContractTerms,
    leads: int,
    closed_value: Money | None,
    currency: Currency,
    deals: Sequence[Money] = (),
) -> list[InvoiceLine]:
    """The lead and commission lines for what the caller says the invoice's span delivered."""
    pricing = terms.pricing
    fees = period_fees(
        pricing, terms.rounding, currency, leads=leads, closed_value=closed_value, deals=deals
    )
    lines: list[InvoiceLine] = []
    if fees.leads is not None and isinstance(pricing, PayPerLead):
        lines.append(
            InvoiceLine(
                LineKind.LEADS,
                f"{leads} leads at {pricing.price_per_lead.format()}",
                fees.leads,
                unit_price=pricing.price_per_lead,
                quantity=Decimal(leads),
            )
        )
    if fees.commission is not None and isinstance(pricing, Commission):
        values = _deals(closed_value, deals, currency)
        value = Money.total(values, currency)
        if pricing.rate is not None:
            what = f"commission {pricing.rate:%} of {value.format()}"
        else:
            what = f"graduated commission on {len(values)} deals worth {value.format()}"
        if not pricing.is_simple and pricing.rate is not None:
            what += f" ({len(values)} deals, each within its per-deal limits)"
        lines.append(
            InvoiceLine(
                LineKind.COMMISSION,
                what,
                fees.commission,
                quantity=pricing.rate if pricing.rate is not None else Decimal(len(values)),
            )
        )
    return lines


def _per_appointment(pricing: Pricing) -> PerAppointment | None:
    if isinstance(pricing, Hybrid):
        return pricing.per_appointment
    return pricing if isinstance(pricing, PerAppointment) else None


def flat_fee_lines(terms: ContractTerms, period: BillingPeriod, units: int) -> list[InvoiceLine]:
    """The tier flat fee lines of one contract period with ``units`` billable meetings.

    Graduated: one line per tier reached; volume: one for the tier reached. Each is
    rounded once with the terms' rounding mode.
    """
    pricing = _per_appointment(terms.pricing)
    if pricing is None:
        return []
    lines = []
    for index, fee in pricing.flat_fees(units):
        tier = pricing.tiers[index]
        bound = "open-ended" if tier.up_to is None else f"up to {tier.up_to}"
        lines.append(
            InvoiceLine(
                LineKind.FLAT_FEE,
                f"flat fee of tier {index + 1} ({bound}), {period.label}",
                fee.rounded(terms.rounding),
                tier=index + 1,
                unit_price=fee,
                period=period,
            )
        )
    return lines


def commitment_lines(
    terms: ContractTerms, period: BillingPeriod, spend: Money
) -> list[InvoiceLine]:
    """The minimum-spend true-up or spend-ceiling credit of one contract period.

    Args:
        terms: the terms in force for the period.
        period: the contract's billing period.
        spend: what the period billed before credits (appointments, flat fees,
            retainer, usage fees), each line already rounded.
    """
    commitment = terms.commitment
    if commitment is None:
        return []
    up = commitment.true_up(spend)
    if up is not None:
        minimum = commitment.minimum
        assert minimum is not None  # a true-up needs one
        return [
            InvoiceLine(
                LineKind.COMMITMENT,
                f"minimum commitment {minimum.format()} for {period.label}: "
                f"spend {spend.format()}, true-up",
                up.rounded(terms.rounding),
                unit_price=minimum,
                period=period,
            )
        ]
    down = commitment.ceiling_credit(spend)
    if down is not None:
        maximum = commitment.maximum
        assert maximum is not None  # a ceiling needs one
        return [
            InvoiceLine(
                LineKind.COMMITMENT,
                f"spend ceiling {maximum.format()} for {period.label}: "
                f"spend {spend.format()}, credit",
                down.rounded(terms.rounding),
                unit_price=maximum,
                period=period,
            )
        ]
    return []


def setup_fee_line(terms: ContractTerms) -> list[InvoiceLine]:
    """The one-off setup fee line, if the terms have one."""
    if terms.setup_fee is None:
        return []
    fee = terms.setup_fee
    return [
        InvoiceLine(LineKind.SETUP_FEE, "setup fee", fee.rounded(terms.rounding), unit_price=fee)
    ]
