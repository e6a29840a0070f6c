"""What kind of value a question asks for, and whether a span (in its passage) is one.

"How many migrants are in Calais?" wants a count of migrants: "30%" (a share), "£12 million" (money), "19
networks" and "514 people" arrested (a count of something else: EVENTS) are not answers to it, even when the
reader scores them. The kinds are few and coarse on purpose: counts, money and dates are the values news reports
disagree on, and a span of another kind must never be shown as a competing report (qa.selection). Which kind a
question asks for, and what a count counts, is a trained model's call (qa.question_kind), not a list of wordings;
this module judges the spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.dates import MONTHS
from qa.text import NUMBER

COUNT, MONEY, DATE, OTHER = "count", "money", "date", "other"

NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|billions?|dozens?|a dozen"
)
NUMERAL = re.compile(rf"\d|\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)
PERCENT_SIGN = re.compile(r"\d\s*(?:%|per ?cent\b)", re.IGNORECASE)
CURRENCY_WORDS = (
    r"euros?|pounds?|sterling|dollars?|francs|yen|yuan|renminbi|rupees?|lira|lire|pesos?|roubles?|rubles?|dinars?"
    r"|dirhams?|riyals?|shillings?|guineas|kron(?:a|or|er|e)|zloty|forints?"
)
CURRENCY_SIGNS = "[£$€¥₹₽]"  # before a sum; CURRENCY_WORDS come after one
CURRENCY = re.compile(rf"{CURRENCY_SIGNS}|\b(?:[A-Z]{{1,2}}\$|EUR|GBP|USD|(?i:{CURRENCY_WORDS}))\b")
# A sum in brackets right after another is that sum in another currency: "10 million euros ($11.2 million)" gives
# 10 million euros, and "$11.2 million" is not a second, differing report of it.
CONVERSION = re.compile(
    r"\d(?:\s*(?:million|billion|bn))?(?:\s*(?:euros?|pounds?|dollars?|sterling))?\s*\(\s*(?:[A-Z]{0,2}[$€£¥])?\s*$",
    re.IGNORECASE,
)
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DATE_WORD = re.compile(
    rf"\b(?:{'|'.join(MONTHS)}|{WEEKDAYS}|today|yesterday|tomorrow)\b"
    r"|\b(?:1[5-9]|20)\d\d\b|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
NAMED_DATE = re.compile(rf"\b(?:{'|'.join(MONTHS)}|{WEEKDAYS})\b", re.IGNORECASE)
# Months that are also everyday words ("Theresa May", "may not seem", "to march"): a month only with a capital and
# a date's context, a day or year beside it ("2 May", "May 2015") or a word that places a time before it ("in May").
WORD_MONTHS = re.compile(r"may|march", re.IGNORECASE)
MONTH_BEFORE = re.compile(
    r"(?:\d|\b(?:in|on|since|until|till|by|from|of|early|late|mid|last|next|this|every|each|during|before|after))"
    r"[\s,-]*$",
    re.IGNORECASE,
)
MONTH_AFTER = re.compile(r"^[\s,]*\d")


def date_words(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """The DATE_WORD matches in text[start:end], less the months that are everyday words there (WORD_MONTHS);
    positions relative to text[start:end]."""
    end = len(text) if end is None else end
    found = []
    for m in DATE_WORD.finditer(text[start:end]):
        if WORD_MONTHS.fullmatch(m.group(0)):
            lo, hi = start + m.start(), start + m.end()
            placed = MONTH_BEFORE.search(text[max(0, lo - 12) : lo]) or MONTH_AFTER.match(text[hi : hi + 4])
            if not m.group(0)[0].isupper() or not placed:
                continue
        found.append(m)
    return found


YEAR = re.compile(r"(?<![\d,.])(?:1[5-9]|20)\d\d(?![\d,])")


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOP = word_set(
    "a an the are is was were be been being have has had do does did will would can could should may might must "
    "in at of on for from to by with into over under since during this that these those there their its as and or "
    "than per each every who which what when where why how"
)
# A population is counted in people, as "people" is: "the migrant population" is how many migrants there are.
PLURAL_WITHOUT_S = word_set("people children men women police staff personnel cattle sheep deer population")
# Counted people: "3,000 people" answers "how many migrants", "514 people" does not answer "how many networks".
PEOPLE = word_set("people persons individuals men women children adults")
# The words for people in general: "3,000 people" counts migrants (a group the text calls people), not children
# or women, which are some of those people; "2,500 migrants" counts people, not children.
ANYONE = word_set("people persons individuals population")
HUMAN = PEOPLE | word_set(
    "migrants immigrants emigrants refugees seekers asylum-seekers residents inhabitants citizens civilians workers "
    "employees staff personnel soldiers troops officers police policemen students pupils passengers tourists "
    "visitors protesters demonstrators voters victims patients prisoners detainees members fans survivors "
    "casualties dead injured wounded families smugglers traffickers"
)


# What can happen to the people or things a count counts. "arresting 514 people" counts arrests and "at least 10
# people have been killed" deaths: neither answers "how many migrants are in Calais", and "2,500 migrants in Calais"
# does not answer "how many people have died" (the issue names a count of arrests as a wrong kind).
EVENTS = {
    "death": r"di(?:e|es|ed)|dying|dead|deaths?|kill(?:s|ed|ing)?|drown(?:s|ed|ing)?|perish(?:es|ed|ing)?"
    r"|fatalit(?:y|ies)|lost their lives",
    "injury": r"injur(?:y|ies|ed|ing)|wound(?:s|ed|ing)?|hurt",
    "arrest": r"arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detention|apprehend(?:s|ed|ing)?|custody|jailed|convicted",
    "removal": r"deport(?:s|ed|ing|ations?)?|expel(?:s|led|ling)?",
    "rescue": r"rescu(?:e|es|ed|ing)",
}
EVENT = {name: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for name, words in EVENTS.items()}
# A figure per night, day or week counts something that happens, not how many there are: "2 000 people were
# attempting to get through every night" is not how many migrants are in Calais, and is how many try each night.
RATE = re.compile(
    r"\b(?:every|each|per|a) (?:night|day|week|month|hour)\b|\b(?:every|each|per) year\b|\ba year\b(?! ago)"
    r"|\b(?:nightly|daily|weekly|monthly|yearly|annually)\b",
    re.IGNORECASE,
)


def events(text: str) -> frozenset[str]:
    """The EVENTS that text speaks of."""
    return frozenset(name for name, pattern in EVENT.items() if pattern.search(text))


@dataclass(frozen=True)
class Wanted:
    """The kind of value a question asks for; for a count the head noun of what is counted ("networks") and the
    EVENTS it is about ("death" for "how many people have died")."""

    kind: str
    unit: str | None = None
    events: frozenset[str] = frozenset()
    rate: bool = False  # how many per night, day, week (RATE)
    topic: frozenset[str] = frozenset()  # the question's other words, stemmed (topic_words): what the value is of


SENTENCE_BREAK = re.compile(r"([\w'’]+)[.!?]+\s+(?=[A-Z])")
QUESTION_SENTENCE = re.compile(r"\?\s*$|\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)


def asking_sentence(question: str) -> str:
    """The sentence of a question that asks, when others give its context ("There's been a lot of coverage of
    people trying to get through the tunnel every night. Roughly how many migrants are in Calais?" asks how many
    migrants there are, not how many try each night): the last one with a question word or mark. A full stop
    after a short word ("St.", "U.S.", "Rev.", "No.") ends no sentence."""
    starts = [0] + [m.end() for m in SENTENCE_BREAK.finditer(question) if len(m.group(1)) > 3]
    sentences = [question[a:b] for a, b in zip(starts, [*starts[1:], len(question)], strict=True)]
    asking = [s for s in sentences if QUESTION_SENTENCE.search(s)]
    return asking[-1].strip() if len(sentences) > 1 and asking else question


@lru_cache(maxsize=1024)  # asked of one question by each stage of its answer
def wanted(question: str) -> Wanted:
    """COUNT/MONEY/DATE as the question-kind model says (qa.question_kind), else OTHER (no constraint); for a count,
    the counted noun the model finds ("migrant" of "migrant numbers" is counted as "migrants")."""
    from qa.question_kind import model

    question = asking_sentence(question)
    kind = model().kind(question, OTHER)
    if kind in (DATE, MONEY):
        return Wanted(kind, topic=topic_words(question))
    if kind != COUNT:
        return Wanted(OTHER)
    noun = model().counted_noun(question)
    return counting(question, plural(noun) if noun else None, noun)


def counting(question: str, unit: str | None, asked: str | None) -> Wanted:
    """A count of `unit`, with the question's events, rate and topic (less the word `asked` for what is counted)."""
    return Wanted(COUNT, unit, events(question), bool(RATE.search(question)), topic_words(question, asked))


