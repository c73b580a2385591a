"""The dense vector store: Chroma through LangChain, embedded on disk or a `chroma run` server."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from taito_dx.errors import StoreError
from taito_dx.models import Chunk

log = logging.getLogger(__name__)

COLLECTION_PREFIX = "taito_dx_"


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
        where = f"Chroma server at {host}:{port}" if host else f"Chroma store at {path}"
        raise StoreError(f"cannot open the {where}: {exc}. Is it running / readable?") from exc


class VectorStore:
    """One Chroma collection holding one index generation's chunks."""

    def __init__(self, client: Any, collection: str, embedder: Embeddings | None) -> None:
        from langchain_chroma import Chroma

        self.client = client
        self.collection = collection
        try:
            self._store = Chroma(
                client=client,
                collection_name=collection,
                embedding_function=embedder,
                collection_metadata={"hnsw:space": "cosine"},
            )
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection {collection!r}: {exc}") from exc

    def add(self, chunks: list[Chunk], *, batch_size: int = 256) -> None:
        """Embed (through the store's embedder) and write chunks."""
        for start in range(0, len(chunks), batch_size):
            batch = chunks[start:start + batch_size]
            self._store.add_texts(
                [chunk.search_text for chunk in batch],
                metadatas=[chunk.metadata() for chunk in batch],
                ids=[chunk.id for chunk in batch],
            )

    def embeddings(self) -> dict[str, list[float]]:
        """Every stored chunk's embedding by chunk id (for reuse by the next generation)."""
        data = self._store.get(include=["embeddings"])
        return {chunk_id: list(vector) for chunk_id, vector in zip(data["ids"], data["embeddings"])}

    def search(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest chunk ids with cosine similarity."""
        results = self._store.similarity_search_by_vector_with_relevance_scores(vector, k=k, filter=where)
        return [(str(document.id), 1.0 - float(distance)) for document, distance in results]

    def drop(self) -> None:
        try:
            self.client.delete_collection(self.collection)
        except Exception as exc:  # an already missing collection is fine
            log.debug("could not delete collection %s: %s", self.collection, exc)
