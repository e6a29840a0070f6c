"""The reader's training data: labels point at the answer, negatives hold no answer, slices are reproducible."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest

from qa.training.reader import TrainConfig, all_batches, featurize, load_examples, parse_args
from tests.conftest import ROOT


def squad_file(tmp_path: Path, questions: int = 40, tail: str = "") -> Path:
    """A small SQuAD-shaped file: 4 paragraphs per article, each answer a word only its paragraph has."""
    data = []
    for a in range(questions // 4):
        paragraphs = []
        for p in range(4):
            word = f"alpha{a}x{p}"
            context = f"Paragraph {p} of article {a}. The secret word is {word}, and nothing else matters here." + tail
            paragraphs.append(
                {
                    "context": context,
                    "qas": [
                        {
                            "id": f"q{a}-{p}",
                            "question": f"What is the secret word of paragraph {p}?",
                            "answers": [{"text": word, "answer_start": context.index(word)}],
                        }
                    ],
                }
            )
        data.append({"title": f"a{a}", "paragraphs": paragraphs})
    path = tmp_path / "train.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump({"data": data}, handle)
    return path


def config(data: Path, **kw: object) -> TrainConfig:
    base = TrainConfig(data=str(data), provenance=None, base_model="", out="", checkpoint_dir="")
    return replace(base, **kw)  # type: ignore[arg-type]


def test_negatives_never_contain_the_answer(tmp_path: Path) -> None:
    examples = load_examples(config(squad_file(tmp_path), negative_ratio=1.0))
    positives = [e for e in examples if e.answer_start >= 0]
    negatives = [e for e in examples if e.answer_start < 0]
    assert len(positives) == 40 and len(negatives) == 40
    for e in positives:
        assert e.context[e.answer_start : e.answer_start + len(e.answer_text)] == e.answer_text
    for e in negatives:
        assert e.answer_text == "" and "alpha" in e.context
    for e in negatives:
        asked = e.question.split("paragraph ")[1].rstrip("?")
        assert not e.context.startswith(f"Paragraph {asked} ")


def test_skip_examples_continues_where_max_examples_stopped(tmp_path: Path) -> None:
    path = squad_file(tmp_path)
    first = load_examples(config(path, max_examples=25, negative_ratio=0.0))
    rest = load_examples(config(path, skip_examples=25, negative_ratio=0.0))
    again = load_examples(config(path, max_examples=25, negative_ratio=0.0))
    assert first == again  # a pure function of the seed
    assert len(first) == 25 and len(rest) == 15
    assert not {e.answer_text for e in first} & {e.answer_text for e in rest}


def test_labels_point_at_the_answer_tokens(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(ROOT / "models" / "reader"))
    cfg = config(squad_file(tmp_path), negative_ratio=0.5, max_length=32, stride=8)
    examples = load_examples(cfg)
    features = featurize(examples, tokenizer, cfg)
    assert len(features) > len(examples)  # short windows: some examples span several
    labelled = [f for f in features if f["start"] > 0]
    assert labelled
    for f in labelled:
        text = tokenizer.decode(f["input_ids"][f["start"] : f["end"] + 1]).replace(" ", "")
        assert text.startswith("alpha"), text
    batches = all_batches(features, cfg)
    assert sorted(i for b in batches for i in b) == list(range(len(features)))


def test_parse_args_records_every_flag() -> None:
    cfg = parse_args(["--base-model", "x", "--skip-examples", "7", "--learning-rate", "5e-5", "--no-bf16"])
    assert (cfg.base_model, cfg.skip_examples, cfg.learning_rate, cfg.bf16) == ("x", 7, 5e-5, False)


@pytest.mark.parametrize("ratio", [0.0, 0.5])
def test_negative_ratio_is_respected(tmp_path: Path, ratio: float) -> None:
    examples = load_examples(config(squad_file(tmp_path), max_examples=20, negative_ratio=ratio))
    assert sum(e.answer_start < 0 for e in examples) == int(20 * ratio)


def test_hard_negatives_are_the_own_paragraph_without_the_answer(tmp_path: Path) -> None:
    path = squad_file(tmp_path, tail=" It ends here.")
    plain = load_examples(config(path, negative_ratio=0.0))
    examples = load_examples(config(path, negative_ratio=0.0, hard_negative_ratio=1.0))
    hard = [e for e in examples if e.answer_start < 0]
    assert len(hard) == 40 and {e for e in examples if e.answer_start >= 0} == set(plain)
    for e in hard:
        asked = e.question.split("paragraph ")[1].rstrip("?")
        assert e.context.startswith(f"Paragraph {asked} of article ") and e.context.endswith(". It ends here.")
        assert "alpha" not in e.context and "secret" not in e.context


def test_without_answer_refuses_paragraphs_that_still_answer() -> None:
    from qa.training.reader import without_answer

    text = "Paris is big. The capital is Paris. It has a river. Rome is old."
    assert without_answer(text, ["Rome"]) == "Paris is big. The capital is Paris. It has a river."
    assert without_answer(text, ["Paris"]) == "It has a river. Rome is old."  # every answer sentence goes
    assert without_answer("PARIS is big. The capital is Paris. Rome is old.", ["Paris"]) is None  # survives, cased
    assert without_answer("One sentence about Rome.", ["Rome"]) is None  # nothing left to read
    assert without_answer("Rome is old. Rome-lovers agree. Cats purr.", ["Rome"]) is None  # one sentence left


def test_training_runs_on_a_gpu_only_when_there_is_one() -> None:
    import torch

    from qa.training.reader import parse_args, train_device

    assert train_device("cpu") == torch.device("cpu")
    assert train_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert parse_args(["--base-model", "x"]).device == "auto"
    assert parse_args(["--base-model", "x", "--device", "cuda"]).device == "cuda"


def test_edited_questions_are_unanswerable_on_their_own_paragraph(tmp_path: Path) -> None:
    path = squad_file(tmp_path)
    plain = load_examples(config(path, negative_ratio=0.0, max_examples=20))
    examples = load_examples(config(path, negative_ratio=0.0, max_examples=20, edited_ratio=1.0))
    edited = [e for e in examples if e.answer_start < 0]
    assert {e for e in examples if e.answer_start >= 0} == set(plain)  # the answerable ones are untouched
    assert 10 <= len(edited) <= 20
    originals = {e.context: e.question for e in plain}
    for e in edited:
        # "paragraph 2" asked of paragraph 0's text: a number the text lacks, from the same article
        assert e.answer_text == "" and e.context in originals and e.question != originals[e.context]
        asked = e.question.split("paragraph ")[1].rstrip("?")
        assert asked.isdigit() and f"Paragraph {asked} " not in e.context
