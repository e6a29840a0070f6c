"""Rank fusion, BM25 and the hybrid retriever, with the fake encoder."""

from __future__ import annotations

from pathlib import Path

from qa.index import Index
from qa.lexical import LexicalIndex
from qa.retriever import Retriever, fuse
from qa.stores.faiss import FaissStore
from tests.conftest import HashingEncoder


def test_fusion_rewards_agreement_and_scales_to_one() -> None:
    fused = fuse([[1, 2, 3], [1, 3, 2], [4]], 4, weights=(1.0, 1.0, 1.0))
    best = 3 / 11  # first in all three lists
    tie = (1 / 12 + 1 / 13) / best  # second in one list, third in the other
    # equal scores (2 and 3): the one seen first, 2, in the first list
    assert fused == [(1, 2 / 11 / best), (2, tie), (3, tie), (4, 1 / 11 / best)]


def test_fusion_weights_and_constant() -> None:
    # row 5 is first for BM25 only, row 7 first for dense only: the heavier list wins the tie
    assert fuse([[7, 5], [5, 7]], 1, weights=(1.0, 2.0))[0][0] == 5
    assert fuse([[7, 5], [5, 7]], 1, weights=(2.0, 1.0))[0][0] == 7
    assert fuse([[1], []], 5, rrf_k=10) == [(1, 0.5)]


def test_bm25_finds_exact_names(fake_index_dir: Path) -> None:
    index = Index.load(fake_index_dir)
    hits = LexicalIndex(index.chunks).search("Natacha Bouchart", 3)
    assert hits and index.chunks[hits[0][0]].article_id == "003_bd1ad776a86b5c50.txt"
    assert LexicalIndex(index.chunks).search("the of and", 3) == []


def test_hybrid_returns_k_distinct_passages_best_first(fake_index_dir: Path) -> None:
    retriever = Retriever(FaissStore.load(fake_index_dir), HashingEncoder())
    passages = retriever.retrieve("Reporting by James Regan; editing by Ralph Boulton", 5)
    assert len(passages) == 5 == len({p.chunk.id for p in passages})
    assert passages[0].article_id == "000_c41d2c88b869987b.txt"
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_dense_only_mode(fake_index_dir: Path) -> None:
    retriever = Retriever(FaissStore.load(fake_index_dir), HashingEncoder(), hybrid=False)
    assert not retriever.hybrid and retriever.sparse("Calais", 5) == []
    question = "Natacha Bouchart mayor of Calais"
    index = retriever.store.index
    exact = [index.chunks[row].id for row, _ in index.search_rows(HashingEncoder().encode_queries([question])[0], 3)]
    assert [p.chunk.id for p in retriever.retrieve(question, 3)] == exact  # FAISS order alone
    assert not retriever.with_store(retriever.store).hybrid  # a rebuild keeps the mode
    assert len(retriever.retrieve("Calais", 3)) == 3
