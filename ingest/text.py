"""Text and Markdown loading with encoding detection (UTF-8, BOMs, CP932/Shift_JIS, UTF-16)."""

from __future__ import annotations

from taito_dx.errors import UnreadableFileError

# Tried in order; CP932 is the superset of Shift_JIS that Japanese government files use.
CANDIDATE_ENCODINGS = ("utf-8", "cp932", "euc_jp")
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe", "utf-16", "UTF-16"), (b"\xfe\xff", "utf-16", "UTF-16"))


def decode(data: bytes, path: str) -> str:
    """Decode file bytes, refusing binary data (NUL characters anywhere) rather than guessing."""
    text = _decode(data, path)
    nul = text.find("\x00")
    if nul >= 0:
        raise UnreadableFileError(path, f"binary data, not text (it contains NUL bytes, the first at character {nul:,}): "
                                        "save it as plain text and ingest that")
    return text


def _decode(data: bytes, path: str) -> str:
    for bom, encoding, label in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableFileError(
                    path, f"starts with a {label} byte-order mark but is not valid {label} ({exc.reason}): re-save it as {label}"
                ) from exc
    if b"\x00" in data[:4096]:
        if _looks_like_utf16(data):
            # ASCII characters put their NUL byte second in little-endian, first in big-endian.
            little_endian = data[1:4096:2].count(0) >= data[0:4096:2].count(0)
            try:
                return data.decode("utf-16-le" if little_endian else "utf-16-be")
            except UnicodeDecodeError:
                pass  # NUL bytes and not UTF-16 after all: binary
        text = _readable_utf16(data)
        if text is not None:
            return text
        raise UnreadableFileError(path, "binary data, not text (it contains NUL bytes)")
    for encoding in CANDIDATE_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_printable(text):
            return text
    raise UnreadableFileError(path, "cannot decode as UTF-8, CP932/Shift_JIS or EUC-JP text")


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    return max(even_nuls, odd_nuls) > len(sample) // 8 and min(even_nuls, odd_nuls) < len(sample) // 64 + 1


# Where the characters of Japanese or English text lie: ASCII, Latin-1, punctuation and symbols,
# kana and CJK punctuation, CJK ideographs, full- and half-width forms.
TEXT_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x27BF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


def _readable_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 with few ASCII characters (so few NUL bytes): the byte order that reads as text.

    The wrong byte order turns kana and kanji into Hangul, Yi or rare ideographs, so it does not pass.
    """
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readable = sum(1 for ch in text if ch in "\t\n\r\f" or any(low <= ord(ch) <= high for low, high in TEXT_RANGES))
        if readable >= 0.95 * len(text):
            return text
    return None


def _mostly_printable(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    return controls <= len(text) // 100
