"""Fitting the decision to a deployment's labelled questions or votes (qa.calibrate), and refusing what cannot."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from qa.calibrate import (
    MIN_SPANS,
    Outcome,
    answer_line,
    fit_decision,
    load_labelled,
    outcomes_from_votes,
    read_votes_strictly,
)
from qa.calibration import Calibration
from qa.decision import Decision, Topic

BASE = Decision(Calibration(0.2, -0.7), 0.3, Topic(20.0, 0.2, -9.0), 0.5, "shipped")


def made_outcomes(n: int, seed: int = 1, off_topic: int = 0) -> list[Outcome]:
    """Outcomes whose rightness follows P(right) = sigmoid(0.3 x margin - 1), plus off-topic ones far away."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        m = rng.uniform(-10, 15)
        out.append(Outcome(m, rng.uniform(0.5, 0.8), rng.random() < 1 / (1 + math.exp(-(0.3 * m - 1))), True))
    out += [Outcome(rng.uniform(-20, -5), rng.uniform(0.1, 0.35), False, False) for _ in range(off_topic)]
    return out


def test_fitting_recovers_the_calibration_and_draws_the_line_where_answers_are_right_often_enough() -> None:
    outcomes = made_outcomes(4000)
    fitted = fit_decision(outcomes, BASE, what="made up", precision=0.9)
    assert fitted.calibration is not None
    assert fitted.calibration.slope == pytest.approx(0.3, abs=0.03)
    assert fitted.calibration.intercept == pytest.approx(-1.0, abs=0.15)
    confident = [o for o in outcomes if o.margin is not None and fitted.calibration.confidence(o.margin) >= 0.0]
    shown = [o for o in confident if fitted.calibration.confidence(o.margin or 0) >= fitted.answer_at]
    assert sum(o.right for o in shown) / len(shown) >= 0.9
    lower = [o for o in confident if fitted.calibration.confidence(o.margin or 0) >= fitted.answer_at - 0.05]
    assert sum(o.right for o in lower) / len(lower) < 0.9  # the lowest line that holds, not any line
    assert fitted.topic == BASE.topic  # no off-topic questions: "not found" is kept as it was
    assert "made up" in fitted.fitted_on


def test_off_topic_questions_refit_not_found() -> None:
    fitted = fit_decision(made_outcomes(300, off_topic=60), BASE, what="with off-topic", precision=0.9)
    assert fitted.topic is not None and fitted.topic != BASE.topic
    assert not fitted.found(0.2, -10.0, 0.01) and fitted.found(0.7, 2.0, 0.4)
    # the line 97% of the off-topic questions' spans stay under: none of these reach 0.3
    assert fitted.guess_at == 0.3 and BASE.guess_at == 1.0


def test_the_guess_line_lets_only_a_few_off_topic_spans_through() -> None:
    from qa.calibrate import guess_line

    calibration = Calibration(1.0, 0.0)  # confidence sigmoid(margin): margin 0 is 0.5
    off = [Outcome(-3.0, 0.1, False, False)] * 97 + [Outcome(0.5, 0.1, False, False)] * 3
    assert guess_line(off, calibration) == 0.3  # the 3% at 0.62 may pass
    assert guess_line([*off, Outcome(0.5, 0.1, False, False)], calibration) == 0.65


def test_too_few_outcomes_are_refused_saying_how_many_are_needed() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_SPANS}"):
        fit_decision(made_outcomes(MIN_SPANS - 1), BASE, what="tiny")
    all_right = [Outcome(5.0, 0.6, True, True)] * 100
    with pytest.raises(ValueError, match=r"too few to calibrate on .*0 wrong"):
        fit_decision(all_right, BASE, what="one-sided")


def test_the_answer_line_is_the_highest_when_no_line_is_precise_enough() -> None:
    never = [Outcome(m, 0.6, False, True) for m in range(-5, 20)]
    assert answer_line(never, Calibration(0.3, -1.0), 0.9) == 0.95


def vote(**fields: object) -> str:
    base = {"time": "t", "vote": "up", "question": "q", "answer": "a", "article_id": "x.txt", "start": 0, "end": 1}
    return json.dumps({**base, "score": 0.5, **fields})


def test_votes_on_shown_spans_become_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    lines = [
        vote(vote="up", margin=7.5, status="answer"),
        vote(vote="down", margin=1.0, status="guess"),
        vote(vote="up"),  # written before votes carried the margin: says nothing about one
        vote(vote="down", answer=None, margin=None, status="not_found"),
    ]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    assert outcomes_from_votes(path) == [Outcome(7.5, 0.0, True, True), Outcome(1.0, 0.0, False, True)]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{broken\n", "line 1: not a JSON vote"),
        (vote() + '\n{"vote": "maybe", "question": "q"}\n', "line 2: not a vote"),
        ("[1, 2, 3]\n", "line 1: not a vote"),
        (vote(margin="wide") + "\n", "not a number"),
    ],
)
def test_a_malformed_feedback_file_is_refused_naming_the_line(tmp_path: Path, content: str, why: str) -> None:
    path = tmp_path / "feedback.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        outcomes_from_votes(path)


def test_a_binary_feedback_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ValueError, match="cannot be read"):
        read_votes_strictly(path)


def test_question_files_of_both_kinds_are_read_and_bad_ones_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(
        json.dumps(
            [
                {"id": "1", "question": "Who?", "answers": ["Cazeneuve"], "doc": "a.txt"},
                {"question": "How long is the tunnel?", "answers": []},
                {"question": "Who won the World Cup?", "answers": [], "type": "offtopic", "article": None},
            ]
        ),
        encoding="utf-8",
    )
    assert load_labelled(path) == [
        ("Who?", ("Cazeneuve",), True),
        ("How long is the tunnel?", (), True),
        ("Who won the World Cup?", (), False),
    ]
    for bad, why in (({"questions": []}, "expected a JSON list"), ([{"q": 1}], "item 1: not a question")):
        path.write_text(json.dumps(bad), encoding="utf-8")
        with pytest.raises(ValueError, match=why):
            load_labelled(path)
    path.write_text(json.dumps([{"question": "Who?", "answers": "Cazeneuve"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="must be a list of strings"):
        load_labelled(path)
