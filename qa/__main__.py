"""Command line: python -m qa build | serve | ask | search | eval | eval-squad | eval-open | eval-disagree | bench."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.corpus import CorpusError
from qa.hardware import PRECISIONS
from qa.index import IncompatibleIndexError, MissingIndexError
from qa.stores import StoreError

logger = logging.getLogger("qa")
EXPECTED_ERRORS = (
    MissingIndexError,
    IncompatibleIndexError,
    CorpusError,
    ValueError,
    FileNotFoundError,
    StoreError,
)
DECISION_HELP = (
    "what is an answer, a guess or not found: '' (auto: the index's, else the shipped one), squad, or a file"
)
STORE_HELP = "where the index is searched: faiss (default), milvus, milvus:PATH.db, milvus://HOST:PORT (see README)"


def parser(settings: Settings) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m qa", description="Question answering over a folder of news articles.")
    p.add_argument("-v", "--verbose", action="store_true")
    commands = p.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="(re)build a folder's index (its own: see the README)")
    build.add_argument("folder", type=Path, nargs="?", help="the folder of articles (default: the bundled seeds)")
    build.add_argument("--seeds", type=Path, help="the folder, as a flag (older spelling)")
    build.add_argument("--out", "--index", dest="out", type=Path, help="where its index goes (default: its own)")
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build.add_argument("--check", action="store_true", help="exit 1 if the index is missing or stale; build nothing")
    build.add_argument("--store", default=settings.store, help=STORE_HELP)
    for name, text in (("ask", "answer a question with citations"), ("search", "show retrieved passages only")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("question")
        sub.add_argument("folder", type=Path, nargs="?", help="the folder of articles (default: the bundled seeds)")
        sub.add_argument("-k", type=int, default=settings.top_k)
        sub.add_argument("--index", type=Path, help="where its index is (default: the folder's own)")
        sub.add_argument("--store", default=settings.store, help=STORE_HELP)
    serve = commands.add_parser("serve", help="the web chat on a folder of articles (its index built or updated first)")
    serve.add_argument("folder", type=Path, nargs="?", default=settings.seeds_dir, help="default: the bundled seeds")
    serve.add_argument("--index", type=Path, help="where its index is (default: see the README's 'Installed')")
    serve.add_argument("--store", default=settings.store, help=STORE_HELP)
    from qa.web import serve_arguments

    serve_arguments(serve, os.environ)
    cal = commands.add_parser(
        "calibrate", help="fit what is an answer, a guess or not found to your questions or votes"
    )
    cal.add_argument("folder", type=Path, nargs="?", default=settings.seeds_dir, help="default: the bundled seeds")
    cal.add_argument("--index", type=Path, help="where its index is (default: as `serve`)")
    given = cal.add_mutually_exclusive_group(required=True)
    given.add_argument("--questions", type=Path, help='a JSON list of {"question", "answers"} about the folder')
    given.add_argument("--feedback", type=Path, help="the chat's votes (feedback.jsonl in the index folder)")
    cal.add_argument("--target", type=float, default=0.90, help="how often confident answers must be right")
    ev = commands.add_parser("eval", help="quality, citations, retrieval and latency on a question file")
    ev.add_argument("path", type=Path, nargs="?", help="a question file (e.g. ../shared/data/dev_questions.json)")
    ev.add_argument("--feedback", type=Path, help="the chat's votes (feedback.jsonl beside the index) as questions")
    ev.add_argument("-k", type=int, default=settings.top_k)
    ev.add_argument("--json", action="store_true")
    ev.add_argument("-v", "--verbose", action="store_true", help="a row per question")
    ev.add_argument("--index", type=Path, default=settings.index_dir)
    ev.add_argument("--store", default=settings.store, help=STORE_HELP)
    bench = commands.add_parser("bench", help="cold start, per-stage latency, reader cost, build throughput")
    bench.add_argument("-k", type=int, default=settings.top_k)
    bench.add_argument("--corpus", type=Path, help="also time a full build of this folder of .txt articles")
    squad = squad_parser(commands)
    op = open_parser(commands)
    dis = commands.add_parser("eval-disagree", help="are every article's differing values shown (issue 12's set)")
    dis.add_argument("path", type=Path, help="e.g. benchmarks/disagreement/questions.json")
    dis.add_argument("--upload", type=Path, action="append", default=[], help="index this article with the seeds")
    dis.add_argument("--json", action="store_true")
    news = news_parser(commands)
    for sub in (ev, squad, bench, op, dis, news):
        add_ablation_flags(sub)
    for sub in (squad, op):  # SQuAD figures are compared across versions at the SQuAD operating point
        sub.add_argument("--decision", default="squad", help=DECISION_HELP)
    for sub in (ev, bench, dis, news):
        sub.add_argument("--decision", default=settings.decision, help=DECISION_HELP)
    return p


def open_parser(commands: Any) -> argparse.ArgumentParser:
    """`eval-open`: the whole system on SQuAD dev articles written as a corpus (qa.evaluation.open_corpus)."""
    from qa.evaluation.squad import SPLITS

    help_text = "SQuAD dev articles as a corpus, every question through qa.answer"
    op: argparse.ArgumentParser = commands.add_parser("eval-open", help=help_text)
    op.add_argument("path", type=Path, help="SQuAD v2.0 dev JSON")
    op.add_argument("--split", choices=SPLITS, default="test")
    op.add_argument("--sample", type=int, default=2000, help="a fixed sample of this many questions (0: all)")
    op.add_argument("--limit", type=int, default=0, help="the first N of the sample only")
    op.add_argument("--work", type=Path, default=Path(".cache") / "eval-open", help="where articles and index go")
    op.add_argument("--sweep", action="store_true", help="also print a threshold sweep")
    return op


def news_parser(commands: Any) -> argparse.ArgumentParser:
    """`eval-news`: the whole system on real saved news pages (benchmarks/news; qa.evaluation.news)."""
    from qa.evaluation.news import BENCH, SPLITS

    news: argparse.ArgumentParser = commands.add_parser("eval-news", help="real news pages, questions written blind")
    news.add_argument("--questions", type=Path, default=BENCH / "questions.json")
    news.add_argument("--split", choices=SPLITS, default="test", help="decide on tune, report test")
    news.add_argument("--limit", type=int, default=0, help="the first N questions only")
    news.add_argument("--work", type=Path, default=Path(".cache") / "eval-news", help="where pages and index go")
    news.add_argument("--json", action="store_true")
    news.add_argument("-v", "--verbose", action="store_true", help="a row per question")
    news.add_argument("--offtopic-sample", type=int, default=0, help="also ask N SQuAD v1.1 dev questions (off-topic)")
    news.add_argument("--fit-decision", type=Path, metavar="FILE", help="fit the decision on --split tune; write it")
    return news


def squad_parser(commands: Any) -> argparse.ArgumentParser:
    """`eval-squad`: the reader alone on SQuAD (each question on its own paragraph)."""
    from qa.evaluation.squad import SPLITS

    help_text = "EM/F1 of the reader on a SQuAD v1.1 or v2.0 file"
    squad: argparse.ArgumentParser = commands.add_parser("eval-squad", help=help_text)
    squad.add_argument("path", type=Path)
    squad.add_argument("--limit", type=int, default=0, help="first N questions only")
    squad.add_argument("--predictions", type=Path, help="score this predictions JSON instead of running the reader")
    squad.add_argument("--threshold", type=float, default=None, help="abstention threshold (default: the app's)")
    squad.add_argument("--sweep", action="store_true", help="also print a threshold sweep and a reliability table")
    squad.add_argument("--split", choices=SPLITS, help="only the articles of this split (split.json; dev = held out)")
    squad.add_argument("--fit-calibration", type=Path, metavar="MODEL_DIR", help="fit the confidence; write it there")
    return squad


def add_ablation_flags(sub: argparse.ArgumentParser) -> None:
    """The reader's arithmetic, and switches that measure a design choice against its absence; the app always
    runs the defaults."""
    sub.add_argument("--precision", choices=PRECISIONS, help="reader arithmetic (default: settings)")
    group = sub.add_argument_group("ablations (measure a design choice; the app always uses the defaults)")
    group.add_argument("--spans-per-passage", type=int, default=Settings.spans_per_passage)
    group.add_argument(
        "--report-spans-per-passage",
        type=int,
        default=Settings.report_spans_per_passage,
        help="a count's spans per passage read for reports (at least --spans-per-passage)",
    )
    group.add_argument("--extra-passages", type=int, default=Settings.extra_passages, help="0: read the top k only")
    group.add_argument("--report-score", type=float, default=Settings.min_report_score)
    group.add_argument("--named-report-score", type=float, default=Settings.min_named_report_score)
    group.add_argument(
        "--other-report-score",
        type=float,
        default=Settings.min_other_report_score,
        help="a differing report's confidence for a question without a kind",
    )
    group.add_argument(
        "--unconfirmed-report-articles",
        type=int,
        default=Settings.unconfirmed_report_articles,
        help="when abstaining, show reports of the kind asked for from at least this many articles (0: never)",
    )


def measured_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """settings with the command's --precision and ablation flags applied."""
    return replace(
        settings,
        decision=args.decision,
        reader_precision=args.precision or settings.reader_precision,
        spans_per_passage=args.spans_per_passage,
        report_spans_per_passage=max(args.report_spans_per_passage, args.spans_per_passage),
        extra_passages=args.extra_passages,
        min_report_score=args.report_score,
        min_named_report_score=args.named_report_score,
        min_other_report_score=args.other_report_score,
        unconfirmed_report_articles=args.unconfirmed_report_articles,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m qa`; returns a process exit code (2 for expected errors)."""
    try:
        settings = Settings.from_env()
    except ValueError as err:  # a QA_* variable that does not parse
        print(f"error: {err}", file=sys.stderr)
        return 2
    p = parser(settings)
    args = p.parse_args(argv)
    settings = replace(settings, store=getattr(args, "store", settings.store))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        if args.command == "build":
            return run_build(args, settings)
        if args.command == "serve":
            return run_serve(args, settings, p)
        if args.command == "calibrate":
            from qa.calibrate import run_calibrate

            return run_calibrate(args, settings.for_folder(args.folder, args.index))
        if args.command == "bench":
            from qa.evaluation.bench import run_bench

            return run_bench(args, measured_settings(args, settings))
        if args.command == "eval-squad":
            from qa.evaluation.squad import run_eval_squad

            return run_eval_squad(args, measured_settings(args, settings))
        if args.command == "eval-open":
            from qa.evaluation.open_corpus import run_eval_open

            return run_eval_open(args, measured_settings(args, settings))
        if args.command == "eval-news":
            from qa.evaluation.news import run_eval_news

            return run_eval_news(args, measured_settings(args, settings))
        if args.command == "eval-disagree":
            from qa.evaluation.disagreement import run_eval_disagree

            return run_eval_disagree(args, measured_settings(args, settings))
        if args.command == "eval":
            from qa.evaluation.questions import run_eval
            from qa.pipeline import QA

            return run_eval(args, QA.load(replace(measured_settings(args, settings), index_dir=args.index)))
        return run_query(args, settings.for_folder(args.folder or settings.seeds_dir, args.index))
    except EXPECTED_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def run_build(args: argparse.Namespace, settings: Settings) -> int:
    from qa.loading import ensure_index_with_progress, index_is_current, target

    folder = args.folder or args.seeds or settings.seeds_dir
    if not Path(folder).is_dir():
        raise CorpusError(f"seeds folder {folder} does not exist")
    settings = settings.for_folder(folder, args.out)
    where = target(settings).describe()
    if args.check:
        current = index_is_current(settings)
        print(f"index in {where} is {'up to date' if current else 'missing or stale'}")
        return 0 if current else 1
    manifest = ensure_index_with_progress(settings, force=args.force)
    if manifest is None:
        print(f"index in {where} is up to date (use --force to rebuild)")
        return 0
    report = manifest.last_build
    structure = manifest.faiss_index or manifest.artifacts["collection"]["index"]
    changes = ", ".join(f"{key} {', '.join(report[key])}" for key in ("added", "changed", "removed") if report[key])
    print(
        f"built {where}: {manifest.counts['articles']} articles, {manifest.counts['chunks']} chunks "
        f"({manifest.embed_model}, {structure}); embedded {report['embedded_chunks']} chunks, "
        f"reused {report['reused_chunks']} from {report['unchanged']} unchanged articles"
        + (f"; {changes}" if changes else "")
    )
    return 0


def run_serve(args: argparse.Namespace, settings: Settings, p: argparse.ArgumentParser) -> int:
    """`qa serve DIR`: the chat on any folder, with the folder's own index (Settings.for_folder)."""
    from qa.web import serve

    serve(args, settings.for_folder(args.folder, args.index), p)
    return 0


def run_query(args: argparse.Namespace, settings: Settings) -> int:
    from qa.formatting import format_answer, format_passages
    from qa.hardware import one_shot_precision
    from qa.pipeline import QA, clean_question

    clean_question(args.question, settings.max_question_chars)  # fail fast, before loading models
    if args.k < 1:
        raise ValueError(f"k must be >= 1, got {args.k}")
    if args.folder is not None:  # a folder named: its index is built or updated first, as `qa serve` does
        from qa.loading import ensure_index_with_progress

        ensure_index_with_progress(settings)
    qa = QA.load(replace(settings, reader_precision=one_shot_precision(settings.reader_precision)))
    if args.command == "ask":
        print(format_answer(qa.answer(args.question, args.k), markdown=False))
    else:
        print(format_passages(qa.retrieve(args.question, args.k)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
