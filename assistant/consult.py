"""BPR consultation (BPR相談会): from a described work problem to the plan's initiatives that address it.

Every 取組 is ranked by how well its profile (`profiles`: everything the plan says about it, and the
guide lines that name it) fits the problem: its best line's similarity under the index's embedder, plus the
rare words the problem shares with that line. Each suggestion says why: the line that matched, its kind,
and the shared words. When no 取組 fits well enough, the consultation says the plan has nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taito_dx.assistant.citations import cite
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.profiles import Fit, InitiativeProfiles, LineKind, ProfileLine
from taito_dx.assistant.search import PlanSearch
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Answer, Citation, EntityKind, Goal, Indicator, Initiative, Measure
from taito_dx.plan_names import initiative_name, measure_name, numbered, plan_path
from taito_dx.registry import Fact

PROFILES = "consultation-profiles"  # the key of the 取組 profiles PlanSearch keeps per index generation
# Below this fit no 取組 addresses the problem (a fit is a profile line's cosine plus its shared rare content
# words: profiles.EVIDENCE_WEIGHT). A 取組 within MARGIN of the best one's fit is suggested too, up to LIMIT.
# Chosen with EVIDENCE_WEIGHT on the dev work problems (evals/consultations.jsonl, 75 with 24 out of scope), over
# weights 0-0.08 and fits 0.40-0.75: 0.70 with 0.08 declined 22 of 24 out-of-scope problems and 4 of 51 in-scope
# ones (all tokens as words, 0.55 with 0.05: 18 of 24 and 3). MARGIN on the same problems over 0.03-0.12: each
# ranked the same first; 0.09 is the smallest that listed the right 取組 for 47 of 51 (0.03-0.06: 46), with no
# 取組 in more of the answered ones (0.12 put the most suggested one in more).
MIN_FIT = 0.70
MARGIN = 0.09
LIMIT = 5


@dataclass(frozen=True)
class Reason:
    """Why a 取組 was suggested: a line of its profile that matched the problem, and the words they share."""

    line: ProfileLine
    terms: tuple[str, ...]
    citation: Citation

    @property
    def from_guide(self) -> bool:
        return self.line.kind == LineKind.GUIDE

    def kind_shown(self, lang: str) -> str:
        """"取組内容（語の一致）", "guide (close in meaning)": where the line is from and how it matched."""
        how = phrase(lang, "consult_match_words" if self.terms else "consult_match_meaning")
        return f"{phrase(lang, 'consult_kind_' + self.line.kind.value)}（{how}）" if lang == "ja" else \
            f"{phrase(lang, 'consult_kind_' + self.line.kind.value)} ({how})"

    def line_text(self, lang: str) -> str:
        """The reason as one line of text: its kind, the matched line, the shared words."""
        words = phrase(lang, "consult_words", words="、".join(self.terms)) if self.terms else ""
        return f"{phrase(lang, 'consult_why')} [{self.kind_shown(lang)}]: 「{self.line.text}」{words}"


@dataclass(frozen=True)
class Suggestion:
    """One 取組 suggested for the problem, with where the plan puts it and what states it."""

    initiative: Initiative
    measure: Measure | None
    goal: Goal | None
    score: float
    citations: tuple[Citation, ...]
    reasons: tuple[Reason, ...] = ()

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
            lines += ["  " + reason.line_text(self.language) for reason in suggestion.reasons]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The consultation for machines: each suggestion with its reasons, and the numbered citations."""
        return {
            "problem": self.problem,
            "abstained": self.abstained,
            "text": self.text,
            "suggestions": [{
                "initiative": s.initiative.number, "title": s.initiative.title, "location": s.location,
                "owners": list(s.owners), "score": round(s.score, 4), "citations": self.citation_numbers(s),
                "reasons": [{"kind": r.line.kind.value, "from_guide": r.from_guide, "line": r.line.text,
                             "words": list(r.terms), "source": r.citation.source, "location": r.citation.location}
                            for r in s.reasons],
            } for s in self.suggestions],
            "citations": [c.to_dict() for c in self.citations],
        }

    def to_answer(self) -> Answer:
        """The consultation as an `Answer`, for records and logs that take answers."""
        return Answer(text=self.text, citations=self.citations, abstained=self.abstained)


def consult(search: PlanSearch, problem: str, *, limit: int = LIMIT) -> Consultation:
    """The plan's 取組 that address `problem` (a described work problem), best first, each with why and citations.

    Raises `QuestionError` for an empty or over-long description, like `Assistant.ask`.
    """
    intent = search.analyse(problem)
    plan = search.plan_of(intent.text, by_entity_names=False).plan  # a problem's words describe it, not a plan's 取組
    profiles = search.derived(PROFILES, lambda index: InitiativeProfiles.build(index, search.embedder, search.tokenizer),
                              plan)
    index = search.view.current().view(plan)
    fits = profiles.fits(intent.text, search.tokenizer.content_words(intent.text))
    if not fits or fits[0].score < MIN_FIT:
        return Consultation(intent.text, intent.language, ())
    best = fits[0].score
    suggestions = tuple(_suggestion(index, fit) for fit in fits[:limit] if fit.score >= best - MARGIN)
    return Consultation(intent.text, intent.language, suggestions)


def _suggestion(index: OpenGeneration, fit: Fit) -> Suggestion:
    registry = index.registry
    initiative = registry.initiatives[fit.initiative]
    reasons = [_reason(fit.line, fit.terms)]
    if fit.line.kind == LineKind.GUIDE:  # the guide links the problem to the 取組: show what the plan says of it
        reasons.append(_reason(fit.plan_line, fit.plan_terms))
    citations = [c for c in (initiative_citation(index, initiative), reasons[0].citation) if c is not None]
    unique: list[Citation] = []
    for citation in citations:
        if all(citation.chunk_id != kept.chunk_id for kept in unique):
            unique.append(citation)
    return Suggestion(
        initiative=initiative,
        measure=registry.measures.get(initiative.measure),
        goal=registry.goals.get(initiative.goal),
        score=fit.score,
        citations=tuple(unique),
        reasons=tuple(reasons),
    )


def _reason(line: ProfileLine, terms: tuple[str, ...]) -> Reason:
    """The reason a line gives, cited where it is written: the guide entry, or the plan chunk (line highlighted)."""
    if line.guide is not None:
        entry = line.guide
        citation = Citation(source=entry.source, location=entry.location, text=entry.text,
                            chunk_id=f"guide:{entry.source}:{entry.location}", highlights=(line.text,))
    else:
        chunk = line.chunk
        assert chunk is not None, "a plan line comes with the chunk that states it"
        citation = cite(chunk, line.text) or cite(chunk, *terms) or cite(chunk)  # type: ignore[assignment]
    return Reason(line, terms, citation)


def initiative_citation(index: OpenGeneration, initiative: Initiative) -> Citation | None:
    """The chunk that states a 取組: its sheet (owners highlighted) when the plan has one, else its 施策's table row."""
    chunk = index.evidence(Fact.SHEET, initiative.number)
    if chunk is not None:
        return cite(chunk, *initiative.owners) or cite(chunk, initiative.title) or cite(chunk)
    chunk = index.evidence(Fact.MEASURE_ROW, initiative.measure)
    if chunk is not None:
        return cite(chunk, initiative.title) or cite(chunk)
    return None
