"""How well the product's article text matches a page's hand-made text: the article extraction benchmark's metric.

Scrapinghub's article-extraction-benchmark scores an extractor by 4-word shingles: per page, true and false
positives and false negatives of the shingle counts, normalised so that long pages weigh no more than short ones;
precision and recall are averaged over pages, and F1 is taken of the two averages. Its published table (all 181
pages) gives trafilatura 2.0.0 F1 0.958.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

WORD = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = WORD.findall(text)
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)) if words[i:])


def page_counts(true: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of the shingles of one page, normalised to sum to 1."""
    t, p = shingles(true), shingles(predicted)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 over (true text, predicted text) pairs, as the benchmark computes them."""
    precisions, recalls = [], []
    for true, predicted in pairs:
        tp, fp, fn = page_counts(true, predicted)
        perfect = fp == fn == 0
        if tp + fp > 0:
            precisions.append(1.0 if perfect else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if perfect else tp / (tp + fn))
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def extraction_scores(truth: Mapping[str, str], texts: Path, *, suffix: str) -> dict[str, float]:
    """The benchmark's scores of the texts a build kept (texts/<id><suffix>) against the true texts; a page the
    build skipped counts as extracting nothing."""
    pairs = []
    for page, true in truth.items():
        kept = texts / f"{page}{suffix}"
        pairs.append((true, kept.read_text(encoding="utf-8") if kept.is_file() else ""))
    return {f"extraction_{k}": v for k, v in scores(pairs).items()}
