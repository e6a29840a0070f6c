"""Upload validation: names, encodings, sizes, duplicates; refused uploads write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.uploads import UploadError, safe_name, save_upload

GOOD = b"Dover port reopens\n\nThe port of Dover reopened on Monday after a strike."


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("report.txt", "report.txt"),
        ("../../app.py.txt", "app.py.txt"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("..hidden.txt", "hidden.txt"),
        ("Café crème.TXT", "Cafe_creme.txt"),
        ("a b\x00c.txt", "a_bc.txt"),
        ("x" * 300 + ".txt", "x" * 96 + ".txt"),
    ],
)
def test_names_are_sanitised(original: str, expected: str) -> None:
    assert safe_name(original) == expected


@pytest.mark.parametrize("original", ["...txt", "🙂.txt", "/.txt"])
def test_unusable_names_are_refused(original: str) -> None:
    with pytest.raises(UploadError, match="not a usable file name"):
        safe_name(original)


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("../../app.py", GOOD, "only .txt"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n", "empty"),
        ("nul.txt", b"abc\x00def", "binary"),
        ("latin.txt", "Un caf\u00e9".encode("latin-1"), "not UTF-8"),
        ("big.txt", b"a" * 5_000_001, "limit"),
        ("001_faad21c899ddfd9f.txt", GOOD, "already called"),
    ],
)
def test_refused_uploads_change_nothing(seeds_copy: Path, name: str, data: bytes, reason: str) -> None:
    before = listing(seeds_copy)
    with pytest.raises(UploadError, match=reason):
        save_upload(name, data, seeds_copy)
    assert listing(seeds_copy) == before


def test_same_content_under_another_name_is_a_duplicate(seeds_copy: Path) -> None:
    data = (seeds_copy / "000_c41d2c88b869987b.txt").read_bytes()
    with pytest.raises(UploadError, match=r"already in the corpus as 000_c41d2c88b869987b\.txt"):
        save_upload("copy.txt", data, seeds_copy)


def test_good_upload_lands_only_in_the_corpus_folder(seeds_copy: Path) -> None:
    up = save_upload("../../Dover news.txt", GOOD, seeds_copy)
    assert up.path == seeds_copy / "Dover_news.txt"
    assert up.path.read_bytes() == GOOD
    assert sorted(p.name for p in seeds_copy.iterdir() if p.name.startswith(".")) == []
    with pytest.raises(UploadError):
        save_upload("Dover news.txt", GOOD + b" changed", seeds_copy)
