"""Question -> passages: the only place that knows both the embedding model and the store it searches."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from qa.dates import metadata_bonus, strip_metadata
from qa.embedding import Encoder
from qa.index import IncompatibleIndexError
from qa.stores import Store
from qa.types import Passage

RRF_K = 10  # reciprocal rank fusion constant; 10 beat the usual 60 on BEIR SciFact (benchmarks/scifact.py)
WEIGHTS = (1.0, 1.0)  # dense, BM25
CONTENT_DEPTH = 200  # how deep the second, metadata-free ranking looks for passages of a named article


def fuse(
    rankings: list[list[int]], k: int, *, rrf_k: int = RRF_K, weights: tuple[float, ...] = WEIGHTS
) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of best-first id lists; scores scaled to [0, 1]."""
    scores: dict[int, float] = {}
    order: dict[int, int] = {}  # ties break by first appearance (dense first), the same for every store
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + weight / (rrf_k + rank)
            order.setdefault(key, len(order))
    best = sum(weights) / (rrf_k + 1)
    ordered = sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))
    return [(key, score / best) for key, score in ordered[:k]]


class Retriever:
    """Dense retrieval over one store with the model it was built with, fused with BM25 when hybrid."""

    def __init__(self, store: Store, encoder: Encoder, *, hybrid: bool = True, candidates: int = 30) -> None:
        if encoder.name != store.manifest.embed_model:
            raise IncompatibleIndexError(
                f"the index was built with {store.manifest.embed_model!r} but the encoder is {encoder.name!r}; "
                "run `python -m qa build --force` to rebuild it with this model"
            )
        self.store = store
        self.encoder = encoder
        self.hybrid = hybrid
        self.candidates = candidates

    def with_store(self, store: Store) -> Retriever:
        """The same retriever (encoder, hybrid or not) over another store: a rebuild's."""
        return Retriever(store, self.encoder, hybrid=self.hybrid, candidates=self.candidates)

    def embed(self, query: str) -> np.ndarray:
        return self.encoder.encode_queries([query])[0]

    def sparse(self, query: str, n: int) -> list[int]:
        """Vector ids of up to n chunks by BM25, best first (none when not hybrid)."""
        return [vid for vid, _ in self.store.lexical(query, n)] if self.hybrid else []

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
        if not self.hybrid:
            dense = self.store.dense(vector, k)
            return self.passages(dense, dict(dense))
        n = max(k, self.candidates)
        dense = self.store.dense(vector, n)
        fused = self.fused(question, dense, n)
        passages = self.passages(fused, dict(dense))
        if not any(metadata_bonus(question, p.chunk) for p in passages):
            return passages[:k]
        # The question names an article by date or outlet: those words choose the article (the bonus below);
        # the passage inside it is ranked by the rest of the question.
        content = strip_metadata(question, {o for o in (p.chunk.outlet for p in passages) if o})
        if content and content != question:
            # A deeper list, so that every chunk of a named article gets a content score, not just the top n.
            deep = max(n, CONTENT_DEPTH)
            by_content = dict(self.fused(content, self.store.dense(self.embed(content), deep), deep))
            passages = [replace(p, score=by_content.get(vid, 0.0)) for p, (vid, _) in zip(passages, fused, strict=True)]
        return rerank_by_metadata(question, passages, k)

    def passages(self, scored: list[tuple[int, float]], similarity: dict[int, float]) -> list[Passage]:
        """(vector id, score) pairs as passages, in the same order, with their dense similarity where known."""
        chunks = self.store.chunks([vid for vid, _ in scored])
        return [
            Passage(chunk, score, similarity.get(vid, 0.0)) for chunk, (vid, score) in zip(chunks, scored, strict=True)
        ]

    def fused(self, query: str, dense: list[tuple[int, float]], n: int) -> list[tuple[int, float]]:
        """The query's dense ranking (the store's (vector id, similarity) pairs) fused with its BM25 ranking:
        (vector id, score) best first."""
        return fuse([[vid for vid, _ in dense], self.sparse(query, n)], n)


def rerank_by_metadata(question: str, passages: list[Passage], k: int) -> list[Passage]:
    """Lift passages from articles whose date or outlet the question names ("the Home Office statement of 2 July")."""
    bonuses = [metadata_bonus(question, p.chunk) for p in passages]
    if not any(bonuses):
        return passages[:k]
    scored = [replace(p, score=(p.score + b) / 2) for p, b in zip(passages, bonuses, strict=True)]
    return sorted(scored, key=lambda p: -p.score)[:k]
