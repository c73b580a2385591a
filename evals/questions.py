"""Reading and checking an eval question file (the format is in DESIGN.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from taito_dx.errors import TaitoDxError

HERE = Path(__file__).resolve().parent
# Each set in two splits: dev, that constants are tuned on, and test, written blind (by someone who read only
# the plan text, or for consultations only the 取組 titles, and the file format) and never tuned on.
QUESTION_SPLITS = {"dev": HERE / "dev.jsonl", "test": HERE / "test.jsonl"}
# Work problems for the BPR consultation, in the same form: expected evidence names the 取組 that address them.
CONSULTATION_SPLITS = {"dev": HERE / "consultations.jsonl", "test": HERE / "consultations-test.jsonl"}
DEFAULT_QUESTIONS = QUESTION_SPLITS["dev"]


class QuestionFileError(TaitoDxError):
    """The question file is missing or malformed."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    expected_answer: tuple[str, ...]
    expected_evidence: tuple[str, ...]
    category: str = ""


def load_questions(path: Path) -> list[Question]:
    """Every question in a JSONL file; errors name the line that is wrong."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise QuestionFileError(f"no question file at {path}") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            questions.append(Question(
                id=str(data["id"]),
                question=str(data["question"]),
                answerable=bool(data.get("answerable", True)),
                expected_answer=tuple(data.get("expected_answer", [])),
                expected_evidence=tuple(data.get("expected_evidence", [])),
                category=str(data.get("category", "")),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise QuestionFileError(f"{path}:{number}: not a question object ({exc.__class__.__name__}: {exc})") from exc
    if not questions:
        raise QuestionFileError(f"{path} holds no questions")
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise QuestionFileError(f"{path}: question ids repeat")
    return questions
