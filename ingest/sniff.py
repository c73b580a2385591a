"""What a file really is, from its first bytes: for a file whose name says .pdf or .txt but whose content is another format."""

from __future__ import annotations

import io
import zipfile

# Leading bytes of formats staff save under a wrong name, with what to call them.
MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# Members of a ZIP that say which Office Open XML (or OpenDocument) file it is.
ZIP_KINDS = (
    ("word/", "a Word document (DOCX)"),
    ("xl/", "an Excel workbook (XLSX)"),
    ("ppt/", "a PowerPoint presentation (PPTX)"),
)
HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml")


def sniff(data: bytes) -> str | None:
    """What `data` is when its first bytes name a known format ("a ZIP archive", "a Word document (DOCX)"), else None."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:512].lstrip().lower()
    if head.startswith(HTML_STARTS):
        return "an HTML or XML page" if head.startswith(b"<?xml") else "an HTML page"
    return None


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "a ZIP archive (damaged)"
    for prefix, kind in ZIP_KINDS:
        if any(name.startswith(prefix) for name in names):
            return kind
    if "mimetype" in names:
        return "an OpenDocument file (ODT, ODS or ODP)"
    return "a ZIP archive"
