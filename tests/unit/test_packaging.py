"""The wheel's package list (pyproject.toml) names every package under qa/: one left out installs a tool that
fails on import (qa.stores was nearly shipped that way)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_package_under_qa_is_in_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "qa").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
