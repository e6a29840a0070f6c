"""Dates and outlets in questions: parsing, matching and their effect on ranking and answer choice."""

from __future__ import annotations

from pathlib import Path

from qa.dates import asks_for_latest, metadata_bonus, question_dates, strip_metadata
from qa.decision import Decision
from qa.pipeline import QA
from qa.retriever import Retriever, rerank_by_metadata
from qa.selection import choose_answer
from qa.stores.faiss import FaissStore
from qa.types import Chunk, Passage, Span
from tests.conftest import HashingEncoder


def chunk(article: str, outlet: str | None = None, date: str | None = None, date_text: str | None = None) -> Chunk:
    return Chunk(f"{article}:0", article, "t", "There are 3,000 migrants.", 0, 25, outlet, date, date_text)


def test_question_dates_in_several_forms() -> None:
    assert question_dates("What did the Home Office say on 2 July?") == {(7, 2)}
    assert question_dates("on August 20th, and 2015-08-03") == {(8, 20), (8, 3)}
    assert question_dates("How many migrants?") == set()


def test_latest_is_recognised() -> None:
    assert asks_for_latest("What is the latest figure for migrants in Calais?")
    assert not asks_for_latest("Who is the mayor?")


def test_bonus_for_named_date_and_outlet() -> None:
    home = chunk("h.txt", "Home Office", None, "Thursday 2 July")
    reuters = chunk("r.txt", "Reuters", "2015-08-03", "2015-08-03")
    assert metadata_bonus("What did the Home Office say on 2 July?", home) == 1.0
    assert metadata_bonus("What did the Home Office say on 2 July?", reuters) == 0.0
    assert metadata_bonus("According to Reuters on 3 August ...", reuters) == 1.0


def test_rerank_lifts_the_named_article_and_keeps_order_otherwise() -> None:
    a, b = Passage(chunk("a.txt", "Reuters"), 0.9), Passage(chunk("b.txt", "Home Office", None, "2 July"), 0.6)
    assert [p.article_id for p in rerank_by_metadata("What did the Home Office say on 2 July?", [a, b], 2)] == [
        "b.txt",
        "a.txt",
    ]
    assert rerank_by_metadata("How many migrants?", [a, b], 1) == [a]


def test_latest_question_prefers_the_newest_strong_answer() -> None:
    old = Passage(chunk("old.txt", "Reuters", "2015-08-03"), 0.9)
    new = Passage(chunk("new.txt", "FRANCE 24", "2015-08-20"), 0.5)
    spans = [Span("5,000", 10, 15, 0.9, old), Span("3,000", 10, 15, 0.6, new)]
    latest = choose_answer("What is the latest number of migrants in Calais?", [old, new], spans, Decision(None, 0.2))
    assert latest.text == "3,000" and [s.text for s in latest.alternatives] == ["5,000"]
    plain = choose_answer("How many migrants are in Calais?", [old, new], spans, Decision(None, 0.2))
    assert plain.text == "5,000"


def test_strip_metadata_keeps_the_content_words() -> None:
    question = "According to the Home Office statement of 2 July, how many migrants were in Calais?"
    assert strip_metadata(question, {"Home Office", "Reuters"}) == (
        "According to the statement of , how many migrants were in Calais?"
    )
    assert strip_metadata("What did Reuters report on August 3rd?", {"Reuters"}) == "What did report on ?"
    assert strip_metadata("How many migrants?", {"Reuters"}) == "How many migrants?"


def test_named_article_passages_are_ranked_by_content_not_by_its_header(fake_index_dir: Path) -> None:
    """The date and outlet pick the Home Office article; the rest of the question picks the passage inside it."""
    retriever = Retriever(FaissStore.load(fake_index_dir), HashingEncoder())
    question = "What did the Home Office say on 2 July about protective fencing at port access points?"
    passages = retriever.retrieve(question, 3)
    assert all(p.article_id == "004_23b41e1308167223.txt" for p in passages)
    assert "Protective fencing" in passages[0].text
    assert not passages[0].text.startswith("Home Office")


def test_content_ranking_finds_the_passage_with_the_answer(real_qa: QA) -> None:
    """With the real embedder: a dated question about a figure deep in the Home Office statement."""
    passages = real_qa.retrieve("How many migrants did the Home Office say on 2 July were in Calais?", 5)
    assert any("currently 3000 migrants" in " ".join(p.text.split()) for p in passages)
