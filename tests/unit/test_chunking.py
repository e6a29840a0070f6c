"""Chunk invariants: exact file slices, full coverage, bounded overlap, stable ids."""

from __future__ import annotations

import itertools
import re

import pytest

from qa.chunking import chunk_article, split_sentences
from qa.corpus import load_articles, parse_article
from tests.conftest import SEEDS

ARTICLES, _ = load_articles(SEEDS)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
@pytest.mark.parametrize(("size", "overlap"), [(120, 30), (40, 10), (200, 0)])
def test_chunks_are_exact_slices_that_cover_every_region(article, size: int, overlap: int) -> None:
    chunks = chunk_article(article, chunk_words=size, overlap_words=overlap)
    covered = set()
    for n, chunk in enumerate(chunks):
        assert chunk.id == f"{article.id}:{n}"
        assert chunk.text == article.text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip()
        covered |= set(range(chunk.start, chunk.end))
    for start, end in article.regions:
        words = [m.start() for m in re.finditer(r"\S", article.text[start:end])]
        assert all(start + w in covered for w in words)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_chunks_respect_the_size_and_overlap(article) -> None:
    chunks = chunk_article(article, chunk_words=120, overlap_words=30)
    for a, b in itertools.pairwise(chunks):
        assert b.start > a.start
        shared = article.text[b.start : a.end] if b.start < a.end else ""
        assert len(shared.split()) <= 30
    assert all(len(c.text.split()) <= 120 for c in chunks)


def test_sentences_do_not_split_inside_a_hard_wrapped_line() -> None:
    text = "France's interior minister, Bernard\nCazeneuve, said so. He left."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "France's interior minister, Bernard\nCazeneuve, said so.",
        "He left.",
    ]


def test_an_overlong_sentence_is_cut_into_word_windows() -> None:
    article = parse_article("long.txt", " ".join(f"w{i}" for i in range(300)) + ".")
    chunks = chunk_article(article, chunk_words=100, overlap_words=0)
    assert [len(c.text.split()) for c in chunks] == [100, 100, 100]


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        chunk_article(ARTICLES[0], chunk_words=10, overlap_words=10)


def test_same_input_same_chunks() -> None:
    assert chunk_article(ARTICLES[2]) == chunk_article(ARTICLES[2])
