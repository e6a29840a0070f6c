"""Building the index from the articles: incremental (only changed articles are embedded), atomic, checked."""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa.chunking import chunk_article, indexed_text
from qa.config import Settings, chunking_record
from qa.corpus import corpus_hashes, load_articles
from qa.embedding import Encoder
from qa.index import (
    FLAT_MAX_CHUNKS,
    IncompatibleIndexError,
    Index,
    Manifest,
    MissingIndexError,
    choose_structure,
    read_manifest,
    sha256_file,
    vector_id,
    write_durably,
)
from qa.types import Article, Chunk

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """Which articles a build embeds and which it takes over from the previous index."""

    chunks: list[Chunk]
    vids: list[int]
    reuse: dict[int, bool]  # vid -> taken from the previous index
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: list[str]


def stale_files(manifest: Manifest, seeds_dir: Path) -> list[str]:
    """File names added, changed or removed since the index was built (empty: up to date)."""
    now = corpus_hashes(seeds_dir)
    names = set(now) | set(manifest.files)
    return sorted(n for n in names if now.get(n) != manifest.files.get(n))


def describes(manifest: Manifest, seeds_dir: Path, *, embed_model: str, chunking: dict[str, int]) -> bool:
    """Whether a manifest is of exactly this corpus (no file added, changed or removed), model and chunking."""
    return (
        manifest.embed_model == embed_model and manifest.chunking == chunking and not stale_files(manifest, seeds_dir)
    )


def index_is_current(index_dir: Path, seeds_dir: Path, *, embed_model: str, chunking: dict[str, int]) -> bool:
    """True when index_dir holds a loadable index of exactly this corpus, model and chunking."""
    try:
        manifest = read_manifest(index_dir)
    except (MissingIndexError, IncompatibleIndexError):
        return False
    if not describes(manifest, seeds_dir, embed_model=embed_model, chunking=chunking):
        return False
    return all(
        (index_dir / a["file"]).is_file() and sha256_file(index_dir / a["file"]) == a["sha256"]
        for a in manifest.artifacts.values()
    )


def previous_index(index_dir: Path, encoder: Encoder, chunking: dict[str, int]) -> Index | None:
    """The index already there, if it can donate vectors (same model, dimension and chunking)."""
    try:
        old = Index.load(index_dir)
    except (MissingIndexError, IncompatibleIndexError):
        return None
    same = old.manifest.embed_model == encoder.name and old.manifest.dim == encoder.dim
    return old if same and old.manifest.chunking == chunking else None


def plan_build(
    articles: Sequence[Article],
    hashes: dict[str, str],
    old: Manifest | None,
    chunking: dict[str, int],
    present: Collection[int] | None = None,
) -> Plan:
    """Chunk every article; mark the chunks of articles whose bytes did not change as reusable.

    present: the vector ids the previous index holds (None: every chunk of an article its manifest names, which
    a store that writes rows before the manifest guarantees)."""
    old_files = old.files if old else {}
    chunks: list[Chunk] = []
    vids: list[int] = []
    reuse: dict[int, bool] = {}
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    for article in articles:
        pieces = chunk_article(article, chunk_words=chunking["chunk_words"], overlap_words=chunking["overlap_words"])
        ids = [vector_id(c, hashes[article.id]) for c in pieces]
        same = old_files.get(article.id) == hashes[article.id] and (present is None or all(v in present for v in ids))
        (unchanged if same else changed if article.id in old_files else added).append(article.id)
        chunks += pieces
        vids += ids
        reuse.update(dict.fromkeys(ids, same))
    current = {a.id for a in articles}
    removed = sorted(n for n in old_files if n not in current and n not in (old.skipped if old else {}))
    return Plan(chunks, vids, reuse, added, changed, removed, unchanged)


