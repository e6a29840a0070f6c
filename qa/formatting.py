"""Answers and passages as text for people: markdown for the chat, plain text for the terminal."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from qa.text import headline
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

    return marked(text, lo, hi, highlight, markdown)


def marked(text: str, lo: int, hi: int, highlight: tuple[int, int] | None, markdown: bool) -> str:
    """text[lo:hi], whitespace collapsed and escaped, text[highlight] in bold (« » for the terminal), with "…"
    where it was cut."""

    def part(a: int, b: int) -> str:
        return escape(re.sub(r"\s+", " ", text[a:b]), markdown)

    mark, close = ("**", "**") if markdown else ("«", "»")
    if highlight:
        s, e = highlight
        body = f"{part(lo, s)}{mark}{part(s, e).strip()}{close}{part(e, hi)}".strip()
    else:
        body = part(lo, hi).strip()
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def describe(passage: Passage, markdown: bool, at: int | None = None) -> str:
    """'Title — Outlet, date · file (page, chars)' for a citation line; the page is that of article offset `at`
    (the cited span) when given, else where the passage starts."""
    facts = escape(", ".join(x for x in (passage.outlet, passage.shown_date) if x), markdown)
    title = escape(headline(passage.title), markdown)
    title = f"*{title}*" if markdown else title
    where = escape(passage.article_id, markdown)  # no code span: a file name is text, and escapes show inside one
    number = passage.chunk.page_at(passage.start if at is None else at)
    page = f"page {number}, " if number else ""
    return f"{title} — {facts + ' · ' if facts else ''}{where} ({page}chars {passage.start}–{passage.end})"


def citation_number(answer: Answer, span: Span) -> int:
    for n, source in enumerate(answer.sources, 1):
        if source.chunk.id == span.passage.chunk.id:
            return n
    return 0


def report_line(answer: Answer, span: Span, markdown: bool, *, value: bool = True) -> str:
    """One article's report: its value (unless the block's value is the answer's), whose it is (outlet and date as
    the text gives them, and the title; the title alone where there is no outlet), its citation and, for another
    article than the answer's (already quoted above), the words around it."""
    shown = escape(" ".join(span.text.split()), markdown)
    shown = (f"**{shown}**" if markdown else shown) + " — " if value else ""
    title = escape(headline(span.title), markdown)
    title = f"*{title}*" if markdown else f"“{title}”"
    date = escape(span.date or "undated", markdown)
    whose = f"{escape(span.outlet, markdown)}, {date}: {title}" if span.outlet else f"{title}, {date}"
    own = answer.span or answer.guess  # quoted above already
    same = own is not None and (own.passage.chunk.id, own.start, own.end) == (
        span.passage.chunk.id,
        span.start,
        span.end,
    )
    quote = "" if same else " " + words_around(span, markdown)
    return f"- {shown}{whose} [{citation_number(answer, span)}]{quote}"


def whole_words(text: str, lo: int, hi: int) -> tuple[int, int]:
    """lo moved forward to the start of a word and hi back to the end of one, unless at the text's ends."""
    if lo > 0 and not text[lo - 1].isspace():
        nxt = re.search(r"\s", text[lo:])
        lo = lo + nxt.end() if nxt and lo + nxt.end() < hi else lo
    if hi < len(text) and not text[hi].isspace():
        prev = max(text.rfind(" ", lo, hi), text.rfind("\n", lo, hi))
        hi = prev if prev > lo else hi
    return lo, hi


def words_around(span: Span, markdown: bool, chars: int = 70) -> str:
    """The value in its sentence, cut to about `chars` characters either side, at word boundaries."""
    text = span.passage.text
    lo, hi = max(0, span.start - chars), min(len(text), span.end + chars)
    lo, hi = min(whole_words(text, lo, span.start)[0], span.start), max(whole_words(text, span.end, hi)[1], span.end)
    return f"“{marked(text, lo, hi, (span.start, span.end), markdown)}”"


def bold(text: str, markdown: bool) -> str:
    return f"**{text}**" if markdown else text


