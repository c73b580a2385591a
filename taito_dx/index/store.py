"""The dense vector store: Chroma, embedded on disk or a `chroma run` server."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from taito_dx.errors import StoreError
from taito_dx.models import Chunk
from taito_dx.index.vectors import WHOLE, Hit

log = logging.getLogger(__name__)


def chroma_client(*, path: Path, host: str = "", port: int = 8000) -> Any:
    """An embedded persistent client at `path`, or an HTTP client when a host is given."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    options = ChromaSettings(anonymized_telemetry=False)
    try:
        if host:
            return chromadb.HttpClient(host=host, port=port, settings=options)
        return chromadb.PersistentClient(path=str(path), settings=options)
    except Exception as exc:  # chromadb raises bare exceptions for connection and file errors
        if host:
            raise StoreError(f"cannot reach the Chroma server at {host}:{port} ({exc}): start it (`chroma run`) "
                             "or check --chroma-host / CHROMA_HOST") from exc
        raise StoreError(f"cannot open the Chroma store at {path} ({exc}): check that it is readable") from exc


class VectorStore:
    """One Chroma collection holding one index generation's chunks, each with its vector and metadata."""

    def __init__(self, client: Any, collection: str, *, create: bool = False) -> None:
        """Open the collection; `create` makes it first (an ingest writing a new generation)."""
        self.client = client
        self.collection = collection
        try:
            if create:
                self._entries = client.create_collection(
                    collection, embedding_function=None, metadata={"hnsw:space": "cosine"})
            else:
                self._entries = client.get_collection(collection, embedding_function=None)
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection {collection!r}: {exc}") from exc

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Write each chunk's vector and plan numbers (what `search` filters on).

        Nothing else: chunks.jsonl holds the text and location. Chroma's full-text indexing of the
        text would double the time of the write, and the other fields as metadata cost half of it
        (measured), all while the write holds the GIL.
        """
        try:
            self._entries.upsert(
                ids=[chunk.id for chunk in chunks],
                embeddings=vectors,
                metadatas=[chunk.chroma_metadata() for chunk in chunks],
            )
        except Exception as exc:
            raise StoreError(f"cannot write to Chroma collection {self.collection!r}: {exc}") from exc

    def search(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The k nearest chunks, with cosine similarity."""
        results = self._entries.query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        return [Hit(chunk_id, WHOLE, 1.0 - float(distance))
                for chunk_id, distance in zip(results["ids"][0], results["distances"][0])]

    def count(self) -> int:
        return int(self._entries.count())

    def nearest_similarities(self, vectors: np.ndarray) -> list[float]:
        """The similarity of each vector's nearest entry (1.0 for an entry's own vector in a whole store)."""
        results = self._entries.query(query_embeddings=vectors, n_results=1, include=["distances"])
        return [1.0 - float(found[0]) if found else -1.0 for found in results["distances"]]

    def entries(self, ids: list[str] | None = None) -> dict[str, np.ndarray]:
        """Every entry's vector (or those of `ids`) by chunk id."""
        got = self._entries.get(ids=ids, include=["embeddings"])
        return dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))


class MemoryStore:
    """Chroma's search over the same chunk vectors, in memory: for a disk too full for Chroma to open its store
    (Chroma writes to its SQLite file on every open), so that answering needs to write nothing."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        self._ids = [chunk.id for chunk in chunks]
        self._numbers = [chunk.chroma_metadata() or {} for chunk in chunks]
        self._vectors = vectors

    def search(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The k nearest chunks passing the Chroma-style `where` filter, with cosine similarity."""
        query = vector / max(float(np.linalg.norm(vector)), 1e-12)
        similarities = self._vectors @ query
        order = [row for row in np.argsort(-similarities) if _matches(self._numbers[row], where)][:k]
        return [Hit(self._ids[row], WHOLE, float(similarities[row])) for row in order]


def _matches(numbers: dict[str, int | str], where: dict[str, Any] | None) -> bool:
    """Whether a chunk's metadata (plan numbers, plan name) passes a filter of `{key: value}` terms, alone or under "$and"."""
    if not where:
        return True
    terms = where.get("$and", [where])
    return all(numbers.get(key) == value for term in terms for key, value in term.items())


def drop_collection(client: Any, collection: str) -> None:
    """Delete a generation's collection; one already missing is fine."""
    try:
        client.delete_collection(collection)
    except Exception as exc:  # chromadb raises a bare error for a missing collection
        log.debug("could not delete collection %s: %s", collection, exc)
