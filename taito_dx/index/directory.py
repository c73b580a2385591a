"""The index directory: generations of (Chroma + keyword index + registry + chunks + manifest).

Layout under the index directory:
    CURRENT                 name of the generation readers use (replaced atomically)
    ingest.lock             held by the one running ingest
    generations/<name>/     chroma/, keyword/, vectors.npy + vectors.json, chunks.jsonl, registry.json,
                            guide.json, manifest.json

An ingest writes a new generation beside the current one and switches CURRENT last,
so a reader (or a killed ingest) only ever sees a complete generation. When CURRENT or the
manifest it leads to is damaged, readers use the newest complete generation and say so; with
none, they stop with the fix. Nothing here ever writes a generation in a reader's place.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from taito_dx.errors import ConfigError, DamagedIndexError, IndexLockedError, NoIndexError
from taito_dx.index.integrity import REPAIR
from taito_dx.index.space import BASE_BYTES, is_disk_full, out_of_space
from taito_dx.models import Chunk, GuideEntry
from taito_dx.registry import Plans
from taito_dx.index.vectors import PartVectors

log = logging.getLogger(__name__)

KEEP_GENERATIONS = 2
HOLDER_WAIT_S = 0.5  # how long a refused ingest waits for the lock holder to have written its pid
# The generation layout this code writes and reads (recorded in each manifest as "version").
# 3: an indicator figure in no stated column is its `value`; 4: guide.json; 5: manifests record every file written
LAYOUT_VERSION = 6
# What a manifest of this layout holds (a manifest without one of them is damaged).
MANIFEST_KEYS = ("version", "embedding_model", "chroma", "chunk_ids", "files", "written", "counts")
COUNTS = ("chunks", "vectors", "chroma_entries")


@dataclass(frozen=True)
class Generation:
    """Paths of one complete (or being written) index generation."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def chroma_dir(self) -> Path:
        return self.path / "chroma"

    @property
    def keyword_dir(self) -> Path:
        return self.path / "keyword"

    @property
    def vectors_file(self) -> Path:
        return self.path / "vectors.npy"

    @property
    def vector_keys_file(self) -> Path:
        return self.path / "vectors.json"

    @property
    def chunks_file(self) -> Path:
        return self.path / "chunks.jsonl"

    @property
    def registry_file(self) -> Path:
        return self.path / "registry.json"

    @property
    def guide_file(self) -> Path:
        return self.path / "guide.json"

    @property
    def manifest_file(self) -> Path:
        return self.path / "manifest.json"

    @property
    def collection(self) -> str:
        return f"taito_dx_{self.name}"

    def manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_file.read_text(encoding="utf-8"))

    def incompleteness(self) -> str | None:
        """Why this is not a complete generation of this layout (None when it is one)."""
        try:
            manifest = self.manifest()
        except FileNotFoundError:
            return "has no manifest.json"
        except (OSError, ValueError) as exc:
            return f"has an unreadable manifest.json ({exc.__class__.__name__}: {exc})"
        if not isinstance(manifest, dict) or "version" not in manifest:
            return "has a manifest.json that is not a manifest"
        if manifest["version"] != LAYOUT_VERSION:
            return OUTDATED
        lacking = [key for key in MANIFEST_KEYS if key not in manifest]
        counts = manifest.get("counts")
        if not lacking and isinstance(counts, dict):
            lacking = [f"counts.{key}" for key in COUNTS if not isinstance(counts.get(key), int)]
        if lacking or not isinstance(manifest["written"], dict) or len(manifest["chunk_ids"]) != counts["chunks"]:
            return f"has a manifest.json that lacks {', '.join(lacking) or 'consistent counts'}"
        return None

    def chunks(self) -> list[Chunk]:
        with self.chunks_file.open(encoding="utf-8") as lines:
            return [Chunk(**json.loads(line)) for line in lines if line.strip()]

    def plans(self) -> Plans:
        """Each plan's registry, by name (registry.json)."""
        return Plans.load(self.registry_file)

    def keyword_tokens(self) -> dict[str, list[str]]:
        """Each chunk's keyword tokens, by chunk id (keyword/tokens.json)."""
        return json.loads((self.keyword_dir / "tokens.json").read_text(encoding="utf-8"))["tokens"]

    def guide(self) -> tuple[GuideEntry, ...]:
        """The entries of the guides (documents that link DX tools to the plan's 取組, not the plan)."""
        entries = json.loads(self.guide_file.read_text(encoding="utf-8"))
        return tuple(GuideEntry.from_dict(entry) for entry in entries)

    def part_vectors(self) -> PartVectors:
        return PartVectors.load(self.vectors_file, self.vector_keys_file)



OUTDATED = "was written by an older version of taito-dx"


@dataclass(frozen=True)
class Resolved:
    """The generation readers use, and why it is not the one CURRENT names (None when it is)."""

    generation: Generation
    warning: str | None = None


