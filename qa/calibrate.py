"""`qa calibrate`: fit the decision (qa.decision) to a deployment's own labelled questions or thumbs up/down log.

Every question (or vote) becomes an Outcome: the margin of the system's best span, the best similarity of the
passages it read, whether that span was right, and whether the articles speak to the question at all. From them:
the calibration (P(right) from the margin), the answer line (the lowest confidence at which confident answers are
still right `precision` of the time), and, when the data hold questions the articles do not speak to, the "not
found" model. A file too small or malformed is refused with the reason, and the decision in use stays as it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.calibration import Calibration, fit, fit_logistic
from qa.decision import Decision, Topic, read_json
from qa.text import f1_score
from qa.types import Passage, Span

PRECISION = 0.90  # confident answers right this often on the data fitted: the product's target
ANSWER_LINES = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 ... 0.95
MIN_SPANS, MIN_EACH = 20, 5  # at least this many outcomes with a span, and this many right and wrong among them
MIN_OFF_TOPIC = 5  # questions the articles do not speak to, for refitting "not found"
RIGHT_F1 = 0.5  # a span is right when its F1 with a gold answer reaches this (what the confidence claims)


@dataclass(frozen=True)
class Outcome:
    """What the system found for one labelled question (or one vote)."""

    margin: float | None  # of its best span; None when it read no span at all
    similarity: float  # the best similarity among the passages it read
    right: bool  # its best span answers the question (F1 >= 0.5 with a gold answer; an upvote)
    on_topic: bool  # the articles speak to the question (False: off-topic)


def answer_line(outcomes: Sequence[Outcome], calibration: Calibration, precision: float) -> float:
    """The lowest of ANSWER_LINES at which the confident answers among the outcomes (a span that confident is never
    "not found") are right `precision` of the time (the highest line when none is)."""
    confidences = [(o, calibration.confidence(o.margin)) for o in outcomes if o.margin is not None]
    for line in ANSWER_LINES:
        confident = [o for o, p in confidences if p >= line]
        if confident and sum(o.right for o in confident) >= precision * len(confident):
            return line
    return ANSWER_LINES[-1]


OFF_TOPIC_SHARE = 0.97  # of off-topic questions, at least this share stay "not found" whatever their span's score


def guess_line(outcomes: Sequence[Outcome], calibration: Calibration) -> float:
    """The lowest of ANSWER_LINES that OFF_TOPIC_SHARE of the off-topic outcomes' best spans stay under."""
    scores = [calibration.confidence(o.margin) for o in outcomes if not o.on_topic and o.margin is not None]
    for line in ANSWER_LINES:
        if sum(s < line for s in scores) >= OFF_TOPIC_SHARE * len(scores):
            return line
    return 1.0


def fit_topic(outcomes: Sequence[Outcome]) -> Topic:
    """P(on topic) from similarity and margin, the two classes weighed equally (off-topic questions are few in a
    labelled set and many in the world)."""
    usable = [o for o in outcomes if o.margin is not None]
    on = sum(o.on_topic for o in usable)
    n = len(usable)
    weights = [n / 2 / on if o.on_topic else n / 2 / (n - on) for o in usable]
    s, m, b = fit_logistic(
        [[o.similarity, o.margin or 0.0] for o in usable],
        [o.on_topic for o in usable],
        sample_weights=weights,
        ridge=1e-3,
    )
    return Topic(s, m, b)


def fit_decision(outcomes: Sequence[Outcome], base: Decision, *, what: str, precision: float = PRECISION) -> Decision:
    """A decision fitted to the outcomes: calibration, answer line, and "not found" when the outcomes include
    enough off-topic questions (else base's). ValueError saying what is missing when they are too few."""
    spans = [o for o in outcomes if o.margin is not None]
    # The confidence is of spans that are shown: off-topic questions end as "not found" and never show one.
    shown = [o for o in spans if o.on_topic]
    right = sum(o.right for o in shown)
    if len(shown) < MIN_SPANS or min(right, len(shown) - right) < MIN_EACH:
        raise ValueError(
            f"{what}: too few to calibrate on ({len(shown)} with an answer, {right} right, {len(shown) - right} "
            f"wrong; at least {MIN_SPANS}, with {MIN_EACH} of each, are needed)"
        )
    slope, intercept = fit([o.margin or 0.0 for o in shown], [o.right for o in shown])
    calibration = Calibration(slope, intercept)
    off = len(spans) - len(shown)
    decision = replace(base, calibration=calibration)
    if off >= MIN_OFF_TOPIC:
        decision = replace(decision, topic=fit_topic(spans), guess_at=guess_line(spans, calibration))
    line = answer_line(outcomes, calibration, precision)
    where = f"{what}: {len(outcomes)} ({right} right, {off} off-topic)"
    return replace(decision, answer_at=line, fitted_on=where)


