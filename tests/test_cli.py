"""The command line, run in-process: demo, sample, decide and invoice, and bad input."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from ppa_core import (
    BillingEngine,
    BillingPeriod,
    Decision,
    DecisionStatus,
    Invoice,
    SampleCampaign,
    build_invoice,
    sample_campaign,
)
from ppa_core.adapters.cli import main
from ppa_core.adapters.serialization import load
from ppa_core.presentation.report import invoice_report

AS_OF = "2026-04-10T09:00:00+02:00"
PROBLEM = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<path>[\w.\[\]]+): (?P<problem>.+)$")


@pytest.fixture(scope="module")
def campaign() -> SampleCampaign:
    return sample_campaign()


@pytest.fixture(scope="module")
def decisions(campaign: SampleCampaign) -> tuple[Decision, ...]:
    engine = BillingEngine(campaign.contract)
    return engine.decide_all(campaign.appointments, as_of=campaign.as_of)


@pytest.fixture(scope="module")
def invoices(campaign: SampleCampaign) -> tuple[Invoice, Invoice]:
    february = build_invoice(
        campaign.contract, campaign.appointments, campaign.periods[0], as_of=campaign.invoiced_at[0]
    )
    march = build_invoice(
        campaign.contract,
        campaign.appointments,
        campaign.periods[1],
        as_of=campaign.invoiced_at[1],
        previous=[february],
    )
    return february, march


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The sample campaign written as files by ``sample``: (contract, appointments)."""
    directory = tmp_path_factory.mktemp("sample")
    assert main(["sample", str(directory)]) == 0
    return str(directory / "contract.json"), str(directory / "appointments.jsonl")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``main(argv)``: the exit status, stdout and stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def row(text: str, label: str) -> list[str]:
    """The cells of the table row starting with ``label`` (cells are 2+ spaces apart)."""
    for line in text.splitlines():
        if line.startswith(label + "  "):
            return re.split(r"\s{2,}", line.strip())
    raise AssertionError(f"no row {label!r}")


def section(text: str, title: str) -> str:
    """The text of the ``== title ==`` section, up to the next one."""
    start = text.index(f"== {title}")
    end = text.find("\n== ", start + 1)
    return text[start:] if end < 0 else text[start:end]


