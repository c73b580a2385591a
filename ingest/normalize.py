"""Normalisation of extracted text: NFKC, then general repairs of extraction noise.

Repairs are rules, not a list of one file's typos:
- foreign letters inside a katakana word (OCR reading katakana as Cyrillic or Greek)
  are replaced by the katakana word the same document uses with that prefix;
- lines that hold only a page number, or no letters at all, are dropped;
- runs of blank lines and trailing spaces are collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

KATAKANA = "ァ-ヶー"
FOREIGN = "\u0370-\u03ff\u0400-\u04ff"  # Greek and Cyrillic
MIXED_WORD = re.compile(f"([{KATAKANA}]+)([{FOREIGN}]+)([{KATAKANA}]*)")
KATAKANA_WORD = re.compile(f"[{KATAKANA}]{{2,}}")
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
HAS_LETTER = re.compile(r"[^\W\d_]|\d", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC plus repairs; the result keeps line structure (tables stay tab-separated)."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = repair_mixed_script(text)
    lines = [line.rstrip() for line in text.split("\n")]
    kept = [line if keep_line(line) else "" for line in lines]
    text = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def keep_line(line: str) -> bool:
    """False for page-number lines and lines without any letter or digit."""
    if not line.strip():
        return True
    if PAGE_NUMBER_LINE.match(line):
        return False
    return bool(HAS_LETTER.search(line))


def repair_mixed_script(text: str) -> str:
    """Replace katakana words spoiled by Greek/Cyrillic letters with the document's own spelling."""
    if not MIXED_WORD.search(text):
        return text
    vocabulary = Counter(KATAKANA_WORD.findall(text))

    def fix(match: re.Match[str]) -> str:
        prefix, foreign, suffix = match.groups()
        expected = len(prefix) + len(foreign) + len(suffix)
        candidates = [
            (count, word)
            for word, count in vocabulary.items()
            if word.startswith(prefix) and word.endswith(suffix) and abs(len(word) - expected) <= 1
            and len(word) > len(prefix) + len(suffix)
        ]
        return max(candidates)[1] if candidates else match.group(0)

    return MIXED_WORD.sub(fix, text)
