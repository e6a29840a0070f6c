"""Settings: the one owner of defaults; the environment overrides deployment settings only."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import ENVIRONMENT, Settings


def test_deployment_variables_override_their_settings() -> None:
    env = {"QA_TOP_K": "7", "QA_INDEX_DIR": "/data/idx", "QA_MIN_ANSWER_SCORE": "0.3", "QA_READER_PRECISION": "fp32"}
    s = Settings.from_env(env)
    assert (s.top_k, s.index_dir, s.min_answer_score, s.reader_precision) == (7, Path("/data/idx"), 0.3, "fp32")
    assert Settings.from_env({}) == Settings()


def test_measurement_switches_are_not_read_from_the_environment() -> None:
    assert Settings.from_env({"QA_SPANS_PER_PASSAGE": "1", "QA_CHUNK_WORDS": "50"}) == Settings()
    assert "spans_per_passage" not in ENVIRONMENT and "chunk_words" not in ENVIRONMENT


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"QA_TOP_K": "abc"}, "QA_TOP_K='abc' is not a valid int"),
        ({"QA_TOP_K": "0"}, "QA_TOP_K"),
        ({"QA_MIN_ANSWER_SCORE": "high"}, "QA_MIN_ANSWER_SCORE"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_the_qa_facade_takes_its_defaults_from_settings(fake_qa) -> None:  # type: ignore[no-untyped-def]
    from qa import QA

    bare = QA(fake_qa.retriever, fake_qa.reader)
    assert bare.settings == Settings()
    assert len(bare.retrieve("Calais")) == Settings().top_k


def test_report_spans_cannot_be_fewer_than_answer_spans_and_the_flag_reaches_the_setting() -> None:
    from qa.__main__ import measured_settings, parser

    with pytest.raises(ValueError, match="report_spans_per_passage"):
        Settings(spans_per_passage=3, report_spans_per_passage=2)
    args = parser(Settings()).parse_args(["eval-disagree", "q.json", "--report-spans-per-passage", "4"])
    assert measured_settings(args, Settings()).report_spans_per_passage == 4
    # a larger --spans-per-passage alone raises the report spans with it instead of failing
    args = parser(Settings()).parse_args(["eval-disagree", "q.json", "--spans-per-passage", "10"])
    assert measured_settings(args, Settings()).report_spans_per_passage == 10


def test_unconfirmed_reports_come_from_the_environment_or_the_flag_and_are_never_negative() -> None:
    from qa.__main__ import measured_settings, parser

    assert Settings.from_env({"QA_UNCONFIRMED_REPORT_ARTICLES": "0"}).unconfirmed_report_articles == 0
    assert Settings.from_env({}).unconfirmed_report_articles == 2
    with pytest.raises(ValueError, match="unconfirmed_report_articles"):
        Settings(unconfirmed_report_articles=-1)
    args = parser(Settings()).parse_args(["eval-disagree", "q.json", "--unconfirmed-report-articles", "3"])
    assert measured_settings(args, Settings()).unconfirmed_report_articles == 3


def test_the_kindless_report_bar_flag_reaches_the_setting() -> None:
    from qa.__main__ import measured_settings, parser

    assert Settings().min_other_report_score == 0.5
    args = parser(Settings()).parse_args(["eval-disagree", "q.json", "--other-report-score", "0.3"])
    assert measured_settings(args, Settings()).min_other_report_score == 0.3


def test_each_folder_of_articles_has_its_own_index_by_one_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.config import index_for

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    mine = tmp_path / "mine"
    mine.mkdir()
    base = Settings()
    assert base.for_folder(base.seeds_dir) == base  # the configured corpus keeps its index
    other = base.for_folder(mine)
    assert other.seeds_dir == mine.resolve() and other.index_dir == index_for(mine) != base.index_dir
    assert str(other.index_dir).startswith(str(tmp_path / "data"))
    assert base.for_folder(mine, tmp_path / "idx").index_dir == tmp_path / "idx"  # unless one is named
    # QA_SEEDS_DIR alone moves the index with the corpus (in a checkout too), never into the seeds' one
    assert Settings.from_env({"QA_SEEDS_DIR": str(mine)}).index_dir == index_for(mine)
    assert Settings.from_env({"QA_SEEDS_DIR": str(base.seeds_dir)}).index_dir == base.index_dir
    with pytest.raises(ValueError, match="is not a folder of articles"):
        base.for_folder(tmp_path / "missing")


def test_a_build_never_writes_into_another_folders_index(seeds_copy: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    from qa.build import build_index
    from qa.index import read_manifest
    from qa.loading import IndexOwnedError, refuse_another_folders
    from tests.conftest import HashingEncoder

    index = tmp_path / "idx"
    build_index(seeds_copy, index, encoder=HashingEncoder(), chunk_words=60, overlap_words=15)
    assert read_manifest(index).corpus == str(seeds_copy.resolve())
    settings = Settings(seeds_dir=seeds_copy, index_dir=index)
    refuse_another_folders(settings)  # its own folder: fine
    other = tmp_path / "other"
    other.mkdir()
    (other / "dover.txt").write_text("Dover\n\nA ferry ran late.\n", encoding="utf-8")
    with pytest.raises(IndexOwnedError, match="never writes into another folder's index"):
        refuse_another_folders(replace(settings, seeds_dir=other))
    copy = tmp_path / "copy"  # a copy of the folder (or the folder moved) shares its files: its index too
    copy.mkdir()
    for path in seeds_copy.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    refuse_another_folders(replace(settings, seeds_dir=copy))
