"""The benchmark's stage timings come from the real pipeline and add up (figures themselves are not asserted)."""

from __future__ import annotations

from pathlib import Path

from qa.config import Settings
from qa.evaluation.bench import QUESTIONS, reader_window_cost, stage_latencies


def test_stage_latencies_cover_every_stage_and_add_up(real_settings: Settings) -> None:
    stages = stage_latencies(real_settings, QUESTIONS[:2], 5)
    assert set(stages) == {"embed", "dense", "bm25", "retrieve", "read", "assemble", "total"}
    assert all(v["p50"] > 0 and v["p95"] >= v["p50"] for v in stages.values())
    parts = stages["retrieve"]["p50"] + stages["read"]["p50"] + stages["assemble"]["p50"]
    assert stages["total"]["p50"] <= parts * 1.5 and stages["read"]["p50"] < stages["total"]["p50"]


def test_reader_cost_is_measured_on_real_windows(real_settings: Settings) -> None:
    cost = reader_window_cost(real_settings)
    assert cost["ms_per_384_window"] > 0 and cost["ms_per_5_passages"] > 0


def test_build_figures_come_from_a_real_build(tmp_path: Path) -> None:
    from qa.evaluation.bench import build_figures
    from tests.conftest import SEEDS

    figures = build_figures(SEEDS, tmp_path / "idx")
    assert figures["chunks"] > 10 and (tmp_path / "idx" / "manifest.json").is_file()
    assert figures["embed_chunks_per_s"] > figures["chunks_per_s"] > 0  # embedding is one part of the build
    assert figures["peak_rss_mb"] > 50
