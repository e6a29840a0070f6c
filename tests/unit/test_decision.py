"""The decision between a confident answer, a labelled best guess and "not found", and where it is read from."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from qa.calibration import Calibration
from qa.decision import FILE, SQUAD_ANSWER_AT, Decision, Topic, resolve

FITTED = Decision(Calibration(0.17, 0.34), 0.8, Topic(22.0, 0.18, -8.9), 0.5, "news tune half", 0.55)


def test_a_decision_round_trips_through_its_file(tmp_path: Path) -> None:
    FITTED.save(tmp_path / FILE)
    assert Decision.load(tmp_path / FILE) == FITTED
    assert not list(tmp_path.glob("*.part"))  # written atomically
    assert "answer line 0.80" in FITTED.describe() and "not-found" in FITTED.describe()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "cannot be read"),
        ("[1, 2]", "not a JSON object"),
        ('{"calibration": null}', "not a decision file"),
        ('{"calibration": {"slope": 1, "intercept": 0}, "answer_at": 3}', "must be probabilities"),
        ('{"calibration": {"slope": "steep", "intercept": 0}, "answer_at": 0.5}', "not a decision file"),
    ],
)
def test_a_damaged_decision_file_is_refused_saying_why(tmp_path: Path, content: str, why: str) -> None:
    (tmp_path / FILE).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        Decision.load(tmp_path / FILE)


def test_not_found_needs_a_far_question_and_no_confident_span() -> None:
    # P(on topic) = sigmoid(22 x similarity + 0.18 x margin - 8.9)
    assert FITTED.found(0.65, 4.0, 0.7)  # near the passages read: found
    assert not FITTED.found(0.25, -12.0, 0.05)  # far, and the reader found nothing: not found
    assert FITTED.found(0.25, 9.0, 0.85)  # far, but a span confident enough to answer is never "not found"
    assert FITTED.found(0.25, 1.0, 0.6)  # ... nor one as likely right as nearly no off-topic question's (guess_at)
    assert not FITTED.found(0.25, 1.0, 0.5)
    assert Decision(None, 0.3).found(0.0, -20.0, 0.0)  # without a not-found model a span is always found


def test_the_answer_line_can_be_moved_and_only_when_asked() -> None:
    assert FITTED.with_answer_at(None) is FITTED
    assert FITTED.with_answer_at(0.5).answer_at == 0.5 and FITTED.with_answer_at(0.5).topic == FITTED.topic


def test_the_index_folders_decision_comes_first_then_the_readers_then_squads(tmp_path: Path) -> None:
    index, model = tmp_path / "index", tmp_path / "model"
    index.mkdir()
    model.mkdir()
    Calibration(0.2, -0.7).save(model)
    squad, where = resolve("", index, model)
    assert where == "squad" and squad.answer_at == SQUAD_ANSWER_AT and squad.topic is None
    assert squad.calibration == Calibration(0.2, -0.7)
    FITTED.save(model / FILE)
    assert resolve("", index, model)[0] == FITTED
    own = Decision(Calibration(0.3, 0.1), 0.6, None, 0.5, "my votes")
    own.save(index / FILE)
    assert resolve("", index, model) == (own, str(index / FILE))
    assert resolve("squad", index, model)[0] == squad  # asked for by name, whatever the folders hold
    assert resolve(str(model / FILE), index, model)[0] == FITTED


def test_a_damaged_decision_beside_the_index_falls_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    FITTED.save(tmp_path / FILE)
    index = tmp_path / "index"
    index.mkdir()
    (index / FILE).write_text(json.dumps({"answer_at": 0.5}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert resolve("", index, tmp_path)[0] == FITTED
    assert "not a decision file" in caplog.text


def test_a_rebuild_keeps_the_folders_own_decision(tmp_path: Path) -> None:
    from qa.build import build_index
    from tests.conftest import SEEDS, HashingEncoder

    build_index(SEEDS, tmp_path, encoder=HashingEncoder(), chunk_words=60, overlap_words=15)
    FITTED.save(tmp_path / FILE)
    build_index(SEEDS, tmp_path, encoder=HashingEncoder(), chunk_words=40, overlap_words=10, incremental=False)
    assert Decision.load(tmp_path / FILE) == FITTED
