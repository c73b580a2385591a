"""Citations: the quoted source of each fact, checked to really contain what it is cited for."""

from __future__ import annotations

from taito_dx.models import Chunk, Citation


def cite(chunk: Chunk, *facts: str) -> Citation | None:
    """A citation of `chunk` for `facts`, or None when the chunk does not state every fact."""
    if not all(fact in chunk.text for fact in facts if fact):
        return None
    return Citation(
        source=chunk.source,
        location=chunk.location,
        text=chunk.text,
        page=chunk.page,
        chunk_id=chunk.id,
        highlights=tuple(dict.fromkeys(fact for fact in facts if fact)),
    )
