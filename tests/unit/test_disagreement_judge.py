"""The eval-disagree benchmark's own judge (qa.evaluation.disagreement.judge): what counts as shown, unexpected and
of the wrong kind."""

from __future__ import annotations

from qa.evaluation.disagreement import Case, judge
from qa.types import Answer, Chunk, Passage, Span


def span(article: str, text: str, value: str) -> Span:
    chunk = Chunk(f"{article}:0", article, "Title", text, 0, len(text), outlet="Outlet", date=None)
    start = text.index(value)
    return Span(value, start, start + len(value), 0.5, Passage(chunk, 1.0))


def test_a_value_is_shown_from_its_own_article_and_wrong_kinds_are_among_the_unexpected() -> None:
    case = Case("d1", "When did the man die?", "date", {"a.txt": ("Last month",), "b.txt": ("2 July",)})
    answer = Answer(
        question=case.question,
        score=0.6,
        sources=(),
        span=span("a.txt", "Last month, a man died.", "Last month"),
        alternatives=(span("b.txt", "On Thursday 2 July they met; a man died there.", "a man"),),
    )
    row = judge(case, answer)
    assert row["found"] == {"a.txt": True, "b.txt": False}
    # the expected "Last month" is a date as written, not a wrong kind; b's "a man" is unexpected and no date
    assert row["unexpected"] == ["b.txt: a man"] and row["wrong_kind"] == ["a man"]
