"""The read side of the index: one generation's chunks, registry, keyword index and vectors in memory.

`open_generation` checks what opening can check cheaply (every file's size and sha256 against the
manifest, the counts of chunks, vectors and Chroma entries, a probe of Chroma's search) and names any
damage with the fix. `IndexView.current()` re-opens the index when an ingest has switched
generations, so a running server picks up a new index without a restart.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Callable, TypeVar

import numpy as np

from taito_dx.embeddings import model_id
from taito_dx.errors import ConfigError, StoreError
from taito_dx.index.directory import Generation, IndexDir
from taito_dx.index.integrity import Problem, damaged, file_problems
from taito_dx.index.keyword import KeywordIndex
from taito_dx.index.probe import SEGMENT_THRESHOLD, dies_on_search
from taito_dx.index.scoped import ScopedParts, ScopedStore, plan_keyword
from taito_dx.index.space import is_disk_full
from taito_dx.index.store import MemoryStore, VectorStore, chroma_client
from taito_dx.index.vectors import PartVectors
from taito_dx.models import Chunk, GuideEntry
from taito_dx.registry import Fact, PlanRegistry, Plans
from taito_dx.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
SQLITE_FILE = "chroma/chroma.sqlite3"
SQLITE_HEADER = b"SQLite format 3\x00"
PROBES = 3  # chunks whose own vector Chroma must find first, on every open
SAME = 1e-3  # how far from 1.0 a vector's similarity to itself may be


@dataclass
class OpenGeneration:
    """Everything retrieval and answering read, loaded once per generation.

    `open_generation` gives the whole generation (every chunk, checked against the manifest); answering reads
    one plan's `view`, which holds that plan's chunks, registry and indexes only. With one plan the two are
    the same object; the whole generation's `registry` is always the main plan's."""

    generation: Generation
    chunks: dict[str, Chunk]
    order: list[str]
    registry: PlanRegistry
    guide: tuple[GuideEntry, ...]  # the guides' entries: not the plan, never retrieved for a question
    keyword: KeywordIndex
    vectors: VectorStore | MemoryStore | ScopedStore
    parts: PartVectors | ScopedParts
    plan: str = ""  # the plan this holds, by name (the main plan's for the whole generation)
    views: dict[str, OpenGeneration] = field(default_factory=dict, repr=False, compare=False)  # main plan's first

    @property
    def plan_names(self) -> list[str]:
        """The corpus's plans, the main plan first."""
        return list(self.views) or [self.plan]

    def view(self, plan: str | None = None) -> OpenGeneration:
        """The part of the generation about one plan (the main plan for None or a name it does not hold)."""
        if not self.views:
            return self
        return self.views.get(plan or "") or self.views[self.plan_names[0]]

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
                resolved = self.index.resolve()
                if resolved.warning:
                    log.warning("%s", resolved.warning)
                if self._open is None or resolved.generation.name != self._open.generation.name:
                    self._open = open_generation(resolved.generation, self.settings)
                self._stamp = stamp
        return self._open


def open_generation(generation: Generation, settings: Settings) -> OpenGeneration:
    """Load a complete generation, checking every file and count against its manifest.

    Raises DamagedIndexError naming each damaged file and the fix; ConfigError when the settings
    do not fit the index (another embedding model or vector store).
    """
    manifest = generation.manifest()
    _check_settings(manifest, settings)
    log.info("opening index generation %s", generation.name)
    problems = file_problems(generation.path, manifest["written"])
    if problems:
        raise damaged(settings.index_dir, generation.name, problems)
    chunk_list = _read(settings, generation, "chunks.jsonl", generation.chunks)
    plans = _read(settings, generation, "registry.json", generation.plans)
    guide = _read(settings, generation, "guide.json", generation.guide)
    keyword = _read(settings, generation, "keyword/", lambda: KeywordIndex.load(generation.keyword_dir))
    parts = _read(settings, generation, "vectors.npy", generation.part_vectors)
    order = [chunk.id for chunk in chunk_list]
    problems = _count_problems(manifest, order, keyword, parts)
    if problems:
        raise damaged(settings.index_dir, generation.name, problems)
    vectors = _open_store(generation, settings, manifest, chunk_list, parts.chunk_vectors(order))
    main = plans.main
    whole = OpenGeneration(generation=generation, chunks={chunk.id: chunk for chunk in chunk_list}, order=order,
                           registry=plans.registries.get(main, PlanRegistry()), guide=guide, keyword=keyword,
                           vectors=vectors, parts=parts, plan=main)
    if len(plans.registries) > 1:
        tokens = _read(settings, generation, "keyword/tokens.json", generation.keyword_tokens)
        whole.views.update((name, _plan_view(whole, name, plans, tokens)) for name in plans.names())
    return whole


def _plan_view(whole: OpenGeneration, name: str, plans: Plans, tokens: dict[str, list[str]]) -> OpenGeneration:
    """The part of `whole` about plan `name`; the guides serve the main plan, whose 取組 they name."""
    order = [chunk_id for chunk_id in whole.order if whole.chunks[chunk_id].plan == name]
    return replace(whole, chunks={chunk_id: whole.chunks[chunk_id] for chunk_id in order}, order=order,
                   registry=plans.registries[name], guide=whole.guide if name == plans.main else (),
                   keyword=plan_keyword(order, tokens), vectors=ScopedStore(whole.vectors, name),
                   parts=ScopedParts(whole.parts, set(order)), plan=name, views=whole.views)


