"""The plan explorer's rows: one per 取組 with its 施策, 目標, owners and indicator, filterable."""

from __future__ import annotations

import re
import unicodedata

from taito_dx.index.reader import OpenGeneration
from taito_dx.models import EntityKind
from taito_dx.plan_names import numbered

ALL_GOALS = "すべての目標 (all goals)"
HEADERS = ["取組", "取組名", "施策", "目標", "担当", "評価指標（施策）"]
NOT_STATED = "—"


def explorer_rows(index: OpenGeneration, *, text: str = "", goal: int | None = None) -> list[list[str]]:
    """One row per 取組 (number order): 取組, title, 施策, 目標, owners, the 施策's indicator; filtered."""
    registry = index.registry
    needle = _fold(text)
    rows = []
    for initiative in sorted(registry.initiatives.values(), key=lambda i: i.number):
        if goal is not None and initiative.goal != goal:
            continue
        measure = registry.measures.get(initiative.measure)
        indicators = measure.indicators if measure else ()
        measure_label = numbered(EntityKind.MEASURE, initiative.measure)
        row = [
            numbered(EntityKind.INITIATIVE, initiative.number),
            initiative.title,
            f"{measure_label} {measure.title}" if measure else measure_label,
            numbered(EntityKind.GOAL, initiative.goal),
            "、".join(initiative.owners) if initiative.owners else NOT_STATED,
            "; ".join(f"{i.name}" + (f" → {i.target}" if i.target else f": {i.value}" if i.value else "")
                      for i in indicators) or NOT_STATED,
        ]
        if needle and not any(needle in _fold(cell) for cell in row):
            continue
        rows.append(row)
    return rows


def goal_choices(index: OpenGeneration) -> list[str]:
    goals = sorted(index.registry.goals.values(), key=lambda g: g.number)
    return [ALL_GOALS] + [f"{numbered(EntityKind.GOAL, g.number)} {g.title}" for g in goals]


def goal_number(choice: str | None) -> int | None:
    match = re.match(r"目標(\d+)", choice or "")
    return int(match[1]) if match else None


def initiative_number(row_label: str) -> int | None:
    """The number of the 取組 an explorer row's first cell names ("取組12" → 12)."""
    match = re.fullmatch(r"\s*取組(\d+)\s*", row_label)
    return int(match[1]) if match else None


def plan_summary(index: OpenGeneration, shown: int) -> str:
    registry = index.registry
    return (f"目標 {len(registry.goals)} ・ 施策 {len(registry.measures)} ・ 取組 {len(registry.initiatives)}"
            f"　｜　表示中 (shown): {shown} 件の取組")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()
