"""Notebook ergonomics: records, DataFrames, HTML tables, readable reprs and plots."""

from __future__ import annotations

import importlib.util
import re
from decimal import Decimal
from typing import Any

import pytest

import ppa_core._optional
from ppa_core import (
    BillingEngine,
    BillingPeriod,
    CampaignPlan,
    Commission,
    Comparison,
    Contract,
    ContractTerms,
    Guarantee,
    MissingDependency,
    Money,
    PayPerLead,
    PerAppointment,
    PpaError,
    Retainer,
    Scenario,
    Term,
    ValidationError,
    break_even_show_rate,
    build_invoice,
    compare_models,
    compute_figures,
    simulate,
)
from ppa_core.modelling.sweep import sweep
from ppa_core.presentation.notebook import to_dataframe, to_records
from ppa_core.presentation.plotting import plot_cost_distributions, plot_cost_vs_show_rate
from ppa_core.presentation.views import MAX_ROWS, table

HAS_PANDAS = importlib.util.find_spec("pandas") is not None
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def eur(amount: int | str) -> Money:
    return Money.of(amount, "EUR")


CONTRACT = Contract(
    id="acme<2026>",
    agency="Northwind & Sons",
    client="<Acme & Co>",
    currency="EUR",
    timezone="Europe/Berlin",
    term=Term(start="2026-01-01"),
    terms=ContractTerms(
        pricing=PerAppointment(price=eur(350)),
        cap=12,
        guarantee=Guarantee(minimum_held=30, credit_per_missing=eur(50)),
    ),
)
PLAN = CampaignPlan(
    appointments=20,
    show_rate="0.75",
    qualification_rate="0.8",
    late_join_share="0.1",
    close_rate="0.3",
    deal_value=eur(12000),
)
MODELS = {
    "ppa": PerAppointment(price=eur(350)),
    "ppl": PayPerLead(price_per_lead=eur(90)),
    "retainer": Retainer(fee=eur(5000)),
    "commission": Commission(rate=Decimal("0.1"), currency="EUR"),
}


@pytest.fixture(scope="module")
def facts() -> Any:
    return Scenario.build(PLAN, CONTRACT).realize(seed=3)


@pytest.fixture(scope="module")
def invoice(facts: Any) -> Any:
    return build_invoice(CONTRACT, facts.appointments, facts.periods[0], as_of=facts.as_of)


@pytest.fixture(scope="module")
def result() -> Any:
    return simulate(PLAN, MODELS, runs=40, seed=1)


class TestRecords:
    def test_an_invoice_gives_one_record_per_line_then_per_appointment_not_billed(
        self, invoice: Any
    ) -> None:
        records = to_records(invoice)
        assert len(records) == len(invoice.lines) + len(invoice.not_billed)
        first = records[0]
        assert first["kind"] == "appointment"
        assert first["amount"] == Decimal("350.00")
        assert first["currency"] == "EUR"
        assert first["period"] == "2026-01"
        assert sum(r["amount"] for r in records) == invoice.total.amount
        reasons = {r["reason_codes"] for r in records if r["status"] == "not_billable"}
        assert "OVER_CAP" in reasons

    def test_decisions_and_figures(self, facts: Any) -> None:
        decisions = BillingEngine(CONTRACT).decide_all(facts.appointments, as_of=facts.as_of)
        records = to_records(decisions)
        assert [r["appointment_id"] for r in records] == [d.appointment_id for d in decisions]
        assert to_records(decisions[0]) == records[:1]
        assert {r["status"] for r in records} == {"billable", "not_billable"}
        figures = compute_figures(CONTRACT, facts.appointments, as_of=facts.as_of)
        (row,) = to_records(figures)
        assert row["qualified_held"] == figures.qualified_held
        assert row["billed"] == figures.billed.amount
        assert row["currency"] == "EUR"

    def test_a_model_comparison_gives_one_record_per_model(self, facts: Any) -> None:
        compared = compare_models(
            CONTRACT, facts.appointments, list(MODELS.values()), as_of=facts.as_of, leads=20
        )
        records = to_records(compared)
        assert [r["pricing_model"] for r in records] == [
            "pay_per_appointment",
            "pay_per_lead",
            "retainer",
            "commission",
        ]
        assert records[2]["total"] == Decimal("5000.00")
        assert records[0]["pricing"] == "EUR 350.00 per appointment"

    def test_a_scenario_gives_statistics_per_model_or_rows_per_run(self, result: Any) -> None:
        by_model = to_records(result)
        assert [r["model"] for r in by_model] == ["ppa", "ppl", "retainer", "commission"]
        assert by_model[1]["total_cost_mean"] == Decimal("1800.00")
        assert by_model[0]["cost_per_held_meeting_p50"] == Decimal("350.00")
        assert by_model[2]["roi_count"] == 40
        by_run = to_records(result, by="run")
        assert len(by_run) == 40 * 4
        assert by_run[0]["run"] == 0
        assert by_run[0]["model"] == "ppa"

    def test_a_sweep_puts_its_parameters_first(self) -> None:
        points = sweep(PLAN, {"show_rate": ["0.6", "0.8"]}, MODELS, runs=5)
        records = to_records(points)
        assert len(records) == 2 * 4
        assert list(records[0])[:2] == ["show_rate", "model"]
        assert records[-1]["show_rate"] == Decimal("0.8")  # as the plan read it
        with pytest.raises(ValidationError, match="keep"):
            to_records(points, by="run")
        kept = sweep(PLAN, {"show_rate": ["0.6"]}, MODELS, runs=3, keep_outcomes=True)
        assert len(to_records(kept, by="run")) == 3 * 4

    def test_anything_else_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="'obj'"):
            to_records(42)
        with pytest.raises(ValidationError, match="'by'"):
            to_records([], by="week")  # type: ignore[arg-type]


