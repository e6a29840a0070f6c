"""SQuAD evaluation: the official answer normalisation, EM/F1 (v1.1) and HasAns/NoAns figures (v2.0)."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import ROOT, Settings
from qa.evaluation.metrics import exact_match, f1_score, normalize_answer


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    context: str
    answers: tuple[str, ...]  # empty: unanswerable (v2.0)
    article: str = ""  # the Wikipedia title


def squad_question(qa: dict[str, Any], context: str, article: str = "") -> Question:
    """One SQuAD qas entry on its paragraph; a v2.0 impossible question has no answers."""
    answers = () if qa.get("is_impossible") else tuple(a["text"] for a in qa["answers"])
    return Question(qa["id"], qa["question"], context, answers, article)


def load_squad(path: Path, articles: set[str] | None = None) -> tuple[list[Question], bool]:
    """Questions in file order (of the named articles only, when given), and whether the file is v2.0."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    out: list[Question] = []
    v2 = False
    for article in data:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                v2 = v2 or "is_impossible" in qa
                if articles is None or article["title"] in articles:
                    out.append(squad_question(qa, para["context"], article["title"]))
    return out, v2


SPLIT_FILE = ROOT.parent / "shared" / "data" / "public" / "squad-v2.0-dev" / "split.json"
SPLITS = ("test", "tune", "dev", "tune-train", "v1.1_test")


def split_articles(name: str, split_file: Path = SPLIT_FILE) -> set[str]:
    """The article titles of a split of SQuAD dev (split.json): test and tune halves, v1.1_test; "dev" is the
    tune-half articles kept out of training (qa.training.reader.DEV_ARTICLES), "tune-train" the rest of tune."""
    from qa.training.reader import DEV_ARTICLES

    split = json.loads(split_file.read_text(encoding="utf-8"))
    if name == "dev":
        return set(DEV_ARTICLES)
    if name == "tune-train":
        return set(split["tune"]) - set(DEV_ARTICLES)
    if name not in split:
        raise ValueError(f"unknown split {name!r}; choose one of {', '.join(SPLITS)}")
    return set(split[name])


def is_right(prediction: str, q: Question) -> bool:
    """What the confidence claims: a span is right when its F1 with a gold answer is at least 0.5 (never for an
    unanswerable question)."""
    return bool(q.answers) and max(f1_score(prediction, a) for a in q.answers) >= 0.5


def score(questions: list[Question], predictions: dict[str, str]) -> dict[str, float]:
    """EM and F1 in percent (max over gold answers; a missing prediction scores 0), split for v2.0."""
    em: dict[str, float] = {}
    f1: dict[str, float] = {}
    for q in questions:
        pred = predictions.get(q.id)
        if pred is None:
            em[q.id] = f1[q.id] = 0.0
            continue
        golds = [a for a in q.answers if normalize_answer(a)] or [""]
        em[q.id] = max(exact_match(pred, g) for g in golds)
        f1[q.id] = max(f1_score(pred, g) for g in golds)
    n = max(len(questions), 1)
    result = {
        "questions": float(len(questions)),
        "exact_match": 100 * sum(em.values()) / n,
        "f1": 100 * sum(f1.values()) / n,
    }
    has = [q.id for q in questions if q.answers]
    no = [q.id for q in questions if not q.answers]
    if no:
        result["has_ans_exact"] = 100 * sum(em[i] for i in has) / max(len(has), 1)
        result["has_ans_f1"] = 100 * sum(f1[i] for i in has) / max(len(has), 1)
        result["no_ans_accuracy"] = 100 * sum(em[i] for i in no) / len(no)
    return result


def predict(
    questions: list[Question], settings: Settings, batch_size: int = 16
) -> tuple[dict[str, tuple[str, float, float]], float]:
    """Run the reader on each question's own paragraph: (id -> (best span, score, margin), seconds per question).

    Questions are read in batches of similar length; the reported time per question is the batched average.
    """
    from tqdm import tqdm

    from qa.loading import reader as load_reader

    reader = load_reader(settings)
    found: dict[str, tuple[str, float, float]] = {}
    began = time.perf_counter()
    ordered = sorted(questions, key=lambda q: len(q.context))  # similar lengths batch with little padding
    with tqdm(total=len(ordered), desc="reading", unit="q", mininterval=5, file=sys.stderr) as bar:
        for lo in range(0, len(ordered), batch_size):
            batch = ordered[lo : lo + batch_size]
            spans = reader.read_texts([q.question for q in batch], [q.context for q in batch])
            for q, best in zip(batch, spans, strict=True):
                found[q.id] = (best[0].text, best[0].score, best[0].margin) if best else ("", 0.0, -100.0)
            bar.update(len(batch))
    return found, (time.perf_counter() - began) / max(len(questions), 1)


