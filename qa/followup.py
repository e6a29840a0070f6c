"""Follow-up questions: borrow the topic of the previous question when the new one leans on it."""

from __future__ import annotations

import re
from collections.abc import Sequence

ANAPHORA = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|it|its|that|this|those|these|there|then|the same)\b", re.IGNORECASE
)
MAX_FOLLOWUP_WORDS = 10


def is_followup(question: str) -> bool:
    """Short questions that point back ("When did he say that?") need the earlier question's topic."""
    return len(question.split()) <= MAX_FOLLOWUP_WORDS and bool(ANAPHORA.search(question))


def contextualise(question: str, previous: Sequence[str]) -> str:
    """The text to retrieve with: the question, preceded by the last earlier question when it is a follow-up."""
    earlier = [p for p in previous if p.strip()]
    if not earlier or not is_followup(question):
        return question
    return f"{earlier[-1].strip()} {question}"
