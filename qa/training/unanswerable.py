"""Unanswerable training questions made from answerable ones, by the edits SQuAD 2.0's writers used.

SQuAD 2.0's crowd workers made most of its unanswerable questions by small edits of an answerable one: swap
an entity or a number for another that the paragraph does not hold, turn a word into its antonym, or add a
negation (Rajpurkar, Jia and Liang 2018, table 2). Only 2,488 such real questions are ours to train on, so
this module applies the same edits to SQuAD v1.1 train questions, paired with their own paragraph: on topic,
sharing nearly every word with the text, and not answered by it. No edit is made when none fits cleanly.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

# Common antonym pairs (general English, not drawn from any evaluation question); both directions are used.
ANTONYMS = dict(
    pair
    for a, b in (
        ("largest", "smallest"),
        ("biggest", "smallest"),
        ("highest", "lowest"),
        ("most", "least"),
        ("first", "last"),
        ("earliest", "latest"),
        ("oldest", "youngest"),
        ("longest", "shortest"),
        ("best", "worst"),
        ("larger", "smaller"),
        ("higher", "lower"),
        ("more", "less"),
        ("before", "after"),
        ("increase", "decrease"),
        ("increased", "decreased"),
        ("rise", "fall"),
        ("won", "lost"),
        ("win", "lose"),
        ("accepted", "rejected"),
        ("accept", "reject"),
        ("allowed", "forbade"),
        ("supported", "opposed"),
        ("support", "oppose"),
        ("began", "ended"),
        ("start", "end"),
        ("started", "stopped"),
        ("north", "south"),
        ("northern", "southern"),
        ("east", "west"),
        ("eastern", "western"),
        ("positive", "negative"),
        ("major", "minor"),
        ("common", "rare"),
        ("strong", "weak"),
        ("success", "failure"),
        ("successful", "unsuccessful"),
        ("legal", "illegal"),
        ("public", "private"),
        ("open", "closed"),
        ("above", "below"),
        ("inside", "outside"),
        ("cheapest", "most expensive"),
        ("fastest", "slowest"),
    )
    for pair in ((a, b), (b, a))
)
NEGATED = {
    "is": "isn't",
    "are": "aren't",
    "was": "wasn't",
    "were": "weren't",
    "did": "didn't",
    "does": "doesn't",
    "do": "don't",
    "can": "can't",
    "could": "couldn't",
    "will": "won't",
    "would": "wouldn't",
    "has": "hasn't",
    "have": "haven't",
    "had": "hadn't",
}  # the contraction keeps the question's word order: "What did X build" -> "What didn't X build"
NAME = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'-]*)*")
NUMBER = re.compile(r"\b\d[\d,.]*\b")
WORD = re.compile(r"[A-Za-z]+")


def names(text: str, skip_first: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, text) of capitalised word runs ("Kublai Khan", "Bank of England"); the first word of a
    question is capitalised by grammar, not because it is a name, so skip_first leaves it out."""
    out = []
    for m in NAME.finditer(text):
        start, found = m.start(), m.group()
        if skip_first and start == len(text) - len(text.lstrip()):
            rest = found.split(None, 1)
            if len(rest) < 2:
                continue
            start, found = m.end() - len(rest[1]), rest[1]
        out.append((start, start + len(found), found))
    return out


def swap(
    question: str, context: str, pool: Sequence[str], pattern_items: list[tuple[int, int, str]], rng: random.Random
) -> str | None:
    """Replace one item of the question that the paragraph holds with an item of the pool it does not hold."""
    lowered = context.lower()
    present = [item for item in pattern_items if item[2].lower() in lowered]
    choices = sorted({p for p in pool if p.lower() not in lowered and p.lower() not in question.lower()})
    if not present or not choices:
        return None
    start, end, _ = rng.choice(present)
    return question[:start] + rng.choice(choices) + question[end:]


def pool_names(text: str) -> list[str]:
    """The names in a paragraph, less any run that starts a sentence (it may be capitalised only for that:
    "While Kublai ruled"), possessives and trailing quotes cut ("Princeton Review's" -> "Princeton Review")."""
    out = []
    for start, _, found in names(text):
        if start == 0 or re.search(r"[.!?:;\"]\s*$", text[:start]):
            continue
        found = re.sub(r"('s|')$", "", found)
        if len(found) > 2:
            out.append(found)
    return out


def entity_swap(question: str, context: str, article: Sequence[str], rng: random.Random) -> str | None:
    """Swap a name of the question for another name from the same article that this paragraph lacks."""
    pool = [n for other in article for n in pool_names(other)]
    return swap(question, context, pool, names(question, skip_first=True), rng)


def number_swap(question: str, context: str, article: Sequence[str], rng: random.Random) -> str | None:
    """Swap a number of the question (a year, a count) for another of the article's numbers of the same
    length that this paragraph lacks."""
    items = [(m.start(), m.end(), m.group()) for m in NUMBER.finditer(question)]
    if not items:
        return None
    length = len(items[0][2])
    pool = [m.group() for other in article for m in NUMBER.finditer(other) if len(m.group()) == length]
    return swap(question, context, pool, items[:1], rng)


def antonym(question: str, context: str, rng: random.Random) -> str | None:
    """Turn one word of the question into its antonym, when the paragraph never uses that antonym."""
    hits = [m for m in WORD.finditer(question) if m.group().lower() in ANTONYMS]
    if not hits:
        return None
    m = rng.choice(hits)
    other = ANTONYMS[m.group().lower()]
    if re.search(rf"\b{re.escape(other)}\b", context, re.IGNORECASE):
        return None
    return question[: m.start()] + other + question[m.end() :]


def negation(question: str) -> str | None:
    """Negate the question's first auxiliary verb ("What did X build" -> "What didn't X build")."""
    for m in WORD.finditer(question):
        word = m.group()
        if word.lower() in NEGATED:
            if re.match(r"\s*(not\b|n't)", question[m.end() :]):
                return None
            negated = NEGATED[word.lower()]
            if word[0].isupper():
                negated = negated[0].upper() + negated[1:]
            return question[: m.start()] + negated + question[m.end() :]
    return None


NEGATION_SHARE = 0.3


def unanswerable(question: str, context: str, article: Sequence[str], rng: random.Random) -> str | None:
    """One edited question that the paragraph no longer answers: a swap or an antonym when one fits (in a
    random order), else, with probability NEGATION_SHARE, a negation (it nearly always fits, and SQuAD 2.0 has
    few); None when no edit applies."""
    others = [c for c in article if c != context]
    edits = [
        lambda: entity_swap(question, context, others, rng),
        lambda: number_swap(question, context, others, rng),
        lambda: antonym(question, context, rng),
    ]
    rng.shuffle(edits)
    for edit in edits:
        found = edit()
        if found and found != question:
            return found
    return negation(question) if rng.random() < NEGATION_SHARE else None
