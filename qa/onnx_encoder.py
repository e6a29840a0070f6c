"""The embedder as an int8 ONNX Runtime model: the same sentence-transformers model, exported once and cached.

Why: on two cores the embedder is what limits indexing. ONNX Runtime's int8 kernels (AVX-512 VNNI), one
unpadded text per core at a time with no attention mask in the graph, embed SciFact chunks at about 180/s against
66-72/s for torch in bf16, with vectors at cosine ~0.995 to fp32's (weights quantised per output channel,
activations on the fly) and the same SciFact nDCG@10 (`python -m benchmarks.scifact --backend onnx-int8`: dense
0.648, fused 0.700).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.hardware import cpu_count

logger = logging.getLogger(__name__)

RECIPE = "onnx-int8-v3"  # bump when the export or quantisation below changes, so old caches are not reused


def source_fingerprint(model_dir: Path, recipe: str = RECIPE) -> str:
    """A short hash of the weights, the export's recipe and the library versions the export depends on."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    with (model_dir / "model.safetensors").open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(f"{recipe} torch {version('torch')} onnxruntime {version('onnxruntime')}".encode())
    return digest.hexdigest()[:16]


def cached_export(
    model_dir: Path, cache_dir: Path, stem: str, recipe: str, export: Callable[[Path, Path], None]
) -> Path:
    """cache_dir/STEM-FINGERPRINT.onnx, exported from model_dir by `export` the first time; the exports of older
    weights, recipes or library versions with that stem are deleted."""
    path = Path(cache_dir) / f"{stem}-{source_fingerprint(model_dir, recipe)}.onnx"
    if not path.is_file():
        logger.info("exporting %s to ONNX (once): %s", stem, path)
        export(model_dir, path)
        for stale in path.parent.glob(f"{stem}-*.onnx"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return path


def ort_session(path: Path, threads: int) -> Any:
    """An ONNX Runtime CPU session on `threads` threads that do not spin while idle: spinning threads steal the
    cores the next stage (the reader after the embedder) needs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def export_int8(model_dir: Path, out: Path) -> None:
    """Export the transformer (token vectors out) to ONNX and quantise its MatMuls to int8; atomic."""
    import tempfile
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    class TokenVectors(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any) -> Any:
            # No attention mask: every text runs alone and unpadded, so a mask would be all ones, and the
            # graph that builds it from one cost about a fifth of the embedding time (same vectors without it).
            return self.model(input_ids=input_ids).last_hidden_state

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes about Python control flow on fixed shapes
            torch.onnx.export(
                TokenVectors(model),
                (ids,),
                str(fp32),
                input_names=["input_ids"],
                output_names=["token_vectors"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}},
                opset_version=17,
                dynamo=False,
            )
        int8 = Path(tmp) / "int8.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its advice to pre-process the model first is for a library user, not ours
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.setLevel(level)
        int8.replace(out)


class OnnxInt8Encoder:
    """Mean-pooled, L2-normalised sentence vectors from the int8 ONNX export of a sentence-transformers model.

    Every text is run on its own (no padding, so a vector never depends on its batch-mates). A question uses all
    cores; passages run one per core at a time, each on one thread: small matrices do not split well across
    threads, so on two cores this embeds about 180 chunks/s, against about 75 with batches over two threads.
    """

    def __init__(self, model_dir: Path, *, name: str, cache_name: str, cache_dir: Path, threads: int = 0) -> None:
        """model_dir: the sentence-transformers folder; name: what the manifest records (qa.embedding.encoder_name);
        cache_name: the export's file name stem in cache_dir (older exports with that stem are deleted)."""
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{name}: the ONNX encoder implements mean pooling only")
        path = cached_export(model_dir, cache_dir, cache_name, RECIPE, export_int8)
        self.workers = threads or cpu_count()
        self.query_session = ort_session(path, self.workers)
        self.passage_session = ort_session(path, 1)  # run() is thread-safe: one call per worker at a time
        # The Rust tokenizer alone: importing transformers (and torch with it) would cost a build 1.5 s.
        self.max_tokens = int(config.get("max_seq_length") or 256)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        self.dim = int(json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        self.name = name
        self.path = path

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        from concurrent.futures import ThreadPoolExecutor

        if len(texts) < 2 or self.workers == 1:
            return self._stack([self._encode_one(t, self.query_session) for t in texts])
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]  # one call, parallel in Rust
        with ThreadPoolExecutor(self.workers) as pool:
            return self._stack(list(pool.map(lambda row: self._run(row, self.passage_session), ids)))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._stack([self._encode_one(t, self.query_session) for t in texts])

    def _stack(self, vectors: list[np.ndarray]) -> np.ndarray:
        return np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, self.dim), dtype=np.float32)

    def _encode_one(self, text: str, session: Any) -> np.ndarray:
        return self._run(self.tokenizer.encode(text).ids, session)

    def _run(self, token_ids: Sequence[int], session: Any) -> np.ndarray:
        """One text's token ids -> its mean-pooled, unit-length vector."""
        ids = np.asarray([token_ids], dtype=np.int64)
        tokens = session.run(None, {"input_ids": ids})[0][0]
        pooled = tokens.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)
