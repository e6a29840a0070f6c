"""`python -m qa eval-open PATH --split test`: the whole system on public text nobody tuned for.

The articles of one split of SQuAD dev are written as article files, indexed like any corpus (`qa build`), and a
fixed sample of their questions is asked through the full pipeline (retrieve, read, choose, abstain, cite), so
wrong passages, competing articles and unanswerable questions all count. Prints overall/HasAns F1, NoAns
accuracy, false abstentions, citation accuracy (the answer's article is the question's), recall@5 by article,
latency, a threshold sweep and the calibration error of the confidence shown.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.evaluation.metrics import percentile
from qa.evaluation.squad import Question, is_right, load_squad, score, split_articles
from qa.types import Passage, Span

SWEEP = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)


def article_file(title: str) -> str:
    return re.sub(r"[^\w.-]+", "_", title) + ".txt"


def write_articles(path: Path, titles: set[str], folder: Path) -> None:
    """Each article as a file: its title line, then its paragraphs separated by blank lines."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    folder.mkdir(parents=True, exist_ok=True)
    for article in data:
        if article["title"] in titles:
            body = "\n\n".join(p["context"].strip() for p in article["paragraphs"])
            text = f"{article['title'].replace('_', ' ')}\n\n{body}\n"
            target = folder / article_file(article["title"])
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")


def fixed_sample(questions: list[Question], n: int, seed: int = 13) -> list[Question]:
    """The same n questions every run (in file order), whatever the machine."""
    if n <= 0 or n >= len(questions):
        return questions
    keep = set(random.Random(seed).sample(range(len(questions)), n))
    return [q for i, q in enumerate(questions) if i in keep]


@dataclass(frozen=True)
class Read:
    """One question's retrieved passages and read spans, so that every threshold is judged on the same reading."""

    question: Question
    passages: list[Passage]
    spans: list[Span]
    seconds: float
    read: str  # the question as read (QA.read_as: mistyped words respelt)


def summarise(reads: list[Read], step: Any, threshold: float) -> dict[str, float]:
    """The figures at one abstention threshold."""
    from qa.calibration import expected_calibration_error

    answers = {r.question.id: step.choose(r.read, r.passages, r.spans, min_score=threshold) for r in reads}
    found = {qid: a.text or "" for qid, a in answers.items()}
    result = score([r.question for r in reads], found)
    has = [r for r in reads if r.question.answers]
    answered = [r for r in has if answers[r.question.id].span is not None]
    cited = sum(answers[r.question.id].article_id == article_file(r.question.article) for r in answered)
    result["false_abstention_rate"] = 100 * (1 - len(answered) / max(len(has), 1))
    result["citation_accuracy"] = 100 * cited / max(len(answered), 1)
    confidences = [a.score for a in answers.values()]
    right = [is_right(a.text or "", r.question) for a, r in zip(answers.values(), reads, strict=True)]
    result["ece"] = expected_calibration_error(confidences, right)
    return result


def read_open_corpus(
    path: Path, split: str, sample: int, work: Path, settings: Settings, limit: int = 0
) -> tuple[list[Read], Any]:
    """Write the split's articles, index them, and read a fixed sample of their questions through the pipeline:
    (the readings, the answer step that chooses among them)."""
    from tqdm import tqdm

    from qa.loading import ensure_index
    from qa.pipeline import QA

    titles = split_articles(split)
    corpus, index = work / f"squad-{split}" / "articles", work / f"squad-{split}" / "index"
    write_articles(path, titles, corpus)
    settings = replace(settings, seeds_dir=corpus, index_dir=index)
    ensure_index(settings)
    qa = QA.load(settings)
    questions = fixed_sample(load_squad(path, titles)[0], sample)[: limit or None]
    reads: list[Read] = []
    qa.answer(questions[0].question)  # warm-up: latency is the steady state
    for q in tqdm(questions, desc="asking", unit="q", mininterval=10, file=sys.stderr):
        began = time.perf_counter()
        read, passages = qa.read_as(q.question)
        spans = qa.step.read(read, passages)
        reads.append(Read(q, passages, spans, time.perf_counter() - began, read))
    return reads, qa.step


def open_figures(reads: list[Read], step: Any, threshold: float) -> dict[str, float]:
    """summarise() plus retrieval (recall@5 by article) and latency."""
    has = [r for r in reads if r.question.answers]
    recall = sum(any(p.article_id == article_file(r.question.article) for p in r.passages[:5]) for r in has)
    result = summarise(reads, step, threshold)
    result["recall_at_5_article"] = 100 * recall / max(len(has), 1)
    result["latency_p50_ms"] = 1000 * percentile([r.seconds for r in reads], 0.5)
    result["latency_p95_ms"] = 1000 * percentile([r.seconds for r in reads], 0.95)
    return result


def run_eval_open(args: argparse.Namespace, settings: Settings) -> int:
    reads, step = read_open_corpus(args.path, args.split, args.sample, args.work, settings, args.limit)
    threshold = step.decision.answer_at
    print(
        f"{args.path.name}, split {args.split}: {len(reads)} questions; decision {settings.decision or 'auto'}, "
        f"answer line {threshold}"
    )
    for key, value in open_figures(reads, step, threshold).items():
        print(f"{key:>22}: {int(value)}" if key == "questions" else f"{key:>22}: {value:.3f}")
    if args.sweep:
        print("\nthreshold sweep:")
        for t in SWEEP:
            r = summarise(reads, step, t)
            print(
                f"  {t:>4.2f}: F1 {r['f1']:.2f}  HasAns F1 {r['has_ans_f1']:.2f}  NoAns {r['no_ans_accuracy']:.2f}"
                f"  false abst. {r['false_abstention_rate']:.1f}%  citation {r['citation_accuracy']:.1f}%"
            )
    return 0
