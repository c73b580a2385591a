"""The dense vector store: Chroma through LangChain, embedded on disk or a `chroma run` server."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from taito_dx.errors import StoreError
from taito_dx.models import Chunk
from taito_dx.sentences import sentences

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class Hit:
    """A dense match: the chunk, which sentence of it (-1: the whole chunk), cosine similarity."""

    chunk_id: str
    sentence: int
    similarity: float


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

    def add(self, chunks: list[Chunk]) -> None:
        """Embed (through the store's embedder) and write each chunk and each of its sentences.

        Sentence entries let a short question meet the one sentence that answers it,
        across languages, without embedding anything per question.
        """
        texts, metadatas, ids = [], [], []
        for chunk in chunks:
            texts.append(chunk.search_text)
            metadatas.append({**chunk.metadata(), "chunk_id": chunk.id, "sentence": -1})
            ids.append(chunk.id)
            for number, sentence in enumerate(sentences(chunk.text)):
                texts.append(sentence)
                metadatas.append({**chunk.metadata(), "chunk_id": chunk.id, "sentence": number})
                ids.append(f"{chunk.id}:{number}")
        try:
            self._store.add_texts(texts, metadatas=metadatas, ids=ids)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot write to Chroma collection {self.collection!r}: {exc}") from exc

    def embeddings(self) -> dict[str, list[float]]:
        """Every stored entry's embedding by the text that was embedded (for reuse by the next generation)."""
        data = self._store.get(include=["embeddings", "documents"])
        return {text: list(vector) for text, vector in zip(data["documents"], data["embeddings"])}

    def search(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The k nearest entries (chunks and sentences), with cosine similarity."""
        results = self._store.similarity_search_by_vector_with_relevance_scores(vector, k=k, filter=where)
        return [
            Hit(str(document.metadata["chunk_id"]), int(document.metadata["sentence"]), 1.0 - float(distance))
            for document, distance in results
        ]

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[tuple[str, int], list[float]]:
        """The stored vectors of the given chunks' sentences, keyed by (chunk id, sentence number)."""
        if not chunk_ids:
            return {}
        data = self._store.get(where={"chunk_id": {"$in": chunk_ids}}, include=["embeddings", "metadatas"])
        return {
            (meta["chunk_id"], int(meta["sentence"])): list(vector)
            for meta, vector in zip(data["metadatas"], data["embeddings"])
            if int(meta["sentence"]) >= 0
        }

    def drop(self) -> None:
        try:
            self.client.delete_collection(self.collection)
        except Exception as exc:  # an already missing collection is fine
            log.debug("could not delete collection %s: %s", self.collection, exc)
