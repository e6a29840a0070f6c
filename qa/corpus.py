"""Articles from seeds/*.txt: decoding checks, metadata parsing, and content hashes for staleness."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from qa.formats import SUFFIXES, convert, suffix
from qa.types import Article

logger = logging.getLogger(__name__)

MAX_ARTICLE_BYTES = 5_000_000
READ_MORE = re.compile(r"^\s*Read more\s*$", re.IGNORECASE)
CHROME = re.compile(
    r"^\s*(Don't miss|Back to top|Live updates|This website is best viewed.*|Share this.*)\s*$",
    re.IGNORECASE,
)
REUTERS_DATELINE = re.compile(
    r"^\s*date (\d{4}-\d{2}-\d{2})\s+([A-Z][A-Z .'-]*?)\s+(?:[A-Z][a-z]{2,8}\.? \d{1,2}\s+)?(?=\S)"
)
SCRAPE_LABEL = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s+")
ISO_LABEL = re.compile(r"^\s*(?:Latest update|Date created|Published|Updated)\s*:\s*(\d{4}-\d{2}-\d{2})", re.M)
WEEKDAY_DATE = re.compile(
    r"\(((?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} (?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)(?: \d{4})?)\)"
)
REPORTING_BY = re.compile(r"\(Reporting by ([^;)]+)")
SECTION_LABEL = re.compile(r"^\s*france 24\b", re.IGNORECASE)
PUBLISHERS = ("Home Office",)


class CorpusError(ValueError):
    """A seeds folder that cannot be used at all (missing, or no readable article)."""


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # without the newline
    text: str


def split_lines(text: str) -> list[Line]:
    """Lines with their character offsets into text."""
    return [
        Line(m.start(), m.start() + len(m.group(1)), m.group(1))
        for m in re.finditer(r"([^\n]*)\n?", text)
        if m.start() < len(text)
    ]


def decode_article(raw: bytes, name: str) -> str:
    """UTF-8 text of a file, or ValueError saying why it is not an article."""
    if not raw.strip():
        raise ValueError(f"{name}: empty file")
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ValueError(f"{name}: {len(raw):,} bytes is larger than the {MAX_ARTICLE_BYTES:,}-byte limit")
    if b"\x00" in raw:
        raise ValueError(f"{name}: binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{name}: not UTF-8 text (byte {err.start}); re-save it as UTF-8") from err
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ValueError(f"{name}: looks binary ({controls} control characters)")
    return text


def parse_article(article_id: str, text: str) -> Article:
    """Find title, outlet, date, byline and the indexable regions (page navigation left out)."""
    lines = split_lines(text)
    content = [ln for ln in lines if ln.text.strip()]
    nav = {i for i, ln in enumerate(content[:-1]) if READ_MORE.match(content[i + 1].text)}
    skip = {i for i, ln in enumerate(content) if READ_MORE.match(ln.text) or CHROME.match(ln.text)}
    outlet, date, date_text, byline = detect_metadata(text)
    first = 0
    while first < len(content) and (first in nav or first in skip or SECTION_LABEL.match(content[first].text)):
        first += 1
    leading = set(range(first))  # navigation before the article proper is never indexed
    if first < len(content) and content[first].text.strip() in PUBLISHERS:
        outlet = outlet or content[first].text.strip()
    keep = [ln for i, ln in enumerate(content) if i not in leading and i not in skip]
    regions = without_scrape_label(text, merge_regions(text, keep))
    title = find_title(text, content[first:] if first < len(content) else [], outlet)
    return Article(article_id, title, text, regions, outlet, date, date_text, byline)


def detect_metadata(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(outlet, ISO date, date as written, byline) from the shapes our sources use."""
    outlet = date = date_text = byline = None
    if m := REUTERS_DATELINE.match(text):
        date, date_text = m.group(1), m.group(1)
    if m := REPORTING_BY.search(text):
        outlet, byline = "Reuters", m.group(1).strip()
    if m := ISO_LABEL.search(text):
        date = date or m.group(1)
        date_text = date_text or m.group(1)
    if re.search(r"^\s*Text by FRANCE 24|^\s*france 24\b", text, re.IGNORECASE | re.M):
        outlet = "FRANCE 24"
    elif re.search(r"\bITV News\b", text):
        outlet = "ITV News"
    if date_text is None and (m := WEEKDAY_DATE.search(text)):
        date_text = m.group(1)
        date = date or written_date(date_text)
    return outlet, date, date_text, byline


def written_date(text: str) -> str | None:
    """ISO yyyy-mm-dd of a date written with its year ("Thursday 2 July 2015"); None without a year: "Thursday 2
    July" fits 2015, 2009 and 2020, and a year is never guessed."""
    from qa.dates import iso_date

    m = re.search(r"\b(\d{1,2}) ([A-Za-z]+) (\d{4})\b", text)
    return iso_date(m.group(1), m.group(2), m.group(3)) if m else None


