"""The held-out evaluation's data handling: splits never overlap, samples are fixed, articles are real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evaluation.open_corpus import article_file, fixed_sample, write_articles
from qa.evaluation.squad import Question, load_squad, split_articles
from tests.conftest import SHARED

V2 = SHARED / "data" / "public" / "squad-v2.0-dev" / "dev-v2.0.json"
needs_data = pytest.mark.skipif(not V2.is_file(), reason="shared SQuAD data not present")


@needs_data
def test_the_splits_do_not_overlap_and_dev_is_held_out_of_training() -> None:
    test, tune, dev, train = (split_articles(s) for s in ("test", "tune", "dev", "tune-train"))
    assert len(test) == 17 and len(tune) == 18 and len(dev) == 4
    assert not test & tune and dev <= tune and not dev & train and dev | train == tune


@needs_data
def test_training_reads_only_tune_train_articles() -> None:
    from qa.training.reader import tune_examples

    examples = tune_examples(str(V2), str(V2.parent / "split.json"))
    train_contexts = {q.context for q in load_squad(V2, split_articles("tune-train"))[0]}
    assert examples and {e.context for e in examples} == train_contexts
    assert sum(e.answer_start < 0 for e in examples) == 2488  # the real unanswerables it learns from


def test_a_fixed_sample_is_the_same_every_time_and_keeps_file_order() -> None:
    questions = [Question(str(i), f"q{i}", "c", ()) for i in range(100)]
    first, again = fixed_sample(questions, 10), fixed_sample(questions, 10)
    assert first == again and len(first) == 10
    assert [q.id for q in first] == sorted((q.id for q in first), key=int)
    assert fixed_sample(questions, 0) == questions


@needs_data
def test_articles_are_written_as_corpus_files_with_their_titles(tmp_path: Path) -> None:
    from qa.corpus import load_articles

    write_articles(V2, {"Oxygen"}, tmp_path)
    articles, skipped = load_articles(tmp_path)
    assert [a.id for a in articles] == [article_file("Oxygen")] and not skipped
    assert articles[0].title == "Oxygen"
    q = next(q for q in load_squad(V2, {"Oxygen"})[0] if q.answers)
    assert q.context in articles[0].text  # every paragraph is there verbatim, so gold answers can be found
