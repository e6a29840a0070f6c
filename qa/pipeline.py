"""The QA facade: validate the question, retrieve, and the one answer step (read, rank, choose and cite)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from qa import loading
from qa.answering import AnswerStep
from qa.config import Settings
from qa.decision import Decision
from qa.followup import contextualise
from qa.index import Manifest
from qa.kinds import wanted
from qa.reader import Reader
from qa.reading import reading_set
from qa.retriever import Retriever
from qa.spelling import respelled, vocabulary
from qa.types import Answer, Passage

__all__ = ["QA", "EmptyQuestionError", "clean_question"]

logger = logging.getLogger(__name__)


class EmptyQuestionError(ValueError):
    """The question has no words: the chat answers it with a hint, not an error."""


def clean_question(question: str, max_chars: int = Settings.max_question_chars) -> str:
    """The question with whitespace collapsed; ValueError for oversized input, EmptyQuestionError for none."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, got {type(question).__name__}")
    if len(question) > max_chars:
        raise ValueError(f"the question is too long ({len(question):,} characters; the limit is {max_chars:,})")
    text = " ".join("".join(c if c.isprintable() else " " for c in question).split())
    if not text:
        raise EmptyQuestionError("the question is empty: ask something about the articles")
    return text


class QA:
    """Retrieve passages, read them, and answer with cited sources; every setting comes from `settings`."""

    def __init__(
        self, retriever: Retriever, reader: Reader, settings: Settings | None = None, decision: Decision | None = None
    ) -> None:
        self.retriever = retriever
        self.reader = reader
        self.settings = settings or Settings()
        self.decision = decision or loading.decision(self.settings)  # what is an answer, a guess or nothing

    @classmethod
    def load(cls, settings: Settings | None = None) -> QA:
        """Index plus both models (slow: seconds). Raises MissingIndexError/IncompatibleIndexError with the fix."""
        settings = settings or Settings.from_env()
        return cls(loading.retriever(settings), loading.reader(settings), settings, loading.decision(settings))

    @property
    def step(self) -> AnswerStep:
        """The answer step over this QA's reader, settings and decision (derived, so it never disagrees with them)."""
        return AnswerStep(self.reader, self.settings, self.decision)

    @property
    def manifest(self) -> Manifest:
        return self.retriever.store.manifest

    def describe(self) -> dict[str, Any]:
        """What answers come from: the index's counts and build, the models, the retrieval mode."""
        m = self.manifest
        return {
            "articles": m.counts.get("articles", 0),
            "chunks": m.counts.get("chunks", 0),
            "built": m.created_at or "unknown",
            "embed_model": m.embed_model,
            "structure": self.retriever.store.structure,
            "retrieval": "dense + BM25" if self.retriever.hybrid else "dense",
            "reader": getattr(self.reader, "description", type(self.reader).__name__),
            "article_facts": self.articles(),
            "skipped": dict(m.skipped),
        }

    def articles(self) -> list[dict[str, Any]]:
        """Each indexed article's file, title, outlet, date (ISO, else as written) and where its indexed text
        starts (the offset of its first chunk: the title and metadata lines are above it), by file name."""
        return [
            {"id": c.article_id, "title": c.title, "outlet": c.outlet, "date": c.shown_date, "start": c.start}
            for c in self.retriever.store.articles()
        ]

    def retrieve(self, question: str, k: int | None = None) -> list[Passage]:
        """The k best passages for the question (k: settings.top_k when None), best first."""
        return self.search(clean_question(question, self.settings.max_question_chars), k)

    def search(self, query: str, k: int | None) -> list[Passage]:
        k = self.settings.top_k if k is None else k
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        return self.retriever.retrieve(query, k)

    def answer(self, question: str, k: int | None = None, *, history: Sequence[str] = ()) -> Answer:
        """Retrieve passages and answer from them (answer_passages).

        history: earlier questions of the same conversation, oldest first; a short follow-up such as
        "When did he say that?" is retrieved together with the question before it.
        """
        question = clean_question(question, self.settings.max_question_chars)
        earlier = [q[: self.settings.max_question_chars] for q in history]
        read, passages = self.read_as(question, earlier, k)
        answer = self.answer_passages(read, passages)
        return answer if read == question else replace(answer, asked=question)

    def read_as(self, question: str, history: Sequence[str] = (), k: int | None = None) -> tuple[str, list[Passage]]:
        """The question as read, its mistyped words respelt from the words of the passages it retrieves
        (qa.spelling; settings.respell), and its reading set (reading), retrieved again when a word changed."""
        ranked = self.ranked(contextualise(question, history), k)
        if not self.settings.respell:
            return question, self.chosen(question, ranked, k)
        words = vocabulary(p.text for p in ranked)
        read = respelled(question, words, getattr(self.reader, "words", frozenset()))
        if read != question:
            logger.info("read %r as %r", question, read)
            ranked = self.ranked(contextualise(read, history), k)
        return read, self.chosen(read, ranked, k)

    def reading(self, question: str, query: str | None = None, k: int | None = None) -> list[Passage]:
        """What the reader reads: the k best passages for the query (the question unless given), then other
        articles' best passages that may hold a value of the kind the question asks for (qa.kinds), up to
        settings.extra_passages more, for their reports only (qa.reading; for a question without a kind they are
        read only if they contain the answer: AnswerStep.confirm)."""
        return self.chosen(question, self.ranked(query or question, k), k)

    def ranked(self, query: str, k: int | None) -> list[Passage]:
        """The retrieval ranking the reading set is chosen from: settings.reading_depth deep when other articles'
        passages are read (settings.extra_passages), else the k best."""
        k = self.settings.top_k if k is None else k
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if not self.settings.extra_passages:
            return self.search(query, k)
        return self.retriever.retrieve(query, k, deeper=self.settings.reading_depth)

    def chosen(self, question: str, ranked: list[Passage], k: int | None) -> list[Passage]:
        """The k best of ranked plus, with settings.extra_passages, other articles' passages (qa.reading)."""
        if not self.settings.extra_passages:
            return ranked
        k = self.settings.top_k if k is None else k
        return reading_set(ranked, k, k + self.settings.extra_passages, wanted(question))

    def answer_passages(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The answer step (qa.answering): read every passage in one pass, rank, choose, abstain and cite."""
        return self.step(question, passages)

    def reload(self, settings: Settings) -> None:
        """Swap in a freshly loaded index (after a rebuild) without reloading the models."""
        self.retriever = self.retriever.with_store(loading.store(settings))
