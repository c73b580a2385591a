"""`run(paths, settings)`: files → chunks → a new index generation, embedding only what changed."""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.ingest.chunk import chunk_document
from taito_dx.ingest.guide import parse_guide
from taito_dx.ingest.collect import collect_files
from taito_dx.ingest.load import load
from taito_dx.ingest.normalize import normalize
from taito_dx.ingest.structure import parse
from taito_dx.embedders import ReusingEmbeddings
from taito_dx.embeddings import load_embeddings, model_id
from taito_dx.errors import ConfigError, DamagedIndexError, IngestError, NoIndexError, StoreError, TaitoDxError
from taito_dx.index.directory import LAYOUT_VERSION, Generation, IndexDir, remove_generation
from taito_dx.index.integrity import REPAIR, file_problems, record_files
from taito_dx.index.keyword import JapaneseTokenizer, KeywordIndex
from taito_dx.index.reader import open_generation
from taito_dx.index.space import is_disk_full, needed_bytes, out_of_space, require
from taito_dx.models import Chunk, GuideEntry
from taito_dx.plan_names import plan_name
from taito_dx.registry import PlanRegistry, Plans
from taito_dx.settings import Settings
from taito_dx.index.store import VectorStore, chroma_client, drop_collection
from taito_dx.index.vectors import PartVectors

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 256  # chunks embedded and written per step (one progress report each)


@dataclass
class IngestReport:
    """What an ingest did; `errors` name each file that could not be used, `warnings` each part of an ingested
    file whose plan structure could not be read (a sheet that is indexed as text only)."""

    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    repaired: str = ""  # the damage found in the previous index, which this ingest wrote anew
    generation: str = ""

    def summary(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if key != "generation"}


@dataclass
class _Previous:
    """The generation an ingest starts from: None when there is none to reuse, with the damage found."""

    generation: Generation | None = None
    manifest: dict[str, Any] = field(default_factory=lambda: {"files": {}})
    damage: str = ""
    intact: frozenset[str] = frozenset()  # its files that hold what was written (vectors and tokens of these are reused)
    repoint: bool = False  # CURRENT did not name it (CURRENT is damaged): an unchanged ingest repairs CURRENT


@dataclass
class _Source:
    name: str
    sha256: str
    chunks: list[Chunk]
    registry: PlanRegistry
    warnings: list[str] = field(default_factory=list)
    guide: list[GuideEntry] = field(default_factory=list)
    plan: str = ""  # the plan its title names ("" for none: it then belongs to the corpus's main plan)


def run(paths: list[Path], settings: Settings, *, progress: Progress | None = None,
        embedder: Embeddings | None = None, rebuild: bool = False) -> IngestReport:
    """Ingest `paths` into the index directory; the previous index stays usable on any failure.

    `embedder`, when given, is used instead of loading `settings.embedding_model` (a caller that
    already holds the model, such as the benchmark, saves loading it again). `rebuild` reuses no
    vector or token of the current generation and writes a new one even for unchanged input.
    """
    started = time.perf_counter()
    progress = progress or (lambda stage, done, total: None)
    index = IndexDir(settings.index_dir)
    report = IngestReport()
    with index.lock():
        start = _previous(index, settings)
        previous, previous_manifest, report.repaired = start.generation, start.manifest, start.damage
        if report.repaired:
            log.info("%s: writing a new generation", report.repaired)
        files, report.errors = collect_files(paths)
        sources: list[_Source] = []
        for done, (path, name) in enumerate(files, start=1):
            progress("read", done, len(files))
            try:
                sources.append(_read(path, name, max_chars=settings.max_document_chars))
            except IngestError as exc:
                report.errors.append(str(exc))
                carried = None if start.damage else _carry_over(previous, previous_manifest, name)
                if carried:
                    sources.append(carried)
        sources = _with_plans(sources)
        report.warnings = [warning for source in sources for warning in source.warnings]
        report.documents = len([s for s in sources if s.name in {name for _, name in files}])
        chunks = _dedupe([chunk for source in sources for chunk in source.chunks])
        report.chunks = len(chunks)
        model = model_id(settings.embedding_model)
        old_ids = set(previous_manifest.get("chunk_ids", []))
        new_ids = [chunk.id for chunk in chunks]
        report.removed = len(old_ids - set(new_ids))
        # The previous generation's sentence vectors serve again under the same model and layout; its
        # Chroma collection only where it was written: moving to a server (or back) writes a new one.
        reusable = (not rebuild and previous is not None and previous_manifest.get("embedding_model") == model
                    and previous_manifest.get("version") == LAYOUT_VERSION)
        same_store = previous_manifest.get("chroma") == settings.vector_store
        if (previous and not start.damage and reusable and same_store and set(new_ids) == old_ids
                and _same_files(previous_manifest, sources)):
            if start.repoint:
                index.switch(previous)
            report.unchanged = len(chunks)
            report.generation = previous.name
            report.seconds = time.perf_counter() - started
            return report
        if not chunks:  # an empty generation would replace a good one, or fail to index at all
            reasons = "; ".join(report.errors) or "no .txt, .md or .pdf file found"
            kept = "the previous index is kept" if previous else "no index was written"
            raise TaitoDxError(f"nothing could be ingested ({reasons}): {kept}")
        needed = needed_bytes(len(chunks))
        require(index.path, needed)
        generation: Generation | None = None
        try:
            generation = index.new_generation()
            report.unchanged = _write_generation(generation, sources, chunks, settings,
                                                 start if reusable else _Previous(), progress, embedder)
            index.switch(generation)
        except BaseException as exc:
            if generation is not None:
                remove_generation(generation)
            if is_disk_full(exc):
                raise out_of_space(index.path, needed) from exc
            raise
        report.embedded = len(chunks) - report.unchanged
        report.generation = generation.name
        _clean_up(index, settings)
    report.seconds = time.perf_counter() - started
    return report


