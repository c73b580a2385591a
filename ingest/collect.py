"""The files an ingest reads under the paths it is given, and an error naming every input it leaves out.

Folders are walked with their symbolic links followed; a folder that cannot be listed, a link that
loops back or leads nowhere, a folder given as a path that holds no file, and a file name that is not
valid Unicode are each reported by name with the reason. Hidden files and folders (".name") are left
out on purpose: they are tools' state (.git, .DS_Store), not documents.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Callable

LEFT_OUT = "left out"


def collect_files(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Files to ingest with their source names, and one error for each input left out."""
    files: list[tuple[Path, str]] = []
    errors: list[str] = []

    def add(file: Path, name: str) -> None:
        problem = _name_problem(name)
        if problem:
            errors.append(problem)
        else:
            files.append((file, name))

    for path in paths:
        if path.is_dir():
            before = (len(files), len(errors))
            _walk(path, path, {_key(path)}, add, errors)
            if (len(files), len(errors)) == before:
                errors.append(f"{path}: the folder holds no file (hidden ones are left out): give a folder with "
                              ".txt, .md or .pdf files")
        elif path.is_file():
            add(path, path.name)
        elif path.is_symlink():
            errors.append(f"{path}: {_link_problem(path)}")
        else:
            errors.append(f"{path}: no such file or directory")
    return files, errors


def _walk(root: Path, folder: Path, ancestors: set[tuple[int, int]], add: Callable[[Path, str], None],
          errors: list[str]) -> None:
    """Add the files under `folder`; `ancestors` are the folders above it (a link to one is a loop)."""
    shown = _shown(root, folder)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        errors.append(f"{shown}: the folder cannot be listed ({exc.strerror}), so its files are {LEFT_OUT}: "
                      "give this user read access to it, or move it out of the folder you ingest")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            path.stat()
        except OSError:  # a link that loops or leads nowhere (a plain entry that vanished reads the same)
            errors.append(f"{_shown(root, path)}: {_link_problem(path)}")
            continue
        if path.is_dir():
            key = _key(path)
            if key in ancestors:
                errors.append(f"{_shown(root, path)}: a symbolic link loop (it leads back to a folder above it, "
                              f"{os.readlink(path) if path.is_symlink() else path}): {LEFT_OUT}")
                continue
            _walk(root, path, ancestors | {key}, add, errors)
        elif path.is_file():
            add(path, path.relative_to(root).as_posix())
        else:
            errors.append(f"{_shown(root, path)}: not a regular file (a device, pipe or socket): {LEFT_OUT}")


def _key(folder: Path) -> tuple[int, int]:
    stat = folder.stat()
    return stat.st_dev, stat.st_ino


def _shown(root: Path, path: Path) -> str:
    """A folder or file as errors name it: relative to the folder given, like source names."""
    return str(root) if path == root else path.relative_to(root).as_posix()


def _link_problem(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        return f"it disappeared while the folder was read: {LEFT_OUT}"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"a symbolic link loop (to {target}): {LEFT_OUT}"
    return f"a broken symbolic link (to {target}, which does not exist): {LEFT_OUT}"


def _name_problem(name: str) -> str | None:
    """An error for a file name that is not valid Unicode (bytes from another encoding), else None.

    Such names (CP932 names from a Windows archive, say) cannot be stored as a source name or shown.
    """
    try:
        name.encode("utf-8")
        return None
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        guess = f" (as CP932 it reads {raw.decode('cp932')!r})"
    except UnicodeDecodeError:
        guess = ""
    shown = raw.decode("utf-8", "backslashreplace")
    return f"{shown}: the file name is not valid UTF-8{guess}: rename the file to a UTF-8 name and ingest again"
