"""Who may change the corpus (qa.access): loopback, logins from the environment, the refusal off loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.access import ExposureError, check_exposure, credentials, is_loopback, parse_credentials


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("news.example.org", False),
    ],
)
def test_only_loopback_addresses_are_trusted(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_logins_come_from_qa_auth_or_a_file(tmp_path: Path) -> None:
    assert credentials({}) == []
    assert credentials({"QA_AUTH": "editor:s3cret:with:colons, desk:pw2"}) == [
        ("editor", "s3cret:with:colons"),
        ("desk", "pw2"),
    ]
    file = tmp_path / "logins"
    file.write_text("# the newsroom\neditor:from-file\n\n", encoding="utf-8")
    assert credentials({"QA_AUTH_FILE": str(file), "QA_AUTH": "ignored:x"}) == [("editor", "from-file")]


@pytest.mark.parametrize("value", ["editor", "editor:", ":pw", "  ,  "])
def test_a_bad_login_entry_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(ValueError, match="QA_AUTH") as err:
        credentials({"QA_AUTH": value})
    secret = value.strip(" ,")
    assert not secret or secret not in str(err.value)


def test_an_unreadable_login_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"QA_AUTH_FILE=.*cannot be read"):
        credentials({"QA_AUTH_FILE": str(tmp_path / "missing")})


def test_parse_credentials_counts_entries_not_lines() -> None:
    with pytest.raises(ValueError, match="entry 2"):
        parse_credentials("a:1\n# note\nbroken", "QA_AUTH_FILE")


def test_off_loopback_writes_need_a_login_or_read_only() -> None:
    check_exposure("127.0.0.1", [], read_only=False)  # local: trusted as before
    check_exposure("0.0.0.0", [("editor", "pw")], read_only=False)
    check_exposure("0.0.0.0", [], read_only=True)
    with pytest.raises(ExposureError, match=r"QA_AUTH=user:password.*--read-only"):
        check_exposure("0.0.0.0", [], read_only=False)
