"""Hypothesis's ``from_type`` for the domain types, registered by an entry point.

``pyproject.toml`` declares ``[project.entry-points.hypothesis]`` with
``ppa_core = "ppa_core.testing._registration:register_strategies"``: Hypothesis
loads it when it is imported (only for an installed distribution: after adding
the entry point, re-install an editable checkout with ``pip install -e .``), so
``st.from_type(Contract)`` and ``st.builds(f)`` over annotated domain arguments
work in a partner's suite without importing :mod:`ppa_core.testing` first.
Calling :func:`register_strategies` again is harmless.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from ppa_core.domain.appointment import Appointment
from ppa_core.domain.bant_requirements import BantRequirements
from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.currency import Currency
from ppa_core.domain.exit_clause import ExitClause
from ppa_core.domain.money import Money
from ppa_core.domain.policy import NoShowPolicy
from ppa_core.domain.prospect import BantEvidence, Company, Prospect
from ppa_core.domain.qualification import QualificationCriteria
from ppa_core.domain.service_level import ServiceLevel
from ppa_core.testing._appointments import appointments
from ppa_core.testing._contracts import contract_terms, contracts, no_show_policies
from ppa_core.testing._prospects import bant_evidence, companies, prospects
from ppa_core.testing._qualification import qualification_criteria
from ppa_core.testing._service_levels import exit_clauses, service_levels
from ppa_core.testing._values import currencies, money

__all__ = ["register_strategies"]


@functools.cache
def _strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    return {
        Appointment: appointments(),
        BantEvidence: bant_evidence(),
        BantRequirements: qualification_criteria().map(lambda c: c.bant),
        Company: companies(),
        Contract: contracts(),
        ContractTerms: contract_terms(),
        Currency: currencies(),
        ExitClause: exit_clauses(),
        Money: money(),
        NoShowPolicy: no_show_policies(),
        Prospect: prospects(),
        QualificationCriteria: qualification_criteria(),
        ServiceLevel: service_levels(),
    }


def register_strategies() -> None:
    """Register a strategy for each domain type with ``st.register_type_strategy``.

    Each type resolves to the public strategy of :mod:`ppa_core.testing` with its
    defaults (``from_type(Appointment)`` is ``appointments()``, and so on), so it
    shrinks as that strategy documents. Each strategy is built the first time its
    type is resolved.

    Returns:
        None; the registrations are Hypothesis's global state.
    """
    for kind in _TYPES:
        st.register_type_strategy(kind, _deferred(kind))


def _deferred(kind: type[Any]) -> st.SearchStrategy[Any]:
    return st.deferred(lambda: _strategies()[kind])


_TYPES: tuple[type[Any], ...] = (
    Appointment,
    BantEvidence,
    BantRequirements,
    Company,
    Contract,
    ContractTerms,
    Currency,
    ExitClause,
    Money,
    NoShowPolicy,
    Prospect,
    QualificationCriteria,
    ServiceLevel,
)