class TestDemo:
    def test_prints_the_decisions_by_status_and_reason_code(
        self, capsys: pytest.CaptureFixture[str], decisions: tuple[Decision, ...]
    ) -> None:
        status, out, err = run(capsys, "demo")
        assert (status, err) == (0, "")
        summary = section(out, "Decisions")
        billable = [d for d in decisions if d.status is DecisionStatus.BILLABLE]
        total = sum((d.amount for d in billable[1:]), billable[0].amount)
        assert row(summary, "billable") == ["billable", str(len(billable)), total.format()]
        assert row(summary, "total")[1] == str(len(decisions))
        no_shows = sum("PROSPECT_NO_SHOW" in d.reason_codes for d in decisions)
        assert row(summary, "PROSPECT_NO_SHOW")[1:3] == [str(no_shows), "0"]
        assert row(summary, "HOST_NO_SHOW")[1:3] == ["1", "1"]

    def test_invoice_totals_match_the_engines_invoices(
        self, capsys: pytest.CaptureFixture[str], invoices: tuple[Invoice, Invoice]
    ) -> None:
        _, out, _ = run(capsys, "demo")
        for invoice in invoices:
            text = section(out, f"Invoice {invoice.period.label}")
            assert row(text, "total") == ["total", invoice.total.format()]
            assert row(text, "subtotal") == ["subtotal", invoice.subtotal.format()]
            assert f"Billed appointments ({len(invoice.billed_appointments)})" in text
            assert f"Not billed ({len(invoice.not_billed)})" in text
            for line in invoice.lines:
                assert line.amount.format() in text

    def test_the_march_invoice_credits_the_dispute_and_reports_the_cap(
        self, capsys: pytest.CaptureFixture[str], invoices: tuple[Invoice, Invoice]
    ) -> None:
        _, out, _ = run(capsys, "demo")
        _, march = invoices
        text = section(out, "Invoice 2026-03")
        assert "credit for the meeting of" in text
        over = ", ".join(line.appointment_id or "" for line in march.over_cap)
        assert f"Over the cap: 5 ({over})" in text
        february, _ = invoices
        assert february.guarantee is not None
        g = february.guarantee
        held_of = f"guarantee shortfall 2026-02: {g.held} held of {g.minimum} guaranteed"
        assert held_of in section(out, "Invoice 2026-02")

    def test_prints_the_figures_and_the_models_with_their_assumptions(
        self, capsys: pytest.CaptureFixture[str], invoices: tuple[Invoice, Invoice]
    ) -> None:
        _, out, _ = run(capsys, "demo")
        february, _ = invoices
        assert february.guarantee is not None
        attained = Decimal(february.guarantee.held * 100) / february.guarantee.minimum
        figures = section(out, "Figures")
        for label in (
            "show rate",
            "qualification rate",
            "billable rate",
            "cost per meeting",
            "effective cost per qualified meeting held",
            "guarantee attainment",
        ):
            assert label in figures
        assert row(figures, "guarantee attainment")[1] == f"{attained:.1f} %"
        models = section(out, "The same outcomes")
        for model in ("pay per appointment", "pay per lead", "retainer", "commission", "hybrid"):
            assert row(models, model)
        assert "Assumptions, not facts of the campaign" in models

    def test_is_the_same_every_time_and_follows_the_seed(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = run(capsys, "demo")[1]
        assert run(capsys, "demo")[1] == first
        other = run(capsys, "demo", "--seed", "3")[1]
        assert other != first
        assert "(seed 3)" in other

    def test_trace_prints_one_decisions_full_trace(
        self, capsys: pytest.CaptureFixture[str], campaign: SampleCampaign
    ) -> None:
        engine = BillingEngine(campaign.contract)
        traced = engine.decide_all(campaign.appointments, as_of=campaign.as_of, trace=True)
        disputed = next(d for d in traced if "DISPUTE_UPHELD" in d.reason_codes)
        status, out, _ = run(capsys, "demo", "--trace", disputed.appointment_id)
        assert status == 0
        assert disputed.explain() in out
        assert "dispute raised" in out
        assert "Invoice" not in out

    def test_trace_of_an_unknown_id_is_bad_input(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, err = run(capsys, "demo", "--trace", "a-999")
        assert (status, out) == (2, "")
        assert err == "ppa-core demo: --trace: no appointment 'a-999' (a-001 to a-197)\n"


class TestSample:
    def test_writes_files_that_load_back_as_the_campaign(
        self, campaign: SampleCampaign, files: tuple[str, str]
    ) -> None:
        contract, appointments = files
        document = json.loads(pathlib.Path(contract).read_text(encoding="utf-8"))
        assert load("contract", document) == campaign.contract
        lines = pathlib.Path(appointments).read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(campaign.appointments)

    def test_refuses_to_overwrite_without_force(
        self, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
    ) -> None:
        assert run(capsys, "sample", str(tmp_path))[0] == 0
        status, _, err = run(capsys, "sample", str(tmp_path))
        assert status == 2
        assert "contract.json: already exists (use --force to overwrite)" in err
        assert run(capsys, "sample", str(tmp_path), "--force", "--seed", "3")[0] == 0


class TestDecide:
    def test_table(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        decisions: tuple[Decision, ...],
    ) -> None:
        status, out, err = run(capsys, "decide", *files, "--as-of", AS_OF)
        assert (status, err) == (0, "")
        billable = [d for d in decisions if d.billable]
        total = sum((d.amount for d in billable[1:]), billable[0].amount)
        footer = out.strip().splitlines()[-1]
        assert re.split(r"\s{2,}", footer) == [
            f"{len(decisions)} decisions",
            f"{len(billable)} billable",
            total.format(),
        ]
        assert len(out.strip().splitlines()) == len(decisions) + 4

    def test_json_holds_every_decision_as_a_document(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        decisions: tuple[Decision, ...],
    ) -> None:
        status, out, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "json")
        assert status == 0
        loaded = tuple(load(Decision, document) for document in json.loads(out))
        assert loaded == decisions

    def test_csv_has_one_row_per_decision(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        decisions: tuple[Decision, ...],
    ) -> None:
        status, out, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "csv")
        assert status == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["appointment_id"] for r in rows] == [d.appointment_id for d in decisions]
        assert [r["status"] for r in rows] == [d.status.value for d in decisions]
        assert [r["amount"] for r in rows] == [str(d.amount.rounded().amount) for d in decisions]
        assert rows[0]["amount"].endswith(".00")

    def test_reads_appointments_from_stdin(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        files: tuple[str, str],
    ) -> None:
        contract, appointments = files
        text = pathlib.Path(appointments).read_text(encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))
        from_stdin = run(capsys, "decide", contract, "-", "--as-of", AS_OF, "--format", "csv")
        assert from_stdin == run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "csv")

    def test_an_as_of_without_offset_is_read_in_the_contracts_timezone(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        local = run(capsys, "decide", *files, "--as-of", "2026-04-10T09:00", "--format", "csv")
        assert local == run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "csv")
        zoned = f"{AS_OF}[Europe/Berlin]"
        assert local == run(capsys, "decide", *files, "--as-of", zoned, "--format", "csv")

    def test_trace_adds_every_decisions_trace(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        _, out, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--trace", "--format", "json")
        assert all(document["data"]["trace"] for document in json.loads(out))
        _, out, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--trace")
        assert "  qualification  pass" in out

    def test_an_earlier_as_of_knows_fewer_facts(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        _, out, _ = run(capsys, "decide", *files, "--as-of", "2026-02-15", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert 0 < len(rows) < 150
        assert any(r["status"] == "pending" for r in rows)


class TestInvoice:
    def test_table(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], campaign: SampleCampaign
    ) -> None:
        status, out, _ = run(capsys, "invoice", *files, "--as-of", AS_OF, "--period", "2026-03")
        assert status == 0
        assert out.startswith("Invoice 2026-03 of contract nwo-acme-2026")
        # Without the February invoice as --previous there is nothing to credit.
        alone = build_invoice(
            campaign.contract, campaign.appointments, campaign.periods[1], as_of=campaign.as_of
        )
        assert row(out, "total") == ["total", alone.total.format()]
        assert "credit for the meeting" not in out

    def test_previous_invoice_turns_the_late_dispute_into_a_credit(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        invoices: tuple[Invoice, Invoice],
        tmp_path: pathlib.Path,
    ) -> None:
        february, march = invoices
        argv = ("invoice", *files, "--as-of", "2026-03-02T09:00", "--period", "2026-02")
        status, out, _ = run(capsys, *argv, "--format", "json")
        assert status == 0
        assert load(Invoice, json.loads(out)) == february
        issued = tmp_path / "february.json"
        issued.write_text(out, encoding="utf-8")
        argv = ("invoice", *files, "--as-of", AS_OF, "--period", "2026-03")
        status, out, _ = run(capsys, *argv, "--previous", str(issued), "--format", "json")
        assert status == 0
        assert load(Invoice, json.loads(out)) == march

    def test_csv_lists_every_line_billed_or_not(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        invoices: tuple[Invoice, Invoice],
    ) -> None:
        february, _ = invoices
        argv = ("invoice", *files, "--as-of", "2026-03-02T09:00+01:00", "--period", "2026-02")
        status, out, _ = run(capsys, *argv, "--format", "csv")
        assert status == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == len(february.lines) + len(february.not_billed)
        kinds = {r["kind"] for r in rows}
        assert kinds == {"appointment", "guarantee_credit", "not_billed"}
        billed = sum(float(r["amount"]) for r in rows)
        assert f"{billed:.2f}" == str(february.total.amount)

    def test_the_report_gives_each_period_s_guarantee(self, campaign: SampleCampaign) -> None:
        february, march = campaign.periods
        both = BillingPeriod(february.start, march.end)
        invoice = build_invoice(
            campaign.contract, campaign.appointments, both, as_of=campaign.as_of
        )
        by_id = {a.id: a for a in campaign.appointments}

        out = invoice_report(invoice, campaign.contract, by_id)

        lines = [line for line in out.splitlines() if line.startswith("Guarantee")]
        assert [line.split(":")[0] for line in lines] == [
            "Guarantee 2026-02",
            "Guarantee 2026-03",
        ]
        assert lines[0].endswith("shortfall 3, service credit")

    def test_a_date_names_the_period_that_holds_it(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        by_month = run(capsys, "invoice", *files, "--as-of", AS_OF, "--period", "2026-03")
        by_day = run(capsys, "invoice", *files, "--as-of", AS_OF, "--period", "2026-03-31")
        assert by_month == by_day


class TestBadInput:
    def bad_lines(self, tmp_path: pathlib.Path, appointments: str) -> pathlib.Path:
        """Line 1 good; line 2 two bad fields; line 3 a reused id; 4 not JSON; 6 naive; 7 a list."""
        good = pathlib.Path(appointments).read_text(encoding="utf-8").splitlines()
        second = json.loads(good[1])
        second["duration_minutes"] = "long"
        second["prospect"]["company"]["employee_count"] = -5
        reused = json.loads(good[2])
        reused["id"] = json.loads(good[0])["id"]
        naive = json.loads(good[3])
        naive["history"][0]["at"] = "2026-01-01T10:00:00"
        lines = [good[0], json.dumps(second), json.dumps(reused), '{"id": ', ""]
        lines += [json.dumps(naive), "[1, 2]"]
        path = tmp_path / "bad.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def test_each_bad_record_is_reported_with_file_line_and_path(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        contract, appointments = files
        path = self.bad_lines(tmp_path, appointments)
        status, out, err = run(capsys, "decide", contract, str(path), "--as-of", AS_OF)
        assert (status, out) == (2, "")
        assert "Traceback" not in err
        problems = [PROBLEM.match(line) for line in err.splitlines()]
        assert all(problems), err
        found = [(int(m["line"]), m["path"]) for m in problems if m]
        assert all(m["file"] == str(path) for m in problems if m)
        assert found == [
            (2, "appointment.prospect.company.employee_count"),
            (2, "appointment.duration_minutes"),
            (3, "appointment.id"),
            (4, "appointment"),
            (6, "appointment.history[0].at"),
            (7, "appointment"),
        ]
        assert "'a-001' is already used on line 1" in err
        assert "not JSON" in err

    def test_bad_lines_on_stdin_are_named_stdin(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        files: tuple[str, str],
        tmp_path: pathlib.Path,
    ) -> None:
        contract, appointments = files
        text = self.bad_lines(tmp_path, appointments).read_text(encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))
        status, _, err = run(
            capsys, "invoice", contract, "-", "--as-of", AS_OF, "--period", "2026-03"
        )
        assert status == 2
        assert err.startswith("<stdin>:2: appointment.")

    def test_a_bad_contract_is_reported_with_its_path(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        document = json.loads(pathlib.Path(files[0]).read_text(encoding="utf-8"))
        document["data"]["terms"]["cap"] = -1
        document["data"]["currency"] = "EURO"
        path = tmp_path / "contract.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        status, _, err = run(capsys, "decide", str(path), files[1], "--as-of", AS_OF)
        assert status == 2
        assert "Traceback" not in err
        paths = [PROBLEM.match(line)["path"] for line in err.splitlines()]  # type: ignore[index]
        assert sorted(paths) == ["contract.currency", "contract.terms.cap"]
        assert err.startswith(f"{path}:1: ")

    def test_a_contract_that_is_not_json(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        path = tmp_path / "contract.json"
        path.write_text('{\n  "schema": "ppa_core/contract",\n  "version": 1\n  "data": {}\n}')
        status, _, err = run(capsys, "decide", str(path), files[1], "--as-of", AS_OF)
        assert status == 2
        assert err == f"{path}:4: contract: not JSON: Expecting ',' delimiter (column 3)\n"

    def test_a_newer_document_version(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        path = tmp_path / "contract.json"
        path.write_text('{"schema": "ppa_core/contract", "version": 2, "data": {}}')
        status, _, err = run(capsys, "decide", str(path), files[1], "--as-of", AS_OF)
        assert status == 2
        assert err.startswith(f"{path}:1: version: must be 1 (got 2)")

    def test_a_missing_file(
        self, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
    ) -> None:
        missing = tmp_path / "nope.json"
        status, _, err = run(capsys, "decide", str(missing), "x.jsonl", "--as-of", AS_OF)
        assert status == 2
        assert err == (
            f"{missing}: cannot read: No such file or directory\n"
            "x.jsonl: cannot read: No such file or directory\n"
        )

    @pytest.mark.parametrize(("option", "value"), [("--as-of", "yesterday"), ("--period", "March")])
    def test_a_bad_moment(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], option: str, value: str
    ) -> None:
        argv = {"--as-of": AS_OF, "--period": "2026-03", option: value}
        flat = [part for pair in argv.items() for part in pair]
        status, out, err = run(capsys, "invoice", *files, *flat)
        assert (status, out) == (2, "")
        assert err.startswith(f"ppa-core: {option}: must be ")
        assert err.endswith(f"(got {value!r})\n")

    def test_a_file_that_is_not_utf8(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        path = tmp_path / "appointments.jsonl"
        path.write_bytes(b'{"id": "caf\xe9"}\n')
        status, _, err = run(capsys, "decide", files[0], str(path), "--as-of", AS_OF)
        assert status == 2
        assert err.startswith(f"{path}:1: appointment: not UTF-8 text")

    def test_as_of_is_required(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        status, _, err = run(capsys, "decide", *files)
        assert status == 2
        assert "the following arguments are required: --as-of" in err

    def test_help_exits_zero(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "--help")
        assert status == 0
        assert "demo" in out
        assert "invoice" in out


class TestEveryProblemOnce:
    def test_a_contract_problem_names_the_line_of_its_field(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        text = pathlib.Path(files[0]).read_text(encoding="utf-8")
        assert '"cap": 60,' in text
        path = tmp_path / "contract.json"
        path.write_text(text.replace('"cap": 60,', '"cap": -1,'), encoding="utf-8")
        line = next(n for n, t in enumerate(text.splitlines(), 1) if '"cap"' in t)
        status, _, err = run(capsys, "decide", str(path), files[1], "--as-of", AS_OF)
        assert status == 2
        assert err.startswith(f"{path}:{line}: contract.terms.cap: must be ")
        assert line > 1

    def test_a_bad_contract_and_bad_lines_are_reported_in_one_run(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        contract = tmp_path / "contract.json"
        contract.write_text('{"schema": "ppa_core/contract", "version": 2, "data": {}}')
        lines = TestBadInput().bad_lines(tmp_path, files[1])
        status, out, err = run(capsys, "decide", str(contract), str(lines), "--as-of", AS_OF)
        assert (status, out) == (2, "")
        found = [(m["file"], int(m["line"])) for m in map(PROBLEM.match, err.splitlines()) if m]
        assert len(found) == len(err.splitlines())
        assert found[0] == (str(contract), 1)
        assert [line for file, line in found if file == str(lines)] == [2, 2, 3, 4, 6, 7]

    def test_a_bad_as_of_is_reported_with_bad_lines(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        lines = tmp_path / "lines.jsonl"
        lines.write_text("[\n", encoding="utf-8")
        status, _, err = run(capsys, "decide", files[0], str(lines), "--as-of", "soon")
        assert status == 2
        assert err.splitlines()[0].startswith(f"{lines}:1: appointment: not JSON")
        assert err.splitlines()[1].startswith("ppa-core: --as-of: must be ")


class TestKeepGoing:
    def lines(self, tmp_path: pathlib.Path, appointments: str) -> pathlib.Path:
        """The sample's lines with line 3 not JSON and line 5 reusing line 1's id."""
        good = pathlib.Path(appointments).read_text(encoding="utf-8").splitlines()
        reused = json.loads(good[4])
        reused["id"] = "a-001"
        path = tmp_path / "appointments.jsonl"
        lines = [*good[:2], "{", good[3], json.dumps(reused), *good[5:]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def test_decides_the_valid_lines_and_exits_3(
        self,
        capsys: pytest.CaptureFixture[str],
        files: tuple[str, str],
        decisions: tuple[Decision, ...],
        tmp_path: pathlib.Path,
    ) -> None:
        path = self.lines(tmp_path, files[1])
        argv = ("decide", files[0], str(path), "--as-of", AS_OF, "--format", "csv")
        status, out, err = run(capsys, *argv, "--keep-going")
        assert status == 3
        rows = list(csv.DictReader(io.StringIO(out)))
        left_out = {"a-001", "a-003", "a-005"}  # a-001 and a-005's line share an id
        ids = [d.appointment_id for d in decisions if d.appointment_id not in left_out]
        assert [r["appointment_id"] for r in rows] == ids
        assert err.splitlines() == [
            f"{path}:3: appointment: not JSON: Expecting property name enclosed in double "
            "quotes (column 2)",
            f"{path}:5: appointment.id: 'a-001' is already used on line 1",
            f"INCOMPLETE: 3 of {len(decisions)} appointment lines left out (--keep-going); "
            "exit status 3",
        ]

    def test_the_table_lists_what_was_left_out_and_why(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        path = self.lines(tmp_path, files[1])
        argv = ("invoice", files[0], str(path), "--as-of", AS_OF, "--period", "2026-03")
        status, out, _ = run(capsys, *argv, "--keep-going")
        assert status == 3
        lines = out.splitlines()
        assert lines[0].startswith("INCOMPLETE: 3 of ")
        assert lines[-4].endswith("; left out, and why:")
        assert lines[-3:] == [
            f"  {path}:1: appointment.id: 'a-001' is used again on a later line",
            f"  {path}:3: appointment: not JSON: Expecting property name enclosed in double "
            "quotes (column 2)",
            f"  {path}:5: appointment.id: 'a-001' is already used on line 1",
        ]

    def test_the_json_stays_json(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        path = self.lines(tmp_path, files[1])
        argv = ("invoice", files[0], str(path), "--as-of", AS_OF, "--period", "2026-03")
        status, out, err = run(capsys, *argv, "--format", "json", "--keep-going")
        assert status == 3
        invoice = load(Invoice, json.loads(out))
        assert "a-003" not in {line.appointment_id for line in invoice.lines}
        assert err.splitlines()[-1].startswith("INCOMPLETE: 3 of ")

    def test_valid_input_is_reported_as_without_it(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        argv = ("invoice", *files, "--as-of", AS_OF, "--period", "2026-03")
        assert run(capsys, *argv, "--keep-going") == run(capsys, *argv)

    def test_a_bad_contract_still_stops_the_command(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: pathlib.Path
    ) -> None:
        contract = tmp_path / "contract.json"
        contract.write_text("{}", encoding="utf-8")
        status, out, err = run(
            capsys, "decide", str(contract), files[1], "--as-of", AS_OF, "--keep-going"
        )
        assert (status, out) == (2, "")
        assert err.startswith(f"{contract}:1: contract.")
        assert "INCOMPLETE" not in err


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ppa_core", "demo", "--trace", "a-001"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("a-001: ")
