"""Typed, immutable data passed between the pipeline's stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    """Text of one page (PDF) or of a whole text file (page None)."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class Document:
    """A loaded source file."""

    source: str
    pages: tuple[Page, ...]
    sha256: str


@dataclass(frozen=True)
class Indicator:
    """An evaluation indicator (評価指標) with its current and target values."""

    name: str
    current: str = ""
    target: str = ""
    current_label: str = ""
    target_label: str = ""


@dataclass(frozen=True)
class Goal:
    """目標: one of the plan's goals."""

    number: int
    title: str
    measure_count: int | None = None
    initiative_count: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Measure:
    """施策: a measure under a goal."""

    number: int
    title: str
    goal: int
    description: str = ""
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Initiative:
    """取組: an initiative under a measure, with its sheet's fields when the sheet is present."""

    number: int
    title: str
    measure: int
    goal: int
    owners: tuple[str, ...] = ()
    content: str = ""
    current_state: str = ""
    target_state: str = ""
    has_sheet: bool = False


# The chunk fields a search can be filtered on (`where`), the only ones Chroma holds.
PLAN_NUMBERS = ("goal", "measure", "initiative")


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit of text with where it came from."""

    id: str
    text: str
    source: str
    location: str
    kind: str
    page: int | None = None
    goal: int | None = None
    measure: int | None = None
    initiative: int | None = None
    heading: str = ""

    @property
    def search_text(self) -> str:
        """What is embedded and keyword-indexed: the spelled-out location, then the text."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text

    def plan_numbers(self) -> dict[str, int] | None:
        """Its goal, measure and initiative numbers as Chroma stores them for `where` filters
        (None where it has none: Chroma refuses empty metadata)."""
        numbers = {key: getattr(self, key) for key in PLAN_NUMBERS if getattr(self, key) is not None}
        return numbers or None


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with its fused score and the ranks each retriever gave it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """Where an answer's fact comes from, with the quoted evidence."""

    source: str
    location: str
    text: str
    page: int | None = None
    chunk_id: str = ""
    highlights: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "page": self.page, "location": self.location, "text": self.text}


@dataclass(frozen=True)
class Answer:
    """What the assistant says, with its sources."""

    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    sources: tuple[ScoredChunk, ...] = field(default=(), compare=False)
    topic: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [citation.to_dict() for citation in self.citations],
        }


@dataclass(frozen=True)
class Turn:
    """One question and its answer in a conversation."""

    question: str
    answer: Answer
