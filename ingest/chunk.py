"""Chunking along the plan's structure: one chunk per unit, long units split by LangChain."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from taito_dx.ingest.structure import ParsedPlan, Unit
from taito_dx.models import Chunk
from taito_dx.registry import PlanRegistry

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
            for key in evidence_keys(unit, part, registry):
                registry.evidence.setdefault(key, chunk.id)
    return chunks, registry


def evidence_keys(unit: Unit, text: str, registry: PlanRegistry) -> list[str]:
    """The registry facts a unit (or a part of it) states."""
    if unit.kind == "sheet":
        return [f"initiative:{unit.initiative}:sheet"]
    if unit.kind == "measure":
        return [f"measure:{unit.measure}:block"]
    if unit.kind == "table":
        return [f"measure:{unit.measure}"] if unit.measure else [f"goal:{unit.goal}"]
    title = unit.location.rsplit(" > ", 1)[-1]
    keys = [f"section:{title.split('. ', 1)[-1]}"] if " > " in unit.location else []
    keys += [f"goal:{goal.number}:description" for goal in registry.goals.values()
             if goal.description and goal.description in text]
    return keys


def heading(unit: Unit, registry: PlanRegistry) -> str:
    """The unit's location spelled out with titles, prepended to the text that is searched."""
    parts = []
    if unit.goal and unit.goal in registry.goals:
        parts.append(f"目標{unit.goal} {registry.goals[unit.goal].title}")
    if unit.measure and unit.measure in registry.measures:
        parts.append(f"施策{unit.measure} {registry.measures[unit.measure].title}")
    if unit.initiative and unit.initiative in registry.initiatives:
        parts.append(f"取組{unit.initiative} {registry.initiatives[unit.initiative].title}")
    return " > ".join(parts) or unit.location


def chunk_id(source: str, location: str, text: str) -> str:
    """Content-derived id: the same text at the same place always gets the same id."""
    digest = hashlib.sha256(f"{source}\x00{location}\x00{text}".encode("utf-8")).hexdigest()
    return digest[:24]
