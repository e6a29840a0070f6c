"""The Milvus store on Milvus Lite with the real models: the same answers and citations as the FAISS files on the
dev questions, a kill -9 in the middle of an update, a mismatched model refused, and the chat served from it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from qa import QA, Settings
from qa.__main__ import main
from qa.evaluation.questions import load_items
from qa.formatting import format_answer
from qa.loading import ensure_index
from qa.stores import parse_store
from qa.stores.milvus import MilvusStore, count_rows
from tests.conftest import ROOT, SEEDS, SHARED, start_app

pytestmark = pytest.mark.slow
DEV = SHARED / "data" / "dev_questions.json"
KILLS = 8
QUESTION = "Who is the mayor of Calais?"


@pytest.fixture(scope="module")
def milvus_settings(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The seeds built into a Milvus Lite database with the real embedder (what `build --store milvus` does)."""
    folder = tmp_path_factory.mktemp("milvus-index")
    settings = replace(real_settings, index_dir=folder, store="milvus")
    manifest = ensure_index(settings)
    assert manifest is not None and manifest.store == "milvus" and (folder / "milvus.db").is_dir()
    return settings


@pytest.fixture(scope="module")
def milvus_qa(milvus_settings: Settings) -> Iterator[QA]:
    yield QA.load(milvus_settings)


@pytest.mark.skipif(not DEV.is_file(), reason="../shared data not present")
def test_dev_questions_get_the_same_answers_and_citations_as_on_faiss(real_qa: QA, milvus_qa: QA) -> None:
    assert milvus_qa.describe()["structure"] == "Milvus Lite FLAT"
    assert milvus_qa.articles() == real_qa.articles()
    for item in load_items(DEV):
        on_faiss, on_milvus = real_qa.answer(item.question), milvus_qa.answer(item.question)
        assert [(p.chunk, round(p.score, 6)) for p in on_milvus.sources] == [
            (p.chunk, round(p.score, 6)) for p in on_faiss.sources
        ], item.question
        # the whole reply as shown: answer, confidence, citations, other articles' reports
        assert format_answer(on_milvus) == format_answer(on_faiss), item.question


def test_the_cli_builds_asks_and_refuses_another_model(
    milvus_settings: Settings, seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"milvus:{tmp_path / 'cli.db'}"
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(tmp_path), "--store", store]) == 0
    assert "37 chunks" in capsys.readouterr().out
    assert main(["build", "--check", "--seeds", str(seeds_copy), "--out", str(tmp_path), "--store", store]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert main(["ask", QUESTION, "--index", str(tmp_path), "--store", store]) == 0
    assert capsys.readouterr().out.startswith("Natacha Bouchart — ITV News")
    os.environ["QA_EMBED_BACKEND"] = "torch"  # the same model through another backend: other vectors
    try:
        assert main(["search", "Calais", "--index", str(tmp_path), "--store", store]) == 2
    finally:
        del os.environ["QA_EMBED_BACKEND"]
    err = capsys.readouterr().err
    assert err.startswith("error: the index was built with") and "build --force" in err


def test_kill_9_during_an_update_leaves_a_working_index(real_qa: QA, seeds_copy: Path, tmp_path: Path) -> None:
    store = f"milvus:{tmp_path / 'kill.db'}"
    target = parse_store(store, tmp_path)
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(tmp_path), "--store", store]) == 0
    MilvusStore.open(target).close()  # the build's connection too: the builds below run in other processes
    settings = replace(Settings(), seeds_dir=seeds_copy, index_dir=tmp_path, store=store)
    qa = QA.load(settings)
    expected = qa.answer(QUESTION)
    qa.retriever.store.close()  # type: ignore[attr-defined]  # Milvus Lite: one process holds the folder
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "qa", "build", "--seeds", str(seeds_copy), "--out", str(tmp_path)]

    def update(n: int) -> subprocess.Popen[bytes]:
        """A build of a changed article long enough (~30 chunks) that the kill can land while rows are written."""
        text = " ".join(f"On day {n} ferry {i} carried {i * 7} lorries to Dover." for i in range(300))
        (seeds_copy / "extra.txt").write_text(f"Update {n}\n\n{text}", "utf-8")
        out = subprocess.DEVNULL
        return subprocess.Popen([*command, "--store", store], env=env, cwd=ROOT, stdout=out, stderr=out)

    began = time.perf_counter()
    assert update(-1).wait() == 0
    duration = time.perf_counter() - began  # kills land anywhere from start-up to the manifest switch
    outcomes = {"old": 0, "new": 0}
    for n in range(KILLS):
        opened = MilvusStore.open(target)
        before = opened.manifest.build_id
        opened.close()
        proc = update(n)
        time.sleep(rng.uniform(0.3, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        qa = QA.load(settings)  # opens: the lock of the killed process is gone, the manifest whole
        outcomes["old" if qa.manifest.build_id == before else "new"] += 1
        got = qa.answer(QUESTION)
        assert (got.text, got.article_id, got.start, got.end) == (
            expected.text,
            expected.article_id,
            expected.start,
            expected.end,
        )
        qa.retriever.store.close()  # type: ignore[attr-defined]
    print(f"kill -9 outcomes over {KILLS} runs (an update takes {duration:.1f} s): {outcomes}")
    assert outcomes["old"] >= 1  # at least one kill landed before the switch
    assert main(["build", "--seeds", str(seeds_copy), "--out", str(tmp_path), "--store", store]) == 0
    repaired = MilvusStore.open(target)
    assert repaired.manifest.counts["articles"] == 6 and repaired.orphans == 0
    assert count_rows(repaired.client, repaired.collection) == repaired.manifest.counts["chunks"]


def test_the_chat_answers_from_a_milvus_store(tmp_path: Path) -> None:
    """app.py with QA_STORE=milvus: it builds the Lite database at start and answers through gradio_client."""
    from gradio_client import Client

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS.glob("*.txt"):
        (seeds / path.name).write_bytes(path.read_bytes())
    proc, url = start_app(seeds, tmp_path / "index", tmp_path / "app.log", env={"QA_STORE": "milvus"})
    try:
        client = Client(url, verbose=False)
        result = client.predict(QUESTION, api_name="/ask")
        assert (result["answer"], result["article_id"]) == ("Natacha Bouchart", "003_bd1ad776a86b5c50.txt")
        reply = client.predict("Who is France's interior minister?", api_name="/chat")
        assert reply.splitlines()[0].startswith("**Bernard Cazeneuve** — ")
        assert (tmp_path / "index" / "milvus.db").is_dir() and not (tmp_path / "index" / "manifest.json").exists()
        # the Rebuild button updates the Milvus index in place, while questions are answered
        notice = "Harbour notice\n\nThe harbour master of Zeebrugge is Quentin Vandermeulen, officials said.\n"
        (seeds / "zeebrugge.txt").write_text(notice, "utf-8")
        job = client.submit(api_name="/rebuild")
        during = [client.predict("Who is France's interior minister?", api_name="/ask") for _ in range(3)]
        message, summary = job.result(timeout=300)
        assert message == "Index rebuilt." and "zeebrugge.txt" in summary and "Milvus Lite FLAT" in summary
        assert all("Cazeneuve" in (r["answer"] or "") for r in during)
        found = client.predict("Who is the harbour master of Zeebrugge?", api_name="/ask")
        assert (found["answer"], found["article_id"]) == ("Quentin Vandermeulen", "zeebrugge.txt")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
