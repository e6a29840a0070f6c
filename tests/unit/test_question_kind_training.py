"""How the question-kind model's training data is labelled (qa.training.question_kinds), with the real spaCy model."""

from __future__ import annotations

import pytest

from qa import kinds as K
from qa.training.question_kinds import PERCENT, counted_noun_at, counted_or_not, entity_at, entity_labeller, kind_of

TEXT = "Some 3,000 migrants are camped in Calais, about 277 miles from London; the talks lasted 90 minutes."


@pytest.mark.parametrize(
    ("answer", "kind"),
    [("£12 million", K.MONEY), ("30%", PERCENT), ("2 July 2015", K.DATE), ("3,000", K.COUNT), ("Calais", K.OTHER)],
)
def test_an_answer_is_labelled_by_the_kind_of_value_it_is(answer: str, kind: str) -> None:
    assert kind_of(answer) == kind


def test_a_number_is_a_count_only_where_the_entity_recogniser_says_it_counts() -> None:
    doc = entity_labeller()(TEXT)

    def kind(value: str) -> str:
        start = TEXT.index(value)
        return counted_or_not(entity_at(doc, start, start + len(value)))

    assert kind("3,000") == K.COUNT
    assert kind("277 miles") == K.OTHER  # a distance is measured, not counted
    assert kind("90 minutes") == K.OTHER
    assert counted_or_not("NONE") == K.COUNT and counted_or_not("MONEY") == K.MONEY


def test_the_counted_noun_is_the_questions_word_that_follows_the_number_in_the_text() -> None:
    text = "French police had broken 19 human trafficking networks operating in the area."
    start = text.index("19")
    words, head = counted_noun_at("How many trafficking networks were broken up?", text, start, start + 2) or ([], -1)
    assert words[head] == "networks"  # the last of the run "trafficking networks"
    assert counted_noun_at("How many were broken up?", text, start, start + 2) is None  # the question names none
    alone = "Warsaw's population in 1901 was 711,988."
    start = alone.index("711,988")
    assert counted_noun_at("What was Warsaw's population in 1901?", alone, start, start + 7) == (
        ["What", "was", "Warsaw's", "population", "in", "1901"],
        -1,
    )  # a number with no noun after it: no word of the question is what it counts
