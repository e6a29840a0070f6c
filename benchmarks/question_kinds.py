"""What a question asks for: qa.kinds' rules against a model trained on SQuAD, on questions neither was written on.

The model is a logistic regression over the question's word 1-3-grams, trained on the 87,599 SQuAD v1.1 train
questions, each labelled by the kind of value its gold answer is (qa.kinds' value detectors: a date, a sum, a
share, a short count, else other). It is judged on SQuAD v1.1 dev (labelled the same way), on the real-news
benchmark's answerable questions (labelled the same way, tune and test halves apart) and on the disagreement
sets (labelled by hand: their "kind"), beside the rules (qa.kinds.wanted). A kinded decision is one other than
"other": its precision is what the rules' value checks rely on, its recall is how often a kind is seen at all.

    python -m benchmarks.question_kinds [--min-probability 0.5]

Out of CI (about three minutes on two cores); SQuAD is read from ../shared and never copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from qa import kinds as K

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "public"
KINDS = [K.OTHER, K.COUNT, K.DATE, K.MONEY, "percent"]


def kind_of(answer: str) -> str:
    """The kind of value a gold answer is, by qa.kinds' value detectors (not by the question's words)."""
    words = answer.split()
    if not K.NUMERAL.search(answer) and not K.date_words(answer):
        return K.OTHER
    if K.PERCENT_SIGN.search(answer):
        return "percent"
    if K.CURRENCY.search(answer) and re.search(r"\d", answer):
        return K.MONEY
    if K.date_words(answer) or (K.YEAR.search(answer) and len(words) <= 4):
        return K.DATE
    return K.COUNT if len(words) <= 4 else K.OTHER


def most_common_kind(answers: list[str]) -> str:
    return Counter(kind_of(a) for a in answers).most_common(1)[0][0]


def squad(path: Path) -> tuple[list[str], list[str]]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    data = json.loads(raw)["data"]
    rows = [(q["question"], [a["text"] for a in q["answers"]]) for a in data for p in a["paragraphs"] for q in p["qas"]]
    return [q for q, _ in rows], [most_common_kind(a) for _, a in rows]


def news(split: str) -> tuple[list[str], list[str]]:
    rows = json.loads((ROOT / "benchmarks" / "news" / "questions.json").read_text(encoding="utf-8"))
    rows = [r for r in rows if r["answers"] and r["split"] == split]
    return [r["question"] for r in rows], [most_common_kind(r["answers"]) for r in rows]


def disagreement() -> tuple[list[str], list[str]]:
    rows = [
        q
        for f in sorted((ROOT / "benchmarks" / "disagreement").glob("*.json"))
        for q in json.loads(f.read_text(encoding="utf-8"))["questions"]
    ]
    return [r["question"] for r in rows], [r["kind"] for r in rows]


def figures(gold: list[str], said: list[str]) -> str:
    y, p = np.array(gold), np.array(said)
    kinded, wanted = p != K.OTHER, y != K.OTHER
    precision = (p[kinded] == y[kinded]).mean() if kinded.any() else float("nan")
    recall = ((p == y) & wanted).sum() / max(wanted.sum(), 1)
    return f"accuracy {(p == y).mean():.3f}  kinded precision {precision:.3f}  recall {recall:.3f}"


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-probability", type=float, default=0.5, help="below it, the model says 'other'")
    args = parser.parse_args()
    questions, labels = squad(DATA / "squad-train" / "train-v1.1.json.gz")
    print("SQuAD v1.1 train labels:", dict(Counter(labels)))
    vectors = TfidfVectorizer(ngram_range=(1, 3), min_df=3, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[?$£€%]")
    model = LogisticRegression(C=4.0, max_iter=2000).fit(vectors.fit_transform(questions), labels)
    sets = {
        "SQuAD v1.1 dev": squad(DATA / "squad-v1.1-dev" / "dev-v1.1.json"),
        "news tune (answerable)": news("tune"),
        "news test (answerable)": news("test"),
        "disagreement sets (all)": disagreement(),
    }
    for name, (qs, gold) in sets.items():
        probabilities = model.predict_proba(vectors.transform(qs))
        best = probabilities.argmax(1)
        said = [
            str(model.classes_[i]) if p[i] >= args.min_probability else K.OTHER
            for i, p in zip(best, probabilities, strict=True)
        ]
        print(f"{name} ({len(qs)} questions)")
        print(f"  rules: {figures(gold, [K.wanted(q).kind for q in qs])}")
        print(f"  model: {figures(gold, said)}")
        print(
            "  model's misses (gold, said):",
            Counter((g, s) for g, s in zip(gold, said, strict=True) if g != s).most_common(4),
        )


if __name__ == "__main__":
    main()
