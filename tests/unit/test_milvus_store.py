"""The Milvus store on Milvus Lite (a real embedded Milvus, no server) with the fake encoder: the same rankings as
the FAISS store, incremental updates, refusals and an interrupted update."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qa import QA, Settings
from qa.build import build_index
from qa.index import IncompatibleIndexError, MissingIndexError
from qa.retriever import Retriever
from qa.stores import StoreError, StoreTarget, parse_store
from qa.stores.faiss import FaissStore
from qa.stores.milvus import MilvusStore, count_rows
from qa.stores.milvus_build import build_milvus
from tests.conftest import ROOT, CountingEncoder, FirstSentenceReader, HashingEncoder

CHUNKING = {"chunk_words": 60, "overlap_words": 15}
QUESTIONS = [
    "Reporting by James Regan; editing by Ralph Boulton",
    "Calais mayor Natacha Bouchart Home Affairs Select Committee",
    "joint intervention fund financed by the United Kingdom",
    "How many migrants tried to enter the Channel Tunnel?",
    "What did the Home Office say on 2 July about fencing?",
    "the of and",  # no BM25 words at all
]


def lite(tmp_path: Path) -> StoreTarget:
    return parse_store(f"milvus:{tmp_path / 'milvus.db'}", tmp_path)


def build_both(seeds: Path, tmp_path: Path, encoder: HashingEncoder | None = None) -> tuple[FaissStore, MilvusStore]:
    build_index(seeds, tmp_path / "faiss", encoder=HashingEncoder(), **CHUNKING)
    build_milvus(lite(tmp_path), seeds, tmp_path / "texts", encoder=encoder or HashingEncoder(), chunking=CHUNKING)
    return FaissStore.load(tmp_path / "faiss"), MilvusStore.open(lite(tmp_path))


def rankings(store: FaissStore | MilvusStore) -> list[object]:
    retriever = Retriever(store, HashingEncoder())
    out: list[object] = []
    for q in QUESTIONS:
        vector = retriever.embed(q)
        out.append([v for v, _ in store.dense(vector, 10)])
        out.append([v for v, _ in store.lexical(q, 10)])
        out.append([(p.chunk, round(p.score, 6)) for p in retriever.retrieve(q, 5, deeper=20)])
    return out


def test_store_uris_parse_and_bad_ones_are_refused(tmp_path: Path) -> None:
    assert parse_store("", tmp_path).kind == parse_store("faiss", tmp_path).kind == "faiss"
    assert parse_store("", tmp_path).describe() == str(tmp_path)  # messages name the index folder
    assert parse_store("milvus", tmp_path) == StoreTarget("milvus", str(tmp_path / "milvus.db"))
    server = parse_store("milvus://db.example:19530?collection=archive", tmp_path)
    assert (server.uri, server.collection, server.lite) == ("http://db.example:19530", "archive", False)
    assert parse_store("milvus:https://x.cloud", tmp_path).uri == "https://x.cloud"
    for bad in ("elastic://x", "milvus:./folder", "milvus?collection=1x", "milvus?colection=a", "milvus:"):
        with pytest.raises(ValueError, match="milvus"):
            parse_store(bad, tmp_path)


def test_same_rankings_and_articles_as_the_faiss_store(seeds_copy: Path, tmp_path: Path) -> None:
    faiss, milvus = build_both(seeds_copy, tmp_path)
    assert rankings(milvus) == rankings(faiss)
    assert milvus.articles() == faiss.articles() and len(faiss.articles()) == 5
    assert milvus.manifest.counts == faiss.manifest.counts and milvus.structure == "Milvus Lite FLAT"


def test_incremental_add_change_delete_embed_only_what_changed(seeds_copy: Path, tmp_path: Path) -> None:
    build_both(seeds_copy, tmp_path)
    (seeds_copy / "zz-new.txt").write_text("Dover news\n\nFerries to Dover were cancelled on Friday.", "utf-8")
    (seeds_copy / "002_f8273654f7973075.txt").unlink()
    changed = seeds_copy / "001_faad21c899ddfd9f.txt"
    changed.write_text(changed.read_text("utf-8").replace("Cazeneuve", "Cazeneuve (minister)"), "utf-8")
    encoder = CountingEncoder()
    report = build_milvus(lite(tmp_path), seeds_copy, tmp_path, encoder=encoder, chunking=CHUNKING).last_build
    assert (report["added"], report["changed"], report["removed"]) == (
        ["zz-new.txt"],
        ["001_faad21c899ddfd9f.txt"],
        ["002_f8273654f7973075.txt"],
    )
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    faiss, milvus = build_both(seeds_copy, fresh)  # a FAISS and a Milvus index built from scratch
    new = [c for c in faiss.index.chunks if c.article_id in ("zz-new.txt", "001_faad21c899ddfd9f.txt")]
    assert report["unchanged"] == 3 and report["embedded_chunks"] == len(encoder.seen) == len(new)
    updated = MilvusStore.open(lite(tmp_path))
    assert rankings(milvus) == rankings(faiss)
    # Vectors rank exactly as a fresh build's. BM25 only nearly: Milvus keeps deleted rows in its BM25 statistics
    # (document count, lengths, frequencies) until it compacts, so after a delete the scores drift a little
    # (README, "Milvus"); the five passages retrieved are still the same ones.
    got, want = rankings(updated), rankings(faiss)
    assert [got[n] for n in range(0, len(got), 3)] == [want[n] for n in range(0, len(want), 3)]
    top = [{c.id for c, _ in ranking[:5]} for ranking in got[2::3]]  # type: ignore[index]
    assert top == [{c.id for c, _ in ranking[:5]} for ranking in want[2::3]]  # type: ignore[index]
    assert count_rows(updated.client, updated.collection) == updated.manifest.counts["chunks"]  # nothing left over
    assert "002_f8273654f7973075.txt" not in {c.article_id for c in updated.articles()}


def test_a_build_that_dies_before_its_switch_leaves_the_previous_state_answering(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faiss, milvus = build_both(seeds_copy, tmp_path)
    expected = rankings(milvus)
    assert expected == rankings(faiss)
    changed = seeds_copy / "003_bd1ad776a86b5c50.txt"
    changed.write_text(changed.read_text("utf-8").replace("Bouchart", "Bouchard"), "utf-8")
    (seeds_copy / "zz-new.txt").write_text("Dover news\n\nNatacha Bouchart visited Dover on Friday.", "utf-8")

    def crash(*args: object) -> None:
        raise KeyboardInterrupt("killed between writing the rows and switching the manifest")

    monkeypatch.setattr("qa.stores.milvus_build.switch_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        build_milvus(lite(tmp_path), seeds_copy, tmp_path, encoder=HashingEncoder(), chunking=CHUNKING)
    monkeypatch.undo()
    reopened = MilvusStore.open(lite(tmp_path))
    assert reopened.orphans > 0  # the dead build's rows are there ...
    assert rankings(reopened) == expected  # ... and never answered from
    build_milvus(lite(tmp_path), seeds_copy, tmp_path, encoder=HashingEncoder(), chunking=CHUNKING)
    repaired = MilvusStore.open(lite(tmp_path))
    assert repaired.orphans == 0 and "zz-new.txt" in {c.article_id for c in repaired.articles()}


def test_another_model_is_refused_and_a_missing_index_named(seeds_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(MissingIndexError, match="python -m qa build"):
        MilvusStore.open(lite(tmp_path))
    _, milvus = build_both(seeds_copy, tmp_path)

    class OtherEncoder(HashingEncoder):
        name = "someone/else-v9"

    with pytest.raises(IncompatibleIndexError, match="build --force"):
        Retriever(milvus, OtherEncoder())
    qa = QA(Retriever(milvus, HashingEncoder()), FirstSentenceReader(), Settings(min_answer_score=0.0))
    assert qa.answer("Who is the mayor of Calais?").text


def test_a_lite_database_held_by_another_process_is_a_clear_error(seeds_copy: Path, tmp_path: Path) -> None:
    _, milvus = build_both(seeds_copy, tmp_path)
    where = tmp_path / "milvus.db"
    code = textwrap.dedent(
        f"""
        from qa.stores import parse_store
        from qa.stores.milvus import MilvusStore
        try:
            MilvusStore.open(parse_store("milvus:{where}", "."))
        except Exception as err:
            print(type(err).__name__, err)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    assert out.startswith("StoreError") and "one process" in out and str(tmp_path) in out
    del milvus


