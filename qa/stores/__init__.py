"""Where the chunks and their vectors live: the FAISS files in the index folder (the default), or a Milvus
collection (Milvus Lite in a local folder, a Milvus server or a managed cluster), chosen by a URI (QA_STORE).

Both answer the same small interface, so the retriever, the answer step, the chat and the API never know which
one they search. Building is each store's own (qa.build for the files, qa.stores.milvus_build for Milvus): both
plan the same stable chunk ids and embed only what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.index import Manifest
from qa.types import Chunk

__all__ = ["Store", "StoreError", "StoreTarget", "parse_store", "ranked"]


class Store(Protocol):
    """Search by vector and by words; fetch chunks by their stable vector ids (qa.index.vector_id)."""

    @property
    def manifest(self) -> Manifest: ...

    @property
    def structure(self) -> str:
        """What searches the vectors, in words ("FAISS IDMap2,Flat", "Milvus Lite FLAT")."""
        ...

    def dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """(vector id, inner product) of the n nearest chunks, best first (ranked)."""
        ...

    def lexical(self, query: str, n: int) -> list[tuple[int, float]]:
        """(vector id, BM25 score) of up to n chunks sharing a word with the query, best first (ranked)."""
        ...

    def chunks(self, vids: Sequence[int]) -> list[Chunk]:
        """The chunks of these vector ids, in the same order."""
        ...

    def articles(self) -> list[Chunk]:
        """The first chunk of every indexed article (its title, outlet and date), by file name."""
        ...


def ranked(hits: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    """Best first, equal scores (to six significant digits: two engines' float sums differ in the last bits) by
    vector id: each engine orders ties its own way, and a tie's order moves the fused ranking."""
    return sorted(hits, key=lambda hit: (-float(f"{hit[1]:.6g}"), hit[0]))


@dataclass(frozen=True)
class StoreTarget:
    """A parsed QA_STORE: which store, and for Milvus where and which collection."""

    kind: str  # "faiss" | "milvus"
    uri: str = ""  # FAISS: the index folder; Milvus: a local database (Lite) or an http(s) address (server, cluster)
    collection: str = "newsqa"
    token: str = field(default="", repr=False)  # a server's token (Settings.milvus_token): never printed

    @property
    def lite(self) -> bool:
        return self.kind == "milvus" and not self.uri.startswith(("http://", "https://"))

    def describe(self) -> str:
        """Where the index is, for messages: the FAISS index folder, or the Milvus database and collection."""
        if self.kind == "faiss":
            return self.uri
        return f"Milvus {'Lite ' if self.lite else ''}{self.uri} collection {self.collection}"


STORE_FORMS = (
    "'' or 'faiss' (the index folder's files), 'milvus' (Milvus Lite in the index folder), 'milvus:PATH' "
    "(Milvus Lite there), 'milvus://HOST:PORT' (a server), 'milvus:https://ADDRESS' (a cluster; token from "
    "QA_MILVUS_TOKEN); add '?collection=NAME' to choose the collection"
)


def parse_store(value: str, index_dir: Path, token: str = "") -> StoreTarget:
    """QA_STORE / --store -> a StoreTarget; ValueError naming the accepted forms for anything else."""
    target = parse_uri(value, index_dir)
    return replace(target, token=token) if target.kind == "milvus" else target


def parse_uri(value: str, index_dir: Path) -> StoreTarget:
    text = value.strip()
    if text in ("", "faiss"):
        return StoreTarget("faiss", str(index_dir))
    base, _, query = text.partition("?")
    collection = "newsqa"
    for part in filter(None, query.split("&")):
        key, _, val = part.partition("=")
        if key != "collection" or not val.replace("_", "").isalnum() or not val[0].isalpha():
            raise ValueError(f"store option {part!r} is not collection=NAME (letters, digits, _); use {STORE_FORMS}")
        collection = val
    if base == "milvus":
        return StoreTarget("milvus", str(index_dir / "milvus.db"), collection)
    if base.startswith("milvus://"):
        return StoreTarget("milvus", "http://" + base.removeprefix("milvus://"), collection)
    if base.startswith("milvus:") and len(base) > len("milvus:"):
        where = base.removeprefix("milvus:")
        if where.startswith(("http://", "https://")):
            return StoreTarget("milvus", where, collection)
        if not where.endswith(".db"):
            raise ValueError(f"a Milvus Lite store is milvus:PATH with a path ending in .db, not {where!r}")
        return StoreTarget("milvus", str(Path(where).expanduser().resolve()), collection)
    raise ValueError(f"unknown store {value!r}: use {STORE_FORMS}")


class StoreError(ConnectionError):
    """The store cannot be reached, opened or written now (a Milvus server down or refusing a request, a Lite
    database open in another process); the message says which and what to do."""
