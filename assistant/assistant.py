"""`Assistant.ask(question, history) -> Answer`: the one entry point the CLI, UI and evals call."""

from __future__ import annotations

import logging
import re
from typing import Any, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.assistant.compose import REGISTRY_ATTRIBUTES, ExtractiveAnswerer
from taito_dx.assistant.entities import Link, Links, link
from taito_dx.index.reader import IndexView, OpenGeneration
from taito_dx.assistant.intent import Intent, analyse, language_of
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.retrieve import HybridRetriever, Retrieval
from taito_dx.embeddings import load_embeddings
from taito_dx.errors import QuestionError
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.models import Answer, Turn
from taito_dx.settings import Settings

log = logging.getLogger(__name__)

# A question that points back ("その", "it") or is this short continues the previous topic.
ANAPHORA = re.compile(r"その|それ|この|同じ|そこ|\bits?\b|\bthat\b|\bthis\b|\bthey\b|\bthem\b|\bthe same\b", re.I)
SHORT_FOLLOW_UP = 14


class Assistant:
    """Answers questions about the indexed plan, with citations; an LLM is optional."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None, chat_model: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder or load_embeddings(settings.embedding_model)
        self.tokenizer = JapaneseTokenizer()
        self.view = IndexView(settings, self.embedder, self.tokenizer)
        self.retriever = HybridRetriever(self.tokenizer)
        self.extractive = ExtractiveAnswerer(self.tokenizer)
        self.llm = None
        if chat_model is not None or settings.llm != "none":
            from taito_dx.assistant.llm import LLMAnswerer, chat_model_from_settings

            self.llm = LLMAnswerer(chat_model or chat_model_from_settings(settings))

    def ask(self, question: str, history: Sequence[Turn] = (), *, where: dict[str, Any] | None = None) -> Answer:
        """Answer `question`, resolving follow-ups against `history`; `where` filters by plan location."""
        intent = self.analyse_question(question)
        index = self.view.current()
        query_vector = np.asarray(self.embedder.embed_query(intent.text), dtype=np.float32)
        links = link(intent.text, query_vector, set(self.tokenizer(intent.text)), index,
                     asks_entity=bool(intent.attributes & REGISTRY_ATTRIBUTES))
        links = _continue_topic(intent.text, links, history)
        retrieval = self.retrieve(index, intent.text, query_vector, links=links, where=where)
        answer = self.extractive.answer(intent, links, retrieval, index, query_vector)
        if self.llm is not None and not answer.abstained:
            return self.llm.answer(intent, retrieval, fallback=answer)
        return answer

    def analyse_question(self, question: str) -> Intent:
        """The analysed question; raises `QuestionError` for an empty or over-long one."""
        limit = self.settings.max_question_chars
        if len(question) > limit:  # refused before any analysis, whose cost grows with the length
            raise QuestionError(phrase(language_of(question[:200]), "too_long", limit=str(limit)))
        intent = analyse(question)
        if not intent.text:
            raise QuestionError(phrase(intent.language, "empty"))
        return intent

    def retrieve(self, index: OpenGeneration, question: str, query_vector: np.ndarray, *,
                 links: Links | None = None, where: dict[str, Any] | None = None, k: int | None = None) -> Retrieval:
        """The `k` (default: top-k setting) best chunks for a question."""
        return self.retriever.retrieve(index, question, query_vector, k=k or self.settings.top_k, where=where,
                                       links=links)


def _continue_topic(question: str, links: Links, history: Sequence[Turn]) -> Links:
    """Carry the previous answer's topic into a follow-up that names or quotes no entity of its own."""
    if links.names_its_own() or not history:
        return links
    topic = history[-1].answer.topic
    if topic is None:
        return links
    if not (ANAPHORA.search(question) or len(question) <= SHORT_FOLLOW_UP):
        return links
    kind, number = topic.split(":")
    carried = Link(kind, int(number), 1.0, explicit=True)
    return Links((carried,) + tuple(l for l in links.items if l.kind != kind))
