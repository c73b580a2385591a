"""What a generation holds, recorded when it is written and checked whenever it is opened.

The manifest records every file the ingest wrote (its size and sha256) and the counts of chunks,
vectors and Chroma entries. Chroma's own files are not among them: Chroma rewrites its SQLite file
and segment files on every open, so the store is checked through Chroma itself (its entry count and
a probe on open, every entry's vector on `taito-dx check`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taito_dx.errors import DamagedIndexError

REPAIR = "run `taito-dx ingest --rebuild` with the documents you ingested to write it anew"
CHROMA_DIR = "chroma"
HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a generation: the file (path inside the generation) and what is wrong with it."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file} {self.what}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def record_files(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file under `folder` but its Chroma store: the manifest's `written`."""
    records = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name.split("/", 1)[0] != CHROMA_DIR:
            records[name] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
    return records


def file_problems(folder: Path, written: dict[str, dict[str, Any]]) -> list[Problem]:
    """Each recorded file that is missing, of another size, or of other content than was written."""
    problems = []
    for name, record in sorted(written.items()):
        path = folder / name
        try:
            size = path.stat().st_size
            if size != record["size"]:
                problems.append(Problem(name, f"is {size:,} bytes, not the {record['size']:,} written (cut short or replaced)"))
            elif sha256_of(path) != record["sha256"]:
                problems.append(Problem(name, "does not hold what was written (its sha256 differs)"))
        except FileNotFoundError:
            problems.append(Problem(name, "is missing"))
        except OSError as exc:
            problems.append(Problem(name, f"cannot be read ({exc.strerror})"))
    return problems


def damaged(index_dir: Path, generation: str, problems: list[Problem]) -> DamagedIndexError:
    """The error naming every problem of `generation` and the fix."""
    listed = "; ".join(map(str, problems))
    return DamagedIndexError(f"the index at {index_dir} is damaged (generation {generation}): {listed}: {REPAIR}")
