"""An engine keeps its built-in rules' trace lines between runs: traces do not change."""

from __future__ import annotations

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from _scenario import LATER, at, booked, contract, held, prospect, terms, verdict
from ppa_core import Appointment, BillingEngine, Contract, Decision, Require, condition
from ppa_core.rules import engine as engine_module
from ppa_core.testing import appointments, aware_datetimes, contracts


def _traces(decisions: tuple[Decision, ...]) -> list[object]:
    return [(d, d.trace) for d in decisions]  # Decision's eq leaves the trace out


class TestLinesKeptBetweenRuns:
    @given(
        contracts(),
        st.lists(appointments(), max_size=8, unique_by=lambda a: a.id),
        st.lists(aware_datetimes(), min_size=2, max_size=4),
    )
    def test_one_engine_over_many_runs_traces_as_fresh_engines(
        self, c: Contract, meetings: list[Appointment], moments: list[pendulum.DateTime]
    ) -> None:
        kept = BillingEngine(c)
        for run, as_of in enumerate(moments):
            some = meetings[run % 2 :]  # runs over different appointments too
            again = kept.decide_all(some, as_of=as_of, trace=True)
            fresh = BillingEngine(c).decide_all(some, as_of=as_of, trace=True)
            assert _traces(again) == _traces(fresh)

    def test_a_later_run_shares_the_earlier_runs_lines(self) -> None:
        engine = BillingEngine(contract())
        first = engine.decide(held("a-1", at(2)), as_of=LATER, others=(), trace=True)
        second = engine.decide(held("a-2", at(2, 11)), as_of=LATER, others=(), trace=True)

        assert verdict(first, "attendance") is verdict(second, "attendance")
        assert verdict(first, "term") is verdict(second, "term")  # the same meeting date

    def test_an_open_meeting_names_the_moment_of_each_run(self) -> None:
        engine = BillingEngine(contract())
        meeting = booked("a-1", at(20))
        moments = (at(14), at(16))

        reasons = [
            verdict(engine.decide(meeting, as_of=m, others=(), trace=True), "outcome").reason
            for m in moments
        ]

        assert reasons == [f"no outcome recorded as of {m} (state scheduled)" for m in moments]

    def test_the_same_instant_in_another_zone_is_shown_in_that_zone(self) -> None:
        engine = BillingEngine(contract())
        meeting = booked("a-1", at(20))
        moments = (at(14), at(14).in_timezone("UTC"))  # equal instants, different clocks

        reasons = [
            verdict(engine.decide(meeting, as_of=m, others=(), trace=True), "outcome").reason
            for m in moments
        ]

        assert reasons == [f"no outcome recorded as of {m} (state scheduled)" for m in moments]
        assert reasons[0] != reasons[1]

    def test_custom_rules_lines_are_rendered_afresh_in_each_run(self) -> None:
        # A custom rule's trace key may leave out what is the same within one run.
        rule = Require("germany_only", condition("in DE", lambda ctx: True), code="ELSEWHERE")
        engine = BillingEngine(contract(terms(extra_rules=(rule,))))
        engine.decide_all([held("a-1", at(2))], as_of=LATER, trace=True)

        assert engine._lines == {}

    def test_a_full_store_is_replaced_not_cleared(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr(engine_module, "LINES_LIMIT", 2)
        engine = BillingEngine(contract())
        meetings = [held(f"a-{i}", at(2 + i), who=prospect(f"p-{i}")) for i in range(4)]
        engine.decide_all(meetings, as_of=LATER, trace=True)
        first = engine._lines
        assert sum(map(len, first.values())) > 2

        engine.decide_all(meetings, as_of=LATER, trace=True)

        assert engine._lines is not first  # a run in another thread keeps its own
        assert sum(map(len, first.values())) > 2  # untouched
