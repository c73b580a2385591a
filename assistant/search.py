"""`PlanSearch`: a question (or a described problem) → the open index, its entity links and the passages retrieved.

The one public way into the index for answering and consultation alike: it holds the embedder,
the tokenizer, the open index generation and its entity catalogue (rebuilt when an ingest switches
generations).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any, Callable, TypeVar

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.assistant.entities import EntityCatalogue, Links, link
from taito_dx.assistant.intent import Intent, analyse, language_of
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.plan_structure import missing_numbers
from taito_dx.assistant.plans import PlanChoice, choose_plan, own_name_words
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
    plans: PlanChoice  # the plan it was answered from (`index` is that plan's view), or the plans to ask between


class PlanSearch:
    """Searches the current index generation of `settings.index_dir`."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or load_embeddings(settings.embedding_model)
        self.tokenizer = JapaneseTokenizer()
        self.view = IndexView(settings)
        self.retriever = HybridRetriever(self.tokenizer)
        self._derived: dict[tuple[str, str], tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def current(self, plan: str | None = None) -> tuple[OpenGeneration, EntityCatalogue]:
        """One plan's view of the open index generation (the main plan's by default) and its entity catalogue."""
        catalogue = self.derived("entities", lambda index: EntityCatalogue.build(index, self.embedder, self.tokenizer),
                                 plan)
        return self.view.current().view(plan), catalogue

    def derived(self, name: str, build: Callable[[OpenGeneration], T], plan: str | None = None) -> T:
        """What `build` makes from one plan's view of the open generation (its entity catalogue, a consultation's
        取組 profiles), made once per generation and plan and kept under `name`."""
        index = self.view.current().view(plan)
        key = (name, index.plan)
        cached = self._derived.get(key)
        if cached is None or cached[0] != index.generation.name:
            with self._lock:
                cached = self._derived.get(key)
                if cached is None or cached[0] != index.generation.name:
                    cached = (index.generation.name, build(index))
                    self._derived[key] = cached
        return cached[1]

    def plan_of(self, text: str, follows: str = "", *, by_entity_names: bool = True) -> PlanChoice:
        """Which plan of the corpus `text` is about (`follows`: the plan of the answer it follows up); without
        `by_entity_names`, only a plan's own name moves the question off the main plan."""
        index = self.view.current()
        names = index.plan_names
        if len(names) < 2:  # one plan: nothing to choose (and no question to tokenise for it)
            return PlanChoice(names[0])
        own_words = self.derived("plan words", lambda index: own_name_words(index, self.tokenizer))
        # a plan without the 取組9 a question names is not the one it asks about by its words
        lacking = {name for name in names[1:] if missing_numbers(text, index.view(name).registry)}
        if not by_entity_names or lacking:
            own_words = {name: (frozenset() if not by_entity_names or name in lacking else words)
                         for name, words in own_words.items()}
        return choose_plan(text, set(self.tokenizer(text)), own_words, follows)

    def analyse(self, question: str) -> Intent:
        """The analysed question; raises `QuestionError` for an empty or over-long one."""
        limit = self.settings.max_question_chars
        if len(question) > limit:  # refused before any analysis, whose cost grows with the length
            raise QuestionError(phrase(language_of(question[:200]), "too_long", limit=str(limit)))
        intent = analyse(question)
        if not intent.text:
            raise QuestionError(phrase(intent.language, "empty"))
        return intent

    def search(self, intent: Intent, *, asks_entity: bool, topic: EntityRef | None = None, follows: str = "",
               where: dict[str, Any] | None = None, k: int | None = None) -> Search:
        """Link and retrieve for an analysed question, in the plan it is about. `asks_entity`: link titles by
        similarity alone (the question asks about an entity); `topic` and `follows`: a previous answer's entity and
        plan, carried into a follow-up that names nothing itself; `where`: a Chroma filter on plan location;
        `k`: passages kept (default: the top-k setting)."""
        plans = self.plan_of(intent.text, follows)
        index, catalogue = self.current(plans.plan)
        expansions = tuple(word for token in self.tokenizer(intent.text) for word in index.keyword.unclipped(token))
        intent = replace(intent, expansions=expansions) if expansions else intent
        query_vector = np.asarray(self.embedder.embed_query(intent.text), dtype=np.float32)
        links = link(intent.text, query_vector, set(self.tokenizer(intent.search_text)), index, catalogue,
                     asks_entity=asks_entity)
        if topic is not None and not links.names_its_own():
            links = links.continued(topic)
        retrieval = self.retriever.retrieve(index, catalogue, intent.search_text, query_vector,
                                            k=k or self.settings.top_k, where=where, links=links)
        return Search(intent, index, catalogue, query_vector, links, retrieval, plans)
