"""What the chat UI's events call: one `Handlers` per app, sharing one Assistant across sessions."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from taito_dx.assistant.assistant import Assistant
from taito_dx.assistant.consult import consult
from taito_dx.assistant.feedback import record_feedback
from taito_dx.assistant.intent import language_of
from taito_dx.assistant.session_record import SessionRecord
from taito_dx.assistant.ui.explorer import explorer_rows, goal_number, initiative_number, plan_summary
from taito_dx.assistant.ui.render import (
    answer_message,
    chat_text,
    consultation_html,
    empty_sources_html,
    initiative_source_html,
    notice_html,
    notice_message,
    sources_html,
    stream_prefixes,
    ui_text,
)
from taito_dx.assistant.ui.session import ChatSession
from taito_dx.errors import QuestionError, TaitoDxError
from taito_dx.models import Turn
from taito_dx.settings import Settings

log = logging.getLogger(__name__)

STREAM_DELAY_S = 0.015


class Handlers:
    """What the UI's events call; one instance per app, sharing one Assistant across sessions."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.lock = threading.Lock()  # one request at a time through the shared tokenizer, index and store
        self.records_dir = Path(tempfile.mkdtemp(prefix="taito-dx-records-"))
        atexit.register(shutil.rmtree, self.records_dir, True)

    def _downloads(self, record: SessionRecord) -> tuple[Any, Any]:
        import gradio as gr

        path = str(record.write(self.records_dir))
        return gr.DownloadButton(value=path, interactive=True), gr.DownloadButton(value=path, interactive=True)

    def respond(self, message: str, chat: list[dict[str, Any]] | None, session: ChatSession | None
                ) -> Iterator[tuple[Any, ...]]:
        """Outputs: chat, sources panel, question box, session, two download buttons; the answer streams in."""
        import gradio as gr

        session = session or ChatSession()
        chat = list(chat or [])
        message = message or ""
        lang = language_of(message)
        if not message.strip():
            chat.append({"role": "assistant", "content": chat_text(ui_text("ja", "empty"))})
            yield chat, gr.skip(), "", session, gr.skip(), gr.skip()
            return
        try:
            with self.lock:
                answer = self.assistant.ask(message, history=session.turns)
        except QuestionError as exc:
            if message.strip():
                shown = message if len(message) <= 120 else message[:120] + "…"
                chat.append({"role": "user", "content": chat_text(shown)})
            chat.append({"role": "assistant", "content": notice_message(str(exc), lang)})
            yield chat, gr.skip(), "", session, gr.skip(), gr.skip()
            return
        except TaitoDxError as exc:
            log.exception("answering failed")
            chat.append({"role": "user", "content": chat_text(message)})
            chat.append({"role": "assistant", "content": chat_text(ui_text(lang, "failed", error=str(exc)))})
            yield chat, gr.skip(), "", session, gr.skip(), gr.skip()
            return
        chat.append({"role": "user", "content": chat_text(message)})
        chat.append({"role": "assistant", "content": ""})
        # The question box is emptied once, with the first piece: what is typed while the answer streams
        # stays there (and is asked next: the box's submit runs its last trigger after this one).
        cleared = ""
        for prefix in stream_prefixes(answer.text):
            chat[-1] = {"role": "assistant", "content": answer_message(answer, lang, prefix)}
            yield chat, gr.skip(), cleared, gr.skip(), gr.skip(), gr.skip()
            cleared = gr.skip()
            time.sleep(STREAM_DELAY_S)
        turns = session.turns + (Turn(message, answer),)
        session = replace(session, turns=turns, record=session.record.add_answer(message, answer),
                          message_turns=session.message_turns + ((len(chat) - 1, len(turns) - 1),))
        yield (chat, sources_html(answer.citations, lang, abstained=answer.abstained), gr.skip(), session,
               *self._downloads(session.record))

    def respond_example(self, chat: list[dict[str, Any]] | None, session: ChatSession | None,
                        example: Any) -> Iterator[tuple[Any, ...]]:
        """Ask a clicked example question (`example` is the chatbot's example value)."""
        value = example if isinstance(example, dict) else {"text": str(example)}
        yield from self.respond(str(value.get("text", "")), chat, session)

    def clear(self, session: ChatSession | None) -> tuple[Any, ...]:
        """A new conversation (follow-ups start afresh); the session's record is kept."""
        session = session or ChatSession()
        return [], empty_sources_html(), "", replace(session, turns=(), message_turns=())

    def like(self, session: ChatSession | None, index: Any, liked: Any) -> None:
        """Append a thumbs up/down on the answer at chat message `index` to the feedback log."""
        if not self.settings.feedback:
            return
        index = index[0] if isinstance(index, (list, tuple)) else index
        turn = (session or ChatSession()).turn_of_message(int(index))
        rating = {True: "up", "Like": "up", False: "down", "Dislike": "down"}.get(liked)
        if turn is None or rating is None:
            return
        record_feedback(self.settings.feedback_log, rating=rating, question=turn.question,
                               answer=turn.answer.text, citations=turn.answer.citations)

    def consult(self, problem: str, session: ChatSession | None) -> tuple[Any, ...]:
        """Outputs: the consultation's HTML, session, two download buttons."""
        import gradio as gr

        session = session or ChatSession()
        lang = language_of(problem or "")
        if not (problem or "").strip():
            return notice_html(ui_text("ja", "empty")), session, gr.skip(), gr.skip()
        try:
            with self.lock:
                consultation = consult(self.assistant.search, problem or "")
        except QuestionError as exc:
            return notice_html(f"{ui_text(lang, 'refused')}: {exc}"), session, gr.skip(), gr.skip()
        except TaitoDxError as exc:
            log.exception("consultation failed")
            return notice_html(ui_text(lang, "failed", error=str(exc))), session, gr.skip(), gr.skip()
        session = replace(session, record=session.record.add_consultation(consultation.problem, consultation.to_answer()))
        return (consultation_html(consultation), session, *self._downloads(session.record))

    def filter_plan(self, text: str, goal: str | None) -> tuple[list[list[str]], str]:
        """Outputs: the explorer's rows and its count line."""
        index = self.assistant.search.view.current()
        rows = explorer_rows(index, text=text or "", goal=goal_number(goal))
        return rows, plan_summary(index, len(rows))

    def show_source(self, row: Sequence[Any] | None) -> str:
        """The source text of the 取組 in the selected explorer row."""
        row = list(row or [])
        number = initiative_number(str(row[0])) if row else None
        if number is None:
            return ""
        return initiative_source_html(self.assistant.search.view.current(), number)
