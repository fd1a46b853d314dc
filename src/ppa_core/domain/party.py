"""Parties: who issues a billing document and who receives it.

An EU invoice names both parties by their full legal name and address and
states the supplier's VAT identification number, and the customer's where
the customer accounts for the tax (reverse charge) (Council Directive
2006/112/EC, Article 226).
"""

from __future__ import annotations

from typing import Any

import attrs

from ppa_core import _validation as v
from ppa_core.domain._iso3166 import country_code
from ppa_core.exceptions import ValidationError

__all__ = ["Parties", "Party"]


def _address(value: Any) -> tuple[str, ...]:
    lines = v.tuple_of("party.address", str, "a line of text")(value)
    for i, line in enumerate(lines):
        if not line.strip():
            raise ValidationError(f"party.address[{i}]", line, "a non-empty line of text")
    return lines


def _country(value: Any) -> str | None:
    return None if value is None else country_code("party.country", value)


@attrs.frozen
class Party:
    """A legal person on a document.

    Attributes:
        legal_name: the full legal name (``"Outbound Co GmbH"``).
        address: the postal address, one line per item.
        country: ISO 3166-1 alpha-2 code of the address, or None.
        vat_id: the VAT identification number (``"DE123456789"``), or None.
        email: where documents are sent, or None.
    """

    legal_name: str = attrs.field(validator=v.text("party.legal_name"))
    address: tuple[str, ...] = attrs.field(default=(), converter=_address)
    country: str | None = attrs.field(default=None, converter=_country)
    vat_id: str | None = attrs.field(default=None, validator=v.optional_text("party.vat_id"))
    email: str | None = attrs.field(default=None, validator=v.optional_text("party.email"))


@attrs.frozen
class Parties:
    """The two parties of a contract's documents.

    Attributes:
        issuer: the agency, who issues the documents.
        customer: the client, who receives and pays them.
    """

    issuer: Party = attrs.field(validator=v.instance_of("parties.issuer", Party, "a Party"))
    customer: Party = attrs.field(validator=v.instance_of("parties.customer", Party, "a Party"))
