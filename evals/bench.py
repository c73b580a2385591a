"""`taito-dx bench`: speed and memory figures of the assistant, beside the plain pipeline, in one process.

The scenarios are in `scenarios`, the timing helpers and the table in `harness`. On a shared machine
absolute timings are noisy; the query figures are best read as the ratio to the baseline measured in
the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from taito_dx.evals import scenarios
from taito_dx.evals.harness import FULL, QUICK, table
from taito_dx.evals.questions import DEFAULT_QUESTIONS, load_questions
from taito_dx.settings import Settings


def run(settings: Settings, *, quick: bool = False, log: scenarios.Log = lambda message: None) -> dict[str, Any]:
    """Every figure of the benchmark (`harness.ROWS` keys and more), with `notes` for anything skipped."""
    sizes = QUICK if quick else FULL
    figures: dict[str, Any] = {"quick": quick, "cpus": os.cpu_count(), "load_average_start": list(os.getloadavg()),
                               "python": platform.python_version(), "embedding_model": settings.embedding_model,
                               "notes": {}}
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    work = Path(tempfile.mkdtemp(prefix="taito-dx-bench-"))
    try:
        shipped, embedder, plan = scenarios.shipped_corpus(settings, work, sizes, questions, log)
        figures.update(shipped)
        figures.update(scenarios.scale(settings, work, sizes, embedder, questions, log))
        figures.update(scenarios.serve(plan, work, sizes, questions, log, figures["notes"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["load_average_end"] = list(os.getloadavg())
    return figures


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """`taito-dx bench`: run, print the table, write `--json` when asked."""
    figures = run(settings, quick=args.quick, log=lambda message: print(f"… {message}", file=sys.stderr, flush=True))
    print(table(figures))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0
