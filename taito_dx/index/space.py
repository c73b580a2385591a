"""Free disk space: what a new generation needs, and the one-line error when the disk lacks it."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from taito_dx.errors import OutOfSpaceError

MB = 1 << 20
# A generation of the shipped corpus (36 chunks) takes 0.9 MB, one of 4,635 chunks 94 MB, 20 KB a chunk
# (measured): Chroma's store and the sentence vectors grow with the chunks. Both rounded up, for headroom.
BASE_BYTES = 2 * MB
BYTES_PER_CHUNK = 32 * 1024
# Messages by which SQLite (inside Chroma) and the OS say the disk is full.
FULL_DISK_TEXTS = ("database or disk is full", "no space left on device")


def needed_bytes(chunks: int) -> int:
    """About how much a generation of `chunks` chunks takes while it is written."""
    return BASE_BYTES + BYTES_PER_CHUNK * chunks


def free_bytes(path: Path) -> int:
    """Free space on the file system holding `path` (or its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc`, or an exception it was raised from, says the disk is full."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(text in str(seen).lower() for text in FULL_DISK_TEXTS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def out_of_space(path: Path, needed: int) -> OutOfSpaceError:
    """The one line naming the directory, the space needed and what is free."""
    return OutOfSpaceError(
        f"not enough free space in {path}: writing the index needs about {_mb(needed)}, {_mb(free_bytes(path))} "
        "is free; the previous index is unchanged: free some space there or set --index-dir / TAITO_DX_INDEX "
        "to a folder on another disk"
    )


def require(path: Path, needed: int) -> None:
    """Raise `out_of_space` unless `needed` bytes are free where `path` is."""
    if free_bytes(path) < needed:
        raise out_of_space(path, needed)


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB"
