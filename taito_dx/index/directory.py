"""The index directory: generations of (Chroma + keyword index + registry + chunks + manifest).

Layout under the index directory:
    CURRENT                 name of the generation readers use (replaced atomically)
    ingest.lock             held by the one running ingest
    generations/<name>/     chroma/, keyword/, vectors.npy + vectors.json, chunks.jsonl, registry.json,
                            guide.json, manifest.json

An ingest writes a new generation beside the current one and switches CURRENT last,
so a reader (or a killed ingest) only ever sees a complete generation.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from taito_dx.errors import ConfigError, IndexLockedError, NoIndexError
from taito_dx.models import Chunk, GuideEntry
from taito_dx.registry import PlanRegistry
from taito_dx.index.vectors import PartVectors

KEEP_GENERATIONS = 2
# The generation layout this code writes and reads (recorded in each manifest as "version").
LAYOUT_VERSION = 4  # 3: an indicator figure in no stated column is its `value`; 4: guide.json, the guides' entries


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

    def chunks(self) -> list[Chunk]:
        with self.chunks_file.open(encoding="utf-8") as lines:
            return [Chunk(**json.loads(line)) for line in lines if line.strip()]

    def registry(self) -> PlanRegistry:
        return PlanRegistry.load(self.registry_file)

    def guide(self) -> tuple[GuideEntry, ...]:
        """The entries of the guides (documents that link DX tools to the plan's 取組, not the plan)."""
        entries = json.loads(self.guide_file.read_text(encoding="utf-8"))
        return tuple(GuideEntry.from_dict(entry) for entry in entries)

    def part_vectors(self) -> PartVectors:
        return PartVectors.load(self.vectors_file, self.vector_keys_file)

    def missing_files(self, vector_store: str) -> list[str]:
        """The files of a complete generation that are not there (its Chroma folder only for the
        embedded store: a server's collection is not a file here)."""
        required = [self.chunks_file, self.registry_file, self.guide_file, self.vectors_file, self.vector_keys_file,
                    self.keyword_dir / "ids.json"]
        if vector_store == "embedded":
            required.append(self.chroma_dir)
        return [path.relative_to(self.path).as_posix() for path in required if not path.exists()]

    def is_current_layout(self) -> bool:
        """Whether this code wrote the generation (an older layout must be ingested again)."""
        return self.manifest().get("version") == LAYOUT_VERSION


class IndexDir:
    """The index directory shared by every subcommand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.generations = path / "generations"
        self.pointer = path / "CURRENT"

    def current(self) -> Generation | None:
        """The generation readers should use, or None when nothing was ingested yet."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):  # nothing ingested yet, or not a folder at all
            return None
        generation = Generation(self.generations / name)
        return generation if generation.manifest_file.exists() else None

    def require_current(self) -> Generation:
        generation = self.current()
        if generation is None:
            raise NoIndexError(f"no index at {self.path}: run `taito-dx ingest` first (or set --index-dir / TAITO_DX_INDEX)")
        return generation

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
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(generation.name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.pointer)
        _fsync_dir(self.path)

    def stale_generations(self) -> list[Generation]:
        """Generations neither current nor among the newest complete ones kept for readers still using them.

        A generation without a manifest was left by an ingest that died mid-write; it is stale at
        once, so it never takes the place of a complete one. Call this holding the ingest lock.
        """
        if not self.generations.is_dir():
            return []
        current = self.current()
        names = sorted(p.name for p in self.generations.iterdir() if p.is_dir())
        complete = [name for name in names if Generation(self.generations / name).manifest_file.exists()]
        keep = set(complete[-KEEP_GENERATIONS:]) | ({current.name} if current else set())
        return [Generation(self.generations / name) for name in names if name not in keep]

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the ingest lock, or refuse at once when another ingest holds it."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            opened = (self.path / "ingest.lock").open("a+")
        except OSError as exc:
            reason = "a file, not a folder" if self.path.is_file() else exc.strerror
            raise ConfigError(
                f"cannot use {self.path} as the index directory ({reason}): "
                "set --index-dir / TAITO_DX_INDEX to a folder you can write to"
            ) from exc
        with opened as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise IndexLockedError(
                    f"another ingest ({holder}) is writing {self.path}: wait for it to finish, then run again"
                ) from exc
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)


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
