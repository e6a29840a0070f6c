"""Offline extractive question answering over a news corpus, with cited sources."""

from qa.build import build_index
from qa.config import Settings
from qa.formatting import format_answer, format_passages
from qa.index import IncompatibleIndexError, Index, Manifest, MissingIndexError
from qa.pipeline import QA, answer, read, retrieve
from qa.types import Answer, Article, Chunk, Passage, Span

__all__ = [
    "QA",
    "Answer",
    "Article",
    "Chunk",
    "IncompatibleIndexError",
    "Index",
    "Manifest",
    "MissingIndexError",
    "Passage",
    "Settings",
    "Span",
    "answer",
    "build_index",
    "format_answer",
    "format_passages",
    "read",
    "retrieve",
]
