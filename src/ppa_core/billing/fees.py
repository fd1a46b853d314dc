"""Period fees: what a pricing bills once per period, outside its appointment lines.

The retainer (once per contract billing period), the leads and the commission
(for what the caller says the invoice's span delivered).
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ppa_core.billing.lines import InvoiceLine, LineKind
from ppa_core.domain.contract import BillingPeriod, ContractTerms
from ppa_core.domain.money import Currency, Money, RoundingMode, money_in
from ppa_core.domain.pricing import Commission, Hybrid, PayPerLead, Pricing, Retainer

__all__ = [
    "PeriodFees",
    "period_fees",
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
) -> PeriodFees:
    """The retainer, lead and commission amounts ``pricing`` bills for one period.

    Raises:
        ValidationError: ``closed_value`` is not Money in ``currency``.
    """
    retainer = pricing.retainer if isinstance(pricing, Hybrid) else pricing
    fees = PeriodFees()
    if isinstance(retainer, Retainer):
        fees = attrs.evolve(fees, retainer=retainer.fee.rounded(rounding))
    if isinstance(pricing, PayPerLead) and leads:
        fees = attrs.evolve(fees, leads=(pricing.price_per_lead * leads).rounded(rounding))
    if isinstance(pricing, Commission) and closed_value is not None:
        value = money_in("closed_value", closed_value, currency)
        fees = attrs.evolve(fees, commission=(value * pricing.rate).rounded(rounding))
    return fees


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
    terms: ContractTerms, leads: int, closed_value: Money | None, currency: Currency
) -> list[InvoiceLine]:
    """The lead and commission lines for what the caller says the invoice's span delivered."""
    pricing = terms.pricing
    fees = period_fees(pricing, terms.rounding, currency, leads=leads, closed_value=closed_value)
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
    if fees.commission is not None and isinstance(pricing, Commission) and closed_value:
        lines.append(
            InvoiceLine(
                LineKind.COMMISSION,
                f"commission {pricing.rate:%} of {closed_value.format()}",
                fees.commission,
                quantity=pricing.rate,
            )
        )
    return lines
