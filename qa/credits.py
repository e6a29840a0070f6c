"""Who reported, edited or photographed it: the byline or credit line answers, not the story's protagonist.

A news question about the credit ("Who edited the Reuters report?") names the story's subject, so retrieval and
the reader lean towards the people the story is about; the answer sits in page furniture ("(Reporting by James
Regan; editing by Ralph Boulton)", "Photo: Gareth Fuller/PA Wire"). SQuAD has no bylines, so this rule cannot be
measured there; tests/unit/test_credits.py and the seeds' by-line questions check it.
"""

from __future__ import annotations

import re

ASKS_CREDIT = re.compile(
    r"\b(?:journalists?|reporters?|reported|correspondents?|wrote|written|writers?|authors?|edit(?:ed|or|ors|ing)"
    r"|photo(?:graph)?(?:s|ed|ers?)?|pictured|pictures?|images?|credited)\b",
    re.IGNORECASE,
)
CREDIT_LINE = re.compile(
    r"\b(?:reporting|writing|editing|reported|written|edited|photographed) by\b"
    r"|\bcredits?\s*:|©|\bphoto(?:graph)?s?\s*:|^\s*\(?by\s",
    re.IGNORECASE | re.MULTILINE,
)
LINE_END = re.compile(r"\n|[.!?][\"'”’)\]]*\s+")
# The credited names themselves: what follows a credit's mark up to the next "|", ";", ")" or line end ("Credit:
# Gareth Fuller/PA Wire", "© Philippe Huguen, AFP | ...", "(Reporting by James Regan; editing by Ralph Boulton)").
# Page furniture only: "written by" in a sentence ("the song was written by ...") is the story, not a credit.
CREDITED = re.compile(
    r"(?:\bcredits?\s*:|©|\bphoto(?:graph)?s?\s*:|\((?:additional )?(?:reporting|writing|editing) by\b"
    r"|;\s*(?:additional )?(?:reporting|writing|editing) by\b)[^\S\n]*([^|;)\n]*)",
    re.IGNORECASE,
)


def asks_for_credit(question: str) -> bool:
    return bool(ASKS_CREDIT.search(question))


def credited(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] overlaps a name that a credit line credits (CREDITED): for a question that does not
    ask for a credit it is never an answer, whatever the reader scores ("Gareth Fuller/PA Wire" for "Who is the
    British interior minister?")."""
    return any(m.start(1) < end and start < m.end(1) for m in CREDITED.finditer(text))


def in_credit_line(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits on a byline or credit line of text (the line or sentence around it)."""
    lo = max((m.end() for m in LINE_END.finditer(text, 0, start)), default=0)
    hi = next((m.start() for m in LINE_END.finditer(text, end)), len(text))
    return bool(CREDIT_LINE.search(text[lo:hi]))
