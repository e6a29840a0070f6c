"""Question -> passages: the only place that knows both the embedding model and the index."""

from __future__ import annotations

import numpy as np

from qa.dates import metadata_bonus, strip_metadata
from qa.embedding import Encoder
from qa.index import IncompatibleIndexError, Index
from qa.lexical import LexicalIndex
from qa.types import Passage

RRF_K = 10  # reciprocal rank fusion constant; 10 beat the usual 60 on BEIR SciFact (benchmarks/scifact.py)
WEIGHTS = (1.0, 1.0)  # dense, BM25
CONTENT_DEPTH = 200  # how deep the second, metadata-free ranking looks for passages of a named article


def fuse(
    rankings: list[list[int]], k: int, *, rrf_k: int = RRF_K, weights: tuple[float, ...] = WEIGHTS
) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of best-first row lists; scores scaled to [0, 1]."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, row in enumerate(ranking, 1):
            scores[row] = scores.get(row, 0.0) + weight / (rrf_k + rank)
    best = sum(weights) / (rrf_k + 1)
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [(row, score / best) for row, score in ordered[:k]]


class Retriever:
    """Dense retrieval over one index with the model it was built with, fused with BM25 when hybrid."""

    def __init__(self, index: Index, encoder: Encoder, *, hybrid: bool = True, candidates: int = 30) -> None:
        if encoder.name != index.manifest.embed_model:
            raise IncompatibleIndexError(
                f"the index was built with {index.manifest.embed_model!r} but the encoder is {encoder.name!r}; "
                "run `python -m qa build --force` to rebuild it with this model"
            )
        self.index = index
        self.encoder = encoder
        self.hybrid = hybrid
        self.candidates = candidates
        self.lexical = LexicalIndex(index.chunks) if hybrid else None

    def with_index(self, index: Index) -> Retriever:
        """The same retriever (encoder, hybrid or not) over another index: a rebuild's."""
        return Retriever(index, self.encoder, hybrid=self.hybrid, candidates=self.candidates)

    def embed(self, query: str) -> np.ndarray:
        return self.encoder.encode_queries([query])[0]

    def dense(self, vector: np.ndarray, n: int) -> list[int]:
        """Rows of the n nearest chunks, best first."""
        return [row for row, _ in self.index.search_rows(vector, n)]

    def sparse(self, query: str, n: int) -> list[int]:
        """Rows of up to n chunks by BM25, best first (none when not hybrid)."""
        return [row for row, _ in self.lexical.search(query, n)] if self.lexical else []

    def retrieve(self, question: str, k: int, *, deeper: int = 0) -> list[Passage]:
        """The k best passages for the question, best first; with `deeper`, followed by the rest of the `deeper`
        best (the k first exactly as without it: a deeper fusion alone would reorder them)."""
        vector = self.embed(question)
        top = self.rank(question, vector, k)
        if deeper <= k:
            return top
        seen = {p.chunk.id for p in top}
        return top + [p for p in self.rank(question, vector, deeper) if p.chunk.id not in seen]

    def rank(self, question: str, vector: np.ndarray, k: int) -> list[Passage]:
        if self.lexical is None:
            return self.index.search(vector, k)
        n = max(k, self.candidates)
        fused = self.fused_rows(question, vector, n)
        chunks = self.index.chunks
        if not any(metadata_bonus(question, chunks[row]) for row, _ in fused):
            return [Passage(chunks[row], score) for row, score in fused[:k]]
        # The question names an article by date or outlet: those words choose the article (the bonus below);
        # the passage inside it is ranked by the rest of the question.
        content = strip_metadata(question, {o for o in (chunks[row].outlet for row, _ in fused) if o})
        if content and content != question:
            # A deeper list, so that every chunk of a named article gets a content score, not just the top n.
            deep = max(n, CONTENT_DEPTH)
            by_content = dict(self.fused_rows(content, self.embed(content), deep))
            fused = [(row, by_content.get(row, 0.0)) for row, _ in fused]
        return rerank_by_metadata(question, [Passage(chunks[row], score) for row, score in fused], k)

    def fused_rows(self, query: str, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """Dense and BM25 rankings of the query fused: (row, score) best first."""
        return fuse([self.dense(vector, n), self.sparse(query, n)], n)


def rerank_by_metadata(question: str, passages: list[Passage], k: int) -> list[Passage]:
    """Lift passages from articles whose date or outlet the question names ("the Home Office statement of 2 July")."""
    bonuses = [metadata_bonus(question, p.chunk) for p in passages]
    if not any(bonuses):
        return passages[:k]
    scored = [Passage(p.chunk, (p.score + b) / 2) for p, b in zip(passages, bonuses, strict=True)]
    return sorted(scored, key=lambda p: -p.score)[:k]
