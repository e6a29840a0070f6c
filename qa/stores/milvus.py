"""The Milvus store: one collection of chunks per index (vector id as primary key, the chunk's words analysed for
Milvus's BM25 function, its metadata and its dense vector), and a small manifest collection beside it.

Consistency without transactions: a build writes its rows first (new vector ids for new or changed articles),
flushes, and only then switches the manifest (one row upserted); rows the manifest does not name (an article's
old version until the cleanup after the switch, or rows of a build that died) are never answered from, because
every hit is checked against the manifest's file hashes. So at any moment the previous state or the new one
answers, never a mixture. The same code runs on Milvus Lite (a local folder) and on a server (qa.stores).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from qa.index import BUILD_FIX, IncompatibleIndexError, Manifest, chunk_from_json
from qa.lexical import terms
from qa.stores import StoreError, StoreTarget, ranked
from qa.stores.milvus_manifest import MAX_LIMIT, read_manifest
from qa.types import Chunk

logger = logging.getLogger(__name__)


def connect(target: StoreTarget) -> Any:
    """A MilvusClient for the target (with its token, from QA_MILVUS_TOKEN: never in the URI or a log line)."""
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError as err:
        need = "pip install -r requirements.txt (or pip install '.[milvus]')"
        raise StoreError(f"the Milvus store needs pymilvus and milvus-lite, which are not installed: {need}") from err
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)  # its RPC errors are re-raised below with the fix
    # Milvus Lite serves the client in-process over gRPC and logs, as an error, each call it does not implement
    # (pymilvus asks for a server timestamp and falls back to its own): nothing for a user to act on.
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    logging.getLogger("milvus_lite").setLevel(logging.CRITICAL)  # a folder locked by another process: see below
    if target.lite:
        Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=target.uri, token=target.token)
    except MilvusException as err:
        hint = (
            "; Milvus Lite lets one process open a database at a time: stop the other one (a running chat or "
            "build), or use a Milvus server"
            if target.lite
            else ""
        )
        raise StoreError(f"cannot open {target.describe()}: {err.message}{hint}") from err


@contextmanager
def refused(target: StoreTarget, doing: str) -> Iterator[None]:
    """Milvus's own errors as a StoreError that says what was being done where."""
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as err:
        raise StoreError(f"{target.describe()} failed while {doing}: {err.message}") from err


def live(manifest: Manifest, entity: dict[str, Any]) -> bool:
    """Whether a row belongs to the manifest's state: its article at exactly the hashed version it names."""
    return bool(manifest.files.get(entity["article_id"]) == entity["file_sha"])


