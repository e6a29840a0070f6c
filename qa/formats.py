"""Article files as text: .txt and .md as they are, saved web pages and PDFs converted.

Every offset the product gives is into an article's text. For .txt and .md that is the file itself; for .html,
.htm and .pdf it is the text extracted here, which the build keeps beside the index as texts/<file>.txt (see
embeddings/README.md) so that a citation can be checked character by character. A file that cannot be used (a PDF
without a text layer, a web page with no article text, a binary under a text name) raises ValueError saying why.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
CONVERTED = (".html", ".htm", ".pdf")
MIN_TEXT_CHARS = 40  # less extracted text than this is no article (an empty page, a scan, a cookie wall)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Converted:
    """An article file's text and what the format itself says about it (None where it says nothing)."""

    text: str
    format: str  # "txt", "md", "html" or "pdf"
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    byline: str | None = None
    pages: tuple[int, ...] = field(default=())  # PDF: the offset in text where each page starts


def suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def convert(name: str, raw: bytes) -> Converted:
    """The article text of a file by its suffix; ValueError("<name>: why") when it is not usable."""
    from qa.corpus import decode_article

    kind = suffix(name)
    if kind in (".txt", ".md"):
        return Converted(decode_article(raw, name), kind[1:])
    if kind in (".html", ".htm"):
        return from_html(name, raw)
    if kind == ".pdf":
        return from_pdf(name, raw)
    raise ValueError(f"{name}: not an article format ({', '.join(SUFFIXES)})")


def from_html(name: str, raw: bytes) -> Converted:
    """The main text of a saved web page (trafilatura: no navigation, comments or footer) and its metadata."""
    import trafilatura

    if not raw.strip():
        raise ValueError(f"{name}: empty file")
    if b"\x00" in raw[:4096] or not re.search(rb"<\s*(?:html|body|p|div|article|head)\b", raw[:200_000], re.I):
        raise ValueError(f"{name}: not a web page (no HTML markup)")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        raise ValueError(f"{name}: no article text found in the web page")
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    date = getattr(doc, "date", None)
    return Converted(
        "\n\n".join(paragraphs) + "\n",
        "html",
        title=getattr(doc, "title", None) or None,
        outlet=getattr(doc, "sitename", None) or None,
        date=date if isinstance(date, str) and ISO_DATE.match(date) else None,
        byline=getattr(doc, "author", None) or None,
    )


def from_pdf(name: str, raw: bytes) -> Converted:
    """The text layer of each page (pypdf), pages separated by a blank line; the document's own title and author."""
    import pypdf

    if not raw.startswith(b"%PDF"):
        raise ValueError(f"{name}: not a PDF (it does not start with %PDF)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise ValueError(f"{name}: the PDF is encrypted; save an unlocked copy")
        texts = [page_text(page) for page in reader.pages]
        info = reader.metadata
    except ValueError:
        raise
    except Exception as err:  # pypdf raises many kinds for damaged files
        raise ValueError(f"{name}: not a readable PDF ({type(err).__name__})") from err
    if sum(len(t) for t in texts) < MIN_TEXT_CHARS:
        raise ValueError(f"{name}: the PDF has no text layer (a scan?); run OCR on it first")
    pages, parts, at = [], [], 0
    for t in texts:
        pages.append(at)
        parts.append(t)
        at += len(t) + 2
    title = str(info.title).strip() if info and info.title else None
    author = str(info.author).strip() if info and info.author else None
    first, *rest = parts[0].split("\n\n")
    outlet, date = dateline(first)
    if outlet and not title and rest and len(rest[0]) <= 150 and not rest[0].endswith((".", ",", ":")):
        title = rest[0]  # the headline under the dateline
    text = "\n\n".join(parts) + "\n"
    return Converted(
        text, "pdf", title=title or None, outlet=outlet, date=date, byline=author or None, pages=tuple(pages)
    )


def page_text(page: Any) -> str:
    """A PDF page's text in reading order, its paragraphs separated by blank lines and each paragraph's lines
    joined: the paragraphs are where the page's layout (pypdf's layout mode) leaves a vertical gap after a line.
    Where the two extractions do not line up (columns side by side), the page is one paragraph."""
    lines = [ln.strip() for ln in (page.extract_text() or "").split("\n") if ln.strip()]
    laid = [ln.strip() for ln in (page.extract_text(extraction_mode="layout") or "").split("\n")]
    ends = {laid[i] for i in range(len(laid) - 1) if laid[i] and not laid[i + 1]}
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        paragraphs[-1].append(line)
        if line in ends:
            paragraphs.append([])
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


# "Lakeview Courier, 2 October 2026" or "Lakeview Courier, October 2, 2026" as a PDF's first paragraph
DATELINE = re.compile(r"^([^,\n]{2,60}),\s*(\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2},? \d{4})\s*$")


def dateline(first: str) -> tuple[str | None, str | None]:
    """(outlet, ISO date) of a first paragraph that is a dateline, else (None, None)."""
    from qa.dates import iso_date

    m = DATELINE.match(first.strip())
    if not m:
        return None, None
    words = m.group(2).replace(",", "").split()
    day, month, year = (words[0], words[1], words[2]) if words[0].isdigit() else (words[1], words[0], words[2])
    date = iso_date(day, month, year)
    return (m.group(1).strip(), date) if date else (None, None)


def page_at(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page that holds the character at offset (None without pages)."""
    if not pages:
        return None
    return sum(1 for start in pages if start <= offset) or 1
