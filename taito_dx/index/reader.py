"""The read side of the index: one generation's chunks, registry, keyword index and vectors in memory.

`IndexView.current()` re-opens the index when an ingest has switched generations, so a
running server picks up a new index without a restart.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.embeddings import model_id
from taito_dx.errors import ConfigError, DamagedIndexError
from taito_dx.index.directory import LAYOUT_VERSION, Generation, IndexDir
from taito_dx.index.keyword import JapaneseTokenizer, KeywordIndex
from taito_dx.models import Chunk
from taito_dx.registry import PlanRegistry
from taito_dx.settings import Settings
from taito_dx.index.store import VectorStore, chroma_client
from taito_dx.index.vectors import PartVectors

log = logging.getLogger(__name__)

MENTIONED_INITIATIVE = re.compile(r"取組(\d{1,3})(?!\d)")


@dataclass
class OpenGeneration:
    """Everything retrieval and answering read, loaded once per generation."""

    generation: Generation
    chunks: dict[str, Chunk]
    order: list[str]
    registry: PlanRegistry
    keyword: KeywordIndex
    vectors: VectorStore
    parts: PartVectors
    entity_labels: list[tuple[str, int, str]]
    entity_vectors: np.ndarray
    entity_tokens: list[frozenset[str]]
    distinctive_tokens: list[frozenset[str]]
    entity_trigrams: list[frozenset[str]]
    sections: list[str]
    entity_chunks: dict[tuple[str, int], tuple[str, ...]]

    def mask(self, predicate: Callable[[Chunk], bool]) -> np.ndarray:
        """Boolean mask over the keyword index's ids for chunks passing `predicate`."""
        return np.array([predicate(self.chunks[chunk_id]) for chunk_id in self.keyword.ids])


class IndexView:
    """Holds the open generation and swaps it when CURRENT changes."""

    def __init__(self, settings: Settings, embedder: Embeddings, tokenizer: JapaneseTokenizer) -> None:
        self.settings = settings
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.index = IndexDir(settings.index_dir)
        self._open: OpenGeneration | None = None
        self._stamp = -1
        self._lock = threading.Lock()

    def current(self) -> OpenGeneration:
        """The open current generation, re-opened if an ingest switched it."""
        stamp = self.index.pointer_mtime()
        if self._open is not None and stamp == self._stamp:
            return self._open
        with self._lock:
            if self._open is None or stamp != self._stamp:
                generation = self.index.require_current()
                if self._open is None or generation.name != self._open.generation.name:
                    self._open = self._load(generation)
                self._stamp = stamp
        return self._open

    def _load(self, generation: Generation) -> OpenGeneration:
        damaged = f"the index at {self.settings.index_dir} is damaged (generation {generation.name}"
        repair = "re-run `taito-dx ingest --rebuild` to write it anew"
        try:
            manifest = generation.manifest()
        except (OSError, ValueError) as exc:
            raise DamagedIndexError(f"{damaged}: unreadable manifest: {exc}): {repair}") from exc
        if manifest.get("version") != LAYOUT_VERSION:
            raise ConfigError(f"the index at {self.settings.index_dir} was written by an older version of taito-dx: "
                              "re-run `taito-dx ingest`")
        configured = model_id(self.settings.embedding_model)
        if manifest["embedding_model"] != configured:
            raise ConfigError(
                f"the index at {self.settings.index_dir} was built with embedding model "
                f"{manifest['embedding_model']!r}, not {configured!r}: re-run `taito-dx ingest` with this model"
            )
        recorded = manifest.get("chroma", "embedded")
        if recorded != self.settings.vector_store:
            raise ConfigError(
                f"the index at {self.settings.index_dir} keeps its vectors in {recorded!r}, not "
                f"{self.settings.vector_store!r}: use the same --chroma-host, or re-run `taito-dx ingest` with these settings"
            )
        log.info("opening index generation %s", generation.name)
        missing = generation.missing_files(recorded)
        if missing:
            raise DamagedIndexError(f"{damaged} lacks {', '.join(missing)}): {repair}")
        try:
            chunk_list = generation.chunks()
            registry = generation.registry()
            keyword = KeywordIndex.load(generation.keyword_dir)
            parts = generation.part_vectors()
        except (OSError, ValueError, KeyError, TypeError) as exc:  # truncated or edited files
            raise DamagedIndexError(f"{damaged}: {exc.__class__.__name__}: {exc}): {repair}") from exc
        client = chroma_client(path=generation.chroma_dir, host=self.settings.chroma_host, port=self.settings.chroma_port)
        labels = entity_labels(registry, chunk_list)
        sections = [title for kind, _, title in labels if kind == "section"]
        tokens = [frozenset(self.tokenizer(text)) for _, _, text in labels]
        vectors = np.array(self.embedder.embed_documents([text for _, _, text in labels]), dtype=np.float32)
        return OpenGeneration(
            generation=generation,
            chunks={chunk.id: chunk for chunk in chunk_list},
            order=[chunk.id for chunk in chunk_list],
            registry=registry,
            keyword=keyword,
            vectors=VectorStore(client, generation.collection),
            parts=parts,
            entity_labels=labels,
            entity_vectors=vectors.reshape(len(labels), -1) if labels else np.zeros((0, 1), dtype=np.float32),
            entity_tokens=tokens,
            distinctive_tokens=distinctive(labels, tokens),
            entity_trigrams=[trigrams(text) for _, _, text in labels],
            sections=sections,
            entity_chunks=chunks_about(chunk_list, sections),
        )


