"""Edited questions: each edit changes the question so that its own paragraph no longer answers it."""

from __future__ import annotations

import random

from qa.training.unanswerable import antonym, entity_swap, names, negation, number_swap, pool_names, unanswerable

PARAGRAPH = "Kublai Khan adopted the era name Zhongtong in 1260. His brother Ariq Boke was defeated."
ARTICLE = [
    "Genghis Khan founded the empire in 1206. Later the Song dynasty fell.",
    "While Kublai ruled, Marco Polo visited the court of the Yuan.",
]


def test_names_skip_the_questions_first_word_and_the_pool_skips_sentence_starts() -> None:
    assert [n for *_, n in names("Which era name did Kublai Khan adopt?", skip_first=True)] == ["Kublai Khan"]
    assert [n for *_, n in names("When Marco Polo came", skip_first=True)] == ["Marco Polo"]
    # a run that starts a sentence may be capitalised for that alone ("While Kublai"): left out whole
    assert pool_names(ARTICLE[1]) == ["Marco Polo", "Yuan"]
    assert pool_names(ARTICLE[0]) == []
    assert pool_names("A list by the Princeton Review's staff.") == ["Princeton Review"]


def test_entity_swap_puts_in_a_name_the_paragraph_lacks() -> None:
    rng = random.Random(0)
    for _ in range(20):
        edited = entity_swap("Which era name did Kublai Khan adopt?", PARAGRAPH, ARTICLE, rng)
        assert edited is not None and "Kublai Khan" not in edited
        swapped = edited.removeprefix("Which era name did ").removesuffix(" adopt?")
        assert swapped in {"Marco Polo", "Yuan"}
    # a name the paragraph does not hold is no anchor to swap
    assert entity_swap("Which era name did Ogedei adopt?", PARAGRAPH, ARTICLE, rng) is None


def test_number_swap_takes_a_number_of_the_same_length_from_the_article() -> None:
    rng = random.Random(0)
    assert number_swap("What happened in 1260?", PARAGRAPH, ARTICLE, rng) == "What happened in 1206?"
    assert number_swap("What happened in 1999?", PARAGRAPH, ARTICLE, rng) is None  # not in the paragraph
    assert number_swap("Who was defeated?", PARAGRAPH, ARTICLE, rng) is None


def test_antonym_only_when_the_paragraph_never_uses_it() -> None:
    rng = random.Random(0)
    assert antonym("What was the first era name?", PARAGRAPH, rng) == "What was the last era name?"
    assert antonym("Who won the war?", "Ariq Boke lost the war to his brother.", rng) is None
    assert antonym("Who ruled?", PARAGRAPH, rng) is None


def test_negation_contracts_the_first_auxiliary_and_keeps_the_word_order() -> None:
    assert negation("What did Kublai adopt?") == "What didn't Kublai adopt?"
    assert negation("Is Kublai a khan?") == "Isn't Kublai a khan?"
    assert negation("Who was not defeated?") is None  # already negated
    assert negation("Who ruled the Yuan?") is None


def test_unanswerable_always_changes_the_question_or_gives_up() -> None:
    rng = random.Random(1)
    results = [
        unanswerable("Which era name did Kublai Khan adopt in 1260?", PARAGRAPH, ARTICLE, rng) for _ in range(30)
    ]
    assert all(r != "Which era name did Kublai Khan adopt in 1260?" for r in results)
    assert all(r is not None for r in results)  # the name and the number always fit
    assert any("1206" in r for r in results if r) and any("Kublai Khan" not in r for r in results if r)
    # nothing to swap and no antonym: a negation some of the time, else None
    only = [unanswerable("Who was defeated?", PARAGRAPH, ARTICLE, rng) for _ in range(50)]
    assert set(only) == {None, "Who wasn't defeated?"}
    assert [unanswerable("Who ruled?", PARAGRAPH, ARTICLE, rng) for _ in range(10)] == [None] * 10
