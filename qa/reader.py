"""The extractive reader: our fine-tuned span model, and the pure decoding that turns logits into spans."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.calibration import Calibration
from qa.config import ROOT, Settings
from qa.hardware import torch_precision
from qa.types import Passage, Span, TextSpan

logger = logging.getLogger(__name__)


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantisation of the Linear layers (weights int8, activations quantised on the fly)."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao points at torchao; the dynamic path still works and is tested
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def shown_path(path: Path) -> str:
    """The path relative to the checkout when inside it ("models/reader"), else as given."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class Reader(Protocol):
    """What the pipeline needs from a reader: the per_passage best spans in each passage (may be fewer)."""

    def read(self, question: str, passages: Sequence[Passage], per_passage: int) -> list[Span]: ...


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def ranked_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    context_mask: np.ndarray,
    max_answer_tokens: int,
    limit: int = 1,
) -> list[tuple[int, int, float]]:
    """The `limit` best (start, end, probability), best first, with start <= end < start + max_answer_tokens
    inside the context.

    Probabilities are softmaxes over the context tokens plus position 0 ([CLS], the no-answer slot), so a
    window the model thinks holds no answer gives every span a low score. Start and end are scored jointly,
    never by independent argmaxes. Empty when the mask selects no token.
    """
    mask = np.asarray(context_mask, dtype=bool).copy()
    if not mask.any():
        return []
    allowed = mask.copy()
    allowed[0] = True
    p_start = np.where(allowed, softmax(np.where(allowed, start_logits, -np.inf)), 0.0)
    p_end = np.where(allowed, softmax(np.where(allowed, end_logits, -np.inf)), 0.0)
    p_start = np.where(mask, p_start, 0.0)
    p_end = np.where(mask, p_end, 0.0)
    n = len(mask)
    joint = np.outer(p_start, p_end)
    valid = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), k=max_answer_tokens)
    valid &= np.outer(mask, mask)
    flat = np.where(valid, joint, -1.0).ravel()
    count = min(limit, int(valid.sum()))
    top = np.argpartition(-flat, count - 1)[:count] if count < flat.size else np.arange(flat.size)
    top = top[np.argsort(-flat[top], kind="stable")][:count]
    return [(int(i) // n, int(i) % n, float(flat[i])) for i in top]


def best_span(
    start_logits: np.ndarray, end_logits: np.ndarray, context_mask: np.ndarray, max_answer_tokens: int
) -> tuple[int, int, float] | None:
    """The single best span of ranked_spans, or None when the mask selects no token."""
    found = ranked_spans(start_logits, end_logits, context_mask, max_answer_tokens)
    return found[0] if found else None


def require_reader(model_dir: Path) -> None:
    """FileNotFoundError, with what is expected, when model_dir holds no model."""
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"no reader model in {model_dir} (expected config.json and model.safetensors)")


class TransformersReader:
    """AutoModelForQuestionAnswering from a local folder; all passages go through one batched forward pass."""

    def __init__(
        self,
        model_dir: Path,
        *,
        max_answer_tokens: int = Settings.max_answer_tokens,
        max_length: int = 384,
        stride: int = 128,
        max_question_tokens: int = 64,
        threads: int = Settings.threads,
        precision: str = Settings.reader_precision,
    ) -> None:
        import torch
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        require_reader(Path(model_dir))
        if threads:
            torch.set_num_threads(threads)
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        model, info = AutoModelForQuestionAnswering.from_pretrained(
            str(model_dir), dtype=torch.float32, output_loading_info=True
        )
        if any("qa_outputs" in key for key in info.get("missing_keys", ())):
            raise ValueError(f"{model_dir} has no trained span head (qa_outputs); it is not a reader")
        precision = torch_precision(precision)
        self.precision = precision
        self.description = f"reader {shown_path(Path(model_dir))}, {precision}"
        self.model = quantize_int8(model.eval()) if precision == "int8" else model.eval()
        self.windowing(
            Path(model_dir), self.tokenizer.get_vocab(), max_answer_tokens, max_length, stride, max_question_tokens
        )

    def windowing(
        self,
        model_dir: Path,
        vocab: Iterable[str],
        max_answer_tokens: int,
        max_length: int,
        stride: int,
        max_question_tokens: int,
    ) -> None:
        """What reading needs whichever runtime runs the model (qa.onnx_reader too): the windows' geometry, the
        model's calibration and the whole words of its vocabulary (what qa.spelling takes as spelt right, besides
        the passages' words)."""
        self.max_answer_tokens = max_answer_tokens
        self.max_length = max_length
        self.stride = stride
        self.max_question_tokens = max_question_tokens
        self.calibration = Calibration.load(model_dir)
        self.words = frozenset(w for w in vocab if w.isalpha())

    def read(self, question: str, passages: Sequence[Passage], per_passage: int) -> list[Span]:
        """The `per_passage` best spans of each passage (distinct offsets), offsets into passage.text, passage
        attached. More than one lets answer selection weigh a passage's runner-up spans by other evidence."""
        found = self.read_texts([question] * len(passages), [p.text for p in passages], per_passage)
        return [
            Span.of(s, passage, rank)
            for spans, passage in zip(found, passages, strict=True)
            for rank, s in enumerate(spans)
        ]

    def read_texts(self, questions: Sequence[str], contexts: Sequence[str], limit: int = 1) -> list[list[TextSpan]]:
        """The `limit` best spans for each (question, context) pair, best first, over all of its windows (a span
        that two overlapping windows both find counts once, with its better score); one forward pass."""
        if not contexts:
            return []
        enc = self.encode(questions, contexts)
        logits = self.forward(enc)
        found: list[dict[tuple[int, int], TextSpan]] = [{} for _ in contexts]
        for w, ctx_i in enumerate(enc["overflow_to_sample_mapping"]):
            for span in self.decode_window(enc, w, logits, contexts[ctx_i], limit):
                known = found[ctx_i].get((span.start, span.end))
                if known is None or span.score > known.score:
                    found[ctx_i][(span.start, span.end)] = span
        return [sorted(spans.values(), key=lambda s: -s.score)[:limit] for spans in found]

    def encode(self, questions: Sequence[str], contexts: Sequence[str]) -> Any:
        """Tokenise question/context pairs into strided windows (questions capped at max_question_tokens)."""
        short = {
            q: self.tokenizer.convert_tokens_to_string(self.tokenizer.tokenize(q)[: self.max_question_tokens])
            for q in set(questions)
        }
        return self.tokenizer(
            [short[q] for q in questions],
            list(contexts),
            truncation="only_second",
            max_length=self.max_length,
            stride=self.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=True,
            return_tensors="pt",
        )

    def forward(self, enc: Any, batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
        """Start and end logits of every window, in slices of `batch` windows to bound memory."""
        import torch

        inputs = {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc}
        starts, ends = [], []
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
            for lo in range(0, len(inputs["input_ids"]), batch):
                out = self.model(**{k: v[lo : lo + batch] for k, v in inputs.items()})
                starts.append(out.start_logits.float().numpy())
                ends.append(out.end_logits.float().numpy())
        return np.concatenate(starts), np.concatenate(ends)

    def decode_window(
        self, enc: Any, w: int, logits: tuple[np.ndarray, np.ndarray], context: str, limit: int = 1
    ) -> list[TextSpan]:
        """The window's `limit` best spans, best first; each scored by its margin over the window's no-answer
        logit (through the calibration when the model has one, else the span's probability)."""
        mask = np.array([s == 1 for s in enc.sequence_ids(w)], dtype=bool)
        offsets = enc["offset_mapping"][w]
        starts, ends = logits[0][w], logits[1][w]
        null = float(starts[0] + ends[0])  # the window's no-answer ([CLS]) logit
        out: list[TextSpan] = []
        for s, e, probability in ranked_spans(starts, ends, mask, self.max_answer_tokens, limit):
            start, end = int(offsets[s][0]), int(offsets[e][1])
            margin = float(starts[s] + ends[e]) - null
            score = self.calibration.confidence(margin) if self.calibration else probability
            out.append(TextSpan(context[start:end], start, end, score, margin))
        return out
