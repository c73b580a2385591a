"""Chunking along the plan's structure: one chunk per unit, long units split by LangChain."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from taito_dx.ingest.structure import ParsedPlan, Unit
from taito_dx.models import Chunk, ChunkKind, EntityKind
from taito_dx.plan_names import PATH_SEPARATOR, numbered
from taito_dx.registry import Fact, PlanRegistry

MAX_CHUNK_CHARS = 600
SPLITTER = RecursiveCharacterTextSplitter(
    chunk_size=MAX_CHUNK_CHARS,
    chunk_overlap=80,
    separators=["\n\n", "\n", "。", "、", " ", ""],
    keep_separator="end",
)


def chunk_document(source: str, plan: ParsedPlan) -> tuple[list[Chunk], PlanRegistry]:
    """The document's chunks and its registry, whose evidence points at those chunks."""
    registry = PlanRegistry(goals=dict(plan.goals), measures=dict(plan.measures), initiatives=dict(plan.initiatives))
    chunks: list[Chunk] = []
    for unit in plan.units:
        parts = SPLITTER.split_text(unit.text) if len(unit.text) > MAX_CHUNK_CHARS else [unit.text]
        for part in parts:
            chunk = Chunk(
                id=chunk_id(source, unit.location, part),
                text=part,
                source=source,
                location=unit.location,
                kind=unit.kind,
                page=unit.page,
                goal=unit.goal,
                measure=unit.measure,
                initiative=unit.initiative,
                heading=heading(unit, registry),
            )
            chunks.append(chunk)
            for fact, number in facts_stated(unit, part, registry):
                registry.state(fact, number, chunk.id)
    return chunks, registry


def facts_stated(unit: Unit, text: str, registry: PlanRegistry) -> list[tuple[Fact, int]]:
    """The registry facts (and about which entity) a unit, or a part of it, states."""
    if unit.kind == ChunkKind.SHEET and unit.initiative:
        return [(Fact.SHEET, unit.initiative)]
    if unit.kind == ChunkKind.MEASURE and unit.measure:
        return [(Fact.MEASURE_PAGE, unit.measure)]
    if unit.kind == ChunkKind.TABLE:
        if unit.measure:
            return [(Fact.MEASURE_ROW, unit.measure)]
        return [(Fact.GOAL_ROW, unit.goal)] if unit.goal else []
    return [(Fact.GOAL_DESCRIPTION, goal.number) for goal in registry.goals.values()
            if goal.description and goal.description in text]


def heading(unit: Unit, registry: PlanRegistry) -> str:
    """The unit's location spelled out with titles, prepended to the text that is searched."""
    parts = []
    if unit.goal and unit.goal in registry.goals:
        parts.append(f"{numbered(EntityKind.GOAL, unit.goal)} {registry.goals[unit.goal].title}")
    if unit.measure and unit.measure in registry.measures:
        parts.append(f"{numbered(EntityKind.MEASURE, unit.measure)} {registry.measures[unit.measure].title}")
    if unit.initiative and unit.initiative in registry.initiatives:
        parts.append(f"{numbered(EntityKind.INITIATIVE, unit.initiative)} {registry.initiatives[unit.initiative].title}")
    return PATH_SEPARATOR.join(parts) or unit.location


def chunk_id(source: str, location: str, text: str) -> str:
    """Content-derived id: the same text at the same place always gets the same id."""
    digest = hashlib.sha256(f"{source}\x00{location}\x00{text}".encode("utf-8")).hexdigest()
    return digest[:24]
