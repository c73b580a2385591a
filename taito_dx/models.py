"""Typed, immutable data passed between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChunkKind(StrEnum):
    """What part of a plan document a chunk is."""

    SECTION = "section"  # running text under a chapter or numbered section
    TABLE = "table"  # a row of the 施策の体系 overview table (a 目標 or a 施策 with its 取組)
    MEASURE = "measure"  # a 施策's page: description, its 取組, 評価指標
    SHEET = "sheet"  # an initiative sheet: 担当, 取組内容, 現状, あるべき姿
    TEXT = "text"  # text without plan structure (the baseline's chunks, a chat model's sources)


class EntityKind(StrEnum):
    """What a question can be linked to."""

    GOAL = "goal"
    MEASURE = "measure"
    INITIATIVE = "initiative"
    INDICATOR = "indicator"  # numbered by its 施策
    SECTION = "section"  # numbered in order of first appearance


PATH_SEPARATOR = " > "  # between the parts of a place in a plan: "第2章 > 目標1 > 施策1 > 取組1"

# The plan levels, top down; each is also a `Chunk` field and a Chroma metadata key.
PLAN_LEVELS = (EntityKind.GOAL, EntityKind.MEASURE, EntityKind.INITIATIVE)


@dataclass(frozen=True)
class EntityRef:
    """One entity of the plan: its kind and number (取組12 is EntityRef(INITIATIVE, 12))."""

    kind: EntityKind
    number: int


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
    """An evaluation indicator (評価指標) with its current and target values.

    `value` holds the one figure a source gives without saying which column (現況 or 目標) it is in;
    `current` and `target` are then empty, since the source does not say.
    """

    name: str
    current: str = ""
    target: str = ""
    current_label: str = ""
    target_label: str = ""
    value: str = ""

    @property
    def column_stated(self) -> bool:
        """False when the source gives a figure without its column."""
        return not self.value


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


@dataclass(frozen=True)
class GuideEntry:
    """One entry of a guide to DX tools and methods (a corpus document that is not the plan): a section
    of text and the plan's 取組 it says the tool or method relates to. Cited as the guide, never as the plan."""

    source: str
    location: str  # the guide's title > the entry's heading
    text: str  # the whole entry as written
    lines: tuple[str, ...]  # its lines of content (each matched against a problem on its own)
    initiatives: tuple[int, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GuideEntry:
        return cls(**{**data, "lines": tuple(data["lines"]), "initiatives": tuple(data["initiatives"])})


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit of text with where it came from."""

    id: str
    text: str
    source: str
    location: str
    kind: ChunkKind
    page: int | None = None
    goal: int | None = None
    measure: int | None = None
    initiative: int | None = None
    heading: str = ""
    plan: str = ""  # the name of the plan the chunk's document belongs to ("" when no document names one)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ChunkKind(self.kind))  # read back from JSON as a plain string

    @property
    def search_text(self) -> str:
        """What is embedded and keyword-indexed: the spelled-out location, then the text."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text

    def chroma_metadata(self) -> dict[str, int | str] | None:
        """Its plan and its goal, measure and initiative numbers as Chroma stores them for `where` filters
        (None where it has none: Chroma refuses empty metadata)."""
        metadata: dict[str, int | str] = {str(key): getattr(self, key) for key in PLAN_LEVELS
                                          if getattr(self, key) is not None}
        if self.plan:
            metadata["plan"] = self.plan
        return metadata or None


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with its fused retrieval score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Citation:
    """Where an answer's fact comes from, with the quoted evidence."""

    source: str
    location: str
    text: str
    page: int | None = None
    chunk_id: str = ""
    highlights: tuple[str, ...] = ()
    plan: str = ""  # the plan the source belongs to, by name

    @property
    def place(self) -> str:
        """Where the source is: its plan's name, then its location in the document."""
        return f"{self.plan}{PATH_SEPARATOR}{self.location}" if self.plan else self.location

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "page": self.page, "plan": self.plan, "location": self.location,
                "text": self.text}


@dataclass(frozen=True)
class Answer:
    """What the assistant says, with its sources."""

    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    sources: tuple[ScoredChunk, ...] = field(default=(), compare=False)
    topic: EntityRef | None = None  # what a follow-up question without a subject of its own is about
    plan: str = ""  # the plan it answers from, which a follow-up question continues in

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
