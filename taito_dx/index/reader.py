"""The read side of the index: one generation's chunks, registry, keyword index and vectors in memory.

`IndexView.current()` re-opens the index when an ingest has switched generations, so a
running server picks up a new index without a restart.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from taito_dx.embeddings import model_id
from taito_dx.errors import ConfigError, DamagedIndexError
from taito_dx.index.directory import LAYOUT_VERSION, Generation, IndexDir
from taito_dx.index.keyword import KeywordIndex
from taito_dx.index.store import VectorStore, chroma_client
from taito_dx.index.vectors import PartVectors
from taito_dx.models import Chunk, GuideEntry
from taito_dx.registry import Fact, PlanRegistry
from taito_dx.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class OpenGeneration:
    """Everything retrieval and answering read, loaded once per generation."""

    generation: Generation
    chunks: dict[str, Chunk]
    order: list[str]
    registry: PlanRegistry
    guide: tuple[GuideEntry, ...]  # the guides' entries: not the plan, never retrieved for a question
    keyword: KeywordIndex
    vectors: VectorStore
    parts: PartVectors

    def mask(self, predicate: Callable[[Chunk], bool]) -> np.ndarray:
        """Boolean mask over the keyword index's ids for chunks passing `predicate`."""
        return np.array([predicate(self.chunks[chunk_id]) for chunk_id in self.keyword.ids])

    def evidence(self, fact: Fact, number: int) -> Chunk | None:
        """The chunk that states `fact` about entity `number`, if the documents have one."""
        chunk_id = self.registry.stated_by(fact, number)
        return self.chunks.get(chunk_id) if chunk_id else None


class IndexView:
    """Holds the open generation and swaps it when CURRENT changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
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
            guide = generation.guide()
            keyword = KeywordIndex.load(generation.keyword_dir)
            parts = generation.part_vectors()
        except (OSError, ValueError, KeyError, TypeError) as exc:  # truncated or edited files
            raise DamagedIndexError(f"{damaged}: {exc.__class__.__name__}: {exc}): {repair}") from exc
        client = chroma_client(path=generation.chroma_dir, host=self.settings.chroma_host, port=self.settings.chroma_port)
        return OpenGeneration(
            generation=generation,
            chunks={chunk.id: chunk for chunk in chunk_list},
            order=[chunk.id for chunk in chunk_list],
            registry=registry,
            guide=guide,
            keyword=keyword,
            vectors=VectorStore(client, generation.collection),
            parts=parts,
        )
