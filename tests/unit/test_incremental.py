"""Incremental builds: only changed articles are embedded; unchanged ones keep identical answers and citations."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa import QA, Settings
from qa.build import build_index
from qa.index import Index
from qa.retriever import Retriever
from qa.stores.faiss import FaissStore
from tests.conftest import CountingEncoder, FirstSentenceReader, HashingEncoder

CHUNKING = {"chunk_words": 60, "overlap_words": 15}
QUESTIONS = [
    "Reporting by James Regan; editing by Ralph Boulton",
    "Calais mayor Natacha Bouchart Home Affairs Select Committee",
    "joint intervention fund financed by the United Kingdom",
]


def answers(index_dir: Path) -> list[tuple[str | None, str | None, int | None, int | None]]:
    qa = QA(
        Retriever(FaissStore.load(index_dir), HashingEncoder(), hybrid=False),
        FirstSentenceReader(),
        Settings(min_answer_score=0.0),
    )
    out = []
    for q in QUESTIONS:
        a = qa.answer(q, 3)
        out.append((a.text, a.article_id, a.start, a.end))
    return out


def test_only_what_changed_is_embedded_and_citations_hold(seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    first = CountingEncoder()
    built = build_index(seeds_copy, out, encoder=first, **CHUNKING)
    assert built.last_build["embedded_chunks"] == len(first.seen) == built.counts["chunks"]
    before = answers(out)
    old_ids = {c.id: v for c, v in zip(Index.load(out).chunks, Index.load(out).vids, strict=True)}

    (seeds_copy / "zz-new.txt").write_text("Dover news\n\nFerries to Dover were cancelled on Friday.", "utf-8")
    (seeds_copy / "002_f8273654f7973075.txt").unlink()
    encoder = CountingEncoder()
    report = build_index(seeds_copy, out, encoder=encoder, **CHUNKING).last_build
    assert report["added"] == ["zz-new.txt"] and report["removed"] == ["002_f8273654f7973075.txt"]
    assert report["changed"] == [] and report["unchanged"] == 4
    assert report["embedded_chunks"] == len(encoder.seen) == 1
    assert all("Dover" in t for t in encoder.seen)

    loaded = Index.load(out)
    for chunk, vid in zip(loaded.chunks, loaded.vids, strict=True):
        if chunk.article_id != "zz-new.txt":
            assert old_ids[chunk.id] == vid  # stable ids: nothing renumbered by the deletion
    assert [a for a in answers(out)] == before


def test_a_changed_article_is_re_embedded_alone(seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    build_index(seeds_copy, out, encoder=HashingEncoder(), **CHUNKING)
    path = seeds_copy / "001_faad21c899ddfd9f.txt"
    path.write_text(path.read_text("utf-8") + "\n\nUpdate: talks resumed on Friday.", "utf-8")
    encoder = CountingEncoder()
    report = build_index(seeds_copy, out, encoder=encoder, **CHUNKING).last_build
    assert report["changed"] == ["001_faad21c899ddfd9f.txt"] and report["unchanged"] == 4
    assert encoder.seen and all(t.startswith("French minister suggests") for t in encoder.seen)


def test_incremental_equals_full_rebuild(seeds_copy: Path, tmp_path: Path) -> None:
    inc, full = tmp_path / "inc", tmp_path / "full"
    build_index(seeds_copy, inc, encoder=HashingEncoder(), **CHUNKING)
    (seeds_copy / "zz-new.txt").write_text("Dover news\n\nFerries to Dover were cancelled on Friday.", "utf-8")
    build_index(seeds_copy, inc, encoder=HashingEncoder(), **CHUNKING)
    build_index(seeds_copy, full, encoder=HashingEncoder(), incremental=False, **CHUNKING)
    a, b = Index.load(inc), Index.load(full)
    assert a.chunks == b.chunks and a.vids == b.vids
    assert np.allclose(a.vectors(a.vids), b.vectors(b.vids))
