"""The documentation's examples are real code: each page's blocks run as they stand."""

import contextlib
import functools
import io
import pathlib
import re

import pytest

from ppa_core import CORRECTIONS, TRANSITIONS

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
README = DOCS.parent / "README.md"


def _blocks(path: pathlib.Path, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


def _run(path: pathlib.Path) -> tuple[dict[str, object], list[list[str]]]:
    """Run the page's python blocks in order, in one namespace; what each block printed."""
    namespace: dict[str, object] = {"__name__": f"docs.{path.stem}"}
    printed = []
    for block in _blocks(path, "python"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(path), "exec"), namespace)
        printed.append(_lines(out.getvalue()))
    return namespace, printed


class TestGettingStarted:
    PAGE = DOCS / "getting-started.md"

    def test_shows_the_readme_commands(self) -> None:
        assert _blocks(self.PAGE, "sh")[:2] == _blocks(README, "sh")[:2]

    def test_every_block_runs_and_prints_what_the_page_shows(self) -> None:
        _, printed = _run(self.PAGE)
        assert printed == [_lines(shown) for shown in _blocks(self.PAGE, "text")]


class TestHowtoWebhooks:
    PAGE = DOCS / "webhooks.md"

    def test_every_block_runs_and_prints_what_the_page_shows(self) -> None:
        _, printed = _run(self.PAGE)
        assert printed == [_lines(shown) for shown in _blocks(self.PAGE, "text")]


HOWTO_TESTING = DOCS / "howto-testing.md"
# Named from the page's text so that each is its own pytest test, which xdist can run
# beside the others: together they are the suite's longest single test.
HOWTO_TESTS = re.findall(r"^def (test_\w+)\(", HOWTO_TESTING.read_text(encoding="utf-8"), re.M)


@functools.cache
def _howto_namespace() -> dict[str, object]:
    return _run(HOWTO_TESTING)[0]


class TestHowtoTesting:
    def test_the_page_defines_the_tests_named_in_its_text(self) -> None:
        namespace = _howto_namespace()
        assert len(HOWTO_TESTS) == 9
        assert sorted(n for n in namespace if n.startswith("test_")) == sorted(HOWTO_TESTS)

    @pytest.mark.parametrize("name", HOWTO_TESTS)
    def test_every_test_on_the_page_passes(self, name: str) -> None:
        test = _howto_namespace()[name]
        assert callable(test)
        test()


class TestDomainGuide:
    PAGE = DOCS / "domain.md"

    def test_the_lifecycle_diagram_draws_exactly_the_transition_table(self) -> None:
        (diagram,) = _blocks(self.PAGE, "mermaid")
        arrows = re.findall(r"^\s*(\S+) --> (\S+): (\w+)$", diagram, re.M)
        assert len(arrows) == len(diagram.strip().splitlines()) - 1  # every line is drawn
        table = {(s.value, t.value, a.value) for (s, a), t in TRANSITIONS.items()}
        table.add(("[*]", "proposed", "propose"))
        table |= {
            (s.value, t.value, "correct")
            for s, targets in CORRECTIONS.items()
            for t in targets
            if s is not t
        }
        assert set(arrows) == table
        assert len(arrows) == len(table)


class TestReviews:
    PAGE = DOCS / "reviews.md"

    def test_every_block_runs_and_prints_what_the_page_shows(self) -> None:
        _, printed = _run(self.PAGE)
        assert printed == [_lines(shown) for shown in _blocks(self.PAGE, "text")]


class TestPricingGuide:
    PAGE = DOCS / "pricing.md"

    def test_every_block_runs_and_prints_what_the_page_shows(self) -> None:
        _, printed = _run(self.PAGE)
        assert printed == [_lines(shown) for shown in _blocks(self.PAGE, "text")]


class TestApiReference:
    """One page per part of the library, each module documented once (not one 900 KB page)."""

    PAGES = sorted((DOCS / "api").glob("*.md"))

    def _modules(self, page: pathlib.Path) -> list[str]:
        return re.findall(r"^\.\. automodule:: (\S+)$", page.read_text(encoding="utf-8"), re.M)

    def test_each_module_is_documented_on_one_page_only(self) -> None:
        documented = [module for page in self.PAGES for module in self._modules(page)]
        assert len(documented) == len(set(documented))
        assert len(self.PAGES) >= 10
        assert all(self._modules(page) for page in self.PAGES)

    def test_the_index_page_lists_every_page_and_documents_no_members(self) -> None:
        index = (DOCS / "api.md").read_text(encoding="utf-8")
        (toctree,) = re.findall(r"```\{toctree\}\n(.*?)```", index, re.S)
        listed = [line for line in toctree.splitlines() if line and not line.startswith(":")]
        assert sorted(listed) == [f"api/{page.stem}" for page in self.PAGES]
        assert ":members:" not in index  # the package's names are on the pages below
