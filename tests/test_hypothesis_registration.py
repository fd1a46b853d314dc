"""st.from_type and st.builds resolve the domain types (ppa_core.testing._registration)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.vendor.pretty import pretty

import ppa_core.testing as testing
from ppa_core import (
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
from ppa_core.testing import register_strategies
from ppa_core.testing._registration import _TYPES

# The entry point registers them when Hypothesis is imported from an installed ppa_core;
# a source checkout that was not re-installed relies on this direct call.
register_strategies()

DOMAIN_TYPES = [
    Appointment,
    BantEvidence,
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
]


class TestFromType:
    @pytest.mark.parametrize("kind", DOMAIN_TYPES, ids=lambda k: k.__name__)
    def test_from_type_draws_a_valid_value_of_each_domain_type(self, kind: type) -> None:
        seen: list[object] = []

        @settings(max_examples=10)
        @given(st.from_type(kind))
        def check(value: object) -> None:
            assert isinstance(value, kind)
            seen.append(value)

        check()
        assert seen

    def test_builds_fills_annotated_domain_arguments(self) -> None:
        def pair(contract: Contract, appointment: Appointment) -> tuple[Contract, Appointment]:
            return contract, appointment

        @settings(max_examples=10)
        @given(st.builds(pair))
        def check(drawn: tuple[Contract, Appointment]) -> None:
            contract, appointment = drawn
            assert isinstance(contract, Contract)
            assert isinstance(appointment, Appointment)

        check()

    def test_registering_twice_is_harmless(self) -> None:
        register_strategies()

        @given(st.from_type(Money))
        def check(value: Money) -> None:
            assert isinstance(value, Money)

        check()


class TestEntryPoint:
    def test_pyproject_declares_the_hypothesis_entry_point(self) -> None:
        pyproject = tomllib.loads(
            (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
        )
        target = pyproject["project"]["entry-points"]["hypothesis"]["ppa_core"]
        assert target == "ppa_core.testing._registration:register_strategies"

    def test_every_registered_type_is_a_domain_type_tested_here(self) -> None:
        assert set(_TYPES) == {*DOMAIN_TYPES, BantRequirements}


class TestFalsifyingExamplesAreShort:
    """Hypothesis prints attrs instances field by field unless they have _repr_pretty_."""

    @pytest.mark.parametrize("make", ["make_contract", "make_appointment", "make_prospect"])
    def test_hypothesis_prints_the_one_line_repr(self, make: str) -> None:
        value = getattr(testing, make)()
        assert pretty(value) == repr(value)
        assert "\n" not in pretty(value)
