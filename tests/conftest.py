"""Shared fixtures: fakes for pure-logic tests, the real models for the rest, and a network guard."""

from __future__ import annotations

import os
import re
import socket
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from qa import QA, Settings, build_index
from qa.index import Index
from qa.retriever import Retriever
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


class FirstSentenceReader:
    """Answers with each passage's first sentence, scored by the passage's retrieval score."""

    def read(self, question: str, passages: Sequence[Passage], per_passage: int) -> list[Span]:
        spans = []
        for passage in passages:
            end = passage.text.find(".") + 1 or len(passage.text)
            spans.append(Span(passage.text[:end], 0, end, max(0.0, min(1.0, passage.score)), passage))
        return spans


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
        Retriever(Index.load(fake_index_dir), HashingEncoder()), FirstSentenceReader(), Settings(min_answer_score=0.0)
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


@pytest.fixture(scope="session")
def server(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python app.py` as a user starts it, on its own copy of the corpus and index, at 127.0.0.1:<free port>."""
    import subprocess
    import sys
    import time

    work = tmp_path_factory.mktemp("server")
    seeds, index = work / "seeds", work / "embeddings"
    for src, dst in ((SEEDS, seeds), (real_settings.index_dir, index)):
        dst.mkdir()
        for path in src.iterdir():
            if path.is_file():
                (dst / path.name).write_bytes(path.read_bytes())
    port = free_port()
    log = work / "app.log"
    env = {**os.environ, "QA_SEEDS_DIR": str(seeds), "QA_INDEX_DIR": str(index), "GRADIO_ANALYTICS_ENABLED": "False"}
    with log.open("w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    if proc.poll() is not None or time.time() >= deadline:
        proc.kill()
        pytest.fail(f"app.py did not start:\n{log.read_text()}")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait(timeout=30)
