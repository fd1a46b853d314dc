"""Spend commitments per billing period: a minimum-spend true-up and a spend ceiling.

A commitment is about money, not meetings: it is distinct from the meeting cap
(at most N billable meetings) and the meeting guarantee (at least N held, or a
service credit). The three apply in order: the cap first (over-cap meetings are
not billed, so they are not spend), then the commitment on the period's spend,
then the guarantee's service credit, which the true-up never cancels.

A period's spend is what it bills before credits: its appointment lines, its
tier flat fees, its retainer, and the lead and commission lines of its invoice.
The setup fee and adjustments for earlier periods are not spend.

>>> from ppa_core.domain.money import Money
>>> eur = lambda x: Money.of(x, "EUR")
>>> Commitment(minimum=eur(5000)).true_up(eur(3800)).rounded().format()
'EUR 1,200.00'
>>> Commitment(maximum=eur(10000)).ceiling_credit(eur(12000)).rounded().format()
'EUR -2,000.00'
"""

from __future__ import annotations

import attrs

from ppa_core.domain.money import Currency, Money
from ppa_core.domain.tiers import _optional_money
from ppa_core.exceptions import ValidationError

__all__ = [
    "Commitment",
]


@attrs.frozen
class Commitment:
    """A minimum and/or maximum spend per billing period.

    Attributes:
        minimum: the period's spend below it is topped up by a true-up line; None for none.
        maximum: the period's spend above it is credited back by a ceiling line; None for none.
    """

    minimum: Money | None = attrs.field(
        default=None, validator=_optional_money("commitment.minimum")
    )
    maximum: Money | None = attrs.field(
        default=None, validator=_optional_money("commitment.maximum")
    )

    def __attrs_post_init__(self) -> None:
        if self.minimum is None and self.maximum is None:
            raise ValidationError("commitment", None, "a minimum, a maximum or both")
        if self.minimum is not None and self.maximum is not None:
            if self.minimum.currency != self.maximum.currency:
                raise ValidationError(
                    "commitment.maximum", self.maximum, f"in {self.minimum.currency}"
                )
            if self.maximum < self.minimum:
                raise ValidationError(
                    "commitment.maximum", self.maximum, f"at least the minimum {self.minimum}"
                )

    @property
    def currency(self) -> Currency:
        """The commitment's currency."""
        found = self.minimum if self.minimum is not None else self.maximum
        assert found is not None  # one is always set
        return found.currency

    def true_up(self, spend: Money) -> Money | None:
        """What tops ``spend`` up to the minimum, or None when it is met."""
        if self.minimum is None or spend >= self.minimum:
            return None
        return self.minimum - spend

    def ceiling_credit(self, spend: Money) -> Money | None:
        """The (negative) credit that brings ``spend`` down to the maximum, or None."""
        if self.maximum is None or spend <= self.maximum:
            return None
        return self.maximum - spend
