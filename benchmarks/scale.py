"""Scale: FAISS structures and Milvus Lite over N synthetic 384-d chunk vectors (default 1,000,000).

    python -m benchmarks.scale [--n 1000000] [--queries 200] [--milvus | --no-milvus]

Vectors are drawn around 5,000 topic centres (news embeddings cluster by topic), L2-normalised. For each structure
it prints recall@10 against exact search, p50/p95 search latency for one query (after 5 warm-up queries), RAM, disk
and build seconds. The structure the build picks by corpus size is qa.index.choose_structure. FAISS RAM and disk are
both the serialised index (what faiss.write_index writes).

With --milvus (the default) the same vectors and queries also go into Milvus Lite (pymilvus + milvus-lite, run
in-process on a database directory under /tmp, deleted at the end), once per index type: FLAT, HNSW (M 16,
efConstruction 200; ef 32/64/128) and IVF_SQ8 (nlist 1024 per segment; nprobe 8-64). Build seconds run from the
empty collection through the batched inserts, the flush, the background per-segment index builds (waited for by
closing the database) and a fresh load; RAM is the resident-memory growth (VmRSS) of a fresh process from before
opening the database to after loading and searching it; disk is the database directory's allocated size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from qa.evaluation.metrics import percentile
from qa.index import IVF_TRAIN_POINTS, choose_structure
from qa.stores.milvus_build import HNSW

DIM = 384
WARMUP = 5
COLLECTION = "chunks"
INSERT_BATCH = 10_000
HEADER = (
    f"{'structure':<18} {'nprobe/ef':>9} {'recall@10':>9} {'p50 ms':>7} {'p95 ms':>7} {'RAM MB':>7} {'disk MB':>7} "
    f"{'build s':>8}"
)

Search = Callable[[np.ndarray], Sequence[int]]
Stats = tuple[float, float, float]  # recall@10, p50 ms, p95 ms


@dataclass(frozen=True)
class MilvusIndex:
    """One Milvus Lite index type: its build parameters and the search knob swept (none for FLAT)."""

    kind: str
    build: dict[str, int] = field(default_factory=dict)
    knob: str = ""
    values: tuple[int, ...] = (0,)


MILVUS_INDEXES = (
    MilvusIndex("FLAT"),
    MilvusIndex("HNSW", dict(HNSW), "ef", (32, 64, 128)),  # what the Milvus store builds above 200,000 chunks
    # milvus-lite caps segments at 100,000 rows and builds one index per segment, so nlist is per segment
    # (choose_structure's rule at 100,000 rows gives 1024)
    MilvusIndex("IVF_SQ8", {"nlist": 1024}, "nprobe", (8, 16, 32, 64)),
)


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


def measure(search: Search, queries: np.ndarray, truth: np.ndarray) -> Stats:
    """Recall@10 against the exact top 10, and p50/p95 milliseconds of one single-query search call."""
    for q in queries[:WARMUP]:
        search(q)
    times, hits = [], 0
    for q, t in zip(queries, truth, strict=True):
        t0 = time.perf_counter()
        ids = search(q)
        times.append(1000 * (time.perf_counter() - t0))
        hits += len(set(ids) & set(t.tolist()))
    return hits / truth.size, percentile(times, 0.5), percentile(times, 0.95)


def row(structure: str, knob: object, stats: Stats, ram: float, disk: float, build: float) -> str:
    recall, p50, p95 = stats
    return f"{structure:<18} {knob!s:>9} {recall:>9.3f} {p50:>7.2f} {p95:>7.2f} {ram:>7.0f} {disk:>7.0f} {build:>8.1f}"


def run_faiss(
    structure: str, data: np.ndarray, queries: np.ndarray, truth: np.ndarray, rng: np.random.Generator
) -> None:
    began = time.perf_counter()
    index = faiss.index_factory(DIM, structure, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        index.train(data[rng.permutation(len(data))[:IVF_TRAIN_POINTS]])
    index.add(data)
    build = time.perf_counter() - began
    size = faiss.serialize_index(index).nbytes / 2**20
    for nprobe in (None,) if structure == "Flat" else (8, 16, 32, 64):
        if nprobe:
            faiss.extract_index_ivf(index).nprobe = nprobe
        stats = measure(lambda q: index.search(q.reshape(1, -1), 10)[1][0].tolist(), queries, truth)
        print(row(structure, nprobe or "-", stats, size, size, build), flush=True)


def rss_mb() -> float:
    """This process's resident memory now: VmRSS from /proc/self/status (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def disk_mb(path: Path) -> float:
    """Allocated size of everything under path, as du counts it, in MiB."""
    return sum(p.lstat().st_blocks * 512 for p in path.rglob("*") if p.is_file()) / 2**20


