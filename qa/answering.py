"""The answer step: read the passages in one pass, rank the spans, choose, abstain and cite.

One implementation for the app (QA.answer_passages), the evaluations and the benchmark, so that what is
measured is what ships.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.config import Settings
from qa.reader import Reader
from qa.selection import choose_answer
from qa.types import Answer, Passage, Span


@dataclass(frozen=True)
class AnswerStep:
    """The reader plus the settings that decide among its spans (spans per passage, the abstention threshold)."""

    reader: Reader
    settings: Settings

    def read(self, question: str, passages: Sequence[Passage]) -> list[Span]:
        """Every passage's settings.spans_per_passage best spans, best first overall."""
        spans = self.reader.read(question, passages, self.settings.spans_per_passage)
        return sorted(spans, key=lambda s: -s.score)

    def choose(
        self,
        question: str,
        passages: Sequence[Passage],
        spans: Sequence[Span],
        *,
        min_score: float | None = None,
    ) -> Answer:
        """The answer among already read spans (min_score: the setting's unless given, for a threshold sweep over
        the same reading)."""
        threshold = self.settings.min_answer_score if min_score is None else min_score
        return choose_answer(question, passages, spans, threshold)

    def __call__(self, question: str, passages: Sequence[Passage]) -> Answer:
        return self.choose(question, passages, self.read(question, passages))
