"""Load on loopback: N concurrent conversations of 3 questions through a real `taito-dx serve`.

Each conversation is its own `gradio_client.Client` (its own session): an eval question, a follow-up
that leans on it, and a second eval question, each through `/ask`. Every client connects first, then
all start at once. The seconds per reply are printed as p50 / p95 / max per level of concurrency,
with the CPU seconds the server process used:

    python -m taito_dx.evals.load --index-dir .taito-dx --conversations 50 100 200
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from taito_dx.evals.harness import free_port
from taito_dx.evals.scenarios import wait_for_http

QUESTIONS = Path(__file__).with_name("dev.jsonl")
FOLLOW_UPS = ("それはどの施策に属しますか？", "その担当は？", "what is its indicator?")
START_TIMEOUT_S = 240.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (not empty)."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


def plans(count: int, questions: list[str]) -> list[tuple[str, ...]]:
    """Conversation i: eval question i, a follow-up, eval question i + count (deterministic)."""
    return [(questions[i % len(questions)], FOLLOW_UPS[i % len(FOLLOW_UPS)], questions[(i + count) % len(questions)])
            for i in range(count)]


def converse(url: str, questions: tuple[str, ...], start: threading.Barrier, timeout_s: float) -> list[float]:
    """One member of staff asking `questions` in turn; the seconds each reply took."""
    from gradio_client import Client

    # Plain HTTP on loopback: ssl_verify=False only spares loading the CA store for every request (~40 ms of
    # CPU each, which on 2 cores would measure the client rather than the server).
    client = Client(url, verbose=False, download_files=False, analytics_enabled=False, ssl_verify=False,
                    httpx_kwargs={"timeout": 120})
    try:
        start.wait(timeout=timeout_s)  # every member of staff has the page open, then all ask at once
        chat: list[dict[str, Any]] = []
        latencies = []
        for question in questions:
            began = time.monotonic()
            chat = client.submit(question, chat, api_name="/ask").result(timeout=timeout_s)[0]
            latencies.append(time.monotonic() - began)
        return latencies
    finally:
        client.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process `pid` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_level(url: str, count: int, questions: list[str], *, timeout_s: float = 600.0) -> dict[str, Any]:
    """`count` conversations at once; reply latency p50 / p95 / max in seconds, throughput, failures."""
    start = threading.Barrier(count)
    began = time.monotonic()
    latencies: list[float] = []
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(converse, url, plan, start, timeout_s) for plan in plans(count, questions)]
        for future in futures:
            try:
                latencies += future.result()
            except Exception as exc:  # counted, never stops the others
                errors.append(f"{type(exc).__name__}: {exc}")
    wall = time.monotonic() - began
    return {"conversations": count, "replies": len(latencies), "errors": len(errors), "wall_s": round(wall, 2),
            "replies_per_s": round(len(latencies) / wall, 1),
            "p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
            "max_s": round(max(latencies), 3) if latencies else None, "error_samples": errors[:3]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m taito_dx.evals.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True, help="a built index (`taito-dx ingest`)")
    parser.add_argument("--conversations", type=int, nargs="+", default=[50, 100, 200])
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    script = Path(sys.executable).with_name("taito-dx")
    command = [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "taito_dx.cli"]),
               "serve", "--port", str(port), "--index-dir", str(args.index_dir), "--no-feedback"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        reason = wait_for_http(url, process, time.perf_counter() + START_TIMEOUT_S)
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return 1
        print(f"{'conversations':>13} {'replies':>7} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
              f"{'replies/s':>9} {'server CPU s':>12}")
        for count in args.conversations:
            used = cpu_seconds(process.pid)
            figures = run_level(url, count, questions)
            used = cpu_seconds(process.pid) - used
            print(f"{count:>13} {figures['replies']:>7} {figures['errors']:>6} {figures['p50_s']:>7} "
                  f"{figures['p95_s']:>7} {figures['max_s']:>7} {figures['replies_per_s']:>9} {used:>12.1f}",
                  flush=True)
            for sample in figures["error_samples"]:
                print(f"  e.g. {sample}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