def create_collection(client: Any, spec: MilvusIndex) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("vid", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    params = client.prepare_index_params()
    params.add_index("vector", index_type=spec.kind, metric_type="IP", params=spec.build)
    client.create_collection(COLLECTION, schema=schema, index_params=params, consistency_level="Strong")


def milvus_build(db: str, spec: MilvusIndex, data: np.ndarray) -> tuple[float, float]:
    """Create the collection, insert in batches, flush and close; (insert seconds, total seconds)."""
    from milvus_lite.server_manager import server_manager_instance
    from pymilvus import MilvusClient

    began = time.perf_counter()
    client = MilvusClient(db)
    create_collection(client, spec)
    for lo in range(0, len(data), INSERT_BATCH):
        rows = [{"vid": lo + i, "vector": v.tolist()} for i, v in enumerate(data[lo : lo + INSERT_BATCH])]
        client.insert(COLLECTION, rows)
    inserted = time.perf_counter() - began
    client.flush(COLLECTION)
    client.close()
    # milvus-lite 3 builds segment indexes on a background thread and describe_index always reports them all
    # indexed, so "indexed" is when its in-process server stops: closing the database waits for that thread.
    server_manager_instance.release_server(db)
    return inserted, time.perf_counter() - began


def milvus_search(client: Any, spec: MilvusIndex, value: int) -> Search:
    params = {"metric_type": "IP", "params": {spec.knob: value} if spec.knob else {}}

    def search(q: np.ndarray) -> list[int]:
        # output_fields=["vid"]: by default milvus-lite returns every field, the whole vector included
        found = client.search(
            COLLECTION, data=[q.tolist()], anns_field="vector", limit=10, search_params=params, output_fields=["vid"]
        )
        return [hit["vid"] for hit in found[0]]

    return search


def milvus_probe(
    db: str, spec: MilvusIndex, queries: np.ndarray, truth: np.ndarray
) -> tuple[float, float, float, list[tuple[int, Stats]]]:
    """Run in a fresh process: open, load and search the database; (RAM MB, of it opening MB, load s, stats)."""
    from pymilvus import MilvusClient

    before = rss_mb()
    began = time.perf_counter()
    client = MilvusClient(db)
    opened = rss_mb() - before
    client.load_collection(COLLECTION)
    load = time.perf_counter() - began
    results = [(value, measure(milvus_search(client, spec, value), queries, truth)) for value in spec.values]
    ram = rss_mb() - before
    client.close()
    return ram, opened, load, results


def run_milvus(spec: MilvusIndex, data: np.ndarray, queries: np.ndarray, truth: np.ndarray, tmp: Path) -> str:
    """Print one row per search setting; return a note on where the build time and RAM went."""
    db = tmp / f"{spec.kind.lower()}.db"
    inserted, built = milvus_build(str(db), spec, data)
    disk, segments = disk_mb(db), len(list(db.rglob("*.idx")))
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        ram, opened, load, results = pool.submit(milvus_probe, str(db), spec, queries, truth).result()
    for value, stats in results:
        print(row(f"milvus {spec.kind}", value or "-", stats, ram, disk, built + load), flush=True)
    shutil.rmtree(db)
    return (
        f"milvus {spec.kind}: {segments} segment indexes; build = insert {inserted:.1f} s + flush and index "
        f"{built - inserted:.1f} s + load {load:.1f} s; RAM includes {opened:.0f} MB for opening the database"
    )


def run_all_milvus(data: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="scale-milvus-", dir="/tmp"))
    try:
        return [run_milvus(spec, data, queries, truth, tmp) for spec in MILVUS_INDEXES]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--milvus", action=argparse.BooleanOptionalAction, default=True, help="also Milvus Lite")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    data = synthetic(args.n, DIM, rng)
    queries = normalise(data[rng.integers(0, args.n, args.queries)] + 0.03 * rng.standard_normal((args.queries, DIM)))
    queries = queries.astype(np.float32)
    truth = np.stack([np.argsort(-(data @ q))[:10] for q in queries])
    chosen = choose_structure(args.n).removeprefix("IDMap2,")
    print(f"{args.n:,} vectors; the build would choose {chosen}")
    print(HEADER, flush=True)
    for structure in dict.fromkeys(("Flat", chosen)):
        run_faiss(structure, data, queries, truth, rng)
    notes = run_all_milvus(data, queries, truth) if args.milvus else []
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
