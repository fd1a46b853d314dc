"""The rule set: the per-appointment rules of one version of a contract's terms.

:class:`RuleSet` configures the built-in rules (:mod:`ppa_core.rules.builtin`)
from the terms and appends the custom ones, in order. The engine also derives,
once per version of the terms, what its passes read for every appointment: the
rules each appointment state can reach, the per-appointment pricing, and how
duplicates are told apart.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, cast

import attrs
import pendulum

from ppa_core.domain.contract import Contract, ContractTerms
from ppa_core.domain.duplicates import DuplicateScope
from ppa_core.domain.lifecycle import AppointmentState
from ppa_core.domain.pricing import Hybrid, PerAppointment
from ppa_core.exceptions import RuleDefinitionError
from ppa_core.rules._fused import BUILTIN_TYPES, Fused, fuse
from ppa_core.rules.builtin import builtin_rules
from ppa_core.rules.context import Rule

__all__ = ["RuleSet"]


@attrs.frozen
class RuleSet:
    """The per-appointment rules for one version of a contract's terms, in order."""

    rules: tuple[Rule, ...]

    @classmethod
    def build(cls, contract: Contract, terms: ContractTerms, extra: Iterable[Any] = ()) -> RuleSet:
        """Configure the built-in rules from ``terms`` and append the custom ones.

        Raises:
            RuleDefinitionError: a rule without a string ``rule_id``, not callable, or
                whose id is already taken.
        """
        rules: list[Rule] = []
        seen: set[str] = set()
        reserved = {"duplicate", "cap", "price"}
        for rule in (*builtin_rules(contract, terms), *terms.extra_rules, *extra):
            rule_id = getattr(rule, "rule_id", None)
            if not isinstance(rule_id, str) or not rule_id or not callable(rule):
                raise RuleDefinitionError(repr(rule), "a rule is a callable with a str rule_id")
            if rule_id in seen or rule_id in reserved:
                raise RuleDefinitionError(rule_id, "another rule already has this rule_id")
            seen.add(rule_id)
            rules.append(rule)
        return cls(tuple(rules))


@attrs.frozen
class _TermsInfo:
    """What the engine derives once per version of the terms."""

    terms: ContractTerms
    rules: tuple[Rule, ...]
    per_appointment: PerAppointment | None
    terms_from: pendulum.DateTime | None
    # True when some seniority could have no price (no default, not tiered).
    may_lack_price: bool = attrs.field(init=False)
    # True when duplicates are judged per person, False per company.
    by_person: bool = attrs.field(init=False)
    # True when a unit price has more decimals than the currency: the period's units
    # at that price are then rounded once together, not one by one.
    sub_minor: bool = attrs.field(init=False)
    # The fast path's built-in rules fused into one function (None: call them one by one).
    fused: Fused | None = attrs.field(init=False)
    # The fast path's other rules for each state (all of them when not fused): those
    # whose applies_to excludes the state cannot find anything there.
    by_state: Mapping[AppointmentState, tuple[Rule, ...]] = attrs.field(init=False)

    # Whether by_state holds any rule at all (not when the built-ins are all, and fused).
    others: bool = attrs.field(init=False)
    # Whether every rule is built-in: their trace keys hold every fact their lines
    # depend on, so an engine may keep the lines between runs.
    builtin_only: bool = attrs.field(init=False)

    @builtin_only.default
    def _is_builtin_only(self) -> bool:
        return self.fused is not None and not self.others

    @others.default
    def _has_others(self) -> bool:
        return any(self.by_state.values())

    @fused.default
    def _fuse(self) -> Fused | None:
        return fuse(self.rules)

    @by_state.default
    def _by_state(self) -> Mapping[AppointmentState, tuple[Rule, ...]]:
        rest = self.rules[len(BUILTIN_TYPES) :] if self.fused is not None else self.rules
        return MappingProxyType(
            {
                state: tuple(_callable(rule) for rule in rest if _applies(rule, state))
                for state in AppointmentState
            }
        )

    @by_person.default
    def _by_person(self) -> bool:
        return self.terms.duplicates.scope is DuplicateScope.PERSON

    @sub_minor.default
    def _sub_minor(self) -> bool:
        p = self.per_appointment
        if p is None:
            return False
        prices = [*p.seniority_prices.values(), *(t.price for t in p.tiers)]
        prices += [m for m in (p.price, p.package.price if p.package else None) if m is not None]
        return not all(m.is_rounded for m in prices)

    @may_lack_price.default
    def _may_lack_price(self) -> bool:
        p = self.per_appointment
        return p is not None and not p.is_tiered and p.price is None


def _callable(rule: Rule) -> Rule:
    """``rule``, or its bound ``__call__`` when a Python class defines it.

    Calling an instance goes through ``type(rule).__call__`` and builds an argument
    tuple per call; the bound method is called directly (a tenth of a rule's cost).
    """
    call = type(rule).__dict__.get("__call__")
    if isinstance(call, types.FunctionType):
        return cast("Rule", rule.__call__)
    return rule


def _applies(rule: Rule, state: AppointmentState) -> bool:
    """Whether ``rule`` can find anything in ``state`` (its ``applies_to``; all states if none)."""
    return state in getattr(rule, "applies_to", (state,))


def _per_appointment(terms: ContractTerms) -> PerAppointment | None:
    pricing = terms.pricing
    if isinstance(pricing, PerAppointment):
        return pricing
    if isinstance(pricing, Hybrid):
        return pricing.per_appointment
    return None
