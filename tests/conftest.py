"""Shared fixtures: fakes for pure-logic tests, the real models for the rest, and a network guard."""

from __future__ import annotations

import os
import re
import socket
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from qa import QA, Settings, build_index
from qa.retriever import Retriever
from qa.stores.faiss import FaissStore
from qa.types import Passage, Span

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


class HashingEncoder:
    """Bag of words hashed into 64 buckets: deterministic, no model, no network."""

    name = "test/hashing-64"
    dim = 64

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class CountingEncoder(HashingEncoder):
    """The hashing encoder, remembering every passage it was asked to embed (what a build embedded)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.seen += list(texts)
        return super().encode_passages(texts)


class FirstSentenceReader:
    """Answers with each passage's first sentence (within its paragraph, as a span never runs across a blank line),
    scored by the passage's retrieval score."""

    def read(self, question: str, passages: Sequence[Passage], per_passage: int) -> list[Span]:
        spans = []
        for passage in passages:
            end = passage.text.find(".") + 1 or len(passage.text)
            start = passage.text.rfind("\n\n", 0, end) + 2 if "\n\n" in passage.text[:end] else 0
            text = passage.text[start:end]
            spans.append(Span(text, start, end, max(0.0, min(1.0, passage.score)), passage))
        return spans


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (CI=true) a test skipped for a missing dependency (../shared, Chromium) fails the run instead: a
    silent skip there would report a behaviour as tested when it was not."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and in_ci():
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every dependency must be present: {report.longrepr}"


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection outside loopback fails loudly (an accidental model download, say)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            raise RuntimeError(f"network access to {address!r} is blocked in tests")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def fake_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fake-embeddings")
    build_index(SEEDS, out, encoder=HashingEncoder(), chunk_words=60, overlap_words=15)
    return out


@pytest.fixture
def fake_qa(fake_index_dir: Path) -> QA:
    return QA(
        Retriever(FaissStore.load(fake_index_dir), HashingEncoder()),
        FirstSentenceReader(),
        Settings(min_answer_score=0.0),
    )


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose index is a fresh real build of seeds/ (the real embedder) in a temp folder."""
    from qa.loading import ensure_index

    settings = Settings(index_dir=tmp_path_factory.mktemp("embeddings"))
    ensure_index(settings)
    return settings


@pytest.fixture(scope="session")
def real_qa(real_settings: Settings) -> QA:
    return QA.load(real_settings)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    yield folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    """`python app.py` running on its own copy of the corpus and index."""

    url: str
    seeds: Path
    index: Path
    log: Path


def start_app(
    seeds: Path,
    index: Path,
    log: Path,
    port_variable: str | None = None,
    *,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    command: Sequence[str] = ("app.py",),
) -> tuple[Any, str]:
    """Start app.py on a free loopback port and wait until it serves its page. The port is chosen before the app
    binds it, so another process may take it in between: then the app exits and we try another port.

    port_variable: hand the port over in this environment variable (e.g. GRADIO_SERVER_PORT) instead of --port;
    args, env: more command-line arguments and environment variables (e.g. --host 0.0.0.0, QA_AUTH);
    command: what to run instead of app.py (e.g. -m qa serve FOLDER)."""
    import subprocess
    import sys
    import time
    import urllib.request

    env = {
        **os.environ,
        "QA_SEEDS_DIR": str(seeds),
        "QA_INDEX_DIR": str(index),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **(env or {}),
    }
    env.pop("QA_PORT", None)
    for _attempt in range(3):
        port = free_port()
        if port_variable:
            env[port_variable] = str(port)
        with log.open("w") as handle:
            proc = subprocess.Popen(
                [sys.executable, *command, *args] + ([] if port_variable else ["--port", str(port)]),
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 180
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as page:  # our page, not whoever took the port
                    if b"News QA" in page.read():
                        return proc, url
            except OSError:
                time.sleep(0.5)
        proc.kill()
        proc.wait()
        if not any(m in log.read_text().lower() for m in ("address already in use", "cannot find empty port")):
            break
    pytest.fail(f"app.py did not start:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live_server(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server per test module (so no module sees another's uploads), as a user starts it."""
    work = tmp_path_factory.mktemp("server")
    seeds, index = work / "seeds", work / "embeddings"
    for src, dst in ((SEEDS, seeds), (real_settings.index_dir, index)):
        dst.mkdir()
        for path in src.iterdir():
            if path.is_file():
                (dst / path.name).write_bytes(path.read_bytes())
    proc, url = start_app(seeds, index, work / "app.log")
    yield LiveServer(url, seeds, index, work / "app.log")
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> str:
    return live_server.url
