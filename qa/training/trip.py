"""Weights on a trip to a lent GPU and back, within what a call can carry (qa/training/gpu_run.md).

A call carries at most 64 MiB, the checkout included (about 45 MiB of it the shipped reader), and brings back at
most 8 files of 16 MiB. So the teacher's weights go out quantised, group-wise and symmetric (4 bits: a quarter of
fp16's bytes), split into parts small enough to ride beside the checkout one call each, and are dequantised
there to be fine-tuned in bf16; the student comes back as fp16 shards under 16 MiB. Everything is safetensors
and JSON: nothing here unpickles.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

MANIFEST = "parts.json"
GROUP = 128  # weights quantised in groups of this many values along a row, each with its own fp16 scale
QUANTISED_MIN = 4096  # tensors smaller than this (biases, LayerNorm) travel as fp16
MAX_ERROR = {8: 0.01, 4: 0.15}  # a tensor that quantises worse than this (outliers: position embeddings) stays fp16


def quantise(tensor: Any, bits: int) -> tuple[Any, Any]:
    """(codes, scales) of a float tensor: int8 codes in [-q, q] (two 4-bit codes packed in a byte when bits is 4),
    one fp16 scale per GROUP values of the flattened tensor (padded with zeros to a whole group)."""
    import torch

    q = 2 ** (bits - 1) - 1
    flat = tensor.detach().float().flatten()
    pad = -len(flat) % GROUP
    groups = torch.nn.functional.pad(flat, (0, pad)).view(-1, GROUP)
    scales = groups.abs().amax(dim=1).clamp(min=1e-8) / q
    codes = torch.round(groups / scales[:, None]).clamp(-q, q).to(torch.int8).flatten()
    if bits == 4:
        codes = ((codes[0::2] & 0x0F) | (codes[1::2] << 4)).to(torch.int8)
    return codes, scales.to(torch.float16)


def dequantise(codes: Any, scales: Any, shape: list[int], bits: int) -> Any:
    """The float32 tensor of quantise's (codes, scales)."""
    import torch

    if bits == 4:
        low = (codes << 4) >> 4  # sign-extend the low nibble
        high = codes >> 4  # arithmetic shift keeps the high nibble's sign
        codes = torch.stack([low, high], dim=1).flatten()
    values = codes.float().view(-1, GROUP) * scales.float()[:, None]
    return values.flatten()[: math.prod(shape)].view(shape)


def relative_error(tensor: Any, codes: Any, scales: Any, bits: int) -> float:
    back = dequantise(codes, scales, list(tensor.shape), bits)
    return float((back - tensor.float()).norm() / tensor.float().norm().clamp(min=1e-12))


def pieces(name: str, tensor: Any, bits: int, most: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A tensor as named pieces of at most `most` bytes each, and its manifest entry: quantised codes and scales
    cut at group boundaries (one embedding matrix is larger than what rides beside the checkout), small or
    non-float tensors whole, as fp16."""
    if tensor.numel() < QUANTISED_MIN or not tensor.is_floating_point():
        return {name: tensor.half() if tensor.is_floating_point() else tensor}, {
            "shape": list(tensor.shape),
            "bits": 16,
            "pieces": 1,
        }
    codes, scales = quantise(tensor, bits)
    if relative_error(tensor, codes, scales, bits) > MAX_ERROR[bits]:
        return {name: tensor.half()}, {"shape": list(tensor.shape), "bits": 16, "pieces": 1}
    per_group = GROUP * bits // 8 + 2  # code bytes and one fp16 scale per group
    groups = max(1, most // per_group)
    out = {}
    for n, lo in enumerate(range(0, len(scales), groups)):
        out[f"{name}::codes::{n}"] = codes[lo * GROUP * bits // 8 : (lo + groups) * GROUP * bits // 8].clone()
        out[f"{name}::scales::{n}"] = scales[lo : lo + groups].clone()
    return out, {"shape": list(tensor.shape), "bits": bits, "pieces": len(out) // 2}


def first_fit(tensors: dict[str, Any], most: int) -> list[dict[str, Any]]:
    """The tensors in as few files of at most `most` bytes as first fit finds, largest first (a tensor larger than
    that alone in its own)."""
    files: list[dict[str, Any]] = []
    sizes: list[int] = []
    for key, tensor in sorted(tensors.items(), key=lambda kv: -kv[1].numel() * kv[1].element_size()):
        size = tensor.numel() * tensor.element_size()
        where = next((n for n, used in enumerate(sizes) if used + size <= most), None)
        if where is None:
            files.append({})
            sizes.append(0)
            where = len(files) - 1
        files[where][key] = tensor
        sizes[where] += size
    return files


def pack(model_dir: Path, out: Path, *, bits: int = 8, part_bytes: int = 17 * 2**20) -> list[Path]:
    """Quantise model_dir's model.safetensors into parts of at most part_bytes (first fit, largest pieces first),
    with the config and tokenizer files and a manifest in out; returns the parts' paths."""
    from safetensors.torch import load_file, save_file

    if bits not in (4, 8):
        raise ValueError(f"bits must be 4 or 8, got {bits}")
    weights = load_file(str(Path(model_dir) / "model.safetensors"))
    out.mkdir(parents=True, exist_ok=True)
    stored: dict[str, Any] = {}
    entries: dict[str, dict[str, Any]] = {}
    for name, tensor in sorted(weights.items()):
        found, entries[name] = pieces(name, tensor, bits, part_bytes)
        stored.update(found)
    paths = []
    for n, tensors in enumerate(first_fit(stored, part_bytes)):
        path = out / f"part-{n:02d}.safetensors"
        save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))
        paths.append(path)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        if (Path(model_dir) / name).is_file():
            (out / name).write_bytes((Path(model_dir) / name).read_bytes())
    manifest = {"group": GROUP, "parts": len(paths), "tensors": entries}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return paths


