"""simulate, sweep and break_even_show_rate report progress, and the results do not change."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from ppa_core import CampaignPlan, Money, PerAppointment, Retainer, break_even_show_rate, simulate
from ppa_core.exceptions import ValidationError
from ppa_core.modelling.progress import STEPS, steps
from ppa_core.modelling.sweep import sweep

PLAN = CampaignPlan(appointments=6, show_rate="0.8", periods=2)
MODELS = {
    "ppa": PerAppointment(price=Money("350", "EUR")),
    "retainer": Retainer(fee=Money("3000", "EUR")),
}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


class TestSteps:
    def test_steps_cover_every_run_once_in_order(self) -> None:
        for runs in (1, 7, STEPS, 1000, 1001):
            ranges = steps(runs)
            assert [r for a, b in ranges for r in range(a, b)] == list(range(runs))
            assert len(ranges) <= 2 * STEPS


class TestSimulate:
    def test_a_callback_sees_every_step_up_to_the_total(self) -> None:
        seen = Recorder()
        simulate(PLAN, MODELS, runs=120, seed=3, progress=seen)
        assert seen.calls[-1] == (120, 120)
        dones = [done for done, _ in seen.calls]
        assert dones == sorted(dones)
        assert len(seen.calls) > 1

    def test_progress_does_not_change_the_result(self) -> None:
        quiet = simulate(PLAN, MODELS, runs=60, seed=3)
        reported = simulate(PLAN, MODELS, runs=60, seed=3, progress=Recorder())
        assert reported.outcomes == quiet.outcomes

    def test_true_draws_a_tqdm_bar_when_tqdm_is_installed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tqdm_auto = pytest.importorskip("tqdm.auto")
        out = io.StringIO()
        original = tqdm_auto.tqdm
        monkeypatch.setattr(tqdm_auto, "tqdm", lambda **kw: original(file=out, **kw))
        simulate(PLAN, MODELS, runs=30, seed=1, progress=True)
        assert "30/30" in out.getvalue()

    def test_a_bad_progress_names_the_argument(self) -> None:
        with pytest.raises(ValidationError, match="progress"):
            simulate(PLAN, MODELS, runs=10, progress="yes")  # type: ignore[arg-type]


class TestSweep:
    def test_a_sweep_counts_runs_over_every_point(self) -> None:
        seen = Recorder()
        sweep(PLAN, {"show_rate": ["0.6", "0.9"]}, MODELS, runs=20, chunksize=10, progress=seen)
        assert seen.calls == [(10, 40), (20, 40), (30, 40), (40, 40)]


class TestBreakEven:
    def test_each_evaluated_show_rate_is_reported_within_the_bound(self) -> None:
        seen = Recorder()
        found = break_even_show_rate(PLAN, *MODELS.values(), runs=20, progress=seen)
        assert [done for done, _ in seen.calls] == list(range(1, found.evaluations + 1))
        assert all(done <= total for done, total in seen.calls)
        assert found.show_rate is None or Decimal(0) <= found.show_rate <= Decimal(1)
