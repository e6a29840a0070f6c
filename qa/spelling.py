"""Mistyped question words, read as the articles' own words: "migrents" is "migrants", "Cazenueve" "Cazeneuve".

A typo costs more than one word: BM25 cannot match it, the reader splits it into unfamiliar pieces ("how many
migrents are camped around calais" scored 0.24 for Calais's 2,500 against 0.62 spelt right) and the question's
kinds (qa.kinds) lose the counted noun. A word is read as another only when it is neither among the words of the
passages the question retrieves nor a word the reader's vocabulary knows nor one made from such a word with an
ending or a prefix ("farmed", "signer", "unproven"), and exactly one word of those passages is one edit away, other
than an inflection of it ("gang" is not corrected to "gangs") and with the same first letter (typists rarely
mistype the first: the usual assumption of spelling correctors). Two edits, on SQuAD's questions against their own
articles, read "qualitative" as "quantitative" and "emigrate" as "migrated"; one edit finds the typos seen there
("incorperated", "Hugeunot", "Feburary", "pacakages").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

WORD = re.compile(r"[^\W\d_]+")
MIN_LENGTH = 5  # shorter words have too many neighbours one edit away ("meet", "met", "men")
INFLECTIONS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers")
# Endings and prefixes that make a word from a word: a word so made is no typo even when no vocabulary lists it.
SUFFIXES = (
    *INFLECTIONS,
    *("n", "an", "ian", "or", "ors", "al", "ally", "ise", "ize", "ised", "ized", "ises", "izes", "ism", "ist", "ists"),
    *("ion", "ions", "ional", "ity", "ive", "ness", "ment", "ments", "able", "ible", "ful", "less", "ship"),
)
# Chat shorthand, read as the words it stands for ("so how many ppl are stuck in calais").
SHORTHAND = {
    "ppl": "people",
    "govt": "government",
    "approx": "approximately",
    "yr": "year",
    "yrs": "years",
    "pls": "please",
    "plz": "please",
    "thru": "through",
}
PREFIXES = ("un", "in", "im", "il", "ir", "non", "dis", "mis", "re", "pre", "over", "under", "anti", "counter")


def vocabulary(texts: Iterable[str]) -> Counter[str]:
    """The lower-cased words of texts with their counts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in WORD.findall(text))
    return counts


def distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b; limit + 1 once it is over limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def inflected(a: str, b: str) -> bool:
    """Whether one word is the other with an ending added ("gang"/"gangs", "migrant"/"migrants")."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in INFLECTIONS


def made_from(word: str, words: Collection[str], known: Collection[str]) -> bool:
    """Whether word is a listed word with an ending or a prefix (SUFFIXES, PREFIXES): "farmed", "unproven"."""
    stems = [word[: -len(s)] for s in SUFFIXES if word.endswith(s)] + [
        word[len(p) :] for p in PREFIXES if word.startswith(p)
    ]
    return any(
        len(stem) >= 3 and (stem in known or stem in words or stem + "e" in known or stem + "e" in words)
        for stem in stems
    )


def correction(word: str, words: Counter[str], known: Collection[str]) -> str | None:
    """The one word of `words` that `word` (lower case) is a typo of, or None."""
    if len(word) < MIN_LENGTH or word in words or word in known or made_from(word, words, known):
        return None
    near = sorted(
        (-count, candidate)
        for candidate, count in words.items()
        if len(candidate) >= MIN_LENGTH
        and candidate[0] == word[0]
        and not inflected(word, candidate)
        and distance(word, candidate, 1) <= 1
    )
    if not near or (len(near) > 1 and near[0][0] == near[1][0]):
        return None  # none, or two as near and as common: a guess
    return near[0][1]


def respelled(question: str, words: Counter[str], known: Collection[str]) -> str:
    """The question with each mistyped word replaced by the passage word it is a typo of, and chat shorthand by
    its words (SHORTHAND); the first letter's case kept."""

    def fix(m: re.Match[str]) -> str:
        typed = m.group(0)
        found = SHORTHAND.get(typed.lower()) or correction(typed.lower(), words, known)
        if found is None:
            return typed
        return found.capitalize() if typed[0].isupper() else found

    return WORD.sub(fix, question)
