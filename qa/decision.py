"""What the system says to a question: a confident answer, a labelled best guess, or "not found".

Three judgements, each fitted on labelled questions like the deployment's, never written by hand:
- the confidence shown, P(the span is right), from the span's margin over its window's no-answer logit
  (qa.calibration.Calibration). Only the answer and the guess are judged by it: the reader scores every span by
  the model's own calibration (fitted on SQuAD), on which the bars for other articles' reports were chosen;
- the answer line: a span at least `answer_at` likely right is the answer, a weaker one only a guess;
- "not found": P(the articles speak to the question) from how near the question is to the passages read (the
  best embedding similarity, which knows nothing of the corpus) and how strongly the reader found a span (its
  margin). Below `found_at` nothing is shown, not even a guess, unless the span is as likely right as nearly no
  off-topic question's is (`guess_at`).

The shipped decision (models/reader/decision.json) was fitted on the real-news benchmark's tune half
(`python -m qa eval-news --split tune --fit-decision`). A deployment refits it from its own labelled questions or
its thumbs up/down log (`qa calibrate`), written as decision.json beside the index and used from the next start.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from qa.calibration import FILE as CALIBRATION_FILE
from qa.calibration import Calibration
from qa.types import Span, TextSpan

logger = logging.getLogger(__name__)

FILE = "decision.json"  # beside the index (a deployment's own), or beside the reader's weights (the shipped one)
STATUSES = ("answer", "guess", "not_found")
# The SQuAD operating point of the reader's own calibration (calibration.json, fitted on held-out SQuAD v2.0 dev
# articles, half of them unanswerable): what eval-squad and eval-open compare across versions (models/reader card).
SQUAD_ANSWER_AT = 0.3


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


@dataclass(frozen=True)
class Topic:
    """P(the articles speak to the question) = sigmoid(similarity * s + margin * m + intercept)."""

    similarity: float
    margin: float
    intercept: float

    def probability(self, similarity: float, margin: float) -> float:
        return sigmoid(self.similarity * similarity + self.margin * margin + self.intercept)


@dataclass(frozen=True)
class Decision:
    """The calibration the reader scores spans with, and the two lines drawn on what it finds."""

    calibration: Calibration | None  # None: the reader's scores are used as they are (a fake reader in tests)
    answer_at: float  # a span at least this likely right is the answer; below, a guess
    topic: Topic | None = None  # None: a span is always at least a guess
    found_at: float = 0.5  # P(on topic) below which the answer is "not found"
    fitted_on: str = ""  # which questions, and how many
    # a span at least this likely right is never "not found": above what nearly all off-topic questions reach, since
    # how near an on-topic question comes to the passages varies with the corpus (the similarity feature)
    guess_at: float = 1.0

    def confidence(self, span: Span | TextSpan) -> float:
        """P(the span is right) by this decision's calibration of its margin (the reader's score without one)."""
        return self.calibration.confidence(span.margin) if self.calibration else span.score

    def found(self, similarity: float, margin: float, score: float) -> bool:
        """Whether the articles speak to the question, by the best similarity read and the best span's margin; a
        span confident enough to be a guess that stands (guess_at) or the answer (score) is always found."""
        if self.topic is None or score >= min(self.answer_at, self.guess_at):
            return True
        return self.topic.probability(similarity, margin) >= self.found_at

    def with_answer_at(self, answer_at: float | None) -> Decision:
        return self if answer_at is None else replace(self, answer_at=answer_at)

    def describe(self) -> str:
        """The decision in one line, for people."""
        c = self.calibration
        confidence = f"confidence sigmoid({c.slope:.3f} x margin {c.intercept:+.3f})" if c else "the reader's scores"
        found = " and a not-found model" if self.topic else ""
        return f"answer line {self.answer_at:.2f} on {confidence}{found}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "decision") -> Decision:
        """A decision from its JSON form; ValueError naming `where` when a field is missing or out of range."""
        try:
            cal = data["calibration"]
            calibration = None if cal is None else Calibration(float(cal["slope"]), float(cal["intercept"]))
            topic = data.get("topic")
            decision = cls(
                calibration,
                float(data["answer_at"]),
                None if topic is None else Topic(**{k: float(topic[k]) for k in ("similarity", "margin", "intercept")}),
                float(data.get("found_at", 0.5)),
                str(data.get("fitted_on", "")),
                float(data.get("guess_at", 1.0)),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{where} is not a decision file ({type(err).__name__}: {err})") from err
        if not all(0.0 <= p <= 1.0 for p in (decision.answer_at, decision.found_at, decision.guess_at)):
            raise ValueError(f"{where}: answer_at, found_at and guess_at must be probabilities")
        return decision

    @classmethod
    def load(cls, path: Path) -> Decision:
        data = read_json(path, "a decision file")
        if not isinstance(data, dict):
            raise ValueError(f"{path} is not a decision file (not a JSON object)")
        return cls.from_json(data, str(path))

    def save(self, path: Path) -> None:
        """Write atomically: a reader of the file never sees half of it."""
        from qa.index import write_durably

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_durably(path, json.dumps(self.to_json(), indent=2) + "\n")


def read_json(path: Path, what: str) -> Any:
    """A JSON file's content; ValueError saying that it cannot be read as `what` (unreadable, not UTF-8, not JSON)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path} cannot be read as {what} ({type(err).__name__})") from err


def squad_decision(model_dir: Path) -> Decision:
    """The reader's SQuAD calibration at the SQuAD operating point, with no "not found" evidence beyond the span."""
    return Decision(Calibration.load(model_dir), SQUAD_ANSWER_AT, fitted_on=f"{CALIBRATION_FILE}: SQuAD v2.0")


def resolve(choice: str, index_dir: Path, model_dir: Path) -> tuple[Decision, str]:
    """The decision a deployment runs with, and where it came from: "" (auto) the index's own decision.json when
    `qa calibrate` wrote one, else the reader's shipped one, else the SQuAD one; "squad"; or a file's path."""
    if choice == "squad":
        return squad_decision(model_dir), "squad"
    if choice:
        return Decision.load(Path(choice)), choice
    for path in (Path(index_dir) / FILE, Path(model_dir) / FILE):
        if path.is_file():
            try:
                return Decision.load(path), str(path)
            except ValueError as err:  # a damaged file must not stop the server: the next one down is used
                logger.warning("%s; using the next decision instead", err)
    return squad_decision(model_dir), "squad"