def report_lines(answer: Answer, markdown: bool) -> list[str]:
    """ "Reports differ" (the answer's article first, then the others newest first) or "N other articles agree";
    after a weak guess, the reports of the kind asked for, none compared with it (Answer.unconfirmed)."""
    if answer.unconfirmed:
        n = len(answer.alternatives)
        if n == 1:
            head = bold("What 1 article reports (not confirmed: it is not a confident answer):", markdown)
        else:
            head = bold(f"What {n} articles report (not confirmed: none is a confident answer):", markdown)
        return ["", head, *(report_line(answer, s, markdown) for s in answer.alternatives)]
    chosen = answer.span or answer.guess
    if chosen is None or not (answer.alternatives or answer.agreeing):
        return []
    if answer.alternatives:
        n = 1 + len(answer.alternatives) + len(answer.agreeing)
        spans = [chosen, *answer.agreeing, *answer.alternatives]
        return [
            "",
            bold(f"Reports differ ({n} articles):", markdown),
            *(report_line(answer, s, markdown) for s in spans),
        ]
    others = len(answer.agreeing)  # the answer's own article is cited in its line above
    head = bold(f"{others} other article{'s' if others > 1 else ''} agree{'s' if others == 1 else ''}:", markdown)
    return ["", head, *(report_line(answer, s, markdown, value=False) for s in answer.agreeing)]


def source_words(span: Span, markdown: bool) -> str:
    """Whose the span is, in a few words: its outlet (else its title) and date ("Reuters, 2015-08-03")."""
    who = span.outlet or span.title
    return escape(", ".join(x for x in (who, span.date) if x), markdown)


NOT_FOUND = "I could not find anything about that in the articles."


def lead_lines(answer: Answer, markdown: bool) -> list[str]:
    """The reply's first lines: the answer, a best guess labelled as one, or "not found" (qa.decision)."""
    quote = "> " if markdown else "  "
    if answer.span is not None:
        n = citation_number(answer, answer.span)
        text = escape(answer.text or "", markdown)
        source = f"{source_words(answer.span, markdown)} [{n}]"
        head = f"{bold(text, markdown)} — {source} — confidence {confidence_words(answer.score)}"
        return [head, f"{quote}{words_around(answer.span, markdown)}"]
    if answer.guess is not None:
        g = answer.guess
        label = "Best guess, not confirmed" if markdown else "BEST GUESS, not confirmed"
        text = escape(" ".join(g.text.split()), markdown)
        label = f"_{label}_" if markdown else label
        head = (
            f"{label} (confidence {confidence_words(answer.score)}): {bold(text, markdown)} — "
            f"{source_words(g, markdown)} [{citation_number(answer, g)}]"
        )
        return [
            "I found no confident answer in the articles. This is the reader's best guess; check it in its source.",
            "",
            head,
            f"{quote}{words_around(g, markdown)}",
        ]
    return [f"{NOT_FOUND} The closest passages are below."]


def format_answer(answer: Answer, *, markdown: bool = True) -> str:
    """Answer first: the answer (or a labelled best guess, or "not found"), its source and confidence, then the
    answer in its sentence, then every other article's report (qa.selection.reports), then the numbered sources
    (collapsed in the chat, so that the answer and the reports stay in view)."""
    lines = lead_lines(answer, markdown)
    lines += report_lines(answer, markdown)
    if answer.asked is not None:  # a mistyped word was read as the articles' word (qa.spelling)
        lines += ["", f"{'_' if markdown else ''}Read as: {escape(answer.question, markdown)}{'_' if markdown else ''}"]
    sources = []
    for n, passage in enumerate(answer.sources, 1):
        reports = (answer.span or answer.guess, *answer.agreeing, *answer.alternatives)
        spans = [s for s in reports if s and s.passage.chunk.id == passage.chunk.id]
        highlight = (spans[0].start, spans[0].end) if spans else None
        line = f"{n}. {describe(passage, markdown, spans[0].article_start if spans else None)}"
        if markdown:  # the chat: open the whole article there, the span marked
            where = (spans[0].article_start, spans[0].article_end) if spans else None
            line += f" [open the article]({article_link(passage, where)})"
        sources.append(line)
        sources.append(f"   > {snippet(passage, highlight, markdown)}")
    if markdown:  # a <details> block: Gradio's chat renders it closed, with "Sources (n)" to open it
        lines += ["", f"<details><summary><strong>Sources</strong> ({len(answer.sources)})</summary>", "", *sources]
        lines += ["", "</details>"]
    else:
        lines += ["", "Sources", *sources]
    return "\n".join(lines)


def format_passages(passages: list[Passage], *, markdown: bool = False) -> str:
    """Rank, score, title and snippet of each retrieved passage."""
    rows = []
    for n, passage in enumerate(passages, 1):
        rows.append(f"{n}. [{passage.score:.3f}] {describe(passage, markdown)}")
        rows.append(f"   {snippet(passage, None, markdown)}")
    return "\n".join(rows)


PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")  # a blank line (and what whitespace follows) ends a paragraph
ARTICLE_STYLE = (  # the article scrolls in its own box, so that its header stays in view above any marked span
    ".qa-article{height:calc(100vh - 200px);min-height:320px;overflow-y:auto;"
    "padding:0 max(1rem,calc((100% - 72ch) / 2)) 40vh;font-size:1.06rem;line-height:1.65}"
    ".qa-article header{position:sticky;top:0;z-index:1;padding:.6rem 0 .5rem;"
    "background:var(--background-fill-primary,#fff);border-bottom:1px solid var(--border-color-primary,#ddd)}"
    ".qa-article h2{margin:0 0 .2rem;font-size:1.45rem;line-height:1.3}.qa-article header p{margin:0;opacity:.8}"
    ".qa-article mark{scroll-margin-top:8rem;padding:0 .1em}"
)


def paragraphs(text: str, start: int) -> list[tuple[int, int]]:
    """[start, end) of each paragraph of text from `start` on: parts between blank lines, outer whitespace left out."""
    out = []
    lo = start
    for m in [*PARAGRAPH.finditer(text, start), None]:
        hi = m.start() if m else len(text)
        a, b = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip()), lo + len(text[lo:hi].rstrip())
        if b > a:
            out.append((a, b))
        lo = m.end() if m else len(text)
    return out


def marks(span: tuple[int, int] | None, a: int, b: int) -> bool:
    """Whether a non-empty span marks some of text[a:b]."""
    return span is not None and span[0] < span[1] and span[0] < b and span[1] > a


def paragraph_html(text: str, a: int, b: int, span: tuple[int, int] | None, first_mark: bool) -> str:
    """One paragraph, its hard line breaks shown as spaces (one character each: offsets are unchanged), the part of
    [span) inside it marked; the first mark is the one scrolled to (id "hl")."""

    def flow(x: int, y: int) -> str:
        return html.escape(text[x:y].replace("\n", " "))

    if span is None or not marks(span, a, b):
        return f"<p>{flow(a, b)}</p>"
    s, e = max(a, span[0]), min(b, span[1])
    mark = '<mark id="hl">' if first_mark else "<mark>"
    return f"<p>{flow(a, s)}{mark}{flow(s, e)}</mark>{flow(e, b)}</p>"


def past_header(text: str, begin: int, facts: Mapping[str, Any]) -> int:
    """begin moved past lines that only repeat what the header shows: the title line, the outlet's name, a
    dateline ("Lakeview Courier, 2 October 2026")."""
    title, outlet = (" ".join(str(facts.get(k) or "").split()).lower() for k in ("title", "outlet"))
    while begin < len(text):
        end = text.find("\n", begin)
        end = len(text) if end < 0 else end
        line = " ".join(text[begin:end].split()).lower()
        dateline = bool(outlet) and line.startswith(outlet) and len(line) <= len(outlet) + 30
        if not line or not (line in (title, outlet) or dateline):
            break
        begin = end + 1
        while begin < len(text) and text[begin].isspace():
            begin += 1
    return begin


def article_html(facts: Mapping[str, Any], text: str, span: tuple[int, int] | None) -> str:
    """A whole article for reading: its title, outlet, date and file in a header that stays in view, then its
    text from where the article proper starts (facts["start"]: the metadata lines above it are in the header),
    paragraph by paragraph, reflowed to a readable measure, with text[start:end] marked (the first mark has id
    "hl" and is scrolled to below the header). Everything from the article is escaped."""
    head = " · ".join(html.escape(str(x)) for x in (facts.get("outlet"), facts.get("date"), facts.get("id")) if x)
    if span is not None:
        start, end = max(0, min(span[0], len(text))), max(0, min(span[1], len(text)))
        span = (start, max(start, end))
    begin = past_header(text, max(0, min(int(facts.get("start") or 0), len(text))), facts)
    if span is not None and span[0] < begin:  # a span above the article proper: show from it
        begin = span[0]
    body, marked = [], False
    for a, b in paragraphs(text, begin):
        body.append(paragraph_html(text, a, b, span, not marked))
        marked = marked or marks(span, a, b)
    return (
        f"<style>{ARTICLE_STYLE}</style><article class='qa-article'><header>"
        f"<h2>{html.escape(str(facts.get('title') or ''))}</h2><p><em>{head}</em></p></header>{''.join(body)}</article>"
    )


def article_link(passage: Passage, span: tuple[int, int] | None) -> str:
    """The page's own link to the article view of a passage's article, at the cited span (or the passage)."""
    from urllib.parse import urlencode

    start, end = span if span else (passage.start, passage.end)
    return "?" + urlencode({"article": passage.article_id, "start": start, "end": end})
