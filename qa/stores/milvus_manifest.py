"""The manifest of a Milvus index, kept in a small collection beside the chunks (`<collection>_manifest`): its JSON
in parts under the build's id, and one pointer row, "current", naming the parts of the manifest in force. A build
writes its parts first and then upserts the pointer, so switching to a new state is that one row."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from qa.index import BUILD_FIX, IncompatibleIndexError, Manifest, MissingIndexError
from qa.stores import StoreTarget

MANIFEST_PART = 60_000  # characters of manifest JSON per row (VARCHAR holds 65,535 bytes; the JSON is ASCII)
CURRENT = "current"
MAX_LIMIT = 16_384  # Milvus's largest topk / query limit (qa.stores.milvus uses it too)


def manifest_collection(target: StoreTarget) -> str:
    return f"{target.collection}_manifest"


def read_manifest(client: Any, target: StoreTarget) -> Manifest:
    """The manifest the store's pointer row names; MissingIndexError when nothing was built there yet."""
    name = manifest_collection(target)
    pointer = []
    if client.has_collection(name):
        client.load_collection(name)
        pointer = client.get(name, ids=[CURRENT], output_fields=["text"])
    if not pointer:
        raise MissingIndexError(f"no index in {target.describe()}; {BUILD_FIX} (with the same QA_STORE)")
    head = json.loads(pointer[0]["text"])
    keys = [f"{head['build_id']}/{n}" for n in range(int(head["parts"]))]
    parts = {row["key"]: row["text"] for row in client.get(name, ids=keys, output_fields=["key", "text"])}
    if set(parts) != set(keys):
        raise IncompatibleIndexError(f"the manifest in {target.describe()} is incomplete; {BUILD_FIX} --force")
    return Manifest.from_json("".join(parts[k] for k in keys))


def manifest_json(manifest: Manifest) -> str:
    return json.dumps(asdict(manifest), sort_keys=True)  # ASCII (ensure_ascii), so characters are bytes


def switch_manifest(client: Any, target: StoreTarget, manifest: Manifest) -> None:
    """Write the manifest's parts under its build id, then upsert the one pointer row that names them: the
    switch is that single row. Earlier builds' parts are deleted after it."""
    name = manifest_collection(target)
    if not client.has_collection(name):
        create_manifests(client, name)
    text = manifest_json(manifest)
    parts = [text[i : i + MANIFEST_PART] for i in range(0, len(text), MANIFEST_PART)] or [""]
    client.upsert(name, [{"key": f"{manifest.build_id}/{n}", "text": p, "v": [0.0, 0.0]} for n, p in enumerate(parts)])
    client.flush(name)
    head = json.dumps({"build_id": manifest.build_id, "parts": len(parts)})
    client.upsert(name, [{"key": CURRENT, "text": head, "v": [0.0, 0.0]}])
    client.flush(name)
    old = [r["key"] for r in client.query(name, filter='key != ""', output_fields=["key"], limit=MAX_LIMIT)]
    stale = [k for k in old if k != CURRENT and not k.startswith(f"{manifest.build_id}/")]
    if stale:
        client.delete(name, ids=stale)


def create_manifests(client: Any, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=128)
    schema.add_field("text", DataType.VARCHAR, max_length=65_535)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in every collection
    params = client.prepare_index_params()
    params.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")
