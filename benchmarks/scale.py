"""Scale: FAISS structures over N synthetic 384-d chunk vectors (default 1,000,000).

    python -m benchmarks.scale [--n 1000000] [--queries 200]

Vectors are drawn around 5,000 topic centres (news embeddings cluster by topic), L2-normalised. For each structure
it prints recall@10 against exact search, p50/p95 search latency for one query, and the index's RAM (serialised
size). The structure the build picks by corpus size is qa.index.choose_structure.
"""

from __future__ import annotations

import argparse
import time

import faiss
import numpy as np

from qa.evaluation.metrics import percentile
from qa.index import IVF_TRAIN_POINTS, choose_structure


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def synthetic(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    centres = normalise(rng.standard_normal((5000, dim)).astype(np.float32))
    out = np.empty((n, dim), dtype=np.float32)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        noise = rng.standard_normal((hi - lo, dim)).astype(np.float32) * 0.06
        out[lo:hi] = normalise(centres[rng.integers(0, 5000, hi - lo)] + noise)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    data = synthetic(args.n, 384, rng)
    queries = normalise(data[rng.integers(0, args.n, args.queries)] + 0.03 * rng.standard_normal((args.queries, 384)))
    queries = queries.astype(np.float32)
    truth = np.stack([np.argsort(-(data @ q))[:10] for q in queries])
    chosen = choose_structure(args.n).removeprefix("IDMap2,")
    print(f"{args.n:,} vectors; the build would choose {chosen}")
    print(f"{'structure':<18} {'nprobe':>6} {'recall@10':>9} {'p50 ms':>7} {'p95 ms':>7} {'RAM MB':>7} {'build s':>8}")
    for structure in ("Flat", chosen):
        began = time.perf_counter()
        index = faiss.index_factory(384, structure, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            index.train(data[rng.permutation(args.n)[:IVF_TRAIN_POINTS]])
        index.add(data)
        build = time.perf_counter() - began
        ram = faiss.serialize_index(index).nbytes / 2**20
        for nprobe in (None,) if structure == "Flat" else (8, 16, 32, 64):
            if nprobe:
                faiss.extract_index_ivf(index).nprobe = nprobe
            times, hits = [], 0
            for q, t in zip(queries, truth, strict=True):
                t0 = time.perf_counter()
                _, ids = index.search(q.reshape(1, -1), 10)
                times.append(1000 * (time.perf_counter() - t0))
                hits += len(set(ids[0]) & set(t))
            print(
                f"{structure:<18} {nprobe or '-':>6} {hits / (10 * len(queries)):>9.3f} "
                f"{percentile(times, 0.5):>7.2f} {percentile(times, 0.95):>7.2f} {ram:>7.0f} {build:>8.1f}"
            )


if __name__ == "__main__":
    main()
