"""Distil a teacher reader into the student: the teacher's start and end distributions (its no-answer position
included) as soft targets, beside the hard labels.

The two tokenise differently (the teacher MPNet's WordPiece, the student's uncased BERT), so the teacher reads
exactly the text of each student window and its logits are moved onto the student's tokens by character offsets:
a student token gets the teacher's start logit where a teacher token starts at the same character, its end logit
where one ends at the same character, and nothing (probability 0) where the two split a word differently; the
no-answer position ([CLS], <s>) maps onto itself. The teacher runs beside the student, one batch at a time, so
no file of logits is written: on a GPU the whole distillation fits in the run that trained the teacher, and on
a CPU it resumes from its checkpoint like the reader's own training (python -m qa.training.distil --help).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from qa.training.reader import (
    Example,
    TrainConfig,
    collate,
    export_model,
    featurize,
    optimiser,
    resume,
    run_batches,
    save_checkpoint,
    setup,
)

logger = logging.getLogger(__name__)

NEG = -1e4  # a logit for a position the teacher gives nothing: probability 0 after the softmax
NEWS = Path("../shared/data/public/news-html/ground-truth.json")
NEWS_SPLIT = Path("benchmarks/news/split.json")


@dataclass(frozen=True)
class DistilConfig(TrainConfig):
    """A reader training run (TrainConfig: the data mix, the student's base, the schedule) taught by a teacher."""

    teacher: str = ""  # the teacher reader's folder
    temperature: float = 2.0  # softens both distributions; the soft loss is scaled by its square
    soft_weight: float = 0.7  # the soft targets' share of the loss; the hard labels have the rest
    teacher_max_length: int = 384  # the teacher reads a student window's text whole (256 WordPieces fit)
    news_windows: int = 0  # news-page chunks with unrelated questions (no answer), from the news tune half
    news: str = str(NEWS)
    news_split: str = str(NEWS_SPLIT)


def news_examples(cfg: DistilConfig, questions: Sequence[str]) -> list[Example]:
    """Up to cfg.news_windows chunks of the real news pages of the benchmark's tune half (their hand-made text; the
    test half is never seen), each paired with a question asked of another text: no answer. So the student sees
    news text too, and what the teacher makes of it, not only Wikipedia paragraphs."""
    if not cfg.news_windows:
        return []
    pages = json.loads(Path(cfg.news).read_text(encoding="utf-8"))
    tune = json.loads(Path(cfg.news_split).read_text(encoding="utf-8"))["tune"]
    chunks = []
    for page in tune:
        words = pages[page]["articleBody"].split()
        chunks += [" ".join(words[i : i + 120]) for i in range(0, len(words), 120) if len(words[i : i + 120]) > 40]
    rng = random.Random(cfg.seed + 3)
    rng.shuffle(chunks)
    return [Example(rng.choice(questions), c, -1, "") for c in chunks[: cfg.news_windows]]


def aligned(
    student: Sequence[tuple[int, int] | None],
    teacher: Sequence[tuple[int, int] | None],
    start_logits: Sequence[float],
    end_logits: Sequence[float],
    shift: int,
) -> tuple[list[float], list[float], list[bool]]:
    """The teacher's start and end logits moved onto the student's positions (teacher spans are relative to the
    window's text, which starts `shift` characters into the context), and which student positions they speak
    for: the no-answer position and every context token. Pure, so it is tested with hand-set logits."""
    starts = {s[0] + shift: start_logits[t] for t, s in enumerate(teacher) if s is not None and s[1] > s[0]}
    ends = {s[1] + shift: end_logits[t] for t, s in enumerate(teacher) if s is not None and s[1] > s[0]}
    read = max(ends, default=shift)  # past this the teacher's input was cut: it says nothing there
    out_s, out_e, mask = [start_logits[0]], [end_logits[0]], [True]
    for span in student[1:]:
        if span is None or span[1] > read:
            out_s.append(NEG)
            out_e.append(NEG)
            mask.append(False)
        else:
            out_s.append(starts.get(span[0], NEG))
            out_e.append(ends.get(span[1], NEG))
            mask.append(True)
    return out_s, out_e, mask


def soft_loss(student: Any, target: Any, mask: Any, temperature: float) -> Any:
    """KL(teacher || student) over the positions the teacher speaks for, at a temperature, times its square."""
    import torch

    s = (student / temperature).masked_fill(~mask, float("-inf"))
    t = (target / temperature).masked_fill(~mask, float("-inf"))
    log_s = torch.log_softmax(s, dim=-1)
    p_t = torch.softmax(t, dim=-1)
    kl = (p_t * (torch.log(p_t.clamp(min=1e-12)) - log_s.masked_fill(~mask, 0.0))).masked_fill(~mask, 0.0)
    return kl.sum(dim=-1).mean() * temperature**2


def teacher_targets(
    rows: Sequence[int], feats: Sequence[dict[str, Any]], examples: Sequence[Example], teacher: Any, cfg: Any
) -> tuple[Any, Any, Any]:
    """(start, end, mask) targets for a student batch, padded to its width: the teacher reads each window's text."""
    import torch

    model, tokenizer, device = teacher
    width = max(len(feats[i]["input_ids"]) for i in rows)
    texts, shifts = [], []
    for i in rows:
        spans = [s for s in feats[i]["spans"] if s is not None]
        lo, hi = (spans[0][0], spans[-1][1]) if spans else (0, 0)
        texts.append(examples[feats[i]["example"]].context[lo:hi])
        shifts.append(lo)
    enc = tokenizer(
        [feats[i]["question"] for i in rows],
        texts,
        truncation="only_second",
        max_length=cfg.teacher_max_length,
        padding=True,
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    inputs = {k: enc[k].to(device) for k in ("input_ids", "attention_mask")}
    with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
        out = model(**inputs)
    starts, ends = out.start_logits.float().cpu(), out.end_logits.float().cpu()
    target_s = torch.full((len(rows), width), NEG)
    target_e = torch.full((len(rows), width), NEG)
    mask = torch.zeros((len(rows), width), dtype=torch.bool)
    for r, i in enumerate(rows):
        seq = enc.sequence_ids(r)
        spans = [tuple(o) if seq[t] == 1 else None for t, o in enumerate(enc["offset_mapping"][r].tolist())]
        s, e, m = aligned(feats[i]["spans"], spans, starts[r].tolist(), ends[r].tolist(), shifts[r])
        n = len(s)
        target_s[r, :n], target_e[r, :n], mask[r, :n] = torch.tensor(s), torch.tensor(e), torch.tensor(m)
    return target_s, target_e, mask


def load_teacher(path: str, device: Any) -> tuple[Any, Any, Any]:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    model = AutoModelForQuestionAnswering.from_pretrained(path, dtype=torch.float32).to(device).eval()
    return model, AutoTokenizer.from_pretrained(path), device


def distil(cfg: DistilConfig) -> None:
    """Run (or resume) one distillation and export the student (at max_minutes, what there is)."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    device, tokenizer, examples = setup(cfg)
    examples += news_examples(cfg, [e.question for e in examples if e.answer_start >= 0])
    feats = featurize(examples, tokenizer, cfg, keep=True)
    batches = run_batches(feats, cfg)
    logger.info("%d examples -> %d windows -> %d steps", len(examples), len(feats), len(batches))
    teacher = load_teacher(cfg.teacher, device)
    model = AutoModelForQuestionAnswering.from_pretrained(cfg.base_model, dtype=torch.float32).to(device)
    optimizer, scheduler = optimiser(model, cfg, len(batches))
    ckpt = Path(cfg.checkpoint_dir)
    done = resume(ckpt, model, optimizer, scheduler, device)
    model.train()
    began, loss_avg = time.time(), 0.0
    for step in range(done, len(batches)):
        rows = batches[step]
        inputs = {k: v.to(device) for k, v in collate(feats, rows, tokenizer.pad_token_id).items()}
        target_s, target_e, mask = (t.to(device) for t in teacher_targets(rows, feats, examples, teacher, cfg))
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
            out = model(**inputs)
        soft = (
            soft_loss(out.start_logits.float(), target_s, mask, cfg.temperature)
            + soft_loss(out.end_logits.float(), target_e, mask, cfg.temperature)
        ) / 2
        loss = cfg.soft_weight * soft + (1 - cfg.soft_weight) * out.loss.float()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        loss_avg = 0.98 * loss_avg + 0.02 * loss.item() if step > done else loss.item()
        done = step + 1
        late = bool(cfg.max_minutes) and time.time() - began > 60 * cfg.max_minutes
        if done % cfg.save_every == 0 or done == len(batches) or late:
            save_checkpoint(ckpt, model, optimizer, scheduler, done)
            stats = {"step": done, "steps": len(batches), "windows": len(feats), "loss": round(loss_avg, 4)}
            export_model(model, tokenizer, ckpt / "export", cfg, stats)
            logger.info("step %d of %d, loss %.3f, %.0f s", done, len(batches), loss_avg, time.time() - began)
        if late:
            break
    stats = {"step": done, "steps": len(batches), "windows": len(feats), "loss": round(loss_avg, 4)}
    export_model(model, tokenizer, Path(cfg.out), cfg, stats)
    logger.info("wrote %s", cfg.out)


def parse_args(argv: Sequence[str] | None = None) -> DistilConfig:
    """Command-line flags -> DistilConfig (every field a flag: --max-length, --teacher, --soft-weight, ...)."""
    p = argparse.ArgumentParser(prog="python -m qa.training.distil", description=__doc__)
    defaults = {
        "data": "../shared/data/public/squad-train/train-v1.1.json.gz",
        "provenance": "../shared/data/public/squad-train/offset-provenance.tsv.gz",
        "base_model": "models/reader",
        "out": "models/reader-distilled",
        "checkpoint_dir": str(Path.home() / ".cache" / "qa-distil"),
    }
    for f in fields(DistilConfig):
        default = defaults.get(f.name, f.default)
        flag = "--" + f.name.replace("_", "-")
        if f.type == "bool":
            p.add_argument(flag, type=lambda v: v.lower() in ("1", "true", "yes"), default=default)
        else:
            kind = {"int": int, "float": float}.get(str(f.type), str)
            p.add_argument(flag, type=kind, default=default)
    args = vars(p.parse_args(argv))
    if not args["teacher"]:
        p.error("--teacher is required: the fine-tuned teacher's folder (python -m qa.training.teacher)")
    return DistilConfig(**args)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    distil(parse_args())
