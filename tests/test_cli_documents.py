"""``ppa-core invoice --document``: issue and print a period's billing documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppa_core.adapters.cli import main
from ppa_core.adapters.serialization import load
from ppa_core.billing.credit_note import CreditNote
from ppa_core.billing.document import InvoiceDocument
from ppa_core.billing.issuing import FIRST_PERIOD, draft_documents
from ppa_core.billing.numbering import NumberSeries
from ppa_core.sample.campaign import sample_campaign

FEBRUARY = ("--period", "2026-02", "--as-of", "2026-03-01T09:00:00+01:00")
MARCH = ("--period", "2026-03", "--as-of", "2026-04-01T09:00:00+02:00")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sample")
    assert main(["sample", str(directory), "--force"]) == 0
    return directory


def run(files: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(
        ["invoice", str(files / "contract.json"), str(files / "appointments.jsonl"), *args]
    )
    out, err = capsys.readouterr()
    return status, out, err


class TestDocumentOutput:
    def test_json_output_is_the_library_documents_and_the_series(
        self, files: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(
            files, *FEBRUARY, "--first-period", "--document", "json", capsys=capsys
        )

        assert status == 0
        output = json.loads(out)
        campaign = sample_campaign()
        expected = draft_documents(
            campaign.contract,
            campaign.appointments,
            campaign.periods[0],
            as_of=campaign.invoiced_at[0],
            issued=FIRST_PERIOD,
        )
        invoice = load(InvoiceDocument, output["documents"][0])
        assert invoice.gross == expected.invoice.gross
        assert invoice.number == "INV-0001"
        assert [load(CreditNote, d).gross for d in output["documents"][1:]] == [
            n.gross for n in expected.credit_notes
        ]
        assert load(NumberSeries, output["invoice_series"]).next_number == 2

    def test_the_next_period_continues_the_numbers_and_credits_the_dispute(
        self, files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, february, _ = run(
            files, *FEBRUARY, "--first-period", "--document", "json", capsys=capsys
        )
        (tmp_path / "feb.json").write_text(february)
        previous = str(tmp_path / "feb.json")

        status, out, _ = run(
            files,
            *MARCH,
            "--issued",
            previous,
            "--series",
            previous,
            "--document",
            "text",
            capsys=capsys,
        )

        assert status == 0
        assert out.startswith("Invoice INV-0002")
        assert "Credit note CN-0002" in out
        assert "Corrects: INV-0001" in out
        assert "DISPUTE_UPHELD" in out

    def test_html_output_is_a_page_with_every_document(
        self, files: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(
            files, *FEBRUARY, "--first-period", "--document", "html", capsys=capsys
        )

        assert status == 0
        assert out.startswith("<!DOCTYPE html>")
        assert "<h2>Invoice INV-0001</h2>" in out
        assert "<h2>Credit note CN-0001</h2>" in out
        assert "VAT id: DE300000002" in out

    @pytest.mark.parametrize(
        ("args", "says"),
        [
            ((), "--issued: the documents issued so far are required"),
            (("--issued", "{feb}"), "--series: required with --issued"),
            (("--issued", "{feb}", "--first-period", "--series", "{feb}"), "--first-period: not"),
            (("--issued", "{contract}", "--series", "{feb}"), "must be a document of"),
        ],
    )
    def test_missing_or_wrong_continuity_is_refused_with_the_option_named(
        self,
        files: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        args: tuple[str, ...],
        says: str,
    ) -> None:
        _, february, _ = run(
            files, *FEBRUARY, "--first-period", "--document", "json", capsys=capsys
        )
        (tmp_path / "feb.json").write_text(february)
        names = {"feb": str(tmp_path / "feb.json"), "contract": str(files / "contract.json")}

        status, _, err = run(
            files, *MARCH, *(a.format(**names) for a in args), "--document", "text", capsys=capsys
        )

        assert status == 2
        assert says in err
        assert "Traceback" not in err
