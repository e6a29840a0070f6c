"""The benchmark measures what it names: stage timings from the real pipeline, build figures from a real build
(the figures themselves are not asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.evaluation.bench import QUESTIONS, reader_window_cost, stage_latencies


def test_each_stage_time_is_that_stage(real_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader made 40 ms slower shows up in the read stage and the total, not in retrieval or assembly (confirm
    reads too, for questions whose answer other articles' passages contain)."""
    import time

    from qa.reader import TransformersReader

    real_read = TransformersReader.read

    def slow_read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.04)
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(TransformersReader, "read", slow_read)
    stages = stage_latencies(real_settings, QUESTIONS[:2], 5)
    assert set(stages) == {"embed", "dense", "bm25", "retrieve", "read", "assemble", "confirm", "total"}
    assert stages["read"]["p50"] >= 40 and stages["total"]["p50"] >= 40
    assert stages["retrieve"]["p50"] < 40 and stages["assemble"]["p50"] < 40 and stages["embed"]["p50"] < 40


def test_reader_cost_is_measured_on_real_windows(real_settings: Settings) -> None:
    cost = reader_window_cost(real_settings)
    assert cost["ms_per_384_window"] > 0 and cost["ms_per_5_passages"] > 0


def test_build_figures_come_from_a_real_build(tmp_path: Path) -> None:
    from qa.evaluation.bench import build_figures
    from qa.index import Index
    from tests.conftest import SEEDS

    figures = build_figures(SEEDS, tmp_path / "idx")
    assert figures["chunks"] == Index.load(tmp_path / "idx").manifest.counts["chunks"] > 10  # the build it timed
    assert figures["peak_rss_mb"] > 50  # a process that loaded the embedder, not an empty one
