"""The README's example is real code: it runs and prints what the README shows."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


class TestReadme:
    def test_opens_with_the_install_and_run_command_then_the_test_command(self) -> None:
        first, second = _blocks("sh")[:2]
        assert "pip install -e ." in first
        assert "python -m ppa_core demo" in first
        assert "pip install -e '.[test]'" in second
        assert "pytest" in second

    def test_example_runs_and_prints_the_trace_the_readme_shows(self) -> None:
        example = _blocks("python")[0]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(example, str(README), "exec"), {})
        printed = out.getvalue()
        (shown,) = _blocks("text")
        assert shown.strip() in printed
        assert printed.strip().endswith("2026-03 EUR 450.00")

    def test_the_partner_test_example_passes(self) -> None:
        namespace: dict[str, object] = {}
        exec(compile(_blocks("python")[1], str(README), "exec"), namespace)
        tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
        assert tests
        for test in tests:
            test()
