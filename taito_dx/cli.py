"""`taito-dx`: the command line. It parses, calls the library, and formats; nothing more."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Sequence

from taito_dx.chat_models import PROVIDERS
from taito_dx.embeddings import EMBEDDERS
from taito_dx.errors import ConfigError, TaitoDxError
from taito_dx.settings import Settings, env_names

if TYPE_CHECKING:
    from taito_dx.ingest.pipeline import IngestReport
    from taito_dx.models import Citation

log = logging.getLogger("taito_dx")


def _env_help(field: str) -> str:
    return f"(env {env_names(field)[0]})"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", type=Path, help=f"index directory, shared by every subcommand {_env_help('index_dir')}; "
                        "default ./.taito-dx")
    parser.add_argument("--embedding-model", help=f"{' or '.join(map(repr, EMBEDDERS))} (bundled, default) or a local "
                        f"sentence-transformers model directory {_env_help('embedding_model')}")
    parser.add_argument("--chroma-host", help=f"use a Chroma server (`chroma run`) at this host {_env_help('chroma_host')}")
    parser.add_argument("--chroma-port", type=int, help=f"Chroma server port, default 8000 {_env_help('chroma_port')}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the library does")


def _answering(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--top-k", type=int, help=f"sources retrieved per question, default 5 {_env_help('top_k')}")
    parser.add_argument("--llm", choices=PROVIDERS,
                        help=f"optional chat model to phrase answers, default none {_env_help('llm')}")
    parser.add_argument("--llm-model", help=f"model name for --llm {_env_help('llm_model')}")
    parser.add_argument("--llm-base-url", help=f"endpoint URL for --llm {_env_help('llm_base_url')}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taito-dx",
        description="Offline assistant for the Taito City DX Promotion Plan ((仮称)台東区DX推進計画): "
        "cited answers in Japanese or English.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ingest = commands.add_parser("ingest", help="build or update the index from documents",
                                 description="Read .txt/.md/.pdf files into the index; unchanged input embeds nothing.")
    ingest.add_argument("paths", nargs="*", type=Path,
                        help=f"files or folders to ingest (default: the shipped corpus/) {_env_help('corpus')}")
    ingest.add_argument("--json", action="store_true", help="print a machine-readable summary")
    ingest.add_argument("--rebuild", action="store_true",
                        help="embed and write everything anew, reusing nothing of the current index (repairs a damaged one)")
    ingest.add_argument("--max-document-chars", type=int,
                        help=f"refuse a file with more text than this, default 1000000 {_env_help('max_document_chars')}")
    _common(ingest)
    ingest.set_defaults(handler=cmd_ingest)

    check = commands.add_parser("check", help="check the index for damage",
                                description="Check every file of the current index generation against its manifest "
                                "(size and sha256), its counts, and every Chroma entry against its vector.")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    _common(check)
    check.set_defaults(handler=cmd_check)

    ask = commands.add_parser("ask", help="ask one question", description="Answer a question with cited sources.")
    ask.add_argument("question", help="the question, in Japanese or English")
    ask.add_argument("--json", action="store_true", help="print answer, citations and timing as JSON")
    ask.add_argument("--goal", type=int, help="only search under this 目標 (a number of the indexed plan)")
    ask.add_argument("--measure", type=int, help="only search under this 施策 (a number of the indexed plan)")
    _common(ask)
    _answering(ask)
    ask.set_defaults(handler=cmd_ask)

    consult = commands.add_parser("consult", help="BPR consultation: the plan's initiatives for a work problem",
                                  description="Suggest the plan's 取組 that address a described work problem, each "
                                  "with why (the matched line, its kind, the shared words) and cited sources.")
    consult.add_argument("problem", help="the work problem, in Japanese or English")
    consult.add_argument("--json", action="store_true", help="print suggestions, reasons, citations and timing as JSON")
    _common(consult)
    _answering(consult)
    consult.set_defaults(handler=cmd_consult)

    serve = commands.add_parser("serve", help="start the chat UI",
                                description="Start the Gradio chat UI (builds the index first if there is none).")
    serve.add_argument("--host", help=f"address to bind, default 127.0.0.1 {_env_help('host')}")
    serve.add_argument("--port", type=int, help=f"port, default 7860 {_env_help('port')}")
    serve.add_argument("--auth", help=f"require login USER:PASSWORD {_env_help('auth')}")
    serve.add_argument("--no-feedback", dest="feedback", action="store_false", default=None,
                       help=f"do not log thumbs up/down {_env_help('feedback')}")
    _common(serve)
    _answering(serve)
    serve.set_defaults(handler=cmd_serve)

    evaluate = commands.add_parser("eval", help="score the question sets",
                                   description="Score the assistant on its dev and blind test question splits "
                                   "(or one question file); print a table, write a report.")
    evaluate.add_argument("--questions", type=Path,
                          help="one question file (JSONL) instead of the splits evals/dev.jsonl and evals/test.jsonl "
                          "(evals/consultations.jsonl and evals/consultations-test.jsonl with --consult)")
    evaluate.add_argument("--consult", action="store_true",
                          help="score the BPR consultation on work problems instead of answers to questions")
    evaluate.add_argument("--json", dest="json_out", type=Path,
                          help="write per-question results and totals here (per split, without --questions)")
    evaluate.add_argument("--k", type=int, default=5, help="sources counted for hit@k (default 5)")
    evaluate.add_argument("--baseline", action="store_true", help="also score the plain LangChain pipeline")
    evaluate.add_argument("--check", action="store_true", help="exit 1 when a total is below its threshold")
    evaluate.add_argument("--thresholds", type=Path,
                          help="thresholds file (TOML, a table per question file), default evals/thresholds.toml")
    evaluate.add_argument("--report-dir", type=Path,
                          help="where the Markdown report and chart go, default eval-reports/ in the index directory")
    evaluate.add_argument("--no-report", action="store_true", help="skip the Markdown report and chart")
    _common(evaluate)
    _answering(evaluate)
    evaluate.set_defaults(handler=cmd_eval)

    bench = commands.add_parser("bench", help="measure speed and memory",
                                description="Benchmark the assistant against the plain pipeline; print a table.")
    bench.add_argument("--json", dest="json_out", type=Path, help="write the figures here")
    bench.add_argument("--quick", action="store_true", help="small sizes, to prove the benchmark runs")
    _common(bench)
    bench.set_defaults(handler=cmd_bench)

    feedback = commands.add_parser("feedback", help="read the thumbs up/down log",
                                   description="Show the feedback users gave in the chat UI.")
    feedback.add_argument("--json", action="store_true", help="print the raw JSONL records")
    _common(feedback)
    feedback.set_defaults(handler=cmd_feedback)
    return parser


SETTING_FLAGS = ("index_dir", "embedding_model", "chroma_host", "chroma_port", "top_k", "llm", "llm_model",
                 "llm_base_url", "host", "port", "auth", "feedback", "max_document_chars")


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {name: getattr(args, name, None) for name in SETTING_FLAGS}
    return Settings.load(**overrides)


def _progress() -> Callable[[str, int, int], None]:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="item", file=sys.stderr, disable=None, leave=False)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def ensure_index(settings: Settings) -> None:
    """Build the index from the shipped corpus when nothing was ever ingested into the index directory.

    Only then: an index directory holding any generation (damaged, outdated or not) is the user's, and
    opening it names what is wrong with it and the fix.
    """
    from taito_dx.index.directory import IndexDir

    if not IndexDir(settings.index_dir).is_empty():
        return
    print(f"No index at {settings.index_dir}: ingesting {', '.join(map(str, settings.corpus))} first.", file=sys.stderr)
    from taito_dx.ingest.pipeline import run

    report = run(list(settings.corpus), settings, progress=_progress())
    _print_problems(report)


def _print_problems(report: IngestReport) -> None:
    """The files an ingest could not use, and the sheets it could not read, on stderr."""
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from taito_dx.ingest.pipeline import run

    settings = settings_from(args)
    paths = args.paths or list(settings.corpus)
    report = run(paths, settings, progress=_progress(), rebuild=args.rebuild)
    if report.repaired:
        print(f"repaired: {report.repaired}", file=sys.stderr)
    _print_problems(report)
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False))
    else:
        print(f"{report.documents} documents, {report.chunks} chunks: {report.embedded} embedded, "
              f"{report.unchanged} unchanged, {report.removed} removed in {report.seconds:.2f}s "
              f"→ {settings.index_dir}")
    return 1 if report.errors else 0


def cmd_check(args: argparse.Namespace) -> int:
    from taito_dx.index.verify import verify

    result = verify(settings_from(args))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    elif result.problem:
        print(f"error: {result.problem}", file=sys.stderr)
    else:
        print(result.summary())
    return 1 if result.problem else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.assistant.retrieve import plan_filter

    settings = settings_from(args)
    ensure_index(settings)
    assistant = Assistant(settings)
    registry = assistant.search.view.current().registry
    check_plan_number("--goal", args.goal, registry.goals, "目標")
    check_plan_number("--measure", args.measure, registry.measures, "施策")
    started = time.perf_counter()
    answer = assistant.ask(args.question, where=plan_filter(goal=args.goal, measure=args.measure))
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**answer.to_dict(), "seconds": round(seconds, 4)}, ensure_ascii=False, indent=1))
        return 0
    print(answer.text)
    _print_sources(answer.citations)
    return 0


def cmd_consult(args: argparse.Namespace) -> int:
    from taito_dx.assistant.consult import consult
    from taito_dx.assistant.search import PlanSearch

    settings = settings_from(args)
    ensure_index(settings)
    search = PlanSearch(settings)
    started = time.perf_counter()
    consultation = consult(search, args.problem)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**consultation.to_dict(), "seconds": round(seconds, 4)}, ensure_ascii=False, indent=1))
        return 0
    print(consultation.text)
    _print_sources(consultation.citations)
    return 0


def _print_sources(citations: Sequence[Citation]) -> None:
    """Each citation: its number, document, page, plan location, and the lines that state the cited facts."""
    from taito_dx.assistant.citations import excerpt

    if not citations:
        return
    print("\nSources:")
    for number, citation in enumerate(citations, start=1):
        page = f" p.{citation.page}" if citation.page else ""
        print(f"[{number}] {citation.source}{page} — {citation.place}")
        print("    " + excerpt(citation.text, citation.highlights).replace("\n", "\n    "))


def check_plan_number(flag: str, number: int | None, numbers: Collection[int], kind: str) -> None:
    """Raise `ConfigError` when `number` (given as `flag`) is not one of the plan's `numbers` of `kind`."""
    if number is None or number in numbers:
        return
    known = sorted(numbers)
    if not known:
        raise ConfigError(f"{flag} {number}: the index has no {kind}")
    valid = f"{known[0]}–{known[-1]}" if known == list(range(known[0], known[-1] + 1)) else ", ".join(map(str, known))
    raise ConfigError(f"{flag} {number} is not in the plan: its {kind} are {valid}")


def cmd_serve(args: argparse.Namespace) -> int:
    from taito_dx.assistant.ui.app import serve

    settings = settings_from(args)
    ensure_index(settings)
    serve(settings)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from taito_dx.evals.runner import run_cli

    settings = settings_from(args)
    ensure_index(settings)
    return run_cli(args, settings)


def cmd_bench(args: argparse.Namespace) -> int:
    from taito_dx.evals.bench import run_cli

    return run_cli(args, settings_from(args))


def cmd_feedback(args: argparse.Namespace) -> int:
    from taito_dx.assistant.feedback import read_feedback

    settings = settings_from(args)
    records = read_feedback(settings.feedback_log)
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not records:
        print(f"No feedback yet ({settings.feedback_log}).")
        return 0
    up = sum(1 for record in records if record.get("rating") == "up")
    comments = sum(1 for record in records if record.get("comment"))
    print(f"{len(records)} ratings: {up} up, {len(records) - up} down, {comments} with a comment")
    for record in records[-20:]:
        print(f"{record.get('time', '')}  {record.get('rating', ''):4}  {record.get('question', '')[:60]}")
        if record.get("comment"):
            print(f"    comment: {' '.join(str(record['comment']).split())}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        return int(args.handler(args))
    except TaitoDxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
