"""Package pricing: a price per package of N meetings, a partial package charged whole.

Free units come first in the period and cost nothing; the units after them are
grouped in packages of ``size`` in order of meeting time. The meeting that opens a
package carries the package's price; the others in it carry zero, so the period's
appointment lines add up to ``packages x price`` exactly. With packages of 10 at
3,000 and 2 free units, 25 meetings are 2 free + 23 paid = 3 packages (the third
partial, charged whole) = 9,000:

>>> from ppa_core.domain.money import Money
>>> package = Package(10, Money.of(3000, "EUR"))
>>> package.packages(25 - 2)
3
>>> package.total(25, free_units=2).rounded().format()
'EUR 9,000.00'
"""

from __future__ import annotations

import attrs

from ppa_core import _validation as v
from ppa_core.domain.money import Money
from ppa_core.domain.tiers import _money

__all__ = [
    "Package",
]


@attrs.frozen
class Package:
    """A price per package of ``size`` meetings.

    Attributes:
        size: meetings per package (at least 1).
        price: the price of one package, whole or partial.
    """

    size: int = attrs.field(validator=v.int_field("package.size", minimum=1))
    price: Money = attrs.field(validator=_money("package.price"))

    def packages(self, paid_units: int) -> int:
        """How many packages ``paid_units`` meetings open (a partial one counts whole)."""
        return max(0, -(-paid_units // self.size))

    def opens(self, paid_unit: int) -> bool:
        """Whether paid unit number ``paid_unit`` (1-based) is the first of a package."""
        return paid_unit >= 1 and (paid_unit - 1) % self.size == 0

    def total(self, units: int, *, free_units: int = 0) -> Money:
        """The exact amount of ``units`` meetings of which the first ``free_units`` are free."""
        return self.price * self.packages(units - free_units)
