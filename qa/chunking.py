"""Sentence-aware, overlapping chunks whose offsets point into the article file's text."""

from __future__ import annotations

import re

from qa.config import Settings
from qa.formats import page_at
from qa.text import headline
from qa.types import Article, Chunk

# A sentence ends at . ! ? (optionally closed by a quote or bracket) before whitespace and a capital,
# digit or opening quote; a blank line always ends one (headlines, list items, captions).
SENTENCE_END = re.compile(r"""(?<=[.!?…])(["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])|\n\s*\n""")
WORD = re.compile(r"\S+")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) offsets of sentences within text[start:end], whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in SENTENCE_END.finditer(text, start, end):
        spans.append((pos, m.end(1) if m.group(1) is not None else m.start()))
        pos = m.end()
    spans.append((pos, end))
    out = []
    for a, b in spans:
        piece = text[a:b]
        a2 = a + len(piece) - len(piece.lstrip())
        b2 = a + len(piece.rstrip())
        if b2 > a2:
            out.append((a2, b2))
    return out


def split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than max_words into word windows."""
    words = [(m.start(), m.end()) for m in WORD.finditer(text, start, end)]
    return [(words[i][0], words[min(i + max_words, len(words)) - 1][1]) for i in range(0, len(words), max_words)]


def units(article: Article, max_words: int) -> list[tuple[int, int, int]]:
    """(start, end, words) of every sentence in the article's indexable regions."""
    out = []
    for r_start, r_end in article.regions:
        for a, b in split_sentences(article.text, r_start, r_end):
            n = len(WORD.findall(article.text, a, b))
            pieces = split_long(article.text, a, b, max_words) if n > max_words else [(a, b)]
            out += [(s, e, len(WORD.findall(article.text, s, e))) for s, e in pieces]
    return out


def chunk_article(
    article: Article, *, chunk_words: int = Settings.chunk_words, overlap_words: int = Settings.overlap_words
) -> list[Chunk]:
    """Greedily pack whole sentences up to chunk_words; the next chunk repeats up to overlap_words."""
    if chunk_words < 1 or not 0 <= overlap_words < chunk_words:
        raise ValueError(
            f"need chunk_words >= 1 and 0 <= overlap_words < chunk_words, got {chunk_words}, {overlap_words}"
        )
    sents = units(article, chunk_words)
    chunks: list[Chunk] = []
    i = 0
    while i < len(sents):
        j, words = i, 0
        while j < len(sents) and (j == i or words + sents[j][2] <= chunk_words):
            words += sents[j][2]
            j += 1
        start, end = sents[i][0], sents[j - 1][1]
        chunks.append(
            Chunk(
                f"{article.id}:{len(chunks)}",
                article.id,
                article.title,
                article.text[start:end],
                start,
                end,
                article.outlet,
                article.date,
                article.date_text,
                page_at(article.pages, start),
                tuple(b for b in article.pages if start < b < end),
            )
        )
        if j >= len(sents):
            break
        back, carried = j, 0
        while back - 1 > i and carried + sents[back - 1][2] <= overlap_words:
            back -= 1
            carried += sents[back][2]
        i = back
    return chunks


def indexed_text(chunk: Chunk) -> str:
    """What the embedder and BM25 see of a chunk: the headline gives every chunk of an article its topic (a lead
    sentence's first words: qa.text.headline, so as not to drown a short chunk in the lead)."""
    return f"{headline(chunk.title)}\n{chunk.text}"
