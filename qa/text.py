"""Answer text compared as SQuAD compares it: one normaliser for grouping answers and for scoring them."""

from __future__ import annotations

import collections
import re
import string

from qa.dates import MONTHS

PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, collapse whitespace (the official SQuAD script):
    'the 3,000 migrants' and '3000 Migrants.' compare equal."""
    text = "".join(ch for ch in text.lower() if ch not in PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1_score(prediction: str, gold: str) -> float:
    """SQuAD's token F1 of a prediction against one gold answer (both normalised)."""
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:  # v2.0 rule: both empty is a match, one empty is not
        return float(pred == ref)
    common = collections.Counter(pred) & collections.Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def headline(title: str, words: int = 12) -> str:
    """A title short enough for a line: an article without a headline is titled by its whole lead sentence (shown
    so in the article view), which a citation line or an index entry shortens to its first words."""
    if title.endswith((".", "…")) and len(title.split()) > words:
        return " ".join(title.split()[:words]) + "…"
    return title


# A number as news prints it: "3000", "3,000", "3 000", "3.5", "2,500"; never part of a word or a date like 2015-08.
NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:[, \u00a0\u202f]\d{3})+|\d+)(?:\.(\d+))?(?![\w/-])")
# Month names and their abbreviations ("Aug 3"), whole words only: "market" or "decade" is no month.
MONTH = re.compile(rf"\b(?:{'|'.join([*MONTHS, *(m[:3] for m in MONTHS), 'sept'])})\b", re.IGNORECASE)


def answer_key(text: str) -> str:
    """What makes two answers the same answer: a span holding exactly one number is that number (and "%" when it is
    a percentage), so "3000", "3,000", "some 3,000" and "3 000 migrants" agree and "30%" differs from "30";
    anything else (dates included: "2 July" is not "2 August") compares by normalize_answer."""
    numbers = list(NUMBER.finditer(text))
    if len(numbers) == 1 and not MONTH.search(text):
        m = numbers[0]
        whole = re.sub(r"\D", "", m.group(1))
        value = whole.lstrip("0") or "0"
        if m.group(2) and m.group(2).strip("0"):
            value += "." + m.group(2).rstrip("0")
        percent = text[m.end() :].lstrip().startswith(("%", "per cent", "percent"))
        return f"#{value}{'%' if percent else ''}"
    return normalize_answer(text)