# The words of a question's form, not of what it is about.
ASKING = word_set(
    "many much number numbers count total amount sum size large big date day year month money estimated roughly about"
    " populous numerous estimate estimates figure figures tally"
)


def topic_words(question: str, unit: str | None = None) -> frozenset[str]:
    """The stems of the question's words other than stop words, the words that ask (ASKING), the counted unit and
    the nouns for people (who is counted, not where or when: "the migrant population" is not about migrants at the
    EU's borders): "How many migrants does Calais currently host?" -> calai, currently, host."""
    words = [POSSESSIVE.sub("", w) for w in re.findall(r"[^\W\d_][\w'’-]*", question.lower())]
    skip = STOP | ASKING | ({unit} if unit else set())
    return frozenset({stem(w) for w in words if w not in skip and len(w) > 2} - HUMAN_STEMS)


def plural(noun: str) -> str:
    """The plural a count names its unit by ("migrant" -> "migrants", "family" -> "families")."""
    if noun in PLURAL_WITHOUT_S or noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"


POSSESSIVE = re.compile(r"['’]s$")  # "Britain's" is about Britain


def stem(word: str) -> str:
    word = POSSESSIVE.sub("", word.lower()).strip("'’\"-")
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)]
    return word


HUMAN_STEMS = frozenset(map(stem, HUMAN))


