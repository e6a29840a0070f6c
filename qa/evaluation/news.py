"""`python -m qa eval-news --split test`: the whole system on real saved news pages, with questions written blind.

The 91 pages of ../shared/data/public/news-html (gzipped HTML from many outlets) are written as .html files and
indexed with the product's own build, as a user's folder would be; the questions of benchmarks/news (one split)
go through the full pipeline. Prints what a user of a news archive meets: how often the right answer is shown
(as the answer or as a labelled best guess), how often a confident answer is right and cites the right article,
what happens to unanswerable and off-topic questions, latency, build time, and how well the HTML ingestion
recovers each page's hand-made article text.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qa.config import ROOT, Settings
from qa.decision import Decision
from qa.evaluation.extraction import extraction_scores
from qa.evaluation.metrics import exact_match, f1_score, percentile
from qa.types import Answer, Passage, Span

BENCH = ROOT / "benchmarks" / "news"
PAGES = ROOT.parent / "shared" / "data" / "public" / "news-html"
SPLITS = ("tune", "test", "all")
TYPES = ("answerable", "unanswerable", "offtopic")
RIGHT_F1 = 0.5  # an answer is right when its F1 with a gold answer reaches this (as the confidence claims)


@dataclass(frozen=True)
class NewsQuestion:
    id: str
    question: str
    answers: tuple[str, ...]  # empty: unanswerable or off-topic
    article: str | None  # the page id (None: off-topic)
    type: str  # answerable | unanswerable | offtopic
    split: str
    category: str = ""
    casual: bool = False
    also_in: tuple[str, ...] = field(default=())  # other pages giving the same fact: citing one is right

    def cites(self, article_id: str | None) -> bool:
        """Whether an answer from this article file cites the question's page (or one giving the same fact)."""
        return article_id is not None and page_id(article_id) in {self.article, *self.also_in}


def page_id(article_id: str) -> str:
    return article_id.removesuffix(".html")


