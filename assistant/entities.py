"""Linking a question to the plan's 目標, 施策 and 取組: by number when named, else by title.

Titles are matched by substring (Japanese questions) and by embedding similarity, which
is cross-lingual: "analog regulation review" finds 取組12 アナログ規制の点検・見直し.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from taito_dx.registry import PlanRegistry

KINDS = ("goal", "measure", "initiative")
EXPLICIT = {
    "initiative": re.compile(r"取組\s*(\d{1,3})|initiative\s*(?:no\.?|#)?\s*(\d{1,3})", re.I),
    "measure": re.compile(r"施策\s*(\d{1,3})|(?:measure|policy)\s*(?:no\.?|#)?\s*(\d{1,3})", re.I),
    "goal": re.compile(r"目標\s*(\d{1,2})(?![\d年])|goal\s*(?:no\.?|#)?\s*(\d{1,2})", re.I),
}
# A title linked by similarity needs this cosine, and this lead over the runner-up of its kind.
MIN_SIMILARITY = 0.38
MIN_MARGIN = 0.04
SUBSTRING_BONUS = 0.5


@dataclass(frozen=True)
class Link:
    kind: str
    number: int
    score: float
    explicit: bool = False


@dataclass(frozen=True)
class Links:
    """The entities a question names or most likely means, best first per kind."""

    items: tuple[Link, ...]

    def best(self, kind: str) -> Link | None:
        return next((link for link in self.items if link.kind == kind), None)

    def explicit(self, kind: str) -> list[Link]:
        return [link for link in self.items if link.kind == kind and link.explicit]

    def any_explicit(self) -> bool:
        return any(link.explicit for link in self.items)


def link(question: str, query_vector: np.ndarray, registry: PlanRegistry,
         labels: list[tuple[str, int, str]], label_vectors: np.ndarray) -> Links:
    """Explicit references first, then titles whose similarity clears the thresholds."""
    found: list[Link] = []
    known = {"goal": registry.goals, "measure": registry.measures, "initiative": registry.initiatives}
    for kind, pattern in EXPLICIT.items():
        for match in pattern.finditer(question):
            number = int(match.group(1) or match.group(2))
            if number in known[kind] and not any(l.kind == kind and l.number == number for l in found):
                found.append(Link(kind, number, 1.0 + SUBSTRING_BONUS, explicit=True))
    if len(labels):
        scores = label_vectors @ query_vector
        compact = re.sub(r"[\s「」『』()]", "", question)
        for kind in KINDS:
            rows = [i for i, (k, _, _) in enumerate(labels) if k == kind]
            if not rows or any(l.kind == kind and l.explicit for l in found):
                continue
            ranked = sorted(
                ((float(scores[i]) + (SUBSTRING_BONUS if _title_in(labels[i][2], compact) else 0.0), i) for i in rows),
                reverse=True,
            )
            top, index = ranked[0]
            runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
            if top >= MIN_SIMILARITY and top - runner_up >= MIN_MARGIN:
                found.append(Link(kind, labels[index][1], top))
    return Links(tuple(sorted(found, key=lambda l: -l.score)))


def _title_in(title: str, compact_question: str) -> bool:
    compact_title = re.sub(r"[\s「」『』()]", "", title)
    return len(compact_title) >= 3 and compact_title in compact_question
