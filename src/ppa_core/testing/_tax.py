"""Strategies for the contract's billing-document terms: tax treatments."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

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