def read_votes_strictly(path: Path) -> list[dict[str, Any]]:
    """The votes of a feedback file (qa.feedback), refusing one with a line that is not a whole vote."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} cannot be read ({type(err).__name__})") from err
    votes = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            vote = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}, line {n}: not a JSON vote ({err.msg})") from err
        if not isinstance(vote, dict) or vote.get("vote") not in ("up", "down") or "question" not in vote:
            raise ValueError(f'{path}, line {n}: not a vote (needs "vote": "up" or "down" and "question")')
        votes.append(vote)
    return votes


def outcomes_from_votes(path: Path) -> list[Outcome]:
    """An up vote on a shown answer or guess: that span is right; a down vote: it is wrong. Votes without the span's
    margin (written before 0.12.0) or on "not found" replies say nothing about a span and are left out."""
    out = []
    for vote in read_votes_strictly(path):
        if vote.get("margin") is None or vote.get("answer") is None:
            continue
        try:
            margin, similarity = float(vote["margin"]), float(vote.get("similarity") or 0.0)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{path}: a vote's margin or similarity is not a number ({vote!r:.120})") from err
        out.append(Outcome(margin, similarity, vote["vote"] == "up", True))
    return out


# Never an answer, never "not found": the system's best span of every question, whatever its confidence.
OPEN = Decision(None, answer_at=2.0)


def outcome(
    step: Any, question: str, passages: Sequence[Passage], spans: Sequence[Span], answers: Sequence[str], on_topic: bool
) -> Outcome:
    """The Outcome of one read question (step: the QA's AnswerStep) against its gold answers (none: unanswerable)."""
    best = step.choose(question, passages, spans, decision=OPEN).guess
    nearest = max((p.similarity for p in passages if not p.for_reports), default=0.0)
    right = best is not None and any(f1_score(best.text, a) >= RIGHT_F1 for a in answers)
    return Outcome(best.margin if best else None, nearest, right, on_topic)


def load_labelled(path: Path) -> list[tuple[str, tuple[str, ...], bool]]:
    """(question, gold answers, on topic) from a question file: a JSON list of objects with "question" and
    "answers" (empty: the articles do not give it), and optionally "type": "offtopic" for a question they do not
    speak to at all (benchmarks/news and ../shared/data/dev_questions.json are such files)."""
    data = read_json(path, "a JSON question file")
    if not isinstance(data, list):
        raise ValueError(f'{path}: expected a JSON list of {{"question": ..., "answers": [...]}} objects')
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise ValueError(f'{path}, item {n}: not a question (needs "question" and "answers")')
        answers = item.get("answers") or []
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise ValueError(f'{path}, item {n}: "answers" must be a list of strings')
        out.append((item["question"], tuple(answers), item.get("type") != "offtopic"))
    return out


def outcomes_from_questions(qa: Any, labelled: Sequence[tuple[str, tuple[str, ...], bool]]) -> list[Outcome]:
    """Each labelled question asked of the QA as a user would ask it (typos respelt, reading set and all)."""
    out = []
    for question, answers, on_topic in labelled:
        read, passages = qa.read_as(question)
        out.append(outcome(qa.step, read, passages, qa.step.read(read, passages), answers, on_topic))
    return out


def run_calibrate(args: Any, settings: Any) -> int:
    """`qa calibrate [FOLDER] --questions FILE | --feedback FILE`: refit the folder's decision and write it beside
    its index, where the next start (qa serve, qa ask, qa.answer) reads it."""
    from qa.decision import FILE, resolve

    base, where = resolve(settings.decision, settings.index_dir, settings.reader_model)
    if args.feedback:
        outcomes = outcomes_from_votes(args.feedback)
        source = f"{Path(args.feedback).name} (votes)"
    else:
        from qa.loading import decision as load_decision
        from qa.pipeline import QA

        labelled = load_labelled(args.questions)  # refused before the models load
        qa = QA.load(settings)
        outcomes = outcomes_from_questions(qa, labelled)
        source = f"{Path(args.questions).name} (questions)"
        base = load_decision(settings)
    fitted = fit_decision(outcomes, base, what=source, precision=args.target)
    target = Path(settings.index_dir) / FILE
    fitted.save(target)
    print(f"was: {base.describe()} ({where})")
    print(f"now: {fitted.describe()}; fitted on {fitted.fitted_on}")
    print(f"wrote {target}; it is used from the next start")
    return 0
