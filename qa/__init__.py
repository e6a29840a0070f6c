"""Offline extractive question answering over a news corpus, with cited sources."""

from qa.api import answer, read, retrieve
from qa.build import build_index
from qa.config import Settings
from qa.formatting import format_answer, format_passages
from qa.index import IncompatibleIndexError, Index, Manifest, MissingIndexError
from qa.pipeline import QA, EmptyQuestionError
from qa.stores import StoreError
from qa.types import Answer, Article, Chunk, Passage, Span, TextSpan

__all__ = [
    "QA",
    "Answer",
    "Article",
    "Chunk",
    "EmptyQuestionError",
    "IncompatibleIndexError",
    "Index",
    "Manifest",
    "MissingIndexError",
    "Passage",
    "Settings",
    "Span",
    "StoreError",
    "TextSpan",
    "answer",
    "build_index",
    "format_answer",
    "format_passages",
    "read",
    "retrieve",
]
