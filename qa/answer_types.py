"""What kind of span a question asks for: a "how many" question wants a quantity, a "how long" one a measure.

The reader scores spans by where they sit, not by what they are, so on news it can answer "How long is the
Channel Tunnel?" with "thousands". The checks below are deliberately loose: on
SQuAD v1.1 dev a gold answer passes them for 1,130 of 1,139 quantity, 60 of 62 measure and 40 of 40 duration
questions (`tests/test_answer_types.py` keeps it above 98%), so they reject the wrong kind of span, rarely a
right one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|"
    "billions?|trillions?|dozens?|zero|half|several|few|couple|handful|single|once|twice|none|nothing|no|"
    "little|minimal|infinitely|\\w+fold|thirds?|quarters?|fifths?|tenths?|many|number|all|entire|free"
)
QUANTITY = re.compile(rf"\d|\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)
# A measure: a digit ("1,230 km", "1870 to 1939"), or a number in words with a unit ("nine months", "a week").
UNIT = re.compile(
    r"\b(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centur(?:y|ies)|millenni(?:um|a)|"
    r"generations?|lifetimes?|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|feet|foot|inch(?:es)?|yards?|stor(?:e?ys|ies)|"
    r"floors?)\b",
    re.IGNORECASE,
)
# A duration after "how long did/has/would ...": a digit, a unit, or a bound ("since 1999", "until the war").
DURATION = re.compile(
    r"\d|\b(?:since|until|till|throughout|lifetimes?|life|period|era|ages|long|brief|short|overnight)\b",
    re.IGNORECASE,
)
SOME = re.compile(rf"\b(?:{NUMBER_WORDS}|a|an)\b", re.IGNORECASE)
ASKS_DURATION = re.compile(
    r"\bhow long (?:did|does|do|has|have|had|will|would|can|could|should|must|might)\b", re.IGNORECASE
)
ASKS_MEASURE = re.compile(r"\bhow (?:long|far|tall|high|deep|wide)\b", re.IGNORECASE)
ASKS_QUANTITY = re.compile(
    r"\bhow (?:many|much|old)\b|\bwhat (?:percentage|percent|proportion|number)\b|\b(?:what|which) year\b",
    re.IGNORECASE,
)


def expected_kind(question: str) -> str | None:
    """'duration', 'measure', 'quantity', or None when the question does not constrain the kind of answer."""
    if ASKS_DURATION.search(question):
        return "duration"
    if ASKS_MEASURE.search(question):
        return "measure"
    if ASKS_QUANTITY.search(question):
        return "quantity"
    return None


def fits(kind: str | None, span: str) -> bool:
    """Whether a span is the kind of answer the question asks for (any span fits an unconstrained question)."""
    if kind == "duration":
        return bool(DURATION.search(span) or UNIT.search(span))
    if kind == "measure":
        return any(c.isdigit() for c in span) or bool(SOME.search(span) and UNIT.search(span))
    if kind == "quantity":
        return bool(QUANTITY.search(span))
    return True


def span_filter(question: str) -> Callable[[str], bool] | None:
    """A predicate for the reader's candidate spans, or None when any span will do."""
    kind = expected_kind(question)
    return None if kind is None else lambda span: fits(kind, span)
