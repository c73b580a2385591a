"""`taito-dx check`: everything opening checks, and then every Chroma entry and every cross reference.

Opening a generation (`open_generation`) checks each file's size and sha256 and the counts; this adds
what is too slow for every open on a large index: each Chroma entry's vector against the sentence
vectors it is the mean of, Chroma's search finding each entry first, and the registry's and manifest's
chunk references.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from taito_dx.errors import TaitoDxError
from taito_dx.index.directory import IndexDir
from taito_dx.index.integrity import Problem, damaged
from taito_dx.index.reader import SAME, OpenGeneration, open_generation, store_label
from taito_dx.index.store import VectorStore
from taito_dx.settings import Settings

BATCH = 256  # entries searched per Chroma query
TOLERANCE = 1e-4  # how far a stored vector may be from the mean of its sentence vectors (float32 rounding)


@dataclass(frozen=True)
class Verification:
    """The outcome of a check: the generation read, what was counted, and the damage found ("" if none)."""

    index_dir: str
    generation: str = ""
    files: int = 0
    chunks: int = 0
    vectors: int = 0
    chroma_entries: int = 0
    warning: str = ""
    problem: str = ""

    def summary(self) -> str:
        checked = "every Chroma entry matches its vectors" if self.chroma_entries else "Chroma was not opened"
        note = f" (warning: {self.warning})" if self.warning else ""
        return (f"ok: {self.index_dir}, generation {self.generation}: {self.files} files match their size and sha256; "
                f"{self.chunks} chunks, {self.vectors} sentence vectors, {self.chroma_entries} Chroma entries; "
                f"{checked}{note}")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": not self.problem}


def verify(settings: Settings) -> Verification:
    """Check the index of `settings` completely; damage is reported in `problem`, never raised."""
    where = str(settings.index_dir)
    warning = ""
    try:
        resolved = IndexDir(settings.index_dir).resolve()
        warning = resolved.warning or ""
        opened = open_generation(resolved.generation, settings)
        problems = deep_problems(opened, settings)
        if problems:
            raise damaged(settings.index_dir, opened.generation.name, problems)
    except TaitoDxError as exc:
        return Verification(where, warning=warning, problem=str(exc))
    manifest = opened.generation.manifest()
    store_checked = isinstance(opened.vectors, VectorStore)
    if not store_checked:
        warning = warning or "the disk is full, so Chroma could not open its store: its entries were not checked"
    return Verification(where, opened.generation.name, len(manifest["written"]), len(opened.order),
                        len(opened.parts.keys), manifest["counts"]["chroma_entries"] if store_checked else 0, warning)


def deep_problems(opened: OpenGeneration, settings: Settings) -> list[Problem]:
    """Chroma's entries against the sentence vectors, and every chunk a registry or manifest refers to."""
    problems = []
    known = set(opened.order)
    registries = [view.registry for view in opened.views.values()] or [opened.registry]
    evidence = {chunk_id for registry in registries for chunk_id in registry.evidence.values()} - known
    if evidence:
        problems.append(Problem("registry.json", f"cites {len(evidence)} chunks that chunks.jsonl does not hold"))
    listed = {chunk_id for entry in opened.generation.manifest()["files"].values() for chunk_id in entry["chunks"]}
    if listed - known:
        problems.append(Problem("manifest.json", f"lists {len(listed - known)} chunks that chunks.jsonl does not hold"))
    if isinstance(opened.vectors, VectorStore):
        problems += _store_problems(opened, opened.vectors, store_label(opened.generation, settings))
    return problems


def _store_problems(opened: OpenGeneration, store: VectorStore, label: str) -> list[Problem]:
    expected = opened.parts.chunk_vectors(opened.order)
    try:
        entries = store.entries()
        nearest = [similarity for start in range(0, len(expected), BATCH)
                   for similarity in store.nearest_similarities(expected[start:start + BATCH])]
    except Exception as exc:  # chromadb raises bare errors for a damaged store
        return [Problem(label, f"cannot be read by Chroma ({exc.__class__.__name__}: {exc})")]
    if set(entries) != set(opened.order):
        return [Problem(label, f"holds {len(entries)} entries, not the {len(opened.order)} chunks of chunks.jsonl")]
    stored = np.stack([entries[chunk_id] for chunk_id in opened.order])
    wrong = int((np.abs(stored - expected).max(axis=1) > TOLERANCE).sum())
    problems = []
    if wrong:
        problems.append(Problem(label, f"holds other vectors than were written for {wrong} chunks"))
    lost = sum(1 for similarity in nearest if similarity < 1.0 - SAME)
    if lost:
        problems.append(Problem(label, f"does not find {lost} of its entries by their own vectors (its search index is damaged)"))
    return problems
