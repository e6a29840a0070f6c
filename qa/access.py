"""Who may change the corpus: loopback is trusted; anything else needs credentials or a read-only page.

Uploading articles and rebuilding the index write to the server's disk, so a server that other machines can reach
either asks for a login (Gradio's auth, from QA_AUTH or QA_AUTH_FILE; never from the repository) or serves
without the upload and rebuild controls and endpoints (--read-only). Without either it does not start.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path

READ_ONLY_VALUES = frozenset({"1", "true", "yes", "on"})


class ExposureError(ValueError):
    """A server reachable from other machines that would let anyone write to its corpus."""


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and "localhost" (the name resolves to loopback); anything else, wildcards included, is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def parse_credentials(text: str, source: str) -> list[tuple[str, str]]:
    """user:password pairs, separated by commas or new lines (blank lines and # comments skipped). The message of a
    bad entry names the source and the entry's position, never the password."""
    pairs = []
    entries = [e.strip() for line in text.splitlines() for e in line.split(",")]
    for n, entry in enumerate((e for e in entries if e and not e.startswith("#")), 1):
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError(f"{source}: entry {n} is not user:password")
        pairs.append((user.strip(), password))
    return pairs


def credentials(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Logins from QA_AUTH ("user:password", several separated by commas) or the file named by QA_AUTH_FILE."""
    if env.get("QA_AUTH_FILE"):
        path = Path(env["QA_AUTH_FILE"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise ValueError(f"QA_AUTH_FILE={str(path)!r} cannot be read ({err.strerror})") from err
        pairs = parse_credentials(text, "QA_AUTH_FILE")
    else:
        pairs = parse_credentials(env.get("QA_AUTH", ""), "QA_AUTH")
    if (env.get("QA_AUTH") or env.get("QA_AUTH_FILE")) and not pairs:
        raise ValueError("QA_AUTH/QA_AUTH_FILE holds no user:password entry")
    return pairs


def check_exposure(host: str, logins: list[tuple[str, str]], read_only: bool) -> None:
    """Refuse a write-enabled server without logins on anything but loopback."""
    if is_loopback(host) or logins or read_only:
        return
    raise ExposureError(
        f"serving on {host!r} would let anyone who can reach this port upload articles and rebuild the index. "
        "Set QA_AUTH=user:password (or QA_AUTH_FILE=path, one user:password a line) to require a login, or "
        "start with --read-only (QA_READ_ONLY=1) to serve questions only, or serve on 127.0.0.1"
    )