def test_store_error_is_an_expected_cli_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qa.__main__ import main

    assert main(["search", "Calais", "--index", str(tmp_path), "--store", "milvus:./nope"]) == 2
    assert "ending in .db" in capsys.readouterr().err
    assert issubclass(StoreError, ConnectionError)


def test_a_server_that_is_down_is_a_clear_error_and_its_token_is_never_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa.__main__ import main

    monkeypatch.setenv("QA_MILVUS_TOKEN", "root:s3cret-token")
    settings = Settings.from_env()
    assert settings.milvus_token == "root:s3cret-token" and "s3cret" not in repr(settings)
    target = parse_store("milvus://127.0.0.1:1", Path(), settings.milvus_token)
    assert target.token == "root:s3cret-token" and "s3cret" not in repr(target) + target.describe()
    assert main(["search", "Calais", "--store", "milvus://127.0.0.1:1"]) == 2  # nothing listens on port 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open Milvus http://127.0.0.1:1") and "s3cret" not in err


def test_a_collection_that_grows_past_the_flat_size_gets_a_graph_index(seeds_copy: Path, tmp_path: Path) -> None:
    build_both(seeds_copy, tmp_path)
    (seeds_copy / "zz-new.txt").write_text("Dover news\n\nFerries to Dover were cancelled on Friday.", "utf-8")
    build_index(seeds_copy, tmp_path / "faiss", encoder=HashingEncoder(), **CHUNKING)
    manifest = build_milvus(
        lite(tmp_path), seeds_copy, tmp_path, encoder=HashingEncoder(), chunking=CHUNKING, flat_max_chunks=50
    )
    grown = MilvusStore.open(lite(tmp_path))
    assert manifest.artifacts["collection"]["index"] == "HNSW" and grown.structure == "Milvus Lite HNSW"
    assert grown.client.describe_index(grown.collection, "vector")["index_type"] == "HNSW"
    vector = HashingEncoder().encode_queries(["Ferries to Dover cancelled"])[0]
    assert [v for v, _ in grown.dense(vector, 5)] == [
        v for v, _ in FaissStore.load(tmp_path / "faiss").dense(vector, 5)
    ]


