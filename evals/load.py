"""Load on loopback: N concurrent conversations of 3 questions through a real `taito-dx serve`.

Each conversation is its own Gradio session (its own session hash, so its own history): an eval
question, a follow-up that leans on it, and a second eval question, each through the `/ask` endpoint of
Gradio's HTTP API (POST `gradio_api/call/ask`, then its event stream), as a browser's page calls it.
The conversations are tasks of one asyncio loop over one httpx connection pool, so that on a 2-core
machine the load generator takes little of the CPU it measures (50 `gradio_client.Client`s, a thread
each, took more CPU than the server). All start at once. The seconds per reply are printed as p50 /
p95 / max per level of concurrency, with the CPU seconds the server process used; then the same for a baseline
run in the same run, the server with its answers memoised (`memoised_serve`: each level asked once first, then
measured), which is what gradio alone costs, and the ratio of the two p95s:

    python -m taito_dx.evals.load --index-dir .taito-dx --conversations 50 100 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Sequence

import httpx

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


async def ask(client: httpx.AsyncClient, url: str, session: str, question: str,
              chat: list[dict[str, Any]]) -> list[Any]:
    """One question through Gradio's HTTP API in `session`: the `/ask` endpoint's outputs (the chat first)."""
    posted = await client.post(f"{url}gradio_api/call/ask", json={"data": [question, chat], "session_hash": session})
    posted.raise_for_status()
    event = None
    async with client.stream("GET", f"{url}gradio_api/call/ask/{posted.json()['event_id']}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line.removeprefix("data:"))
                if event == "error":
                    raise RuntimeError(f"the server answered with an error: {data}")
                return data
    raise RuntimeError(f"the event stream ended without a result (last event: {event})")


async def converse(client: httpx.AsyncClient, url: str, questions: tuple[str, ...], start: asyncio.Event) -> list[float]:
    """One member of staff asking `questions` in turn in a session of their own; the seconds each reply took."""
    session = uuid.uuid4().hex
    await start.wait()
    chat: list[dict[str, Any]] = []
    latencies = []
    for question in questions:
        began = time.monotonic()
        chat = (await ask(client, url, session, question, chat))[0]
        latencies.append(time.monotonic() - began)
    return latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process `pid` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_level(url: str, count: int, questions: list[str], *, timeout_s: float = 600.0) -> dict[str, Any]:
    """`count` conversations at once; reply latency p50 / p95 / max in seconds, throughput, failures."""
    return asyncio.run(_run_level(url, count, questions, timeout_s))


async def _run_level(url: str, count: int, questions: list[str], timeout_s: float) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=2 * count, max_keepalive_connections=2 * count)
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:
        start = asyncio.Event()
        tasks = [asyncio.create_task(converse(client, url, plan, start)) for plan in plans(count, questions)]
        await asyncio.sleep(0)  # every conversation is waiting; then all ask at once
        began = time.monotonic()
        start.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.monotonic() - began
    latencies = [s for result in results if not isinstance(result, BaseException) for s in result]
    errors = [f"{type(result).__name__}: {result}" for result in results if isinstance(result, BaseException)]
    return {"conversations": count, "replies": len(latencies), "errors": len(errors), "wall_s": round(wall, 2),
            "replies_per_s": round(len(latencies) / wall, 1),
            "p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
            "max_s": round(max(latencies), 3) if latencies else None, "error_samples": errors[:3]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m taito_dx.evals.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True, help="a built index (`taito-dx ingest`)")
    parser.add_argument("--conversations", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the baseline run: the same server with its answers memoised (gradio alone)")
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    print(f"{'server':>9} {'conversations':>13} {'replies':>7} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
          f"{'replies/s':>9} {'server CPU s':>12}")
    served = _measure("taito-dx", args, questions)
    if not served:
        return 1
    if args.baseline:
        floor = _measure("memoised", args, questions)
        for count, figures in served.items():
            if count in floor and floor[count]["p95_s"]:
                print(f"{count} conversations: reply p95 {figures['p95_s']} s; gradio alone (memoised) "
                      f"{floor[count]['p95_s']} s; ratio {figures['p95_s'] / floor[count]['p95_s']:.2f}×")
    return 0


def _measure(server: str, args: argparse.Namespace, questions: list[str]) -> dict[int, dict[str, Any]]:
    """Each level of concurrency against a new `taito-dx serve` ("taito-dx") or its memoised twin ("memoised",
    each level asked once unmeasured first, so that it has every answer), printed and returned by level."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    script = Path(sys.executable).with_name("taito-dx")
    command = ([sys.executable, "-m", "taito_dx.evals.memoised_serve"] if server == "memoised" else
               [str(script), "serve"] if script.exists() else [sys.executable, "-m", "taito_dx.cli", "serve"])
    process = subprocess.Popen([*command, "--port", str(port), "--index-dir", str(args.index_dir), "--no-feedback"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[int, dict[str, Any]] = {}
    try:
        reason = wait_for_http(url, process, time.perf_counter() + START_TIMEOUT_S)
        if reason:
            print(f"error: {reason}", file=sys.stderr)
            return {}
        for count in args.conversations:
            if server == "memoised":
                run_level(url, count, questions)
            used = cpu_seconds(process.pid)
            figures = run_level(url, count, questions)
            used = cpu_seconds(process.pid) - used
            results[count] = figures
            print(f"{server:>9} {count:>13} {figures['replies']:>7} {figures['errors']:>6} {figures['p50_s']:>7} "
                  f"{figures['p95_s']:>7} {figures['max_s']:>7} {figures['replies_per_s']:>9} {used:>12.1f}",
                  flush=True)
            for sample in figures["error_samples"]:
                print(f"  e.g. {sample}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


if __name__ == "__main__":
    sys.exit(main())
