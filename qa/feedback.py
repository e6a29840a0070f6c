"""Thumbs up/down on answers, kept as JSON lines beside the index so they can become labelled questions.

One line a vote: {"time", "vote": "up"|"down", "question", "answer", "article_id", "start", "end", "score",
"status", "margin"}; "answer" is what was shown (the answer, or the best guess when "status" is "guess"), the
offsets are into the article file, as everywhere. `python -m qa eval --feedback FILE` reads them back: an upvoted
answer is a question with a known answer, a downvoted one an answer the system should stop giving; `qa calibrate
--feedback FILE` refits the confidence and the answer line from the votes on shown spans (qa.calibrate).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qa.types import Answer

FEEDBACK_FILE = "feedback.jsonl"
MAX_FIELD_CHARS = 2_000


@dataclass(frozen=True)
class Vote:
    time: str
    vote: str  # "up" or "down"
    question: str
    answer: str | None  # None: the system abstained
    article_id: str | None
    start: int | None
    end: int | None
    score: float
    status: str = "answer"  # answer | guess | not_found (qa.decision); votes from before 0.12.0 have none
    margin: float | None = None  # the shown span's margin (what the calibration maps); None when nothing was shown

    @classmethod
    def of(cls, answer: Answer, liked: bool) -> Vote:
        shown = answer.span or answer.guess
        return cls(
            time=datetime.now(UTC).isoformat(timespec="seconds"),
            vote="up" if liked else "down",
            question=answer.question[:MAX_FIELD_CHARS],
            answer=" ".join(shown.text.split())[:MAX_FIELD_CHARS] if shown else None,
            article_id=shown.article_id if shown else None,
            start=shown.article_start if shown else None,
            end=shown.article_end if shown else None,
            score=answer.score,
            status=answer.status,
            margin=shown.margin if shown else None,
        )


class FeedbackLog:
    """Appends votes to one file; a lock keeps concurrent votes' lines whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()

    def add(self, vote: Vote) -> None:
        line = json.dumps(asdict(vote), ensure_ascii=False) + "\n"
        with self.lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())


def read_votes(path: Path) -> list[Vote]:
    """Every whole vote in the file; a damaged line (a crash mid-write) is skipped, not fatal."""
    votes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data: dict[str, Any] = json.loads(line)
            votes.append(Vote(**data))
        except (json.JSONDecodeError, TypeError):
            continue
    return votes
