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
from taito_dx.assistant.consult import Consultation, consult
from taito_dx.assistant.feedback import record_feedback, withdraw_feedback
from taito_dx.assistant.intent import language_of
from taito_dx.assistant.session_record import SessionRecord
from taito_dx.assistant.utterance import describes_problem
from taito_dx.assistant.ui.explorer import explorer_rows, goal_number, initiative_number, plan_summary
from taito_dx.assistant.ui.render import (
    answer_message,
    chat_text,
    consultation_html,
    empty_sources_html,
    feedback_note_html,
    initiative_source_html,
    input_note_html,
    notice_html,
    sources_html,
    ui_text,
)
from taito_dx.assistant.ui.session import ChatSession, Exchange
from taito_dx.errors import QuestionError, TaitoDxError
from taito_dx.models import Answer
from taito_dx.settings import Settings

log = logging.getLogger(__name__)

RATINGS = {True: "up", "Like": "up", False: "down", "Dislike": "down"}  # gradio's LikeData.liked → a rating


class Handlers:
    """What the UI's events call; one instance per app, sharing one Assistant across sessions."""

    def __init__(self, assistant: Assistant, settings: Settings, *, records_dir: Path | None = None) -> None:
        """`records_dir`: where session records are written (default: a new temporary folder, removed at exit)."""
        self.assistant = assistant
        self.settings = settings
        if records_dir is None:
            records_dir = Path(tempfile.mkdtemp(prefix="taito-dx-records-"))
            atexit.register(shutil.rmtree, records_dir, True)
        self.records_dir = records_dir
        self.records_dir.mkdir(parents=True, exist_ok=True)
        self.records_lock = threading.Lock()

    # --- outputs shared by several events ---------------------------------------------------------

    def input_note(self, refusal: str = "", lang: str = "ja") -> str:
        return input_note_html(self.settings.max_question_chars, refusal, lang)

    def _download(self, record: SessionRecord) -> Any:
        """A download button offering the session's record, written now."""
        import gradio as gr

        with self.records_lock:
            path = str(record.write(self.records_dir))
        return gr.DownloadButton(value=path, interactive=True)

    def download(self, session: ChatSession | None) -> Any:
        """The download button of a tab just opened: the session's record as it is now (the other tab's
        button is the one its events renewed)."""
        import gradio as gr

        record = (session or ChatSession()).record
        if not record.entries:
            return gr.update(value=None, interactive=False)
        return self._download(record)

    # --- chat -------------------------------------------------------------------------------------

    def respond(self, message: str, chat: list[dict[str, Any]] | None, session: ChatSession | None
                ) -> Iterator[tuple[Any, ...]]:
        """Outputs: chat, sources panel, question box, session, the download button, the note under the box.

        An empty or repeated submit changes nothing; a refused question stays in the box with the reason
        under it; an extractive answer is shown at once, an LLM's as it writes. A described work problem
        ("窓口で紙の申請を手入力している") gets the BPR consultation's 取組, each with why."""
        import gradio as gr

        session = session or ChatSession()
        chat = list(chat or [])
        message = message or ""
        lang = language_of(message)
        now = time.monotonic()
        if not message.strip() or session.is_repeat(message, now):
            yield (gr.skip(),) * 6
            return
        cleared: Any = ""  # the box is emptied once: what is typed while an LLM writes stays there
        consulted = False
        try:
            for step in self._steps(message, lang, session):
                if isinstance(step, Consultation):
                    answer, consulted = step.to_answer(), True
                    break
                if isinstance(step, Answer):
                    answer = step
                    break
                draft = chat + [{"role": "user", "content": chat_text(message)},
                                {"role": "assistant", "content": chat_text(step)}]
                yield draft, gr.skip(), cleared, gr.skip(), gr.skip(), self.input_note()
                cleared = gr.skip()
        except QuestionError as exc:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), self.input_note(str(exc), lang)
            return
        except TaitoDxError as exc:
            log.exception("answering failed")
            chat += [{"role": "user", "content": chat_text(message)},
                     {"role": "assistant", "content": chat_text(ui_text(lang, "failed", error=str(exc)))}]
            yield chat, gr.skip(), cleared, gr.skip(), gr.skip(), self.input_note()
            return
        chat += [{"role": "user", "content": chat_text(message)},
                 {"role": "assistant", "content": answer_message(answer, lang)}]
        session = session.answered(message, answer, len(chat) - 1, now, consultation=consulted)
        panel = sources_html(answer.citations, lang, abstained=answer.abstained, answer_number=len(session.exchanges))
        yield (chat, panel, cleared, session,
               self._download(session.record), self.input_note())

    def _steps(self, message: str, lang: str, session: ChatSession) -> Iterator[str | Answer | Consultation]:
        """What `respond` shows: a described work problem's consultation when the plan has 取組 for it, else
        the answer (an LLM's text so far as it writes, then the `Answer`)."""
        with self.assistant.lock:
            consultation = None
            if len(message) <= self.settings.max_question_chars and describes_problem(
                    message, lang, self.assistant.search.tokenizer):
                consultation = consult(self.assistant.search, message)
        if consultation is not None and not consultation.abstained:
            yield consultation
            return
        yield from self.assistant.stream(message, history=session.turns)

    def respond_at_once(self, message: str, chat: list[dict[str, Any]] | None,
                        session: ChatSession | None) -> tuple[Any, ...]:
        """`respond` for an Assistant without an LLM, whose answer comes in one update: a plain function
        gradio runs in one step (a generator costs it a thread hop and a message more per answer)."""
        *_, last = self.respond(message, chat, session)
        return last

    def keep_votes(self, session: ChatSession | None, chat: list[dict[str, Any]] | None) -> Any:
        """The chat's votes shown again after it was replaced by a new answer (none: nothing to do)."""
        import gradio as gr

        session = session or ChatSession()
        if not any(exchange.vote for exchange in session.exchanges):
            return gr.skip()
        return gr.update(feedback_value=session.feedback_value(chat or []))

    def respond_example(self, chat: list[dict[str, Any]] | None, session: ChatSession | None,
                        example: Any) -> Iterator[tuple[Any, ...]]:
        """Ask a clicked example question (`example` is the chatbot's example value)."""
        value = example if isinstance(example, dict) else {"text": str(example)}
        yield from self.respond(str(value.get("text", "")), chat, session)

    def clear(self, session: ChatSession | None) -> tuple[Any, ...]:
        """Outputs: chat, sources, question box, session: a new conversation; the session's record is kept."""
        return [], empty_sources_html(), "", (session or ChatSession()).cleared()

    def show_answer_sources(self, session: ChatSession | None, message: Any) -> Any:
        """The sources panel for the answer at (or the question before) chat message `message`."""
        import gradio as gr

        session = session or ChatSession()
        exchange = session.exchange_at(_message_index(message))
        if exchange is None:
            return gr.skip()
        answer = exchange.turn.answer
        return sources_html(answer.citations, language_of(exchange.turn.question), abstained=answer.abstained,
                            answer_number=session.number_of(exchange))

    # --- feedback ---------------------------------------------------------------------------------

    def like(self, session: ChatSession | None, message: Any, liked: Any) -> tuple[Any, ...]:
        """Outputs: session, feedback note, comment box. One vote per answer: a new one replaces it, the
        same thumb again withdraws it; a 👎 opens the comment box."""
        import gradio as gr

        session = session or ChatSession()
        exchange = session.exchange_at(_message_index(message))
        if not self.settings.feedback or exchange is None or exchange.message != _message_index(message):
            return gr.skip(), gr.skip(), gr.skip()
        rating = RATINGS.get(liked)
        number = str(session.number_of(exchange))
        lang = language_of(exchange.turn.question)
        if rating is None:
            withdraw_feedback(self.settings.feedback_log, exchange.answer_id)
            note = ui_text(lang, "vote_withdrawn", number=number)
        else:
            self._record(exchange, rating)
            note = ui_text(lang, f"voted_{rating}", number=number)
        return session.voted(exchange, rating), feedback_note_html(note), gr.update(value="", visible=rating == "down")

    def comment(self, text: str, session: ChatSession | None) -> tuple[Any, ...]:
        """Outputs: feedback note, comment box. The comment goes with the 👎 it was asked for."""
        import gradio as gr

        session = session or ChatSession()
        exchange = session.exchange_at(session.commenting) if session.commenting is not None else None
        if exchange is None or exchange.vote != "down" or not (text or "").strip():
            return gr.skip(), gr.skip()
        self._record(exchange, "down", comment=text)
        note = ui_text(language_of(exchange.turn.question), "commented", number=str(session.number_of(exchange)))
        return feedback_note_html(note), gr.update(value="", visible=False)

    def _record(self, exchange: Exchange, rating: str, *, comment: str = "") -> None:
        answer = exchange.turn.answer
        record_feedback(self.settings.feedback_log, answer_id=exchange.answer_id, rating=rating,
                        question=exchange.turn.question, answer=answer.text, citations=answer.citations,
                        comment=comment)

    # --- consultation and the session ---------------------------------------------------------------

    def consult(self, problem: str, session: ChatSession | None) -> tuple[Any, ...]:
        """Outputs: the consultation's HTML, session, the download button."""
        import gradio as gr

        session = session or ChatSession()
        problem = problem or ""
        lang = language_of(problem)
        if not problem.strip():
            return notice_html(ui_text("ja", "consult_empty")), gr.skip(), gr.skip()
        try:
            with self.assistant.lock:
                consultation = consult(self.assistant.search, problem)
        except QuestionError as exc:
            return notice_html(f"{ui_text(lang, 'refused')}: {exc}"), gr.skip(), gr.skip()
        except TaitoDxError as exc:
            log.exception("consultation failed")
            return notice_html(ui_text(lang, "failed", error=str(exc))), gr.skip(), gr.skip()
        record = session.record.add_consultation(consultation.problem, consultation.to_answer())
        return consultation_html(consultation), replace(session, record=record), self._download(record)

    def consult_example(self, example: Any, session: ChatSession | None) -> tuple[Any, ...]:
        """A clicked consultation example, run: outputs the problem box, then as `consult`."""
        problem = str(example[0] if isinstance(example, (list, tuple)) else example)
        return (problem, *self.consult(problem, session))

    def new_session(self) -> tuple[Any, ...]:
        """A new consultation: a fresh session and record. Outputs: session, chat, sources, consultation
        result, the two download buttons, the feedback note, the comment box."""
        import gradio as gr

        def fresh() -> Any:
            return gr.update(value=None, interactive=False)

        return (ChatSession(), [], empty_sources_html(), "", fresh(), fresh(), "",
                gr.update(value="", visible=False))

    # --- plan explorer ----------------------------------------------------------------------------

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


def _message_index(index: Any) -> int:
    """A chat message's index from gradio's event data (an int, or [int, …])."""
    return int(index[0] if isinstance(index, (list, tuple)) else index)
