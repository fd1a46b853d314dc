"""Which of the contract's billing periods an invoice's span covers, and under which terms.

An invoice bills the retainer of each contract period whose part in the term
starts in its span, and judges the guarantee of each whose part in the term
ends in it; periods outside the term count for neither.
"""

from __future__ import annotations

import pendulum

from ppa_core.domain.contract import BillingPeriod, Contract, ContractTerms

__all__: list[str] = []


def _own_periods(contract: Contract, span: BillingPeriod) -> list[BillingPeriod]:
    """The contract's billing periods overlapping ``span`` and the contract's term."""
    first, end = contract.term_start, contract.term_end
    return [
        p
        for p in contract.periods(span.start, span.end)
        if p.end > first and (end is None or p.start < end)
    ]


def _in_term(
    contract: Contract, period: BillingPeriod
) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """The first instant and the end of the part of ``period`` in the contract's term."""
    last = contract.term_end
    end = period.end if last is None else min(period.end, last)
    return max(period.start, contract.term_start), end


def _billed_on(contract: Contract, span: BillingPeriod) -> list[BillingPeriod]:
    """The contract's periods whose retainer an invoice of ``span`` bills.

    Those whose part in the term starts in the span.
    """
    return [
        p for p in _own_periods(contract, span) if span.start <= _in_term(contract, p)[0] < span.end
    ]


def _judged_on(contract: Contract, span: BillingPeriod) -> list[BillingPeriod]:
    """The contract's periods whose guarantee an invoice of ``span`` judges.

    Those whose part in the term ends in the span.
    """
    return [
        p for p in _own_periods(contract, span) if span.start < _in_term(contract, p)[1] <= span.end
    ]


def _terms_of(contract: Contract, period: BillingPeriod) -> ContractTerms:
    """The terms in force when ``period``'s part in the term begins."""
    return contract.terms_at(_in_term(contract, period)[0])
