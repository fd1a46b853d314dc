"""Tax on a document: per rate, on the net of the lines it applies to, rounded once.

This is the "sum then round" model (domain.md section 11 names it as the
one Stripe and Lago use; GOBL calls it the default of its ``rounding`` model,
https://docs.gobl.org/draft-0/bill/tax): the lines' nets are summed exactly
for each treatment, and the tax of each treatment is that sum times its rate,
rounded once to the minor unit with the contract's rounding mode. So the tax
never depends on the order of the lines, and ``net + tax == gross`` exactly.
(Rounding each line's tax first, as Zuora does by default, can differ by a
cent per line.)

Worked example (VAT 19 %, half-up): lines of EUR 333.33, 333.33 and 333.34
make a net of EUR 1,000.00 and a tax of EUR 190.00; rounding each line's tax
instead would give 63.33 + 63.33 + 63.33 = EUR 189.99, a cent short.

>>> from ppa_core.domain.money import Money
>>> from ppa_core.domain.tax import TaxTreatment
>>> vat = TaxTreatment.rate("19")
>>> nets = [Money.of(v, "EUR") for v in ("333.33", "333.33", "333.34")]
>>> [line.tax for line in tax_lines([(vat, n) for n in nets], "EUR")]
[Money('190.00', 'EUR')]
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Currency, Money, RoundingMode, money_in
from ppa_core.domain.tax import TaxKind, TaxTreatment

__all__ = ["TAX_METHOD", "TaxLine", "tax_lines"]

TAX_METHOD = (
    "tax per rate on the net of the lines it applies to, rounded once per rate to the minor unit"
)
"""How a document's tax was computed, as the document states it."""


@attrs.frozen
class TaxLine:
    """The tax of one treatment on one document.

    Attributes:
        treatment: the tax treatment (rate, exempt or reverse charge).
        taxable: the net of the lines it applies to (exact sum of their nets).
        tax: ``taxable`` times the rate, rounded once to the minor unit (zero when
            exempt or reverse-charged).
    """

    treatment: TaxTreatment = attrs.field(
        validator=v.instance_of("tax_line.treatment", TaxTreatment, "a TaxTreatment")
    )
    taxable: Money = attrs.field(validator=v.instance_of("tax_line.taxable", Money, "a Money"))
    tax: Money = attrs.field(validator=v.instance_of("tax_line.tax", Money, "a Money"))

    @property
    def note(self) -> str | None:
        """The note the document must carry for this treatment (reverse charge), if any."""
        return self.treatment.note


def _order(treatment: TaxTreatment) -> tuple[str, object, str, str]:
    return (treatment.kind.value, treatment.percent, treatment.name, treatment.note or "")


def tax_lines(
    lines: Iterable[tuple[TaxTreatment, Money]],
    currency: Currency | str,
    rounding: RoundingMode = RoundingMode.HALF_UP,
) -> tuple[TaxLine, ...]:
    """The tax lines of a document whose lines are ``(treatment, net)`` pairs.

    Args:
        lines: each line's tax treatment and net amount (rounded to the minor unit).
        currency: the document's currency.
        rounding: the rounding of each treatment's tax (the contract's; half-up).

    Returns:
        One TaxLine per treatment present, in a fixed order (kind, rate, name), so
        the result does not depend on the lines' order.

    Raises:
        InvalidMoney: a net not in ``currency``.
    """
    zero = Money.zero(currency)
    found = zero.currency
    # Exact Decimal sums per treatment (the nets are checked one by one, summed once).
    taxable: dict[TaxTreatment, Decimal] = {}
    for i, (treatment, net) in enumerate(lines):
        if type(net) is not Money or net.currency != found:
            money_in(f"lines[{i}].net", net, found)
        taxable[treatment] = taxable.get(treatment, zero.amount) + net.amount
    result = []
    for treatment in sorted(taxable, key=_order):
        base = Money(taxable[treatment], found)
        if treatment.kind is TaxKind.RATE:
            tax = (base * treatment.fraction).rounded(rounding)
        else:
            tax = Money.zero(found)
        result.append(TaxLine(treatment, base, tax))
    return tuple(result)