# Nouns that news reports use for the same counted thing (stems): "refugees" and "asylum seekers" for the migrants
# of a camp, "gangs" and "rings" for smuggling networks.
SAME_THING = tuple(
    frozenset(map(stem, words.split())) for words in ("migrants immigrants refugees seekers", "networks gangs rings")
)


def same_noun(a: str, b: str) -> bool:
    """ "migrants" ~ "immigrants" ~ "migrant" ~ "refugees" (SAME_THING); "networks" is not "people", nor is
    "people-smuggling" (a compound is its last part)."""
    x, y = stem(a.rsplit("-", 1)[-1]), stem(b.rsplit("-", 1)[-1])
    if any(x in group and y in group for group in SAME_THING):
        return True
    return len(min(x, y, key=len)) >= 3 and (x in y or y in x)


SCALE = word_set("hundred thousand million billion trillion bn m")


def unit_after(text: str, end: int) -> list[str]:
    """Up to four words after a number at text[end:], to the first preposition, verb-like stop word or
    punctuation: what the number counts ("19 human trafficking networks operating" -> human, trafficking,
    networks, operating)."""
    words: list[str] = []
    for m in re.finditer(r"[^\W\d][\w'’-]*|[^\w\s]", text[end : end + 80]):
        token = m.group(0)
        if not token[0].isalpha() or token.lower() in STOP or len(words) == 4:
            break
        if not words and token.lower() in SCALE:  # "2.5 million people": the number is "2.5 million"
            continue
        words.append(token.lower())
    return words


def counts_unit(text: str, number_end: int, unit: str | None, *, named: bool = False) -> bool:
    """Whether the number ending at number_end counts `unit`: yes when one of the words that follow is the unit,
    when "people" counts a human unit ("3,000 people" for "how many migrants"), when a human noun counts "people"
    ("2,500 migrants" for "how many people": migrants are people), and unless `named` (a noun must say what is
    counted) also when no noun follows (no_noun). The bridge is between people in general (ANYONE) and a human
    noun: "3,000 people" is not how many children. A count whose question names nothing counted ("What is the
    population of Calais?") names its kind by a human noun ("3,000 people", "2,300 migrants")."""
    after = unit_after(text, number_end)
    if unit is None:
        return not named or bool(HUMAN & set(after))
    if any(same_noun(word, unit) for word in after):
        return True
    words = set(after)
    human = (unit in HUMAN - PEOPLE and bool(ANYONE & words)) or (unit in ANYONE and bool(HUMAN & words))
    if named:
        return human
    return not after or human or no_noun(after)


def no_noun(after: list[str]) -> bool:
    """Whether the words after a number are only a participle, perhaps after an adverb ("the number of migrants
    ... with nearly 21,000 landing on the Greek islands", "500,000 initially predicted"): the noun is left out, and
    what is counted is what the sentence is about, as when no word follows. A participle before a noun ("3,000
    trained officers") is not."""
    words = after[1:] if len(after) == 2 and after[0].endswith("ly") else after
    return len(words) == 1 and words[0].endswith(("ing", "ed")) and len(words[0]) > 4


SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n\s*\n")


