"""The on-disk index: oracle search, round trip, validation errors, staleness and atomic rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.build import build_index, index_is_current, stale_files
from qa.config import PARSER_VERSION
from qa.index import IncompatibleIndexError, Index, Manifest, MissingIndexError
from qa.retriever import Retriever
from qa.stores.faiss import FaissStore
from qa.types import Chunk
from tests.conftest import SEEDS, HashingEncoder

CHUNKING = {"chunk_words": 60, "overlap_words": 15}
RECORDED = {**CHUNKING, "parser": PARSER_VERSION}  # what a build records: the chunking and the parsing


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def make_manifest(dim: int) -> Manifest:
    return Manifest("test/model", dim, CHUNKING, {}, {}, {}, {"chunks": 0})


def make_chunks(n: int) -> list[Chunk]:
    return [Chunk(f"a:{i}", "a", "t", f"text {i}", i, i + 1) for i in range(n)]


def test_search_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    vectors = normalise(rng.normal(size=(50, 16)).astype(np.float32))
    index = Index.from_vectors(vectors, make_chunks(50), make_manifest(16))
    for row in (0, 7, 49):
        expected = np.argsort(-(vectors @ vectors[row]))[:5]
        assert [index.chunks[r].id for r, _ in index.search_rows(vectors[row], 5)] == [f"a:{i}" for i in expected]


def test_save_load_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    vectors = normalise(rng.normal(size=(20, 8)).astype(np.float32))
    Index.from_vectors(vectors, make_chunks(20), make_manifest(8)).save(tmp_path)
    loaded = Index.load(tmp_path)
    assert loaded.chunks == make_chunks(20)
    assert loaded.chunks[loaded.search_rows(vectors[3], 3)[0][0]].id == "a:3"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["dim"] == 8 and manifest["format_version"] == 3
    assert not list(tmp_path.glob("*.pkl")) and not list(tmp_path.glob("*.pickle"))


def test_manifest_records_model_chunking_and_hashes(fake_index_dir: Path) -> None:
    manifest = json.loads((fake_index_dir / "manifest.json").read_text())
    assert manifest["embed_model"] == "test/hashing-64"
    assert manifest["chunking"] == RECORDED
    assert set(manifest["files"]) == {p.name for p in SEEDS.glob("*.txt")}
    assert manifest["counts"]["articles"] == 5


def test_missing_index_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(MissingIndexError, match="python -m qa build"):
        Index.load(tmp_path / "nowhere")


def copy_index(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for path in src.iterdir():
        (dst / path.name).write_bytes(path.read_bytes())
    return dst


def artifact(index_dir: Path, role: str) -> Path:
    return index_dir / json.loads((index_dir / "manifest.json").read_text())["artifacts"][role]["file"]


def test_truncated_faiss_file_is_reported(fake_index_dir: Path, tmp_path: Path) -> None:
    broken = copy_index(fake_index_dir, tmp_path / "idx")
    path = artifact(broken, "vectors")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IncompatibleIndexError, match=r"damaged.*python -m qa build"):
        Index.load(broken)


def test_edited_chunk_file_is_reported(fake_index_dir: Path, tmp_path: Path) -> None:
    broken = copy_index(fake_index_dir, tmp_path / "idx")
    path = artifact(broken, "chunks")
    path.write_text(path.read_text().replace("Calais", "Dover", 1))
    with pytest.raises(IncompatibleIndexError, match="damaged"):
        Index.load(broken)


def test_garbled_manifest_is_reported(fake_index_dir: Path, tmp_path: Path) -> None:
    broken = copy_index(fake_index_dir, tmp_path / "idx")
    (broken / "manifest.json").write_text("{not json")
    with pytest.raises(IncompatibleIndexError, match="damaged"):
        Index.load(broken)


def test_another_format_version_is_refused(fake_index_dir: Path, tmp_path: Path) -> None:
    broken = copy_index(fake_index_dir, tmp_path / "idx")
    data = json.loads((broken / "manifest.json").read_text())
    data["format_version"] = 99
    (broken / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IncompatibleIndexError, match="format version 99"):
        Index.load(broken)


def test_loading_with_another_model_is_refused(fake_index_dir: Path) -> None:
    encoder = HashingEncoder()
    encoder.name = "other/model"
    with pytest.raises(IncompatibleIndexError, match="other/model"):
        Retriever(FaissStore.load(fake_index_dir), encoder)


def test_staleness_is_detected_per_file(seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    build_index(seeds_copy, out, encoder=HashingEncoder(), **CHUNKING)
    assert index_is_current(out, seeds_copy, embed_model="test/hashing-64", chunking=RECORDED)
    assert not index_is_current(out, seeds_copy, embed_model="other", chunking=RECORDED)
    older = {**RECORDED, "parser": PARSER_VERSION - 1}  # built when titles were read another way: rebuilt
    assert not index_is_current(out, seeds_copy, embed_model="test/hashing-64", chunking=older)
    (seeds_copy / "new.txt").write_text("Breaking\n\nSomething happened in Dover today.", encoding="utf-8")
    (seeds_copy / "004_23b41e1308167223.txt").unlink()
    assert stale_files(Index.load(out).manifest, seeds_copy) == ["004_23b41e1308167223.txt", "new.txt"]
    assert not index_is_current(out, seeds_copy, embed_model="test/hashing-64", chunking=RECORDED)


class ExplodingEncoder(HashingEncoder):
    """Fails on its second batch, like a build killed midway."""

    calls = 0

    def encode_passages(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("crash")
        return super().encode_passages(texts)


def test_a_failed_rebuild_leaves_the_previous_index_working(seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    build_index(seeds_copy, out, encoder=HashingEncoder(), **CHUNKING)
    before = Index.load(out)
    (seeds_copy / "new.txt").write_text("Breaking\n\nSomething happened in Dover today.", encoding="utf-8")
    with pytest.raises(RuntimeError, match="crash"):
        build_index(seeds_copy, out, encoder=ExplodingEncoder(), batch_size=8, incremental=False, **CHUNKING)
    after = Index.load(out)
    assert after.chunks == before.chunks
    assert after.manifest.build_id == before.manifest.build_id
    rebuilt = build_index(seeds_copy, out, encoder=HashingEncoder(), **CHUNKING)
    assert rebuilt.counts["articles"] == 6
    assert len(list(out.iterdir())) == 3  # the old build's files are gone


def test_bad_files_are_recorded_as_skipped(seeds_copy: Path, tmp_path: Path) -> None:
    (seeds_copy / "bad.txt").write_bytes(b"\xff\xfe\x00garbage")
    manifest = build_index(seeds_copy, tmp_path / "idx", encoder=HashingEncoder(), **CHUNKING)
    assert "bad.txt" in manifest.skipped
    assert all(c.article_id != "bad.txt" for c in Index.load(tmp_path / "idx").chunks)


def test_structure_is_chosen_by_corpus_size() -> None:
    from qa.index import choose_structure

    assert choose_structure(5_000) == "IDMap2,Flat"
    assert choose_structure(1_000_000) == "IDMap2,IVF4096,SQ8"


def test_ivf_index_matches_exact_search_and_survives_a_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    centres = normalise(rng.normal(size=(20, 32)).astype(np.float32))
    vectors = normalise(centres[rng.integers(0, 20, 3000)] + 0.3 * rng.normal(size=(3000, 32)).astype(np.float32))
    manifest = Manifest(
        "test/model", 32, CHUNKING, {}, {}, {}, {"chunks": 3000}, faiss_index="IDMap2,IVF16,SQ8", nprobe=16
    )
    vids = [10_000 + 7 * i for i in range(3000)]
    Index.from_vectors(vectors, make_chunks(3000), manifest, vids).save(tmp_path)
    index = Index.load(tmp_path)
    assert index.manifest.faiss_index == "IDMap2,IVF16,SQ8"
    hits = 0
    for q in range(0, 3000, 100):
        exact = set(np.argsort(-(vectors @ vectors[q]))[:10])
        hits += len(exact & {row for row, _ in index.search_rows(vectors[q], 10)})
    assert hits / (30 * 10) >= 0.9
    assert np.allclose(index.vectors([vids[5]])[0], vectors[5], atol=0.05)


def test_build_switches_to_ivf_past_the_flat_limit(seeds_copy: Path, tmp_path: Path) -> None:
    manifest = build_index(seeds_copy, tmp_path / "idx", encoder=HashingEncoder(), flat_max_chunks=10, **CHUNKING)
    assert manifest.faiss_index.startswith("IDMap2,IVF")
    index = Index.load(tmp_path / "idx")
    assert len(index.search_rows(HashingEncoder().encode_queries(["Calais mayor"])[0], 5)) == 5


def test_bf16_embedding_matches_fp32() -> None:
    """The encoder autocasts to bf16 where the CPU has it; its vectors must stay interchangeable with fp32's."""
    import numpy as np

    from qa.embedding import SentenceTransformerEncoder, resolve_model_path

    model = resolve_model_path("all-MiniLM-L6-v2")
    texts = ["France's interior minister met Theresa May in Calais.", "How many migrants are in Calais?"]
    fp32 = SentenceTransformerEncoder(model, name="m", bf16=False).encode_passages(texts)
    bf16 = SentenceTransformerEncoder(model, name="m", bf16=True).encode_passages(texts)
    assert fp32.shape == bf16.shape == (2, 384)
    assert np.all(np.sum(fp32 * bf16, axis=1) > 0.995)


