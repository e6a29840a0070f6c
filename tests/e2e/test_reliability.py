"""Crashes during rebuilds and damaged indexes: the previous index keeps answering; `build` repairs."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa import QA, Settings
from qa.__main__ import main
from qa.index import Index
from qa.retriever import Retriever
from qa.stores.faiss import FaissStore
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
KILLS = 20


def answers_from(index_dir: Path, real_qa: QA) -> str | None:
    qa = QA(Retriever(FaissStore.load(index_dir), real_qa.retriever.encoder), real_qa.reader)
    return qa.answer("Who reported the Reuters story from Paris on Cazeneuve's call for more British help?").text


def test_kill_9_during_rebuild_never_breaks_the_index(real_qa: QA, seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    expected = answers_from(out, real_qa)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = {"old": 0, "new": 0}
    for n in range(KILLS):
        before = Index.load(out).manifest.build_id
        # each run changes one article, so a finished build would have a new id and new content
        (seeds_copy / "extra.txt").write_text(f"Update {n}\n\nThe ferry count on day {n} was {n * 7}.", "utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa", "build", "--seeds", str(seeds_copy), "--out", str(out)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        index = Index.load(out)  # never raises: old or new, always whole
        outcomes["old" if index.manifest.build_id == before else "new"] += 1
        assert answers_from(out, real_qa) == expected
    print(f"kill -9 outcomes over {KILLS} runs: {outcomes}")
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    assert Index.load(out).manifest.counts["articles"] == 6
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 3


def damage(index_dir: Path, how: str) -> None:
    manifest = json.loads((index_dir / "manifest.json").read_text())
    files = {role: index_dir / a["file"] for role, a in manifest["artifacts"].items()}
    if how == "truncated-faiss":
        files["vectors"].write_bytes(files["vectors"].read_bytes()[:1000])
    elif how == "edited-chunks":
        files["chunks"].write_text(files["chunks"].read_text().replace("Cazeneuve", "Sarkozy"))
    elif how == "other-model":
        manifest["embed_model"] = "someone/else-v9"
        (index_dir / "manifest.json").write_text(json.dumps(manifest))
    elif how == "deleted-faiss":
        files["vectors"].unlink()


@pytest.mark.parametrize("how", ["truncated-faiss", "edited-chunks", "other-model", "deleted-faiss"])
def test_damaged_index_is_named_and_build_repairs_it(
    how: str, seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "idx"
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    damage(out, how)
    capsys.readouterr()
    assert main(["search", "Calais", "--index", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "python -m qa build" in err
    assert main(["build", "--check", "--seeds", str(seeds_copy), "--out", str(out)]) == 1
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    assert main(["search", "Calais", "--index", str(out)]) == 0


def test_stale_index_warns_with_the_fix(seeds_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "idx"
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(out)]) == 0
    (seeds_copy / "000_c41d2c88b869987b.txt").write_text("Changed\n\nNothing else.", encoding="utf-8")
    QA.load(Settings(seeds_dir=seeds_copy, index_dir=out))
    assert "stale" in caplog.text and "000_c41d2c88b869987b.txt" in caplog.text and "python -m qa build" in caplog.text
