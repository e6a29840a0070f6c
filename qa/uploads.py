"""Adding articles from the web page: validate, name safely, refuse duplicates, write atomically."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from qa.corpus import MAX_ARTICLE_BYTES, article_paths, read_article
from qa.formats import SUFFIXES, suffix

MAX_NAME_CHARS = 100


class UploadError(ValueError):
    """An upload that was refused; nothing was written."""


@dataclass(frozen=True)
class Upload:
    name: str
    path: Path


def safe_name(original: str) -> str:
    """A plain file name keeping its article suffix (.txt when it has none of qa.formats.SUFFIXES): no folders, no
    dots in front, only letters, digits, '-', '_' and '.'."""
    base = re.split(r"[\\/]", original.replace("\x00", ""))[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    kind = suffix(base) if suffix(base) in SUFFIXES else ".txt"
    stem = base[: -len(kind)] if base.lower().endswith(kind) else base
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[: MAX_NAME_CHARS - len(kind)]
    if not stem:
        raise UploadError(f"{original!r} is not a usable file name; name the file like 'my-article.txt'")
    return f"{stem}{kind}"


def check_upload(original: str, data: bytes, seeds_dir: Path) -> str:
    """The name the article will have, or UploadError explaining why it is refused."""
    if suffix(original) not in SUFFIXES:
        raise UploadError(f"{original!r}: only {', '.join(SUFFIXES)} articles can be added")
    if len(data) > MAX_ARTICLE_BYTES:
        raise UploadError(f"{original!r} is {len(data):,} bytes; the limit is {MAX_ARTICLE_BYTES:,}")
    name = safe_name(original)
    try:
        read_article(name, data)  # the same conversion and checks as the build: a file it would skip is refused
    except ValueError as err:
        raise UploadError(str(err)) from err
    digest = hashlib.sha256(data).hexdigest()
    for existing in article_paths(seeds_dir):
        if hashlib.sha256(existing.read_bytes()).hexdigest() == digest:
            raise UploadError(f"{original!r} is already in the corpus as {existing.name}")
    if (seeds_dir / name).exists():
        raise UploadError(f"another article is already called {name}; rename the file and upload it again")
    return name


def save_upload(original: str, data: bytes, seeds_dir: Path) -> Upload:
    """Validate and write the article into seeds_dir (only there), via a temporary file and a rename."""
    name = check_upload(original, data, seeds_dir)
    target = seeds_dir / name
    tmp = seeds_dir / f".upload-{secrets.token_hex(6)}.tmp"
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, target)  # fails if the name appeared meanwhile: never overwrites
    except FileExistsError as err:
        raise UploadError(f"another article is already called {name}") from err
    finally:
        tmp.unlink(missing_ok=True)
    return Upload(name, target)