@pytest.mark.skipif(not HAS_PANDAS, reason="the pandas extra is not installed")
class TestDataFrames:
    def test_invoice_columns_have_analysis_dtypes(self, invoice: Any) -> None:
        frame = to_dataframe(invoice)
        assert list(frame.columns)[:4] == ["contract_id", "period", "kind", "description"]
        dtypes = frame.dtypes.astype(str).to_dict()
        assert dtypes["amount"] == "float64"
        assert dtypes["unit_price"] == "float64"
        assert dtypes["kind"] == "category"
        assert dtypes["status"] == "category"
        assert dtypes["description"] == "string"
        assert dtypes["unit"] == "Int64"  # not billed: no unit
        assert dtypes["meeting_start"].startswith("datetime64[")
        assert str(frame["meeting_start"].dt.tz) == "UTC"
        assert frame["amount"].sum() == pytest.approx(float(invoice.total.amount))

    def test_scenario_frames_are_numeric(self, result: Any) -> None:
        frame = to_dataframe(result)
        assert frame.shape == (4, len(to_records(result)[0]))
        assert frame["total_cost_mean"].dtype == "float64"
        assert frame["total_cost_count"].dtype == "int64"
        runs = to_dataframe(result, by="run")
        assert runs["meetings"].dtype == "int64"
        assert runs["cost_per_held_meeting"].dtype == "float64"
        means = runs.groupby("model", observed=True)["total_cost"].mean()
        assert means["ppl"] == pytest.approx(1800.0)

    def test_a_missing_pandas_says_which_extra_to_install(
        self, monkeypatch: pytest.MonkeyPatch, result: Any
    ) -> None:
        def missing(name: str) -> None:
            raise ImportError(name)

        monkeypatch.setattr(ppa_core._optional.importlib, "import_module", missing)
        with pytest.raises(MissingDependency) as error:
            to_dataframe(result)
        assert isinstance(error.value, PpaError)
        assert isinstance(error.value, ImportError)
        assert "pip install 'ppa_core[pandas]'" in str(error.value)
        assert (error.value.module, error.value.extra) == ("pandas", "pandas")


class TestMissingExtras:
    def test_a_plot_without_matplotlib_says_which_extra_to_install(
        self, monkeypatch: pytest.MonkeyPatch, result: Any
    ) -> None:
        def missing(name: str) -> None:
            raise ImportError(name)

        monkeypatch.setattr(ppa_core._optional.importlib, "import_module", missing)
        with pytest.raises(MissingDependency, match=r"pip install 'ppa_core\[plot\]'"):
            plot_cost_distributions(result)


