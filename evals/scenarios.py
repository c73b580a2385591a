"""The benchmark's scenarios, each run in temporary directories (the user's index is never touched):

1. `shipped_corpus`: model load, ingest of the shipped corpus, an unchanged re-ingest, then `Assistant.ask` and
   the plain pipeline on the eval questions, warm, and a consultation on each dev work problem, warm;
2. `scale`: ingest of a generated plan-like corpus about 100× the plan (×5 with `--quick`) and queries on it;
3. `serve`: `taito-dx serve` on the first index as a subprocess: time to the first HTTP 200, then its
   resident memory after questions asked through `gradio_client`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

from taito_dx.evals.harness import (
    CountingEmbeddings,
    Sizes,
    free_port,
    median_ms,
    ms,
    percentiles,
    seconds,
    tail,
    timed_interleaved,
    tree_rss_kb,
)
from taito_dx.evals.questions import load_questions
from taito_dx.settings import Settings

Log = Callable[[str], None]
SHORT_QUERY = "アナログ規制の見直しの担当課は？"


def shipped_corpus(settings: Settings, work: Path, sizes: Sizes, questions: list[str], log: Log) -> tuple[
    dict[str, Any], CountingEmbeddings, Settings]:
    """Model load, ingest of the shipped corpus and an unchanged re-ingest, then the assistant's questions timed
    beside the plain pipeline's: interleaved with it handed this project's embedder, then against it as a
    newcomer builds it. Returns the figures, the counting embedder and the settings of the index built."""
    started = time.perf_counter()
    import chromadb  # noqa: F401  (imported before the timed steps, so that none of them pays for it)

    from taito_dx.assistant.assistant import Assistant
    from taito_dx.embeddings import load_embeddings
    from taito_dx.evals.baseline import BaselinePipeline, LibraryDefaultUSE
    from taito_dx.ingest.pipeline import run as ingest

    figures: dict[str, Any] = {"import_seconds": seconds(started)}
    log("loading the embedding model")
    started = time.perf_counter()
    model = load_embeddings(settings.embedding_model)
    figures["model_load_seconds"] = seconds(started)
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
    figures["embed_query_ms"] = median_ms(lambda: model.embed_query(SHORT_QUERY), sizes.embed_runs)

    timed = questions[:sizes.questions]
    log(f"asking {len(timed)} questions × {sizes.repeats}, assistant and plain pipelines interleaved")
    started = time.perf_counter()
    assistant = Assistant(plan, embedder=model)
    assistant.ask(questions[0])
    figures["assistant_open_seconds"] = seconds(started)
    same_embedder = BaselinePipeline(list(plan.corpus), model, k=plan.top_k, workdir=work / "baseline-same")
    first, ours, (theirs_same,) = timed_interleaved(timed, assistant.ask, [same_embedder.ask], sizes.repeats)
    # Timed apart, after the others: its 4 BLAS threads on 2 cores spin on past each call and would
    # slow whatever runs right after it in this process.
    baseline = BaselinePipeline(list(plan.corpus), LibraryDefaultUSE(), k=plan.top_k, workdir=work / "baseline")
    _, theirs, _ = timed_interleaved(timed, baseline.ask, [], sizes.repeats)
    figures.update(percentiles("query", ours))
    figures.update(percentiles("baseline_query", theirs))
    figures.update(percentiles("baseline_same_embedder_query", theirs_same))
    figures.update(percentiles("query_first_ask", first))
    figures["query_p95_ratio"] = round(figures["query_p95_ms"] / figures["baseline_query_p95_ms"], 3)
    figures["query_p50_ratio"] = round(figures["query_p50_ms"] / figures["baseline_query_p50_ms"], 3)
    figures["query_p95_ratio_same_embedder"] = round(
        figures["query_p95_ms"] / figures["baseline_same_embedder_query_p95_ms"], 3)
    figures["questions"] = len(timed)
    figures["query_samples"] = len(ours)

    log("consulting on the dev work problems")
    from taito_dx.assistant.consult import consult
    from taito_dx.evals.questions import CONSULTATION_SPLITS

    problems = [q.question for q in load_questions(CONSULTATION_SPLITS["dev"])][:sizes.questions]
    started = time.perf_counter()
    consult(assistant.search, problems[0])  # loads the ranking model and embeds the 取組 profiles
    figures["consult_open_seconds"] = seconds(started)
    _, consultations, _ = timed_interleaved(problems, lambda problem: consult(assistant.search, problem), [],
                                            sizes.repeats)
    figures.update(percentiles("consult", consultations))
    return figures, embedder, plan


def scale(settings: Settings, work: Path, sizes: Sizes, embedder: CountingEmbeddings, questions: list[str],
          log: Log) -> dict[str, Any]:
    """Ingest throughput and query times on a generated corpus `sizes.scale` times the shipped one."""
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.evals.scale_corpus import write_corpus
    from taito_dx.ingest.pipeline import run as ingest

    target = sizes.scale * sum(path.stat().st_size for path in corpus_files(settings))
    corpus = write_corpus(work / "scale-corpus", target_bytes=target)
    log(f"ingesting a generated corpus of {corpus.bytes:,} bytes ({len(corpus.files)} files)")
    scaled = settings.with_(index_dir=work / "scale-index", chroma_host="")
    embedder.texts = 0
    report = ingest([*scaled.corpus, work / "scale-corpus"], scaled, embedder=embedder)
    figures: dict[str, Any] = {
        "scale_factor": sizes.scale,
        "scale_files": len(corpus.files) + len(corpus_files(settings)),
        "scale_bytes": corpus.bytes + sum(path.stat().st_size for path in corpus_files(settings)),
        "scale_chunks": report.chunks,
        "scale_texts_embedded": embedder.texts,
        "scale_ingest_seconds": round(report.seconds, 3),
        "scale_chunks_per_s": round(report.chunks / report.seconds, 1),
    }
    log("asking questions on the scale index")
    started = time.perf_counter()
    assistant = Assistant(scaled, embedder=embedder.inner)
    assistant.ask(questions[0])
    figures["scale_open_seconds"] = seconds(started)
    asked = questions + corpus.questions[:: max(1, len(corpus.questions) // sizes.scale_questions)][: sizes.scale_questions]
    for question in asked:  # warm
        assistant.ask(question)
    timings = [ms(lambda: assistant.ask(question)) for question in asked]
    figures.update(percentiles("scale_query", timings))
    figures["scale_query_samples"] = len(timings)
    return figures


def serve(plan: Settings, work: Path, sizes: Sizes, questions: list[str], log: Log,
          notes: dict[str, str]) -> dict[str, Any]:
    """Cold start and memory of `taito-dx serve` on the already built index, or nulls with a note."""
    figures: dict[str, Any] = {"serve_cold_start_s": None, "serve_first_answer_s": None, "serve_rss_mb": None}
    port = free_port()
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
            reason = wait_for_http(url, process, started + sizes.serve_start_timeout_s)
            if reason:
                notes["serve"] = f"skipped: {reason}; last output: {tail(log_file)}"
                return figures
            figures["serve_cold_start_s"] = seconds(started)
            try:
                ask = _chat_endpoint(url)
                ask(questions[0])
                figures["serve_first_answer_s"] = seconds(started)
                for question in (questions * 2)[1:sizes.serve_questions]:
                    ask(question)
            except Exception as exc:  # gradio_client raises many kinds; the figure is then not comparable
                notes["serve"] = f"skipped asking through the UI: {exc.__class__.__name__}: {exc}"
                return figures
            figures["serve_rss_mb"] = round(tree_rss_kb(process.pid) / 1024, 1)
            figures["serve_questions"] = sizes.serve_questions
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return figures


def wait_for_http(url: str, process: subprocess.Popen, deadline: float) -> str:
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


def corpus_files(settings: Settings) -> list[Path]:
    from taito_dx.ingest.collect import collect_files

    return [path for path, _ in collect_files(list(settings.corpus))[0]]
