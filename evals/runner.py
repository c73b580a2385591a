"""`taito-dx eval`: score the assistant (and the baseline) on the question splits or a file, check thresholds, report."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Callable

from taito_dx.evals.questions import CONSULTATION_SPLITS, QUESTION_SPLITS, load_questions
from taito_dx.evals.report import previous_totals, side_by_side, write_report
from taito_dx.evals.scoring import Scored, by_category, score, score_consultations
from taito_dx.errors import ConfigError
from taito_dx.settings import Settings

# Per question file (by its name without .jsonl): the bounds `--check` holds its totals to.
DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
REPORTS_FOLDER = "eval-reports"  # under the index directory, unless --report-dir says otherwise


def evaluate(settings: Settings, files: dict[str, Path], *, consult: bool = False, k: int = 5) -> dict[str, Scored]:
    """The assistant's scores on each question file (work problems with `consult`), one Assistant for all."""
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.assistant.consult import consult as consultation

    assistant = Assistant(settings)
    scored: dict[str, Scored] = {}
    for name, path in files.items():
        questions = load_questions(path)
        if consult:
            ask: Callable = lambda problem: consultation(assistant.search, problem)  # noqa: E731
            ask(questions[0].question)  # warm: the first call opens the index
            scored[name] = score_consultations(questions, ask, k=k)
        else:
            assistant.ask(questions[0].question)
            scored[name] = score(questions, assistant.ask, k=k)
    return scored


def evaluate_baseline(settings: Settings, files: dict[str, Path], *, k: int = 5) -> dict[str, Scored]:
    """The plain LangChain pipeline's scores on the same questions, with the same embedder."""
    from taito_dx.embeddings import load_embeddings
    from taito_dx.evals.baseline import BaselinePipeline

    with tempfile.TemporaryDirectory(prefix="taito-dx-baseline-") as workdir:
        pipeline = BaselinePipeline(list(settings.corpus), load_embeddings(settings.embedding_model), k=k,
                                    workdir=Path(workdir))
        return {name: score(load_questions(path), pipeline.ask, k=k) for name, path in files.items()}


def check(totals: dict[str, float], thresholds_file: Path, name: str) -> list[str]:
    """The totals of question file `name` that miss their bound in `thresholds_file`, as sentences."""
    try:
        limits = tomllib.loads(thresholds_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds from {thresholds_file}: {exc}") from exc
    if name not in limits:
        raise ConfigError(f"{thresholds_file} has no thresholds for {name}.jsonl: add a [{name}.min] table, "
                          "or give --thresholds")
    failures = []
    for key, minimum in limits[name].get("min", {}).items():
        if totals.get(key, 0.0) < minimum:
            failures.append(f"{name}: {key} = {totals.get(key, 0.0):.3f} is below {minimum}")
    for key, maximum in limits[name].get("max", {}).items():
        if totals.get(key, 0.0) > maximum:
            failures.append(f"{name}: {key} = {totals.get(key, 0.0):.3f} is above {maximum}")
    return failures


def question_files(args: argparse.Namespace) -> dict[str, Path]:
    """The files to score by name: `--questions`, else both splits of the questions (or work problems)."""
    paths = [args.questions] if args.questions else (CONSULTATION_SPLITS if args.consult else QUESTION_SPLITS).values()
    return {path.stem: path for path in paths}


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    if args.consult and args.baseline:
        raise ConfigError("--baseline scores answers: the plain pipeline has no consultation to compare")
    files = question_files(args)
    report_dir = args.report_dir or settings.index_dir / REPORTS_FOLDER
    results = evaluate(settings, files, consult=args.consult, k=args.k)
    baselines = evaluate_baseline(settings, files, k=args.k) if args.baseline else {}
    previous = {name: previous_totals(report_dir, path) for name, path in files.items()}
    print(side_by_side({name: scored.totals for name, scored in results.items()},
                       {name: scored.totals for name, scored in baselines.items()}, previous))
    if args.json_out:
        payloads = {name: _payload(scored, baselines.get(name)) for name, scored in results.items()}
        payload = next(iter(payloads.values())) if args.questions else {"splits": payloads}
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_report:
        for name, scored in results.items():
            baseline = baselines.get(name)
            path = write_report(
                report_dir, questions_file=files[name], totals=scored.totals, categories=by_category(scored.results),
                results=scored.results, baseline=baseline.totals if baseline else None,
                baseline_categories=by_category(baseline.results) if baseline else None, previous=previous[name],
            )
            print(f"report: {path}")
    if args.check:
        failures = [failure for name, scored in results.items()
                    for failure in check(scored.totals, args.thresholds or DEFAULT_THRESHOLDS, name)]
        for failure in failures:
            print(f"below threshold: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def _payload(scored: Scored, baseline: Scored | None) -> dict:
    payload: dict = {"questions": scored.results, "totals": scored.totals}
    if baseline:
        payload["baseline"] = {"questions": baseline.results, "totals": baseline.totals}
    return payload
