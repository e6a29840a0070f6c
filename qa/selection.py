"""Choosing the answer among the reader's spans: merge agreeing passages, keep disagreeing articles visible."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.credits import asks_for_credit, in_credit_line
from qa.dates import asks_for_latest
from qa.text import answer_key
from qa.types import Answer, Passage, Span


@dataclass(frozen=True)
class Candidate:
    """One distinct answer (qa.text.answer_key) with every span that gave it."""

    spans: tuple[Span, ...]  # best first
    score: float  # noisy-or over articles: 1 - prod(1 - best span score in each article)

    @property
    def best(self) -> Span:
        return self.spans[0]


def candidates(spans: Sequence[Span]) -> list[Candidate]:
    """Group spans by answer (qa.text.answer_key: numbers by value); agreement across articles raises the score."""
    groups: dict[str, list[Span]] = {}
    for span in spans:
        if key := answer_key(span.text):
            groups.setdefault(key, []).append(span)
    out = []
    for group in groups.values():
        group.sort(key=lambda s: -s.score)
        per_article: dict[str, float] = {}
        for s in group:
            per_article[s.article_id] = max(per_article.get(s.article_id, 0.0), s.score)
        miss = 1.0
        for score in per_article.values():
            miss *= 1.0 - score
        out.append(Candidate(tuple(group), 1.0 - miss))
    return sorted(out, key=lambda c: -c.score)


def span_date(span: Span) -> str:
    return span.passage.date or ""


def choose_answer(
    question: str,
    passages: Sequence[Passage],
    spans: Sequence[Span],
    min_score: float,
) -> Answer:
    """The strongest candidate above min_score (else an abstention), plus differing strong answers elsewhere.

    A question about who reported, edited or photographed something takes a span on a credit line first, at half
    the threshold (qa.credits); one about the latest figure takes the newest article's.
    """
    ranked = candidates(spans)
    credit = asks_for_credit(question)
    on_credit_line = {
        id(c): credit and any(in_credit_line(s.passage.text, s.start, s.end) for s in c.spans) for c in ranked
    }
    # A credit line's form ("Reporting by ...") is evidence the reader does not weigh, and the calibration was fitted
    # on Wikipedia, which has none: on one, a credit question's span needs half the usual confidence.
    strong = [c for c in ranked if c.score >= (min_score / 2 if on_credit_line[id(c)] else min_score)]
    if not strong:
        return Answer(question=question, score=ranked[0].score if ranked else 0.0, sources=tuple(passages))
    strong.sort(key=lambda c: not on_credit_line[id(c)])  # stable: by score within each group
    chosen = max(strong, key=lambda c: (span_date(c.best), c.score)) if asks_for_latest(question) else strong[0]
    return Answer(
        question=question,
        score=min(1.0, chosen.score),
        sources=tuple(passages),
        span=chosen.best,
        alternatives=alternatives(chosen, strong, spans),
    )


def alternatives(chosen: Candidate, strong: Sequence[Candidate], spans: Sequence[Span]) -> tuple[Span, ...]:
    """Other articles' strong answers; each only when it is its passage's best span, not a runner-up kept for
    ranking."""
    top: dict[str, float] = {}
    for span in spans:
        top[span.passage.chunk.id] = max(top.get(span.passage.chunk.id, 0.0), span.score)
    cited = chosen.best.article_id
    return tuple(
        c.best
        for c in strong
        if c is not chosen and c.best.article_id != cited and c.best.score >= top[c.best.passage.chunk.id]
    )