def rest_of_sentence(text: str, end: int) -> str:
    return SENTENCE_END.split(text[end : end + 200])[0]


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (SENTENCE_END) that holds text[start:end]."""
    return SENTENCE_END.split(text[max(0, start - 300) : start])[-1] + text[start:end] + rest_of_sentence(text, end)


def near(text: str, start: int, end: int, before: int = 5, after: int = 6) -> str:
    """The words around the number at text[start:end] within its sentence: `before` words before it, the number,
    `after` words after it (what a count is said to count, and what happened to it)."""
    head = SENTENCE_END.split(text[max(0, start - 60) : start])[-1].split()
    tail = rest_of_sentence(text, end).split()
    return " ".join([*head[len(head) - before :], text[start:end], *tail[:after]])


def counts(want: Wanted, text: str, start: int, end: int, *, named: bool = False) -> bool:
    """Whether the number at text[start:end] counts what the question asks about: its unit (counts_unit) and its
    events. A count near an event the question is not about counts that event ("arresting 514 people"); a question
    about an event takes only a count near it ("at least 10 people have been killed" for "how many died"). A count
    per night or day (RATE, in the rest of its sentence) answers only a question that asks for one."""
    if not counts_unit(text, end, want.unit, named=named):
        return False
    if bool(RATE.search(rest_of_sentence(text, end))) != want.rate:
        return False
    happened = events(near(text, start, end))
    return bool(happened & want.events) if want.events else not happened


def figures(span: str) -> list[re.Match[str]]:
    """The numbers in span that are not years (what a count is made of), positions relative to span."""
    return [m for m in NUMBER.finditer(span) if not YEAR.fullmatch(m.group(0))]


def cuts_a_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends inside a number of the text ("2" or "500" of "2,500")."""
    lo = max(0, start - 24)
    for m in NUMBER.finditer(text, lo, min(len(text), end + 24)):
        if m.start() < start < m.end() or m.start() < end < m.end():
            return True
    return False


def fits(want: Wanted, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] (a span in its passage's text) is a value of the wanted kind."""
    span = text[start:end]
    if want.kind == OTHER:
        return True
    if want.kind == DATE:
        return bool(date_words(text, start, end))
    if cuts_a_number(text, start, end):  # "2" read from "2,500" is no figure at all
        return False
    if want.kind == MONEY:
        if not NUMERAL.search(span) or CONVERSION.search(text[max(0, start - 40) : start]):
            return False
        if CURRENCY.search(text[max(0, start - 4) : end + 10]):
            return True
        # "the fund of 15 million, financed by ...": a bare million or billion with nothing counted after it.
        large = re.search(r"\b(?:million|billion|bn)\b", span, re.IGNORECASE)
        return large is not None and not unit_after(text, start + large.end())
    # COUNT: a number that is not a share, a sum of money or a year, counting the thing asked about.
    if PERCENT_SIGN.search(text[start : end + 9]) or CURRENCY.search(text[max(0, start - 4) : end + 10]):
        return False
    if numbers := figures(span):
        return any(counts(want, text, start + m.start(), start + m.end()) for m in numbers)
    word = re.search(rf"\b(?:{NUMBER_WORDS})\b", span, re.IGNORECASE)
    return word is not None and counts(want, text, start + word.start(), start + word.end())


def names(want: Wanted, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] fits and its form names the kind outright: a count followed by the counted noun
    itself or, for people, by a human noun ("3000 migrants" or "3,000 people" for migrants; not a bare "3,000"), a
    sum with its currency sign or word, a date with its month or weekday. Such a span needs less of the reader's
    confidence to be shown as a report (Settings.min_named_report_score)."""
    if want.kind == OTHER or not fits(want, text, start, end):
        return False
    if want.kind == DATE:
        return any(NAMED_DATE.fullmatch(m.group(0)) for m in date_words(text, start, end))
    if want.kind == MONEY:
        return bool(CURRENCY.search(text[max(0, start - 4) : end + 10]))
    return any(counts(want, text, start + m.start(), start + m.end(), named=True) for m in figures(text[start:end]))


# What a sentence says of a sum when it is money paid, given, spent or owed ("Britain's government has pledged £12
# million", "the joint intervention fund of 15 million, financed by the United Kingdom"); "£36 may not seem like much
# in the UK" says nothing of the kind, so it is no article's report of what someone pays (transacted).
MONEY_WORDS = re.compile(
    r"\b(?:pledg\w*|provid\w*|fund\w*|financ\w*|pa(?:y|ys|id|ying|yments?)|spen(?:d|ds|t|ding)|costs?|costing"
    r"|budget\w*|grant\w*|aid|donat\w*|contribut\w*|invest\w*|allocat\w*|commit\w*|promis\w*|offer\w*"
    r"|earmark\w*|award\w*|transfer\w*|loan\w*|lend\w*|lent|rais(?:e|es|ed|ing)|gi(?:ve|ves|ven|ving)|gave"
    r"|receiv\w*|benefits?|allowances?|salar\w*|wages?|prices?|fees?|fines?|worth|sums?|amounts?|money|cash"
    r"|subsid\w*|compensat\w*|revenues?|profits?|sales?|sold|bought|buy\w*|earn\w*|tax\w*|bill\w*|owe[sd]?)\b",
    re.IGNORECASE,
)


def transacted(text: str, start: int, end: int) -> bool:
    """Whether the sentence around text[start:end] says what its sum is paid, given or spent for (MONEY_WORDS)."""
    return bool(MONEY_WORDS.search(sentence_around(text, start, end)))


def on_topic(want: Wanted, text: str) -> bool:
    """Whether a value of the wanted kind in text is in a sentence with one of the question's topic words: "Some
    3,000 people ... are camped in Calais" for "How many migrants does Calais currently host?", not "107,500
    migrants at the European Union's borders"."""
    if not want.topic:
        return False
    return any(
        passage_has(want, sentence, named=True) and want.topic & stems(sentence)
        for sentence in SENTENCE_END.split(text)
    )


def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in re.findall(r"[\w'’-]+", text))