def _previous(index: IndexDir, settings: Settings) -> _Previous:
    """The current generation, checked as a reader opens it. Of a damaged one, only files that still hold
    what was written are reused (its sentence vectors, its tokens); nothing is carried over from it."""
    try:
        resolved = index.resolve()
    except NoIndexError as exc:  # nothing ingested yet, or (DamagedIndexError) no generation complete
        return _Previous(damage=_damage(exc) if isinstance(exc, DamagedIndexError) else "")
    except ConfigError:  # an older layout: nothing to reuse, nothing damaged
        return _Previous()
    generation = resolved.generation
    manifest = generation.manifest()
    damage = ""
    try:
        open_generation(generation, settings)
    except DamagedIndexError as exc:
        damage = _damage(exc)
    except ConfigError:  # another model or store: the ingest below writes anew, carrying files over
        pass
    damaged_files = {problem.file for problem in file_problems(generation.path, manifest["written"])} if damage else set()
    return _Previous(generation, manifest, damage, frozenset(set(manifest["written"]) - damaged_files),
                     repoint=resolved.warning is not None)


def _damage(exc: DamagedIndexError) -> str:
    """What was damaged, without the fix this ingest is applying."""
    return str(exc).removesuffix(f": {REPAIR}")


def _read(path: Path, name: str, *, max_chars: int | None = None) -> _Source:
    document = load(path, source=name, max_chars=max_chars)
    pages = [(normalize(page.text), page.number) for page in document.pages]
    plan = parse(pages)
    if not (plan.goals or plan.measures or plan.initiatives):
        guide = parse_guide(name, "\n".join(text for text, _ in pages))
        if guide:  # a guide's entries are kept apart from the plan's chunks
            return _Source(name, document.sha256, [], PlanRegistry(), guide=guide)
    chunks, registry = chunk_document(name, plan)
    return _Source(name, document.sha256, chunks, registry, warnings=[f"{name}: {warning}" for warning in plan.warnings],
                   plan=plan_name(plan.title))


def _with_plans(sources: list[_Source]) -> list[_Source]:
    """The sources with each chunk named by its plan: a document whose title names no plan (a notice, a memo)
    belongs to the main plan of those that do."""
    named = Plans()
    for source in sources:
        if source.plan:
            named.add(source.plan, source.registry)
    main = named.main
    return [replace(source, plan=source.plan or main,
                    chunks=[replace(chunk, plan=source.plan or main) for chunk in source.chunks]) for source in sources]


def _carry_over(previous: Generation | None, manifest: dict, name: str) -> _Source | None:
    """A file that fails now but was ingested before keeps its previous chunks."""
    entry = manifest["files"].get(name)
    if previous is None or entry is None:
        return None
    ids = set(entry["chunks"])
    try:
        chunks = [chunk for chunk in previous.chunks() if chunk.id in ids]
    except (OSError, ValueError, TypeError) as exc:  # a damaged generation: nothing to carry
        log.warning("cannot carry %s over from generation %s (%s)", name, previous.name, exc)
        return None
    return _Source(name, entry["sha256"], chunks, PlanRegistry.from_dict(entry["registry"]),
                   guide=[GuideEntry.from_dict(e) for e in entry.get("guide", [])], plan=entry.get("plan", ""))


def _dedupe(chunks: list[Chunk]) -> list[Chunk]:
    return list({chunk.id: chunk for chunk in chunks}.values())


def _same_files(manifest: dict, sources: list[_Source]) -> bool:
    return {name: entry["sha256"] for name, entry in manifest["files"].items()} == {s.name: s.sha256 for s in sources}


