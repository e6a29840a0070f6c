"""Settings -> the working parts: the embedder, the reader, the current index (built when missing or stale by
ensure_index) and the retriever over it.

The one place that turns configuration into objects; QA.load puts the parts together.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from qa import build
from qa.config import Settings
from qa.embedding import Encoder, SentenceTransformerEncoder, encoder_name, resolve_model_path
from qa.index import Index, Manifest
from qa.onnx_encoder import OnnxInt8Encoder
from qa.reader import TransformersReader
from qa.retriever import Retriever

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
def cached_reader(model_dir: Path, max_answer_tokens: int, threads: int, precision: str) -> TransformersReader:
    """One reader per process, model folder and precision (shared by the default QA and qa.read)."""
    return TransformersReader(
        Path(model_dir),
        max_answer_tokens=max_answer_tokens,
        threads=threads,
        precision=precision,
    )


def reader(settings: Settings) -> TransformersReader:
    return cached_reader(
        settings.reader_model,
        settings.max_answer_tokens,
        settings.threads,
        settings.reader_precision,
    )


def index(settings: Settings) -> Index:
    """The index in settings.index_dir; a corpus changed since the build is a warning, not an error."""
    loaded = Index.load(settings.index_dir)
    changed = build.stale_files(loaded.manifest, settings.seeds_dir) if settings.seeds_dir.is_dir() else []
    if changed:
        logger.warning(
            "the index in %s is stale (%s changed since it was built); run `python -m qa build`",
            settings.index_dir,
            ", ".join(changed),
        )
    return loaded


def retriever(settings: Settings) -> Retriever:
    return Retriever(index(settings), encoder(settings))


def index_is_current(settings: Settings) -> bool:
    """Whether settings.index_dir holds a loadable index of settings.seeds_dir with this model and chunking."""
    name = encoder_name(settings.embed_model, settings.embed_backend)
    return build.index_is_current(settings.index_dir, settings.seeds_dir, embed_model=name, chunking=settings.chunking)


def ensure_index(
    settings: Settings, *, force: bool = False, progress: Callable[[int, int], None] | None = None
) -> Manifest | None:
    """Build settings.index_dir from settings.seeds_dir unless it is already current; None if it was."""
    if index_is_current(settings) and not force:
        return None
    logger.info("building the index in %s from %s", settings.index_dir, settings.seeds_dir)
    return build.build_index(
        settings.seeds_dir,
        settings.index_dir,
        encoder=encoder(settings),
        chunk_words=settings.chunk_words,
        overlap_words=settings.overlap_words,
        progress=progress,
        incremental=not force,
    )


def ensure_index_with_progress(settings: Settings, *, force: bool = False) -> Manifest | None:
    """ensure_index with a progress bar on stderr (`qa build`, `qa serve`, app.py)."""
    import sys

    from tqdm import tqdm

    with tqdm(total=0, desc="embedding chunks", unit="chunk", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return ensure_index(settings, force=force, progress=progress)
