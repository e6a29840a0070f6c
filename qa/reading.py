"""Which retrieved passages the reader reads: the k best, plus other articles' best evidence.

The k best passages by retrieval often come from one article (three overlapping chunks of the ITV live page for
"How many migrants are in Calais?"), so the other articles' figures are never read and the answer cannot say
that the reports differ. The k best stay, and the answer comes from them alone (Passage.for_reports marks the
others); then each other article that has no passage of the wanted kind among them (qa.kinds: a count naming the
counted noun, a sum, a date; any passage when the question has no kind) adds its best passage that may hold one,
in rank order, up to `budget` passages in all; of an article's passages that may, the best-ranked one where such
a value shares a sentence with a word of the question (qa.kinds.on_topic: FRANCE 24's Calais figure, not its
count of migrants at the EU's borders), else its best-ranked. An article whose passages among the k best name a
value only off the topic adds one on it, if it has one. Reading nine ~200-token passages in one batch costs
about 15-20 ms more than five on two cores; for a question without a kind they are read only when they contain the
answer (AnswerStep.confirm).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from qa.kinds import Wanted, on_topic, passage_has
from qa.types import Passage


def reading_set(ranked: Sequence[Passage], k: int, budget: int, want: Wanted) -> list[Passage]:
    """ranked[:k], then one more passage (for reports) for each further article, as above; at most max(k, budget)
    passages."""
    chosen = list(ranked[:k])
    if budget <= k:
        return chosen
    taken = {p.chunk.id for p in chosen}
    named = {p.article_id for p in chosen if passage_has(want, p.text, named=True)}
    # An article whose passages among the k best name a value of the kind only off the question's topic (FRANCE
    # 24's migrants at the EU's borders, for Calais) still adds one, but only one on the topic (on_topic implies
    # a named value).
    covered = {p.article_id for p in chosen if on_topic(want, p.text)} if want.topic else named
    offered: dict[str, list[Passage]] = {}  # each further article's passages that may hold one, best first
    for p in ranked[k:]:
        if p.article_id not in covered and p.chunk.id not in taken and passage_has(want, p.text):
            offered.setdefault(p.article_id, []).append(p)
    picks = []
    for article, found in offered.items():
        topical = next((p for p in found if on_topic(want, p.text)), None)
        if topical is not None or article not in named:
            picks.append(topical or found[0])
    chosen += [replace(p, for_reports=True) for p in picks[: budget - len(chosen)]]
    return chosen
