"""Strategies for the contract's billing-document terms: tax, payment terms, parties."""

from __future__ import annotations

import functools
from decimal import Decimal

from hypothesis import strategies as st

from ppa_core.domain.party import Parties, Party
from ppa_core.domain.payment_terms import PaymentBasis, PaymentTerms
from ppa_core.domain.tax import TaxTreatment
from ppa_core.testing._values import Choose, _Drawing, _pick


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
_ALL_TAX_OPTIONS = (None, "exempt", "reverse")


def _tax_of(choose: Choose, options: tuple[str | None, ...] = _ALL_TAX_OPTIONS) -> TaxTreatment:
    # The kind first (as likely as each other), then a rate in hundredths of a percent.
    kind = _pick(choose, options) if len(options) > 1 else None
    if kind == "exempt":
        return _EXEMPT
    if kind == "reverse":
        return _REVERSE_CHARGE
    return TaxTreatment.rate(Decimal(choose(0, 3000)).scaleb(-2))


@functools.cache
@st.composite
def _tax_treatments(draw: st.DrawFn, options: tuple[str | None, ...]) -> TaxTreatment:
    return _tax_of(_Drawing(draw), options)


def payment_terms() -> st.SearchStrategy[PaymentTerms]:
    """Payment terms: net or end of month plus 0 to 90 days.

    Shrinks towards net 0.

    Returns:
        A strategy of :class:`~ppa_core.domain.payment_terms.PaymentTerms`.
    """
    return _PAYMENT_TERMS


# Every payment term, built once: one choice picks one (net 0 first, then end of month 0).
_ALL_PAYMENT_TERMS = tuple(
    PaymentTerms(days, basis) for days in range(91) for basis in PaymentBasis
)
_PAYMENT_TERMS = st.sampled_from(_ALL_PAYMENT_TERMS)


_NAMES = ("Outbound Co GmbH", "Acme Analytics GmbH", "Globex B.V.", "Initech SARL", "Zoë & Co")
_STREETS = ("Torstraße 1", "Keizersgracht 12", "1 Rue de Rivoli", "Via Roma 3")


_COUNTRIES = ("DE", "NL", "FR", "IT", "AT")
_ADDRESSES = ((), *((s,) for s in _STREETS), (_STREETS[0], _STREETS[1]))


def _party(choose: Choose) -> Party:
    # One choice of flags says which optional facts the party has (shrinks to none); the
    # country, when there is one, is also the VAT id's prefix.
    on = choose(0, 15)
    name = _pick(choose, _NAMES)
    country = _pick(choose, _COUNTRIES) if on & 6 else None
    return Party(
        legal_name=name,
        address=_pick(choose, _ADDRESSES) if on & 1 else (),
        country=country if on & 2 else None,
        vat_id=f"{country}{choose(10**8, 10**9 - 1)}" if on & 4 else None,
        email="billing@example.com" if on & 8 else None,
    )


def _parties_of(choose: Choose) -> Parties:
    return Parties(_party(choose), _party(choose))


@st.composite
def _parties(draw: st.DrawFn) -> Parties:
    return _parties_of(_Drawing(draw))


def parties() -> st.SearchStrategy[Parties]:
    """The issuer and customer of a contract's documents, with EU addresses and VAT ids.

    Shrinks towards parties with a legal name only.

    Returns:
        A strategy of :class:`~ppa_core.domain.party.Parties`.
    """
    return _parties()
