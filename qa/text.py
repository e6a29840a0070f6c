"""Answer text compared as SQuAD compares it: one normaliser for grouping answers and for scoring them."""

from __future__ import annotations

import re
import string

PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, collapse whitespace (the official SQuAD script):
    'the 3,000 migrants' and '3000 Migrants.' compare equal."""
    text = "".join(ch for ch in text.lower() if ch not in PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())