class IndexDir:
    """The index directory shared by every subcommand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.generations = path / "generations"
        self.pointer = path / "CURRENT"

    def is_empty(self) -> bool:
        """Whether nothing was ever ingested here: no CURRENT and no generation (the one case where the
        shipped corpus may be ingested unasked)."""
        has_generation = self.generations.is_dir() and any(p.is_dir() for p in self.generations.iterdir())
        return not has_generation and not self.pointer.exists()

    def resolve(self) -> Resolved:
        """The generation to read: the one CURRENT names, or else the newest complete one (with a warning).

        Raises NoIndexError when nothing was ingested, DamagedIndexError when no generation is complete,
        ConfigError when the current one was written by an older version.
        """
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            name, why = None, "CURRENT is missing"
        except (OSError, ValueError) as exc:
            name, why = None, f"CURRENT cannot be read ({exc})"
        else:
            why = "CURRENT is empty" if not name else f"CURRENT names {name!r}, which is not a generation of this index"
        named = self.generation(name) if name else None
        if named is not None:
            problem = named.incompleteness()
            if problem is None:
                return Resolved(named)
            if problem == OUTDATED:
                raise ConfigError(f"the index at {self.path} {OUTDATED}: re-run `taito-dx ingest` with the documents you ingested")
            why = f"generation {named.name}, which CURRENT names, {problem}"
        if self.is_empty():
            raise NoIndexError(f"no index at {self.path}: run `taito-dx ingest` first (or set --index-dir / TAITO_DX_INDEX)")
        for candidate in reversed(self.generation_list()):
            if candidate != named and candidate.incompleteness() is None:
                return Resolved(candidate, f"the index at {self.path} is damaged: {why}: using generation {candidate.name}, "
                                           "the newest complete one; `taito-dx ingest` repairs CURRENT")
        raise DamagedIndexError(f"the index at {self.path} is damaged: {why}, and no other generation is complete: {REPAIR}")

    def generation(self, name: str) -> Generation | None:
        """The generation called `name`, if there is such a folder (a name with a path in it is none)."""
        if name in (".", "..") or name != Path(name).name or "\\" in name:
            return None
        generation = Generation(self.generations / name)
        return generation if generation.path.is_dir() else None

    def generation_list(self) -> list[Generation]:
        """Every generation folder, oldest first (names sort in creation order)."""
        if not self.generations.is_dir():
            return []
        return [Generation(p) for p in sorted(self.generations.iterdir(), key=lambda p: p.name) if p.is_dir()]

    def current(self) -> Generation | None:
        """The generation readers should use, or None when there is none usable."""
        try:
            return self.resolve().generation
        except (NoIndexError, ConfigError):
            return None

    def require_current(self) -> Generation:
        return self.resolve().generation

    def pointer_mtime(self) -> float:
        try:
            return self.pointer.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def new_generation(self) -> Generation:
        self.generations.mkdir(parents=True, exist_ok=True)
        # Names sort in creation order (the stale-generation cleanup keeps the newest by name), also
        # for several ingests within one second.
        seconds, nanoseconds = divmod(time.time_ns(), 1_000_000_000)
        name = f"{time.strftime('%Y%m%dT%H%M%S', time.localtime(seconds))}-{nanoseconds:09d}-{os.getpid()}"
        path = self.generations / name
        path.mkdir()
        return Generation(path)

    def switch(self, generation: Generation) -> None:
        """Make `generation` current in one atomic rename, durable before it is visible."""
        _fsync_tree(generation.path)
        temporary = self.path / "CURRENT.tmp"
        try:
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write(generation.name)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:  # a full disk: CURRENT stays as it was
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, self.pointer)
        _fsync_dir(self.path)

    def stale_generations(self) -> list[Generation]:
        """Generations neither current nor among the newest complete ones kept for readers still using them.

        A generation without a complete manifest was left by an ingest that died mid-write (or is
        damaged and no longer current); it is stale at once, so it never takes the place of a complete
        one. Call this holding the ingest lock, after a switch.
        """
        current = self.current()
        every = self.generation_list()
        complete = [g.name for g in every if g.incompleteness() is None]
        keep = set(complete[-KEEP_GENERATIONS:]) | ({current.name} if current else set())
        return [g for g in every if g.name not in keep]

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the ingest lock, or refuse at once when another ingest holds it."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            opened = (self.path / "ingest.lock").open("a+")
        except OSError as exc:
            if is_disk_full(exc):
                raise out_of_space(self.path, BASE_BYTES) from exc
            reason = "a file, not a folder" if self.path.is_file() else exc.strerror
            raise ConfigError(
                f"cannot use {self.path} as the index directory ({reason}): "
                "set --index-dir / TAITO_DX_INDEX to a folder you can write to"
            ) from exc
        with opened as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                holder = _lock_holder(handle) or "another process"
                raise IndexLockedError(
                    f"another ingest ({holder}) is writing {self.path}: wait for it to finish, then run again"
                ) from exc
            handle.seek(0)
            handle.truncate()
            try:  # unbuffered: a write that fails leaves nothing to flush on close
                os.write(handle.fileno(), f"pid {os.getpid()}".encode())
            except OSError as exc:  # a full disk: the lock holds without naming its holder
                if exc.errno != errno.ENOSPC:
                    raise
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_holder(handle: Any) -> str:
    """"pid N" as the ingest holding the lock wrote it, which it does just after taking the lock: read again for
    up to HOLDER_WAIT_S while the file is still empty; "" when it names no holder (a full disk leaves it empty)."""
    deadline = time.monotonic() + HOLDER_WAIT_S
    while True:
        handle.seek(0)
        holder = handle.read().strip()
        if holder or time.monotonic() >= deadline:
            return holder
        time.sleep(0.01)


def remove_generation(generation: Generation) -> None:
    shutil.rmtree(generation.path, ignore_errors=True)


def _fsync_tree(path: Path) -> None:
    for root, _dirs, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(Path(root))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
