"""One plan's part of an index generation: its chunks, keyword index and vectors, searched as if alone.

A corpus may hold several plans of the ward, written with the same vocabulary and the same numbers
(each has its 取組1). Each plan is searched in a view of its own, so that adding a document of another
plan changes nothing that is found for this one: its keyword index is built over its chunks only (from
the tokens the ingest stored), and its vector searches are filtered to its chunks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taito_dx.index.keyword import KeywordIndex
from taito_dx.index.store import MemoryStore, VectorStore
from taito_dx.index.vectors import Hit, PartVectors


class ScopedStore:
    """A vector store's search limited to one plan's chunks (Chroma's `where` on the chunk's plan)."""

    def __init__(self, store: VectorStore | MemoryStore, plan: str) -> None:
        self._store = store
        self._plan = plan

    def search(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        terms = [*(where.get("$and", [where]) if where else []), {"plan": self._plan}]
        return self._store.search(vector, k, terms[0] if len(terms) == 1 else {"$and": terms})


class ScopedParts:
    """Sentence vectors limited to one plan's chunks."""

    def __init__(self, parts: PartVectors, chunk_ids: set[str]) -> None:
        self._parts = parts
        self._ids = chunk_ids

    def search(self, vector: np.ndarray, k: int, allowed: set[str] | None = None) -> list[Hit]:
        return self._parts.search(vector, k, self._ids & allowed if allowed is not None else self._ids)

    def sentences_of(self, chunk_ids: list[str]) -> dict[tuple[str, int], np.ndarray]:
        return self._parts.sentences_of(chunk_ids)


def plan_keyword(order: list[str], tokens: dict[str, list[str]]) -> KeywordIndex:
    """BM25 over one plan's chunks (in `order`), from their stored tokens."""
    return KeywordIndex.build([tokens[chunk_id] for chunk_id in order], order)
