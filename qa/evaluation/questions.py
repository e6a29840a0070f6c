"""`python -m qa eval [QUESTIONS.json] [--feedback FILE]`: answer quality, abstention, citations, retrieval and
latency; the chat's upvoted answers count as labelled questions, and downvoted ones still given are counted."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.evaluation.metrics import exact_match, f1_score, percentile
from qa.feedback import Vote, read_votes
from qa.pipeline import QA
from qa.text import normalize_answer


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answers: tuple[str, ...]  # empty: unanswerable
    articles: frozenset[str]  # doc plus also_in


@dataclass(frozen=True)
class Row:
    id: str
    question: str
    predicted: str | None
    score: float
    em: float
    f1: float
    status: str  # answer | guess | not_found (qa.decision)
    shown_f1: float  # of what is shown: the answer, else the best guess
    cited: str | None
    citation_ok: bool | None
    rank: int | None  # 1-based rank of the first passage from a gold article
    seconds: float


def load_items(path: Path) -> list[Item]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Item(d["id"], d["question"], tuple(d.get("answers") or ()), frozenset([d["doc"], *d.get("also_in", [])]))
        for d in data
    ]


def evaluate_item(qa: QA, item: Item, k: int) -> Row:
    began = time.perf_counter()
    answer = qa.answer(item.question, k)
    seconds = time.perf_counter() - began
    ranks = [n for n, p in enumerate(answer.sources, 1) if p.article_id in item.articles]
    predicted = answer.text
    shown = answer.span or answer.guess
    if item.answers:
        em = max(exact_match(predicted or "", a) for a in item.answers)
        f1 = max(f1_score(predicted or "", a) for a in item.answers)
        shown_f1 = max(f1_score(shown.text if shown else "", a) for a in item.answers)
    else:
        em = f1 = float(predicted is None)
        shown_f1 = float(shown is None)
    citation_ok = (answer.article_id in item.articles) if (item.answers and predicted is not None) else None
    return Row(
        item.id,
        item.question,
        predicted,
        answer.score,
        em,
        f1,
        answer.status,
        shown_f1,
        answer.article_id,
        citation_ok,
        ranks[0] if ranks else None,
        seconds,
    )


def summarise(items: list[Item], rows: list[Row]) -> dict[str, Any]:
    answerable = [r for r, i in zip(rows, items, strict=True) if i.answers]
    unanswerable = [r for r, i in zip(rows, items, strict=True) if not i.answers]
    cited = [r for r in answerable if r.citation_ok is not None]
    ranked = answerable
    n = max(len(answerable), 1)
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "exact_match": 100 * sum(r.em for r in answerable) / n,
        "f1": 100 * sum(r.f1 for r in answerable) / n,
        # the answer, else the labelled best guess: what a user is shown
        "shown_f1": 100 * sum(r.shown_f1 for r in answerable) / n,
        "answered": sum(r.status == "answer" for r in answerable),
        "guessed": sum(r.status == "guess" for r in answerable),
        "not_found": sum(r.status == "not_found" for r in answerable),
        "unanswerable_confident": sum(r.status == "answer" for r in unanswerable),
        "abstention_accuracy": sum(r.predicted is None for r in unanswerable) / max(len(unanswerable), 1),
        "unanswerable": len(unanswerable),
        "false_abstentions": sum(r.predicted is None for r in answerable),
        "citation_accuracy": sum(bool(r.citation_ok) for r in cited) / max(len(cited), 1),
        "recall_at_1": sum(r.rank == 1 for r in ranked) / n,
        "recall_at_5": sum(r.rank is not None and r.rank <= 5 for r in ranked) / n,
        "mrr": sum(1 / r.rank for r in ranked if r.rank) / n,
        "latency_p50_ms": 1000 * percentile([r.seconds for r in rows], 0.5),
        "latency_p95_ms": 1000 * percentile([r.seconds for r in rows], 0.95),
        "latency_mean_ms": 1000 * statistics.fmean([r.seconds for r in rows]) if rows else 0.0,
    }


def evaluate(qa: QA, items: list[Item], k: int = 5) -> tuple[dict[str, Any], list[Row]]:
    """Run every item through qa.answer; returns (summary, per-question rows)."""
    qa.answer(items[0].question, k)  # warm-up, so latency is the steady state a user sees
    rows = [evaluate_item(qa, item, k) for item in items]
    return summarise(items, rows), rows


def feedback_items(path: Path) -> tuple[list[Item], list[Vote]]:
    """From a feedback file (qa.feedback): each upvoted answer as a question with that answer in that article, and
    the downvoted answers."""
    votes = read_votes(path)
    ups = [
        Item(f"up{n}", v.question, (v.answer,), frozenset([v.article_id]))
        for n, v in enumerate(votes, 1)
        if v.vote == "up" and v.answer and v.article_id
    ]
    return ups, [v for v in votes if v.vote == "down" and v.answer]


def still_given(qa: QA, downs: list[Vote], k: int) -> int:
    """How many downvoted answers the system still gives to the same question."""
    return sum(normalize_answer(qa.answer(v.question, k).text or "") == normalize_answer(v.answer or "") for v in downs)


def run_eval(args: argparse.Namespace, qa: QA) -> int:
    items = load_items(args.path) if args.path else []
    downs: list[Vote] = []
    if args.feedback:
        ups, downs = feedback_items(args.feedback)
        items += ups
    if not items and not downs:
        raise ValueError("no questions to evaluate: give a question file and/or --feedback FILE with votes")
    summary, rows = evaluate(qa, items, args.k) if items else ({}, [])
    if args.feedback:
        summary["downvoted"] = len(downs)
        summary["downvoted_still_given"] = still_given(qa, downs, args.k)
    if args.json:
        print(
            json.dumps({"summary": summary, "rows": [asdict(r) for r in rows]} if args.verbose else summary, indent=2)
        )
        return 0
    if args.verbose:
        for r in rows:
            shown = "—" if r.predicted is None else r.predicted
            print(
                f"{r.id:>5} {r.status:9} em={r.em:.0f} f1={r.f1:.2f} shown={r.shown_f1:.2f} rank={r.rank} "
                f"cite={r.citation_ok} "
                f"{r.seconds * 1000:6.0f}ms  {shown[:40]!s:40}  {r.question[:60]}"
            )
    for key, value in summary.items():
        print(f"{key:>20}: {value:.3f}" if isinstance(value, float) else f"{key:>20}: {value}")
    return 0
