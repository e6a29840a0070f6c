"""`python -m qa bench`: cold start, per-stage question latency, reader cost per window, build throughput.

Prints a table and a JSON line. A benchmark, not a test: its figures go into the README and notes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.evaluation.metrics import percentile
from qa.hardware import SPEED_FLAGS, cpu_flags

QUESTIONS = [
    "Who is France's interior minister?",
    "How many migrants are in Calais?",
    "Who reported the Reuters story from Paris?",
    "What did the Home Office say on 2 July?",
    "Who is the mayor of Calais?",
    "How much will Britain provide over two years?",
    "Which party does David Hanson belong to?",
    "What did Cazeneuve ask his British counterpart for?",
]
COLD_START = (
    "import time, sys; t = time.perf_counter(); from dataclasses import replace; from pathlib import Path; "
    "from qa import QA, Settings; qa = QA.load(replace(Settings.from_env(), index_dir=Path(sys.argv[1]))); "
    "qa.answer('Who is the mayor of Calais?'); print(time.perf_counter() - t)"
)
BUILD = """
import resource, sys, time
from pathlib import Path
from qa.build import build_index
from qa.config import Settings
from qa.loading import encoder as load_encoder
began = time.perf_counter()
encoder = load_encoder(Settings.from_env())
encode, spent = encoder.encode_passages, [0.0]
def timed_encode(texts):
    t = time.perf_counter()
    out = encode(texts)
    spent[0] += time.perf_counter() - t
    return out
encoder.encode_passages = timed_encode
m = build_index(Path(sys.argv[1]), Path(sys.argv[2]), encoder=encoder, incremental=False)
usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(m.counts["chunks"], time.perf_counter() - began, spent[0], usage)
"""


def run_python(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    value = fn(*args)
    return value, 1000 * (time.perf_counter() - began)


def stage_latencies(settings: Settings, questions: list[str], k: int) -> dict[str, dict[str, float]]:
    """p50/p95 milliseconds of each stage of qa.answer, measured by calling the stages one by one.

    retrieve + read + assemble + confirm (agreeing articles' passages read once the answer is known) = total;
    embed, dense and bm25 are the parts of one retrieval pass, timed apart (a question that names an article's date
    or outlet runs a second pass, inside retrieve, as does one with a word respelt: QA.read_as).
    """
    from qa.pipeline import QA

    qa = QA.load(settings)
    r = qa.retriever
    qa.answer(questions[0], k)  # warm-up
    names = ("embed", "dense", "bm25", "retrieve", "read", "assemble", "confirm", "total")
    times: dict[str, list[float]] = {s: [] for s in names}
    for q in questions * 3:
        vector, ms = timed(r.embed, q)
        times["embed"].append(ms)
        times["dense"].append(timed(r.store.dense, vector, r.candidates)[1])
        if r.hybrid:
            times["bm25"].append(timed(r.sparse, q, r.candidates)[1])
        (read, passages), ms_retrieve = timed(qa.read_as, q, (), k)  # with the typo reading (qa.spelling)
        spans, ms_read = timed(qa.step.read, read, passages)
        answer, ms_assemble = timed(qa.step.choose, read, passages, spans)
        _, ms_confirm = timed(qa.step.confirm, read, passages, spans, answer)
        stages = (("retrieve", ms_retrieve), ("read", ms_read), ("assemble", ms_assemble), ("confirm", ms_confirm))
        for stage, ms in stages:
            times[stage].append(ms)
        times["total"].append(ms_retrieve + ms_read + ms_assemble + ms_confirm)
    return {s: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95)} for s, v in times.items() if v}


def reader_window_cost(settings: Settings) -> dict[str, Any]:
    """Milliseconds for one full 384-token window, and for five ~200-token passages in one batch."""
    from qa.loading import reader as load_reader

    reader = load_reader(settings)
    long_text = "The mayor of Calais said the port was busy. " * 60
    passage = "The mayor of Calais said the port was busy and the ferries ran late. " * 11
    question = "Who is the mayor of Calais?"
    reader.read_texts(["Who is the mayor?"], [long_text[:1800]])
    one = [timed(reader.read_texts, [question], [long_text[:1800]])[1] for _ in range(10)]
    five = [timed(reader.read_texts, [question] * 5, [passage] * 5)[1] for _ in range(10)]
    tokens = sum(len(ids) for ids in reader.encode([question], [long_text[:1800]])["input_ids"])
    return {
        "ms_per_384_window": percentile(one, 0.5),
        "ms_per_5_passages": percentile(five, 0.5),
        "tokens_per_s": 1000 * tokens / max(percentile(one, 0.5), 1e-9),  # timed() gives milliseconds
        "path": reader.description,
    }


def build_figures(seeds: Path, out: Path) -> dict[str, float]:
    """A full build in a fresh process: chunks/s end to end (imports and model load included) and while
    embedding alone, and the process's peak RSS."""
    chunks, seconds, embedding, rss = run_python(BUILD, str(seeds), str(out)).split()
    return {
        "chunks": int(chunks),
        "chunks_per_s": int(chunks) / float(seconds),
        "embed_chunks_per_s": int(chunks) / max(float(embedding), 1e-9),
        "peak_rss_mb": int(rss) / 1024,
    }


def run_bench(args: argparse.Namespace, settings: Settings) -> int:
    from qa.loading import ensure_index

    ensure_index(settings)
    result: dict[str, Any] = {"cold_start_s": float(run_python(COLD_START, str(settings.index_dir)))}
    with tempfile.TemporaryDirectory() as tmp:
        result["build_seeds"] = build_figures(settings.seeds_dir, Path(tmp) / "seeds")
        if args.corpus:
            result["build_corpus"] = {"path": str(args.corpus), **build_figures(Path(args.corpus), Path(tmp) / "big")}
    result["stages_ms"] = stage_latencies(replace(settings), QUESTIONS, args.k)
    result["reader"] = reader_window_cost(settings)
    result["cpu_flags"] = sorted(cpu_flags() & SPEED_FLAGS)
    print(f"CPU flags: {' '.join(result['cpu_flags']) or 'none of ' + ' '.join(sorted(SPEED_FLAGS))}")
    print(f"cold start (import + load + first answer): {result['cold_start_s']:.2f} s")
    for key in ("build_seeds", "build_corpus"):
        if key in result:
            b = result[key]
            rate = f"{b['chunks_per_s']:.1f} chunks/s end to end ({b['embed_chunks_per_s']:.1f} while embedding)"
            print(f"build {key[6:]}: {b['chunks']} chunks, {rate}, peak RSS {b['peak_rss_mb']:.0f} MB")
    print(f"{'stage':<10} {'p50 ms':>8} {'p95 ms':>8}")
    for stage, v in result["stages_ms"].items():
        print(f"{stage:<10} {v['p50']:>8.1f} {v['p95']:>8.1f}")
    print(
        f"reader: {result['reader']['ms_per_384_window']:.1f} ms per 384-token window, "
        f"{result['reader']['ms_per_5_passages']:.1f} ms per question with 5 passages, "
        f"{result['reader']['tokens_per_s']:.0f} tokens/s ({result['reader']['path']})"
    )
    print(json.dumps(result))
    return 0
