"""The on-disk index: FAISS vectors, chunk metadata as JSONL and a manifest that describes and validates them.

Layout of an index folder (only this module touches it):
  manifest.json            written last, atomically: names the build's files and their sha256
  index-<build>.faiss      inner product over L2-normalised vectors; row i <-> line i of the chunk file
  chunks-<build>.jsonl     one Chunk per line
FAISS ids are stable vector ids derived from content (vector_id), never row numbers.
A rebuild writes new <build> files beside the old ones and then replaces manifest.json in one rename, so a
crash at any moment leaves the previous index whole and loadable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from qa.types import Chunk

logger = logging.getLogger(__name__)

FORMAT_VERSION = 3
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
    faiss_index: str = "IDMap2,Flat"  # see choose_structure
    nprobe: int = 32  # IVF lists searched per query (IVF structures only)
    last_build: dict[str, Any] = field(default_factory=dict)  # what the build embedded and reused
    versions: dict[str, str] = field(default_factory=dict)
    store: str = "faiss"  # faiss (this folder's files) | milvus (qa.stores.milvus: artifacts name the collection)
    corpus: str = ""  # the folder of articles it was built from (absolute): no other folder's build writes here

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


def chunk_to_json(chunk: Chunk, vid: int) -> str:
    return json.dumps({"vid": vid, **asdict(chunk)}, ensure_ascii=False)


FLAT_MAX_CHUNKS = 200_000  # exact search stays under ~20 ms on two cores up to about here
IVF_TRAIN_POINTS = 40 * 4096  # faiss wants about 39 training points per list; 4096 lists at most


def choose_structure(n_chunks: int, flat_max: int = FLAT_MAX_CHUNKS) -> str:
    """Exact flat search while it is fast enough; then an inverted file with 8-bit scalar codes (4x less RAM)."""
    if n_chunks <= flat_max:
        return "IDMap2,Flat"
    nlist = int(2 ** round(np.log2(4 * np.sqrt(n_chunks))))
    return f"IDMap2,IVF{nlist},SQ8"


def new_faiss_index(structure: str, dim: int, train: np.ndarray) -> Any:
    """An empty id-mapped FAISS index of the named structure, trained on (a sample of) the vectors if needed."""
    import faiss

    inner = faiss.index_factory(dim, structure.removeprefix("IDMap2,"), faiss.METRIC_INNER_PRODUCT)
    if not inner.is_trained:
        sample = train[np.random.default_rng(0).permutation(len(train))[:IVF_TRAIN_POINTS]]
        inner.train(sample)
    index = faiss.IndexIDMap2(inner)
    if structure != "IDMap2,Flat":
        faiss.extract_index_ivf(inner).make_direct_map()  # lets reconstruct() reuse vectors in incremental builds
    return index


def set_search_params(index: Any, manifest: Manifest) -> None:
    """Apply the recorded nprobe to an IVF index (exact indexes have nothing to set)."""
    import faiss

    if "IVF" in manifest.faiss_index:
        faiss.extract_index_ivf(index).nprobe = int(manifest.nprobe)


def vector_id(chunk: Chunk, file_sha256: str) -> int:
    """A stable 60-bit FAISS id from the article's content hash and the chunk's place in it.

    Ids never depend on row numbers, so removing one article cannot shift another's citations.
    """
    return int(hashlib.sha256(f"{file_sha256}:{chunk.start}:{chunk.end}".encode()).hexdigest()[:15], 16)


class Index:
    """Vectors plus chunks, searchable by a query vector. FAISS ids are stable content-derived vector ids."""

    def __init__(self, faiss_index: Any, chunks: Sequence[Chunk], vids: Sequence[int], manifest: Manifest) -> None:
        if not faiss_index.ntotal == len(chunks) == len(vids) or faiss_index.d != manifest.dim:
            raise IncompatibleIndexError(
                f"index holds {faiss_index.ntotal} vectors of dim {faiss_index.d} but {len(chunks)} chunks "
                f"of dim {manifest.dim} were expected; {BUILD_FIX} --force"
            )
        self.faiss = faiss_index
        self.chunks = list(chunks)
        self.vids = [int(v) for v in vids]
        self.manifest = manifest
        self.position = {vid: row for row, vid in enumerate(self.vids)}

    @classmethod
    def from_vectors(
        cls, vectors: np.ndarray, chunks: Sequence[Chunk], manifest: Manifest, vids: Sequence[int] | None = None
    ) -> Index:
        """Build the FAISS structure the manifest names (exact flat, or IVF with 8-bit codes for big corpora)."""
        ids = np.asarray(list(range(len(chunks))) if vids is None else vids, dtype=np.int64)
        index = new_faiss_index(manifest.faiss_index, manifest.dim, np.ascontiguousarray(vectors, dtype=np.float32))
        if len(vectors):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
        set_search_params(index, manifest)
        return cls(index, chunks, ids.tolist(), manifest)

    def search_rows(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, inner product) of the k nearest chunks, best first."""
        k = min(k, len(self.chunks))
        if k <= 0:
            return []
        scores, ids = self.faiss.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        return [(self.position[int(i)], float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def vectors(self, vids: Sequence[int]) -> np.ndarray:
        """Stored vectors by vector id (to reuse them when only other articles changed)."""
        out = np.zeros((len(vids), self.manifest.dim), dtype=np.float32)
        for n, vid in enumerate(vids):
            out[n] = self.faiss.reconstruct(int(vid))
        return out

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
            set_search_params(faiss_index, manifest)
        except RuntimeError as err:
            raise IncompatibleIndexError(f"cannot read {paths['vectors']}: {err}; {BUILD_FIX} --force") from err
        try:
            rows = [json.loads(line) for line in paths["chunks"].read_text(encoding="utf-8").splitlines() if line]
            chunks = [chunk_from_json(row) for row in rows]
            vids = [int(row["vid"]) for row in rows]
        except (ValueError, TypeError, KeyError) as err:
            raise IncompatibleIndexError(f"{paths['chunks']} is damaged ({err}); {BUILD_FIX} --force") from err
        return cls(faiss_index, chunks, vids, manifest)

    def save(self, index_dir: Path) -> Manifest:
        """Write this index beside any existing one, then swap the manifest in atomically."""
        import faiss

        index_dir.mkdir(parents=True, exist_ok=True)
        build = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        vectors = index_dir / f"index-{build}.faiss"
        chunks = index_dir / f"chunks-{build}.jsonl"
        faiss.write_index(self.faiss, str(vectors))
        write_durably(chunks, "".join(chunk_to_json(c, v) + "\n" for c, v in zip(self.chunks, self.vids, strict=True)))
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


def chunk_from_json(row: dict[str, Any]) -> Chunk:
    """A chunk from its JSONL row (JSON has lists where the dataclass keeps tuples)."""
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k != "vid"}
    return Chunk(**fields)


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
