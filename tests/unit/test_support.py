"""Coverage of the question by a span's sentence (qa.support) and its use in answer selection."""

from __future__ import annotations

import pytest

from qa.selection import choose_answer
from qa.support import sentence_bounds, stem, support, terms, weigh
from qa.types import Chunk, Passage, Span

KILLED = (
    "Last month, a Sudanese man died. At least 10 people have been killed since June trying to get to Britain "
    "where many already have family."
)
ATTEMPTS = "A couple of months ago, 2 000 people were attempting to get through every night. That has been cut."


def passage(article: str, text: str) -> Passage:
    return Passage(Chunk(f"{article}:0", article, article, text, 0, len(text)), 1.0)


def test_stems_agree_across_inflections_and_stopwords_drop() -> None:
    assert stem("offered") == stem("offers") == stem("offer")
    assert stem("killed") == stem("kill")
    assert terms("Who offered to help the French?") == {stem("offered"), "help", "french"}


@pytest.mark.parametrize(
    ("text", "needle", "sentence"),
    [
        ("One. Two three. Four.", "three", "Two three"),
        ("Read more       EU offers to help France      Read more", "EU", "EU offers to help France"),
        ("Headline\nBody text here.", "Body", "Body text here."),
    ],
)
def test_sentence_bounds_split_sentences_headlines_and_lines(text: str, needle: str, sentence: str) -> None:
    i = text.index(needle)
    lo, hi = sentence_bounds(text, i, i + len(needle))
    assert text[lo:hi].strip() == sentence


def test_support_counts_question_words_around_the_span_not_in_it() -> None:
    question = "How many people had been killed since June trying to get to Britain?"
    i = KILLED.index("At least 10")
    right = support(question, KILLED, i, i + len("At least 10"))
    j = ATTEMPTS.index("2 000")
    wrong = support(question, ATTEMPTS, j, j + len("2 000"))
    assert right > 0.8 > 0.5 > wrong
    # The span's own words never support it: a span that repeats the question is not evidence for itself.
    assert support("Who is the minister?", "The minister spoke.", 4, 12) == 0.0
    assert support("the of and", KILLED, 0, 4) == 0.0  # nothing to cover


def test_weigh_keeps_full_coverage_and_is_off_at_weight_zero() -> None:
    assert weigh(0.8, 1.0, 3.0) == pytest.approx(0.8)
    assert weigh(0.8, 0.0, 0.0) == pytest.approx(0.8)
    assert weigh(0.8, 0.5, 3.0) < weigh(0.8, 0.9, 3.0) < 0.8


def test_selection_prefers_the_covered_span_only_when_weighted() -> None:
    question = "How many people had been killed since June trying to get to Britain?"
    right, wrong = passage("a.txt", KILLED), passage("b.txt", ATTEMPTS)
    i, j = KILLED.index("At least 10"), ATTEMPTS.index("2 000")
    spans = [Span("2 000", j, j + 5, 0.83, wrong), Span("At least 10", i, i + 11, 0.45, right)]
    assert choose_answer(question, [right, wrong], spans, 0.2, 0.0).text == "2 000"
    chosen = choose_answer(question, [right, wrong], spans, 0.2, support_weight=3.0)
    assert chosen.text == "At least 10" and chosen.article_id == "a.txt"
    assert chosen.score == pytest.approx(0.45)  # the confidence shown stays the reader's
    assert [s.text for s in chosen.alternatives] == ["2 000"]
    # Coverage never rescues a span below the abstention threshold.
    weak = [Span("2 000", j, j + 5, 0.83, wrong), Span("At least 10", i, i + 11, 0.1, right)]
    assert choose_answer(question, [right, wrong], weak, 0.2, support_weight=3.0).text == "2 000"


def test_a_runner_up_span_is_ranked_but_never_shown_as_a_disagreeing_source() -> None:
    a = passage("a.txt", "There are 3,000 migrants in Calais, the mayor said.")
    b = passage("b.txt", "Some 2,500 migrants are in Calais, and 900 more are in Dunkirk.")
    spans = [
        Span("3,000", 10, 15, 0.9, a),
        Span("2,500", 5, 10, 0.6, b),
        Span("900", 41, 44, 0.3, b),  # b's runner-up
    ]
    answer = choose_answer("How many migrants are in Calais?", [a, b], spans, 0.2, support_weight=4.0)
    assert answer.text == "3,000"
    assert [s.text for s in answer.alternatives] == ["2,500"]


def test_a_byline_answers_a_who_reported_question() -> None:
    question = "Which journalist reported the Reuters story about Cazeneuve's call for more British help?"
    text = "Bernard Cazeneuve called for more British help.\n(Reporting by James Regan; editing by Ralph Boulton)"
    i = text.index("James Regan")
    assert support(question, text, i, i + len("James Regan")) == 1.0
    assert support("Who called for more British help?", text, i, i + len("James Regan")) == 0.0
    p = passage("a.txt", text)
    spans = [Span("James Regan", i, i + 11, 0.85, p), Span("Bernard Cazeneuve", 0, 17, 0.76, p)]
    assert choose_answer(question, [p], spans, 0.2, support_weight=4.0).text == "James Regan"


def test_zero_spans_per_passage_is_refused_not_a_silent_abstention() -> None:
    from qa.config import Settings

    with pytest.raises(ValueError, match="spans_per_passage"):
        Settings(spans_per_passage=0)
