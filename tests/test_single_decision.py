"""decide() on one appointment is honest about what it could not know (issue 19)."""

from __future__ import annotations

import attrs
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_core import BillingEngine, Decision, DecisionStatus, decide, decide_all
from ppa_core.adapters.serialization import dumps, loads
from ppa_core.testing import DEFAULT_START, make_appointment, make_contract, make_prospect

AS_OF = pendulum.datetime(2026, 4, 1, tz="UTC")


def _capped_contract(cap: int = 2):  # type: ignore[no-untyped-def]
    contract = make_contract()
    return attrs.evolve(contract, terms=attrs.evolve(contract.terms, cap=cap))


def _held(n: int) -> list:  # type: ignore[type-arg]
    """``n`` held meetings an hour apart, by distinct prospects."""
    return [
        make_appointment(
            start=DEFAULT_START.add(hours=i),
            id=f"a-{i + 1}",
            prospect=make_prospect(id=f"p-{i + 1}"),
        )
        for i in range(n)
    ]


class TestProvisionalDecision:
    def test_alone_the_third_meeting_is_unit_one_and_says_it_is_provisional(self) -> None:
        contract = _capped_contract()
        meetings = _held(3)
        alone = decide(contract, meetings[2], as_of=AS_OF)
        assert alone.unit == 1
        assert alone.provisional
        assert "provisional" in repr(alone)

    def test_with_its_period_the_same_meeting_is_over_the_cap_and_final(self) -> None:
        contract = _capped_contract()
        meetings = _held(3)
        final = decide(contract, meetings[2], as_of=AS_OF, others=meetings[:2])
        assert not final.provisional
        assert final.status is DecisionStatus.NOT_BILLABLE
        assert "OVER_CAP" in final.reason_codes
        assert final == decide_all(contract, meetings, as_of=AS_OF)[2]

    def test_an_empty_others_states_there_are_none_and_is_final(self) -> None:
        contract = _capped_contract()
        decision = BillingEngine(contract).decide(_held(1)[0], as_of=AS_OF, others=())
        assert decision.unit == 1
        assert not decision.provisional

    def test_a_decision_without_a_rank_is_not_provisional(self) -> None:
        contract = _capped_contract()
        no_show = make_appointment("no_show", id="a-ns")
        decision = decide(contract, no_show, as_of=AS_OF)
        assert decision.unit is None
        assert not decision.provisional

    def test_decide_all_is_never_provisional(self) -> None:
        decisions = decide_all(_capped_contract(), _held(3), as_of=AS_OF)
        assert not any(d.provisional for d in decisions)

    def test_a_provisional_decision_round_trips_and_a_final_one_is_written_as_before(
        self,
    ) -> None:
        contract = _capped_contract()
        meeting = _held(1)[0]
        provisional = decide(contract, meeting, as_of=AS_OF)
        final = decide(contract, meeting, as_of=AS_OF, others=())
        assert loads(Decision, dumps(provisional)).provisional
        assert "provisional" not in dumps(final)
        assert loads(Decision, dumps(final)) == final

    @settings(max_examples=10)
    @given(st.integers(min_value=1, max_value=5))
    def test_alone_or_not_only_the_rank_and_the_flag_can_differ(self, n: int) -> None:
        contract = _capped_contract(cap=10)
        meetings = _held(n)
        alone = decide(contract, meetings[-1], as_of=AS_OF, trace=False)
        final = decide_all(contract, meetings, as_of=AS_OF)[-1]
        assert alone.provisional
        assert attrs.evolve(alone, provisional=False, unit=final.unit) == final
