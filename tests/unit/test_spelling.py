"""Mistyped question words read as the passages' words (qa.spelling), and nothing else respelt."""

from __future__ import annotations

import pytest

from qa.spelling import correction, distance, made_from, respelled, vocabulary

PASSAGES = vocabulary(
    [
        "There are around 2,500 migrants in Calais, said Bernard Cazeneuve. The government has pledged money.",
        "Migrants camped near the port; smuggling gangs were dismantled. The farm was armed with fences.",
    ]
)
KNOWN = frozenset(["farm", "sign", "hole", "there", "where", "these", "gang"])


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("migrents", "migrants", 1),
        ("cazenueve", "cazeneuve", 1),
        ("goverment", "government", 1),
        ("abc", "abc", 0),
        ("migrnats", "migrants", 1),
        ("qualitative", "quantitative", 2),
    ],
)
def test_edits_count_inserts_deletes_substitutions_and_swaps(a: str, b: str, edits: int) -> None:
    assert distance(a, b, 2) == edits


def test_distance_stops_past_its_limit() -> None:
    assert distance("qualitative", "quantitative", 1) == 2
    assert distance("short", "muchlongerword", 1) == 2


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("roughly how many migrents are camped around calais", "roughly how many migrants are camped around calais"),
        ("What did Cazenueve say?", "What did Cazeneuve say?"),
        ("how much has the goverment pledged", "how much has the government pledged"),
        ("Migrnats in Calais?", "Migrants in Calais?"),
    ],
)
def test_a_typo_one_edit_from_a_passage_word_is_read_as_it(question: str, read: str) -> None:
    assert respelled(question, PASSAGES, KNOWN) == read


@pytest.mark.parametrize(
    "question",
    [
        "How many migrants are in Calais?",  # spelt right
        "Who farmed the land?",  # "farm" + "ed": a word made from a known word, not "armed" mistyped
        "How many gang members?",  # "gang" is known; "gangs" is its plural, not its correction
        "Is the signer known?",  # "sign" + "er"
        "Were the migrants unarmed?",  # a prefix
        "Who visited Qwertyuiop?",  # nothing near it: left as typed
        "Where are they?",  # short words are never respelt
    ],
)
def test_words_spelt_right_or_made_from_known_words_are_left_as_typed(question: str) -> None:
    assert respelled(question, PASSAGES, KNOWN) == question


def test_an_inflection_of_a_passage_word_is_not_corrected_to_it() -> None:
    words = vocabulary(["the smuggling networks"])
    assert correction("network", words, frozenset()) is None


def test_two_equally_near_and_common_words_are_a_guess_and_left_alone() -> None:
    words = vocabulary(["baker biker"])
    assert correction("boker", words, frozenset()) is None  # "baker" and "biker" are both one edit away
    assert correction("boker", vocabulary(["baker biker biker"]), frozenset()) == "biker"  # the commoner one


def test_the_first_letter_is_taken_as_typed() -> None:
    assert correction("potachi", vocabulary(["the otachi were shamans"]), frozenset()) is None


def test_a_word_made_from_a_passage_word_is_not_a_typo() -> None:
    assert made_from("fencing", PASSAGES, frozenset()) is False  # "fenc" + "e" is "fence", not in PASSAGES
    assert made_from("campers", PASSAGES | vocabulary(["camp"]), frozenset())


def test_chat_shorthand_is_read_as_its_words() -> None:
    question = "so how many ppl are stuck in calais, approx?"
    assert respelled(question, PASSAGES, KNOWN) == "so how many people are stuck in calais, approximately?"
