"""`taito-dx eval`: score the assistant (and the baseline) on a question file, check thresholds, report."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from pathlib import Path

from taito_dx.evals.questions import DEFAULT_CONSULTATIONS, DEFAULT_QUESTIONS, load_questions
from taito_dx.evals.report import previous_totals, table, write_report
from taito_dx.evals.scoring import Scored, by_category, score, score_consultations
from taito_dx.errors import ConfigError
from taito_dx.settings import Settings

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
DEFAULT_CONSULT_THRESHOLDS = Path(__file__).resolve().parent / "consult_thresholds.toml"
REPORTS_FOLDER = "eval-reports"  # under the index directory, unless --report-dir says otherwise


def evaluate(settings: Settings, questions_file: Path, *, k: int = 5) -> Scored:
    """The assistant's scores on a question file."""
    from taito_dx.assistant.assistant import Assistant

    questions = load_questions(questions_file)
    assistant = Assistant(settings)
    assistant.ask(questions[0].question)  # warm: the first question opens the index
    return score(questions, assistant.ask, k=k)


def evaluate_consultations(settings: Settings, questions_file: Path, *, k: int = 5) -> Scored:
    """The BPR consultation's scores on a file of work problems (see `score_consultations`)."""
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.assistant.consult import consult

    questions = load_questions(questions_file)
    assistant = Assistant(settings)
    consult(assistant.search, questions[0].question)  # warm: the first call opens the index
    return score_consultations(questions, lambda problem: consult(assistant.search, problem), k=k)


def evaluate_baseline(settings: Settings, questions_file: Path, *, k: int = 5) -> Scored:
    """The plain LangChain pipeline's scores on the same questions, with the same embedder."""
    from taito_dx.evals.baseline import BaselinePipeline
    from taito_dx.embeddings import load_embeddings

    questions = load_questions(questions_file)
    with tempfile.TemporaryDirectory(prefix="taito-dx-baseline-") as workdir:
        pipeline = BaselinePipeline(list(settings.corpus), load_embeddings(settings.embedding_model), k=k,
                                    workdir=Path(workdir))
        return score(questions, pipeline.ask, k=k)


def check(totals: dict[str, float], thresholds_file: Path) -> list[str]:
    """The totals that miss their threshold, as sentences."""
    try:
        limits = tomllib.loads(thresholds_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds from {thresholds_file}: {exc}") from exc
    failures = []
    for key, minimum in limits.get("min", {}).items():
        if totals.get(key, 0.0) < minimum:
            failures.append(f"{key} = {totals.get(key, 0.0):.3f} is below {minimum}")
    for key, maximum in limits.get("max", {}).items():
        if totals.get(key, 0.0) > maximum:
            failures.append(f"{key} = {totals.get(key, 0.0):.3f} is above {maximum}")
    return failures


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    if args.consult and args.baseline:
        raise ConfigError("--baseline scores answers: the plain pipeline has no consultation to compare")
    questions_file = args.questions or (DEFAULT_CONSULTATIONS if args.consult else DEFAULT_QUESTIONS)
    report_dir = args.report_dir or settings.index_dir / REPORTS_FOLDER
    result = (evaluate_consultations if args.consult else evaluate)(settings, questions_file, k=args.k)
    baseline = evaluate_baseline(settings, questions_file, k=args.k) if args.baseline else None
    previous = previous_totals(report_dir, questions_file)
    print(table(result.totals, baseline.totals if baseline else None, previous))
    if args.json_out:
        payload = {"questions": result.results, "totals": result.totals}
        if baseline:
            payload["baseline"] = {"questions": baseline.results, "totals": baseline.totals}
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_report:
        path = write_report(
            report_dir, questions_file=questions_file, totals=result.totals, categories=by_category(result.results),
            results=result.results, baseline=baseline.totals if baseline else None,
            baseline_categories=by_category(baseline.results) if baseline else None, previous=previous,
        )
        print(f"\nreport: {path}")
    if args.check:
        thresholds = args.thresholds or (DEFAULT_CONSULT_THRESHOLDS if args.consult else DEFAULT_THRESHOLDS)
        failures = check(result.totals, thresholds)
        for failure in failures:
            print(f"below threshold: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0
