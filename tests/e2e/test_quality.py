"""Quality floors, a little under what the shipped system reaches, on fixed samples of held-out public data
(SQuAD v2.0 dev test half, SQuAD v1.1 test articles, the open corpus of test-half articles), with the 25 dev
questions as a smoke check. No floor depends on the tune half, which the reader was trained on."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import QA, Settings
from qa.decision import SQUAD_ANSWER_AT
from qa.evaluation.questions import evaluate, load_items
from tests.conftest import SHARED

DEV = SHARED / "data" / "dev_questions.json"
V2 = SHARED / "data" / "public" / "squad-v2.0-dev" / "dev-v2.0.json"
V11 = SHARED / "data" / "public" / "squad-v1.1-dev" / "dev-v1.1.json"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (DEV.is_file() and V2.is_file() and V11.is_file()), reason="../shared data not present"),
]

# The 25 dev questions: a smoke check with slack (one question there is 4.5 F1 points).
# Measured with the shipped decision: F1 of what is shown (answer or labelled guess) 73.9, every answerable question
# given an answer (4) or a guess (18), none "not found", no unanswerable answered confidently.
DEV_FLOORS = {"shown_f1": 65.0, "recall_at_5": 0.95, "citation_accuracy": 0.9, "abstention_accuracy": 0.6}
DEV_MAX_NOT_FOUND = 2


def test_dev_questions_smoke(real_qa: QA) -> None:
    summary, _ = evaluate(real_qa, load_items(DEV))
    for key, floor in DEV_FLOORS.items():
        assert summary[key] >= floor, (key, summary)
    assert summary["not_found"] <= DEV_MAX_NOT_FOUND, summary


def reader_figures(path: Path, split: str, every: int) -> dict[str, float]:
    """The reader alone (as qa.read) on every `every`-th question of a split, at the shipped threshold."""
    from qa.calibration import expected_calibration_error
    from qa.evaluation.squad import is_right, load_squad, predict, score, split_articles, with_threshold

    questions = load_squad(path, split_articles(split))[0][::every]
    settings = Settings(decision="squad")  # SQuAD figures at the SQuAD operating point, as across versions
    found, _ = predict(questions, settings)
    result = score(questions, with_threshold(found, SQUAD_ANSWER_AT))
    result["always"] = score(questions, with_threshold(found, None))["f1"]
    result["ece"] = expected_calibration_error(
        [found[q.id][1] for q in questions], [is_right(found[q.id][0], q) for q in questions]
    )
    return result


# Measured on these samples with reader v4 at the shipped threshold: F1 57.7, HasAns F1 70.4, NoAns 43.3%, ECE
# 0.050 (reader v3: F1 55.7, HasAns 73.9, NoAns 35.3%; v3 fails the NoAns floor); v1.1: F1 69.1 with the
# abstention, 78.6 always (v3: 72.0, 80.3).
V2_TEST_FLOORS = {"f1": 55.0, "has_ans_f1": 68.0, "no_ans_accuracy": 39.0}
V2_TEST_MAX_ECE = 0.08
V11_TEST_FLOORS = {"f1": 66.0, "always": 76.0}


def test_reader_on_the_squad_v2_test_half() -> None:
    """Every 14th question of the 17 test-half articles (398 questions)."""
    result = reader_figures(V2, "test", 14)
    for key, floor in V2_TEST_FLOORS.items():
        assert result[key] >= floor, (key, result)
    assert result["ece"] <= V2_TEST_MAX_ECE, result


def test_reader_on_the_squad_v11_test_articles() -> None:
    """Every 19th question of the 30 v1.1 articles outside the tune half (395 questions, all answerable): the
    price of abstaining, and the reading itself."""
    result = reader_figures(V11, "v1.1_test", 19)
    for key, floor in V11_TEST_FLOORS.items():
        assert result[key] >= floor, (key, result)


# Measured with reader v4: F1 54.1, HasAns F1 69.1, NoAns 34.6%, citation 100%, recall@5 by article 97.1%
# (reader v3: F1 49.2, HasAns 66.2, NoAns 26.9%).
OPEN_FLOORS = {
    "f1": 51.0,
    "has_ans_f1": 65.0,
    "no_ans_accuracy": 30.0,
    "citation_accuracy": 96.0,
    "recall_at_5_article": 93.0,
}


def test_whole_system_on_the_open_corpus(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The 17 test-half articles as a corpus, 300 of their questions through retrieval, reading and selection."""
    from qa.evaluation.open_corpus import open_figures, read_open_corpus

    settings = Settings(decision="squad")
    reads, step = read_open_corpus(V2, "test", 300, tmp_path_factory.mktemp("open"), settings)
    figures = open_figures(reads, step, SQUAD_ANSWER_AT)
    for key, floor in OPEN_FLOORS.items():
        assert figures[key] >= floor, (key, figures)


# The real-news benchmark's test half (benchmarks/news, never decided on), with the shipped decision. Measured: the
# right answer shown (answer or labelled guess) for 73.6% of answerable questions, confident answers right 95.7%
# and citing the question's page 95.7%, no unanswerable question answered confidently, every off-topic question
# "not found", extraction F1 0.965.
NEWS_FLOORS = {
    "right_shown": 70.0,
    "confident_precision": 90.0,
    "confident_citation": 90.0,
    "unanswerable_no_confident": 90.0,
    "offtopic_not_found": 100.0,
}


def test_whole_system_on_the_real_news_test_half(tmp_path_factory: pytest.TempPathFactory) -> None:
    from qa.evaluation.news import BENCH, PAGES, decide, figures, load_questions, read_news

    if not (PAGES / "ground-truth.json").is_file():
        pytest.skip("../shared data not present")
    questions = load_questions(BENCH / "questions.json", "test")
    readings, qa, _ = read_news(questions, tmp_path_factory.mktemp("news"), Settings())
    result = figures(decide(readings, qa))
    for key, floor in NEWS_FLOORS.items():
        assert result[key] >= floor, (key, result)
