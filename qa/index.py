"""The on-disk index: FAISS vectors, chunk metadata as JSONL and a manifest that describes and validates them.

Layout of an index folder (only this module touches it):
  manifest.json            written last, atomically: names the build's files and their sha256
  index-<build>.faiss      inner product over L2-normalised vectors; row i <-> line i of the chunk file
  chunks-<build>.jsonl     one Chunk per line
A rebuild writes new <build> files beside the old ones and then replaces manifest.json in one rename, so a
crash at any moment leaves the previous index whole and loadable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from qa.chunking import chunk_article
from qa.config import Settings
from qa.corpus import corpus_hashes, load_articles
from qa.embedding import Encoder
from qa.types import Chunk, Passage

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
BUILD_FIX = "run `python -m qa build`"


class MissingIndexError(FileNotFoundError):
    """No usable index where one was expected."""


class IncompatibleIndexError(ValueError):
    """An index that exists but cannot be used as it is (damaged, other model, other format)."""


@dataclass(frozen=True)
class Manifest:
    """What was built, from what, with what."""

    embed_model: str
    dim: int
    chunking: dict[str, int]
    files: dict[str, str]  # article file name -> sha256 of its bytes (skipped files included)
    skipped: dict[str, str]  # file name -> why it was not indexed
    artifacts: dict[str, dict[str, str]]  # role -> {"file", "sha256"}
    counts: dict[str, int]
    build_id: str = ""
    created_at: str = ""
    format_version: int = FORMAT_VERSION
    metric: str = "inner_product"
    faiss_index: str = "IndexFlatIP"
    versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
            version = data.get("format_version") if isinstance(data, dict) else None
            raise IncompatibleIndexError(
                f"index format version {version!r} is not {FORMAT_VERSION}; {BUILD_FIX} --force"
            )
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def chunk_to_json(chunk: Chunk) -> str:
    return json.dumps(asdict(chunk), ensure_ascii=False)


class Index:
    """Vectors plus chunks, searchable by a query vector."""

    def __init__(self, faiss_index: Any, chunks: Sequence[Chunk], manifest: Manifest) -> None:
        if faiss_index.ntotal != len(chunks) or faiss_index.d != manifest.dim:
            raise IncompatibleIndexError(
                f"index holds {faiss_index.ntotal} vectors of dim {faiss_index.d} but {len(chunks)} chunks "
                f"of dim {manifest.dim} were expected; {BUILD_FIX} --force"
            )
        self.faiss = faiss_index
        self.chunks = list(chunks)
        self.manifest = manifest
        self.rows = {c.id: i for i, c in enumerate(self.chunks)}

    def row(self, chunk_id: str) -> int:
        return self.rows[chunk_id]

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, chunks: Sequence[Chunk], manifest: Manifest) -> Index:
        import faiss

        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, chunks, manifest)

    def search(self, query: np.ndarray, k: int) -> list[Passage]:
        """The k chunks nearest to one query vector, best first."""
        k = min(k, len(self.chunks))
        if k <= 0:
            return []
        scores, rows = self.faiss.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        return [Passage(self.chunks[r], float(s)) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0]

    @classmethod
    def load(cls, index_dir: Path) -> Index:
        """Read and validate an index folder; raises MissingIndexError / IncompatibleIndexError with the fix."""
        import faiss

        manifest = read_manifest(index_dir)
        paths = {role: index_dir / art["file"] for role, art in manifest.artifacts.items()}
        for role, path in paths.items():
            if not path.is_file():
                raise MissingIndexError(f"index file {path} is missing; {BUILD_FIX} --force")
            if sha256_file(path) != manifest.artifacts[role]["sha256"]:
                raise IncompatibleIndexError(f"index file {path} is damaged (checksum mismatch); {BUILD_FIX} --force")
        try:
            faiss_index = faiss.read_index(str(paths["vectors"]))
        except RuntimeError as err:
            raise IncompatibleIndexError(f"cannot read {paths['vectors']}: {err}; {BUILD_FIX} --force") from err
        lines = paths["chunks"].read_text(encoding="utf-8").splitlines()
        chunks = [Chunk(**json.loads(line)) for line in lines if line.strip()]
        return cls(faiss_index, chunks, manifest)

    def save(self, index_dir: Path) -> Manifest:
        """Write this index beside any existing one, then swap the manifest in atomically."""
        import faiss

        index_dir.mkdir(parents=True, exist_ok=True)
        build = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        vectors = index_dir / f"index-{build}.faiss"
        chunks = index_dir / f"chunks-{build}.jsonl"
        faiss.write_index(self.faiss, str(vectors))
        write_durably(chunks, "".join(chunk_to_json(c) + "\n" for c in self.chunks))
        fsync_file(vectors)
        artifacts = {
            "vectors": {"file": vectors.name, "sha256": sha256_file(vectors)},
            "chunks": {"file": chunks.name, "sha256": sha256_file(chunks)},
        }
        manifest = Manifest(
            **{
                **asdict(self.manifest),
                "artifacts": artifacts,
                "build_id": build,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        write_durably(index_dir / MANIFEST, json.dumps(asdict(manifest), indent=2) + "\n")
        remove_other_builds(index_dir, keep={vectors.name, chunks.name})
        self.manifest = manifest
        return manifest


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def write_durably(path: Path, text: str) -> None:
    """Write to a temporary sibling, fsync, then rename over path: readers see old or new, never half."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def remove_other_builds(index_dir: Path, keep: set[str]) -> None:
    """Delete files of earlier or interrupted builds (never the ones the manifest names)."""
    for path in index_dir.iterdir():
        leftover = path.name.startswith(("index-", "chunks-", ".")) and path.name not in keep
        if leftover and path.is_file() and path.name != MANIFEST:
            path.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / MANIFEST
    if not path.is_file():
        raise MissingIndexError(f"no index in {index_dir}/; {BUILD_FIX}")
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as err:
        raise IncompatibleIndexError(f"{path} is damaged ({err}); {BUILD_FIX} --force") from err