def _write_generation(
    generation: Generation,
    sources: list[_Source],
    chunks: list[Chunk],
    settings: Settings,
    start: _Previous,
    progress: Progress,
    embedder: Embeddings | None = None,
) -> int:
    """Write every part of a generation but its CURRENT switch; returns how many chunks needed no embedding.

    The sentence vectors and keyword tokens of `start`'s generation are reused where their files are intact."""
    known: dict[str, np.ndarray] = {}
    tokens_known: dict[str, list[str]] = {}
    previous = start.generation
    if previous is not None and {"vectors.npy", "vectors.json"} <= start.intact:
        try:
            known = previous.part_vectors().by_text()
        except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged: nothing is reused, nothing is lost
            log.warning("cannot read the vectors of generation %s (%s): embedding everything anew", previous.name, exc)
    if previous is not None and "keyword/tokens.json" in start.intact:
        tokens_known = _known_tokens(previous)
    reusing = ReusingEmbeddings(lambda: embedder or load_embeddings(settings.embedding_model), known)
    store = VectorStore(_client(generation, settings), generation.collection, create=True)
    tokenizer = JapaneseTokenizer()
    tokens: dict[str, list[str]] = {}

    def write(batch: list[Chunk], vectors: np.ndarray) -> None:
        store.add(batch, vectors)
        for chunk in batch:
            tokens[chunk.id] = tokens_known.get(chunk.id) or tokenizer(chunk.search_text)

    embedded: list[PartVectors] = []
    # What needs no vector (chunks, registry) is written while the first batch is embedded; then each
    # batch is written to Chroma and keyword-tokenised while the next is embedded. The embedding threads
    # wait on memory and the GIL often enough for a third thread to use.
    with ThreadPoolExecutor(1, thread_name_prefix="index-write") as writer:
        plan_files = writer.submit(_write_plan_files, generation, sources, chunks)
        writing: Future[None] | None = None
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[start:start + EMBED_BATCH]
            vectors = PartVectors.embed(batch, reusing)
            if writing is not None:
                writing.result()
                progress("embed", start, len(chunks))
            writing = writer.submit(write, batch, vectors.chunk_vectors([chunk.id for chunk in batch]))
            embedded.append(vectors)
        if writing is not None:
            writing.result()
            progress("embed", len(chunks), len(chunks))
        files = plan_files.result()
    table = PartVectors.concatenate(embedded)
    table.save(generation.vectors_file, generation.vector_keys_file)

    keyword = KeywordIndex.build([tokens[chunk.id] for chunk in chunks], [chunk.id for chunk in chunks])
    keyword.save(generation.keyword_dir)
    cache = {"tokenizer": JapaneseTokenizer.SIGNATURE, "tokens": tokens}
    (generation.keyword_dir / "tokens.json").write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")

    manifest = {
        "version": LAYOUT_VERSION,
        "generation": generation.name,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedding_model": model_id(settings.embedding_model),
        "chroma": settings.vector_store,
        "chunk_ids": [chunk.id for chunk in chunks],
        "files": files,
        "counts": {"chunks": len(chunks), "vectors": len(table.keys), "chroma_entries": store.count()},
        "written": record_files(generation.path),
    }
    # Written last: a manifest marks a generation complete. No indent: it would make json use its
    # pure-Python encoder, seconds for a large corpus.
    generation.manifest_file.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return table.chunks_known(reusing.previously_known)


def _known_tokens(previous: Generation) -> dict[str, list[str]]:
    """The keyword tokens of the previous generation's chunks, if they were made by this tokenizer."""
    tokens_file = previous.keyword_dir / "tokens.json"
    try:
        cached = json.loads(tokens_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("cannot read the keyword tokens of generation %s (%s): tokenising anew", previous.name, exc)
        return {}
    return cached["tokens"] if cached.get("tokenizer") == JapaneseTokenizer.SIGNATURE else {}


def _write_plan_files(generation: Generation, sources: list[_Source], chunks: list[Chunk]) -> dict[str, Any]:
    """Write chunks.jsonl, each plan's merged registry and the guides; return the manifest's entry for each source file."""
    plans = Plans()
    for source in sources:
        if source.chunks:  # a guide states no plan
            plans.add(source.plan, source.registry)
    plans.save(generation.registry_file)
    guide = [asdict(entry) for source in sources for entry in source.guide]
    generation.guide_file.write_text(json.dumps(guide, ensure_ascii=False, indent=1), encoding="utf-8")
    with generation.chunks_file.open("w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
    return {
        source.name: {
            "sha256": source.sha256,
            "chunks": [chunk.id for chunk in source.chunks],
            "plan": source.plan,
            "registry": source.registry.to_dict(),
            "guide": [asdict(entry) for entry in source.guide],
        }
        for source in sources
    }


def _client(generation: Generation, settings: Settings) -> object:
    return chroma_client(path=generation.chroma_dir, host=settings.chroma_host, port=settings.chroma_port)


def _clean_up(index: IndexDir, settings: Settings) -> None:
    """Remove stale generations, with their collections on the Chroma server each was written to
    (one without a readable manifest, as a killed ingest leaves, is taken as written with these settings)."""
    for stale in index.stale_generations():
        try:
            recorded = stale.manifest().get("chroma", "embedded")
        except (OSError, ValueError):  # no manifest (a killed ingest) or a damaged one
            recorded = settings.vector_store
        if recorded != "embedded":
            host, _, port = recorded.rpartition(":")
            try:
                drop_collection(chroma_client(path=stale.chroma_dir, host=host, port=int(port)), stale.collection)
            except StoreError as exc:  # the server is gone: the folder still goes
                log.warning("could not remove %s from the Chroma server at %s: %s", stale.collection, recorded, exc)
        remove_generation(stale)
