"""The plan's entity catalogue, and linking a question to its 目標, 施策 and 取組: by number when named, else by title.

Titles are matched by substring (Japanese questions) and by embedding similarity, which
is cross-lingual: "analog regulation review" finds 取組12 アナログ規制の点検・見直し.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import PLAN_LEVELS, Chunk, ChunkKind, EntityKind, EntityRef
from taito_dx.plan_names import section_title
from taito_dx.registry import PlanRegistry

EXPLICIT = {
    EntityKind.INITIATIVE: re.compile(r"取組\s*(\d{1,3})|initiative\s*(?:no\.?|#)?\s*(\d{1,3})", re.I),
    EntityKind.MEASURE: re.compile(r"施策\s*(\d{1,3})|(?:measure|policy)\s*(?:no\.?|#)?\s*(\d{1,3})", re.I),
    EntityKind.GOAL: re.compile(r"目標\s*(\d{1,2})(?![\d年])|goal\s*(?:no\.?|#)?\s*(\d{1,2})", re.I),
}
# A title linked by similarity needs this cosine, and this lead over the runner-up of its kind.
MIN_SIMILARITY = 0.38
MIN_MARGIN = 0.04
QUOTED_LEAD = 0.1
# A section title that is not quoted needs more: section titles are short and generic.
MIN_SECTION_SIMILARITY = 0.5
SUBSTRING_BONUS = 0.5
TOKEN_OVERLAP_WEIGHT = 0.3
MIN_QUOTED_CHARS = 3
# A question quoting this many characters of passage text that at most MAX_PIECE_CHUNKS of the retrieved candidates
# hold quotes them.
PIECE_CHARS = 6
MAX_PIECE_CHUNKS = 2
# A title link this strong (its title quoted nearly whole) names the entity a question is about, not only shares a
# word with it. Chosen on dev (for an indicator's title: the same answers from 0.6 to 1.2).
NAMED_MIN_SCORE = 1.0
# Word runs of a question: Japanese text between spaces and punctuation (・ー、 stay inside titles).
QUESTION_RUN = re.compile(r"[\w・ー、\-]+")
MENTIONED_INITIATIVE = re.compile(r"取組(\d{1,3})(?!\d)")


@dataclass(frozen=True)
class Label:
    """A title a question can be linked by: an entity and the words that name it."""

    ref: EntityRef
    title: str


@dataclass(frozen=True)
class EntityCatalogue:
    """Every linkable title of one index generation, embedded and tokenised once, with the chunks about each."""

    labels: list[Label]
    vectors: np.ndarray
    tokens: list[frozenset[str]]
    distinctive: list[frozenset[str]]  # per label, its 3+-character words no other label of its kind uses
    trigrams: list[frozenset[str]]
    sections: list[str]  # numbered section titles; a section's number is its place here
    about: dict[EntityRef, tuple[str, ...]]  # entity → ids of the chunks about it (or, for a 取組, mentioning it)

    @classmethod
    def build(cls, index: OpenGeneration, embedder: Embeddings, tokenizer: JapaneseTokenizer) -> EntityCatalogue:
        chunks = [index.chunks[chunk_id] for chunk_id in index.order]
        labels = entity_labels(index.registry, chunks)
        tokens = [frozenset(tokenizer(label.title)) for label in labels]
        vectors = np.array(embedder.embed_documents([label.title for label in labels]), dtype=np.float32)
        sections = [label.title for label in labels if label.ref.kind == EntityKind.SECTION]
        return cls(
            labels=labels,
            vectors=vectors.reshape(len(labels), -1) if labels else np.zeros((0, 1), dtype=np.float32),
            tokens=tokens,
            distinctive=distinctive(labels, tokens),
            trigrams=[trigrams(label.title) for label in labels],
            sections=sections,
            about=chunks_about(chunks, sections),
        )

    def rows(self, kind: EntityKind) -> list[int]:
        return [row for row, label in enumerate(self.labels) if label.ref.kind == kind]


def entity_labels(registry: PlanRegistry, chunks: list[Chunk]) -> list[Label]:
    """A label for every 目標, 施策, 取組, 評価指標 (numbered by its 施策) and numbered section."""
    labels = [Label(EntityRef(EntityKind.GOAL, g.number), g.title) for g in registry.goals.values()]
    labels += [Label(EntityRef(EntityKind.MEASURE, m.number), m.title) for m in registry.measures.values()]
    labels += [Label(EntityRef(EntityKind.INITIATIVE, i.number), i.title) for i in registry.initiatives.values()]
    labels += [Label(EntityRef(EntityKind.INDICATOR, m.number), indicator.name)
               for m in registry.measures.values() for indicator in m.indicators]
    sections = list(dict.fromkeys(title for chunk in chunks if (title := section_title(chunk))))
    labels += [Label(EntityRef(EntityKind.SECTION, number), title) for number, title in enumerate(sections)]
    return labels


def distinctive(labels: list[Label], tokens: list[frozenset[str]]) -> list[frozenset[str]]:
    """Per label, its words of 3+ characters that no other label of the same kind uses."""
    uses = Counter((label.ref.kind, token) for label, words in zip(labels, tokens) for token in words)
    return [frozenset(t for t in words if len(t) >= 3 and uses[(label.ref.kind, t)] == 1)
            for label, words in zip(labels, tokens)]


def trigrams(text: str) -> frozenset[str]:
    """Every 3-character piece of a text (a verbatim quote of 3+ characters shares one)."""
    return frozenset(text[i:i + 3] for i in range(len(text) - 2))


def chunks_about(chunks: list[Chunk], sections: list[str]) -> dict[EntityRef, tuple[str, ...]]:
    """For each entity a question can link to, the chunks that are about it (or, for a 取組, mention it)."""
    about: dict[EntityRef, list[str]] = defaultdict(list)
    section_numbers = {title: number for number, title in enumerate(sections)}
    for chunk in chunks:
        refs = {EntityRef(kind, number) for kind in PLAN_LEVELS if (number := getattr(chunk, kind))}
        refs |= {EntityRef(EntityKind.INITIATIVE, int(n)) for n in MENTIONED_INITIATIVE.findall(chunk.text)}
        if chunk.kind == ChunkKind.MEASURE and chunk.measure:
            refs.add(EntityRef(EntityKind.INDICATOR, chunk.measure))
        if (title := section_title(chunk)) in section_numbers:
            refs.add(EntityRef(EntityKind.SECTION, section_numbers[title]))
        for ref in refs:
            about[ref].append(chunk.id)
    return {ref: tuple(ids) for ref, ids in about.items()}


@dataclass(frozen=True)
class Link:
    """An entity the question is linked to, how strongly, and whether it names it itself."""

    kind: EntityKind
    number: int
    score: float
    explicit: bool = False  # named by number ("取組12")
    quoted: bool = False  # its title, or a word only its title uses, is in the question

    @property
    def ref(self) -> EntityRef:
        return EntityRef(self.kind, self.number)


@dataclass(frozen=True)
class Links:
    """The entities a question names or most likely means, best first per kind."""

    items: tuple[Link, ...]

    def best(self, kind: EntityKind) -> Link | None:
        return next((link for link in self.items if link.kind == kind), None)

    def explicit(self, kind: EntityKind) -> list[Link]:
        return [link for link in self.items if link.kind == kind and link.explicit]

    def any_explicit(self) -> bool:
        return any(link.explicit for link in self.items)

    def names_its_own(self) -> bool:
        """Whether the question names or quotes an entity itself (so it is not a follow-up)."""
        return any(link.explicit or link.quoted for link in self.items)

    def topic(self) -> EntityRef | None:
        """The most specific plan entity linked: what a follow-up question is about."""
        for kind in reversed(PLAN_LEVELS):
            best = self.best(kind)
            if best is not None:
                return best.ref
        return None

    def continued(self, topic: EntityRef) -> Links:
        """These links with `topic` (a previous answer's) put first, in place of any link of its kind."""
        carried = Link(topic.kind, topic.number, 1.0, explicit=True)
        return Links((carried,) + tuple(link for link in self.items if link.kind != topic.kind))


def link(question: str, query_vector: np.ndarray, question_tokens: set[str], index: OpenGeneration,
         catalogue: EntityCatalogue, *, asks_entity: bool = True) -> Links:
    """Explicit references first, then titles whose score clears the thresholds.

    A title that is neither named nor quoted is linked by similarity alone only when the
    question asks about an entity (`asks_entity`) or it is a section title.
    """
    registry = index.registry
    found: list[Link] = []
    known = {EntityKind.GOAL: registry.goals, EntityKind.MEASURE: registry.measures,
             EntityKind.INITIATIVE: registry.initiatives}
    for kind, pattern in EXPLICIT.items():
        for match in pattern.finditer(question):
            number = int(match.group(1) or match.group(2))
            if number in known[kind] and not any(l.kind == kind and l.number == number for l in found):
                found.append(Link(kind, number, 1.0 + SUBSTRING_BONUS, explicit=True))
    if catalogue.labels:
        similarities = catalogue.vectors @ query_vector
        runs = QUESTION_RUN.findall(question)
        run_grams = frozenset().union(*map(trigrams, runs))  # no shared piece, no verbatim quote: skip the matcher
        for kind in EntityKind:
            rows = catalogue.rows(kind)
            if not rows or any(l.kind == kind and l.explicit for l in found):
                continue
            ranked = sorted((_score(i, float(similarities[i]), runs, run_grams, question_tokens, catalogue) + (i,)
                             for i in rows), reverse=True)
            top, quoted, row = ranked[0]
            runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
            lead = top - runner_up
            # A title that shares a word no other title uses, well ahead of the rest, links below MIN_SIMILARITY.
            if lead < MIN_MARGIN or (top < MIN_SIMILARITY and not (quoted and lead >= QUOTED_LEAD)):
                continue
            if quoted or asks_entity or (kind == EntityKind.SECTION and top >= MIN_SECTION_SIMILARITY):
                found.append(Link(kind, catalogue.labels[row].ref.number, top, quoted=quoted))
    return Links(tuple(sorted(_consistent(found, registry), key=lambda l: -l.score)))


def _consistent(found: list[Link], registry: PlanRegistry) -> list[Link]:
    """The links less any title match that a stronger link contradicts: a 取組 (or 施策) matched by title
    while a better-matched 施策 (or 目標) is not its parent shares words by chance ("…を活用した…")."""
    parent_of = {EntityKind.INITIATIVE: (EntityKind.MEASURE, lambda number: registry.initiatives[number].measure),
                 EntityKind.MEASURE: (EntityKind.GOAL, lambda number: registry.measures[number].goal)}
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
           catalogue: EntityCatalogue) -> tuple[float, bool]:
    """Similarity, plus the share of the title's words the question uses, plus how fully it quotes the title."""
    title_tokens = catalogue.tokens[row]
    overlap = len(title_tokens & question_tokens) / len(title_tokens) if title_tokens else 0.0
    title = catalogue.labels[row].title
    quoted = _quoted_share(title, runs) if catalogue.trigrams[row] & run_grams else 0.0
    # A word only this title uses counts as quoting it, also when Sudachi reads it from English
    # ("telework" → テレワーク).
    shared = title_tokens & question_tokens & catalogue.distinctive[row]
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