def stale_files(manifest: Manifest, seeds_dir: Path) -> list[str]:
    """File names added, changed or removed since the index was built (empty: up to date)."""
    now = corpus_hashes(seeds_dir)
    names = set(now) | set(manifest.files)
    return sorted(n for n in names if now.get(n) != manifest.files.get(n))


def index_is_current(index_dir: Path, seeds_dir: Path, *, embed_model: str, chunking: dict[str, int]) -> bool:
    """True when index_dir holds a loadable index of exactly this corpus, model and chunking."""
    try:
        manifest = read_manifest(index_dir)
    except (MissingIndexError, IncompatibleIndexError):
        return False
    if manifest.embed_model != embed_model or manifest.chunking != chunking:
        return False
    if stale_files(manifest, seeds_dir):
        return False
    return all(
        (index_dir / a["file"]).is_file() and sha256_file(index_dir / a["file"]) == a["sha256"]
        for a in manifest.artifacts.values()
    )


def embedding_text(chunk: Chunk) -> str:
    """What the encoder sees: the headline gives every chunk of an article its topic."""
    return f"{chunk.title}\n{chunk.text}"


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    *,
    encoder: Encoder,
    chunk_words: int = 120,
    overlap_words: int = 30,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> Manifest:
    """Parse, chunk, embed and save; returns the new manifest. The old index stays valid until the swap."""
    hashes = corpus_hashes(seeds_dir)
    articles, skipped = load_articles(seeds_dir)
    chunks = [c for a in articles for c in chunk_article(a, chunk_words=chunk_words, overlap_words=overlap_words)]
    parts = []
    for lo in range(0, len(chunks), batch_size):
        parts.append(encoder.encode_passages([embedding_text(c) for c in chunks[lo : lo + batch_size]]))
        if progress:
            progress(min(lo + batch_size, len(chunks)), len(chunks))
    vectors = np.concatenate(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)
    manifest = Manifest(
        embed_model=encoder.name,
        dim=encoder.dim,
        chunking={"chunk_words": chunk_words, "overlap_words": overlap_words},
        files=hashes,
        skipped=skipped,
        artifacts={},
        counts={"articles": len(articles), "chunks": len(chunks), "skipped": len(skipped)},
        versions=library_versions(),
    )
    return Index.from_vectors(vectors, chunks, manifest).save(index_dir)


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("faiss-cpu", "sentence-transformers", "transformers", "torch"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def ensure_index(
    settings: Settings, *, force: bool = False, progress: Callable[[int, int], None] | None = None
) -> Manifest | None:
    """Build settings.index_dir from settings.seeds_dir unless it is already current; None if it was."""
    from qa.embedding import SentenceTransformerEncoder

    chunking = {"chunk_words": settings.chunk_words, "overlap_words": settings.overlap_words}
    current = index_is_current(
        settings.index_dir, settings.seeds_dir, embed_model=settings.embed_model, chunking=chunking
    )
    if current and not force:
        return None
    logger.info("building the index in %s from %s", settings.index_dir, settings.seeds_dir)
    return build_index(
        settings.seeds_dir,
        settings.index_dir,
        encoder=SentenceTransformerEncoder(settings.embed_model),
        chunk_words=settings.chunk_words,
        overlap_words=settings.overlap_words,
        progress=progress,
    )
