"""SQuAD evaluation: the official answer normalisation, EM/F1 (v1.1) and HasAns/NoAns figures (v2.0)."""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import re
import string
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Settings

PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, collapse whitespace (official script)."""
    text = "".join(ch for ch in text.lower() if ch not in PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1_score(prediction: str, gold: str) -> float:
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:  # v2.0 rule: both empty is a match, one empty is not
        return float(pred == ref)
    common = collections.Counter(pred) & collections.Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    context: str
    answers: tuple[str, ...]  # empty: unanswerable (v2.0)


def squad_question(qa: dict[str, Any], context: str) -> Question:
    """One SQuAD qas entry on its paragraph; a v2.0 impossible question has no answers."""
    answers = () if qa.get("is_impossible") else tuple(a["text"] for a in qa["answers"])
    return Question(qa["id"], qa["question"], context, answers)


def load_squad(path: Path) -> tuple[list[Question], bool]:
    """Questions in file order, and whether the file is v2.0 (has unanswerable questions)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    out: list[Question] = []
    v2 = False
    for article in data:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                v2 = v2 or "is_impossible" in qa
                out.append(squad_question(qa, para["context"]))
    return out, v2


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
) -> tuple[dict[str, tuple[str, float]], float]:
    """Run the shipped reader on each question's own paragraph: (id -> (best span, score), seconds per question).

    Questions are read in batches of similar length; the reported time per question is the batched average.
    """
    from tqdm import tqdm

    from qa.pipeline import settings_reader

    reader = settings_reader(settings)
    found: dict[str, tuple[str, float]] = {}
    began = time.perf_counter()
    ordered = sorted(questions, key=lambda q: len(q.context))  # similar lengths batch with little padding
    with tqdm(total=len(ordered), desc="reading", unit="q", mininterval=5, file=sys.stderr) as bar:
        for lo in range(0, len(ordered), batch_size):
            batch = ordered[lo : lo + batch_size]
            spans = reader.read_pairs([q.question for q in batch], [q.context for q in batch])
            for q, span in zip(batch, spans, strict=True):
                found[q.id] = (span.text, span.score) if span is not None else ("", 0.0)
            bar.update(len(batch))
    return found, (time.perf_counter() - began) / max(len(questions), 1)


def with_threshold(found: dict[str, tuple[str, float]], threshold: float | None) -> dict[str, str]:
    """Predictions with spans below the threshold turned into abstentions ("")."""
    return {qid: text if threshold is None or score >= threshold else "" for qid, (text, score) in found.items()}


def reliability(questions: list[Question], found: dict[str, tuple[str, float]]) -> list[str]:
    """Rows of a reliability table: in each score bin, how often the span is right (EM) or rightly empty."""
    rows = [f"{'score bin':>12} {'questions':>9} {'mean score':>10} {'EM of span':>10} {'answerable':>10}"]
    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    for lo, hi in itertools.pairwise(edges):
        qs = [q for q in questions if lo <= found[q.id][1] < hi]
        if not qs:
            continue
        em = sum(max(exact_match(found[q.id][0], a) for a in q.answers) if q.answers else 0.0 for q in qs)
        mean = sum(found[q.id][1] for q in qs) / len(qs)
        has = sum(bool(q.answers) for q in qs)
        rows.append(
            f"{lo:>5.1f}–{min(hi, 1.0):<5.1f} {len(qs):>9} {mean:>10.3f} {em / len(qs):>10.3f} {has / len(qs):>10.3f}"
        )
    return rows


SUPPORT_SWEEP = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0)


