"""Retrieval on BEIR SciFact (test qrels): nDCG@10 and recall@100 of dense, BM25 and their fusion.

    python -m benchmarks.scifact [--data ../shared/data/public/beir-scifact] [--cache /tmp/scifact.npy]
        [--backend torch|onnx-int8]

Data nobody here wrote: it checks that the hybrid retriever beats both of its parts. Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from qa.embedding import EMBED_BACKENDS
from qa.lexical import LexicalIndex
from qa.loading import load_encoder
from qa.retriever import fuse
from qa.types import Chunk


def ndcg_at_10(ranked: list[str], relevant: dict[str, int]) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/public/beir-scifact"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/scifact-minilm.npy"), help="vectors (per backend!)")
    parser.add_argument("--backend", choices=EMBED_BACKENDS, default="torch")
    args = parser.parse_args()
    docs = [json.loads(line) for line in (args.data / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (args.data / "queries.jsonl").read_text().splitlines())}
    qrels: dict[str, dict[str, int]] = {}
    for line in (args.data / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        qid, did, rel = line.split("\t")
        qrels.setdefault(qid, {})[did] = int(rel)
    chunks = [Chunk(d["_id"], d["_id"], d["title"], d["text"], 0, len(d["text"])) for d in docs]
    encoder = load_encoder("all-MiniLM-L6-v2", args.backend)
    began = time.perf_counter()
    if args.cache.is_file():
        vectors = np.load(args.cache)
    else:
        vectors = encoder.encode_passages([f"{c.title}\n{c.text}" for c in chunks])
        np.save(args.cache, vectors)
    print(f"{len(chunks)} documents embedded in {time.perf_counter() - began:.1f}s")
    lexical = LexicalIndex(chunks)
    ids = [c.id for c in chunks]
    qids = sorted(qrels)
    qvecs = encoder.encode_queries([queries[q] for q in qids])
    runs: dict[str, list[list[int]]] = {"dense": [], "bm25": []}
    for qv, qid in zip(qvecs, qids, strict=True):
        runs["dense"].append(list(np.argsort(-(vectors @ qv))[:100]))
        runs["bm25"].append([row for row, _ in lexical.search(queries[qid], 100)])
    variants = {"dense": runs["dense"], "bm25": runs["bm25"]}
    for rrf_k in (10, 60):
        for weight in (1.0, 2.0):
            variants[f"rrf k={rrf_k} w_bm25={weight}"] = [
                [row for row, _ in fuse([d, s], 100, rrf_k=rrf_k, weights=(1.0, weight))]
                for d, s in zip(runs["dense"], runs["bm25"], strict=True)
            ]
    print(f"{'retriever':<24} nDCG@10  recall@100   ({len(qids)} test queries)")
    for name, rankings in variants.items():
        ndcg = np.mean([ndcg_at_10([ids[r] for r in rk], qrels[q]) for rk, q in zip(rankings, qids, strict=True)])
        recall = np.mean(
            [len({ids[r] for r in rk} & set(qrels[q])) / len(qrels[q]) for rk, q in zip(rankings, qids, strict=True)]
        )
        print(f"{name:<24} {ndcg:.4f}   {recall:.4f}")


if __name__ == "__main__":
    main()
