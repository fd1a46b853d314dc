"""``ppa-core replay``: a JSON Lines file of webhook bodies into appointments."""

from __future__ import annotations

import json
import pathlib

import pytest

from ppa_core import AppointmentState
from ppa_core.adapters.cli import main
from ppa_core.adapters.serialization import load_data

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "docs" / "examples"
WEBHOOKS, PROSPECTS = str(EXAMPLES / "webhooks.jsonl"), str(EXAMPLES / "prospects.json")
OPTIONS = ("--host", "rita@client.example", "--booking", "zoom:85746065432=calcom:bk_7Hq2VxR9")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class TestReplay:
    def test_writes_the_appointments_and_what_became_of_each_event(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, err = run(capsys, "replay", WEBHOOKS, "--prospects", PROSPECTS, *OPTIONS)
        assert status == 0
        appointments = [load_data("appointment", json.loads(line)) for line in out.splitlines()]
        states = {a.id: a.state for a in appointments}
        assert states["calcom:bk_7Hq2VxR9"] is AppointmentState.HELD
        assert len(states) == 2
        lines = err.splitlines()
        assert len(lines) == len(pathlib.Path(WEBHOOKS).read_text().splitlines())
        assert f"{WEBHOOKS}:12: zoom meeting.ended: duplicate: delivered before" in err
        assert f"{WEBHOOKS}:8: zoom meeting.ended: applied: held" in err

    def test_its_output_is_ready_for_decide(
        self, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
    ) -> None:
        _, out, _ = run(capsys, "replay", WEBHOOKS, "--prospects", PROSPECTS, *OPTIONS)
        appointments = tmp_path / "appointments.jsonl"
        appointments.write_text(out)
        assert main(["sample", str(tmp_path / "s")]) == 0
        contract = str(tmp_path / "s" / "contract.json")
        capsys.readouterr()
        status, table, _ = run(
            capsys, "decide", contract, str(appointments), "--as-of", "2026-04-01"
        )
        assert status == 0
        assert "calcom:bk_7Hq2VxR9" in table

    def test_a_bad_line_names_the_file_line_provider_kind_and_path_and_applies_nothing(
        self, capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
    ) -> None:
        lines = pathlib.Path(WEBHOOKS).read_text().splitlines()
        broken = json.loads(lines[1])
        del broken["body"]["payload"]["rescheduleUid"]
        feed = tmp_path / "feed.jsonl"
        feed.write_text("\n".join([lines[0], json.dumps(broken), "{not json", '{"x": 1}']))
        status, out, err = run(capsys, "replay", str(feed), "--prospects", PROSPECTS)
        assert status == 2
        assert out == ""
        assert f"{feed}:2: calcom BOOKING_RESCHEDULED: 'payload.rescheduleUid'" in err
        assert f"{feed}:3: not JSON" in err
        assert f"{feed}:4: a line is" in err

    def test_a_booking_option_without_its_id_is_refused(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, _, err = run(
            capsys, "replay", WEBHOOKS, "--prospects", PROSPECTS, "--booking", "zoom:1"
        )
        assert status == 2
        assert "--booking" in err
