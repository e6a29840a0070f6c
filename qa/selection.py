"""Choosing the answer among the reader's spans: merge agreeing passages, keep disagreeing articles visible."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.dates import asks_for_latest
from qa.support import support, weigh
from qa.types import Answer, Passage, Span


def normalise_answer(text: str) -> str:
    """Lower-case words only: 'the 3,000 migrants' and '3000 Migrants.' compare equal."""
    words = re.findall(r"\w+", text.lower().replace(",", ""))
    return " ".join(w for w in words if w not in {"a", "an", "the"})


@dataclass(frozen=True)
class Candidate:
    """One distinct answer (normalised text) with every span that gave it."""

    spans: tuple[Span, ...]  # best first
    score: float  # noisy-or over articles: 1 - prod(1 - best span score in each article)
    coverage: float = 0.0  # best qa.support.support of its spans: how much of the question their sentences repeat

    @property
    def best(self) -> Span:
        return self.spans[0]


def candidates(spans: Sequence[Span], question: str = "") -> list[Candidate]:
    """Group spans by normalised text; agreement across different articles raises the score. With the question,
    each candidate also gets its coverage (qa.support)."""
    groups: dict[str, list[Span]] = {}
    for span in spans:
        if span.passage is not None and normalise_answer(span.text):
            groups.setdefault(normalise_answer(span.text), []).append(span)
    out = []
    for group in groups.values():
        group.sort(key=lambda s: -s.score)
        per_article: dict[str, float] = {}
        for s in group:
            article = s.passage.article_id if s.passage else ""
            per_article[article] = max(per_article.get(article, 0.0), s.score)
        miss = 1.0
        for score in per_article.values():
            miss *= 1.0 - score
        coverage = max((support(question, s.passage.text, s.start, s.end) for s in group if s.passage), default=0.0)
        out.append(Candidate(tuple(group), 1.0 - miss, coverage))  # support() is 0 without a question
    return sorted(out, key=lambda c: -c.score)


def span_date(span: Span) -> str:
    return (span.passage.date if span.passage else None) or ""


def choose_answer(
    question: str,
    passages: Sequence[Passage],
    spans: Sequence[Span],
    min_score: float,
    support_weight: float = 0.0,
) -> Answer:
    """The strongest candidate above min_score (else an abstention), plus differing strong answers elsewhere.

    support_weight > 0 ranks the candidates above min_score by their reader score times
    exp(support_weight * (coverage - 1)); the abstention and the confidence shown stay the reader's.
    """
    ranked = candidates(spans, question if support_weight else "")
    strong = [c for c in ranked if c.score >= min_score]
    if not strong:
        return Answer(question, None, ranked[0].score if ranked else 0.0, tuple(passages))
    strong.sort(key=lambda c: -weigh(c.score, c.coverage, support_weight))
    chosen = max(strong, key=lambda c: (span_date(c.best), c.score)) if asks_for_latest(question) else strong[0]
    best = chosen.best
    if best.passage is None:  # candidates() only keeps spans with passages; this guards the type
        return Answer(question, None, 0.0, tuple(passages))
    cited = best.passage.article_id
    # Another article's answer is shown only when it is its passage's best span, not a runner-up kept for ranking.
    top: dict[str, float] = {}
    for span in spans:
        if span.passage is not None:
            top[span.passage.chunk.id] = max(top.get(span.passage.chunk.id, 0.0), span.score)
    alternatives = tuple(
        c.best
        for c in strong
        if c is not chosen
        and c.best.passage
        and c.best.passage.article_id != cited
        and c.best.score >= top[c.best.passage.chunk.id]
    )
    return Answer(
        question,
        " ".join(best.text.split()),
        min(1.0, chosen.score),
        tuple(passages),
        best,
        cited,
        best.passage.start + best.start,
        best.passage.start + best.end,
        alternatives,
    )
