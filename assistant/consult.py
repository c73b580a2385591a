"""BPR consultation (BPR相談会): from a described work problem to the plan's initiatives that address it.

The problem is retrieved against the index like a question; each retrieved passage votes for
the 取組 it is about (a sheet for its own 取組, a 施策's page or table row for that 施策's 取組),
and the 取組 titles' similarity to the problem orders them. Owners, indicators and citations come
from the plan registry and the chunks that state them; nothing is matched against a word list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taito_dx.assistant.citations import cite
from taito_dx.assistant.entities import EntityCatalogue
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.search import PlanSearch
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Answer, Chunk, Citation, EntityKind, Goal, Indicator, Initiative, Measure, ScoredChunk
from taito_dx.plan_names import initiative_name, measure_name, numbered, plan_path
from taito_dx.registry import Fact

# A passage about a whole 施策 counts this much for each of its 取組 (a sheet counts fully for its own).
MEASURE_SHARE = 0.6
# Weight of the 取組 title's cosine similarity to the problem (~0.1-0.5). Fused retrieval scores are ~0.015-0.05,
# and most 取組 have no text but their title: weighed less, the two 取組 with sheets won nearly every problem
# (hit@1 on evals/consultations.jsonl 0.20 at 0.05, 0.43 at 0.2; best also on 13 problems written as a check).
TITLE_WEIGHT = 0.2
# Below both, nothing retrieved is about the problem: say so instead of guessing. (Off-topic problems meet the
# chunk vectors, means of sentence vectors, at up to ~0.21; work problems of the plan's at ~0.29 and more.)
MIN_DENSE = 0.25
MIN_KEYWORD = 0.5
# Passages read per consultation, and 取組 suggested at most.
PASSAGES = 10
LIMIT = 5
# A suggestion must reach this share of the best one's score.
RELATIVE_FLOOR = 0.4

@dataclass(frozen=True)
class Suggestion:
    """One 取組 suggested for the problem, with where the plan puts it and what states it."""

    initiative: Initiative
    measure: Measure | None
    goal: Goal | None
    score: float
    citations: tuple[Citation, ...]

    @property
    def owners(self) -> tuple[str, ...]:
        return self.initiative.owners

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return self.measure.indicators if self.measure else ()

    @property
    def location(self) -> str:
        i = self.initiative
        return plan_path(goal=i.goal, measure=i.measure, initiative=i.number)

    @property
    def measure_shown(self) -> str:
        """"施策9「…」", or "施策9" when the registry has no such 施策."""
        return measure_name(self.measure) if self.measure else numbered(EntityKind.MEASURE, self.initiative.measure)

    def line(self, lang: str, numbers: list[int]) -> str:
        """One line of the consultation's text, with its citation numbers."""
        i = self.initiative
        owners = (phrase(lang, "consult_owners", owners="、".join(i.owners)) if i.owners else phrase(lang, "consult_no_owner"))
        marks = "".join(f"[{n}]" for n in numbers)
        if lang == "en":
            return f"Initiative {i.number} 「{i.title}」 (goal {i.goal} > {self.measure_shown}) — {owners}{marks}"
        return f"{initiative_name(i)}（{numbered(EntityKind.GOAL, i.goal)} > {self.measure_shown}）{owners}{marks}"


@dataclass(frozen=True)
class Consultation:
    """What the plan offers for a described work problem; empty `suggestions` means the plan does not say."""

    problem: str
    language: str
    suggestions: tuple[Suggestion, ...]
    passages: tuple[ScoredChunk, ...] = ()

    @property
    def abstained(self) -> bool:
        return not self.suggestions

    @property
    def citations(self) -> tuple[Citation, ...]:
        """The suggestions' citations, each chunk once, numbered in order of first use."""
        seen: dict[str, Citation] = {}
        for suggestion in self.suggestions:
            for citation in suggestion.citations:
                seen.setdefault(citation.chunk_id or citation.location, citation)
        return tuple(seen.values())

    def citation_numbers(self, suggestion: Suggestion) -> list[int]:
        keys = [c.chunk_id or c.location for c in self.citations]
        return [keys.index(c.chunk_id or c.location) + 1 for c in suggestion.citations]

    @property
    def text(self) -> str:
        """Plain text with [n] citation marks, in the problem's language."""
        if self.abstained:
            return phrase(self.language, "consult_none")
        lines = [phrase(self.language, "consult_header")]
        for suggestion in self.suggestions:
            lines.append("- " + suggestion.line(self.language, self.citation_numbers(suggestion)))
        return "\n".join(lines)

    def to_answer(self) -> Answer:
        """The consultation as an `Answer`, for records and logs that take answers."""
        return Answer(text=self.text, citations=self.citations, abstained=self.abstained, sources=self.passages)


