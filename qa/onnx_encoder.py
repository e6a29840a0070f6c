"""The embedder as an int8 ONNX Runtime model: the same sentence-transformers model, exported once and cached.

Why: on two cores the embedder is what limits indexing. ONNX Runtime's int8 kernels (AVX-512 VNNI) embed
news chunks about twice as fast as torch in bf16, with vectors at cosine ~0.994 to fp32's (weights quantised per
output channel; activations quantised on the fly). `python -m benchmarks.scifact --backend onnx-int8` measures
what that costs in retrieval quality.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

RECIPE = "onnx-int8-v1"  # bump when the export or quantisation below changes, so old caches are not reused
SUFFIX = " (onnx int8)"  # appended to the model name in the manifest: its vectors differ slightly from torch's


def source_fingerprint(model_dir: Path) -> str:
    """A short hash of the weights and the library versions the export depends on."""
    import onnxruntime
    import torch

    digest = hashlib.sha256()
    with (model_dir / "model.safetensors").open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(f"{RECIPE} torch {torch.__version__} onnxruntime {onnxruntime.__version__}".encode())
    return digest.hexdigest()[:16]


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

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

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
                (ids, torch.ones_like(ids)),
                str(fp32),
                input_names=["input_ids", "attention_mask"],
                output_names=["token_vectors"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask")},
                opset_version=17,
                dynamo=False,
            )
        int8 = Path(tmp) / "int8.onnx"
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        int8.replace(out)


class OnnxInt8Encoder:
    """Mean-pooled, L2-normalised sentence vectors from the int8 ONNX export of a sentence-transformers model."""

    def __init__(
        self, name: str = "all-MiniLM-L6-v2", *, cache_dir: Path, batch_size: int = 32, threads: int = 0
    ) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        from qa.embedding import resolve_model_path

        model_dir = resolve_model_path(name)
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{name}: the ONNX encoder implements mean pooling only")
        path = Path(cache_dir) / f"{Path(name).name}-{source_fingerprint(model_dir)}.onnx"
        if not path.is_file():
            logger.info("exporting %s to int8 ONNX (once): %s", name, path)
            export_int8(model_dir, path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        self.max_tokens = int(config.get("max_seq_length") or 256)
        self.dim = int(json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        self.name = name + SUFFIX
        self.batch_size = batch_size
        self.path = path

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        """Batches of similar length (less padding), results back in the input order."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for lo in range(0, len(texts), self.batch_size):
            rows = order[lo : lo + self.batch_size]
            enc = self.tokenizer(
                [texts[i] for i in rows], padding=True, truncation=True, max_length=self.max_tokens, return_tensors="np"
            )
            mask = enc["attention_mask"].astype(np.int64)
            tokens = self.session.run(None, {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": mask})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out