TITLE_CHARS = 300  # a lead sentence longer than this (a run-on, a list) is cut at a word, with "…"


def find_title(text: str, content: list[Line], outlet: str | None) -> str:
    """The first short headline-like line, else the lead sentence, whole."""
    for ln in content[:2]:
        line = ln.text.strip()
        if line in PUBLISHERS:
            continue
        if 3 <= len(line) <= 150 and not line.endswith((".", ",", ":")) and not REUTERS_DATELINE.match(line):
            return line
        break
    lead = text[content[0].start :] if content else text
    lead = REUTERS_DATELINE.sub("", lead, count=1)
    if outlet and lead.lstrip().startswith(outlet):
        lead = lead.lstrip()[len(outlet) :]
    sentence = re.split(r"(?<=[.!?])\s", " ".join(lead.split()), maxsplit=1)[0]
    if len(sentence) <= TITLE_CHARS:
        return sentence
    return sentence[: sentence.rfind(" ", 0, TITLE_CHARS)].rstrip(",;:") + "…"


def without_scrape_label(text: str, regions: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """The regions without the scraper's "date 2015-08-03" label before a Reuters dateline: it is metadata (the
    article's date), not story text, and shown as passage text it reads as page chrome. "PARIS Aug 3" stays."""
    m = SCRAPE_LABEL.match(text)
    if not m or not regions or regions[0][0] > m.end():
        return regions
    return ((max(regions[0][0], m.end()), regions[0][1]), *regions[1:])


def merge_regions(text: str, keep: list[Line]) -> tuple[tuple[int, int], ...]:
    """Join kept lines separated only by whitespace into contiguous regions."""
    regions: list[list[int]] = []
    for ln in keep:
        start = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        end = ln.start + len(ln.text.rstrip())
        if regions and not text[regions[-1][1] : start].strip():
            regions[-1][1] = end
        else:
            regions.append([start, end])
    return tuple((a, b) for a, b in regions)


def article_paths(seeds_dir: Path) -> list[Path]:
    """Every file in the folder that may be an article, sorted so builds are deterministic: not hidden, and not a
    README (which describes the folder). A file in no article format (.txt, .md, .html, .htm, .pdf) is listed
    too, so that the build skips it saying why instead of ignoring it without a word."""
    if not seeds_dir.is_dir():
        raise CorpusError(f"seeds folder {seeds_dir} does not exist")
    return sorted(
        p
        for p in seeds_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.lower().startswith("readme.")
    )


def read_article(article_id: str, raw: bytes) -> Article:
    """An article from a file's bytes, converted by its format (qa.formats); ValueError saying why it is not one."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ValueError(f"{article_id}: {len(raw):,} bytes is larger than the {MAX_ARTICLE_BYTES:,}-byte limit")
    converted = convert(article_id, raw)
    article = parse_article(article_id, converted.text)
    if converted.format in ("txt", "md"):
        return replace(article, format=converted.format)
    # A converted page's own metadata (trafilatura, the PDF's info) beats what the text's shapes suggest.
    return replace(
        article,
        title=converted.title or article.title,
        outlet=converted.outlet or article.outlet,
        date=converted.date or article.date,
        date_text=converted.date or article.date_text,
        byline=converted.byline or article.byline,
        format=converted.format,
        pages=converted.pages,
    )


def load_articles(seeds_dir: Path) -> tuple[list[Article], dict[str, str]]:
    """(articles, skipped): unreadable files are skipped with a warning naming them, never indexed."""
    articles: list[Article] = []
    skipped: dict[str, str] = {}
    for path in article_paths(seeds_dir):
        if suffix(path.name) not in SUFFIXES:  # never read: it may be large, and its bytes cannot matter
            skipped[path.name] = f"not an article format ({', '.join(SUFFIXES)})"
            continue
        try:
            articles.append(read_article(path.name, path.read_bytes()))
        except ValueError as err:
            skipped[path.name] = str(err).removeprefix(f"{path.name}: ")
            logger.info("skipped %s", err)  # the build's report says so once (qa.loading.ensure_index_with_progress)
    return articles, skipped


def corpus_hashes(seeds_dir: Path) -> dict[str, str]:
    """sha256 of every article file's bytes, by file name: what the manifest compares for staleness (a file in no
    article format by its size alone: it is skipped whatever it holds)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        if suffix(p.name) in SUFFIXES
        else f"not an article: {p.stat().st_size} bytes"
        for p in article_paths(seeds_dir)
    }
