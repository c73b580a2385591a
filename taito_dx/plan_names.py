"""How the plan's entities are named in answers, sources and the UI: one place for 取組N「…」 and plan paths."""

from __future__ import annotations

import re

from taito_dx.models import Chunk, ChunkKind, EntityKind, Goal, Initiative, Measure

LEVEL_WORDS = {EntityKind.GOAL: "目標", EntityKind.MEASURE: "施策", EntityKind.INITIATIVE: "取組"}
PATH_SEPARATOR = " > "
SECTION_HEADING = re.compile(r"\d{1,2}\.\s*(.+)$")  # "4. 計画期間"


def numbered(kind: EntityKind, number: int) -> str:
    """"取組12", "施策9", "目標2"."""
    return f"{LEVEL_WORDS[kind]}{number}"


def titled(kind: EntityKind, number: int, title: str) -> str:
    """"取組12「アナログ規制の点検・見直し」"."""
    return f"{numbered(kind, number)}「{title}」"


def goal_name(goal: Goal) -> str:
    return titled(EntityKind.GOAL, goal.number, goal.title)


def measure_name(measure: Measure) -> str:
    return titled(EntityKind.MEASURE, measure.number, measure.title)


def initiative_name(initiative: Initiative) -> str:
    return titled(EntityKind.INITIATIVE, initiative.number, initiative.title)


def plan_path(*, goal: int | None = None, measure: int | None = None, initiative: int | None = None) -> str:
    """"目標2 > 施策9 > 取組12", leaving out the levels not given."""
    levels = ((EntityKind.GOAL, goal), (EntityKind.MEASURE, measure), (EntityKind.INITIATIVE, initiative))
    return PATH_SEPARATOR.join(numbered(kind, number) for kind, number in levels if number)


def section_title(chunk: Chunk) -> str:
    """The numbered section a running-text chunk is in ("計画期間" for "第1章 > 4. 計画期間"), or ""."""
    if chunk.kind != ChunkKind.SECTION or PATH_SEPARATOR not in chunk.location:
        return ""
    match = SECTION_HEADING.match(chunk.location.rsplit(PATH_SEPARATOR, 1)[-1])
    return match[1] if match else ""
