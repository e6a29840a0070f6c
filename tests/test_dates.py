"""Dates and outlets in questions: parsing, matching and their effect on ranking and answer choice."""

from __future__ import annotations

from qa.dates import asks_for_latest, metadata_bonus, question_dates
from qa.pipeline import choose_answer
from qa.retriever import rerank_by_metadata
from qa.types import Chunk, Passage, Span


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
    latest = choose_answer("What is the latest number of migrants in Calais?", [old, new], spans, 0.2)
    assert latest.text == "3,000" and [s.text for s in latest.alternatives] == ["5,000"]
    plain = choose_answer("How many migrants are in Calais?", [old, new], spans, 0.2)
    assert plain.text == "5,000"
