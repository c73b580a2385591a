"""What one browser session holds: its record, the answers in its chat and the votes on them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from taito_dx.assistant.session_record import SessionRecord
from taito_dx.models import Answer, Turn

# A question equal to the last one within this many seconds is a double click or a repeated Enter.
REPEAT_WINDOW_S = 3.0
VOTES = {"up": "Like", "down": "Dislike"}  # our rating → the chatbot's feedback option


@dataclass(frozen=True)
class Exchange:
    """One answered question of the chat: where its answer is, and the vote on it."""

    message: int  # index of the answer in the chat's messages
    turn: Turn
    answer_id: str  # unique across sessions: the feedback log keys votes by it
    vote: str | None = None  # "up", "down" or None


@dataclass(frozen=True)
class ChatSession:
    """A browser session's state: gradio builds one per session (`gr.State(ChatSession)`)."""

    record: SessionRecord = field(default_factory=SessionRecord)
    exchanges: tuple[Exchange, ...] = ()
    last_question: str = ""
    last_asked: float = float("-inf")  # time.monotonic() of the last question answered
    commenting: int | None = None  # the answer message a 👎 comment is being written for

    @property
    def turns(self) -> tuple[Turn, ...]:
        """The conversation so far, for follow-up questions."""
        return tuple(exchange.turn for exchange in self.exchanges)

    def is_repeat(self, question: str, now: float) -> bool:
        return question == self.last_question and now - self.last_asked < REPEAT_WINDOW_S

    def answered(self, question: str, answer: Answer, message: int, now: float, *,
                 consultation: bool = False) -> ChatSession:
        """This session with `answer` (at chat message `message`) in its chat and its record (as a
        consultation when it is one)."""
        record = (self.record.add_consultation if consultation else self.record.add_answer)(question, answer)
        exchange = Exchange(message, Turn(question, answer), f"{record.id}-{len(record.entries)}")
        return replace(self, record=record, exchanges=self.exchanges + (exchange,), last_question=question,
                       last_asked=now)

    def exchange_at(self, message: int) -> Exchange | None:
        """The exchange whose answer is chat message `message`, or whose question is (the one before it)."""
        for exchange in self.exchanges:
            if message in (exchange.message, exchange.message - 1):
                return exchange
        return None

    def number_of(self, exchange: Exchange) -> int:
        """1 for the chat's first answer, and so on."""
        return self.exchanges.index(exchange) + 1

    def voted(self, exchange: Exchange, vote: str | None) -> ChatSession:
        exchanges = tuple(replace(e, vote=vote) if e == exchange else e for e in self.exchanges)
        return replace(self, exchanges=exchanges, commenting=exchange.message if vote == "down" else None)

    def cleared(self) -> ChatSession:
        """A new conversation in the same record (follow-ups start afresh)."""
        return replace(self, exchanges=(), last_question="", commenting=None)

    def feedback_value(self, chat: Sequence[dict[str, Any]]) -> list[str | None]:
        """The chatbot's vote per assistant message of `chat`, so a vote stays shown as the chat grows."""
        votes = {exchange.message: VOTES.get(exchange.vote or "") for exchange in self.exchanges}
        return [votes.get(i) for i, message in enumerate(chat) if message.get("role") == "assistant"]
