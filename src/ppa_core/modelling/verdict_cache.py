"""The engine's verdict on each kind of simulated meeting, kept: months priced without re-deciding.

A simulated meeting is one of a few kinds
(:data:`~ppa_core.modelling.sampling.Kind`: its period, its slot in the
period, its outcome, whether the prospect qualifies, its seniority), and
the simulator builds one :class:`~ppa_core.domain.appointment.Appointment` per
kind. Under a contract that :func:`decides_alone`, the engine's decision on an
appointment does not depend on the month's other appointments, so the
:class:`~ppa_core.rules.engine.BillingEngine` decides each kind once (the kinds
first seen in a month together, which for such a contract is the same as alone),
and a simulated month is priced by adding the kept amounts (:class:`Fate`)
of its meetings, in one exact :class:`~decimal.Decimal` context, wrapped in
:class:`~ppa_core.domain.money.Money` once.

Why alone equals together: the engine's per-appointment rules read one
appointment; of the rules across appointments, the duplicate rule never
fires (every simulated meeting of a run has its own prospect and company),
the cap is absent, and the price of a unit depends on its seniority only
(no tiers, free units or packages; every price at the currency's minor unit,
so no unit bills a share of a rounding). A test compares the two on drawn
plans, contracts and seeds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

import pendulum

from ppa_core.domain._amount import EXACT
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.pricing import Hybrid, PerAppointment
from ppa_core.rules.verdict import Decision

__all__ = ["Fate", "add", "decides_alone", "fate_of"]


class Fate(NamedTuple):
    """What a contract's engine decided about one simulated meeting.

    Attributes:
        amount: the amount billed (zero when not billable), at the currency's minor unit.
        held: a qualified meeting held (:attr:`Decision.is_qualified_held`).
        period: the index of the meeting's billing period in the run's periods,
            None when it is in none of them (outside the contract's term).
    """

    amount: Decimal
    held: bool
    period: int | None


def fate_of(decision: Decision, periods: Mapping[pendulum.DateTime, int]) -> Fate:
    """The :class:`Fate` of ``decision``; ``periods``: each run period's index by its start."""
    start = decision.period_start
    index = None if start is None else periods.get(start)
    return Fate(decision.amount.amount, decision.is_qualified_held, index)


def _alone(terms: ContractTerms) -> bool:
    if terms.cap is not None:
        return False
    pricing = terms.pricing
    per = pricing.per_appointment if isinstance(pricing, Hybrid) else pricing
    if not isinstance(per, PerAppointment):
        return True
    prices = [per.price, *per.seniority_prices.values()]
    return not per.is_tiered and all(p is None or p.is_rounded for p in prices)


def decides_alone(contract: Contract) -> bool:
    """Whether each simulated appointment's decision under ``contract`` ignores the others.

    True when no version of the terms has a cap, volume tiers, free units, a
    package or a price finer than the currency's minor unit (see the module's
    docstring). Custom rules run per appointment and do not matter.
    """
    versions = (contract.terms, *(a.terms for a in contract.amendments))
    return all(_alone(terms) for terms in versions)


def add(start: Decimal, amounts: Iterable[Decimal]) -> Decimal:
    """``start`` plus ``amounts``, exactly (what adding them as Money gives, limits unchecked).

    Raises:
        decimal.Inexact: the sum needs more digits than any amount can have.
    """
    total = start
    plus = EXACT.add
    for amount in amounts:
        total = plus(total, amount)
    return total
