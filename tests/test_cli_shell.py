"""The shell user's conveniences: --version, JSON Lines output, documented exit statuses."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from ppa_core import Decision, __version__
from ppa_core.adapters.cli import main
from ppa_core.adapters.serialization import load

AS_OF = "2026-04-10T09:00:00+02:00"
ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    directory = tmp_path_factory.mktemp("sample")
    assert main(["sample", str(directory)]) == 0
    return str(directory / "contract.json"), str(directory / "appointments.jsonl")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class TestVersion:
    def test_version_prints_the_package_version_and_exits_0(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(capsys, "--version")
        assert status == 0
        assert out.strip() == f"ppa-core {__version__}"

    def test_the_version_is_read_by_the_build_from_one_place(self) -> None:
        pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        assert "version" in pyproject["project"]["dynamic"]
        source = ROOT / pyproject["tool"]["hatch"]["version"]["path"]
        assert f'__version__ = "{__version__}"' in source.read_text(encoding="utf-8")


class TestJsonLines:
    def test_decide_jsonl_writes_one_decision_document_a_line_like_json(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        status, out, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "jsonl")
        assert status == 0
        lines = out.splitlines()
        _, array, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "json")
        assert [json.loads(line) for line in lines] == json.loads(array)
        first = load(Decision, json.loads(lines[0]))
        assert isinstance(first, Decision)

    def test_no_appointment_writes_nothing(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: Path
    ) -> None:
        empty = tmp_path / "none.jsonl"
        empty.write_text("", encoding="utf-8")
        status, out, _ = run(
            capsys, "decide", files[0], str(empty), "--as-of", AS_OF, "--format", "jsonl"
        )
        assert status == 0
        assert out == ""


class TestExitStatus:
    def test_not_billable_decisions_are_results_and_exit_0(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str]
    ) -> None:
        status, out, _ = run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "jsonl")
        assert status == 0
        assert any(
            json.loads(line)["data"]["status"] == "not_billable" for line in out.splitlines()
        )

    def test_bad_usage_and_bad_input_exit_2(
        self, capsys: pytest.CaptureFixture[str], files: tuple[str, str], tmp_path: Path
    ) -> None:
        assert run(capsys, "decide", *files, "--as-of", AS_OF, "--format", "xml")[0] == 2
        broken = tmp_path / "broken.jsonl"
        broken.write_text("{not json\n", encoding="utf-8")
        status, _, err = run(capsys, "decide", files[0], str(broken), "--as-of", AS_OF)
        assert status == 2
        assert "broken.jsonl:1" in err
