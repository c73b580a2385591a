"""PDF loading with pypdf, one text per page with its page number."""

from __future__ import annotations

import logging
from io import BytesIO

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from taito_dx.errors import UnreadableFileError
from taito_dx.ingest.reading_order import page_text
from taito_dx.models import Page

log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)


def load_pdf(data: bytes, source: str) -> tuple[Page, ...]:
    """The text of each page in reading order, numbered from 1; pages without text are left out."""
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not _try_empty_password(reader):
            raise UnreadableFileError(source, "the PDF is encrypted: save an unencrypted copy and ingest that")
        pages = tuple(
            Page(text=text, number=number)
            for number, page in enumerate(reader.pages, start=1)
            if (text := (page_text(page) or "").strip())
        )
    except UnreadableFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError, AttributeError) as exc:
        raise UnreadableFileError(source, f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    if not pages:
        raise UnreadableFileError(source, "the PDF has no text layer (scanned image?): OCR it first")
    return pages


def _try_empty_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several kinds for unsupported encryption
        return False