def store_label(generation: Generation, settings: Settings) -> str:
    """How a problem names the Chroma store: its folder, or the collection on a server."""
    if settings.vector_store == "embedded":
        return "chroma/ (the Chroma store)"
    return f"Chroma collection {generation.collection} on {settings.vector_store}"


def _check_settings(manifest: dict[str, Any], settings: Settings) -> None:
    configured = model_id(settings.embedding_model)
    if manifest["embedding_model"] != configured:
        raise ConfigError(
            f"the index at {settings.index_dir} was built with embedding model "
            f"{manifest['embedding_model']!r}, not {configured!r}: re-run `taito-dx ingest` with this model"
        )
    if manifest["chroma"] != settings.vector_store:
        raise ConfigError(
            f"the index at {settings.index_dir} keeps its vectors in {manifest['chroma']!r}, not "
            f"{settings.vector_store!r}: use the same --chroma-host, or re-run `taito-dx ingest` with these settings"
        )


def _read(settings: Settings, generation: Generation, name: str, load: Callable[[], T]) -> T:
    try:
        return load()
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:  # files that match their hash but not this code
        raise damaged(settings.index_dir, generation.name,
                      [Problem(name, f"cannot be read ({exc.__class__.__name__}: {exc})")]) from exc


def _count_problems(manifest: dict[str, Any], order: list[str], keyword: KeywordIndex, parts: PartVectors) -> list[Problem]:
    counts = manifest["counts"]
    problems = []
    if order != manifest["chunk_ids"]:
        problems.append(Problem("chunks.jsonl", f"holds {len(order)} chunks, not the {counts['chunks']} of the manifest"))
    if keyword.ids != order:
        problems.append(Problem("keyword/ids.json", f"lists {len(keyword.ids)} chunks, not the {len(order)} of chunks.jsonl"))
    if len(parts.keys) != counts["vectors"] or {chunk_id for chunk_id, _ in parts.keys} != set(order):
        problems.append(Problem("vectors.json", f"holds {len(parts.keys)} vectors, not the {counts['vectors']} "
                                "of the manifest for every chunk"))
    return problems


def _open_store(generation: Generation, settings: Settings, manifest: dict[str, Any], chunks: list[Chunk],
                chunk_vectors: np.ndarray) -> VectorStore | MemoryStore:
    """Chroma's collection, checked by its count and a probe; in memory when the disk is too full for Chroma."""
    def broken(what: str, label: str = store_label(generation, settings)) -> Exception:
        return damaged(settings.index_dir, generation.name, [Problem(label, what)])

    if settings.vector_store == "embedded":
        sqlite = generation.path / SQLITE_FILE
        try:  # checked first: Chroma would make an empty store in place of a missing one
            with sqlite.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            raise broken("is missing", SQLITE_FILE) from None
        except OSError as exc:
            raise broken(f"cannot be read ({exc.strerror})", SQLITE_FILE) from exc
        if header != SQLITE_HEADER:
            raise broken("is not a SQLite database (cut short or overwritten)", SQLITE_FILE)
        if manifest["counts"]["chroma_entries"] > SEGMENT_THRESHOLD and len(chunks):
            died = dies_on_search(generation.chroma_dir, generation.collection, chunk_vectors[0])
            if died is not None:  # searched here, it would take this process with it
                raise broken(f"kills Chroma's search ({died}): its HNSW segment files are damaged",
                             "chroma/ (the Chroma store's HNSW segment files)")
    try:
        client = chroma_client(path=generation.chroma_dir, host=settings.chroma_host, port=settings.chroma_port)
        store = VectorStore(client, generation.collection)
        count = store.count()
        rows = np.unique(np.linspace(0, len(chunks) - 1, PROBES).astype(int))
        nearest = store.nearest_similarities(chunk_vectors[rows])
        stored = store.entries([chunks[row].id for row in rows])
    except StoreError as exc:
        if settings.vector_store == "embedded" and is_disk_full(exc):
            log.warning("the disk holding %s is full, and Chroma writes on every open: searching its vectors in memory",
                        generation.chroma_dir)
            return MemoryStore(chunks, chunk_vectors)
        if settings.chroma_host and "cannot reach" in str(exc):
            raise
        cause = exc.__cause__ or exc
        label = SQLITE_FILE if settings.vector_store == "embedded" else store_label(generation, settings)
        raise broken(f"cannot be opened by Chroma ({cause})", label) from exc
    except Exception as exc:  # chromadb raises bare errors for a damaged segment
        raise broken(f"cannot be searched by Chroma ({exc.__class__.__name__}: {exc})") from exc
    if count != manifest["counts"]["chroma_entries"]:
        raise broken(f"holds {count} entries, not the {manifest['counts']['chroma_entries']} written")
    if min(nearest) < 1.0 - SAME:
        raise broken("does not find its own vectors (its search index is damaged)")
    if any(chunks[row].id not in stored or not np.allclose(stored[chunks[row].id], chunk_vectors[row], atol=SAME)
           for row in rows):
        raise broken("holds other vectors than were written")
    return store
