"""Settings -> the working parts: the embedder, the reader, the current index in its store (built when missing or
stale by ensure_index) and the retriever over it.

The one place that turns configuration into objects; QA.load puts the parts together.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa import build
from qa.config import Settings
from qa.decision import Decision, resolve
from qa.embedding import Encoder, SentenceTransformerEncoder, encoder_name, resolve_model_path
from qa.hardware import resolve_precision
from qa.index import IncompatibleIndexError, Manifest, MissingIndexError
from qa.onnx_encoder import OnnxInt8Encoder
from qa.reader import TransformersReader
from qa.retriever import Retriever
from qa.stores import Store, StoreTarget, parse_store
from qa.stores.faiss import FaissStore

logger = logging.getLogger(__name__)


def load_encoder(
    model: str, backend: str = "torch", *, cache_dir: Path = Settings.cache_dir, threads: int = 0
) -> Encoder:
    """The embedder for a model name and backend (the ONNX one is exported once into cache_dir)."""
    name = encoder_name(model, backend)  # validates the backend
    path = resolve_model_path(model)
    if backend == "onnx-int8":
        return OnnxInt8Encoder(path, name=name, cache_name=Path(model).name, cache_dir=cache_dir, threads=threads)
    return SentenceTransformerEncoder(path, name=name)


def encoder(settings: Settings) -> Encoder:
    return load_encoder(
        settings.embed_model, settings.embed_backend, cache_dir=settings.cache_dir, threads=settings.threads
    )


@functools.cache
def cached_reader(
    model_dir: Path, max_answer_tokens: int, threads: int, precision: str, cache_dir: Path = Settings.cache_dir
) -> TransformersReader:
    """One reader per process, model folder and precision (shared by the default QA and qa.read): in ONNX Runtime
    where qa.hardware.resolve_precision says so (the export cached in cache_dir), else in torch."""
    if resolve_precision(precision) == "onnx":
        from qa.onnx_reader import OnnxReader

        return OnnxReader(Path(model_dir), cache_dir=cache_dir, max_answer_tokens=max_answer_tokens, threads=threads)
    return TransformersReader(
        Path(model_dir), max_answer_tokens=max_answer_tokens, threads=threads, precision=precision
    )


def decision(settings: Settings) -> Decision:
    """The deployment's decision (qa.decision.resolve), its answer line moved by QA_MIN_ANSWER_SCORE when set."""
    found, where = resolve(settings.decision, settings.index_dir, settings.reader_model)
    logger.debug("decision from %s (%s)", where, found.fitted_on or "no description")
    return found.with_answer_at(settings.min_answer_score)


def reader(settings: Settings) -> TransformersReader:
    """The reader, scoring spans by the model's own calibration (the decision judges the answer: qa.decision)."""
    return cached_reader(
        settings.reader_model,
        settings.max_answer_tokens,
        settings.threads,
        settings.reader_precision,
        settings.cache_dir,
    )


def target(settings: Settings) -> StoreTarget:
    """Where settings.store says the index is searched (qa.stores.parse_store)."""
    return parse_store(settings.store, settings.index_dir, settings.milvus_token)


def store(settings: Settings) -> Store:
    """The built index settings.store names (the FAISS files in settings.index_dir by default); a corpus changed
    since the build is a warning, not an error."""
    where = target(settings)
    if where.kind == "faiss":
        opened: Store = FaissStore.load(settings.index_dir)
    else:
        from qa.stores.milvus import MilvusStore

        opened = MilvusStore.open(where)
    changed = build.stale_files(opened.manifest, settings.seeds_dir) if settings.seeds_dir.is_dir() else []
    if changed:
        logger.warning(
            "the index in %s is stale (%s changed since it was built); run `python -m qa build`",
            where.describe(),
            ", ".join(changed),
        )
    return opened


def retriever(settings: Settings) -> Retriever:
    return Retriever(store(settings), encoder(settings))


def index_is_current(settings: Settings) -> bool:
    """Whether the store holds a loadable index of settings.seeds_dir with this model and chunking."""
    name = encoder_name(settings.embed_model, settings.embed_backend)
    where = target(settings)
    if where.kind == "milvus":
        from qa.stores.milvus_build import is_current

        return is_current(where, settings.seeds_dir, embed_model=name, chunking=settings.chunking)
    return build.index_is_current(settings.index_dir, settings.seeds_dir, embed_model=name, chunking=settings.chunking)


def ensure_index(
    settings: Settings, *, force: bool = False, progress: Callable[[int, int], None] | None = None
) -> Manifest | None:
    """Build settings.index_dir from settings.seeds_dir unless it is already current; None if it was."""
    if index_is_current(settings) and not force:
        return None
    where = target(settings)
    refuse_another_folders(settings)
    logger.debug("building the index in %s from %s", where.describe(), settings.seeds_dir)
    if where.kind == "milvus":
        from qa.stores.milvus_build import build_milvus

        return build_milvus(
            where,
            settings.seeds_dir,
            settings.index_dir,
            encoder=encoder(settings),
            chunking=settings.chunking,
            progress=progress,
            incremental=not force,
        )
    return build.build_index(
        settings.seeds_dir,
        settings.index_dir,
        encoder=encoder(settings),
        chunk_words=settings.chunk_words,
        overlap_words=settings.overlap_words,
        progress=progress,
        incremental=not force,
    )


class IndexOwnedError(ValueError):
    """The index folder holds the index of another folder of articles: a build never writes over it."""


def refuse_another_folders(settings: Settings) -> None:
    """IndexOwnedError when settings.index_dir holds the index of another folder of articles that is still there:
    its manifest names that folder, and it holds fewer than half of this folder's files. A copy of a folder with
    its index, or a folder moved, shares the files and is this folder's; an index from before corpora were
    recorded names none, and is taken as this folder's."""
    from qa.corpus import article_paths
    from qa.index import read_manifest

    try:
        manifest = read_manifest(settings.index_dir)
    except (MissingIndexError, IncompatibleIndexError):
        return
    owner = manifest.corpus
    if not owner or Path(owner) == Path(settings.seeds_dir).resolve() or not Path(owner).is_dir():
        return
    here = {p.name for p in article_paths(settings.seeds_dir)}
    if here and len(here & set(manifest.files)) * 2 >= len(here):
        return
    raise IndexOwnedError(
        f"the index in {settings.index_dir} is the index of {owner}, not of {settings.seeds_dir}: a build never writes "
        f"into another folder's index (give {settings.seeds_dir} its own with --index, or delete {settings.index_dir})"
    )


def ensure_index_with_progress(settings: Settings, *, force: bool = False) -> Manifest | None:
    """ensure_index for people (`qa build`, `qa serve`, `qa ask DIR`, app.py): on stderr, one line a stage, one
    progress bar for the embedding (drawn once it has something to count), and each skipped file once, with why."""
    import sys

    from tqdm import tqdm

    bars: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr, mininterval=0.5))
        bars[0].update(done - bars[0].n)

    if not (index_is_current(settings) and not force):
        print(f"indexing {settings.seeds_dir} into {target(settings).describe()}", file=sys.stderr)
    try:
        manifest = ensure_index(settings, force=force, progress=progress)
    finally:
        for bar in bars:
            bar.close()
    for name, why in (manifest.skipped if manifest else {}).items():
        print(f"skipped {name}: {why}", file=sys.stderr)
    return manifest
