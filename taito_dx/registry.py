"""The plan registry: 目標, 施策, 取組 and their sheet fields as data, with the chunks that state them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from taito_dx.models import Goal, Indicator, Initiative, Measure


class Fact(StrEnum):
    """A kind of registry fact that some chunk states; each is kept for one numbered entity."""

    GOAL_ROW = "goal"  # the 目標's row of the overview table: title and counts
    GOAL_DESCRIPTION = "goal:description"  # the paragraph describing the 目標
    MEASURE_ROW = "measure"  # the 施策's row of the overview table: title and its 取組
    MEASURE_PAGE = "measure:block"  # the 施策's page: description and 評価指標
    SHEET = "initiative:sheet"  # the 取組's sheet: 担当, 取組内容, 現状, あるべき姿


def _key(fact: Fact, number: int) -> str:
    """The stored key of a fact ("initiative:12:sheet"): written and read here only."""
    kind, _, part = fact.value.partition(":")
    return f"{kind}:{number}:{part}" if part else f"{kind}:{number}"


@dataclass
class PlanRegistry:
    """Plan entities keyed by number, and which chunk states each fact about them."""

    goals: dict[int, Goal] = field(default_factory=dict)
    measures: dict[int, Measure] = field(default_factory=dict)
    initiatives: dict[int, Initiative] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)  # see `state` / `stated_by`

    def state(self, fact: Fact, number: int, chunk_id: str) -> None:
        """Record that `chunk_id` states `fact` about entity `number` (the first chunk recorded wins)."""
        self.evidence.setdefault(_key(fact, number), chunk_id)

    def stated_by(self, fact: Fact, number: int) -> str | None:
        """The id of the chunk that states `fact` about entity `number`, if any does."""
        return self.evidence.get(_key(fact, number))

    def merge(self, other: PlanRegistry) -> None:
        """Add another document's entities; a stated field wins over an empty one, and of two stated the first
        is kept, as its evidence is (`state`), so that a fact and the chunk cited for it come from one document."""
        for mine, theirs in ((self.goals, other.goals), (self.measures, other.measures),
                             (self.initiatives, other.initiatives)):
            for number, entity in theirs.items():
                mine[number] = _richer(mine.get(number), entity)
        for key, chunk_id in other.evidence.items():
            self.evidence.setdefault(key, chunk_id)

    def initiatives_of(self, measure: int) -> list[Initiative]:
        return sorted((i for i in self.initiatives.values() if i.measure == measure), key=lambda i: i.number)

    def to_dict(self) -> dict[str, Any]:
        return {
            "goals": [asdict(g) for g in sorted(self.goals.values(), key=lambda g: g.number)],
            "measures": [asdict(m) for m in sorted(self.measures.values(), key=lambda m: m.number)],
            "initiatives": [asdict(i) for i in sorted(self.initiatives.values(), key=lambda i: i.number)],
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanRegistry:
        return cls(
            goals={g["number"]: Goal(**g) for g in data["goals"]},
            measures={m["number"]: _measure(m) for m in data["measures"]},
            initiatives={i["number"]: Initiative(**{**i, "owners": tuple(i["owners"])}) for i in data["initiatives"]},
            evidence=dict(data["evidence"]),
        )

    def size(self) -> tuple[int, int, int]:
        """How many 取組, 施策 and 目標 it holds (which plan of a corpus is its main one)."""
        return len(self.initiatives), len(self.measures), len(self.goals)


@dataclass
class Plans:
    """Each plan of a corpus by name, its registry kept apart from every other's: documents of one plan
    (an interim summary and its full edition, say) merge; documents of different plans never do."""

    registries: dict[str, PlanRegistry] = field(default_factory=dict)

    def add(self, name: str, registry: PlanRegistry) -> None:
        """Add one document's registry to the plan `name` (documents added first win, as in `merge`)."""
        self.registries.setdefault(name, PlanRegistry()).merge(registry)

    @property
    def main(self) -> str:
        """The corpus's main plan, which a question naming no plan is about: the one stating the most
        取組, 施策 and 目標 (the plan the assistant is deployed for; the others are its neighbours)."""
        return max(self.registries, key=lambda name: (self.registries[name].size(), name), default="")

    def names(self) -> list[str]:
        """The plans' names, the main plan first."""
        main = self.main
        return [main] + sorted(name for name in self.registries if name != main) if self.registries else []

    def to_dict(self) -> dict[str, Any]:
        return {"plans": {name: registry.to_dict() for name, registry in self.registries.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plans:
        return cls({name: PlanRegistry.from_dict(registry) for name, registry in data["plans"].items()})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Plans:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _measure(data: dict[str, Any]) -> Measure:
    return Measure(**{**data, "indicators": tuple(Indicator(**i) for i in data["indicators"])})


def _richer(old: Any, new: Any) -> Any:
    if old is None:
        return new
    kept = {key: value for key, value in asdict(old).items() if value not in ("", (), [], None, False, 0)}
    merged = {**asdict(new), **kept}
    if isinstance(old, Measure):
        return _measure(merged)
    if isinstance(old, Initiative):
        return Initiative(**{**merged, "owners": tuple(merged["owners"])})
    return type(old)(**merged)