def embed(
    encoder: Encoder, chunks: Sequence[Chunk], batch_size: int, progress: Callable[[int, int], None] | None
) -> np.ndarray:
    parts = []
    for lo in range(0, len(chunks), batch_size):
        parts.append(encoder.encode_passages([indexed_text(c) for c in chunks[lo : lo + batch_size]]))
        if progress:
            progress(min(lo + batch_size, len(chunks)), len(chunks))
    return np.concatenate(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    *,
    encoder: Encoder,
    chunk_words: int = Settings.chunk_words,
    overlap_words: int = Settings.overlap_words,
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
    incremental: bool = True,
    flat_max_chunks: int = FLAT_MAX_CHUNKS,
) -> Manifest:
    """Parse, chunk, embed what changed and save; the old index stays valid until the manifest swap."""
    chunking = chunking_record(chunk_words, overlap_words)
    hashes = corpus_hashes(seeds_dir)
    articles, skipped = load_articles(seeds_dir)
    old = previous_index(index_dir, encoder, chunking) if incremental else None
    plan = plan_build(articles, hashes, old.manifest if old else None, chunking, set(old.vids) if old else None)
    vectors, embedded = plan_vectors(plan, old, encoder, batch_size, progress)
    manifest = new_manifest(plan, embedded, encoder, chunking, hashes, skipped, len(articles), seeds_dir)
    manifest = replace(manifest, faiss_index=choose_structure(len(plan.chunks), flat_max_chunks))
    keep_texts(index_dir, articles)  # before the swap: the new index's citations must be checkable at once
    return Index.from_vectors(vectors, plan.chunks, manifest, plan.vids).save(index_dir)


def new_manifest(
    plan: Plan,
    embedded: int,
    encoder: Encoder,
    chunking: dict[str, int],
    hashes: dict[str, str],
    skipped: dict[str, str],
    articles: int,
    corpus: Path,
) -> Manifest:
    """What a build records, whichever store it writes (the store fills in its artifacts)."""
    report = {
        "embedded_chunks": embedded,
        "reused_chunks": len(plan.chunks) - embedded,
        "added": plan.added,
        "changed": plan.changed,
        "removed": plan.removed,
        "unchanged": len(plan.unchanged),
    }
    logger.debug("build: %s", report)
    return Manifest(
        embed_model=encoder.name,
        dim=encoder.dim,
        chunking=chunking,
        files=hashes,
        skipped=skipped,
        artifacts={},
        counts={"articles": articles, "chunks": len(plan.chunks), "skipped": len(skipped)},
        versions=library_versions(),
        last_build=report,
        corpus=str(Path(corpus).resolve()),
    )


TEXTS = "texts"


def keep_texts(index_dir: Path, articles: Sequence[Article]) -> None:
    """The extracted text of every converted article (html, pdf) as texts/<file>.txt in the index folder: what
    their offsets point into. Copies of articles no longer in the corpus are removed."""
    folder = index_dir / TEXTS
    wanted = {f"{a.id}.txt": a.text for a in articles if a.format not in ("txt", "md")}
    if not wanted and not folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_durably(path, text)
    for path in folder.iterdir():
        if path.is_file() and path.name not in wanted:
            path.unlink(missing_ok=True)


def plan_vectors(
    plan: Plan, old: Index | None, encoder: Encoder, batch_size: int, progress: Callable[[int, int], None] | None
) -> tuple[np.ndarray, int]:
    """Every planned chunk's vector, embedding only the chunks the previous index cannot donate; and how many
    were embedded."""
    fresh = [c for c, v in zip(plan.chunks, plan.vids, strict=True) if not plan.reuse[v]]
    vectors = np.zeros((len(plan.chunks), encoder.dim), dtype=np.float32)
    new_rows = [i for i, v in enumerate(plan.vids) if not plan.reuse[v]]
    old_rows = [i for i, v in enumerate(plan.vids) if plan.reuse[v]]
    vectors[new_rows] = embed(encoder, fresh, batch_size, progress)
    if old is not None and old_rows:
        vectors[old_rows] = old.vectors([plan.vids[i] for i in old_rows])
    return vectors, len(fresh)


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("faiss-cpu", "sentence-transformers", "transformers", "torch", "pymilvus", "milvus-lite"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out