def test_a_full_rebuild_writes_a_new_collection_and_drops_the_old_ones(seeds_copy: Path, tmp_path: Path) -> None:
    faiss, milvus = build_both(seeds_copy, tmp_path)
    first = milvus.collection
    milvus.client.create_collection("newsqa_20200101T000000_abcdef", dimension=4)  # left by a rebuild that died
    milvus.client.create_collection("newsqa_archive", dimension=4)  # someone else's: kept
    build_milvus(lite(tmp_path), seeds_copy, tmp_path, encoder=HashingEncoder(), chunking=CHUNKING, incremental=False)
    rebuilt = MilvusStore.open(lite(tmp_path))
    assert rebuilt.collection != first and rankings(rebuilt) == rankings(faiss)
    assert sorted(rebuilt.client.list_collections()) == sorted(
        [rebuilt.collection, "newsqa_manifest", "newsqa_archive"]
    )


def test_a_build_with_another_model_replaces_the_index_instead_of_mixing_vectors(
    seeds_copy: Path, tmp_path: Path
) -> None:
    _, milvus = build_both(seeds_copy, tmp_path)

    class OtherEncoder(HashingEncoder):
        name = "someone/else-v9"

    manifest = build_milvus(lite(tmp_path), seeds_copy, tmp_path, encoder=OtherEncoder(), chunking=CHUNKING)
    assert manifest.last_build["embedded_chunks"] == manifest.counts["chunks"]  # everything embedded again
    assert manifest.artifacts["collection"]["name"] != milvus.collection
    assert milvus.collection not in milvus.client.list_collections()
    assert Retriever(MilvusStore.open(lite(tmp_path)), OtherEncoder()).retrieve("Calais", 3)
