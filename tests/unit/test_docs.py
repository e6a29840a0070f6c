"""The README stays a landing page that fits on a screen, its test command is CI's, and the changelog says what
changed for a user in a few lines a version (the figures and experiments live in docs/benchmarks/history.md)."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_the_readme_is_a_landing_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 10 * 1024
    assert max(len(line) for line in readme.splitlines()) <= 200
    assert "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/python app.py" in readme


def test_the_readmes_test_command_is_the_one_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.endswith("python -m pytest"))
    assert command in ci.splitlines()


def test_the_changelog_says_what_changed_in_a_few_lines_a_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    assert versions and all(len([ln for ln in v.splitlines() if ln.startswith("- ")]) <= 10 for v in versions)
    assert "docs/benchmarks/history.md" in text
