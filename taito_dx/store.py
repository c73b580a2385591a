"""The dense vector store: Chroma through LangChain, embedded on disk or a `chroma run` server."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.errors import StoreError
from taito_dx.models import Chunk
from taito_dx.sentences import sentences

log = logging.getLogger(__name__)

READ_PAGE = 2000  # entries per read when reading a whole collection


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
        if host:
            raise StoreError(f"cannot reach the Chroma server at {host}:{port} ({exc}): start it (`chroma run`) "
                             "or check --chroma-host / CHROMA_HOST") from exc
        raise StoreError(f"cannot open the Chroma store at {path} ({exc}): check that it is readable") from exc


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
            # The same collection through chromadb itself, for reads that need no text or metadata back:
            # ids carry the chunk and sentence (see `add`), and fetching metadata costs more than the search.
            self._entries = client.get_collection(collection, embedding_function=None)
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection {collection!r}: {exc}") from exc
        # Sentence vectors by chunk id, read once per chunk: a generation's collection never changes
        # once written, and answering asks for the same chunks' sentences again and again.
        self._sentence_cache: dict[str, dict[int, np.ndarray]] = {}

    def add(self, chunks: list[Chunk]) -> None:
        """Embed (through the store's embedder) and write each chunk and each of its sentences.

        Sentence entries let a short question meet the one sentence that answers it,
        across languages, without embedding anything per question.
        """
        texts, metadatas, ids = [], [], []
        for chunk in chunks:
            metadata = chunk.metadata()
            texts.append(chunk.search_text)
            metadatas.append({**metadata, "chunk_id": chunk.id, "sentence": -1})
            ids.append(chunk.id)
            for number, sentence in enumerate(sentences(chunk.text)):
                texts.append(sentence)
                metadatas.append({**metadata, "chunk_id": chunk.id, "sentence": number})
                ids.append(f"{chunk.id}:{number}")
        self._sentence_cache.clear()
        try:
            self._store.add_texts(texts, metadatas=metadatas, ids=ids)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot write to Chroma collection {self.collection!r}: {exc}") from exc

    def embeddings(self) -> dict[str, np.ndarray]:
        """Every stored entry's embedding by the text that was embedded (for reuse by the next generation).

        float32 rows: what Chroma stores, so nothing is lost, in a tenth of the memory of lists of floats;
        read a page at a time, as one read of a large collection costs Chroma hundreds of MB.
        """
        known: dict[str, np.ndarray] = {}
        for offset in range(0, self._entries.count(), READ_PAGE):
            data = self._entries.get(include=["embeddings", "documents"], limit=READ_PAGE, offset=offset)
            if data["documents"]:
                known.update(zip(data["documents"], np.asarray(data["embeddings"], dtype=np.float32)))
        return known

    def search(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The k nearest entries (chunks and sentences), with cosine similarity."""
        results = self._entries.query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        return [
            Hit(*_entry_key(entry_id), 1.0 - float(distance))
            for entry_id, distance in zip(results["ids"][0], results["distances"][0])
        ]

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[tuple[str, int], np.ndarray]:
        """The stored vectors (arrays, as Chroma returns them) of the given chunks' sentences, keyed by
        (chunk id, sentence number)."""
        missing = [chunk_id for chunk_id in dict.fromkeys(chunk_ids) if chunk_id not in self._sentence_cache]
        if missing:
            data = self._entries.get(where={"chunk_id": {"$in": missing}}, include=["embeddings"])
            found: dict[str, dict[int, np.ndarray]] = {chunk_id: {} for chunk_id in missing}
            for entry_id, vector in zip(data["ids"], data["embeddings"]):
                chunk_id, sentence = _entry_key(entry_id)
                if sentence >= 0 and chunk_id in found:
                    found[chunk_id][sentence] = np.asarray(vector)
            self._sentence_cache.update(found)
        return {
            (chunk_id, sentence): vector
            for chunk_id in dict.fromkeys(chunk_ids)
            for sentence, vector in self._sentence_cache[chunk_id].items()
        }

    def drop(self) -> None:
        try:
            self.client.delete_collection(self.collection)
        except Exception as exc:  # an already missing collection is fine
            log.debug("could not delete collection %s: %s", self.collection, exc)


def _entry_key(entry_id: str) -> tuple[str, int]:
    """(chunk id, sentence number) of a stored entry's id: `CHUNK` is the whole chunk (-1), `CHUNK:N` its sentence N."""
    chunk_id, _, sentence = entry_id.partition(":")
    return chunk_id, int(sentence) if sentence else -1
