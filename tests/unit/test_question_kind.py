"""The question-kind model itself (qa.question_kind): its features, its probabilities, its counted noun, its file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.question_kind import KindModel, feature_ids, model, ngrams, word_features, words_of


def test_features_are_the_questions_word_ngrams_hashed_the_same_in_every_process() -> None:
    assert ngrams("How many migrants?") == [
        "how", "many", "migrants", "?", "how many", "many migrants", "migrants ?", "how many migrants",
        "many migrants ?",
    ]  # fmt: skip
    ids = feature_ids("How many migrants?", 1 << 18)
    assert len(ids) == 9 and np.array_equal(ids, np.unique(ids))
    # crc32, not Python's salted hash(): the shipped weights are indexed by these ids
    assert feature_ids("how", 1 << 18).tolist() == [0x9581D07D % (1 << 18)]
    assert np.array_equal(feature_ids("How many migrants?", 1 << 18), feature_ids("how MANY migrants?", 1 << 18))


def test_a_hyphenated_compound_is_one_word_for_the_counted_noun() -> None:
    words = words_of("How many people-smuggling networks?")
    assert words == ["How", "many", "people-smuggling", "networks"]
    assert "n=networks" in word_features(words, 2) and "cap=False" in word_features(words, 3)


def test_the_shipped_model_gives_a_probability_for_every_kind() -> None:
    kinds = model()
    assert set(kinds.kinds) == {"other", "count", "date", "money", "percent"}
    probabilities = kinds.probabilities("How many migrants are in Calais?")
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert max(probabilities, key=probabilities.__getitem__) == "count"
    assert kinds.probabilities("")["other"] > 0.5  # no words: nothing claimed
    # a kind not probable enough is not claimed: the fallback is said instead
    unsure = KindModel(kinds.weights, kinds.bias, kinds.kinds, 1.01, kinds.noun_weights, kinds.noun_bias)
    assert unsure.kind("How many migrants are in Calais?", "other") == "other"


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("How many migrants are in Calais?", "migrants"),
        ("How many smuggling networks did the police break up?", "networks"),
        ("What are the migrant numbers at Calais?", "migrant"),
        ("How many asylum seekers are waiting in Calais?", "seekers"),
    ],
)
def test_the_counted_noun_is_the_word_the_model_scores_best(question: str, noun: str) -> None:
    assert model().counted_noun(question) == noun


def test_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"qa\.training\.question_kinds"):
        KindModel.load(tmp_path)
