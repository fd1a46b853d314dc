"""docs/documents.md is real code: its blocks run and print what the page shows."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "documents.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


def test_every_block_runs_and_prints_what_the_page_shows() -> None:
    namespace: dict[str, object] = {"__name__": "docs.documents"}
    printed = []
    for block in _blocks("python"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(PAGE), "exec"), namespace)
        if out.getvalue():
            printed.append(_lines(out.getvalue()))
    assert printed == [_lines(shown) for shown in _blocks("text")]


def test_every_published_schema_is_linked_from_the_page() -> None:
    schemas = sorted(p.name for p in (PAGE.parent / "schemas").glob("*.schema.json"))
    linked = sorted(set(re.findall(r"\(schemas/([a-z_]+\.schema\.json)\)", PAGE.read_text())))
    assert linked == schemas
