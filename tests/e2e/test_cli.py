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


def test_a_folder_is_built_asked_and_searched_with_its_own_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qa build DIR`, `qa ask "..." DIR` and `qa search "..." DIR` use DIR's own index (the one `qa serve DIR` uses),
    never the bundled seeds' (which once took the build and then answered from the wrong folder)."""
    from qa.config import index_for
    from qa.index import read_manifest

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("QA_INDEX_DIR", raising=False)
    monkeypatch.delenv("QA_SEEDS_DIR", raising=False)
    folder = tmp_path / "harbour"
    folder.mkdir()
    notice = "Harbour notice\n\nThe harbour master of Zeebrugge is Quentin Vandermeulen, officials said on Monday.\n"
    (folder / "zeebrugge.txt").write_text(notice, encoding="utf-8")
    seeds_index = Settings().index_dir
    before = (seeds_index / "manifest.json").read_bytes() if (seeds_index / "manifest.json").is_file() else None
    assert main(["build", "--seeds", str(folder)]) == 0
    assert str(index_for(folder)) in capsys.readouterr().out
    assert read_manifest(index_for(folder)).corpus == str(folder.resolve())
    after = (seeds_index / "manifest.json").read_bytes() if (seeds_index / "manifest.json").is_file() else None
    assert after == before  # the seeds' index untouched
    assert main(["ask", "Who is the harbour master of Zeebrugge?", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Quentin Vandermeulen" in out.splitlines()[0] and "zeebrugge.txt" in out
    assert main(["search", "Zeebrugge harbour master", str(folder), "-k", "1"]) == 0
    assert "zeebrugge.txt" in capsys.readouterr().out
    # a build never writes into another folder's index
    assert main(["build", str(folder), "--index", str(real_index_of_seeds(tmp_path))]) == 2
    assert "never writes into another folder's index" in capsys.readouterr().err


def real_index_of_seeds(tmp_path: Path) -> Path:
    """A small index built from a copy of the seeds (the hashing encoder is enough: only its manifest matters)."""
    from qa.build import build_index
    from tests.conftest import SEEDS, HashingEncoder

    out = tmp_path / "seeds-index"
    build_index(SEEDS, out, encoder=HashingEncoder(), chunk_words=60, overlap_words=15)
    return out


def test_the_console_says_each_stage_once(tmp_path: Path) -> None:
    """`qa build DIR` as a user runs it: a line a stage, one progress bar, each skipped file once with its reason
    (a file in no article format too), and no library's warnings (onnxruntime's advice on quantisation)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, SEEDS

    folder = tmp_path / "articles"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "bad.txt").write_bytes(b"\xff\xfe bad")
    (folder / "random.bin").write_bytes(b"\x00\x01" * 50)
    # a fresh cache: the embedder is exported and quantised again, as on a first start (onnxruntime's advice then)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "QA_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("QA_INDEX_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "qa", "build", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    err = done.stderr
    assert err.count("skipped bad.txt: not UTF-8") == 1 and err.count("skipped random.bin: not an article format") == 1
    assert err.count("indexing ") == 1 and "WARNING" not in err and "pre-processing" not in err, err
    bars = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("embedding")]
    assert bars and all("chunk" in b for b in bars)  # one bar, redrawn in place
    assert "skipped" not in done.stdout and done.stdout.startswith("built ")
    assert list((tmp_path / "cache").glob("*.onnx"))  # the export did run
