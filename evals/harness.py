"""The benchmark's harness: how much work each part does, timing and memory helpers, the figures' table.

On a shared machine absolute timings are noisy; query figures are best read as ratios to a baseline
measured in the same run, interleaved question by question (`timed_interleaved`).
"""

from __future__ import annotations

import socket
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
from langchain_core.embeddings import Embeddings


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


def timed_interleaved(questions: list[str], ours: Callable[[str], Any], others: list[Callable[[str], Any]],
                       repeats: int) -> tuple[list[float], list[float], list[list[float]]]:
    """Per-call milliseconds: ours the first time each question is asked (the warm-up pass), then ours
    and each of the others over `repeats` passes, rotating who goes first."""
    first: list[float] = []
    for question in questions:
        first.append(ms(lambda: ours(question)))
        for other in others:
            other(question)
    calls = [ours, *others]
    timings: list[list[float]] = [[] for _ in calls]
    for repeat in range(repeats):
        for number, question in enumerate(questions):
            for turn in range(len(calls)):
                which = (turn + number + repeat) % len(calls)
                timings[which].append(ms(lambda: calls[which](question)))
    return first, timings[0], timings[1:]


def ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def median_ms(call: Callable[[], Any], runs: int) -> float:
    call()
    return round(statistics.median(ms(call) for _ in range(runs)), 3)


def seconds(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def percentiles(prefix: str, timings: list[float]) -> dict[str, float]:
    return {f"{prefix}_p50_ms": round(float(np.percentile(timings, 50)), 3),
            f"{prefix}_p95_ms": round(float(np.percentile(timings, 95)), 3)}


def tree_rss_kb(pid: int) -> int:
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


# (key, label, unit, target as text) in table order; the baseline column is filled where one exists.
ROWS = (
    ("query_p50_ms", "query p50 (Assistant.ask, warm)", "ms", ""),
    ("query_p95_ms", "query p95 (Assistant.ask, warm)", "ms", "≤ 50 and ≤ ½ baseline"),
    ("baseline_same_embedder_query_p95_ms", "baseline p95, given this embedder", "ms", ""),
    ("query_p95_ratio", "query p95 / baseline p95", "×", "≤ 0.5"),
    ("query_p95_ratio_same_embedder", "query p95 / baseline p95, baseline given this embedder", "×", ""),
    ("query_first_ask_p95_ms", "query p95, first time each is asked", "ms", ""),
    ("consult_p50_ms", "consultation p50 (consult, warm)", "ms", ""),
    ("consult_p95_ms", "consultation p95 (consult, warm)", "ms", "≤ 100"),
    ("consult_open_seconds", "first consultation (embeds the 取組 profiles)", "s", ""),
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
