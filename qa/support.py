"""How much of the question the words around a span repeat: evidence the reader's score does not see.

The reader scores each passage on its own, so a confident span in a loosely related passage ("2 000 people
were attempting to get through every night") can beat a less confident one in a passage that says what the
question asks ("At least 10 people have been killed since June trying to get to Britain"). Weighing spans by
how well their sentence covers the question is the coverage signal of answer re-ranking in open-domain QA
(Wang et al. 2018, "Evidence Aggregation for Answer Re-Ranking"); `python -m qa eval-squad --distractors`
measures it and chose the weight in qa.config.
"""

from __future__ import annotations

import math
import re

STOPWORD_TEXT = """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves according say said
    says also whose"""
STOPWORDS = frozenset(STOPWORD_TEXT.split())
WORD = re.compile(r"[a-z0-9]+")
# A question about who reported, wrote or photographed something, and the byline or credit line that answers it:
# page furniture whose sentence never repeats the question, so it gets full coverage instead.
ASKS_CREDIT = re.compile(
    r"\b(?:journalists?|reporters?|reported|correspondents?|wrote|written|writers?|authors?|photo(?:graph)?(?:s|ed|ers?)?"
    r"|pictured|pictures?|images?|credited)\b",
    re.IGNORECASE,
)
CREDIT_LINE = re.compile(
    r"\b(?:reporting|writing|editing|reported|written|photographed) by\b"
    r"|\bcredits?\s*:|©|\bphoto(?:graph)?s?\s*:|^\s*\(?by\s",
    re.IGNORECASE,
)
# Sentence ends, line breaks, and the runs of spaces that separate headlines and captions in extracted pages.
BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+|\n|\s{3,}|•")


def stem(word: str) -> str:
    """A crude stem: "offered", "offers" and "offer" agree; enough for overlap counting, never shown."""
    if len(word) > 4:
        word = re.sub(r"(?:ing|ed|es|s)$", "", word)
    return word[:6]


def terms(text: str) -> set[str]:
    """The stems of the content words of a text (single letters, like the s of "Cazeneuve's", are no words)."""
    return {stem(w) for w in WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS}


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """[lo, hi) of the sentence (or headline, or caption) holding text[start:end]."""
    lo, hi = 0, len(text)
    for m in BOUNDARY.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def support(question: str, text: str, start: int, end: int) -> float:
    """Share of the question's content words found in the span's sentence outside the span, in [0, 1]; 1 for a
    span in a byline or credit line when the question asks who reported, wrote or photographed."""
    wanted = terms(question)
    if not wanted:
        return 0.0
    lo, hi = sentence_bounds(text, start, end)
    if ASKS_CREDIT.search(question) and CREDIT_LINE.search(text[lo:hi]):
        return 1.0
    around = terms(text[lo:start] + " " + text[end:hi])
    return len(wanted & around) / len(wanted)


def weigh(score: float, coverage: float, weight: float) -> float:
    """Reader score scaled by coverage: exp(weight * (coverage - 1)) keeps a full-coverage span's score as is."""
    return score * math.exp(weight * (coverage - 1.0))
