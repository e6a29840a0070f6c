"""Building a Milvus index: the same plan as the FAISS build (qa.build: stable vector ids, only changed articles
embedded), written as rows, then the manifest switched, then what it no longer names deleted.

An incremental build writes into the collection the manifest names; a full one (--force, another model or
chunking) into a new collection, which the manifest switch makes current before the old one is dropped.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qa.build import Plan, describes, embed, keep_texts, new_manifest, plan_build
from qa.chunking import indexed_text
from qa.corpus import corpus_hashes, load_articles
from qa.embedding import Encoder
from qa.index import FLAT_MAX_CHUNKS, IncompatibleIndexError, Manifest, MissingIndexError, chunk_to_json
from qa.lexical import terms
from qa.stores import StoreTarget
from qa.stores.milvus import connect, count_rows, live, refused, scan
from qa.stores.milvus_manifest import read_manifest, switch_manifest
from qa.types import Chunk

logger = logging.getLogger(__name__)

TEXT_BYTES = 65_000  # the analysed words of one chunk (VARCHAR holds 65,535 bytes)
HNSW = {"M": 16, "efConstruction": 200}


def vector_index(n_chunks: int, flat_max: int = FLAT_MAX_CHUNKS) -> str:
    """Exact search while it is fast enough (the FAISS build's threshold), then a graph index."""
    return "FLAT" if n_chunks <= flat_max else "HNSW"


def previous(client: Any, target: StoreTarget) -> Manifest | None:
    try:
        return read_manifest(client, target)
    except (MissingIndexError, IncompatibleIndexError):
        return None


def is_current(target: StoreTarget, seeds_dir: Path, *, embed_model: str, chunking: dict[str, int]) -> bool:
    """True when the store holds a readable index of exactly this corpus, model and chunking."""
    client = connect(target)
    with refused(target, "reading the manifest"):
        old = previous(client, target)
    if old is None or not describes(old, seeds_dir, embed_model=embed_model, chunking=chunking):
        return False
    return bool(client.has_collection(old.artifacts["collection"]["name"]))


def build_milvus(
    target: StoreTarget,
    seeds_dir: Path,
    index_dir: Path,
    *,
    encoder: Encoder,
    chunking: dict[str, int],
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
    incremental: bool = True,
    flat_max_chunks: int = FLAT_MAX_CHUNKS,
) -> Manifest:
    """Parse, chunk, embed and write what changed; the previous state answers until the manifest switch."""
    client = connect(target)
    with refused(target, "building the index"):
        return write_build(client, target, seeds_dir, index_dir, encoder, chunking, batch_size, progress,
                           incremental, flat_max_chunks)  # fmt: skip


def write_build(
    client: Any,
    target: StoreTarget,
    seeds_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    chunking: dict[str, int],
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    incremental: bool,
    flat_max_chunks: int,
) -> Manifest:
    hashes = corpus_hashes(seeds_dir)
    articles, skipped = load_articles(seeds_dir)
    old = previous(client, target)
    current = old if incremental and old is not None and reusable(client, old, encoder, chunking) else None
    plan = plan_build(articles, hashes, current, chunking)
    build = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    name = current.artifacts["collection"]["name"] if current else f"{target.collection}_{build.replace('-', '_')}"
    wanted = vector_index(len(plan.chunks), flat_max_chunks)
    if current:
        client.load_collection(name)
    else:
        create_chunks(client, name, encoder.dim, wanted)
    embedded = write_rows(client, name, plan, hashes, encoder, batch_size, progress)
    set_vector_index(client, name, wanted)
    client.flush(name)  # the rows are durable before any manifest names them
    manifest = new_manifest(plan, embedded, encoder, chunking, hashes, skipped, len(articles), seeds_dir)
    manifest = replace(
        manifest,
        store="milvus",
        faiss_index="",
        build_id=build,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        artifacts={"collection": {"name": name, "index": wanted}},
    )
    keep_texts(index_dir, articles)  # before the switch, as the FAISS build does
    switch_manifest(client, target, manifest)
    delete_stale_rows(client, name, manifest, plan)
    drop_other_builds(client, target, name)
    return manifest


def reusable(client: Any, old: Manifest, encoder: Encoder, chunking: dict[str, int]) -> bool:
    """Whether the index there can take an incremental update: a Milvus build with this model, dimension and
    chunking whose collection is still there (anything else gets a full build into a new collection)."""
    same = old.store == "milvus" and old.embed_model == encoder.name and old.dim == encoder.dim
    return same and old.chunking == chunking and bool(client.has_collection(old.artifacts["collection"]["name"]))


def drop_other_builds(client: Any, target: StoreTarget, current: str) -> None:
    """Drop this index's chunk collections other than the current one: the one a full rebuild replaced, or one a
    full rebuild left when it died before its switch (names are <collection>_<build id>, nothing else matches)."""
    own = re.compile(rf"{re.escape(target.collection)}_\d{{8}}T\d{{6}}_[0-9a-f]{{6}}")
    for name in client.list_collections():
        if name != current and own.fullmatch(name):
            client.drop_collection(name)


def create_chunks(client: Any, name: str, dim: int, index_type: str) -> None:
    """The chunk collection: vector id, the fields a filter or a cleanup needs, the chunk as JSON, its words with
    Milvus's BM25 function (k1 1.5, b 0.75: bm25s's defaults, which the FAISS store uses) and its vector.

    The words are qa.lexical.terms joined by spaces (lowercase runs of word characters), which the standard
    tokenizer splits back into the same words (Milvus Lite has no whitespace tokenizer)."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("vid", DataType.INT64, is_primary=True)
    schema.add_field("article_id", DataType.VARCHAR, max_length=1024)
    schema.add_field("file_sha", DataType.VARCHAR, max_length=64)
    schema.add_field("ordinal", DataType.INT64)  # the chunk's number in its article (0: the first)
    schema.add_field("start", DataType.INT64)
    schema.add_field("end", DataType.INT64)
    schema.add_field("words", DataType.VARCHAR, max_length=65_535, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})  # fmt: skip
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("chunk", DataType.JSON)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["words"],
                                 output_field_names=["sparse"]))  # fmt: skip
    params = client.prepare_index_params()
    add_vector_index(params, index_type)
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": 1.5, "bm25_b": 0.75})  # fmt: skip
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")


def set_vector_index(client: Any, name: str, wanted: str) -> None:
    """Rebuild the vector index when an incremental build crossed the size where another structure pays."""
    if client.describe_index(name, "vector").get("index_type") == wanted:
        return
    client.release_collection(name)
    client.drop_index(name, "vector")
    params = client.prepare_index_params()
    add_vector_index(params, wanted)
    client.create_index(name, params)
    client.load_collection(name)


def add_vector_index(params: Any, index_type: str) -> None:
    """The vector field's index: inner product over unit vectors, FLAT or HNSW with its build parameters."""
    params.add_index("vector", index_type=index_type, metric_type="IP", params=HNSW if index_type == "HNSW" else {})


def write_rows(
    client: Any,
    name: str,
    plan: Plan,
    hashes: dict[str, str],
    encoder: Encoder,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Embed and upsert, batch by batch, the chunks the collection does not hold yet; how many there were."""
    fresh = [(c, v) for c, v in zip(plan.chunks, plan.vids, strict=True) if not plan.reuse[v]]
    for lo in range(0, len(fresh), batch_size):
        batch = fresh[lo : lo + batch_size]
        vectors = embed(encoder, [c for c, _ in batch], batch_size, None)
        words = terms([indexed_text(c) for c, _ in batch])
        rows = [row(c, v, hashes[c.article_id], w, vec) for (c, v), w, vec in zip(batch, words, vectors, strict=True)]
        client.upsert(name, rows)
        if progress:
            progress(min(lo + batch_size, len(fresh)), len(fresh))
    return len(fresh)


def row(chunk: Chunk, vid: int, file_sha: str, words: Sequence[str], vector: Any) -> dict[str, Any]:
    text = " ".join(words).encode()[:TEXT_BYTES].decode(errors="ignore")
    return {
        "vid": vid,
        "article_id": chunk.article_id,
        "file_sha": file_sha,
        "ordinal": int(chunk.id.rsplit(":", 1)[1]),
        "start": chunk.start,
        "end": chunk.end,
        "words": text,
        "vector": [float(x) for x in vector],
        "chunk": json.loads(chunk_to_json(chunk, vid)),
    }


def delete_stale_rows(client: Any, name: str, manifest: Manifest, plan: Plan) -> None:
    """After the switch: delete old versions of changed articles and removed articles; and, when rows remain that
    the manifest does not name (a build that died before its switch), find them by a scan and delete them."""
    quoted = {a: json.dumps(a, ensure_ascii=False) for a in plan.changed + plan.removed}
    tests = [f"(article_id == {quoted[a]} and file_sha != {json.dumps(manifest.files[a])})" for a in plan.changed]
    tests += [f"article_id == {quoted[a]}" for a in plan.removed]
    for lo in range(0, len(tests), 100):
        client.delete(name, filter=" or ".join(tests[lo : lo + 100]))
    held = count_rows(client, name)
    if held > manifest.counts["chunks"]:
        rows = scan(client, name, "", ["vid", "article_id", "file_sha"], held)
        dead = [int(r["vid"]) for r in rows if not live(manifest, r)]
        for lo in range(0, len(dead), 10_000):
            client.delete(name, ids=dead[lo : lo + 10_000])
    client.flush(name)