def with_threshold(found: dict[str, tuple[str, float, float]], threshold: float | None) -> dict[str, str]:
    """Predictions with spans below the threshold turned into abstentions ("")."""
    return {qid: t if threshold is None or score >= threshold else "" for qid, (t, score, _) in found.items()}


def reliability(questions: list[Question], found: dict[str, tuple[str, float, float]]) -> list[str]:
    """Rows of a reliability table: in each confidence bin, how often the best span is right (is_right) and the
    share of answerable questions; then the expected calibration error."""
    from qa.calibration import expected_calibration_error

    rows = [f"{'score bin':>12} {'questions':>9} {'mean score':>10} {'right':>10} {'answerable':>10}"]
    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    for lo, hi in itertools.pairwise(edges):
        qs = [q for q in questions if lo <= found[q.id][1] < hi]
        if not qs:
            continue
        n = len(qs)
        right = sum(is_right(found[q.id][0], q) for q in qs) / n
        mean = sum(found[q.id][1] for q in qs) / n
        has = sum(bool(q.answers) for q in qs) / n
        rows.append(f"{lo:>5.1f}–{min(hi, 1.0):<5.1f} {n:>9} {mean:>10.3f} {right:>10.3f} {has:>10.3f}")
    scores = [found[q.id][1] for q in questions]
    ece = expected_calibration_error(scores, [is_right(found[q.id][0], q) for q in questions])
    rows.append(f"expected calibration error: {ece:.4f}")
    return rows


def run_eval_squad(args: argparse.Namespace, settings: Settings) -> int:
    """`python -m qa eval-squad PATH`: EM/F1 (and v2.0 splits) with the app's abstention and always answering."""
    articles = split_articles(args.split) if args.split else None
    questions, v2 = load_squad(args.path, articles)
    if args.limit:
        questions = questions[: args.limit]
    if args.predictions:
        print_result(score(questions, json.loads(args.predictions.read_text(encoding="utf-8"))))
        return 0
    found, per_question = predict(questions, settings)
    if args.fit_calibration:
        fit_calibration(questions, found, args.fit_calibration, args)
        return 0
    from qa.loading import decision

    threshold = args.threshold if args.threshold is not None else decision(settings).answer_at
    print(f"{args.path.name}{f', split {args.split}' if args.split else ''}: threshold {threshold}")
    result = score(questions, with_threshold(found, threshold))
    always = score(questions, with_threshold(found, None))
    result["f1_always_answering"] = always["has_ans_f1"] if v2 else always["f1"]
    result["ms_per_question"] = 1000 * per_question
    print_result(result)
    if args.sweep:
        print("\nthreshold sweep (answer only when the span score reaches the threshold):")
        for t in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7):
            r = score(questions, with_threshold(found, t))
            extra = f"  HasAns F1 {r['has_ans_f1']:.2f}  NoAns acc {r['no_ans_accuracy']:.2f}" if v2 else ""
            print(f"  {t:>4.2f}: EM {r['exact_match']:.2f}  F1 {r['f1']:.2f}{extra}")
        print("\nreliability:")
        print("\n".join(reliability(questions, found)))
    return 0


def fit_calibration(
    questions: list[Question], found: dict[str, tuple[str, float, float]], model_dir: Path, args: argparse.Namespace
) -> None:
    """Fit the reader's confidence (qa.calibration) on these questions and write it beside the weights."""
    from qa.calibration import Calibration, fit

    margins = [found[q.id][2] for q in questions]
    right = [is_right(found[q.id][0], q) for q in questions]
    slope, intercept = fit(margins, right)
    what = f"{args.path.name} split {args.split or 'all'}: {len(questions)} questions; right = span F1 >= 0.5"
    Calibration(slope, intercept, what).save(model_dir)
    print(f"calibration: slope {slope:.4f}, intercept {intercept:.4f} ({what}) -> {model_dir}")


def print_result(result: dict[str, float]) -> None:
    for key, value in result.items():
        print(f"{key:>16}: {int(value)}" if key == "questions" else f"{key:>16}: {value:.3f}")
