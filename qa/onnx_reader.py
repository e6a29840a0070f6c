"""The reader in ONNX Runtime: the same weights in fp32, exported once and cached, run without torch.

Why: importing torch and transformers is most of a cold start (about 4 of the 5 s that `qa ask` takes to load),
and ONNX Runtime is loaded for the embedder anyway. The windows, offsets and span decoding are the torch
reader's own (qa.reader.TransformersReader), from the same Rust tokenizer that transformers wraps.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.hardware import cpu_count
from qa.onnx_encoder import cached_export, ort_session
from qa.reader import TransformersReader, require_reader, shown_path

logger = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
RECIPE = "reader-fp32-v1"  # change when export_fp32 changes, so that older exports in the cache are not reused


def export_fp32(model_dir: Path, out: Path) -> None:
    """Export the question-answering model (start and end logits out) to ONNX; atomic."""
    import tempfile
    import warnings

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModelForQuestionAnswering.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    sample = AutoTokenizer.from_pretrained(str(model_dir))("Who?", "Someone.", return_tensors="pt")
    names = [k for k in INPUTS if k in sample]

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            out = self.model(**dict(zip(names, tensors, strict=True)))
            return out.start_logits, out.end_logits

    axes = {k: {0: "windows", 1: "tokens"} for k in [*names, "start", "end"]}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on Python control flow it folds for these shapes
        path = Path(tmp) / "reader.onnx"
        torch.onnx.export(
            Logits(),
            tuple(sample[k] for k in names),
            str(path),
            input_names=names,
            output_names=["start", "end"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
        path.replace(out)


@dataclass(frozen=True)
class Windows:
    """Tokenised question/context windows, read the way TransformersReader reads a BatchEncoding."""

    arrays: dict[str, np.ndarray]  # input_ids, attention_mask, token_type_ids: (windows, tokens), padded
    offsets: list[list[tuple[int, int]]]
    sequences: list[list[int | None]]
    samples: list[int]  # the context each window comes from

    def sequence_ids(self, w: int) -> list[int | None]:
        return self.sequences[w]

    def __getitem__(self, key: str) -> Any:
        if key == "offset_mapping":
            return self.offsets
        if key == "overflow_to_sample_mapping":
            return self.samples
        return self.arrays[key]


class OnnxReader(TransformersReader):
    """TransformersReader's windows and decoding over an ONNX Runtime session of the same weights."""

    def __init__(
        self,
        model_dir: Path,
        *,
        cache_dir: Path,
        max_answer_tokens: int = Settings.max_answer_tokens,
        max_length: int = 384,
        stride: int = 128,
        max_question_tokens: int = 64,
        threads: int = Settings.threads,
    ) -> None:
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        require_reader(model_dir)
        path = cached_export(model_dir, cache_dir, "reader", RECIPE, export_fp32)
        self.session = ort_session(path, threads or cpu_count())
        self.inputs = [i.name for i in self.session.get_inputs()]
        # Two tokenizers, each configured once: a shared one reconfigured per call would race between threads.
        self.rust = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.rust.no_padding()
        self.rust.no_truncation()
        self.windows = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.windows.no_padding()
        self.windows.enable_truncation(max_length, stride=stride, strategy="only_second")
        self.pad_id = int(json.loads((model_dir / "config.json").read_text(encoding="utf-8")).get("pad_token_id") or 0)
        self.precision = "onnx"
        self.description = f"reader {shown_path(model_dir)}, onnx fp32"
        self.windowing(model_dir, self.rust.get_vocab(), max_answer_tokens, max_length, stride, max_question_tokens)

    def encode(self, questions: Sequence[str], contexts: Sequence[str]) -> Windows:
        """The windows transformers' tokenizer gives (truncation="only_second", stride, overflowing windows after
        their first), padded to the longest; questions cut at max_question_tokens."""
        short = {}
        for q in set(questions):
            ids = self.rust.encode(q, add_special_tokens=False).ids
            short[q] = q if len(ids) <= self.max_question_tokens else self.rust.decode(ids[: self.max_question_tokens])
        rows, samples = [], []
        for i, enc in enumerate(
            self.windows.encode_batch([(short[q], c) for q, c in zip(questions, contexts, strict=True)])
        ):
            for part in [enc, *enc.overflowing]:
                rows.append(part)
                samples.append(i)
        width = max(len(r.ids) for r in rows)

        def padded(values: list[list[int]], fill: int) -> np.ndarray:
            return np.array([v + [fill] * (width - len(v)) for v in values], dtype=np.int64)

        arrays = {
            "input_ids": padded([r.ids for r in rows], self.pad_id),
            "attention_mask": padded([r.attention_mask for r in rows], 0),
            "token_type_ids": padded([r.type_ids for r in rows], 0),
        }
        offsets = [list(r.offsets) + [(0, 0)] * (width - len(r.ids)) for r in rows]
        sequences = [list(r.sequence_ids) + [None] * (width - len(r.ids)) for r in rows]
        return Windows(arrays, offsets, sequences, samples)

    def forward(self, enc: Any, batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
        """Start and end logits of every window, in slices of `batch` windows to bound memory."""
        starts, ends = [], []
        for lo in range(0, len(enc["input_ids"]), batch):
            start, end = self.session.run(None, {k: enc[k][lo : lo + batch] for k in self.inputs})
            starts.append(start)
            ends.append(end)
        return np.concatenate(starts), np.concatenate(ends)
