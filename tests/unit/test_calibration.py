"""The reader's confidence: Platt scaling of the no-answer margin, and the calibration error that judges it."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from qa.calibration import Calibration, expected_calibration_error, fit


def test_fit_recovers_the_slope_and_intercept_that_made_the_labels() -> None:
    rng = random.Random(3)
    margins = [rng.uniform(-15, 15) for _ in range(20_000)]
    right = [rng.random() < 1 / (1 + math.exp(-(0.3 * m - 1.0))) for m in margins]
    slope, intercept = fit(margins, right)
    assert slope == pytest.approx(0.3, abs=0.02) and intercept == pytest.approx(-1.0, abs=0.08)
    confidences = [Calibration(slope, intercept).confidence(m) for m in margins]
    assert expected_calibration_error(confidences, right) < 0.02
    assert expected_calibration_error([0.9] * len(right), right) > 0.3  # an overconfident score is caught


def test_fit_refuses_labels_of_one_kind() -> None:
    with pytest.raises(ValueError, match="both right and wrong"):
        fit([1.0, 2.0], [True, True])


def test_confidence_rises_with_the_margin_and_stays_a_probability() -> None:
    c = Calibration(0.18, -0.8)
    values = [c.confidence(m) for m in (-1000, -10, 0, 10, 1000)]
    assert values == sorted(values) and all(0.0 <= v <= 1.0 for v in values)
    assert values[0] == 0.0 and values[-1] == pytest.approx(1.0)


def test_a_calibration_round_trips_and_a_reader_without_one_has_none(tmp_path: Path) -> None:
    assert Calibration.load(tmp_path) is None
    Calibration(0.2, -0.5, "test").save(tmp_path)
    assert Calibration.load(tmp_path) == Calibration(0.2, -0.5, "test")


def test_expected_calibration_error_by_hand() -> None:
    # bin 0.1-0.2: confidence 0.15 twice, one right (accuracy 0.5): |0.5 - 0.15| = 0.35; bin 0.9-1.0: 0.95 once, right
    assert expected_calibration_error([0.15, 0.15, 0.95], [True, False, True]) == pytest.approx((2 * 0.35 + 0.05) / 3)


@pytest.mark.slow
def test_the_shipped_reader_is_calibrated_and_scores_by_margin() -> None:
    from qa.config import Settings
    from qa.decision import SQUAD_ANSWER_AT
    from qa.loading import reader

    r = reader(Settings(decision="squad"))
    assert r.calibration is not None  # models/reader/calibration.json
    context = "France's interior minister, Bernard Cazeneuve, met Theresa May in Calais on Thursday."
    found = r.read_texts(["Who met Theresa May in Calais?", "What is the capital of Australia?"], [context] * 2)
    answer, off_topic = found[0][0], found[1][0]
    assert "Cazeneuve" in answer.text and answer.margin > off_topic.margin
    assert answer.score == pytest.approx(r.calibration.confidence(answer.margin))
    assert answer.score >= SQUAD_ANSWER_AT > off_topic.score
