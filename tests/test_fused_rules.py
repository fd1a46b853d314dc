"""The built-in rules fused into one function decide exactly as the rules one by one."""

from __future__ import annotations

from unittest import mock

import attrs
import pendulum
from hypothesis import given
from hypothesis import strategies as st

from ppa_core import Appointment, BillingEngine, Contract
from ppa_core.rules._fused import fuse
from ppa_core.rules.builtin import TermRule, builtin_rules
from ppa_core.testing import appointments, aware_datetimes, contracts, make_contract


def _one_by_one(contract: Contract) -> BillingEngine:
    with mock.patch("ppa_core.rules.rule_set.fuse", return_value=None):
        engine = BillingEngine(contract)
    assert all(info.fused is None for info in engine._infos.values())
    return engine


@given(
    contracts(),
    st.lists(appointments(), max_size=10, unique_by=lambda a: a.id),
    aware_datetimes(),
)
def test_fused_rules_decide_as_the_rules_one_by_one(
    contract: Contract, meetings: list[Appointment], as_of: pendulum.DateTime
) -> None:
    fused = BillingEngine(contract)
    assert all(info.fused is not None for info in fused._infos.values())

    decisions = fused.decide_all(meetings, as_of=as_of)

    assert decisions == _one_by_one(contract).decide_all(meetings, as_of=as_of)
    assert [d.reason_codes for d in decisions] == [
        d.reason_codes for d in _one_by_one(contract).decide_all(meetings, as_of=as_of)
    ]


@attrs.frozen
class _StrictTerm(TermRule):
    """A subclass may judge differently: the engine then calls each rule."""


def test_only_the_built_in_classes_themselves_are_fused() -> None:
    contract = make_contract()
    rules = builtin_rules(contract, contract.terms)
    strict = (_StrictTerm(contract.term_start, contract.term_end), *rules[1:])

    assert fuse(rules) is not None  # type: ignore[arg-type]
    assert fuse(strict) is None  # type: ignore[arg-type]
    assert fuse(rules[:7]) is None  # type: ignore[arg-type]
