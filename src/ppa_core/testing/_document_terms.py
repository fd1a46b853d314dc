"""Strategies for the contract's billing-document terms: tax, payment terms, parties."""

from __future__ import annotations

import functools
from decimal import Decimal

from hypothesis import strategies as st

from ppa_core.domain.party import Parties, Party
from ppa_core.domain.payment_terms import PaymentBasis, PaymentTerms
from ppa_core.domain.tax import TaxTreatment


def tax_treatments(
    *, exempt: bool = True, reverse_charge: bool = True
) -> st.SearchStrategy[TaxTreatment]:
    """Tax treatments: a rate from 0 to 30 % with up to two decimals, exempt or reverse charge.

    Shrinks towards a rate of 0 %; then towards exempt and reverse charge.

    Args:
        exempt: also draw exempt treatments (default True).
        reverse_charge: also draw reverse-charge treatments (default True).

    Returns:
        A strategy of :class:`~ppa_core.domain.tax.TaxTreatment`.
    """
    options = (None, *(["exempt"] if exempt else []), *(["reverse"] if reverse_charge else []))
    return _tax_treatments(tuple(options))


_EXEMPT = TaxTreatment.exempt("Exempt under Article 132")
_REVERSE_CHARGE = TaxTreatment.reverse_charge()
_RATES = st.integers(0, 3000)


@functools.cache
@st.composite
def _tax_treatments(draw: st.DrawFn, options: tuple[str | None, ...]) -> TaxTreatment:
    # The kind first (as likely as each other), then a rate in hundredths of a percent.
    kind = options[draw(st.integers(0, len(options) - 1))] if len(options) > 1 else None
    if kind == "exempt":
        return _EXEMPT
    if kind == "reverse":
        return _REVERSE_CHARGE
    return TaxTreatment.rate(Decimal(draw(_RATES)).scaleb(-2))


def payment_terms() -> st.SearchStrategy[PaymentTerms]:
    """Payment terms: net or end of month plus 0 to 90 days.

    Shrinks towards net 0.

    Returns:
        A strategy of :class:`~ppa_core.domain.payment_terms.PaymentTerms`.
    """
    return _PAYMENT_TERMS


# Every payment term, built once: one draw picks one (net 0 first, then end of month 0).
_PAYMENT_TERMS = st.sampled_from(
    [PaymentTerms(days, basis) for days in range(91) for basis in PaymentBasis]
)


_NAMES = ("Outbound Co GmbH", "Acme Analytics GmbH", "Globex B.V.", "Initech SARL", "Zoë & Co")
_STREETS = ("Torstraße 1", "Keizersgracht 12", "1 Rue de Rivoli", "Via Roma 3")


_COUNTRIES = ("DE", "NL", "FR", "IT", "AT")
_ADDRESSES = ((), *((s,) for s in _STREETS), (_STREETS[0], _STREETS[1]))
_PARTY_FLAGS = st.integers(0, 15)
_NAME_INDEX = st.integers(0, len(_NAMES) - 1)
_ADDRESS_INDEX = st.integers(0, len(_ADDRESSES) - 1)
_COUNTRY_INDEX = st.integers(0, len(_COUNTRIES) - 1)
_VAT_NUMBERS = st.integers(10**8, 10**9 - 1)


def _party(draw: st.DrawFn) -> Party:
    # One draw of flags says which optional facts the party has (shrinks to none); the
    # country, when there is one, is also the VAT id's prefix.
    on = draw(_PARTY_FLAGS)
    name = _NAMES[draw(_NAME_INDEX)]
    country = _COUNTRIES[draw(_COUNTRY_INDEX)] if on & 6 else None
    return Party(
        legal_name=name,
        address=_ADDRESSES[draw(_ADDRESS_INDEX)] if on & 1 else (),
        country=country if on & 2 else None,
        vat_id=f"{country}{draw(_VAT_NUMBERS)}" if on & 4 else None,
        email="billing@example.com" if on & 8 else None,
    )


@st.composite
def _parties(draw: st.DrawFn) -> Parties:
    return Parties(_party(draw), _party(draw))


def parties() -> st.SearchStrategy[Parties]:
    """The issuer and customer of a contract's documents, with EU addresses and VAT ids.

    Shrinks towards parties with a legal name only.

    Returns:
        A strategy of :class:`~ppa_core.domain.party.Parties`.
    """
    return _parties()
