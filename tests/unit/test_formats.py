"""Article files of every format (qa.formats, qa.corpus.read_article): text, metadata, pages, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.build import keep_texts
from qa.chunking import chunk_article
from qa.corpus import article_paths, read_article
from qa.formats import convert, page_at
from tests.documents import WEB_PAGE, make_pdf

PDF = make_pdf(
    [["Port report", "The harbour master of Ostend is Pieter Claes."], ["The quay reopens in May, he said."]],
    title="Ostend port report",
)


def test_a_saved_web_page_gives_its_article_text_and_metadata() -> None:
    a = read_article("strike.html", WEB_PAGE)
    assert (a.format, a.title, a.outlet, a.date, a.byline) == (
        "html",
        "Dover ferry strike ends",
        "Channel Gazette",
        "2015-09-04",
        "Ann Writer",
    )
    assert "Okonkwo-Baptiste" in a.text
    for chrome in ("Home", "Sport", "Weather", "Cookie policy", "Subscribe"):
        assert chrome not in a.text, chrome  # navigation and footer are not article text


def test_a_pdf_gives_each_pages_text_and_the_page_of_every_chunk() -> None:
    a = read_article("report.pdf", PDF)
    assert (a.format, a.title) == ("pdf", "Ostend port report")
    assert a.text.startswith("Port report The harbour master of Ostend is Pieter Claes.\n\nThe quay reopens")
    assert a.pages == (0, a.text.index("The quay"))
    chunks = chunk_article(a, chunk_words=6, overlap_words=1)
    assert chunks[0].page == 1 and chunks[-1].page == 2
    assert all(a.text[c.start : c.end] == c.text for c in chunks)  # offsets are into the extracted text
    assert page_at(a.pages, a.text.index("May")) == 2 and page_at((), 5) is None


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("scan.pdf", make_pdf([[]]), "no text layer"),
        ("broken.pdf", b"%PDF-1.4\n" + bytes(300), "not a readable PDF|no text layer"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + bytes(100), "not a PDF"),
        ("empty.html", b"", "empty"),
        ("script.html", b"<script>alert(1)</script>", "not a web page"),
        ("thin.html", b"<html><body><nav>Home News</nav><p>Hi</p></body></html>", "no article text"),
        ("binary.html", b"\x00\x01<html>" + bytes(50), "not a web page"),
        ("latin1.md", "Un caf\u00e9".encode("latin-1"), "not UTF-8"),
        ("sheet.csv", b"a,b\n1,2\n", "not an article format"),
    ],
)
def test_files_that_are_no_article_say_why(name: str, data: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        convert(name, data)


def test_the_corpus_lists_every_file_but_its_readme_and_hidden_ones(tmp_path: Path) -> None:
    """Files in other formats are listed too, for the build to skip them saying why (test_corpus)."""
    for name, data in [("a.txt", b"x"), ("b.md", b"x"), ("c.html", b"x"), ("d.htm", b"x"), ("e.pdf", b"x")]:
        (tmp_path / name).write_bytes(data)
    for name in ("README.md", ".hidden.txt", "notes.docx", "f.PDF"):
        (tmp_path / name).write_bytes(b"x")
    names = [p.name for p in article_paths(tmp_path)]
    assert names == ["a.txt", "b.md", "c.html", "d.htm", "e.pdf", "f.PDF", "notes.docx"]


def test_converted_texts_are_kept_beside_the_index_and_pruned(tmp_path: Path) -> None:
    pdf, page, plain = read_article("r.pdf", PDF), read_article("s.html", WEB_PAGE), read_article("t.txt", b"Hello.")
    keep_texts(tmp_path, [pdf, page, plain])
    texts = tmp_path / "texts"
    assert sorted(p.name for p in texts.iterdir()) == ["r.pdf.txt", "s.html.txt"]  # a .txt is its own text
    assert (texts / "r.pdf.txt").read_text(encoding="utf-8") == pdf.text
    keep_texts(tmp_path, [plain])
    assert list(texts.iterdir()) == []


def test_a_pdfs_paragraphs_come_from_its_layout_and_its_dateline_gives_outlet_and_date() -> None:
    """The text layer's vertical gaps end paragraphs (lines within one are joined); a first line "Outlet, date" is
    the outlet and the date, and the headline under it the title."""
    raw = make_pdf(
        [
            [
                "Lakeview Courier, 2 October 2026",
                "",
                "Town council approves new bridge",
                "",
                "The council voted 7-2 on Tuesday to approve",
                "a new bridge over the river.",
                "",
                "Construction starts in spring, the mayor said.",
            ]
        ]
    )
    article = read_article("bridge.pdf", raw)
    assert (article.title, article.outlet, article.date) == (
        "Town council approves new bridge",
        "Lakeview Courier",
        "2026-10-02",
    )
    paragraphs = article.text.strip().split("\n\n")
    assert paragraphs[2] == "The council voted 7-2 on Tuesday to approve a new bridge over the river."
    assert len(paragraphs) == 4


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lakeview Courier, October 2, 2026", ("Lakeview Courier", "2026-10-02")),
        ("The council met, 2 October 2026", ("The council met", "2026-10-02")),
        ("Council approves the bridge", (None, None)),
        ("Lakeview Courier, Smarch 2, 2026", (None, None)),
    ],
)
def test_a_dateline_is_an_outlet_and_a_written_date(line: str, expected: tuple[str | None, str | None]) -> None:
    from qa.formats import dateline

    assert dateline(line) == expected