class TestHtml:
    def test_an_invoice_is_an_escaped_table(self, invoice: Any) -> None:
        html = invoice._repr_html_()
        assert html.startswith('<table class="ppa-core">')
        assert "acme&lt;2026&gt;" in html
        assert "acme<2026>" not in html
        assert invoice.total.format() in html
        assert "OVER_CAP" in html
        assert "guarantee" in html

    def test_an_invoice_shows_a_guarantee_row_per_period_judged(self, facts: Any) -> None:
        (month,) = facts.periods
        two_months = BillingPeriod(month.start, month.end.add(months=1))
        invoice = build_invoice(CONTRACT, facts.appointments, two_months, as_of=facts.as_of)

        html = invoice._repr_html_()

        assert [g.period.label for g in invoice.guarantees if g.period] == ["2026-01", "2026-02"]
        assert "<td>2026-01</td>" in html
        assert "<td>2026-02</td>" in html

    def test_a_contract_shows_its_key_terms(self) -> None:
        html = CONTRACT._repr_html_()
        assert "&lt;Acme &amp; Co&gt;" in html
        assert "Northwind &amp; Sons" in html
        assert "EUR 350.00 per appointment" in html
        assert "<Acme" not in html

    def test_a_decision_shows_its_trace(self, facts: Any) -> None:
        engine = BillingEngine(CONTRACT)
        traced = engine.decide(facts.appointments[0], as_of=facts.as_of, trace=True)
        html = traced._repr_html_()
        assert "<th>rule</th>" in html
        assert "qualification" in html
        plain = engine.decide(facts.appointments[0], as_of=facts.as_of)
        assert "<th>state</th>" in plain._repr_html_()

    def test_comparisons_and_scenarios(self, facts: Any, result: Any) -> None:
        compared = compare_models(
            CONTRACT, facts.appointments, list(MODELS.values()), as_of=facts.as_of
        )
        assert isinstance(compared, Comparison)
        assert isinstance(compared, tuple)
        assert compared == tuple(compared)
        assert compared._repr_html_().count("<tr>") == 1 + len(MODELS)
        assert "<td>retainer</td>" in compared[2]._repr_html_()
        html = result._repr_html_()
        assert "40 simulated runs" in html
        assert html.count("<tr>") == 1 + len(MODELS)
        # Names wrap at spaces in a narrow column, amounts never: each on one line.
        assert "<td>pay per appointment</td>" in html
        amounts = re.findall(r"<td([^>]*)>[\d,.-]+</td>", html)
        assert len(amounts) >= 6 * len(MODELS)  # total cost (4), per held meeting, ROI
        assert set(amounts) == {' style="text-align:right;white-space:nowrap"'}

    def test_a_sweep_point_escapes_model_names(self) -> None:
        (point,) = sweep(PLAN, {"show_rate": ["0.7"]}, {"<b>": Retainer(fee=eur(1))}, runs=2)
        html = point._repr_html_()
        assert "<p>show_rate = 0.7</p>" in html
        assert "&lt;b&gt;" in html
        assert "<b>" not in html

    def test_long_tables_are_cut(self) -> None:
        html = table(("n",), [(i,) for i in range(MAX_ROWS + 5)])
        assert html.count("<tr>") == 1 + MAX_ROWS + 1
        assert "5 more rows" in html


