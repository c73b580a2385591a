"""The load benchmark's baseline server replays each answer it gave, and replays it exactly."""

from __future__ import annotations

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.evals.memoised_serve import memoise_answers
from taito_dx.models import Turn


def test_a_memoised_assistant_answers_once_and_replays_the_same_answer(assistant: Assistant,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    question, follow_up = "取組12の担当はどこですか？", "それはどの施策に属しますか？"
    first = assistant.ask(question)
    then = assistant.ask(follow_up, history=(Turn(question, first),))
    monkeypatch.setattr(Assistant, "_extractive", Assistant._extractive)  # restored after the test
    memoise_answers()
    replayed = assistant.ask(question)
    assert replayed == first and assistant.ask(question) is replayed  # the second time is the memo's
    assert assistant.ask(follow_up, history=(Turn(question, replayed),)) == then  # its conversation is its key
    assert assistant.ask(follow_up) != then  # without the conversation, another question
