"""The Milvus store against the FAISS + bm25s store on BEIR SciFact (test qrels): nDCG@10 and recall@100 of the
dense, BM25 and fused rankings from each, and how often the fused top 10 are the same documents.

    python -m benchmarks.store_parity [--data ../shared/data/public/beir-scifact] [--backend onnx-int8]
        [--cache /tmp/scifact-onnx-int8.npy] [--work /tmp/store-parity]

Both stores get the same vectors (embedded once) and are searched through qa.stores' interface and fused by
qa.retriever.fuse, as the retriever does; Milvus runs as Milvus Lite in --work. Not run in CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.scifact import ndcg_at_10
from qa.chunking import indexed_text
from qa.embedding import EMBED_BACKENDS
from qa.index import Index, Manifest, vector_id
from qa.lexical import terms
from qa.loading import load_encoder
from qa.retriever import fuse
from qa.stores import Store, parse_store
from qa.stores.faiss import FaissStore
from qa.stores.milvus import MilvusStore, connect
from qa.stores.milvus_build import create_chunks, row
from qa.stores.milvus_manifest import switch_manifest
from qa.types import Chunk


def load(data: Path) -> tuple[list[Chunk], dict[str, str], dict[str, dict[str, int]]]:
    docs = [json.loads(line) for line in (data / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (data / "queries.jsonl").read_text().splitlines())}
    qrels: dict[str, dict[str, int]] = {}
    for line in (data / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        qid, did, rel = line.split("\t")
        qrels.setdefault(qid, {})[did] = int(rel)
    chunks = [Chunk(f"{d['_id']}:0", d["_id"], d["title"], d["text"], 0, len(d["text"])) for d in docs]
    return chunks, queries, qrels


def stores(chunks: list[Chunk], vectors: np.ndarray, name: str, work: Path) -> tuple[Store, Store, float]:
    """The same chunks and vectors as a FAISS store and as a Milvus Lite store; and the Milvus write time."""
    shas = {c.article_id: hashlib.sha256(c.article_id.encode()).hexdigest() for c in chunks}
    vids = [vector_id(c, shas[c.article_id]) for c in chunks]
    manifest = Manifest(name, vectors.shape[1], {}, shas, {}, {}, {"articles": len(chunks), "chunks": len(chunks)})
    faiss = FaissStore(Index.from_vectors(vectors, chunks, manifest, vids))
    shutil.rmtree(work, ignore_errors=True)
    target = parse_store(f"milvus:{work / 'parity.db'}", work)
    client = connect(target)
    began = time.perf_counter()
    create_chunks(client, "newsqa_parity", vectors.shape[1], "FLAT")
    words = terms([indexed_text(c) for c in chunks])
    rows = [row(c, v, shas[c.article_id], w, x) for c, v, w, x in zip(chunks, vids, words, vectors, strict=True)]
    for lo in range(0, len(rows), 1000):
        client.upsert("newsqa_parity", rows[lo : lo + 1000])
    client.flush("newsqa_parity")
    artifacts = {"collection": {"name": "newsqa_parity", "index": "FLAT"}}
    switch_manifest(client, target, replace(manifest, store="milvus", artifacts=artifacts, build_id="parity"))
    return faiss, MilvusStore.open(target), time.perf_counter() - began


def rankings(store: Store, qvecs: np.ndarray, texts: list[str]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {"dense": [], "bm25": [], "fused": []}
    for vector, text in zip(qvecs, texts, strict=True):
        dense = [v for v, _ in store.dense(vector, 100)]
        sparse = [v for v, _ in store.lexical(text, 100)]
        fused = [v for v, _ in fuse([dense, sparse], 100)]
        for key, vids in (("dense", dense), ("bm25", sparse), ("fused", fused)):
            out[key].append([c.article_id for c in store.chunks(vids)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/public/beir-scifact"))
    parser.add_argument("--backend", choices=EMBED_BACKENDS, default="onnx-int8")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/scifact-onnx-int8.npy"), help="vectors (per backend)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/store-parity"))
    args = parser.parse_args()
    chunks, queries, qrels = load(args.data)
    encoder = load_encoder("all-MiniLM-L6-v2", args.backend)
    if args.cache.is_file():
        vectors = np.load(args.cache)
    else:
        vectors = encoder.encode_passages([indexed_text(c) for c in chunks])
        np.save(args.cache, vectors)
    faiss, milvus, seconds = stores(chunks, vectors, encoder.name, args.work)
    print(f"{len(chunks)} SciFact documents; Milvus Lite written in {seconds:.1f} s")
    qids = sorted(qrels)
    qvecs = encoder.encode_queries([queries[q] for q in qids])
    runs = {
        name: rankings(store, qvecs, [queries[q] for q in qids])
        for name, store in (("faiss", faiss), ("milvus", milvus))
    }
    print(f"{'store':<8} {'ranking':<7} nDCG@10  recall@100   ({len(qids)} test queries)")
    for name, run in runs.items():
        for key, ranked in run.items():
            ndcg = np.mean([ndcg_at_10(r, qrels[q]) for r, q in zip(ranked, qids, strict=True)])
            recall = np.mean([len(set(r) & set(qrels[q])) / len(qrels[q]) for r, q in zip(ranked, qids, strict=True)])
            print(f"{name:<8} {key:<7} {ndcg:.4f}   {recall:.4f}")
    same = [a[:10] == b[:10] for a, b in zip(runs["faiss"]["fused"], runs["milvus"]["fused"], strict=True)]
    overlap = [
        len(set(a[:10]) & set(b[:10])) / 10
        for a, b in zip(runs["faiss"]["fused"], runs["milvus"]["fused"], strict=True)
    ]
    print(f"fused top 10 identical for {np.mean(same):.1%} of queries; mean overlap {np.mean(overlap):.3f}")


if __name__ == "__main__":
    main()