class TestReprs:
    def test_invoices_decisions_contracts_and_costs_read_in_one_line(
        self, facts: Any, invoice: Any
    ) -> None:
        assert repr(invoice) == (
            f"Invoice('acme<2026>', 2026-01, total {invoice.total.format()}, "
            f"{len(invoice.lines)} lines, {len(invoice.not_billed)} not billed)"
        )
        assert repr(CONTRACT) == (
            "Contract('acme<2026>', Northwind & Sons -> <Acme & Co>, "
            "EUR 350.00 per appointment, Europe/Berlin, from 2026-01-01)"
        )
        decision = BillingEngine(CONTRACT).decide(facts.appointments[0], as_of=facts.as_of)
        assert repr(decision).startswith(f"Decision({decision.appointment_id!r}, ")
        assert "\n" not in repr(decision)
        cost = compare_models(CONTRACT, facts.appointments, [MODELS["retainer"]], as_of=facts.as_of)
        assert repr(cost[0]).startswith("ModelCost(retainer, total EUR 5,000.00, ")


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="the plot extra is not installed")
class TestPlots:
    @pytest.fixture(autouse=True)
    def agg(self) -> Any:
        import matplotlib  # noqa: PLC0415 - matplotlib is an optional extra

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415 - matplotlib is an optional extra

        yield
        plt.close("all")

    def test_cost_distributions_draw_one_row_per_model_none_flattened(self, result: Any) -> None:
        ax = plot_cost_distributions(result)
        rows = [t.get_text() for t in ax.get_yticklabels()]
        assert rows[::-1] == ["ppa", "ppl", "retainer", "commission"]  # the first on top
        # Each varying model's tallest bin fills its row, however narrow its spread.
        peaks = {}
        for patch in ax.patches:
            heights, _, baseline = patch.get_data()
            peaks[rows[int(baseline)]] = max(heights) - baseline
        assert peaks == pytest.approx({"ppa": 0.85, "commission": 0.85})
        # The fixed costs are a bar across their row, labelled with the value.
        notes = {t.get_text().strip(): t.xy for t in ax.texts}
        assert notes == {"1,800 every run": (1800.0, 2.425), "5,000 every run": (5000.0, 1.425)}
        ax.figure.canvas.draw()
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert any("," in t for t in ticks)  # thousands separators: 10,000
        assert all(t.replace(",", "").lstrip("-").isdigit() for t in ticks)
        assert ax.get_xlabel() == "total cost (EUR)"

    def test_a_subset_keeps_each_model_colour_and_roi_reads_in_percent(self, result: Any) -> None:
        from matplotlib.colors import to_rgb  # noqa: PLC0415 - matplotlib is an optional extra

        both = plot_cost_distributions(result, models=["commission", "ppa"])
        assert [t.get_text() for t in both.get_yticklabels()] == ["ppa", "commission"]
        colours = [patch.get_facecolor()[:3] for patch in both.patches if patch.get_fill()]
        assert colours == [to_rgb("C3"), to_rgb("C0")]  # as when every model is drawn
        roi = plot_cost_distributions(result, metric="roi", models=["ppa"])
        assert roi.get_xlabel() == "ROI"
        roi.figure.canvas.draw()
        assert all(t.get_text().endswith("%") for t in roi.get_xticklabels() if t.get_text())

    def test_cost_against_show_rate_with_bands_and_the_break_even(self) -> None:
        from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib is an optional extra

        models = {"ppa": MODELS["ppa"], "retainer": Retainer(fee=eur(4000))}
        points = sweep(PLAN, {"show_rate": ["0.5", "0.75", "1"]}, models, runs=10)
        found = break_even_show_rate(
            PLAN, models["ppa"], models["retainer"], runs=10, names=("ppa", "retainer")
        )
        assert found.show_rate is not None
        ax = Figure().subplots()
        drawn = plot_cost_vs_show_rate(points, ax, break_even=found)
        assert drawn is ax
        ppa, retainer, line, cross = ax.get_lines()  # two models, the break-even and its cross
        assert list(ppa.get_xdata()) == [0.5, 0.75, 1.0]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["ppa", "retainer", f"break-even: ppa = retainer at {found.show_rate:.1%}"]
        assert list(line.get_xdata()) == [float(found.show_rate)] * 2
        # The cross sits on the models' lines where they meet (the retainer is flat).
        assert list(cross.get_xdata()) == [float(found.show_rate)]
        assert cross.get_ydata()[0] == pytest.approx(4000, rel=0.01)
        assert list(retainer.get_ydata()) == [4000.0] * 3
        ax.figure.canvas.draw()
        costs = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        rates = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert any("," in t for t in costs)  # thousands separators
        assert rates
        assert all(t.endswith("%") for t in rates)

    def test_a_break_even_without_the_lines_names_is_still_labelled(self) -> None:
        from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib is an optional extra

        models = {"ppa": MODELS["ppa"], "retainer": Retainer(fee=eur(4000))}
        points = sweep(PLAN, {"show_rate": ["0.5", "1"]}, models, runs=4)
        found = break_even_show_rate(PLAN, models["ppa"], models["retainer"], runs=4)
        ax = plot_cost_vs_show_rate(points, Figure().subplots(), break_even=found)
        assert ax.get_legend().get_texts()[-1].get_text() == (
            f"break-even: pay_per_appointment = retainer at {found.show_rate:.1%}"
        )
        assert len(ax.get_lines()) == 3  # no cross: no line named pay_per_appointment

    def test_plots_refuse_what_they_cannot_draw(self, result: Any) -> None:
        with pytest.raises(ValidationError, match="outcomes"):
            plot_cost_distributions(result.without_outcomes())
        with pytest.raises(ValidationError, match="metric"):
            plot_cost_distributions(result, metric="happiness")
        with pytest.raises(ValidationError, match="bins"):
            plot_cost_distributions(result, bins=0)
        points = sweep(PLAN, {"close_rate": ["0.1"]}, MODELS, runs=2)
        with pytest.raises(ValidationError, match="show_rate"):
            plot_cost_vs_show_rate(points)