def load_questions(path: Path, split: str = "all") -> list[NewsQuestion]:
    """The benchmark's questions of one split ("all": both), in file order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    questions = []
    for d in data:
        if d["type"] not in TYPES:
            raise ValueError(f"{path}: question {d.get('id')} has an unknown type {d['type']!r}")
        q = NewsQuestion(
            d["id"],
            d["question"],
            tuple(d.get("answers") or ()),
            d.get("article"),
            d["type"],
            d["split"],
            d.get("category", ""),
            bool(d.get("casual")),
            tuple(d.get("also_in") or ()),
        )
        if split in ("all", q.split):
            questions.append(q)
    return questions


def write_pages(pages: Path, folder: Path) -> None:
    """Each saved page as <id>.html in folder (decompressed; rewritten only when it differs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted((pages / "html").glob("*.html.gz")):
        target = folder / src.name.removesuffix(".gz")
        raw = gzip.decompress(src.read_bytes())
        if not target.is_file() or target.read_bytes() != raw:
            target.write_bytes(raw)


@dataclass(frozen=True)
class Reading:
    """One question's retrieved passages and read spans, so that every decision is judged on the same reading."""

    question: NewsQuestion
    read: str  # the question as read (QA.read_as: mistyped words respelt)
    passages: list[Passage]
    spans: list[Span]
    seconds: float


def read_news(questions: list[NewsQuestion], work: Path, settings: Settings) -> tuple[list[Reading], Any, float]:
    """Write and index the pages (the normal build), then read every question through the pipeline: (readings,
    the QA whose answer step decides among them, the build's seconds)."""
    from tqdm import tqdm

    from qa.loading import ensure_index
    from qa.pipeline import QA

    corpus, index = work / "articles", work / "index"
    write_pages(PAGES, corpus)
    settings = replace(settings, seeds_dir=corpus, index_dir=index)
    began = time.perf_counter()
    ensure_index(settings, force=True)  # a whole build every run, so that its time is measured
    build_seconds = time.perf_counter() - began
    qa = QA.load(settings)
    qa.answer(questions[0].question)  # warm-up: latency is the steady state
    readings = [ask(qa, q) for q in tqdm(questions, desc="asking", unit="q", mininterval=10, file=sys.stderr)]
    return readings, qa, build_seconds


def ask(qa: Any, q: NewsQuestion) -> Reading:
    """One question read through the pipeline as qa.answer reads it (typos respelt, the reading set), timed."""
    began = time.perf_counter()
    read, passages = qa.read_as(q.question)
    spans = qa.step.read(read, passages)
    return Reading(q, read, passages, spans, time.perf_counter() - began)


@dataclass(frozen=True)
class Judged:
    """What the system said to one question, and how it fares."""

    question: NewsQuestion
    status: str  # answer | guess | not_found
    shown: str  # the answer, else the guess, else ""
    score: float
    f1: float  # of the confident answer ("" when there is none); for an unanswerable, 1 when no answer
    em: float
    shown_f1: float  # of what is shown, the guess included
    cited: bool | None  # the answer's (or guess's) article is the question's; None when nothing is shown

    @property
    def right_shown(self) -> bool:
        return self.shown_f1 >= RIGHT_F1

    @property
    def confident_right(self) -> bool:
        return self.status == "answer" and self.f1 >= RIGHT_F1


def judge(q: NewsQuestion, answer: Answer) -> Judged:
    guess = answer.guess
    shown_span = answer.span or guess
    shown = " ".join(shown_span.text.split()) if shown_span else ""
    confident = answer.text or ""
    if q.answers:
        f1 = max(f1_score(confident, a) for a in q.answers)
        em = max(exact_match(confident, a) for a in q.answers)
        shown_f1 = max(f1_score(shown, a) for a in q.answers)
    else:
        f1 = em = float(answer.text is None)
        shown_f1 = 0.0
    cited = q.cites(shown_span.article_id) if shown_span else None
    return Judged(q, answer.status, shown, answer.score, f1, em, shown_f1, cited)


def share(part: float, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def figures(judged: list[Judged]) -> dict[str, float]:
    """The benchmark's figures (percentages unless named) over judged questions."""
    has = [j for j in judged if j.question.type == "answerable"]
    unans = [j for j in judged if j.question.type == "unanswerable"]
    off = [j for j in judged if j.question.type == "offtopic"]
    confident = [j for j in judged if j.status == "answer"]
    confident_has = [j for j in has if j.status == "answer"]
    outcomes = {t: Counter(j.status for j in group) for t, group in (("has", has), ("unans", unans), ("off", off))}
    return {
        "answerable": len(has),
        "answerable_f1": share(sum(j.f1 for j in has), len(has)),
        "answerable_em": share(sum(j.em for j in has), len(has)),
        "answerable_shown_f1": share(sum(j.shown_f1 for j in has), len(has)),
        "right_shown": share(sum(j.right_shown for j in has), len(has)),
        "answered": share(outcomes["has"]["answer"], len(has)),
        "guessed": share(outcomes["has"]["guess"], len(has)),
        "not_found_answerable": share(outcomes["has"]["not_found"], len(has)),
        "confident_precision": share(sum(j.confident_right for j in confident_has), len(confident)),
        "confident_citation": share(sum(bool(j.cited) for j in confident_has), len(confident_has)),
        "shown_citation": share(
            sum(bool(j.cited) for j in has if j.cited is not None), sum(j.cited is not None for j in has)
        ),
        "unanswerable": len(unans),
        "unanswerable_no_confident": share(len(unans) - outcomes["unans"]["answer"], len(unans)),
        "unanswerable_not_found": share(outcomes["unans"]["not_found"], len(unans)),
        "offtopic": len(off),
        "offtopic_not_found": share(outcomes["off"]["not_found"], len(off)),
    }


def decide(readings: list[Reading], qa: Any, **choice: Any) -> list[Judged]:
    """Each reading decided by the QA's answer step (choice: keyword overrides for a sweep) and judged."""
    return [judge(r.question, qa.step.choose(r.read, r.passages, r.spans, **choice)) for r in readings]


SQUAD_TRAIN = ROOT.parent / "shared" / "data" / "public" / "squad-train" / "train-v1.1.json.gz"
SQUAD_DEV = ROOT.parent / "shared" / "data" / "public" / "squad-v1.1-dev" / "dev-v1.1.json"


def squad_questions(path: Path, n: int, seed: int = 5) -> list[str]:
    """A fixed sample of n SQuAD v1.1 questions: questions about Wikipedia articles, which news pages do not answer
    (as off-topic questions: many, and written by people who never saw the pages)."""
    import random

    raw = path.read_bytes()
    data = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)["data"]
    questions = [q["question"] for a in data for p in a["paragraphs"] for q in p["qas"]]
    return random.Random(seed).sample(questions, min(n, len(questions)))


def ask_off_topic(qa: Any, questions: list[str]) -> list[Reading]:
    """Readings of questions the news pages do not speak to."""
    return [ask(qa, NewsQuestion(f"squad{n}", text, (), None, "offtopic", "squad")) for n, text in enumerate(questions)]


def fit_shipped(readings: list[Reading], qa: Any, off_topic: list[Reading], path: Path) -> Decision:
    """The decision fitted on these readings plus off-topic SQuAD questions (qa.calibrate), written to path."""
    from qa.calibrate import fit_decision, outcome

    outcomes = [
        outcome(qa.step, r.read, r.passages, r.spans, r.question.answers, r.question.type != "offtopic")
        for r in [*readings, *off_topic]
    ]
    what = f"benchmarks/news {readings[0].question.split} half and {len(off_topic)} SQuAD v1.1 train questions"
    decision = fit_decision(outcomes, qa.decision, what=what)
    decision.save(path)
    return decision


def run_eval_news(args: argparse.Namespace, settings: Settings) -> int:
    questions = load_questions(args.questions, args.split)
    if args.limit:
        questions = questions[: args.limit]
    if not questions:
        raise ValueError(f"no questions in {args.questions} for split {args.split}")
    readings, qa, build_seconds = read_news(questions, args.work, settings)
    if args.fit_decision:
        if args.split != "tune":
            raise ValueError("decisions are fitted on the tune half only (--split tune)")
        fitted = fit_shipped(readings, qa, ask_off_topic(qa, squad_questions(SQUAD_TRAIN, 300)), args.fit_decision)
        print(f"decision fitted on {fitted.fitted_on}: {fitted} -> {args.fit_decision}")
        qa.decision = fitted  # the figures below are the fitted decision's, on the data it was fitted on
    judged = decide(readings, qa)
    result: dict[str, float] = figures(judged)
    seconds = [r.seconds for r in readings]
    result["latency_p50_ms"] = 1000 * percentile(seconds, 0.5)
    result["latency_p95_ms"] = 1000 * percentile(seconds, 0.95)
    result["build_seconds"] = build_seconds
    if args.offtopic_sample:  # SQuAD v1.1 dev questions: many off-topic questions nobody fitted anything on
        off = decide(ask_off_topic(qa, squad_questions(SQUAD_DEV, args.offtopic_sample)), qa)
        result["squad_offtopic_not_found"] = share(sum(j.status == "not_found" for j in off), len(off))
    gt = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    texts = args.work / "index" / "texts"
    result.update(extraction_scores({k: v["articleBody"] for k, v in gt.items()}, texts, suffix=".html.txt"))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.questions.name}, split {args.split}: {len(questions)} questions")
        for key, value in result.items():
            print(f"{key:>28}: {value:.3f}" if isinstance(value, float) else f"{key:>28}: {value}")
    if args.verbose:
        for j in judged:
            q = j.question
            print(
                f"{q.id} {q.type[:5]:5} {j.status:9} f1={j.shown_f1:.2f} cite={j.cited!s:5} {j.score:.2f} "
                f"{j.shown[:40]!s:40} | {q.question[:70]} | {q.answers[:1]}"
            )
    return 0
