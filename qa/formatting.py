"""Answers and passages as text for people: markdown for the chat, plain text for the terminal."""

from __future__ import annotations

import html
import re

from qa.selection import span_date
from qa.types import Answer, Passage, Span

SNIPPET_CHARS = 320
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!$])")


def confidence_words(score: float) -> str:
    """A confidence people can read: 'high (87%)'."""
    label = "high" if score >= 0.7 else "medium" if score >= 0.4 else "low"
    return f"{label} ({score:.0%})"


def escape(text: str, markdown: bool) -> str:
    """Article text is data, never markup: HTML-escape it and neutralise markdown syntax."""
    if not markdown:
        return text
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def snippet(passage: Passage, highlight: tuple[int, int] | None, markdown: bool) -> str:
    """The passage (cut around the answer if long), whitespace collapsed, the answer in bold."""
    text = passage.text
    lo, hi = 0, len(text)
    if highlight and len(text) > SNIPPET_CHARS:
        centre = (highlight[0] + highlight[1]) // 2
        lo = max(0, min(centre - SNIPPET_CHARS // 2, len(text) - SNIPPET_CHARS))
        hi = min(len(text), max(lo + SNIPPET_CHARS, highlight[1]))
        lo = min(lo, highlight[0])
    elif len(text) > SNIPPET_CHARS:
        hi = SNIPPET_CHARS

    def part(a: int, b: int) -> str:
        return escape(re.sub(r"\s+", " ", text[a:b]), markdown)

    mark = "**" if markdown else "«"
    close = "**" if markdown else "»"
    if highlight:
        s, e = highlight
        body = f"{part(lo, s)}{mark}{part(s, e).strip()}{close}{part(e, hi)}".strip()
    else:
        body = part(lo, hi).strip()
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def describe(passage: Passage, markdown: bool) -> str:
    """'Title — Outlet, date · file' for a citation line."""
    facts = escape(", ".join(x for x in (passage.outlet, passage.date) if x), markdown)
    title = escape(passage.title, markdown)
    title = f"*{title}*" if markdown else title
    where = escape(passage.article_id, markdown)  # no code span: a file name is text, and escapes show inside one
    return f"{title} — {facts + ' · ' if facts else ''}{where} (chars {passage.start}–{passage.end})"


def citation_number(answer: Answer, span: Span) -> int:
    for n, source in enumerate(answer.sources, 1):
        if source.chunk.id == span.passage.chunk.id:
            return n
    return 0


def format_answer(answer: Answer, *, markdown: bool = True) -> str:
    """The answer, its confidence, disagreeing sources (newest first) and numbered sources."""
    lines: list[str] = []
    if answer.span is None:
        lines.append("I could not find an answer to that in the articles. The closest passages are below.")
    else:
        text = escape(answer.text or "", markdown)
        n = citation_number(answer, answer.span)
        lines.append(f"{'**' + text + '**' if markdown else text} [{n}] — confidence {confidence_words(answer.score)}")
    if answer.alternatives and answer.span is not None:
        lines += ["", "Sources disagree:" if not markdown else "**Sources disagree:**"]
        for span in sorted([answer.span, *answer.alternatives], key=span_date, reverse=True):
            facts = escape(", ".join(x for x in (span.passage.outlet, span.passage.date or "undated") if x), markdown)
            value = escape(" ".join(span.text.split()), markdown)
            lines.append(f"- {value} — {facts} [{citation_number(answer, span)}] ({confidence_words(span.score)})")
    lines += ["", "**Sources**" if markdown else "Sources"]
    for n, passage in enumerate(answer.sources, 1):
        spans = [s for s in (answer.span, *answer.alternatives) if s and s.passage.chunk.id == passage.chunk.id]
        highlight = (spans[0].start, spans[0].end) if spans else None
        lines.append(f"{n}. {describe(passage, markdown)}")
        lines.append(f"   > {snippet(passage, highlight, markdown)}")
    return "\n".join(lines)


def format_passages(passages: list[Passage], *, markdown: bool = False) -> str:
    """Rank, score, title and snippet of each retrieved passage."""
    rows = []
    for n, passage in enumerate(passages, 1):
        rows.append(f"{n}. [{passage.score:.3f}] {describe(passage, markdown)}")
        rows.append(f"   {snippet(passage, None, markdown)}")
    return "\n".join(rows)
