"""The real embedder and our shipped reader on seeds/: the answers users get (runs in CI)."""

from __future__ import annotations

import pytest

from qa import QA
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow

SAY_CAZENEUVE = {p.name for p in SEEDS.glob("*.txt") if "Cazeneuve" in p.read_text(encoding="utf-8")}


def file_text(article_id: str) -> str:
    return (SEEDS / article_id).read_text(encoding="utf-8")


def test_interior_minister_is_cazeneuve_with_a_checkable_citation(real_qa: QA) -> None:
    answer = real_qa.answer("Who is France's interior minister?")
    assert answer.text is not None and "Cazeneuve" in answer.text
    assert answer.article_id in SAY_CAZENEUVE
    assert answer.start is not None and answer.end is not None
    assert " ".join(file_text(answer.article_id)[answer.start : answer.end].split()) == answer.text
    assert 0.0 <= answer.score <= 1.0
    assert answer.sources and answer.span is not None and answer.span.passage in answer.sources


def test_reuters_byline_question_finds_james_regan(real_qa: QA) -> None:
    answer = real_qa.answer("Who reported the Reuters story from Paris on Cazeneuve's call for more British help?")
    shown = answer.span or answer.guess  # at 0.39, a hair under the credit line's half of the answer line
    assert shown is not None and shown.text == "James Regan"
    assert shown.article_id == "000_c41d2c88b869987b.txt"


def test_retrieve_gives_offsets_into_the_files(real_qa: QA) -> None:
    passages = real_qa.retrieve("Who offered to help France and Britain tackle the Calais migrant crisis?", k=5)
    assert len(passages) == 5
    for p in passages:
        assert file_text(p.article_id)[p.start : p.end] == p.text
        assert p.title


def test_navigation_headlines_do_not_crowd_out_articles(real_qa: QA) -> None:
    for p in real_qa.retrieve("Bolivia Morales Paris climate deal contempt", k=5):
        assert "Bolivia" not in p.text


def test_unanswerable_question_abstains_and_still_cites(real_qa: QA) -> None:
    answer = real_qa.answer("How many migrants drowned in the Mediterranean in 2015?")
    assert answer.text is None
    assert len(answer.sources) == 5


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Australia?",
        "Who won the 2014 FIFA World Cup?",
        "How do I bake sourdough bread?",
        "Which planet is closest to the Sun?",
    ],
)
def test_off_topic_questions_abstain(real_qa: QA, question: str) -> None:
    """Nothing in the articles answers these: the system says so instead of quoting a span, not even as a guess."""
    answer = real_qa.answer(question)
    assert answer.status == "not_found" and answer.span is None and answer.guess is None, answer.score
    assert answer.score < real_qa.decision.answer_at
    assert len(answer.sources) == 5  # the closest passages are still shown


def test_non_english_and_emoji_questions_are_answered_normally(real_qa: QA) -> None:
    answer = real_qa.answer("Qui est le ministre de l'Intérieur ? 🇫🇷")
    assert len(answer.sources) == 5
    assert answer.text is None or isinstance(answer.text, str)


def test_the_python_api_builds_a_missing_index_on_first_use(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`import qa; qa.answer(...)` on a fresh clone (no embeddings/ yet) builds the index, then answers."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS.glob("*.txt"):
        (seeds / path.name).write_bytes(path.read_bytes())
    env = {**os.environ, "QA_SEEDS_DIR": str(seeds), "QA_INDEX_DIR": str(tmp_path / "idx"), "PYTHONPATH": str(ROOT)}
    code = 'import qa; a = qa.answer("Who is France\'s interior minister?"); print(a.text)'
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Cazeneuve" in done.stdout.splitlines()[-1]
    assert "building the index" in done.stderr and (tmp_path / "idx" / "manifest.json").is_file()


def test_the_chats_example_questions_are_answered(real_qa: QA) -> None:
    from qa.web import EXAMPLES

    answers = {q: real_qa.answer(q) for q in EXAMPLES}
    assert all(a.status == "answer" for a in answers.values()), {q: a.status for q, a in answers.items()}
    assert answers[EXAMPLES[1]].reports_differ and answers[EXAMPLES[2]].reports_differ


def test_an_answer_never_runs_from_a_headline_into_the_next_story(real_qa: QA) -> None:
    """ITV's live page puts "– Bernard Cazeneuve" and a new story's headline on lines of their own; the reader's
    best span once ran from that name through the headline to "David Hanson" (qa.selection.PARAGRAPH_BREAK)."""
    answer = real_qa.answer("Who says France needs to do more to tackle immigrants?")
    assert answer.text == "David Hanson" and answer.span is not None and "\n\n" not in answer.span.text
