"""The QA facade: validate the question, retrieve, read, choose and cite; plus the cached default pipeline."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

from qa.config import Settings
from qa.followup import contextualise
from qa.reader import Reader, TransformersReader
from qa.retriever import Retriever
from qa.selection import choose_answer
from qa.types import Answer, Passage, Span

__all__ = ["QA", "answer", "choose_answer", "clean_question", "read", "retrieve"]

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_CONTEXT_CHARS = 200_000  # about 100 reader windows: a few seconds on two cores


def clean_question(question: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question with whitespace collapsed; ValueError for empty or oversized input."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, got {type(question).__name__}")
    if len(question) > max_chars:
        raise ValueError(f"the question is too long ({len(question):,} characters; the limit is {max_chars:,})")
    text = " ".join("".join(c if c.isprintable() else " " for c in question).split())
    if not text:
        raise ValueError("the question is empty: ask something about the articles")
    return text


class QA:
    """Retrieve passages, read them, and answer with cited sources."""

    def __init__(
        self,
        retriever: Retriever,
        reader: Reader,
        *,
        top_k: int = 5,
        min_score: float = 0.2,
        max_question_chars: int = MAX_QUESTION_CHARS,
        support_weight: float = 0.0,
        spans_per_passage: int = 1,
    ) -> None:
        self.retriever = retriever
        self.reader = reader
        self.top_k = top_k
        self.min_score = min_score
        self.max_question_chars = max_question_chars
        self.support_weight = support_weight
        if spans_per_passage < 1:
            raise ValueError(f"spans_per_passage (QA_SPANS_PER_PASSAGE) must be >= 1, got {spans_per_passage}")
        self.spans_per_passage = spans_per_passage

    @classmethod
    def load(cls, settings: Settings | None = None) -> QA:
        """Index plus both models (slow: seconds). Raises MissingIndexError/IncompatibleIndexError with the fix."""
        from qa.build import stale_files
        from qa.embedding import settings_encoder
        from qa.index import Index

        settings = settings or Settings.from_env()
        index = Index.load(settings.index_dir)
        changed = stale_files(index.manifest, settings.seeds_dir) if settings.seeds_dir.is_dir() else []
        if changed:
            logger.warning(
                "the index in %s is stale (%s changed since it was built); run `python -m qa build`",
                settings.index_dir,
                ", ".join(changed),
            )
        retriever = Retriever(index, settings_encoder(settings))
        return cls(
            retriever,
            settings_reader(settings),
            top_k=settings.top_k,
            min_score=settings.min_answer_score,
            max_question_chars=settings.max_question_chars,
            support_weight=settings.support_weight,
            spans_per_passage=settings.spans_per_passage,
        )

    def retrieve(self, question: str, k: int | None = None) -> list[Passage]:
        """The k best passages for the question, best first."""
        return self.search(clean_question(question, self.max_question_chars), k)

    def search(self, query: str, k: int | None) -> list[Passage]:
        k = self.top_k if k is None else k
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        return self.retriever.retrieve(query, k)

    def answer(self, question: str, k: int | None = None, *, history: Sequence[str] = ()) -> Answer:
        """Retrieve passages, read them all in one pass, and return the best span with its sources.

        history: earlier questions of the same conversation, oldest first; a short follow-up such as
        "When did he say that?" is retrieved together with the question before it.
        """
        question = clean_question(question, self.max_question_chars)
        query = contextualise(question, [q[: self.max_question_chars] for q in history])
        passages = self.search(query, k)
        spans = sorted(self.reader.read(question, passages, self.spans_per_passage), key=lambda s: -s.score)
        return choose_answer(question, passages, spans, self.min_score, self.support_weight)

    def reload(self, settings: Settings) -> None:
        """Swap in a freshly loaded index (after a rebuild) without reloading the models."""
        from qa.index import Index

        self.retriever = Retriever(
            Index.load(settings.index_dir), self.retriever.encoder, hybrid=self.retriever.lexical is not None
        )


@functools.cache
def load_reader(
    model_dir: Path, max_answer_tokens: int = 30, threads: int = 0, precision: str = "auto", answer_types: bool = True
) -> TransformersReader:
    """One reader per process, model folder and precision (shared by the default QA and qa.read)."""
    return TransformersReader(
        Path(model_dir),
        max_answer_tokens=max_answer_tokens,
        threads=threads,
        precision=precision,
        answer_types=answer_types,
    )


def settings_reader(settings: Settings) -> TransformersReader:
    return load_reader(
        settings.reader_model,
        settings.max_answer_tokens,
        settings.threads,
        settings.reader_precision,
        settings.answer_types,
    )


@functools.cache
def default_qa() -> QA:
    """The read-only default pipeline behind qa.retrieve/qa.answer, loaded on first use."""
    return QA.load(Settings.from_env())


def retrieve(question: str, k: int = 5) -> list[Passage]:
    """Top-k passages from the default index, best first."""
    return default_qa().retrieve(question, k)


def answer(question: str, k: int | None = None) -> Answer:
    """A cited answer (or an abstention, text None) from the default pipeline."""
    return default_qa().answer(question, k)


def read(question: str, context: str) -> Span | None:
    """The shipped reader alone on one context; None when it abstains."""
    settings = Settings.from_env()
    question = clean_question(question, settings.max_question_chars)
    if not context.strip():
        raise ValueError("the context is empty")
    if len(context) > MAX_CONTEXT_CHARS:
        raise ValueError(f"the context is too long ({len(context):,} characters; the limit is {MAX_CONTEXT_CHARS:,})")
    reader = settings_reader(settings)
    span = reader.read_contexts(question, [context])[0]
    return span if span is not None and span.score >= settings.min_answer_score else None
