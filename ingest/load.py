"""Load a file into a `Document` by its extension."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.pdf import load_pdf
from ingest.text import decode
from taito_dx.errors import EmptyDocumentError, UnreadableFileError, UnsupportedFileError
from taito_dx.models import Document, Page

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUFFIXES = TEXT_SUFFIXES + (".pdf",)


def load(path: Path, *, source: str | None = None) -> Document:
    """Read one file; raises an `IngestError` naming the file when it cannot be used."""
    name = source or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsupportedFileError(name, f"unsupported file type {suffix or '(none)'}: use {', '.join(SUFFIXES)}")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UnreadableFileError(name, "the file disappeared before it could be read") from exc
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise EmptyDocumentError(name, "the file is empty")
    if suffix == ".pdf":
        pages = load_pdf(data, name)
    else:
        pages = (Page(text=decode(data, name)),)
    if not any(page.text.strip() for page in pages):
        raise EmptyDocumentError(name, "the file holds no text")
    return Document(source=name, pages=pages, sha256=hashlib.sha256(data).hexdigest())
