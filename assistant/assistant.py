"""`Assistant.ask(question, history) -> Answer`: the one entry point the CLI, UI and evals call."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any, Iterator, Sequence

from langchain_core.embeddings import Embeddings

from taito_dx.assistant.compose import ExtractiveAnswerer
from taito_dx.assistant.intent import Intent
from taito_dx.assistant.llm import LLMAnswerer
from taito_dx.assistant.retrieve import Retrieval
from taito_dx.assistant.search import PlanSearch
from taito_dx.chat_models import chat_model
from taito_dx.models import Answer, EntityRef, Turn
from taito_dx.settings import Settings

log = logging.getLogger(__name__)

# A question that points back ("その", "it") or is this short continues the previous topic.
ANAPHORA = re.compile(r"その|それ|この|同じ|そこ|\bits?\b|\bthat\b|\bthis\b|\bthey\b|\bthem\b|\bthe same\b", re.I)
SHORT_FOLLOW_UP = 14


class Assistant:
    """Answers questions about the indexed plan, with citations; an LLM is optional."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None, chat: Any = None,
                 search: PlanSearch | None = None) -> None:
        """`chat`: a LangChain chat model to phrase answers (default: the one `settings` configure, if any);
        `search`: a `PlanSearch` to share with other users of the index (default: a new one)."""
        self.settings = settings
        self.search = search or PlanSearch(settings, embedder=embedder)
        self.extractive = ExtractiveAnswerer(self.search.tokenizer)
        chat = chat if chat is not None else chat_model(settings.llm, model=settings.llm_model,
                                                        base_url=settings.llm_base_url, api_key=settings.llm_api_key)
        self.llm = LLMAnswerer(chat) if chat is not None else None
        # Held while a question goes through the shared tokenizer, index and store (`stream`, and the UI's
        # consultations); not while an LLM writes.
        self.lock = threading.Lock()

    def ask(self, question: str, history: Sequence[Turn] = (), *, where: dict[str, Any] | None = None) -> Answer:
        """Answer `question`, resolving follow-ups against `history`; `where` filters by plan location."""
        intent, retrieval, answer = self._extractive(question, history, where)
        if self.llm is not None and not answer.abstained:
            return self.llm.answer(intent, retrieval, fallback=answer)
        return answer

    def stream(self, question: str, history: Sequence[Turn] = (), *,
               where: dict[str, Any] | None = None) -> Iterator[str | Answer]:
        """As `ask`, for a UI: the LLM's text so far as it writes (nothing without an LLM), then the `Answer`.

        The search runs under `lock`; the LLM's tokens stream outside it."""
        with self.lock:
            intent, retrieval, answer = self._extractive(question, history, where)
        if self.llm is not None and not answer.abstained:
            yield from self.llm.stream(intent, retrieval, fallback=answer)
        else:
            yield answer

    def _extractive(self, question: str, history: Sequence[Turn],
                    where: dict[str, Any] | None) -> tuple[Intent, Retrieval, Answer]:
        intent = self.search.analyse(question)
        found = self.search.search(intent, asks_entity=bool(intent.attributes),
                                   topic=_follow_up_topic(intent.text, history), where=where)
        answer = self.extractive.answer(intent, found.links, found.retrieval, found.index, found.catalogue,
                                        found.query_vector)
        return intent, found.retrieval, answer


def _follow_up_topic(question: str, history: Sequence[Turn]) -> EntityRef | None:
    """The previous answer's topic, when the question reads as a follow-up (it points back, or is short)."""
    if not history or not (ANAPHORA.search(question) or len(question) <= SHORT_FOLLOW_UP):
        return None
    return history[-1].answer.topic
