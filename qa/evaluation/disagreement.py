"""`python -m qa eval-disagree QUESTIONS.json [--upload FILE]`: are every article's figures shown, and only them?

For each question the file lists, per article, the values that article gives. An expected value is shown when the
answer or one of its reports (Answer.alternatives, Answer.agreeing) comes from that article and matches one of its
forms. Printed: the share of expected article values shown (and how many of them with no answer: the reports of
an abstention, Answer.unconfirmed), values shown that no article is expected to give (wrong value or wrong kind),
of those the values of the wrong kind (judged from the file's "kind"), whether each "agree" question cites every
agreeing article, and answer latency. With --upload, the seeds and the given files
are indexed together in a scratch folder, and each question's "upload" values count too: an uploaded article must
take part like any other.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.evaluation.metrics import percentile
from qa.text import answer_key, normalize_answer
from qa.types import Answer, Span


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    kind: str
    expected: dict[str, tuple[str, ...]]  # article file -> the forms its value may take
    agree: bool = False


def load_cases(path: Path, uploads: list[Path]) -> list[Case]:
    data = json.loads(path.read_text(encoding="utf-8"))["questions"]
    names = {p.name for p in uploads}
    cases = []
    for d in data:
        expected = {a: tuple(v) for a, v in d["expected"].items()}
        expected |= {a: tuple(v) for a, v in d.get("upload", {}).items() if a in names}
        cases.append(Case(d["id"], d["question"], d.get("kind", "other"), expected, bool(d.get("agree"))))
    return cases


def matches(shown: str, form: str) -> bool:
    """Same value: equal answer keys (numbers by value), or one's normalised words inside the other's."""
    if answer_key(shown) == answer_key(form):
        return True
    a, b = normalize_answer(shown), normalize_answer(form)
    if answer_key(form).startswith("#"):  # a figure must be that figure, not a phrase that contains it
        return False
    return bool(a and b) and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


# The benchmark's own judge of a value's kind, from the kind the question file gives (not qa.kinds, which it checks).
KIND_CHECKS = {
    "count": lambda t: bool(re.search(r"\d", t)) and not re.search(r"%|per ?cent|[£$€]|euros?|pounds?|dollars?", t),
    "money": lambda t: bool(re.search(r"[£$€]|euros?|pounds?|dollars?|million|billion", t, re.IGNORECASE)),
    "percent": lambda t: bool(re.search(r"%|per ?cent", t)),
    "date": lambda t: bool(
        re.search(
            r"\b(?:1[5-9]|20)\d\d\b|day\b|january|february|march|april|may|june|july|august|september|"
            r"october|november|december",
            t,
            re.IGNORECASE,
        )
    ),
}


def wrong_kind(kind: str, text: str) -> bool:
    check = KIND_CHECKS.get(kind)
    return check is not None and not check(text)


def shown_reports(answer: Answer) -> list[Span]:
    return [s for s in (answer.span or answer.guess, *answer.alternatives, *answer.agreeing) if s is not None]


def judge(case: Case, answer: Answer) -> dict[str, Any]:
    reports = shown_reports(answer)
    found = {
        article: any(s.article_id == article and any(matches(s.text, f) for f in forms) for s in reports)
        for article, forms in case.expected.items()
    }
    surprises = [s for s in reports if not any(matches(s.text, f) for f in case.expected.get(s.article_id, ()))]
    unexpected = [f"{s.article_id}: {' '.join(s.text.split())}" for s in surprises]
    return {
        "id": case.id,
        "question": case.question,
        "answer": answer.text,
        "found": found,
        "unexpected": unexpected,
        # of the values no article was expected to give: an expected "Last month" is a date as the article wrote it
        "wrong_kind": [s.text for s in surprises if wrong_kind(case.kind, s.text)],
        "differ": answer.reports_differ,
        "unconfirmed": answer.unconfirmed,
        "agree_cited": all(found.values()) if case.agree else None,
    }


def run_eval_disagree(args: argparse.Namespace, settings: Settings) -> int:
    from qa.loading import ensure_index
    from qa.pipeline import QA

    uploads = [Path(p) for p in args.upload]
    cases = load_cases(args.path, uploads)
    with tempfile.TemporaryDirectory() as tmp:
        if uploads:
            corpus = Path(tmp) / "articles"
            shutil.copytree(settings.seeds_dir, corpus)
            for p in uploads:
                shutil.copy(p, corpus / p.name)
            settings = replace(settings, seeds_dir=corpus, index_dir=Path(tmp) / "index")
            ensure_index(settings)
        qa = QA.load(settings)
        qa.answer(cases[0].question)  # warm-up: latency is the steady state
        rows, seconds = [], []
        for case in cases:
            began = time.perf_counter()
            answer = qa.answer(case.question)
            seconds.append(time.perf_counter() - began)
            rows.append(judge(case, answer))
    differ = [r for r, c in zip(rows, cases, strict=True) if not c.agree]
    values = [v for r in differ for v in r["found"].values()]
    agree = [r for r in rows if r["agree_cited"] is not None]
    summary = {
        "questions": len(differ),
        "expected_values": len(values),
        "values_shown_pct": 100 * sum(values) / max(len(values), 1),
        # of those, shown without an answer (Answer.unconfirmed): the reports of an abstention
        "unconfirmed_values": sum(v for r in differ if r["unconfirmed"] for v in r["found"].values()),
        "unexpected_values": sum(len(r["unexpected"]) for r in rows),
        "wrong_kind_values": sum(len(r["wrong_kind"]) for r in rows),
        "reports_differ_pct": 100 * sum(r["differ"] for r in differ) / max(len(differ), 1),
        "agree_questions": len(agree),
        "agree_all_cited": sum(bool(r["agree_cited"]) for r in agree),
        "latency_p50_ms": 1000 * percentile(seconds, 0.5),
        "latency_p95_ms": 1000 * percentile(seconds, 0.95),
        "uploads": [p.name for p in uploads],
    }
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}))
        return 0
    for r in rows:
        marks = " ".join(f"{a[:3]}{'+' if ok else '-'}" for a, ok in r["found"].items())
        extra = f"  unexpected: {'; '.join(r['unexpected'])}" if r["unexpected"] else ""
        shown = (
            f"{r['answer']!r}"
            if r["answer"] is not None
            else "None (unconfirmed reports)"
            if r["unconfirmed"]
            else "None"
        )
        print(f"{r['id']:>3} {marks:<32} answer {shown}{extra}")
    for key, value in summary.items():
        print(f"{key:>20}: {value:.1f}" if isinstance(value, float) else f"{key:>20}: {value}")
    return 0
