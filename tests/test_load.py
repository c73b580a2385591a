"""Load on loopback: 50 conversations at once through Gradio's queue of a real `taito-dx serve`, every reply
right and every session's history its own.

Speed is measured, not asserted: the per-reply p50/p95/max are printed here and by the load benchmark
(`python -m taito_dx.evals.load`), whose figures the README quotes (issue target: p95 ≤ 1 s at 50).

Each conversation is its own gradio_client.Client (its own session, so its own history): an eval
question, a follow-up that leans on it ("それはどの施策に属しますか？"), and for every other
conversation a second eval question. Every reply must be exactly the chat message the same
question (with the same history) gets from an in-process Assistant on the same index, after the one
change gradio's Chatbot makes to every text message (`inspect.cleandoc`: tabs expanded, indentation
trimmed).
Figures are printed (pytest -s) and written to test-artifacts/load/summary.json.
"""

from __future__ import annotations

import json
import math
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from serve_subprocess import Served, served

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "load"
QUESTIONS = REPO / "evals" / "dev.jsonl"
CONVERSATIONS = 50
FOLLOW_UPS = ("それはどの施策に属しますか？", "その担当は？", "what is its indicator?")
OVERALL_TIMEOUT_S = 180.0

pytestmark = pytest.mark.slow


@dataclass
class Conversation:
    number: int
    questions: tuple[str, ...]
    replies: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    connect_s: float = 0.0
    errors: list[str] = field(default_factory=list)


def conversations(questions: list[str]) -> list[Conversation]:
    """Conversation i: eval question i, a follow-up, and (even i) eval question i + 50; deterministic."""
    plans = []
    for i in range(CONVERSATIONS):
        turns = [questions[i % len(questions)], FOLLOW_UPS[i % len(FOLLOW_UPS)]]
        if i % 2 == 0:
            turns.append(questions[(i + CONVERSATIONS) % len(questions)])
        plans.append(Conversation(i, tuple(turns)))
    return plans


def expected_replies(assistant, questions: tuple[str, ...]) -> list[str]:
    """The chat messages the UI shows for these turns, from the in-process Assistant (as Handlers.respond),
    as gradio's Chatbot postprocesses them."""
    import inspect

    from taito_dx.assistant.intent import language_of
    from taito_dx.assistant.ui.render import answer_message
    from taito_dx.models import Turn

    history: list[Turn] = []
    replies = []
    for question in questions:
        answer = assistant.ask(question, history=tuple(history))  # no eval question is refused
        replies.append(inspect.cleandoc(answer_message(answer, language_of(question))))
        history.append(Turn(question, answer))
    return replies


def _reply_text(chat: list[dict[str, Any]]) -> str:
    content = chat[-1]["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def talk(url: str, conversation: Conversation, deadline: float, start: threading.Barrier) -> Conversation:
    """One member of staff: their own client and session, turn after turn, each bounded by `deadline`."""
    from gradio_client import Client

    client = None
    try:
        began = time.monotonic()
        # Plain HTTP on loopback: ssl_verify=False only spares loading the CA store on every request (~40 ms of
        # CPU each on the client, which on 2 cores would be measured instead of the server).
        client = Client(url, verbose=False, download_files=False, analytics_enabled=False, ssl_verify=False,
                        httpx_kwargs={"timeout": 60})
        conversation.connect_s = time.monotonic() - began
        start.wait(timeout=max(1.0, deadline - time.monotonic()))  # all have the page open, then all ask at once
        chat: list[dict[str, Any]] = []
        for question in conversation.questions:
            began = time.monotonic()
            job = client.submit(question, chat, api_name="/ask")
            chat = job.result(timeout=max(0.1, deadline - time.monotonic()))[0]
            conversation.latencies_s.append(time.monotonic() - began)
            conversation.replies.append(_reply_text(chat))
    except Exception as exc:  # every failure is counted, none stops the others
        conversation.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if client is not None:
            client.close()
    return conversation


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


@pytest.fixture(scope="module")
def server(corpus_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`taito-dx serve` over the session's corpus index (it only reads it)."""
    with served(corpus_settings.index_dir, tmp_path_factory.mktemp("load")) as running:
        yield running


def test_fifty_concurrent_conversations_all_answered_as_in_process(
    server: Served, assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")  # the client's telemetry thread stays off
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    plans = conversations(questions)
    expected = {plan.number: expected_replies(assistant, plan.questions) for plan in plans}
    alone = {follow_up: expected_replies(assistant, (follow_up,))[0] for follow_up in FOLLOW_UPS}
    leaning = [plan.number for plan in plans if expected[plan.number][1] != alone[plan.questions[1]]]
    assert len(leaning) >= CONVERSATIONS // 2  # most follow-ups are answered differently with their history

    started = time.monotonic()
    deadline = started + OVERALL_TIMEOUT_S
    start = threading.Barrier(len(plans))
    pool = ThreadPoolExecutor(max_workers=len(plans), thread_name_prefix="staff")
    futures = [pool.submit(talk, server.url, plan, deadline, start) for plan in plans]
    done = [future.result(timeout=max(1.0, deadline - time.monotonic()) + 30) for future in futures]
    pool.shutdown(wait=False, cancel_futures=True)
    wall_s = time.monotonic() - started

    latencies = [s for c in done for s in c.latencies_s]
    errors = [f"conversation {c.number}: {e}" for c in done for e in c.errors]
    first_turn_agree = sum(1 for c in done if c.replies[:1] == expected[c.number][:1])
    all_turns_agree = sum(1 for c in done if c.replies == expected[c.number])
    summary = {
        "conversations": len(done),
        "requests": len(latencies),
        "requests_planned": sum(len(c.questions) for c in done),
        "errors": len(errors),
        "wall_s": round(wall_s, 2),
        "throughput_rps": round(len(latencies) / wall_s, 2) if wall_s else None,
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "connect_p50_s": round(statistics.median(c.connect_s for c in done), 3),
        "first_turn_answers_equal": first_turn_agree,
        "conversations_all_turns_equal": all_turns_agree,
        "follow_ups_depending_on_history": len(leaning),
        "error_samples": errors[:5],
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("\nload:", json.dumps(summary, ensure_ascii=False))

    assert errors == [], f"{len(errors)} failed requests, e.g. {errors[:3]}\n{server.log_text()[-3000:]}"
    assert summary["requests"] == summary["requests_planned"] >= 2 * CONVERSATIONS
    for conversation in done:
        assert conversation.replies[0] == expected[conversation.number][0], (
            conversation.questions[0], conversation.replies[0], expected[conversation.number][0])
    for conversation in done:  # follow-ups too: the server kept each session's own history
        assert conversation.replies == expected[conversation.number], (conversation.questions, conversation.replies)
    assert server.process.poll() is None, "the server died under load"
