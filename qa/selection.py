"""Choosing among the reader's spans: the answer, a guess or nothing (qa.decision), and every other article's report."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.config import Settings
from qa.credits import asks_for_credit, credited, in_credit_line
from qa.dates import asks_for_latest
from qa.decision import Decision
from qa.kinds import (
    COUNT,
    MONEY,
    OTHER,
    Wanted,
    figures,
    fits,
    names,
    on_topic,
    sentence_around,
    transacted,
    value_bounds,
    wanted,
)
from qa.text import NUMBER, answer_key, normalize_answer
from qa.types import Answer, Passage, Span

# An answer or report never runs across a blank line: a span from a headline into the next story ("Bernard
# Cazeneuve Labour: France 'needs to do more ...' Shadow immigration minister David Hanson"). Judged after a figure
# is narrowed (valued), so that "... since June trying to get to Britain ...\n\nSome 3,000" still gives FRANCE 24's
# 3,000.
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def span_date(span: Span) -> str:
    """A sort key, newest first when reversed: ISO dates compare; a date as written or none sorts last."""
    return span.passage.date or ""


def valued(want: Wanted, span: Span) -> Span:
    """The span narrowed to the figure asked for, with its "up to"/"some" (qa.kinds.value_bounds)."""
    start, end = value_bounds(want, span.passage.text, span.start, span.end)
    if (start, end) == (span.start, span.end):
        return span
    return replace(span, text=span.passage.text[start:end], start=start, end=end)


def choose_answer(
    question: str,
    passages: Sequence[Passage],
    spans: Sequence[Span],
    decision: Decision,
    *,
    report_score: float = Settings.min_report_score,
    named_report_score: float = Settings.min_named_report_score,
    other_report_score: float = Settings.min_other_report_score,
    kindless_report_score: float = Settings.min_kindless_report_score,
    compared_score: float = Settings.min_compared_guess_score,
    answer_ranks: int = Settings.spans_per_passage,
    unconfirmed_articles: int = Settings.unconfirmed_report_articles,
) -> Answer:
    """The answer, a best guess or "not found" (qa.decision), with every other article's report.

    The answer comes from the retrieved passages only, and from each passage's `answer_ranks` best spans (Span.rank);
    passages read for other articles' reports (Passage.for_reports, qa.reading) and the spans ranked below those
    add reports, never the answer, so that reading them cannot cost accuracy. Of those spans the most confident is
    the answer when the decision says it is confident enough, else a guess; when the articles do not speak to the
    question at all (Decision.found), nothing is shown. Ranking spans by their own confidence, without merging
    agreeing articles or checking the kind of value, measured best on the real-news tune half and on SQuAD.

    A question about who reported, edited or photographed something takes a span on a credit line first, at half
    the answer line (qa.credits), and no other question takes a credited name at all (qa.credits.credited); one
    about the latest figure takes the newest article's. The other articles' reports are compared with the answer,
    or with a guess scored at least `compared_score` by the reader; after a weaker guess, the reports of the kind
    asked for are shown as they are when `unconfirmed_articles` articles or more give one (Answer.unconfirmed).
    Without a kind, a differing report needs `other_report_score`.
    """
    want = wanted(question)
    all_spans = usable(question, want, spans)
    ranked = [s for s in all_spans if not s.passage.for_reports and s.rank < answer_ranks]
    retrieved = tuple(p for p in passages if not p.for_reports)
    best = ranked[0] if ranked else None
    nearest = max((p.similarity for p in retrieved), default=0.0)
    if best is None:
        return Answer(question=question, score=0.0, sources=retrieved)
    strong = confident(question, want, ranked, decision)
    unconfirmed = unconfirmed_reports(want, all_spans, unconfirmed_articles, report_score, named_report_score)
    # Several articles reporting a value of the kind asked for is evidence that they speak to the question, whatever
    # the span and the similarity say (how near a question comes to the passages varies with the corpus).
    if not (unconfirmed or decision.found(nearest, best.margin, decision.confidence(best))):
        return Answer(question=question, score=decision.confidence(best), sources=retrieved)
    if not strong and best.score < compared_score:
        # a weak guess: what every article reports is shown as it is, none compared with it
        sources = with_reported(passages, unconfirmed, best)
        guessed = Answer(question=question, score=0.0, sources=sources, alternatives=unconfirmed, guess=best)
        return scored(replace(guessed, unconfirmed=bool(unconfirmed)), decision)
    pool = strong or [best]
    chosen = max(pool, key=lambda s: (span_date(s), s.score)) if asks_for_latest(question) else pool[0]
    # Without a kind to check, another article's span must be as strong as a SQuAD answer to be shown as agreeing,
    # and one differing from it stronger still (Settings.min_other_report_score).
    bar = report_score if want.kind != OTHER else max(report_score, kindless_report_score)
    agreeing, differing = reports(want, chosen, all_spans, bar, min(bar, named_report_score))
    if want.kind == OTHER:
        differing = tuple(s for s in differing if s.score >= other_report_score)
    answer = Answer(
        question=question,
        score=0.0,
        sources=with_reported(passages, (*agreeing, *differing), chosen),
        span=chosen if strong else None,
        guess=None if strong else chosen,
        alternatives=differing,
        agreeing=agreeing,
    )
    return scored(answer, decision)


def usable(question: str, want: Wanted, spans: Sequence[Span]) -> list[Span]:
    """The spans that may be shown, best first: each narrowed to the figure asked for, none across a blank line,
    and no credited name unless the question asks for a credit."""
    credit = asks_for_credit(question)
    narrowed = (valued(want, s) for s in spans)
    kept = [
        v
        for v in narrowed
        if not PARAGRAPH_BREAK.search(v.text) and (credit or not credited(v.passage.text, v.start, v.end))
    ]
    return sorted(kept, key=lambda s: -s.score)


def confident(question: str, want: Wanted, ranked: Sequence[Span], decision: Decision) -> list[Span]:
    """The spans confident enough to be the answer, those on a credit line first for a question about a credit (at
    half the answer line: a credit line's form is evidence the reader does not weigh, and no calibration was fitted
    on text with bylines); never a figure of another kind than asked."""
    credit = asks_for_credit(question)
    on_credit_line = {id(s): credit and in_credit_line(s.passage.text, s.start, s.end) for s in ranked}
    strong = [
        s
        for s in ranked
        if decision.confidence(s) >= decision.answer_at / (2 if on_credit_line[id(s)] else 1)
        and not of_another_kind(want, s)
    ]
    return sorted(strong, key=lambda s: not on_credit_line[id(s)])  # stable: by score within each group


def scored(answer: Answer, decision: Decision) -> Answer:
    """The answer with every span it shows scored by the decision's confidence: one scale for people and the API
    (the reader's own scores, on which the report bars were chosen, stay inside this module)."""

    def rescore(span: Span) -> Span:
        return replace(span, score=decision.confidence(span))

    span = rescore(answer.span) if answer.span else None
    guess = rescore(answer.guess) if answer.guess else None
    shown = span or guess
    return replace(
        answer,
        score=shown.score if shown else answer.score,
        span=span,
        guess=guess,
        alternatives=tuple(map(rescore, answer.alternatives)),
        agreeing=tuple(map(rescore, answer.agreeing)),
    )


def of_another_kind(want: Wanted, span: Span) -> bool:
    """Whether a count or money question's span is a figure that is not of what is asked ("around 2,500" migrants
    for "how many police officers", "some 2,500" migrants for "How much did France receive from Britain?"): never
    the confident answer, however strong; it may still be the guess, labelled as one. Only figures: a span without
    a number is left to the reader. On SQuAD v2.0's open corpus it keeps the unanswerable questions' figures of
    another kind from being answered; dropping such spans from the guesses too cost right answers on the real-news
    tune half ("13,000" US troops, "16,000" processor cores), so it bars the answer only."""
    if want.kind not in (COUNT, MONEY) or not figures(span.text):
        return False
    return not fits(want, span.passage.text, span.start, span.end)


def unconfirmed_reports(
    want: Wanted, spans: Sequence[Span], articles: int, report_score: float, named_report_score: float
) -> tuple[Span, ...]:
    """For an abstention: every article's report of the kind asked for (as reports()), when at least `articles`
    articles give one (0: never); none without a kind, where nothing tells a report from any other span.

    One article's report alone is not shown, even one whose form names the kind in a sentence about the question's
    topic: unanswerable questions often name a figure that one text gives for something else."""
    if want.kind == OTHER or articles < 1:
        return ()
    _, found = reports(want, None, spans, report_score, min(report_score, named_report_score))
    return found if len(found) >= articles else ()


def with_reported(passages: Sequence[Passage], shown: Sequence[Span], lead: Span | None = None) -> tuple[Passage, ...]:
    """Sources: the passage of the answer or guess (lead) first, so that it is source [1], then the other retrieved
    passages in retrieval order, then those read for reports that gave one (each report cites its passage)."""
    reported = {s.passage.chunk.id for s in shown}
    first = lead.passage.chunk.id if lead else None
    retrieved = tuple(p for p in passages if not p.for_reports)
    ordered = tuple(p for p in retrieved if p.chunk.id == first) + tuple(p for p in retrieved if p.chunk.id != first)
    return ordered + tuple(p for p in passages if p.for_reports and p.chunk.id in reported)


def same_answer(a: str, b: str) -> bool:
    """Equal answer keys (numbers by value), or one's words within the other's when the shorter holds no number
    ("Cazeneuve" and "Bernard Cazeneuve", "BBC" and "BBC Radio 5 Live"; not "2,500" and "2,500 migrants in 2014")."""
    if answer_key(a) == answer_key(b):
        return True
    x, y = sorted((set(normalize_answer(a).split()), set(normalize_answer(b).split())), key=len)
    return bool(x) and x <= y and not any(NUMBER.search(w) for w in x)


def reports(
    want: Wanted, chosen: Span | None, spans: Sequence[Span], min_score: float, named_score: float
) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """(agreeing, differing) reports of the other articles: each article's best span of the wanted kind scoring at
    least min_score, or named_score when its form names the kind (qa.kinds.names: "3000 migrants", "£12 million"),
    the best of those in a sentence about the question's topic when there is one (qa.kinds.on_topic: FRANCE 24's
    "3,000 people ... camped in Calais" for "the estimated number of migrants at Calais", not the 21,000 landing on
    the Greek islands); it agrees when any such span of it gives the chosen answer. Differing ones newest first.
    Without a chosen answer (an abstention), every article's report differs. A sum is a report only in a sentence
    that says it is paid, given or spent (qa.kinds.transacted), not ITV's "£36 may not seem like much"."""
    cited = chosen.article_id if chosen else None
    answer = chosen.text if chosen else None
    per_article: dict[str, list[Span]] = {}
    for span in sorted(spans, key=lambda s: -s.score):
        if span.article_id == cited or not fits(want, span.passage.text, span.start, span.end):
            continue
        if want.kind == MONEY and not transacted(span.passage.text, span.start, span.end):
            continue
        named = names(want, span.passage.text, span.start, span.end)
        if span.score >= (named_score if named else min_score):
            per_article.setdefault(span.article_id, []).append(span)
    agreeing: list[Span] = []
    differing: list[Span] = []
    for found in per_article.values():
        if want.topic:  # the article's value about the question's topic, if it gives one (stable: by score)
            found.sort(key=lambda s: not on_topic(want, sentence_around(s.passage.text, s.start, s.end)))
        same = [s for s in found if answer is not None and same_answer(s.text, answer)]
        (agreeing if same else differing).append(same[0] if same else found[0])
    differing.sort(key=span_date, reverse=True)
    return tuple(agreeing), tuple(differing)
