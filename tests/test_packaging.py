"""What the package index receives: license, URLs, one version, a release check in CI."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
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
