"""The text of a PDF page in reading order, for slides whose text boxes are stored in the order they were made.

pypdf reports each piece of text with its position (its `extract_text` visitor). Pieces stored one after the
other on one baseline, or on the next line below at the same left edge, belong to one text box; the boxes
are then read top to bottom, and boxes whose tops are level left to right. A page whose stored order already
is that order keeps pypdf's own text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from pypdf import PageObject

# Multiples of the font size: a next line of the same box starts at most this far below the last one and this
# far from the box's left edge; box tops this close are level (read left to right).
LINE_GAP = 2.0
LEFT_EDGE = 2.0
LEVEL = 0.5
SAME_BASELINE = 0.3
WORD_GAP = 4.0  # further right than this past a piece's end, a piece on its baseline is another box


@dataclass(frozen=True)
class Piece:
    """A piece of text where the page draws it (x, y: its start in page space, size: its font size)."""

    text: str
    x: float
    y: float
    size: float

    @property
    def reach(self) -> float:
        """How far right a piece may start and still continue this one's line: its estimated end (a wide, CJK,
        character takes one font size, another half of one) and a gap of WORD_GAP sizes or a quarter of it."""
        width = sum(self.size if _wide(char) else self.size / 2 for char in self.text.strip("\n"))
        return self.x + width + max(WORD_GAP * self.size, width / 4)


@dataclass
class Box:
    """Pieces that read as one text box: lines of pieces, top line first."""

    lines: list[list[Piece]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.lines[0][0].y

    @property
    def left(self) -> float:
        return min(line[0].x for line in self.lines)

    def takes(self, piece: Piece) -> bool:
        """Whether `piece` continues this box's last line or starts its next one."""
        last = self.lines[-1][-1]
        size = max(piece.size, last.size, 1.0)
        if abs(piece.y - last.y) <= SAME_BASELINE * size and last.x <= piece.x <= last.reach:
            self.lines[-1].append(piece)
            return True
        if 0 < last.y - piece.y <= LINE_GAP * size and abs(piece.x - self.left) <= LEFT_EDGE * size:
            self.lines.append([piece])
            return True
        return False

    def text(self) -> str:
        return "\n".join(_join(piece.text.strip("\n") for piece in line) for line in self.lines)


def page_text(page: PageObject) -> str:
    """The page's text, its boxes in reading order (pypdf's text when they are stored in that order)."""
    pieces: list[Piece] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x, y = tm[4], tm[5]
            scale = abs(tm[3] * cm[3]) or 1.0
            pieces.append(Piece(text, x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5], size * scale))

    stored = page.extract_text(visitor_text=visit)
    boxes = _boxes(pieces)
    ordered = reading_order(boxes)
    if ordered == boxes:
        return stored
    return "\n".join(box.text() for box in ordered)


def reading_order(boxes: list[Box]) -> list[Box]:
    """Top to bottom; boxes whose tops are level (within half a font size) left to right."""
    by_top = sorted(boxes, key=lambda box: -box.top)
    rows: list[list[Box]] = []
    for box in by_top:
        if rows and rows[-1][0].top - box.top <= LEVEL * box.lines[0][0].size:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [box for row in rows for box in sorted(row, key=lambda box: box.left)]


def _boxes(pieces: list[Piece]) -> list[Box]:
    boxes: list[Box] = []
    for piece in pieces:
        if not boxes or not boxes[-1].takes(piece):
            boxes.append(Box([[piece]]))
    return boxes


def _join(texts: Iterable[str]) -> str:
    """Pieces of one line: Japanese pieces run together, others are set off by a space."""
    joined = ""
    for text in texts:
        if joined and not joined.endswith(" ") and not (_wide(joined[-1]) or _wide(text[:1])):
            joined += " "
        joined += text
    return joined


def _wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")
