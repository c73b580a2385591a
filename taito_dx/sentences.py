"""Sentence splitting shared by indexing and answering: Japanese full stops and line breaks."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[。!?！？])|\n")
MIN_SENTENCE_CHARS = 4


def sentences(text: str) -> list[str]:
    """The text cut into sentences and lines, blanks and fragments under 4 characters dropped."""
    return [part.strip() for part in SENTENCE_END.split(text) if part and len(part.strip()) >= MIN_SENTENCE_CHARS]