class MilvusStore:
    """A built Milvus index, searched through our own fusion (qa.retriever) of its dense and BM25 rankings."""

    def __init__(self, client: Any, target: StoreTarget, manifest: Manifest, rows: int) -> None:
        self.client = client
        self.target = target
        self._manifest = manifest
        self.collection = manifest.artifacts["collection"]["name"]
        self.orphans = max(0, rows - int(manifest.counts.get("chunks", 0)))  # rows searched past, see live()
        self._articles: list[Chunk] | None = None  # listed once: a store is one manifest's state

    @classmethod
    def open(cls, target: StoreTarget) -> MilvusStore:
        """Connect, read the manifest and load its collection; MissingIndexError / IncompatibleIndexError with the
        fix, StoreError when the store cannot be reached."""
        client = connect(target)
        with refused(target, "opening the index"):
            manifest = read_manifest(client, target)
            name = manifest.artifacts.get("collection", {}).get("name", "")
            if manifest.store != "milvus" or not client.has_collection(name):
                fix = f"{BUILD_FIX} --force"
                raise IncompatibleIndexError(f"{target.describe()} has no chunk collection {name!r}; {fix}")
            client.load_collection(name)
            return cls(client, target, manifest, count_rows(client, name))

    @property
    def manifest(self) -> Manifest:
        return self._manifest

    def close(self) -> None:
        """Let go of the connection; for Milvus Lite also of its folder, which one process opens at a time (this
        stops the in-process Lite server of that folder, so every client of it in this process)."""
        self.client.close()
        if self.target.lite:
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(self.target.uri)

    @property
    def structure(self) -> str:
        return f"{'Milvus Lite' if self.target.lite else 'Milvus'} {self.manifest.artifacts['collection']['index']}"

    def dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        data = [np.asarray(vector, dtype=np.float32).tolist()]
        return self.search("vector", data, n, {"metric_type": "IP", "params": {"ef": max(128, n + self.orphans)}})

    def lexical(self, query: str, n: int) -> list[tuple[int, float]]:
        words = terms([query])[0]
        return self.search("sparse", [" ".join(words)], n, {"metric_type": "BM25"}) if words else []

    def search(self, field: str, data: list[Any], n: int, params: dict[str, Any]) -> list[tuple[int, float]]:
        """(vector id, score) of the n best live rows (BM25 distances come negative from Milvus Lite), searching
        past the rows no manifest names (orphans)."""
        if n <= 0:
            return []
        limit = min(n + self.orphans, MAX_LIMIT)
        fields = ["article_id", "file_sha"]
        with refused(self.target, "searching"):
            result = self.client.search(self.collection, data=data, anns_field=field, limit=limit,
                                        output_fields=fields, search_params=params)  # fmt: skip
        found = [(int(h["vid"]), abs(float(h["distance"]))) for h in result[0] if live(self.manifest, h["entity"])]
        return ranked(found[:n])

    def chunks(self, vids: Sequence[int]) -> list[Chunk]:
        if not vids:
            return []
        with refused(self.target, "fetching chunks"):
            rows = self.client.get(self.collection, ids=[int(v) for v in vids], output_fields=["chunk"])
        by_vid = {int(row["vid"]): row["chunk"] for row in rows}
        missing = [v for v in vids if int(v) not in by_vid]
        if missing:
            raise IncompatibleIndexError(f"{self.target.describe()} lost {len(missing)} chunks; {BUILD_FIX} --force")
        return [chunk_from_json(by_vid[int(v)]) for v in vids]

    def articles(self) -> list[Chunk]:
        if self._articles is None:
            rows = int(self.manifest.counts.get("articles", 0)) + self.orphans
            fields = ["article_id", "file_sha", "chunk"]
            with refused(self.target, "listing the articles"):
                found = list(scan(self.client, self.collection, "ordinal == 0", fields, rows))
            first = {row["article_id"]: chunk_from_json(row["chunk"]) for row in found if live(self.manifest, row)}
            self._articles = [first[name] for name in sorted(first)]
        return list(self._articles)


def count_rows(client: Any, collection: str) -> int:
    return int(client.query(collection, filter="", output_fields=["count(*)"])[0]["count(*)"])


ID_SPACE = 1 << 60  # vector ids are 60-bit content hashes (qa.index.vector_id), spread evenly over this range


def scan(client: Any, collection: str, expression: str, fields: list[str], rows: int) -> Iterator[dict[str, Any]]:
    """Every row of a chunk collection that matches the expression, by ranges of vector ids small enough for one
    query each (a query returns at most MAX_LIMIT rows; Milvus Lite has no query iterator)."""
    buckets = max(1, -(-rows // 4_000))
    width = -(-ID_SPACE // buckets)
    ranges = [(lo, min(lo + width, ID_SPACE)) for lo in range(0, ID_SPACE, width)]
    while ranges:
        lo, hi = ranges.pop()
        test = f"vid >= {lo} and vid < {hi}" + (f" and ({expression})" if expression else "")
        batch = client.query(collection, filter=test, output_fields=fields, limit=MAX_LIMIT)
        if len(batch) >= MAX_LIMIT:  # too many in this range to be sure all came back: halve it
            ranges += [(lo, (lo + hi) // 2), ((lo + hi) // 2, hi)]
            continue
        yield from batch
