"""`PlanSearch`: a question (or a described problem) → the open index, its entity links and the passages retrieved.

The one public way into the index for answering and consultation alike: it holds the embedder,
the tokenizer, the open index generation and its entity catalogue (rebuilt when an ingest switches
generations).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.assistant.entities import EntityCatalogue, Links, link
from taito_dx.assistant.intent import Intent, analyse, language_of
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.retrieve import HybridRetriever, Retrieval
from taito_dx.embeddings import load_embeddings
from taito_dx.errors import QuestionError
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import IndexView, OpenGeneration
from taito_dx.models import EntityRef
from taito_dx.settings import Settings


T = TypeVar("T")


@dataclass(frozen=True)
class Search:
    """What one question found: its analysis, the index it was asked of, its links and passages."""

    intent: Intent
    index: OpenGeneration
    catalogue: EntityCatalogue
    query_vector: np.ndarray
    links: Links
    retrieval: Retrieval


class PlanSearch:
    """Searches the current index generation of `settings.index_dir`."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or load_embeddings(settings.embedding_model)
        self.tokenizer = JapaneseTokenizer()
        self.view = IndexView(settings)
        self.retriever = HybridRetriever(self.tokenizer)
        self._catalogue: tuple[str, EntityCatalogue] | None = None
        self._derived: dict[str, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def current(self) -> tuple[OpenGeneration, EntityCatalogue]:
        """The open index generation and its entity catalogue."""
        index = self.view.current()
        cached = self._catalogue
        if cached is None or cached[0] != index.generation.name:
            with self._lock:
                cached = self._catalogue
                if cached is None or cached[0] != index.generation.name:
                    cached = (index.generation.name, EntityCatalogue.build(index, self.embedder, self.tokenizer))
                    self._catalogue = cached
        return index, cached[1]

    def derived(self, name: str, build: Callable[[OpenGeneration], T]) -> T:
        """What `build` makes from the open generation (a consultation's 取組 profiles, say), made once per
        generation and kept under `name`, like the entity catalogue."""
        index = self.view.current()
        cached = self._derived.get(name)
        if cached is None or cached[0] != index.generation.name:
            with self._lock:
                cached = self._derived.get(name)
                if cached is None or cached[0] != index.generation.name:
                    cached = (index.generation.name, build(index))
                    self._derived[name] = cached
        return cached[1]

    def analyse(self, question: str) -> Intent:
        """The analysed question; raises `QuestionError` for an empty or over-long one."""
        limit = self.settings.max_question_chars
        if len(question) > limit:  # refused before any analysis, whose cost grows with the length
            raise QuestionError(phrase(language_of(question[:200]), "too_long", limit=str(limit)))
        intent = analyse(question)
        if not intent.text:
            raise QuestionError(phrase(intent.language, "empty"))
        return intent

    def search(self, intent: Intent, *, asks_entity: bool, topic: EntityRef | None = None,
               where: dict[str, Any] | None = None, k: int | None = None) -> Search:
        """Link and retrieve for an analysed question. `asks_entity`: link titles by similarity alone (the question
        asks about an entity); `topic`: a previous answer's, carried into a follow-up that names nothing itself;
        `where`: a Chroma filter on plan location; `k`: passages kept (default: the top-k setting)."""
        index, catalogue = self.current()
        query_vector = np.asarray(self.embedder.embed_query(intent.text), dtype=np.float32)
        links = link(intent.text, query_vector, set(self.tokenizer(intent.text)), index, catalogue,
                     asks_entity=asks_entity)
        if topic is not None and not links.names_its_own():
            links = links.continued(topic)
        retrieval = self.retriever.retrieve(index, catalogue, intent.search_text, query_vector,
                                            k=k or self.settings.top_k, where=where, links=links)
        return Search(intent, index, catalogue, query_vector, links, retrieval)
