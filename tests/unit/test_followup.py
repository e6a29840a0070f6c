"""Follow-up questions borrow the previous question's topic for retrieval."""

from __future__ import annotations

from qa import QA
from qa.followup import contextualise, is_followup
from qa.web import user_questions


def test_short_questions_that_point_back_are_follow_ups() -> None:
    assert is_followup("When did he say that?")
    assert is_followup("Where was it?")
    assert not is_followup("Who is the mayor of Calais?")
    assert not is_followup("What did he say about the agreement signed by the two ministers in Calais last week?")


def test_contextualise_uses_the_last_earlier_question() -> None:
    history = ["Who is the mayor of Calais?", "What did Cazeneuve tell La Croix?"]
    assert contextualise("When did he say that?", history) == "What did Cazeneuve tell La Croix? When did he say that?"
    assert contextualise("Who is the mayor of Calais?", history) == "Who is the mayor of Calais?"
    assert contextualise("When did he say that?", []) == "When did he say that?"


def test_user_turns_are_read_from_gradio_messages() -> None:
    history = [
        {"role": "user", "content": "Who is France's interior minister?"},
        {"role": "assistant", "content": "**Bernard Cazeneuve** [1]"},
        {"role": "user", "content": {"path": "file.png"}},
    ]
    assert user_questions(history) == ["Who is France's interior minister?"]


def test_history_steers_retrieval_for_a_follow_up(fake_qa: QA) -> None:
    alone = fake_qa.answer("When did he say that?")
    followed = fake_qa.answer("When did he say that?", history=["Reporting by James Regan; editing by Ralph Boulton"])
    assert followed.sources[0].article_id == "000_c41d2c88b869987b.txt"
    assert [p.chunk.id for p in alone.sources] != [p.chunk.id for p in followed.sources]
