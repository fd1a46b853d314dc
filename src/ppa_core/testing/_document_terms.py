"""Strategies for the contract's billing-document terms: tax, payment terms, parties."""

from __future__ import annotations

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
    rates = st.integers(min_value=0, max_value=3000).map(
        lambda hundredths: TaxTreatment.rate(Decimal(hundredths).scaleb(-2))
    )
    options = [rates]
    if exempt:
        options.append(st.just(TaxTreatment.exempt("Exempt under Article 132")))
    if reverse_charge:
        options.append(st.just(TaxTreatment.reverse_charge()))
    return st.one_of(*options)


def payment_terms() -> st.SearchStrategy[PaymentTerms]:
    """Payment terms: net or end of month plus 0 to 90 days.

    Shrinks towards net 0.

    Returns:
        A strategy of :class:`~ppa_core.domain.payment_terms.PaymentTerms`.
    """
    return st.builds(PaymentTerms, st.integers(0, 90), st.sampled_from(PaymentBasis))


_NAMES = ("Outbound Co GmbH", "Acme Analytics GmbH", "Globex B.V.", "Initech SARL", "Zoë & Co")
_STREETS = ("Torstraße 1", "Keizersgracht 12", "1 Rue de Rivoli", "Via Roma 3")


_COUNTRIES = st.sampled_from(("DE", "NL", "FR", "IT", "AT"))
_ADDRESSES = st.sampled_from([(), *((s,) for s in _STREETS), (_STREETS[0], _STREETS[1])])
_VAT_NUMBERS = st.integers(10**8, 10**9 - 1)


@st.composite
def _party(draw: st.DrawFn) -> Party:
    # One draw of flags says which optional facts the party has (shrinks to none).
    on = draw(st.integers(0, 15))
    country = draw(_COUNTRIES)
    return Party(
        legal_name=draw(st.sampled_from(_NAMES)),
        address=draw(_ADDRESSES) if on & 1 else (),
        country=country if on & 2 else None,
        vat_id=f"{country}{draw(_VAT_NUMBERS)}" if on & 4 else None,
        email="billing@example.com" if on & 8 else None,
    )


def parties() -> st.SearchStrategy[Parties]:
    """The issuer and customer of a contract's documents, with EU addresses and VAT ids.

    Shrinks towards parties with a legal name only.

    Returns:
        A strategy of :class:`~ppa_core.domain.party.Parties`.
    """
    return st.builds(Parties, _party(), _party())
