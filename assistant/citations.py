"""Citations: the quoted source of each fact, checked to really contain what it is cited for."""

from __future__ import annotations

from collections.abc import Sequence

from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Chunk, Citation
from taito_dx.registry import Fact

EXCERPT_HEAD = 2  # first lines kept: the heading that says what the passage is
EXCERPT_CONTEXT = 2  # lines kept before and after each line that states a cited fact
ELIDED = "…"


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
        plan=chunk.plan,
    )


def excerpt(text: str, facts: Sequence[str]) -> str:
    """The heading and the lines of `text` that state `facts`, with a little context; "…" stands for the
    lines left out. The whole text when nothing is left out or a fact is not on one line."""
    lines = text.split("\n")
    present = [fact for fact in facts if fact and fact in text]
    if not present or not all(any(fact in line for line in lines) for fact in present):
        return text
    keep = set(range(min(EXCERPT_HEAD, len(lines))))
    for number, line in enumerate(lines):
        if any(fact in line for fact in present):
            keep.update(range(max(0, number - EXCERPT_CONTEXT), min(len(lines), number + EXCERPT_CONTEXT + 1)))
    if len(keep) >= len(lines) - 1:  # eliding a single line saves nothing
        return text
    shown, previous = [], -1
    for number in sorted(keep):
        if number > previous + 1:
            shown.append(ELIDED)
        shown.append(lines[number])
        previous = number
    if previous < len(lines) - 1:
        shown.append(ELIDED)
    return "\n".join(shown)


def cite_fact(index: OpenGeneration, fact: Fact, number: int, *facts: str) -> list[Citation]:
    """The citation of the chunk that states `fact` about entity `number`, if it states every one of `facts`."""
    chunk = index.evidence(fact, number)
    citation = cite(chunk, *facts) if chunk is not None else None
    return [citation] if citation else []
