"""Answers and passages as text for people: markdown for the chat, plain text for the terminal."""

from __future__ import annotations

import html
import re

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
    facts = escape(", ".join(x for x in (passage.outlet, passage.shown_date) if x), markdown)
    title = escape(passage.title, markdown)
    title = f"*{title}*" if markdown else title
    where = escape(passage.article_id, markdown)  # no code span: a file name is text, and escapes show inside one
    return f"{title} — {facts + ' · ' if facts else ''}{where} (chars {passage.start}–{passage.end})"


def citation_number(answer: Answer, span: Span) -> int:
    for n, source in enumerate(answer.sources, 1):
        if source.chunk.id == span.passage.chunk.id:
            return n
    return 0


def report_line(answer: Answer, span: Span, markdown: bool) -> str:
    """One article's report: its value, outlet, date (as the text gives it), title, citation and the words around
    the value."""
    value = escape(" ".join(span.text.split()), markdown)
    value = f"**{value}**" if markdown else value
    facts = escape(", ".join(x for x in (span.outlet, span.date or "undated") if x), markdown)
    title = escape(span.title, markdown)
    title = f"*{title}*" if markdown else f"“{title}”"
    return f"- {value} — {facts}: {title} [{citation_number(answer, span)}] {words_around(span, markdown)}"


def words_around(span: Span, markdown: bool, chars: int = 70) -> str:
    """The value in its sentence, cut to about `chars` characters either side."""
    text = span.passage.text
    lo, hi = max(0, span.start - chars), min(len(text), span.end + chars)

    def part(a: int, b: int) -> str:
        return escape(re.sub(r"\s+", " ", text[a:b]), markdown)

    mark, close = ("**", "**") if markdown else ("«", "»")
    body = f"{part(lo, span.start)}{mark}{part(span.start, span.end).strip()}{close}{part(span.end, hi)}".strip()
    return f"“{'…' if lo else ''}{body}{'…' if hi < len(text) else ''}”"


def report_lines(answer: Answer, markdown: bool) -> list[str]:
    """ "Reports differ" (the answer's article first, then the others newest first) or "N articles agree"."""
    if answer.span is None or not (answer.alternatives or answer.agreeing):
        return []
    bold = (lambda t: f"**{t}**") if markdown else (lambda t: t)
    if answer.alternatives:
        n = 1 + len(answer.alternatives) + len(answer.agreeing)
        head = [bold(f"Reports differ ({n} articles):")]
        spans = [answer.span, *answer.agreeing, *answer.alternatives]
    else:
        head = [bold(f"{1 + len(answer.agreeing)} articles agree:")]
        spans = [answer.span, *answer.agreeing]
    return ["", *head, *(report_line(answer, s, markdown) for s in spans)]


def format_answer(answer: Answer, *, markdown: bool = True) -> str:
    """The answer, its confidence, every other article's report (qa.selection.reports) and numbered sources."""
    lines: list[str] = []
    if answer.span is None:
        lines.append("I could not find an answer to that in the articles. The closest passages are below.")
    else:
        text = escape(answer.text or "", markdown)
        n = citation_number(answer, answer.span)
        lines.append(f"{'**' + text + '**' if markdown else text} [{n}] — confidence {confidence_words(answer.score)}")
    lines += report_lines(answer, markdown)
    lines += ["", "**Sources**" if markdown else "Sources"]
    for n, passage in enumerate(answer.sources, 1):
        reports = (answer.span, *answer.agreeing, *answer.alternatives)
        spans = [s for s in reports if s and s.passage.chunk.id == passage.chunk.id]
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
