"""Credit questions (who reported, edited, photographed) take the byline or credit line (qa.credits)."""

from __future__ import annotations

import pytest

from qa.credits import asks_for_credit, credited, in_credit_line
from qa.decision import Decision
from qa.selection import choose_answer
from qa.types import Chunk, Passage, Span

BYLINE = "Bernard Cazeneuve called for more British help.\n(Reporting by James Regan; editing by Ralph Boulton)"


def passage(article: str, text: str) -> Passage:
    return Passage(Chunk(f"{article}:0", article, article, text, 0, len(text)), 1.0)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Which journalist reported the Reuters story?", True),
        ("Who edited the Reuters report on Cazeneuve?", True),
        ("Who took the photograph of the migrants?", True),
        ("Who is France's interior minister?", False),
        ("Who called for more British help?", False),
    ],
)
def test_credit_questions_are_recognised(question: str, asks: bool) -> None:
    assert asks_for_credit(question) is asks


def test_a_span_on_a_credit_line_is_recognised_and_one_above_it_is_not() -> None:
    i = BYLINE.index("James Regan")
    assert in_credit_line(BYLINE, i, i + 11)
    assert not in_credit_line(BYLINE, 0, 17)
    caption = "Migrants walk along the fence. Photo: Gareth Fuller/PA Wire\n\nThe port reopened."
    j = caption.index("Gareth")
    assert in_credit_line(caption, j, j + len("Gareth Fuller/PA Wire"))
    assert not in_credit_line(caption, caption.index("port"), caption.index("port") + 4)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which journalist reported the Reuters story about Cazeneuve's call for more British help?", "James Regan"),
        ("Who edited the Reuters report about Cazeneuve's call for more British help?", "Ralph Boulton"),
        ("Who called for more British help?", "Bernard Cazeneuve"),
    ],
)
def test_a_byline_answers_a_credit_question_and_only_that(question: str, expected: str) -> None:
    p = passage("a.txt", BYLINE)
    names = {name: BYLINE.index(name) for name in ("James Regan", "Ralph Boulton")}
    spans = [Span("Bernard Cazeneuve", 0, 17, 0.76, p)]
    reader_scores = {"James Regan": 0.55, "Ralph Boulton": 0.6 if "edited" in question else 0.5}  # the reader's pick
    spans += [Span(n, i, i + len(n), reader_scores[n], p) for n, i in names.items()]
    assert choose_answer(question, [p], spans, Decision(None, 0.2)).text == expected


def test_a_credit_line_span_needs_half_the_threshold_and_no_less() -> None:
    p = passage("a.txt", BYLINE)
    i = BYLINE.index("James Regan")
    reported = "Which journalist reported the story?"
    assert (
        choose_answer(reported, [p], [Span("James Regan", i, i + 11, 0.15, p)], Decision(None, 0.2)).text
        == "James Regan"
    )
    assert choose_answer(reported, [p], [Span("James Regan", i, i + 11, 0.05, p)], Decision(None, 0.2)).text is None
    # the same span for a question that is not about a credit keeps the usual threshold
    assert (
        choose_answer("Who called for help?", [p], [Span("James Regan", i, i + 11, 0.15, p)], Decision(None, 0.2)).text
        is None
    )
    # and a span above the credit line does not get the lower bar
    assert choose_answer(reported, [p], [Span("Bernard Cazeneuve", 0, 17, 0.15, p)], Decision(None, 0.2)).text is None


def test_zero_spans_per_passage_is_refused_not_a_silent_abstention() -> None:
    from qa.config import Settings

    with pytest.raises(ValueError, match="spans_per_passage"):
        Settings(spans_per_passage=0)


CAPTION = (
    "© Philippe Huguen, AFP | French Interior minister Bernard Cazeneuve (right) and Britain Home Secretary "
    "Theresa May in Calais\n\nA group of migrants pictured in Calais. Credit: Gareth Fuller/PA Wire\n\nThe song was "
    "written by John Lennon."
)


@pytest.mark.parametrize(
    ("text", "name", "is_credited"),
    [
        (CAPTION, "Philippe Huguen", True),
        (CAPTION, "Bernard Cazeneuve", False),  # the caption's subject, after the "|" that ends the credit
        (CAPTION, "Gareth Fuller/PA Wire", True),
        (CAPTION, "migrants", False),
        (CAPTION, "John Lennon", False),  # "written by" in a sentence is the story, not page furniture
        (BYLINE, "James Regan", True),
        (BYLINE, "Ralph Boulton", True),
        (BYLINE, "Bernard Cazeneuve", False),
    ],
)
def test_the_credited_names_are_those_after_a_credit_mark(text: str, name: str, is_credited: bool) -> None:
    i = text.index(name)
    assert credited(text, i, i + len(name)) is is_credited


def test_a_credited_name_never_answers_a_question_that_does_not_ask_for_a_credit() -> None:
    p = passage("a.txt", CAPTION)
    spans = [
        Span("Gareth Fuller/PA Wire", CAPTION.index("Gareth"), CAPTION.index("Gareth") + 21, 0.8, p),
        Span("Theresa May", CAPTION.index("Theresa"), CAPTION.index("Theresa") + 11, 0.5, p),
    ]
    assert choose_answer("Who is the British interior minister?", [p], spans, Decision(None, 0.3)).text == "Theresa May"
    assert (
        choose_answer("Who took the photo of the migrants?", [p], spans, Decision(None, 0.3)).text
        == "Gareth Fuller/PA Wire"
    )
