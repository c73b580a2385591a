"""What one browser session holds: its conversation, its record, which chat message is which turn."""

from __future__ import annotations

from dataclasses import dataclass, field

from taito_dx.assistant.session_record import SessionRecord
from taito_dx.models import Turn


@dataclass(frozen=True)
class ChatSession:
    """A browser session's state (gradio keeps one per session)."""

    turns: tuple[Turn, ...] = ()
    record: SessionRecord = field(default_factory=SessionRecord)
    message_turns: tuple[tuple[int, int], ...] = ()  # (chat message index, turn index)

    def turn_of_message(self, index: int) -> Turn | None:
        for message, turn in self.message_turns:
            if message == index:
                return self.turns[turn]
        return None
