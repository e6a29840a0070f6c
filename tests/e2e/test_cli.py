"""The CLI in-process: build, check, ask, search and the exit codes of expected failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.__main__ import main
from qa.config import Settings

pytestmark = pytest.mark.slow

REGAN = "Who reported the Reuters story from Paris on Cazeneuve's call for more British help?"


def test_build_check_and_rebuild(seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "idx"
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out), "--check"]) == 1
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    assert "5 articles" in capsys.readouterr().out
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out), "--check"]) == 0
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out
    (seeds_copy / "bad.txt").write_bytes(b"\xff\xfe bad")
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out), "--check"]) == 1
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "skipped bad.txt" in captured.err


def test_ask_and_search(real_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    index = str(real_settings.index_dir)
    assert main(["ask", "Who is the mayor of Calais?", "--index", index]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Natacha Bouchart — ITV News")
    assert "003_bd1ad776a86b5c50.txt" in out
    assert main(["ask", REGAN, "--index", index]) == 0  # under the answer line: a labelled guess
    out = capsys.readouterr().out
    assert "BEST GUESS, not confirmed" in out and "James Regan" in out and "000_c41d2c88b869987b.txt" in out
    assert main(["search", "Calais mayor Natacha Bouchart", "-k", "3", "--index", index]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln[:2] in ("1.", "2.", "3.")]
    assert len(lines) == 3


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_exits_2(question: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", question]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "empty" in err and err.count("\n") == 1


def test_huge_question_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "x" * 100_000]) == 2
    assert "too long" in capsys.readouterr().err


def test_missing_index_exits_2_naming_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Who?", "--index", str(tmp_path / "none")]) == 2
    assert "python -m qa build" in capsys.readouterr().err


def test_missing_seeds_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--seeds", str(tmp_path / "none"), "--out", str(tmp_path / "idx")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_ask_prints_the_answer_and_no_library_chatter(real_settings: Settings) -> None:
    """As a user runs it: stdout is the answer, stderr has no DEBUG/INFO lines (bm25s set its logger to DEBUG)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "QA_INDEX_DIR": str(real_settings.index_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "Who is the mayor of Calais?"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.startswith("Natacha Bouchart — ")
    assert "DEBUG" not in done.stdout + done.stderr and "INFO" not in done.stderr, done.stderr
