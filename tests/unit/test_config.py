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