def section_title(chunk: Chunk) -> str:
    """The numbered section a chunk belongs to ("計画期間" for "第1章 > 4. 計画期間"), or ""."""
    last = chunk.location.rsplit(" > ", 1)[-1] if " > " in chunk.location else ""
    match = re.match(r"\d{1,2}\.\s*(.+)$", last)
    return match[1] if match and chunk.kind == "section" else ""


def distinctive(labels: list[tuple[str, int, str]], tokens: list[frozenset[str]]) -> list[frozenset[str]]:
    """Per label, its words of 3+ characters that no other label of the same kind uses."""
    uses = Counter((kind, token) for (kind, _, _), words in zip(labels, tokens) for token in words)
    return [frozenset(t for t in words if len(t) >= 3 and uses[(kind, t)] == 1)
            for (kind, _, _), words in zip(labels, tokens)]


def trigrams(text: str) -> frozenset[str]:
    """Every 3-character piece of a text (a verbatim quote of 3+ characters shares one)."""
    return frozenset(text[i:i + 3] for i in range(len(text) - 2))


def chunks_about(chunks: list[Chunk], sections: list[str]) -> dict[tuple[str, int], tuple[str, ...]]:
    """For each entity a question can link to, the chunks that are about it (or, for a 取組, mention it)."""
    about: dict[tuple[str, int], list[str]] = defaultdict(list)
    section_numbers = {title: number for number, title in enumerate(sections)}
    for chunk in chunks:
        keys = {(kind, number) for kind in ("goal", "measure", "initiative") if (number := getattr(chunk, kind))}
        keys |= {("initiative", int(n)) for n in MENTIONED_INITIATIVE.findall(chunk.text)}
        if chunk.kind == "measure" and chunk.measure:
            keys.add(("indicator", chunk.measure))
        if (title := section_title(chunk)) in section_numbers:
            keys.add(("section", section_numbers[title]))
        for key in keys:
            about[key].append(chunk.id)
    return {key: tuple(ids) for key, ids in about.items()}


def entity_labels(registry: PlanRegistry, chunks: list[Chunk]) -> list[tuple[str, int, str]]:
    """(kind, number, title) for every 目標, 施策, 取組, 評価指標 (numbered by its 施策) and numbered section."""
    labels = [("goal", g.number, g.title) for g in registry.goals.values()]
    labels += [("measure", m.number, m.title) for m in registry.measures.values()]
    labels += [("initiative", i.number, i.title) for i in registry.initiatives.values()]
    labels += [("indicator", m.number, indicator.name) for m in registry.measures.values() for indicator in m.indicators]
    sections = list(dict.fromkeys(title for chunk in chunks if (title := section_title(chunk))))
    labels += [("section", number, title) for number, title in enumerate(sections)]
    return labels
