"""BM25 over the chunks (bm25s): exact words, names and numbers that a small embedder blurs."""

from __future__ import annotations

from collections.abc import Sequence

from qa.chunking import indexed_text
from qa.types import Chunk


class LexicalIndex:
    """An in-memory BM25 index of the chunk texts, built in well under a second for thousands of chunks."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        import bm25s

        logging_quiet()
        self._bm25s = bm25s
        self.size = len(chunks)
        self.model = bm25s.BM25()
        if chunks:
            tokens = bm25s.tokenize([indexed_text(c) for c in chunks], stopwords="en", show_progress=False)
            self.model.index(tokens, show_progress=False)

    def search(self, question: str, n: int) -> list[tuple[int, float]]:
        """(row, score) of up to n chunks sharing a word with the question, best first."""
        n = min(n, self.size)
        words = self._bm25s.tokenize([question], stopwords="en", return_ids=False, show_progress=False)
        if n <= 0 or not words or not words[0]:
            return []
        rows, scores = self.model.retrieve(words, k=n, show_progress=False, n_threads=1)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]


def terms(texts: Sequence[str]) -> list[list[str]]:
    """The words BM25 scores in each text, exactly as LexicalIndex tokenises them (lowercased, two or more word
    characters, English stop words removed): the Milvus store indexes and queries these same words, so both
    stores rank by the same terms."""
    import bm25s

    logging_quiet()
    words = bm25s.tokenize(list(texts), stopwords="en", return_ids=False, show_progress=False)
    return [list(w) for w in words]


def logging_quiet() -> None:
    """bm25s sets its own logger to DEBUG when imported, so "Building index from IDs objects" reached every
    console; its debug lines are not ours to print."""
    import logging

    logging.getLogger("bm25s").setLevel(logging.WARNING)