def unpack(parts_dir: Path, out: Path) -> Path:
    """The model folder that pack's parts stand for: dequantised float32 weights, config and tokenizer.
    FileNotFoundError naming what is missing when a part has not arrived."""
    import torch
    from safetensors.torch import load_file, save_file

    manifest = json.loads((Path(parts_dir) / MANIFEST).read_text(encoding="utf-8"))
    if manifest["group"] != GROUP:
        raise ValueError(f"parts quantised in groups of {manifest['group']}, this code reads groups of {GROUP}")
    missing = [n for n in range(manifest["parts"]) if not (Path(parts_dir) / f"part-{n:02d}.safetensors").is_file()]
    if missing:
        raise FileNotFoundError(f"{parts_dir}: parts {missing} of {manifest['parts']} have not arrived")
    loaded: dict[str, Any] = {}
    for n in range(manifest["parts"]):
        loaded.update(load_file(str(Path(parts_dir) / f"part-{n:02d}.safetensors")))
    weights = {}
    for name, entry in manifest["tensors"].items():
        if entry["bits"] == 16:
            weights[name] = loaded[name].float() if loaded[name].is_floating_point() else loaded[name]
            continue
        codes = torch.cat([loaded[f"{name}::codes::{k}"] for k in range(entry["pieces"])])
        scales = torch.cat([loaded[f"{name}::scales::{k}"] for k in range(entry["pieces"])])
        weights[name] = dequantise(codes, scales, entry["shape"], entry["bits"])
    out.mkdir(parents=True, exist_ok=True)
    save_file(weights, str(out / "model.safetensors"))
    for path in Path(parts_dir).iterdir():
        if path.suffix in (".json", ".txt") and path.name != MANIFEST:
            (out / path.name).write_bytes(path.read_bytes())
    return out


FILES = "files.json"  # a model folder's small files in one, since a call brings back at most 8 files


def shard(model_dir: Path, out: Path, *, shard_bytes: int = 15 * 2**20) -> list[Path]:
    """A model folder as few files that can come back from a call: its weights as safetensors shards of at most
    shard_bytes (a tensor larger than that cut into row blocks), its small text files together in files.json."""
    from safetensors.torch import load_file, save_file

    weights = load_file(str(Path(model_dir) / "model.safetensors"))
    blocks: dict[str, Any] = {}
    for name, tensor in sorted(weights.items()):
        row = max(1, tensor[0].numel() * tensor.element_size()) if tensor.dim() else tensor.element_size()
        if tensor.dim() and tensor.numel() * tensor.element_size() > shard_bytes:
            rows = max(1, shard_bytes // row)
            for n, lo in enumerate(range(0, len(tensor), rows)):
                blocks[f"{name}::rows::{n}"] = tensor[lo : lo + rows].clone()
        else:
            blocks[name] = tensor
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, tensors in enumerate(first_fit(blocks, shard_bytes)):
        paths.append(out / f"weights-{n:02d}.safetensors")
        save_file(tensors, str(paths[-1]))
    small = {p.name: p.read_text(encoding="utf-8") for p in Path(model_dir).iterdir() if p.suffix in (".json", ".txt")}
    (out / FILES).write_text(json.dumps(small), encoding="utf-8")
    return paths


def join(shards_dir: Path, out: Path) -> Path:
    """The model folder of shard's files: one model.safetensors again, and the small files."""
    import torch
    from safetensors.torch import load_file, save_file

    found = sorted(Path(shards_dir).glob("weights-*.safetensors"))
    if not found or not (Path(shards_dir) / FILES).is_file():
        raise FileNotFoundError(f"{shards_dir} holds no weights-NN.safetensors shards and {FILES}")
    blocks: dict[str, Any] = {}
    for path in found:
        blocks.update(load_file(str(path)))
    weights: dict[str, Any] = {k: v for k, v in blocks.items() if "::rows::" not in k}
    cut = sorted({k.split("::rows::")[0] for k in blocks if "::rows::" in k})
    for name in cut:
        count = sum(1 for k in blocks if k.startswith(f"{name}::rows::"))
        weights[name] = torch.cat([blocks[f"{name}::rows::{n}"] for n in range(count)])
    out.mkdir(parents=True, exist_ok=True)
    save_file(weights, str(out / "model.safetensors"))
    for name, text in json.loads((Path(shards_dir) / FILES).read_text(encoding="utf-8")).items():
        (out / Path(name).name).write_text(text, encoding="utf-8")
    return out
