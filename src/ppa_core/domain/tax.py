"""Tax treatment: the contract term that says how tax applies to what it bills.

A contract names one of three treatments (domain.md section 11):

- a **rate** (``TaxTreatment.rate("19", name="VAT")``): tax is charged at that
  percentage of the net;
- **exempt**: no tax is charged; the document states why when a note is given;
- **reverse charge** (cross-border B2B in the EU): no tax is charged and the
  document carries a mandatory note that the customer accounts for the VAT
  (Council Directive 2006/112/EC, Article 196; Article 226(11a) requires the
  mention "Reverse charge").

How much tax a document charges is computed in :mod:`ppa_core.billing.tax`.

>>> TaxTreatment.rate("19").label
'VAT 19%'
>>> TaxTreatment.reverse_charge().note
'Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC).'
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.exceptions import ValidationError

__all__ = ["REVERSE_CHARGE_NOTE", "TaxKind", "TaxTreatment"]

REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC)."
)
"""The default mandatory note of a reverse-charge document."""


class TaxKind(enum.StrEnum):
    """How tax applies: charged at a rate, exempt, or reverse-charged."""

    RATE = "rate"
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"


def _to_kind(value: Any) -> TaxKind:
    return v.enum_converter(TaxKind, "tax.kind")(value)


def _to_percent(value: Any) -> Decimal:
    given = v.finite_decimal(value) if isinstance(value, str) else value
    if isinstance(given, int) and not isinstance(given, bool):
        given = Decimal(given)
    if not isinstance(given, Decimal) or not given.is_finite() or not 0 <= given <= 100:
        raise ValidationError(
            "tax.percent", value, "a percentage from 0 to 100 as a Decimal, int or string"
        )
    return given


@attrs.frozen
class TaxTreatment:
    """The tax a contract's documents charge.

    Attributes:
        kind: a rate, exempt or reverse charge.
        percent: the rate in percent (``Decimal("19")`` for 19 %); 0 unless ``kind``
            is a rate.
        name: the tax's name on the document (default ``"VAT"``).
        note: a note the document must carry: required for reverse charge (default
            :data:`REVERSE_CHARGE_NOTE`), optional otherwise (an exemption's ground).
    """

    kind: TaxKind = attrs.field(converter=_to_kind)
    percent: Decimal = attrs.field(default=Decimal(0), converter=_to_percent)
    name: str = attrs.field(default="VAT", validator=v.text("tax.name"))
    note: str | None = attrs.field(default=None, validator=v.optional_text("tax.note"))

    def __attrs_post_init__(self) -> None:
        if self.kind is not TaxKind.RATE and self.percent:
            raise ValidationError("tax.percent", self.percent, f"0 when the tax is {self.kind}")
        if self.kind is TaxKind.REVERSE_CHARGE and self.note is None:
            raise ValidationError("tax.note", None, "the mandatory reverse-charge note")

    @classmethod
    def rate(cls, percent: Decimal | int | str, *, name: str = "VAT") -> TaxTreatment:
        """Tax charged at ``percent`` of the net (``rate("19")`` for VAT 19 %)."""
        return cls(TaxKind.RATE, _to_percent(percent), name)

    @classmethod
    def exempt(cls, note: str | None = None, *, name: str = "VAT") -> TaxTreatment:
        """No tax charged; ``note`` states the ground of the exemption, if any."""
        return cls(TaxKind.EXEMPT, Decimal(0), name, note)

    @classmethod
    def reverse_charge(cls, note: str = REVERSE_CHARGE_NOTE, *, name: str = "VAT") -> TaxTreatment:
        """No tax charged; the customer accounts for it, as ``note`` says on the document."""
        return cls(TaxKind.REVERSE_CHARGE, Decimal(0), name, note)

    @property
    def fraction(self) -> Decimal:
        """The rate as a fraction of the net (0.19 for 19 %; 0 when none is charged)."""
        return self.percent / 100

    @property
    def label(self) -> str:
        """The treatment on a document: ``VAT 19%``, ``VAT exempt``, ``VAT reverse charge``."""
        if self.kind is TaxKind.RATE:
            return f"{self.name} {self.percent.normalize():f}%"
        if self.kind is TaxKind.EXEMPT:
            return f"{self.name} exempt"
        return f"{self.name} reverse charge"
