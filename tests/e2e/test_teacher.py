"""The teacher run prepared for a lent GPU, end to end on a tiny slice on the CPU: the real all-mpnet-base-v2
packed for the trip and unpacked, fine-tuned as a QA teacher for a few steps, distilled into the shipped reader,
and the student back as shards that join into a reader the product loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

pytestmark = pytest.mark.slow

TRAIN = SHARED / "data" / "public" / "squad-train" / "train-v1.1.json.gz"


@pytest.fixture(scope="module")
def mpnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qa.training.gpu_run import mpnet_folder

    if not TRAIN.is_file():
        pytest.skip("../shared data not present")
    try:
        return mpnet_folder(tmp_path_factory.mktemp("mpnet-cache"))
    except FileNotFoundError as err:  # requirements-train.txt installs it (.ci/run does)
        pytest.skip(str(err))


def test_the_teacher_survives_the_trip_within_what_a_call_carries(mpnet: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from qa.training.trip import pack, unpack

    parts = pack(mpnet, tmp_path / "parts", bits=8, part_bytes=17 * 2**20)
    assert 6 <= len(parts) <= 8 and all(p.stat().st_size <= 17 * 2**20 + 2**16 for p in parts)  # + a header
    (tmp_path / "parts" / parts[3].name).rename(tmp_path / "held-back")
    with pytest.raises(FileNotFoundError, match=rf"parts \[3\] of {len(parts)} have not arrived"):
        unpack(tmp_path / "parts", tmp_path / "model")
    (tmp_path / "held-back").rename(parts[3])
    back = load_file(str(unpack(tmp_path / "parts", tmp_path / "model") / "model.safetensors"))
    original = load_file(str(mpnet / "model.safetensors"))
    assert back.keys() == original.keys()
    for name, tensor in original.items():
        error = (back[name].float() - tensor.float()).norm() / tensor.float().norm().clamp(min=1e-12)
        assert error < 0.01, (name, float(error))  # 8 bits in groups of 128: well under a percent
    assert (tmp_path / "model" / "tokenizer.json").is_file() and (tmp_path / "model" / "config.json").is_file()


def test_the_whole_run_on_a_tiny_slice(mpnet: Path, tmp_path: Path) -> None:
    """gpu_run.run as the last call runs it, on the CPU: 2 teacher steps, 2 distillation steps, 40 questions."""
    from safetensors.torch import load_file

    from qa.reader import TransformersReader
    from qa.training.gpu_run import main, pack_data
    from qa.training.trip import join, pack

    trip = tmp_path / "trip"
    pack(mpnet, trip, bits=8)
    pack_data(trip / "data", SHARED / "data" / "public")
    out = tmp_path / "out"
    args = ["run", "--trip", str(trip), "--work", str(tmp_path / "work"), "--out", str(out), "--device", "cpu"]
    args += ["--teacher-steps", "2", "--distil-steps", "2", "--max-examples", "40", "--news-windows", "8"]
    args += [
        "--batch-size",
        "4",
        "--teacher-max-length",
        "160",
        "--threads",
        "2",
        "--student",
        str(ROOT / "models" / "reader"),
    ]
    assert main(args) == 0
    files = list(out.rglob("*.*"))
    assert len(files) <= 8 and all(f.stat().st_size <= 16 * 2**20 for f in files), files  # what comes back
    student = join(out / "student", tmp_path / "student")
    teacher = load_file(str(tmp_path / "work" / "teacher" / "model.safetensors"))
    assert any(k.startswith("qa_outputs") for k in teacher)  # a QA head was trained on the teacher
    shipped = load_file(str(ROOT / "models" / "reader" / "model.safetensors"))
    learnt = load_file(str(student / "model.safetensors"))
    assert learnt.keys() == shipped.keys() and any(not (learnt[k] == shipped[k]).all() for k in shipped)
    reader = TransformersReader(student)  # the product loads it like reader v4
    found = reader.read_texts(["Who met Theresa May in Calais?"], ["Bernard Cazeneuve met Theresa May in Calais."])
    assert found[0] and found[0][0].text
    assert (out / "run.json").is_file()


def test_a_cut_off_distillation_resumes_from_its_checkpoint(mpnet: Path, tmp_path: Path) -> None:
    """On a CPU the distillation is resumable: a second run of the same command goes on from the saved step."""
    import json

    from qa.training.distil import DistilConfig, distil
    from qa.training.reader import TrainConfig, train

    common = {
        "data": str(TRAIN),
        "provenance": str(TRAIN.with_name("offset-provenance.tsv.gz")),
        "max_examples": 24,
        "batch_size": 4,
        "max_length": 160,
        "stride": 48,
        "threads": 2,
        "bf16": False,
        "device": "cpu",
    }
    teacher = tmp_path / "teacher"
    train(
        TrainConfig(base_model=str(mpnet), out=str(teacher), checkpoint_dir=str(tmp_path / "t"), max_steps=1, **common)
    )
    cfg = DistilConfig(
        base_model=str(ROOT / "models" / "reader"),
        out=str(tmp_path / "student"),
        checkpoint_dir=str(tmp_path / "s"),
        teacher=str(teacher),
        max_steps=2,
        save_every=1,
        **common,
    )
    distil(DistilConfig(**{**cfg.__dict__, "max_minutes": 1e-6}))  # cut off after its first step
    first = json.loads((tmp_path / "s" / "export" / "training.json").read_text())
    assert (first["step"], first["steps"]) == (1, 2)
    distil(cfg)
    record = json.loads((tmp_path / "student" / "training.json").read_text())
    assert record["step"] == 2 and record["loss"] == record["loss"]  # not NaN
