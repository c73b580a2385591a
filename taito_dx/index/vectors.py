"""Sentence vectors: what each chunk is embedded as, kept beside the Chroma store.

A chunk is embedded as its parts: each of its sentences (or its whole text when it has no sentence).
A sentence's vector lets a short question meet the one sentence that answers it, across languages;
the chunk's vector in Chroma is the mean of its parts' vectors, so no text is embedded twice (a
chunk's own text would cost as much again as its sentences).

The parts are saved with the generation (`vectors.npy` + `vectors.json`): answering searches and
scores sentences in memory, and the next ingest reuses every vector whose text is unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Collection

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.models import Chunk
from taito_dx.sentences import sentences

WHOLE = -1  # the part number of a chunk's whole text, embedded when it has no sentence


@dataclass(frozen=True)
class Hit:
    """A dense match: the chunk, which sentence of it (-1: the whole chunk), cosine similarity."""

    chunk_id: str
    sentence: int
    similarity: float


def parts(chunk: Chunk) -> list[tuple[int, str]]:
    """(number, text) of what a chunk is embedded as: its sentences by number, or (WHOLE) its heading and
    text when it has no sentence. Headings stay out of the mean: levels shared by many chunks ("第2章",
    a 目標) pull their vectors together, and off-topic questions then come closer to all of them."""
    found = list(enumerate(sentences(chunk.text)))
    return found or [(WHOLE, chunk.search_text)]


class PartVectors:
    """Rows of (chunk id, part number, text, vector) for one generation's chunks."""

    def __init__(self, keys: list[tuple[str, int]], texts: list[str], matrix: np.ndarray) -> None:
        self.keys = keys
        self.texts = texts
        self.matrix = matrix
        self._rows: dict[str, list[int]] = {}
        for row, (chunk_id, _) in enumerate(keys):
            self._rows.setdefault(chunk_id, []).append(row)
        sentence_rows = np.array([row for row, (_, number) in enumerate(keys) if number != WHOLE], dtype=np.int64)
        self._sentence_rows = sentence_rows
        self._sentences = matrix[sentence_rows] if len(sentence_rows) else np.zeros((0, matrix.shape[1]), np.float32)

    @classmethod
    def embed(cls, chunks: list[Chunk], embedder: Embeddings) -> PartVectors:
        """Embed every chunk's parts, each distinct text once."""
        keys, texts = [], []
        for chunk in chunks:
            for number, text in parts(chunk):
                keys.append((chunk.id, number))
                texts.append(text)
        if not texts:
            return cls([], [], np.zeros((0, 1), dtype=np.float32))
        distinct = list(dict.fromkeys(texts))
        embedded = np.asarray(embedder.embed_documents(distinct), dtype=np.float32)
        row_of = {text: row for row, text in enumerate(distinct)}
        return cls(keys, texts, embedded[[row_of[text] for text in texts]])

    @classmethod
    def concatenate(cls, pieces: list[PartVectors]) -> PartVectors:
        pieces = [piece for piece in pieces if piece.keys]
        if not pieces:
            return cls([], [], np.zeros((0, 1), dtype=np.float32))
        return cls([key for piece in pieces for key in piece.keys], [text for piece in pieces for text in piece.texts],
                   np.concatenate([piece.matrix for piece in pieces]))

    def chunk_vectors(self, chunk_ids: list[str]) -> np.ndarray:
        """Each chunk's vector: the normalised mean of its parts' vectors."""
        means = np.stack([self.matrix[self._rows[chunk_id]].mean(axis=0) for chunk_id in chunk_ids])
        return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)

    def chunks_known(self, known: Collection[str]) -> int:
        """How many chunks have every part's text among `known` texts (nothing of theirs was embedded anew)."""
        fresh = {chunk_id for (chunk_id, _), text in zip(self.keys, self.texts) if text not in known}
        return len(self._rows) - len(fresh)

    def by_text(self) -> dict[str, np.ndarray]:
        """Every embedded text's vector (for reuse by the next ingest)."""
        return dict(zip(self.texts, self.matrix))

    def sentences_of(self, chunk_ids: list[str]) -> dict[tuple[str, int], np.ndarray]:
        """The sentence vectors of the given chunks, keyed by (chunk id, sentence number)."""
        return {
            self.keys[row]: self.matrix[row]
            for chunk_id in dict.fromkeys(chunk_ids)
            for row in self._rows.get(chunk_id, ())
            if self.keys[row][1] != WHOLE
        }

    def search(self, vector: np.ndarray, k: int, allowed: set[str] | None = None) -> list[Hit]:
        """The k sentences nearest the (normalised) query vector; `allowed` limits them to those chunks."""
        if not len(self._sentences):
            return []
        similarities = self._sentences @ vector
        if allowed is not None:
            keep = np.array([self.keys[row][0] in allowed for row in self._sentence_rows])
            similarities = np.where(keep, similarities, -np.inf)
        count = min(k, len(similarities))
        top = np.argpartition(-similarities, count - 1)[:count]
        top = top[np.argsort(-similarities[top])]
        return [Hit(*self.keys[self._sentence_rows[i]], float(similarities[i])) for i in top
                if similarities[i] > -np.inf]

    def save(self, matrix_file: Path, keys_file: Path) -> None:
        np.save(matrix_file, self.matrix)
        rows = [[chunk_id, number, text] for (chunk_id, number), text in zip(self.keys, self.texts)]
        keys_file.write_text(json.dumps({"rows": rows}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, matrix_file: Path, keys_file: Path) -> PartVectors:
        rows = json.loads(keys_file.read_text(encoding="utf-8"))["rows"]
        matrix = np.load(matrix_file)
        if matrix.ndim != 2 or len(matrix) != len(rows):  # files of two different writes
            raise ValueError(f"{matrix_file.name} holds {len(matrix)} vectors for the {len(rows)} rows of {keys_file.name}")
        return cls([(chunk_id, number) for chunk_id, number, _ in rows], [text for _, _, text in rows], matrix)
