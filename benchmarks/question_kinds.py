"""What a question asks for: the shipped question-kind model (qa.question_kind) on questions labelled by their answers.

Each question is labelled by the kind of value its gold answer is (as the training data: qa.training.question_kinds,
spaCy's entities telling a count from a measure), or by hand (the disagreement sets' "kind"). Reported apart: what the
model never saw (SQuAD v1.1 dev, the news benchmark's test half, the held-out disagreement sets) and what it was
trained on (the news tune half, the other disagreement sets). A kinded decision is one other than "other": its
precision is what qa.kinds' value checks rely on, its recall is how often a kind is seen at all.

    python -m benchmarks.question_kinds

Out of CI (about a minute); SQuAD is read from ../shared and never copied.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from qa import kinds as K
from qa.evaluation.news import SQUAD_DEV
from qa.training import question_kinds as T


def figures(gold: list[str], said: list[str]) -> str:
    y = np.array([K.OTHER if g == T.PERCENT else g for g in gold])
    p = np.array(said)
    kinded, wanted = p != K.OTHER, y != K.OTHER
    precision = (p[kinded] == y[kinded]).mean() if kinded.any() else float("nan")
    recall = ((p == y) & wanted).sum() / max(wanted.sum(), 1)
    return f"accuracy {(p == y).mean():.3f}  kinded precision {precision:.3f}  recall {recall:.3f}"


def main() -> None:
    nlp = T.entity_labeller()  # labelled as the training data is
    sets = {
        "never seen: SQuAD v1.1 dev": T.squad(SQUAD_DEV, nlp),
        "never seen: news test half (answerable)": T.news("test", nlp),
        "never seen: held-out disagreement sets": T.disagreement(held_out=True),
        "trained on: news tune half (answerable)": T.news("tune", nlp),
        "trained on: other disagreement sets": T.disagreement(held_out=False),
    }
    for name, (questions, gold) in sets.items():
        said = [K.wanted(q).kind for q in questions]
        print(f"{name} ({len(questions)} questions): {figures(gold, said)}")
        misses = Counter((g, s) for g, s in zip(gold, said, strict=True) if g != s and g != T.PERCENT)
        print("  misses (gold, said):", misses.most_common(4))


if __name__ == "__main__":
    main()
