"""What kind of value a question asks for, and what a count counts, by trained models rather than lists of phrasings.

Two logistic regressions over hashed features, trained on SQuAD v1.1 train questions (qa.training.question_kinds),
so that a new wording needs no new code: "Britain's pledge came to how much?" and "Give me the count of
people-smuggling networks." are judged by what questions with such words asked for in 88,000 examples, not by
whether a rule foresaw them (a word it has seldom seen weighs little: models/kinds/README.md).
- The kind: the question's word 1-3-grams -> the kind of value its gold answer was (a count, a sum, a date, ...).
- The counted noun: each word of a count question, with its neighbours -> whether it is the noun that follows the
  gold number in the text ("How many migrants ..." -> "migrants", "migrant numbers" -> "migrant").
The weights ship in models/kinds/ (safetensors) and load without torch.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

TOKEN = re.compile(r"\w+|[?$£€%]")
# Below this logit (a probability of about 5%) no word of a count question is taken for what it counts: the best
# word is right far more often than it is likely alone, since each word is judged without the others.
NOUN_FLOOR = -3.0
WORD = re.compile(r"\w[\w'’-]*")  # "people-smuggling" is one word


def ngrams(question: str, longest: int = 3) -> list[str]:
    """The question's lower-cased word 1..longest-grams (the features, before hashing)."""
    words = TOKEN.findall(question.lower())
    return [" ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)]


def hashed(features: list[str], size: int) -> np.ndarray:
    """Feature strings as ids below size, each once (binary features; crc32 is stable across processes)."""
    return np.unique([zlib.crc32(f.encode("utf-8")) % size for f in features]).astype(np.int64)


def feature_ids(question: str, size: int) -> np.ndarray:
    """The question's hashed n-grams (the kind model's features)."""
    return hashed(ngrams(question), size)


def words_of(question: str) -> list[str]:
    """The question's words as written (the counted-noun model's tokens)."""
    return WORD.findall(question)


def word_features(words: list[str], i: int) -> list[str]:
    """What the counted-noun model sees of words[i]: the word, its neighbours, its ending and its capital (a name
    after the first word is seldom what is counted)."""
    low = [w.lower() for w in words]
    at = lambda j: low[j] if 0 <= j < len(low) else "<>"  # noqa: E731
    return [
        f"w={at(i)}",
        f"p={at(i - 1)}",
        f"pp={at(i - 2)}",
        f"n={at(i + 1)}",
        f"pw={at(i - 1)} {at(i)}",
        f"wn={at(i)} {at(i + 1)}",
        f"ppp={at(i - 2)} {at(i - 1)}",
        f"end={at(i)[-2:]}",
        f"nend={at(i + 1)[-1:]}",  # a modifier is followed by its noun: "smuggling gangs"
        f"pend={at(i - 1)[-1:]}",
        f"cap={words[i][:1].isupper() and i > 0}",
        f"at={min(i, 6)}",
    ]


@dataclass(frozen=True)
class KindModel:
    """Weights (features x kinds), bias (kinds) and the kinds' names, in the order of the weights' columns."""

    weights: np.ndarray
    bias: np.ndarray
    kinds: tuple[str, ...]
    min_probability: float  # below it a kind other than "other" is not claimed (its precision is what counts)
    noun_weights: np.ndarray  # the counted-noun model: features -> logit
    noun_bias: float

    @classmethod
    def load(cls, model_dir: Path | None = None) -> KindModel:
        from safetensors.numpy import load_file

        from qa.config import KINDS_MODEL

        model_dir = KINDS_MODEL if model_dir is None else model_dir
        path = model_dir / "model.safetensors"
        if not path.is_file():
            raise FileNotFoundError(f"no question-kind model at {path} (python -m qa.training.question_kinds)")
        tensors = load_file(str(path))
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        return cls(
            tensors["weights"].astype(np.float32),
            tensors["bias"].astype(np.float32),
            tuple(config["kinds"]),
            float(config["min_probability"]),
            tensors["noun_weights"].astype(np.float32),
            float(tensors["noun_bias"][0]),
        )

    def probabilities(self, question: str) -> dict[str, float]:
        """Each kind's probability for the question (L2-normalised binary features, as trained)."""
        ids = feature_ids(question, self.weights.shape[0])
        logits = self.bias + (self.weights[ids].sum(0) / np.sqrt(max(len(ids), 1)) if len(ids) else 0.0)
        exp = np.exp(logits - logits.max())
        return dict(zip(self.kinds, (exp / exp.sum()).tolist(), strict=True))

    def kind(self, question: str, fallback: str) -> str:
        """The most probable kind, or `fallback` when that is not probable enough."""
        probabilities = self.probabilities(question)
        best = max(probabilities, key=probabilities.__getitem__)
        return best if probabilities[best] >= self.min_probability else fallback

    def counted_noun(self, question: str) -> str | None:
        """The word of a count question most likely to be what it counts (one per question: the best-scoring word,
        unless even that one is unlikely, NOUN_FLOOR)."""
        words = words_of(question)
        size = self.noun_weights.shape[0]
        logits = [
            self.noun_bias + self.noun_weights[hashed(word_features(words, i), size)].sum() for i in range(len(words))
        ]
        if not logits or max(logits) < NOUN_FLOOR:
            return None
        return words[int(np.argmax(logits))].lower()


@cache
def model() -> KindModel:
    return KindModel.load()
