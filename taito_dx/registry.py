"""The plan registry: 目標, 施策, 取組 and their sheet fields as data, with the chunks that state them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from taito_dx.models import Goal, Indicator, Initiative, Measure


@dataclass
class PlanRegistry:
    """Plan entities keyed by number, and `evidence`: fact key → chunk id that states it.

    Evidence keys: `goal:N` (overview row), `goal:N:description`, `measure:N` (overview row),
    `measure:N:block` (the 施策's page with its indicator), `initiative:N:sheet`, `section:TITLE`.
    """

    goals: dict[int, Goal] = field(default_factory=dict)
    measures: dict[int, Measure] = field(default_factory=dict)
    initiatives: dict[int, Initiative] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def merge(self, other: PlanRegistry) -> None:
        """Add another document's entities; a stated field wins over an empty one."""
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

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> PlanRegistry:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _measure(data: dict[str, Any]) -> Measure:
    return Measure(**{**data, "indicators": tuple(Indicator(**i) for i in data["indicators"])})


def _richer(old: Any, new: Any) -> Any:
    if old is None:
        return new
    stated = {key: value for key, value in asdict(new).items() if value not in ("", (), [], None, False, 0)}
    merged = {**asdict(old), **stated}
    if isinstance(old, Measure):
        return _measure(merged)
    if isinstance(old, Initiative):
        return Initiative(**{**merged, "owners": tuple(merged["owners"])})
    return type(old)(**merged)