def distractor_predictions(
    path: Path, settings: Settings, distractors: int, weights: tuple[float, ...], threshold: float, limit: int = 0
) -> tuple[list[Question], dict[float, dict[str, str]]]:
    """Answer each question the way the product does, from several passages: its own paragraph plus the
    `distractors` paragraphs of the same article that BM25 ranks highest for it, one reader pass, then
    qa.selection.choose_answer at each support weight. Returns the questions and {weight: {id: answer}}."""
    from tqdm import tqdm

    from qa.lexical import LexicalIndex
    from qa.pipeline import settings_reader
    from qa.selection import choose_answer
    from qa.types import Chunk, Passage

    reader = settings_reader(settings)
    questions: list[Question] = []
    found: dict[float, dict[str, str]] = {w: {} for w in weights}
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    total = limit or sum(len(p["qas"]) for a in data for p in a["paragraphs"])
    with tqdm(total=total, desc="reading", unit="q", mininterval=5, file=sys.stderr) as bar:
        for article in data:
            title = article.get("title", "")
            chunks = [
                Chunk(f"{title}:{i}", title, title, p["context"], 0, len(p["context"]))
                for i, p in enumerate(article["paragraphs"])
            ]
            lexical = LexicalIndex(chunks)
            for i, para in enumerate(article["paragraphs"]):
                for qa in para["qas"]:
                    if limit and len(questions) >= limit:
                        return questions, found
                    questions.append(squad_question(qa, para["context"]))
                    rows = [r for r, _ in lexical.search(qa["question"], distractors + 1) if r != i][:distractors]
                    passages = [Passage(chunks[r], 0.0) for r in [i, *rows]]
                    spans = sorted(
                        reader.read(qa["question"], passages, settings.spans_per_passage), key=lambda sp: -sp.score
                    )
                    for w in weights:
                        answer = choose_answer(qa["question"], passages, spans, threshold, w)
                        found[w][qa["id"]] = answer.text or ""
                    bar.update(1)
    return questions, found


def run_distractors(args: argparse.Namespace, settings: Settings) -> int:
    """`eval-squad PATH --distractors N`: EM/F1 when every question competes with N same-article paragraphs."""
    weights = SUPPORT_SWEEP if args.sweep else (settings.support_weight,)
    threshold = args.threshold if args.threshold is not None else 0.0
    questions, found = distractor_predictions(args.path, settings, args.distractors, weights, threshold, args.limit)
    print(f"{len(questions)} questions, each read with up to {args.distractors} distractor paragraphs")
    print(f"{'support weight':>14} {'EM':>7} {'F1':>7}")
    for w in weights:
        r = score(questions, found[w])
        print(f"{w:>14.2f} {r['exact_match']:>7.2f} {r['f1']:>7.2f}")
    return 0


def run_eval_squad(args: argparse.Namespace, settings: Settings) -> int:
    """`python -m qa eval-squad PATH`: print EM/F1 (and v2.0 splits) and reader time per question."""
    if args.distractors:
        return run_distractors(args, settings)
    questions, v2 = load_squad(args.path)
    if args.limit:
        questions = questions[: args.limit]
    if args.predictions:
        result = score(questions, json.loads(args.predictions.read_text(encoding="utf-8")))
        print_result(result)
        return 0
    found, per_question = predict(questions, settings)
    threshold = args.threshold if args.threshold is not None else settings.min_answer_score
    result = score(questions, with_threshold(found, threshold if v2 else None))
    result["ms_per_question"] = 1000 * per_question
    print_result(result)
    if args.sweep:
        print("\nthreshold sweep (answer only when the span score reaches the threshold):")
        for t in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
            r = score(questions, with_threshold(found, t))
            extra = f"  HasAns F1 {r['has_ans_f1']:.2f}  NoAns acc {r['no_ans_accuracy']:.2f}" if v2 else ""
            print(f"  {t:>4.2f}: EM {r['exact_match']:.2f}  F1 {r['f1']:.2f}{extra}")
        print("\nreliability:")
        print("\n".join(reliability(questions, found)))
    return 0


def print_result(result: dict[str, float]) -> None:
    for key, value in result.items():
        print(f"{key:>16}: {int(value)}" if key == "questions" else f"{key:>16}: {value:.3f}")
