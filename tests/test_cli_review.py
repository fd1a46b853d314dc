"""``ppa-core review``: the quarterly review and a renegotiation what-if from files."""

from __future__ import annotations

import csv
import io
import json
import pathlib

import attrs
import pendulum
import pytest

from ppa_core import (
    Amendment,
    BillingPeriod,
    Comparator,
    ExitClause,
    Kpi,
    Money,
    PerAppointment,
    SampleCampaign,
    ServiceLevel,
    Target,
    review,
    sample_campaign,
    what_if,
)
from ppa_core.adapters.cli import main
from ppa_core.adapters.serialization import dumps

AS_OF = "2026-04-10T09:00:00+02:00"
SPAN = BillingPeriod(
    pendulum.datetime(2026, 2, 1, tz="Europe/Berlin"),
    pendulum.datetime(2026, 4, 1, tz="Europe/Berlin"),
)
LEVEL = ServiceLevel(
    "show",
    Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.9"),
    consequence="service_credit",
    credit_share="0.05",
)
CLAUSE = ExitClause("two-bad", Target(Kpi.SHOW_RATE, Comparator.AT_LEAST, "0.9"), breaches=2)
CHEAPER = PerAppointment(price=Money.of(250, "EUR"))


@pytest.fixture(scope="module")
def campaign() -> SampleCampaign:
    """The sample campaign with a show-rate service level and exit clause in all its terms."""
    sample = sample_campaign()
    agreed = {"service_levels": (LEVEL,), "exit_clauses": (CLAUSE,)}
    contract = attrs.evolve(
        sample.contract,
        terms=attrs.evolve(sample.contract.terms, **agreed),
        amendments=tuple(
            attrs.evolve(a, terms=attrs.evolve(a.terms, **agreed))
            for a in sample.contract.amendments
        ),
    )
    return attrs.evolve(sample, contract=contract)


@pytest.fixture(scope="module")
def files(campaign: SampleCampaign, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    directory = tmp_path_factory.mktemp("review")
    assert main(["sample", str(directory)]) == 0
    paths = {
        "contract": directory / "contract.json",
        "appointments": directory / "appointments.jsonl",
        "terms": directory / "terms.json",
    }
    paths["contract"].write_text(dumps(campaign.contract))
    paths["terms"].write_text(dumps(attrs.evolve(campaign.contract.terms, pricing=CHEAPER)))
    return {k: str(v) for k, v in paths.items()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def args(files: dict[str, str], *more: str) -> list[str]:
    return [
        "review",
        files["contract"],
        files["appointments"],
        "--from",
        "2026-02",
        "--to",
        "2026-03",
        "--as-of",
        AS_OF,
        *more,
    ]


class TestReviewCommand:
    def test_the_text_is_the_reviews(
        self, campaign: SampleCampaign, files: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, err = run(capsys, *args(files))
        expected = review(
            campaign.contract, campaign.appointments, period=SPAN, as_of=campaign.as_of
        )
        assert (status, err) == (0, "")
        assert out.strip() == repr(expected)

    def test_json_records_carry_the_appointments_behind_each_figure(
        self, campaign: SampleCampaign, files: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(capsys, *args(files, "--format", "json"))
        (records,) = json.loads(out)
        expected = review(
            campaign.contract, campaign.appointments, period=SPAN, as_of=campaign.as_of
        )
        assert status == 0
        assert [r["subject"] for r in records] == ["show", "show", "two-bad", "two-bad"]
        first = expected.service_levels[0].measurement
        assert records[0]["appointments_counted"] == ", ".join(first.counted)
        assert records[0]["numerator"] == str(first.numerator)

    def test_proposed_terms_add_a_what_if(
        self, campaign: SampleCampaign, files: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(
            capsys,
            *args(
                files,
                "--terms",
                files["terms"],
                "--effective-from",
                "2026-01-01",
                "--format",
                "csv",
            ),
        )
        proposal = Amendment(
            pendulum.datetime(2026, 1, 1, tz="Europe/Berlin"),
            attrs.evolve(campaign.contract.terms, pricing=CHEAPER),
        )
        expected = what_if(
            campaign.contract, campaign.appointments, proposal, period=SPAN, as_of=campaign.as_of
        )
        assert status == 0
        tables = out.split("contract_id,appointment_id")
        rows = list(csv.DictReader(io.StringIO("contract_id,appointment_id" + tables[1])))
        assert len(rows) == len(expected.appointments)
        assert sum(r["changed"] == "True" for r in rows) == len(expected.changed)

    def test_terms_without_a_date_are_refused(
        self, files: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, _, err = run(capsys, *args(files, "--terms", files["terms"]))
        assert status == 2
        assert "--effective-from" in err

    def test_a_missing_file_is_refused(
        self, files: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
    ) -> None:
        status, _, err = run(capsys, *args(files, "--proposal", str(tmp_path / "nope.json")))
        assert status == 2
        assert "nope.json" in err