def consult(search: PlanSearch, problem: str, *, limit: int = LIMIT) -> Consultation:
    """The plan's 取組 that address `problem` (a described work problem), best first, with citations.

    Raises `QuestionError` for an empty or over-long description, like `Assistant.ask`.
    """
    intent = search.analyse(problem)
    # A problem description names no entity; only 取組 it names or quotes are linked.
    found = search.search(intent, asks_entity=False, k=max(PASSAGES, search.settings.top_k))
    index, links, retrieval, query_vector = found.index, found.links, found.retrieval, found.query_vector
    passages = tuple(retrieval.chunks)
    if not links.any_explicit() and retrieval.best_dense < MIN_DENSE and retrieval.best_keyword < MIN_KEYWORD:
        return Consultation(intent.text, intent.language, (), passages)
    support, via = _votes(passages, index)
    if not support:
        return Consultation(intent.text, intent.language, (), passages)
    similarity = _title_similarity(found.catalogue, query_vector)
    scored = sorted(((support[n] + TITLE_WEIGHT * max(similarity.get(n, 0.0), 0.0), n) for n in support), reverse=True)
    best = scored[0][0]
    suggestions = tuple(
        _suggestion(index, number, score, via[number])
        for score, number in scored[:limit]
        if score >= RELATIVE_FLOOR * best
    )
    return Consultation(intent.text, intent.language, suggestions, passages)


def _votes(passages: tuple[ScoredChunk, ...], index: OpenGeneration) -> tuple[dict[int, float], dict[int, Chunk]]:
    """Each 取組's support from the retrieved passages, and the passage that gave it most."""
    registry = index.registry
    support: dict[int, float] = {}
    via: dict[int, tuple[float, Chunk]] = {}
    for scored in passages:
        chunk = scored.chunk
        if chunk.initiative is not None and chunk.initiative in registry.initiatives:
            votes = {chunk.initiative: scored.score}
        elif chunk.measure is not None:
            votes = {i.number: scored.score * MEASURE_SHARE for i in registry.initiatives_of(chunk.measure)}
        else:
            continue
        for number, vote in votes.items():
            support[number] = support.get(number, 0.0) + vote
            if number not in via or vote > via[number][0]:
                via[number] = (vote, chunk)
    return support, {number: chunk for number, (_, chunk) in via.items()}


def _title_similarity(catalogue: EntityCatalogue, query_vector: np.ndarray) -> dict[int, float]:
    rows = catalogue.rows(EntityKind.INITIATIVE)
    if not rows:
        return {}
    scores = catalogue.vectors[rows] @ query_vector
    return {catalogue.labels[row].ref.number: float(score) for row, score in zip(rows, scores)}


def _suggestion(index: OpenGeneration, number: int, score: float, passage: Chunk) -> Suggestion:
    registry = index.registry
    initiative = registry.initiatives[number]
    citations = [c for c in (initiative_citation(index, initiative), cite(passage)) if c is not None]
    unique: list[Citation] = []
    for citation in citations:
        if all(citation.chunk_id != kept.chunk_id for kept in unique):
            unique.append(citation)
    return Suggestion(
        initiative=initiative,
        measure=registry.measures.get(initiative.measure),
        goal=registry.goals.get(initiative.goal),
        score=score,
        citations=tuple(unique),
    )


def initiative_citation(index: OpenGeneration, initiative: Initiative) -> Citation | None:
    """The chunk that states a 取組: its sheet (owners highlighted) when the plan has one, else its 施策's table row."""
    chunk = index.evidence(Fact.SHEET, initiative.number)
    if chunk is not None:
        return cite(chunk, *initiative.owners) or cite(chunk, initiative.title) or cite(chunk)
    chunk = index.evidence(Fact.MEASURE_ROW, initiative.measure)
    if chunk is not None:
        return cite(chunk, initiative.title) or cite(chunk)
    return None
