"""The module-level API (qa.retrieve, qa.answer, qa.read) over one cached default pipeline."""

from __future__ import annotations

import functools

from qa import loading
from qa.config import Settings
from qa.pipeline import QA, clean_question
from qa.types import Answer, Passage, TextSpan


@functools.cache
def default_qa() -> QA:
    """The read-only default pipeline behind qa.retrieve/qa.answer, loaded on first use."""
    return QA.load(Settings.from_env())


def retrieve(question: str, k: int | None = None) -> list[Passage]:
    """Top-k passages from the default index, best first (k: QA_TOP_K when None)."""
    return default_qa().retrieve(question, k)


def answer(question: str, k: int | None = None) -> Answer:
    """A cited answer (or an abstention, text None) from the default pipeline."""
    return default_qa().answer(question, k)


def read(question: str, context: str) -> TextSpan | None:
    """The shipped reader alone on one context; None when it abstains."""
    settings = Settings.from_env()
    question = clean_question(question, settings.max_question_chars)
    if not context.strip():
        raise ValueError("the context is empty")
    if len(context) > settings.max_context_chars:
        limit = settings.max_context_chars
        raise ValueError(f"the context is too long ({len(context):,} characters; the limit is {limit:,})")
    found = loading.reader(settings).read_texts([question], [context])[0]
    span = found[0] if found else None
    return span if span is not None and span.score >= settings.min_answer_score else None
