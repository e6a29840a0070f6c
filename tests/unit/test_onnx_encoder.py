"""The int8 ONNX embedder: exported once into the cache, vectors close to torch's, indexes never mixed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.embedding import encoder_name
from qa.loading import load_encoder

TEXTS = [
    "How many migrants are in Calais?",
    "France's interior minister, Bernard Cazeneuve, met Theresa May in Calais on Thursday to agree new measures.",
    "Eurotunnel",
    "Calais " * 400,  # longer than the model's 256 tokens: truncated, not an error
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.mark.slow
def test_onnx_vectors_agree_with_torch_in_input_order(cache: Path) -> None:
    onnx = load_encoder("all-MiniLM-L6-v2", "onnx-int8", cache_dir=cache)
    torch_vectors = load_encoder("all-MiniLM-L6-v2", "torch").encode_passages(TEXTS)
    vectors = onnx.encode_passages(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same = np.sum(vectors * torch_vectors, axis=1)
    assert np.all(same > 0.98), same  # measured 0.994-0.995
    cross = vectors @ torch_vectors.T  # each text is nearest its own torch vector: the order survived batching
    assert list(np.argmax(cross, axis=1)) == list(range(len(TEXTS)))
    assert np.allclose(onnx.encode_queries(TEXTS), vectors, atol=1e-5)  # threads and batching change nothing
    assert onnx.encode_queries([]).shape == (0, 384) and onnx.encode_passages([]).shape == (0, 384)
    # Texts run alone and unpadded, so the graph takes no attention mask (building one cost a fifth of the time).
    assert [i.name for i in onnx.passage_session.get_inputs()] == ["input_ids"]  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_export_is_cached_reused_and_replaces_older_ones(tmp_path: Path) -> None:
    older = tmp_path / "all-MiniLM-L6-v2-0000000000000000.onnx"  # as if exported from other weights or versions
    older.write_bytes(b"stale")
    (tmp_path / "unrelated.onnx").write_bytes(b"kept")
    first = load_encoder("all-MiniLM-L6-v2", "onnx-int8", cache_dir=tmp_path)
    stamp = first.path.stat().st_mtime_ns  # type: ignore[attr-defined]
    again = load_encoder("all-MiniLM-L6-v2", "onnx-int8", cache_dir=tmp_path)
    assert again.path == first.path and again.path.stat().st_mtime_ns == stamp  # type: ignore[attr-defined]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.path.name, "unrelated.onnx"])  # type: ignore[attr-defined]


@pytest.mark.slow
def test_an_index_built_by_one_backend_is_refused_by_the_other(cache: Path, tmp_path: Path) -> None:
    from qa.index import IncompatibleIndexError
    from qa.loading import ensure_index, index_is_current
    from qa.retriever import Retriever
    from qa.stores.faiss import FaissStore

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Calais mayor\n\nNatacha Bouchart is the mayor of Calais.\n", encoding="utf-8")
    onnx = Settings(seeds_dir=seeds, index_dir=tmp_path / "idx", embed_backend="onnx-int8", cache_dir=cache)
    manifest = ensure_index(onnx)
    assert manifest is not None and manifest.embed_model == "all-MiniLM-L6-v2 (onnx int8)"
    assert index_is_current(onnx)
    torch_settings = Settings(seeds_dir=seeds, index_dir=tmp_path / "idx", embed_backend="torch")
    assert not index_is_current(torch_settings)  # so the app rebuilds rather than mixing vectors
    with pytest.raises(IncompatibleIndexError):
        Retriever(FaissStore.load(onnx.index_dir), load_encoder("all-MiniLM-L6-v2", "torch"))


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend"):
        encoder_name("all-MiniLM-L6-v2", "tensorflow")
    assert encoder_name("all-MiniLM-L6-v2", "torch") == "all-MiniLM-L6-v2"


@pytest.mark.slow
def test_the_rust_tokenizer_gives_the_transformers_ids(cache: Path) -> None:
    from transformers import AutoTokenizer

    from qa.embedding import resolve_model_path

    onnx = load_encoder("all-MiniLM-L6-v2", "onnx-int8", cache_dir=cache)
    reference = AutoTokenizer.from_pretrained(str(resolve_model_path("all-MiniLM-L6-v2")))
    for text in [*TEXTS, "Ünïcödé café — “quotes”, 2,000 migrants"]:
        expected = reference(text, truncation=True, max_length=256)["input_ids"]
        assert onnx.tokenizer.encode(text).ids == expected  # type: ignore[attr-defined]