def passage_has(want: Wanted, text: str, *, named: bool = False) -> bool:
    """Whether the text holds any value of the wanted kind (what reading-set choice looks for); with `named`, a
    count must say what it counts ("3000 migrants", "3,000 people"; not a bare "3,000", nor "514 people" arrested)."""
    if want.kind == OTHER:
        return True
    if want.kind == DATE:
        return bool(date_words(text))
    if named and want.kind == COUNT:
        return any(counts(want, text, m.start(), m.end(), named=True) for m in figures(text))
    return any(fits(want, text, m.start(), figure_end(text, m.end())) for m in NUMBER.finditer(text))


def figure_end(text: str, end: int) -> int:
    """The end of a figure whose number ends at `end`: past a following "million"/"billion" ("15 million")."""
    m = re.match(r"\s*(?:million|billion|bn)\b", text[end:], re.IGNORECASE)
    return end + m.end() if m else end


# Words that make a figure approximate: they belong to the figure ("up to 2,300", "the estimated 5,000").
QUALIFIER = re.compile(
    r"\b(?:some|around|about|approximately|roughly|nearly|almost|over|more than|fewer than|less than|up to|"
    r"at least|at most|as many as|estimated|an estimated)\s+$",
    re.IGNORECASE,
)


# A sum as written: its currency sign before it or its currency word after it, or a bare "15 million" (fits() then
# judges whether it is money); what value_bounds narrows a sum's span to.
SUM = re.compile(
    rf"(?:\b[A-Z]{{1,2}})?{CURRENCY_SIGNS}\s?\d[\d,.]*(?<![,.])(?:\s*(?:million|billion|trillion|bn|m)\b)?"
    r"|\b\d[\d,.]*(?<![,.])(?:\s*(?:million|billion|trillion|bn))?\s*"
    rf"(?i:{CURRENCY_WORDS})\b"
    r"|\b\d[\d,.]*(?<![,.])\s*(?:million|billion|trillion|bn)\b"
)
SUM_START = re.compile(rf"\d|(?:[A-Z]{{1,2}})?{CURRENCY_SIGNS}")


def value_bounds(want: Wanted, text: str, start: int, end: int) -> tuple[int, int]:
    """The span narrowed to the figure the question asks for, with the words that make it approximate.

    "19 human trafficking networks operating in the area, arresting 514" for a count of networks is "19";
    "2,300" read from "up to 2,300 migrants" is shown as "up to 2,300"; a sum is its first SUM that fits ("£12
    million" read as "£12 million (S$24.6 million) over three years to boost security"). Other kinds are left as
    read.
    """
    if want.kind not in (COUNT, MONEY):
        return start, end
    span = text[start:end]
    numbers = figures(span)
    if want.kind == COUNT and len(numbers) > 1:
        fitting = [m for m in numbers if counts(want, text, start + m.start(), start + m.end())]
        if fitting:
            start, end = start + fitting[0].start(), start + fitting[0].end()
    if want.kind == MONEY:  # "£12 million" read as "£12 million (S$24.6 million) over three years to boost ..."
        sums = (m for m in SUM.finditer(text, start, end) if fits(want, text, m.start(), m.end()))
        if first := next(sums, None):
            start, end = first.span()
    if SUM_START.match(text, start) and (q := QUALIFIER.search(text[max(0, start - 16) : start])):
        start -= len(q.group(0))
    # A bracket the span opens but does not close is cut off: "10 million euros ($11.2 million" is "10 million euros".
    opened = text.find("(", start, end)
    if opened > start and text.find(")", opened, end) < 0 and text[start:opened].strip():
        end = start + len(text[start:opened].rstrip())
    return start, end
