"""Linking a question to the plan's 目標, 施策 and 取組: by number when named, else by title.

Titles are matched by substring (Japanese questions) and by embedding similarity, which
is cross-lingual: "analog regulation review" finds 取組12 アナログ規制の点検・見直し.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from dataclasses import dataclass

import numpy as np

from taito_dx.index.reader import OpenGeneration, trigrams
from taito_dx.registry import PlanRegistry

KINDS = ("goal", "measure", "initiative", "indicator", "section")
EXPLICIT = {
    "initiative": re.compile(r"取組\s*(\d{1,3})|initiative\s*(?:no\.?|#)?\s*(\d{1,3})", re.I),
    "measure": re.compile(r"施策\s*(\d{1,3})|(?:measure|policy)\s*(?:no\.?|#)?\s*(\d{1,3})", re.I),
    "goal": re.compile(r"目標\s*(\d{1,2})(?![\d年])|goal\s*(?:no\.?|#)?\s*(\d{1,2})", re.I),
}
# A title linked by similarity needs this cosine, and this lead over the runner-up of its kind.
MIN_SIMILARITY = 0.38
MIN_MARGIN = 0.04
# A section title that is not quoted needs more: section titles are short and generic.
MIN_SECTION_SIMILARITY = 0.5
SUBSTRING_BONUS = 0.5
TOKEN_OVERLAP_WEIGHT = 0.3
MIN_QUOTED_CHARS = 3
# Word runs of a question: Japanese text between spaces and punctuation (・ー、 stay inside titles).
QUESTION_RUN = re.compile(r"[\w・ー、\-]+")


@dataclass(frozen=True)
class Link:
    kind: str
    number: int
    score: float
    explicit: bool = False  # named by number ("取組12")
    quoted: bool = False  # its title, or a word only its title uses, is in the question


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

    def names_its_own(self) -> bool:
        """Whether the question names or quotes an entity itself (so it is not a follow-up)."""
        return any(link.explicit or link.quoted for link in self.items)


def link(question: str, query_vector: np.ndarray, question_tokens: set[str], index: OpenGeneration, *,
         asks_entity: bool = True) -> Links:
    """Explicit references first, then titles whose score clears the thresholds.

    A title that is neither named nor quoted is linked by similarity alone only when the
    question asks about an entity (`asks_entity`) or it is a section title.
    """
    registry, labels, label_vectors = index.registry, index.entity_labels, index.entity_vectors
    found: list[Link] = []
    known = {"goal": registry.goals, "measure": registry.measures, "initiative": registry.initiatives}
    for kind, pattern in EXPLICIT.items():
        for match in pattern.finditer(question):
            number = int(match.group(1) or match.group(2))
            if number in known[kind] and not any(l.kind == kind and l.number == number for l in found):
                found.append(Link(kind, number, 1.0 + SUBSTRING_BONUS, explicit=True))
    if len(labels):
        similarities = label_vectors @ query_vector
        runs = QUESTION_RUN.findall(question)
        run_grams = frozenset().union(*map(trigrams, runs))  # no shared piece, no verbatim quote: skip the matcher
        for kind in KINDS:
            rows = [i for i, (k, _, _) in enumerate(labels) if k == kind]
            if not rows or any(l.kind == kind and l.explicit for l in found):
                continue
            ranked = sorted((_score(i, float(similarities[i]), runs, run_grams, question_tokens, index) + (i,)
                             for i in rows), reverse=True)
            top, quoted, row = ranked[0]
            runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
            if top < MIN_SIMILARITY or top - runner_up < MIN_MARGIN:
                continue
            if quoted or asks_entity or (kind == "section" and top >= MIN_SECTION_SIMILARITY):
                found.append(Link(kind, labels[row][1], top, quoted=quoted))
    return Links(tuple(sorted(_consistent(found, registry), key=lambda l: -l.score)))


def _consistent(found: list[Link], registry: PlanRegistry) -> list[Link]:
    """The links less any title match that a stronger link contradicts: a 取組 (or 施策) matched by title
    while a better-matched 施策 (or 目標) is not its parent shares words by chance ("…を活用した…")."""
    parent_of = {"initiative": ("measure", lambda number: registry.initiatives[number].measure),
                 "measure": ("goal", lambda number: registry.measures[number].goal)}
    kept = []
    for candidate in found:
        if candidate.kind in parent_of and not candidate.explicit:
            parent_kind, parent = parent_of[candidate.kind]
            stronger = [l for l in found if l.kind == parent_kind and l.score > candidate.score]
            if stronger and all(l.number != parent(candidate.number) for l in stronger):
                continue
        kept.append(candidate)
    return kept


def _score(row: int, similarity: float, runs: list[str], run_grams: frozenset[str], question_tokens: set[str],
           index: OpenGeneration) -> tuple[float, bool]:
    """Similarity, plus the share of the title's words the question uses, plus how fully it quotes the title."""
    title_tokens = index.entity_tokens[row]
    overlap = len(title_tokens & question_tokens) / len(title_tokens) if title_tokens else 0.0
    title = index.entity_labels[row][2]
    quoted = _quoted_share(title, runs) if index.entity_trigrams[row] & run_grams else 0.0
    # A word only this title uses counts as quoting it, also when Sudachi reads it from English
    # ("telework" → テレワーク).
    shared = title_tokens & question_tokens & index.distinctive_tokens[row]
    quoted = max(quoted, min(1.0, sum(map(len, shared)) / len(title))) if shared else quoted
    return similarity + TOKEN_OVERLAP_WEIGHT * overlap + SUBSTRING_BONUS * quoted, quoted > 0


def _quoted_share(title: str, runs: list[str]) -> float:
    """How fully the question quotes the title: the longest common run (3+ characters) over the
    shorter of the title and the question's word run it occurs in ("BPR相談会" fully quotes
    "BPR相談会等による…", and only partly "BPRの推進")."""
    best = 0.0
    for run in runs:
        match = SequenceMatcher(None, title, run, autojunk=False).find_longest_match()
        if match.size >= MIN_QUOTED_CHARS:
            best = max(best, match.size / min(len(title), len(run)))
    return best