class Crash(Exception):
    """A crash injected into one write step of Index.save."""


def crash_at(monkeypatch: pytest.MonkeyPatch, step: int) -> list[str]:
    """Make the step-th file write, rename or FAISS write of the process fail (a write fails halfway through its
    data, as a full disk or a kill would leave it). Returns the log of steps seen."""
    import faiss

    seen: list[str] = []

    def hit(what: str) -> bool:
        seen.append(what)
        return len(seen) - 1 == step

    real_open, real_replace, real_write_index = Path.open, Path.replace, faiss.write_index

    def open_(self: Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(self, mode, *args, **kwargs)
        if "w" not in mode or not hit(f"write {self.name}"):
            return handle

        real_write = handle.write

        def write(text: str) -> int:
            real_write(text[: len(text) // 2])
            handle.flush()
            raise Crash(f"crashed writing {self.name}")

        handle.write = write  # type: ignore[method-assign]
        return handle

    def replace(self: Path, target):  # type: ignore[no-untyped-def]
        if hit(f"rename {self.name} -> {Path(target).name}"):
            raise Crash(f"crashed renaming {self.name}")
        return real_replace(self, target)

    def write_index(index, path: str) -> None:  # type: ignore[no-untyped-def]
        if hit(f"faiss {Path(path).name}"):
            Path(path).write_bytes(b"\x00" * 10)  # a torn file
            raise Crash("crashed writing the vectors")
        real_write_index(index, path)

    monkeypatch.setattr(Path, "open", open_)
    monkeypatch.setattr(Path, "replace", replace)
    monkeypatch.setattr(faiss, "write_index", write_index)
    return seen


def test_a_crash_at_any_write_step_of_a_save_leaves_a_whole_index(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write step of a rebuild's save is made to fail in turn: the index on disk is always the previous one
    or the new one, whole, and answers as that one did."""
    from qa import QA, Settings
    from tests.conftest import FirstSentenceReader

    def answers(out: Path) -> list[str | None]:
        qa = QA(
            Retriever(FaissStore.load(out), HashingEncoder()), FirstSentenceReader(), Settings(min_answer_score=0.0)
        )
        return [qa.answer(q).text for q in ("Who is the mayor of Calais?", "What happened in Dover?")]

    import shutil

    out, pristine = tmp_path / "idx", tmp_path / "pristine"
    build_index(seeds_copy, pristine, encoder=HashingEncoder(), **CHUNKING)
    old_id, old_answers = Index.load(pristine).manifest.build_id, answers(pristine)
    (seeds_copy / "new.txt").write_text("Breaking\n\nA ferry ran aground in Dover today.", encoding="utf-8")
    outcomes = []
    for step in range(50):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        with monkeypatch.context() as patch:
            seen = crash_at(patch, step)
            try:
                build_index(seeds_copy, out, encoder=HashingEncoder(), incremental=False, **CHUNKING)
                crashed = False
            except Crash:
                crashed = True
        index = Index.load(out)  # never raises: old or new, always whole
        outcomes.append((seen[-1], index.manifest.build_id == old_id))
        if index.manifest.build_id == old_id:
            assert answers(out) == old_answers
        else:
            assert index.manifest.counts["articles"] == 6 and any(c.article_id == "new.txt" for c in index.chunks)
            assert "A ferry ran aground in Dover today." in (answers(out)[1] or "")
        if not crashed:
            break
    print(outcomes)
    assert len(outcomes) >= 5, outcomes  # vectors, chunks (write + rename), manifest (write + rename) were all hit
    assert any(old for _, old in outcomes) and not outcomes[-1][1]
