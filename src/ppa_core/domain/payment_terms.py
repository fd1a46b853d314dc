"""Payment terms: when a document issued on a day falls due.

Two conventions cover what B2B contracts write: **net N** (due N days after the
issue date) and **end of month + N** (due N days after the last day of the
issue date's month).

>>> import pendulum
>>> PaymentTerms(30).due_date(pendulum.Date(2026, 1, 31))
Date(2026, 3, 2)
>>> PaymentTerms(15, PaymentBasis.END_OF_MONTH).due_date(pendulum.Date(2026, 2, 10))
Date(2026, 3, 15)
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pendulum

from ppa_core import _validation as v

__all__ = ["PaymentBasis", "PaymentTerms"]


class PaymentBasis(enum.StrEnum):
    """The day payment days are counted from."""

    NET = "net"
    END_OF_MONTH = "end_of_month"


def _to_basis(value: Any) -> PaymentBasis:
    return v.enum_converter(PaymentBasis, "payment_terms.basis")(value)


@attrs.frozen
class PaymentTerms:
    """When a document falls due.

    Attributes:
        days: days to pay (default 30; 0 means due on issue or at month end).
        basis: counted from the issue date (``net``, default) or from the last day
            of its month (``end_of_month``).
    """

    days: int = attrs.field(
        default=30, validator=v.int_field("payment_terms.days", minimum=0, maximum=366)
    )
    basis: PaymentBasis = attrs.field(default=PaymentBasis.NET, converter=_to_basis)

    def due_date(self, issued_on: pendulum.Date) -> pendulum.Date:
        """The due date of a document issued on ``issued_on`` (a calendar date)."""
        day = v.to_date(issued_on, "issued_on")
        if self.basis is PaymentBasis.END_OF_MONTH:
            day = day.end_of("month")
        return day.add(days=self.days)

    @property
    def label(self) -> str:
        """How a document states the terms: ``net 30`` or ``end of month + 15``."""
        if self.basis is PaymentBasis.NET:
            return f"net {self.days}"
        return f"end of month + {self.days}"
