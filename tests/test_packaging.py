"""What the package index receives: license, URLs, one version, a release check in CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


class TestMetadata:
    def test_the_license_file_matches_the_declared_license(self) -> None:
        project = PYPROJECT["project"]
        assert project["license"] == "MIT"
        assert project["license-files"] == ["LICENSE"]
        assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")

    def test_every_project_url_is_absolute(self) -> None:
        urls = PYPROJECT["project"]["urls"]
        assert {"Homepage", "Documentation", "Source", "Changelog", "Issues"} <= set(urls)
        assert all(url.startswith("https://") for url in urls.values())

    def test_ci_builds_the_distributions_and_checks_them_with_twine(self) -> None:
        script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        assert "python -m build" in script
        assert "twine check --strict" in script
        assert set(PYPROJECT["project"]["optional-dependencies"]["release"]) == {
            "build>=1.2",
            "twine>=5.1",
        }


class TestPackageIndexReadme:
    """The README as the package index shows it: pyproject's substitutions applied."""

    HOOK = PYPROJECT["tool"]["hatch"]["metadata"]["hooks"]["fancy-pypi-readme"]

    def _as_published(self) -> str:
        (fragment,) = self.HOOK["fragments"]
        text = (ROOT / fragment["path"]).read_text(encoding="utf-8")
        for substitution in self.HOOK["substitutions"]:
            text = re.sub(substitution["pattern"], substitution["replacement"], text)
        return text

    def test_the_readme_is_the_description_and_it_links_to_files_that_exist(self) -> None:
        assert "readme" in PYPROJECT["project"]["dynamic"]
        local = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README.read_text(encoding="utf-8"))
        assert len(local) > 10  # the README does link to the docs
        assert all((ROOT / target).is_file() for target in local), local

    def test_every_link_the_index_shows_is_absolute_and_points_into_the_source(self) -> None:
        published = self._as_published()
        targets = re.findall(r"\]\(([^)\s]+)\)", published)
        assert targets
        assert all(t.startswith(("https://", "http://", "#")) for t in targets), targets
        source = PYPROJECT["project"]["urls"]["Source"]
        rewritten = [t for t in targets if t.startswith(f"{source}/blob/main/")]
        expected = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README.read_text(encoding="utf-8"))
        assert rewritten == [f"{source}/blob/main/{t}" for t in expected]
        # only the links changed
        assert published.replace(f"{source}/blob/main/", "") == README.read_text(encoding="utf-8")
