"""The default store: the index folder's FAISS vectors and chunk file (qa.index) with a BM25 index (qa.lexical)
built over the chunks in memory when loaded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.index import Index, Manifest
from qa.lexical import LexicalIndex
from qa.stores import ranked
from qa.types import Chunk


class FaissStore:
    """One loaded index folder; searches return stable vector ids, not row numbers."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.bm25 = LexicalIndex(index.chunks)
        self._articles: list[Chunk] | None = None  # worked out once: a store is one build and never changes

    @classmethod
    def load(cls, index_dir: Path) -> FaissStore:
        """Read and validate an index folder (qa.index.Index.load: MissingIndexError / IncompatibleIndexError)."""
        return cls(Index.load(index_dir))

    @property
    def manifest(self) -> Manifest:
        return self.index.manifest

    @property
    def structure(self) -> str:
        return f"FAISS {self.index.manifest.faiss_index}"

    def dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        return ranked([(self.index.vids[row], score) for row, score in self.index.search_rows(vector, n)])

    def lexical(self, query: str, n: int) -> list[tuple[int, float]]:
        return ranked([(self.index.vids[row], score) for row, score in self.bm25.search(query, n)])

    def chunks(self, vids: Sequence[int]) -> list[Chunk]:
        return [self.index.chunks[self.index.position[vid]] for vid in vids]

    def articles(self) -> list[Chunk]:
        if self._articles is None:
            first: dict[str, Chunk] = {}
            for chunk in self.index.chunks:
                first.setdefault(chunk.article_id, chunk)
            self._articles = [first[name] for name in sorted(first)]
        return list(self._articles)
