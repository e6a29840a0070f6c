"""Metrics shared by every evaluation and benchmark: SQuAD EM/F1 and latency percentiles."""

from __future__ import annotations

from collections.abc import Sequence

from qa.text import f1_score, normalize_answer

__all__ = ["exact_match", "f1_score", "normalize_answer", "percentile"]


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; 0 for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0
