"""Corpus parsing of the five seed shapes, bad files, and content hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus import corpus_hashes, decode_article, load_articles, parse_article
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def articles() -> dict[str, object]:
    found, skipped = load_articles(SEEDS)
    assert skipped == {}
    return {a.id: a for a in found}


def test_ids_are_file_names_in_sorted_order() -> None:
    found, _ = load_articles(SEEDS)
    assert [a.id for a in found] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(found) == 5


def test_offsets_index_the_file_text_as_on_disk(articles: dict) -> None:
    for article in articles.values():
        assert article.text == (SEEDS / article.id).read_bytes().decode("utf-8")
        for start, end in article.regions:
            assert 0 <= start < end <= len(article.text)


def test_reuters_dateline_gives_date_outlet_and_byline(articles: dict) -> None:
    a = articles["000_c41d2c88b869987b.txt"]
    assert (a.outlet, a.date, a.byline) == ("Reuters", "2015-08-03", "James Regan")
    assert a.title.startswith("France's interior minister, Bernard Cazeneuve")
    assert "date 2015" not in a.title


def test_france24_navigation_is_not_indexed(articles: dict) -> None:
    a = articles["002_f8273654f7973075.txt"]
    assert (a.outlet, a.date, a.title) == ("FRANCE 24", "2015-08-20", "France and UK sign Calais cooperation agreement")
    indexed = "".join(a.text[s:e] for s, e in a.regions)
    assert "Bolivia's Morales" not in indexed and "Don't miss" not in indexed
    assert "French Interior Minister Bernard Cazeneuve and his British counterpart" in indexed
    assert "EU offers to help France, Britain tackle Calais migrant crisis" in indexed  # related headline kept


def test_itv_live_blog_and_its_chrome(articles: dict) -> None:
    a = articles["003_bd1ad776a86b5c50.txt"]
    assert a.outlet == "ITV News"
    assert a.title == "French minister says UK police should help in Calais"
    indexed = "".join(a.text[s:e] for s, e in a.regions)
    assert "Back to top" not in indexed and "Live updates" not in indexed


def test_home_office_statement(articles: dict) -> None:
    a = articles["004_23b41e1308167223.txt"]
    assert a.outlet == "Home Office"
    assert a.date_text == "Thursday 2 July"
    assert a.date is None  # the text gives no year, so none is made up
    assert a.title.startswith("The Home Secretary visited Paris")


def test_a_date_written_with_its_year_becomes_an_iso_date() -> None:
    from qa.corpus import parse_article

    a = parse_article("x.txt", "Home Office\nThe Home Secretary visited Paris today (Thursday 2 July 2015).\n")
    assert (a.date, a.date_text) == ("2015-07-02", "Thursday 2 July 2015")


def test_plain_article_with_repeated_headline(articles: dict) -> None:
    a = articles["001_faad21c899ddfd9f.txt"]
    assert a.title == "French minister suggests UK officials should be sent to Calais"
    assert "best viewed" not in "".join(a.text[s:e] for s, e in a.regions)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("Caf\u00e9 cr\u00e8me".encode("latin-1"), "not UTF-8"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_bad_files_are_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_article(raw, "bad.txt")


def test_bad_files_are_skipped_each_with_its_reason(seeds_copy: Path) -> None:
    (seeds_copy / "empty.txt").write_bytes(b"")
    (seeds_copy / "latin1.txt").write_bytes("Un caf\u00e9 \u00e0 Calais".encode("latin-1"))
    (seeds_copy / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (seeds_copy / "random.bin").write_bytes(b"\x00\xff" * 100)  # no article format: skipped, not passed over
    found, skipped = load_articles(seeds_copy)
    assert len(found) == 5
    assert set(skipped) == {"empty.txt", "latin1.txt", "blob.txt", "random.bin"}
    assert "not UTF-8" in skipped["latin1.txt"] and skipped["random.bin"].startswith("not an article format (.txt")


def test_non_english_text_and_emoji_parse() -> None:
    a = parse_article("x.txt", "Migrants à Calais 🇫🇷\n\nLe ministre a dit « bonjour ». مرحبا بالعالم.")
    assert a.title == "Migrants à Calais 🇫🇷"
    assert a.text[a.regions[0][0] :].startswith("Migrants")


def test_hashes_change_when_a_file_changes(seeds_copy: Path) -> None:
    before = corpus_hashes(seeds_copy)
    path = seeds_copy / "001_faad21c899ddfd9f.txt"
    path.write_text(path.read_text(encoding="utf-8") + " More.", encoding="utf-8")
    after = corpus_hashes(seeds_copy)
    assert [n for n in before if before[n] != after[n]] == ["001_faad21c899ddfd9f.txt"]


def test_the_scrapers_date_label_is_metadata_not_passage_text(articles: dict) -> None:
    a = articles["000_c41d2c88b869987b.txt"]
    assert a.date == "2015-08-03"
    first = a.text[a.regions[0][0] : a.regions[0][1]]
    assert first.startswith("PARIS Aug 3 France's interior minister") and "date 2015" not in first
