"""The SQuAD scorer against published predictions, and the shipped reader on a fixed sample of SQuAD dev."""

from __future__ import annotations

import json

import pytest

from qa.evaluation.metrics import exact_match, f1_score, normalize_answer
from qa.evaluation.squad import load_squad, score
from tests.conftest import SHARED

PUBLIC = SHARED / "data" / "public"
V11 = PUBLIC / "squad-v1.1-dev" / "dev-v1.1.json"
V20 = PUBLIC / "squad-v2.0-dev" / "dev-v2.0.json"
REFERENCE = PUBLIC / "squad-reference-predictions"
needs_data = pytest.mark.skipif(not V11.is_file(), reason="shared SQuAD data not present")

# The shipped reader must reach at least this EM / F1 on every 25th SQuAD v1.1 dev question (423 questions).


def test_normalisation_follows_the_official_script() -> None:
    assert normalize_answer("The  Eiffel-Tower!") == "eiffeltower"
    assert normalize_answer("an apple and a pear") == "apple and pear"
    assert exact_match("the Cat", "cat") == 1.0
    assert f1_score("the big red cat", "red cat") == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert f1_score("", "") == 1.0 and f1_score("x", "") == 0.0


@needs_data
@pytest.mark.parametrize(
    ("version", "name", "em", "f1"),
    [
        ("v1.1", "bert-ensemble-google", 86.206, 92.196),
        ("v1.1", "logistic-regression-baseline", 40.142, 50.982),
        ("v2.0", "bert-single-google", 78.742, 81.775),
    ],
)
def test_scorer_reproduces_published_figures(version: str, name: str, em: float, f1: float) -> None:
    questions, _ = load_squad(V11 if version == "v1.1" else V20)
    predictions = json.loads((REFERENCE / version / f"{name}.json").read_text(encoding="utf-8"))
    result = score(questions, predictions)
    assert result["exact_match"] == pytest.approx(em, abs=0.01)
    assert result["f1"] == pytest.approx(f1, abs=0.01)


@needs_data
def test_v2_splits_has_and_no_answer() -> None:
    questions, v2 = load_squad(V20)
    predictions = json.loads((REFERENCE / "v2.0" / "bert-single-google.json").read_text(encoding="utf-8"))
    result = score(questions, predictions)
    assert v2
    assert result["has_ans_f1"] == pytest.approx(80.182, abs=0.01)
    assert result["no_ans_accuracy"] == pytest.approx(83.364, abs=0.01)
