"""Scoring answers against a question set: per question, then in total."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from taito_dx.assistant.intent import language_of
from taito_dx.evals.questions import Question
from taito_dx.models import Answer

if TYPE_CHECKING:
    from taito_dx.assistant.consult import Consultation


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# A number is not found inside a longer one ("7" in "27", "9" in "9,300"); a word of one or two characters
# is found only whole: not inside a run of Latin letters and digits, nor of kanji and katakana (a hiragana
# particle may follow: "各課が"). A number with its unit ("3年", "3月") is held to the number's boundaries.
NUMBER_START = r"(?<![0-9])(?<![0-9][,.])"
NUMBER_END = r"(?![0-9]|[,.][0-9])"
WORD_CLASSES = (re.compile(r"[A-Za-z0-9]"), re.compile(r"[\u3400-\u9fff\u30a0-\u30ff々〆ヶ]"))
SHORT = 2


def _edge(character: str, *, before: bool) -> str:
    for word in WORD_CLASSES:
        if word.fullmatch(character):
            return f"(?<!{word.pattern})" if before else f"(?!{word.pattern})"
    return ""


def found(expected: str, text: str) -> bool:
    """Whether `expected` occurs in `text` (both NFKC) by the rules of DESIGN.md: numbers at number
    boundaries, strings of one or two characters as whole words."""
    expected, text = nfkc(expected), nfkc(text)
    if not expected:
        return True
    pattern = re.escape(expected)
    start, end = "", ""
    word = len(expected) <= SHORT and not any(ch.isdigit() for ch in expected)  # "各課", "AI"; not "3年"
    if expected[0].isdigit():
        start = NUMBER_START
    elif word:
        start = _edge(expected[0], before=True)
    if expected[-1].isdigit():
        end = NUMBER_END
    elif word:
        end = _edge(expected[-1], before=False)
    return re.search(start + pattern + end, text) is not None


def source_texts(answer: Answer) -> list[str]:
    """Cited sources first, then the other retrieved ones, each once."""
    seen: set[str] = set()
    texts = []
    for chunk_id, text in [(c.chunk_id or c.text, c.text) for c in answer.citations] + [
        (s.chunk.id, s.chunk.text) for s in answer.sources
    ]:
        if chunk_id not in seen:
            seen.add(chunk_id)
            texts.append(text)
    return texts


def score_question(question: Question, answer: Answer, latency_ms: float, k: int) -> dict[str, Any]:
    texts = [nfkc(text) for text in source_texts(answer)]
    evidence = [nfkc(e) for e in question.expected_evidence]
    hit_rank = next((rank for rank, text in enumerate(texts[:k], start=1) if any(e in text for e in evidence)), None)
    correct = (not answer.abstained) and all(found(e, answer.text) for e in question.expected_answer)
    return {
        "id": question.id,
        "category": question.category,
        "question": question.question,
        "answerable": question.answerable,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [c.to_dict() for c in answer.citations],
        "hit_rank": hit_rank,
        "answer_correct": correct if question.answerable else answer.abstained,
        "latency_ms": round(latency_ms, 2),
    }


def totals(results: list[dict[str, Any]], questions: list[Question], k: int) -> dict[str, float]:
    """Retrieval is scored on answerable questions with expected evidence; answers on all."""
    answerable = [r for r in results if r["answerable"]]
    has_evidence = {q.id for q in questions if q.answerable and q.expected_evidence}
    with_evidence = [r for r in answerable if r["id"] in has_evidence]
    unanswerable = [r for r in results if not r["answerable"]]
    latencies = [r["latency_ms"] for r in results]
    ranks = [r["hit_rank"] for r in with_evidence]

    def share(items: list, predicate: Callable[[Any], bool]) -> float:
        return round(sum(1 for item in items if predicate(item)) / len(items), 4) if items else 0.0

    out = {
        "questions": len(results),
        "hit_at_1": share(ranks, lambda r: r == 1),
        f"hit_at_{k}": share(ranks, lambda r: r is not None and r <= k),
        "mrr": round(float(np.mean([1.0 / r if r else 0.0 for r in ranks])), 4) if ranks else 0.0,
        "answer_accuracy": share(answerable, lambda r: r["answer_correct"]),
        "abstention_accuracy": share(unanswerable, lambda r: r["abstained"]),
        "false_abstention_rate": share(answerable, lambda r: r["abstained"]),
        # Questions asked in English, answered right or rightly abstained on.
        "english_accuracy": share([r for r in results if language_of(r["question"]) == "en"], lambda r: r["answer_correct"]),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 2) if latencies else 0.0,
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 2) if latencies else 0.0,
    }
    out.setdefault("hit_at_5", share(ranks, lambda r: r is not None and r <= 5))
    return out


def by_category(results: list[dict[str, Any]]) -> dict[str, float]:
    """Share of questions answered right (or rightly abstained) per category."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        groups[result["category"] or "uncategorised"].append(bool(result["answer_correct"]))
    return {name: round(sum(values) / len(values), 4) for name, values in sorted(groups.items())}


@dataclass(frozen=True)
class Scored:
    results: list[dict[str, Any]]
    totals: dict[str, float]


def score(questions: list[Question], ask: Callable[[str], Answer], *, k: int = 5) -> Scored:
    """Ask every question and score it; timings are wall-clock per question."""
    results = []
    for question in questions:
        started = time.perf_counter()
        answer = ask(question.question)
        latency = (time.perf_counter() - started) * 1000
        results.append(score_question(question, answer, latency, k))
    return Scored(results, totals(results, questions, k))


def score_consultations(questions: list[Question], consult: Callable[[str], Consultation], *, k: int = 5) -> Scored:
    """Score BPR consultations: each question is a work problem, its expected evidence the titles of the 取組
    that address it. `hit_rank` is the rank of the first suggested 取組 so titled (sources would not tell:
    a 施策's table row, cited for each of its 取組, holds all their titles)."""
    results = []
    for question in questions:
        started = time.perf_counter()
        consultation = consult(question.question)
        latency = (time.perf_counter() - started) * 1000
        result = score_question(question, consultation.to_answer(), latency, k)
        result["hit_rank"] = suggestion_rank(question, consultation)
        result["suggested"] = [suggestion.initiative.number for suggestion in consultation.suggestions]
        results.append(result)
    return Scored(results, {**totals(results, questions, k), "most_suggested_share": most_suggested_share(results)})


def most_suggested_share(results: list[dict[str, Any]]) -> float:
    """The share of the answered consultations that suggest the 取組 suggested most often (one winning by the
    amount of text it has, not by fit, shows here)."""
    answered = [result["suggested"] for result in results if result["suggested"]]
    if not answered:
        return 0.0
    counts = Counter(number for suggested in answered for number in set(suggested))
    return round(counts.most_common(1)[0][1] / len(answered), 4)


def suggestion_rank(question: Question, consultation: Consultation) -> int | None:
    """1-based rank of the first suggested 取組 whose title holds an expected evidence string, or None."""
    evidence = [nfkc(e) for e in question.expected_evidence]
    return next((rank for rank, suggestion in enumerate(consultation.suggestions, start=1)
                 if any(e in nfkc(suggestion.initiative.title) for e in evidence)), None)
