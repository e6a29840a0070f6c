"""The answer step: read the passages in one pass, rank the spans, choose, abstain and cite.

One implementation for the app (QA.answer_passages), the evaluations and the benchmark, so that what is
measured is what ships.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.config import Settings
from qa.decision import Decision
from qa.kinds import COUNT, OTHER, wanted
from qa.reader import Reader
from qa.selection import choose_answer
from qa.text import normalize_answer
from qa.types import Answer, Passage, Span


@dataclass(frozen=True)
class AnswerStep:
    """The reader, the settings that shape what it reads (spans per passage, reports) and the decision that says
    what of it is an answer, a guess or nothing (qa.decision)."""

    reader: Reader
    settings: Settings
    decision: Decision

    def read(self, question: str, passages: Sequence[Passage]) -> list[Span]:
        """Every passage's settings.spans_per_passage best spans (report_spans_per_passage for a count, the rest
        for reports only: Span.rank), best first overall, in one batch (cheaper on a CPU than a separate pass for
        the passages read for reports). For a question without a kind, those wait for the answer (confirm)."""
        kind = wanted(question).kind
        now = [p for p in passages if not (p.for_reports and kind == OTHER)]
        per_passage = self.settings.report_spans_per_passage if kind == COUNT else self.settings.spans_per_passage
        spans = self.reader.read(question, now, per_passage)
        return sorted(spans, key=lambda s: -s.score)

    def confirm(self, question: str, passages: Sequence[Passage], spans: Sequence[Span], answer: Answer) -> Answer:
        """For a question without a kind of value: read the other articles' passages that contain the answer's (or
        the compared guess's) words, so that the articles that agree are found and cited. One short second pass,
        only when some do: reading every other article's passage for such questions costs much more time for few
        differing values, and a differing name needs a high score anyway."""
        shown = answer.span or answer.guess
        if shown is None or answer.unconfirmed or wanted(question).kind != OTHER:
            return answer
        words = normalize_answer(shown.text)
        waiting = [p for p in passages if p.for_reports and words and words in normalize_answer(p.text)]
        if not waiting:
            return answer
        more = self.reader.read(question, waiting, self.settings.spans_per_passage)
        return self.choose(question, passages, sorted([*spans, *more], key=lambda s: -s.score))

    def choose(
        self,
        question: str,
        passages: Sequence[Passage],
        spans: Sequence[Span],
        *,
        min_score: float | None = None,
        decision: Decision | None = None,
    ) -> Answer:
        """The answer among already read spans by this step's decision, or by `decision`, its answer line moved to
        min_score when given (sweeps and fits over the same reading)."""
        return choose_answer(
            question,
            passages,
            spans,
            (decision or self.decision).with_answer_at(min_score),
            report_score=self.settings.min_report_score,
            named_report_score=self.settings.min_named_report_score,
            other_report_score=self.settings.min_other_report_score,
            kindless_report_score=self.settings.min_kindless_report_score,
            compared_score=self.settings.min_compared_guess_score,
            answer_ranks=self.settings.spans_per_passage,
            unconfirmed_articles=self.settings.unconfirmed_report_articles,
        )

    def __call__(self, question: str, passages: Sequence[Passage]) -> Answer:
        spans = self.read(question, passages)
        return self.confirm(question, passages, spans, self.choose(question, passages, spans))
