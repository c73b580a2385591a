"""Load a file into a `Document` by its extension."""

from __future__ import annotations

import hashlib
from pathlib import Path

from taito_dx.ingest.pdf import load_pdf
from taito_dx.ingest.sniff import sniff
from taito_dx.ingest.text import decode
from taito_dx.errors import DocumentTooLargeError, EmptyDocumentError, UnreadableFileError, UnsupportedFileError
from taito_dx.models import Document, Page

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUFFIXES = TEXT_SUFFIXES + (".pdf",)
# No text encoding we read takes more than 4 bytes a character.
MAX_BYTES_PER_CHAR = 4


def load(path: Path, *, source: str | None = None, max_chars: int | None = None) -> Document:
    """Read one file; raises an `IngestError` naming the file when it cannot be used.

    `max_chars` caps the text of one file, so that a stray dump cannot hold the ingest
    (and its lock) for many minutes of embedding on a small machine.
    """
    name = source or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsupportedFileError(name, f"unsupported file type {suffix or '(none)'}: use {', '.join(SUFFIXES)}")
    try:
        if max_chars is not None and suffix in TEXT_SUFFIXES and path.stat().st_size > max_chars * MAX_BYTES_PER_CHAR:
            raise _too_large(name, f"{path.stat().st_size:,} bytes", max_chars)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UnreadableFileError(name, "the file disappeared before it could be read") from exc
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise EmptyDocumentError(name, "the file is empty")
    _refuse_other_format(data, name, suffix)
    if suffix == ".pdf":
        pages = load_pdf(data, name)
    else:
        pages = (Page(text=decode(data, name)),)
    if not any(page.text.strip() for page in pages):
        raise EmptyDocumentError(name, "the file holds no text")
    chars = sum(len(page.text) for page in pages)
    if max_chars is not None and chars > max_chars:
        raise _too_large(name, f"{chars:,} characters of text", max_chars)
    return Document(source=name, pages=pages, sha256=hashlib.sha256(data).hexdigest())


def _refuse_other_format(data: bytes, name: str, suffix: str) -> None:
    """Refuse a file whose content is another format than its name says, saying what it is."""
    kind = sniff(data)
    if suffix == ".pdf" and kind not in (None, "a PDF document"):
        raise UnreadableFileError(name, f"not a readable PDF: the file is {kind}, not a PDF, whatever its name says: "
                                        "save it as PDF (or as text) and ingest that")
    if suffix in TEXT_SUFFIXES and kind is not None and not kind.startswith("an HTML"):
        raise UnreadableFileError(name, f"not text: the file is {kind}, whatever its name says: "
                                        "save it as text (or PDF) and ingest that")


def _too_large(name: str, size: str, max_chars: int) -> DocumentTooLargeError:
    return DocumentTooLargeError(
        name, f"{size}, over the limit of {max_chars:,} characters a file: split it, "
        "or raise the limit with TAITO_DX_MAX_DOCUMENT_CHARS"
    )
