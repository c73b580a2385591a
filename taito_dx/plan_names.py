"""How the plan's entities are named in answers, sources and the UI: one place for 取組N「…」 and plan paths."""

from __future__ import annotations

import re
import unicodedata

from taito_dx.models import PATH_SEPARATOR, Chunk, ChunkKind, EntityKind, Goal, Initiative, Measure

LEVEL_WORDS = {EntityKind.GOAL: "目標", EntityKind.MEASURE: "施策", EntityKind.INITIATIVE: "取組"}
SECTION_HEADING = re.compile(r"\d{1,2}\.\s*(.+)$")  # "4. 計画期間"
# A plan's name in a document's title: words ending in what Japanese municipal plans are called; what follows
# it (中間のまとめ, 全体版（案）, 概要) names the edition, and "(仮称)" the name's status, not another plan.
PLAN_TITLE = re.compile(r"[^\s。、「」『』]*?(?:計画|戦略|方針|指針|構想|ビジョン|プラン)")
PROVISIONAL = re.compile(r"[(（]\s*仮称\s*[)）]")


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


def plan_name(title: str) -> str:
    """The plan a document's title names, without edition words: "(仮称) 台東区DX推進計画 中間のまとめについて" and
    "(仮称)台東区DX推進計画" both name "台東区DX推進計画"; "" for a title that names no plan."""
    match = PLAN_TITLE.search(PROVISIONAL.sub("", unicodedata.normalize("NFKC", title)).strip())
    return match[0] if match else ""


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
