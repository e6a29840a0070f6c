"""The reader's confidence: P(the span is right), from how far the span's logit beats the no-answer logit.

The SQuAD 2.0 decision compares the best span's start+end logit with the [CLS] (no-answer) one; that margin
ranks answerable above unanswerable far better than the span's softmax probability does. A logistic fit of the
margin to "the span is right" (Platt scaling), made on held-out questions, turns it into a probability that the
chat can show and the abstention threshold can use. Fitted by `python -m qa eval-squad ... --fit-calibration`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

FILE = "calibration.json"  # beside the reader's weights


@dataclass(frozen=True)
class Calibration:
    """confidence = sigmoid(slope * margin + intercept); margin = span logit - no-answer logit."""

    slope: float
    intercept: float
    fitted_on: str = ""  # which questions, and what "right" meant

    def confidence(self, margin: float) -> float:
        z = self.slope * margin + self.intercept
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    @classmethod
    def load(cls, model_dir: Path) -> Calibration | None:
        """The model's calibration, or None for a reader shipped without one (scores stay probabilities)."""
        path = Path(model_dir) / FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["slope"]), float(data["intercept"]), str(data.get("fitted_on", "")))

    def save(self, model_dir: Path) -> None:
        (Path(model_dir) / FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def fit(margins: Sequence[float], right: Sequence[bool], iterations: int = 50) -> tuple[float, float]:
    """(slope, intercept) of the logistic regression of `right` on `margins`, by Newton's method."""
    weights = fit_logistic([[m] for m in margins], right, iterations=iterations)
    return weights[0], weights[1]


def fit_logistic(
    features: Sequence[Sequence[float]],
    labels: Sequence[bool],
    *,
    sample_weights: Sequence[float] | None = None,
    ridge: float = 1e-9,
    iterations: int = 50,
) -> list[float]:
    """Weights of a logistic regression of labels on features, the intercept last (Newton's method; `ridge`
    keeps it finite when the classes separate)."""
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if len(y) == 0 or y.min() == y.max():
        raise ValueError("calibration needs both right and wrong examples")
    s = np.ones_like(y) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    design = np.hstack([x.reshape(len(y), -1), np.ones((len(y), 1))])
    w = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -60, 60)))
        gradient = design.T @ (s * (y - p)) - ridge * w
        hessian = (design * (s * p * (1 - p))[:, None]).T @ design + ridge * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w += step
        if np.abs(step).max() < 1e-10:
            break
    return [float(v) for v in w]


def expected_calibration_error(confidences: Sequence[float], right: Sequence[bool], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by how many fall in each."""
    c = np.asarray(confidences, dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)
    if len(c) == 0:
        return 0.0
    which = np.minimum((c * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            total += sel.sum() * abs(y[sel].mean() - c[sel].mean())
    return float(total / len(c))
