"""The evaluation on our dev questions, with floors just under what the shipped system reaches."""

from __future__ import annotations

import pytest

from qa import QA
from qa.evaluation.questions import evaluate, load_items
from tests.conftest import SHARED

DEV = SHARED / "data" / "dev_questions.json"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not DEV.is_file(), reason="shared dev questions not present")]

FLOORS = {"f1": 78.0, "recall_at_5": 0.95, "citation_accuracy": 0.95, "abstention_accuracy": 0.9}  # 0.9: all three
MAX_FALSE_ABSTENTIONS = 2


def test_dev_questions_stay_above_their_floors(real_qa: QA) -> None:
    summary, _ = evaluate(real_qa, load_items(DEV))
    for key, floor in FLOORS.items():
        assert summary[key] >= floor, (key, summary)
    assert summary["false_abstentions"] <= MAX_FALSE_ABSTENTIONS, summary
