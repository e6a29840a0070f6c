"""The module-level API (qa.retrieve, qa.answer, qa.read) over one cached default pipeline."""

from __future__ import annotations

import functools
import logging
from dataclasses import replace

from qa import loading
from qa.config import Settings
from qa.pipeline import QA, clean_question
from qa.types import Answer, Passage, TextSpan

logger = logging.getLogger(__name__)


@functools.cache
def default_qa() -> QA:
    """The default pipeline behind qa.retrieve/qa.answer, loaded on first use. A missing or stale index of its
    corpus is built first (the same incremental, atomic build as `python -m qa build`, logged), as app.py does."""
    settings = Settings.from_env()
    if settings.seeds_dir.is_dir() and not loading.index_is_current(settings):
        logger.warning("building the index of %s in %s before the first answer", settings.seeds_dir, settings.index_dir)
        loading.ensure_index(settings)
    return QA.load(settings)


def retrieve(question: str, k: int | None = None) -> list[Passage]:
    """Top-k passages from the default index, best first (k: QA_TOP_K when None)."""
    return default_qa().retrieve(question, k)


def answer(question: str, k: int | None = None) -> Answer:
    """A cited answer (or an abstention, text None) from the default pipeline."""
    return default_qa().answer(question, k)


def read(question: str, context: str) -> TextSpan | None:
    """The shipped reader alone on one context; None unless its best span reaches the decision's answer line."""
    settings = Settings.from_env()
    question = clean_question(question, settings.max_question_chars)
    if not context.strip():
        raise ValueError("the context is empty")
    if len(context) > settings.max_context_chars:
        limit = settings.max_context_chars
        raise ValueError(f"the context is too long ({len(context):,} characters; the limit is {limit:,})")
    decision = loading.decision(settings)
    found = loading.reader(settings).read_texts([question], [context])[0]
    if not found:
        return None
    span = found[0]
    confidence = decision.confidence(span)
    return replace(span, score=confidence) if confidence >= decision.answer_at else None
