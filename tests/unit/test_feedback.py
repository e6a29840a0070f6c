"""Votes on answers (qa.feedback): written whole beside the index, read back as labelled questions."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from qa import QA
from qa.config import Settings
from qa.evaluation.questions import feedback_items, still_given
from qa.feedback import FEEDBACK_FILE, FeedbackLog, Vote, read_votes
from qa.web import WebApp


def test_a_vote_on_a_reply_is_written_with_the_answer_it_rated(fake_qa: QA, tmp_path: Path) -> None:
    app = WebApp(fake_qa, replace(fake_qa.settings, index_dir=tmp_path))
    reply = app.respond("Cazeneuve La Croix interview", [])
    answer = app.replies[reply]
    assert answer.text and app.vote(reply, liked=True)
    assert not app.vote("a reply this server never gave", liked=False)
    (line,) = (tmp_path / FEEDBACK_FILE).read_text(encoding="utf-8").splitlines()
    vote = json.loads(line)
    assert vote["vote"] == "up" and vote["question"] == "Cazeneuve La Croix interview"
    assert (vote["answer"], vote["article_id"], vote["start"], vote["end"]) == (
        answer.text,
        answer.article_id,
        answer.start,
        answer.end,
    )


def test_a_damaged_line_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / FEEDBACK_FILE)
    up = Vote("2026-12-01T10:00:00+00:00", "up", "Who?", "Bernard Cazeneuve", "a.txt", 1, 18, 0.9)
    down = replace(up, vote="down", answer="Theresa May")
    log.add(up)
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-12-01T10:00:01+00:00", "vote": "up", "quest')  # a crash mid-write
    log.path.write_text(log.path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    log.add(down)
    assert read_votes(log.path) == [up, down]


def test_upvotes_become_questions_and_downvotes_are_checked_again(fake_qa: QA, tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / FEEDBACK_FILE)
    given = fake_qa.answer("Cazeneuve La Croix interview")
    log.add(Vote.of(given, liked=True))
    log.add(Vote.of(given, liked=False))
    log.add(Vote.of(replace(given, span=None), liked=False))  # a downvoted abstention has no answer to avoid
    ups, downs = feedback_items(log.path)
    assert [(i.question, i.answers, set(i.articles)) for i in ups] == [
        (given.question, (given.text,), {given.article_id})
    ]
    assert len(downs) == 1 and still_given(fake_qa, downs, 5) == 1  # the fake still gives it


def test_settings_put_the_feedback_beside_the_index(fake_qa: QA, tmp_path: Path) -> None:
    app = WebApp(fake_qa, Settings(index_dir=tmp_path / "idx"))
    assert app.feedback.path == tmp_path / "idx" / FEEDBACK_FILE
