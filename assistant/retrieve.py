"""Hybrid retrieval: Chroma vectors + Sudachi/BM25 keywords, fused by reciprocal rank, with
a lift for chunks about the plan entities the question is linked to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from taito_dx.assistant.entities import MAX_PIECE_CHUNKS, PIECE_CHARS, EntityCatalogue, Links
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Chunk, ChunkKind, EntityKind, ScoredChunk
from taito_dx.plan_names import section_title

RRF_K = 60
CANDIDATES = 20
# A linked entity counts like a first place in one more ranking; a passage the question quotes, like two.
ENTITY_LIFT = 1.0 / (RRF_K + 1)
QUOTE_LIFT = 2 * ENTITY_LIFT


@dataclass(frozen=True)
class Retrieval:
    """Ranked chunks plus the raw signals answering uses to judge confidence."""

    chunks: list[ScoredChunk]
    best_dense: float  # best whole-chunk similarity (sentences match too easily to judge topicality)
    best_keyword: float


def plan_filter(**ids: int | None) -> dict[str, Any] | None:
    """A Chroma `where` filter on plan location, e.g. plan_filter(goal=2)."""
    terms = [{key: value} for key, value in ids.items() if value is not None]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else {"$and": terms}


def _matches(chunk: Chunk, where: dict[str, Any] | None) -> bool:
    if not where:
        return True
    terms = where.get("$and", [where])
    return all(getattr(chunk, key) == value for term in terms for key, value in term.items())


class HybridRetriever:
    """Fuses dense and keyword rankings over the open index generation."""

    def __init__(self, tokenizer: JapaneseTokenizer) -> None:
        self.tokenizer = tokenizer

    def retrieve(
        self,
        index: OpenGeneration,
        catalogue: EntityCatalogue,
        question: str,
        query_vector: np.ndarray,
        *,
        k: int,
        where: dict[str, Any] | None = None,
        links: Links | None = None,
    ) -> Retrieval:
        allowed = {chunk_id for chunk_id, chunk in index.chunks.items() if _matches(chunk, where)} if where else None
        hits = sorted(index.vectors.search(query_vector, 2 * CANDIDATES, where)
                      + index.parts.search(query_vector, 2 * CANDIDATES, allowed), key=lambda hit: -hit.similarity)
        dense: dict[str, float] = {}
        for hit in hits[:2 * CANDIDATES]:  # a chunk ranks where its best match (itself or a sentence of it) ranks
            dense.setdefault(hit.chunk_id, hit.similarity)
        mask = index.mask(lambda chunk: chunk.id in allowed) if allowed is not None else None
        keyword = index.keyword.search(self.tokenizer(question), CANDIDATES, mask)
        scores: dict[str, float] = {}
        for rank, chunk_id in enumerate(dense, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        for rank, (chunk_id, _) in enumerate(keyword, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        if links is not None:
            about = dict.fromkeys(c for l in links.items for c in catalogue.about.get(l.ref, ()))
            for chunk_id in about:
                lift = _entity_lift(index.chunks[chunk_id], links, catalogue.sections)
                if lift and _matches(index.chunks[chunk_id], where):
                    scores[chunk_id] = scores.get(chunk_id, 0.0) + lift
        for chunk_id in quoted_chunks(question, [index.chunks[chunk_id] for chunk_id in scores]):
            scores[chunk_id] += QUOTE_LIFT  # "自治体DX推進計画": a name only that candidate passage uses
        ranked = sorted(scores.items(), key=lambda item: -item[1])[:k]
        chunks = [
            ScoredChunk(index.chunks[chunk_id], score)
            for chunk_id, score in ranked
            if chunk_id in index.chunks
        ]
        return Retrieval(
            chunks=chunks,
            best_dense=max((hit.similarity for hit in hits if hit.sentence < 0), default=0.0),
            best_keyword=keyword[0][1] if keyword else 0.0,
        )


def quoted_chunks(question: str, candidates: list[Chunk]) -> set[str]:
    """The candidates holding a PIECE_CHARS-character piece of the question's text that at most MAX_PIECE_CHUNKS
    candidates hold (a name the question quotes, not words every passage uses)."""
    pieces = {run[i:i + PIECE_CHARS] for run in question.split() for i in range(len(run) - PIECE_CHARS + 1)}
    holders: dict[str, list[str]] = {}
    for chunk in candidates:
        for piece in pieces:
            if piece in chunk.text:
                holders.setdefault(piece, []).append(chunk.id)
    return {chunk_id for ids in holders.values() if len(ids) <= MAX_PIECE_CHUNKS for chunk_id in ids}


def _entity_lift(chunk: Chunk, links: Links, index_sections: list[str]) -> float:
    """Lift for the chunk that is most specifically about a linked entity."""
    lift = 0.0
    for link in links.items:
        if link.kind == EntityKind.SECTION:
            if section_title(chunk) == index_sections[link.number]:
                lift = max(lift, 2 * ENTITY_LIFT * min(link.score, 1.0))
            continue
        if link.kind == EntityKind.INDICATOR:
            if chunk.measure == link.number and chunk.kind == ChunkKind.MEASURE:
                lift = max(lift, 2 * ENTITY_LIFT * min(link.score, 1.0))
            continue
        value = getattr(chunk, link.kind)
        weight = min(link.score, 1.0)
        if value != link.number:  # a chunk that only mentions the 取組 (its 施策's table row, say)
            if link.kind == EntityKind.INITIATIVE:
                lift = max(lift, ENTITY_LIFT * weight)
            continue
        if link.kind == EntityKind.INITIATIVE and chunk.kind == ChunkKind.SHEET:
            lift = max(lift, 2 * ENTITY_LIFT * weight)
        elif link.kind == EntityKind.MEASURE and chunk.initiative is None:
            lift = max(lift, 1.5 * ENTITY_LIFT * weight)
        elif link.kind == EntityKind.GOAL and chunk.measure is None:
            lift = max(lift, 1.5 * ENTITY_LIFT * weight)
        else:
            lift = max(lift, ENTITY_LIFT * weight)
    return lift
