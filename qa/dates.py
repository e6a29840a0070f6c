"""Dates and outlets named in a question, matched against what indexing extracted from each article."""

from __future__ import annotations

import re

from qa.types import Chunk

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def iso_date(day: str, month: str, year: str) -> str | None:
    """yyyy-mm-dd of a date written as its day, month name and year; None when the month is no month's name."""
    if month.lower() not in MONTHS:
        return None
    return f"{year}-{MONTHS.index(month.lower()) + 1:02d}-{int(day):02d}"


MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? {MONTH}\b", re.IGNORECASE)
MONTH_DAY = re.compile(rf"\b{MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
ISO = re.compile(r"\b\d{4}-(\d{2})-(\d{2})\b")
LATEST = re.compile(r"\b(latest|most recent|newest|current(?:ly)?|now|today)\b", re.IGNORECASE)


def question_dates(question: str) -> set[tuple[int, int]]:
    """(month, day) pairs the question names: '2 July', 'July 2', '2015-07-02'."""
    found = {(MONTHS.index(m.group(2).lower()) + 1, int(m.group(1))) for m in DAY_MONTH.finditer(question)}
    found |= {(MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))) for m in MONTH_DAY.finditer(question)}
    found |= {(int(m.group(1)), int(m.group(2))) for m in ISO.finditer(question)}
    return found


def chunk_dates(chunk: Chunk) -> set[tuple[int, int]]:
    """(month, day) of the article's date, from the ISO date or the date as written."""
    return question_dates(" ".join(x for x in (chunk.date, chunk.date_text) if x))


def asks_for_latest(question: str) -> bool:
    return bool(LATEST.search(question))


def metadata_bonus(question: str, chunk: Chunk) -> float:
    """0 to 1: how much the question points at this chunk's article by its date or its outlet."""
    bonus = 0.0
    wanted = question_dates(question)
    if wanted and wanted & chunk_dates(chunk):
        bonus += 0.5
    if chunk.outlet and re.search(rf"\b{re.escape(chunk.outlet)}\b", question, re.IGNORECASE):
        bonus += 0.5
    return bonus


def strip_metadata(question: str, outlets: set[str]) -> str:
    """The question without the dates and outlet names it uses to point at an article.

    Those words pick the article (metadata_bonus does that); left in the query they also pull the article's
    header chunk above the passage that holds the answer.
    """
    text = question
    for pattern in (DAY_MONTH, MONTH_DAY, ISO):
        text = pattern.sub(" ", text)
    for outlet in sorted(outlets, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(outlet)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())
