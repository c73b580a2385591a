"""Extractive answers: facts from the plan registry, else the best passage's answering sentences.

Every fact in an answer is cited by a chunk that contains it; when the plan does not state
what is asked, the answer abstains and points to the closest thing the plan does say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from taito_dx.assistant.citations import cite
from taito_dx.assistant.entities import Links
from taito_dx.index.reader import OpenGeneration, section_title
from taito_dx.assistant.intent import Intent, evidence_has_type
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.retrieve import Retrieval
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.models import Answer, Chunk, Citation, Initiative, Measure, ScoredChunk
from taito_dx.sentences import sentences

# Below both, nothing retrieved is about the question (off-topic): abstain. Chunk vectors are the mean of
# their sentences' (taito_dx/vectors.py): with them, abstaining is right up to ~0.26 and wrong from ~0.37
# on the eval set; this sits between.
MIN_DENSE = 0.31
MIN_KEYWORD = 1.0
MAX_SENTENCES = 2
KEYWORD_WEIGHT = 0.5
SECOND_SENTENCE_GAP = 0.25
VALUE_BONUS = 0.3
CHUNK_PRIOR = 0.2
LABEL_BONUS = 0.2
TERM_ENDS = (" ", "\t", ":", "：", "は")
PASSAGE_CHUNKS = 4
# Headings name a topic but answer nothing: quoted only when a chunk has nothing else.
HEADING = re.compile(r"^(\d{1,2}\.\s|第\d+章|【施策\d+】\S*$)")


@dataclass
class Part:
    """One stated fact (or one 'not stated') with its citations."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    stated: bool = True


class ExtractiveAnswerer:
    """Composes an `Answer` from the registry and retrieved chunks, no LLM involved."""

    def __init__(self, tokenizer: JapaneseTokenizer) -> None:
        self.tokenizer = tokenizer

    def answer(self, intent: Intent, links: Links, retrieval: Retrieval, index: OpenGeneration,
               query_vector: np.ndarray) -> Answer:
        """Registry facts when the question asks an entity's attribute, else the answering passage, else abstain."""
        lang = intent.language
        topic = _topic(links)
        if intent.answer_type and not any(
            evidence_has_type(intent.answer_type, scored.chunk.text, self.tokenizer) for scored in retrieval.chunks
        ):
            return self._abstain(lang, retrieval, topic)
        parts = _registry_parts(intent, links, index, lang, set(intent.attributes))
        if parts:
            return _assemble(parts, lang, retrieval, topic)
        if not links.items and retrieval.best_dense < MIN_DENSE and retrieval.best_keyword < MIN_KEYWORD:
            return self._abstain(lang, retrieval, topic)
        lead = self._section_lead(intent, links, index, lang, retrieval, topic)
        return lead or self._passage_answer(intent, retrieval, index, query_vector, lang, topic)

    def _section_lead(self, intent: Intent, links: Links, index: OpenGeneration, lang: str, retrieval: Retrieval,
                      topic: str | None) -> Answer | None:
        """A question that is nothing but (part of) a section's title ("計画期間は？") gets that section's opening
        sentence, or its line defining the asked term."""
        section = links.best("section")
        if section is None:
            return None
        title = index.sections[section.number]
        asked = set(self.tokenizer(intent.text))
        if not asked <= set(self.tokenizer(title)):
            return None
        for chunk_id in index.order:
            chunk = index.chunks[chunk_id]
            body = [s for s in sentences(chunk.text) if not HEADING.match(s)] if section_title(chunk) == title else []
            if not body:
                continue
            # A line defining exactly the asked term ("■基本理念 …") beats the section's first sentence.
            lead = next((s for s in body if _defined_term(s, self.tokenizer) == asked), body[0])
            citation = cite(chunk, lead)
            if citation is not None:
                text = phrase(lang, "passage") + f"\n「{lead}」[1]（{chunk.location}）"
                return Answer(text=text, citations=(citation,), sources=tuple(retrieval.chunks), topic=topic)
        return None

    @staticmethod
    def _abstain(lang: str, retrieval: Retrieval, topic: str | None) -> Answer:
        """'The plan does not say', pointing to (and citing) the closest passage retrieved."""
        closest = retrieval.chunks[0].chunk if retrieval.chunks else None
        text = phrase(lang, "not_stated")
        citations: tuple[Citation, ...] = ()
        if closest is not None:
            text += " " + phrase(lang, "closest", location=closest.location)
            citation = cite(closest)
            citations = (citation,) if citation else ()
        return Answer(text=text, citations=citations, abstained=True, sources=tuple(retrieval.chunks), topic=topic)

    def _passage_answer(self, intent: Intent, retrieval: Retrieval, index: OpenGeneration, query_vector: np.ndarray,
                        lang: str, topic: str | None) -> Answer:
        """The best answering sentences among the top chunks, each cited; the best one's chunk first."""
        chosen = self._best_sentences(intent, query_vector, retrieval.chunks[:PASSAGE_CHUNKS], index)
        lines = []
        citations: list[Citation] = []
        for chunk, picked in chosen:
            citation = cite(chunk, *picked)
            if citation is None:
                continue
            citations.append(citation)
            lines.append(f"「{' '.join(picked)}」[{len(citations)}]（{chunk.location}）")
        text = phrase(lang, "passage") + "\n" + "\n".join(lines)
        return Answer(text=text, citations=tuple(citations), sources=tuple(retrieval.chunks), topic=topic)

    def _best_sentences(self, intent: Intent, query_vector: np.ndarray, top: list[ScoredChunk],
                        index: OpenGeneration) -> list[tuple[Chunk, list[str]]]:
        """Sentences scored by stored vector, shared keywords (with their section's title), the value type asked
        for, and their chunk's rank; headings are never the answer."""
        if not top:
            return []
        vectors = index.parts.sentences_of([scored.chunk.id for scored in top])
        question_tokens = set(self.tokenizer(intent.text))
        wanted_value = intent.value_pattern()
        best_chunk = top[0].score or 1.0
        candidates: list[tuple[float, int, Chunk, str]] = []
        for scored in top:
            chunk = scored.chunk
            context = set(self.tokenizer(section_title(chunk)))
            for number, sentence in enumerate(sentences(chunk.text)):
                if HEADING.match(sentence):
                    continue
                vector = vectors.get((chunk.id, number))
                similarity = float(np.dot(vector, query_vector)) if vector is not None else 0.0
                tokens = set(self.tokenizer(sentence)) | context
                overlap = len(tokens & question_tokens) / (len(question_tokens) or 1)
                value = VALUE_BONUS if wanted_value is not None and wanted_value.search(sentence) else 0.0
                prior = CHUNK_PRIOR * scored.score / best_chunk
                term = _defined_term(sentence, self.tokenizer)
                label = LABEL_BONUS if term and term <= question_tokens else 0.0
                score = similarity + KEYWORD_WEIGHT * overlap + value + prior + label
                candidates.append((score, number, chunk, sentence))
        best = sorted(candidates, key=lambda c: -c[0])[:MAX_SENTENCES]
        if len(best) == 2 and best[1][0] < best[0][0] - SECOND_SENTENCE_GAP:
            best = best[:1]
        grouped: dict[str, tuple[Chunk, list[tuple[int, str]]]] = {}
        for _, number, chunk, sentence in best:
            grouped.setdefault(chunk.id, (chunk, []))[1].append((number, sentence))
        return [(chunk, [sentence for _, sentence in sorted(picked)]) for chunk, picked in grouped.values()]


def _defined_term(sentence: str, tokenizer: JapaneseTokenizer) -> frozenset[str]:
    """The words of the term a "TERM value" / "TERM: value" / "TERMは…" line defines (empty if none).

    Such a line answers "what is TERM?" better than a sentence that merely mentions it.
    """
    line = sentence.lstrip("■●◆・-* ")
    position = 0
    tokens = tokenizer(line)
    for count, token in enumerate(tokens, start=1):
        if not line.startswith(token, position):
            break
        position += len(token)
        if line[position:position + 1] in TERM_ENDS:
            return frozenset(tokens[:count])
    return frozenset()


def _topic(links: Links) -> str | None:
    for kind in ("initiative", "measure", "goal"):
        best = links.best(kind)
        if best is not None:
            return f"{kind}:{best.number}"
    return None


def _assemble(parts: list[Part], lang: str, retrieval: Retrieval, topic: str | None) -> Answer:
    citations: list[Citation] = []
    lines = []
    for part in parts:
        markers = []
        for citation in part.citations:
            if citation.chunk_id not in [c.chunk_id for c in citations]:
                citations.append(citation)
            markers.append(f"[{[c.chunk_id for c in citations].index(citation.chunk_id) + 1}]")
        lines.append(part.text + "".join(markers))
    abstained = not any(part.stated for part in parts)
    text = "\n".join(lines)
    if abstained:
        text = phrase(lang, "not_stated") + "\n" + text
    return Answer(text=text, citations=tuple(citations), abstained=abstained, sources=tuple(retrieval.chunks), topic=topic)


# -- facts from the registry -------------------------------------------------------------

# Attributes answered from the registry; a question asking none of them is about a passage.
REGISTRY_ATTRIBUTES = frozenset({"owner", "indicator", "parent", "children", "count", "content", "current_state",
                                 "target_state", "current_value"})

def _registry_parts(intent: Intent, links: Links, index: OpenGeneration, lang: str, wanted: set[str]) -> list[Part]:
    registry = index.registry
    initiative = _linked(links, "initiative", registry.initiatives)
    measure = _linked(links, "measure", registry.measures)
    goal_link = links.best("goal")
    parts: list[Part] = []
    if "owner" in wanted:
        reverse = [] if links.explicit("initiative") else _owners_reverse(intent.text, index, lang)
        if reverse:
            parts.extend(reverse)
        elif initiative is not None:
            parts.append(_owner_part(initiative, index, lang))
        else:
            parts.append(_owners_listed(measure, index, lang))
    indicator_link = links.best("indicator")
    asks_indicator_by_name = indicator_link is not None and not wanted & REGISTRY_ATTRIBUTES and not links.any_explicit()
    if "indicator" in wanted or asks_indicator_by_name:
        target = measure if links.explicit("measure") or initiative is None else registry.measures.get(initiative.measure)
        if indicator_link is not None and not links.explicit("measure") and not links.explicit("initiative"):
            target = registry.measures.get(indicator_link.number)
        if target is not None:
            parts.append(_indicator_part(target, index, lang, current=intent.asks("current_value")))
        else:
            parts.extend(_indicators_listed(goal_link.number if goal_link is not None and goal_link.explicit else None,
                                            index, lang, current=intent.asks("current_value")))
    for field_name in ("content", "current_state", "target_state"):
        if field_name in wanted and initiative is not None and not intent.asks("owner"):
            parts.append(_sheet_field_part(initiative, field_name, index, lang))
    if "parent" in wanted and (initiative is not None or measure is not None):
        parts.append(_parent_part(initiative, measure, index, lang))
    if "children" in wanted and measure is not None and initiative is None:
        parts.append(_children_part(measure, index, lang))
    if "count" in wanted and not parts:
        count = _count_part(intent.text, goal_link.number if goal_link and goal_link.explicit else None, index, lang)
        if count is not None:
            parts.append(count)
    if not parts and not wanted & REGISTRY_ATTRIBUTES:
        described = _describe_part(links, index, lang)
        if described is not None:
            parts.append(described)
    return parts


def _describe_part(links: Links, index: OpenGeneration, lang: str) -> Part | None:
    """What an explicitly named 目標, 施策 or 取組 is, when nothing more specific is asked."""
    registry = index.registry
    goal_link, measure_link = links.explicit("goal"), links.explicit("measure")
    if goal_link and not measure_link and not links.explicit("initiative"):
        goal = registry.goals[goal_link[0].number]
        text = phrase(lang, "describe_goal", goal=f"目標{goal.number}", title=goal.title)
        citations = _cited(index, f"goal:{goal.number}:description", goal.title, goal.description)
        if citations:
            text += " " + goal.description
        return Part(text, citations or _cited(index, f"goal:{goal.number}", goal.title))
    initiative_link = links.explicit("initiative")
    if initiative_link:
        initiative = registry.initiatives[initiative_link[0].number]
        parent = _parent_part(initiative, None, index, lang)
        if not initiative.content:
            return parent
        content = _sheet_field_part(initiative, "content", index, lang)
        return Part(parent.text + "\n" + content.text, parent.citations + content.citations)
    if measure_link:
        measure = registry.measures[measure_link[0].number]
        citations = _cited(index, f"measure:{measure.number}:block", measure.description) if measure.description else []
        if not citations:
            return None
        return Part(phrase(lang, "describe_measure", measure=_measure_name(measure), description=measure.description),
                    citations)
    return None


def _linked(links: Links, kind: str, table: dict) -> object | None:
    best = links.best(kind)
    return table.get(best.number) if best is not None else None


def _evidence(index: OpenGeneration, key: str) -> Chunk | None:
    chunk_id = index.registry.evidence.get(key)
    return index.chunks.get(chunk_id) if chunk_id else None


def _cited(index: OpenGeneration, key: str, *facts: str) -> list[Citation]:
    chunk = _evidence(index, key)
    citation = cite(chunk, *facts) if chunk is not None else None
    return [citation] if citation else []


def _initiative_name(initiative: Initiative) -> str:
    return f"取組{initiative.number}「{initiative.title}」"


def _measure_name(measure: Measure) -> str:
    return f"施策{measure.number}「{measure.title}」"


def _owner_part(initiative: Initiative, index: OpenGeneration, lang: str) -> Part:
    name = _initiative_name(initiative)
    if initiative.owners:
        citations = _cited(index, f"initiative:{initiative.number}:sheet", *initiative.owners)
        if citations:
            return Part(phrase(lang, "owner", name=name, owners="、".join(initiative.owners)), citations)
    measure = index.registry.measures.get(initiative.measure)
    where = _measure_name(measure) if measure else ""
    return Part(phrase(lang, "owner_missing", name=name, measure=where),
                _cited(index, f"measure:{initiative.measure}", initiative.title), stated=False)


def _owners_reverse(question: str, index: OpenGeneration, lang: str) -> list[Part]:
    """Initiatives whose sheet names a department the question mentions."""
    parts = []
    for initiative in sorted(index.registry.initiatives.values(), key=lambda i: i.number):
        named = [owner for owner in initiative.owners if owner in question and owner != "各課"]
        if named:
            citations = _cited(index, f"initiative:{initiative.number}:sheet", *named)
            if citations:
                parts.append(Part(phrase(lang, "owned_by", owner="、".join(named), name=_initiative_name(initiative)),
                                  citations))
    return parts


def _owners_listed(measure: Measure | None, index: OpenGeneration, lang: str) -> Part:
    """For an owner question that names no initiative: the owners the sheets state (under `measure` if given)."""
    stated = [i for i in sorted(index.registry.initiatives.values(), key=lambda i: i.number)
              if i.owners and (measure is None or i.measure == measure.number)]
    lines, citations = [], []
    for initiative in stated:
        cited = _cited(index, f"initiative:{initiative.number}:sheet", *initiative.owners)
        if cited:
            lines.append(f"{_initiative_name(initiative)}: {'、'.join(initiative.owners)}")
            citations += cited
    if not lines and measure is not None:  # the closest the plan says: which initiatives it has
        children = _children_part(measure, index, lang)
        return Part(phrase(lang, "owners_none_measure", measure=_measure_name(measure),
                           listing=_initiatives_listing(measure, index)), children.citations, stated=False)
    if not lines:
        return Part(phrase(lang, "owners_none"), stated=False)
    return Part(phrase(lang, "owners_listed") + "\n" + "\n".join(lines), citations)


def _indicator_part(measure: Measure, index: OpenGeneration, lang: str, *, current: bool) -> Part:
    name = _measure_name(measure)
    if not measure.indicators:
        return Part(phrase(lang, "indicator_missing", name=name), _cited(index, f"measure:{measure.number}", measure.title),
                    stated=False)
    lines = []
    facts: list[str] = []
    stated = True
    for indicator in measure.indicators:
        facts.append(indicator.name)
        text = phrase(lang, "indicator", name=name, indicator=indicator.name)
        if indicator.target:
            facts.append(indicator.target)
            text += phrase(lang, "indicator_target", label=indicator.target_label or "目標", value=indicator.target)
        if current:
            if indicator.current:
                facts.append(indicator.current)
                text += phrase(lang, "indicator_current", label=indicator.current_label, value=indicator.current)
            else:
                text += phrase(lang, "indicator_current_missing", label=indicator.current_label or "現況")
                stated = False
        lines.append(text)
    return Part("\n".join(lines), _cited(index, f"measure:{measure.number}:block", *facts), stated=stated)


def _indicators_listed(goal: int | None, index: OpenGeneration, lang: str, *, current: bool) -> list[Part]:
    """For an indicator question naming no 施策 or 取組: every indicator the plan states (under `goal` if
    given). Each is a stated fact; a current value the plan leaves blank is said inline, not abstained on.
    A 目標 none of whose 施策 has a stated indicator is said so, citing the 目標."""
    measures = sorted(index.registry.measures.values(), key=lambda measure: measure.number)
    parts = [_indicator_part(measure, index, lang, current=current) for measure in measures
             if measure.indicators and (goal is None or measure.goal == goal)]
    listed = [Part(part.text, part.citations) for part in parts if part.citations]
    if not listed and goal in index.registry.goals:
        named = index.registry.goals[goal]
        return [Part(phrase(lang, "indicators_none_goal", goal=f"目標{goal}「{named.title}」"),
                     _cited(index, f"goal:{goal}", named.title), stated=False)]
    return listed


def _sheet_field_part(initiative: Initiative, field_name: str, index: OpenGeneration, lang: str) -> Part:
    value = getattr(initiative, field_name)
    label = {"content": "取組内容", "current_state": "現状", "target_state": "あるべき姿"}[field_name]
    name = _initiative_name(initiative)
    if not value:
        return Part(phrase(lang, "field_missing", name=name, label=label),
                    _cited(index, f"measure:{initiative.measure}", initiative.title), stated=False)
    quoted = " / ".join(line.lstrip("■ ").strip() for line in value.splitlines() if line.strip())
    facts = [line.strip() for line in value.splitlines() if line.strip()]
    return Part(phrase(lang, "field", name=name, label=label, value=quoted),
                _cited(index, f"initiative:{initiative.number}:sheet", *facts))


def _parent_part(initiative: Initiative | None, measure: Measure | None, index: OpenGeneration, lang: str) -> Part:
    registry = index.registry
    if initiative is not None:
        measure = registry.measures.get(initiative.measure)
    assert measure is not None
    goal = registry.goals.get(measure.goal)
    goal_name = f"目標{goal.number}「{goal.title}」" if goal else ""
    if initiative is not None:
        text = phrase(lang, "parent_initiative", name=_initiative_name(initiative), measure=_measure_name(measure),
                      goal=goal_name)
        facts = [initiative.title, measure.title]
    else:
        text = phrase(lang, "parent_measure", measure=_measure_name(measure), goal=goal_name)
        facts = [measure.title]
    citations = _cited(index, f"measure:{measure.number}", *facts)
    if goal:
        citations += _cited(index, f"goal:{goal.number}", goal.title)
    return Part(text, citations)


def _children_part(measure: Measure, index: OpenGeneration, lang: str) -> Part:
    children = index.registry.initiatives_of(measure.number)
    return Part(phrase(lang, "children", measure=_measure_name(measure), listing=_initiatives_listing(measure, index)),
                _cited(index, f"measure:{measure.number}", *(i.title for i in children)))


def _initiatives_listing(measure: Measure, index: OpenGeneration) -> str:
    return "、".join(_initiative_name(i) for i in index.registry.initiatives_of(measure.number))


COUNTED = {"目標": re.compile(r"目標|goals?\b", re.I), "施策": re.compile(r"施策|measures?\b|polic", re.I),
           "取組": re.compile(r"取組|initiatives?\b", re.I)}
COUNTED_NOUNS = {"目標": "goals", "施策": "measures", "取組": "initiatives"}


def _count_part(question: str, goal_number: int | None, index: OpenGeneration, lang: str) -> Part | None:
    registry = index.registry
    asked = [name for name, pattern in COUNTED.items() if pattern.search(question.replace(f"目標{goal_number}", ""))]
    if not asked and goal_number is None:
        return None
    if goal_number is not None and goal_number in registry.goals:
        goal = registry.goals[goal_number]
        counts = {"施策": goal.measure_count, "取組": goal.initiative_count}
        wanted = [name for name in asked if name in counts] or list(counts)
        facts = [f"{name}数:{counts[name]}" for name in wanted if counts[name] is not None]
        if not facts:
            return None
        text = phrase(lang, "count_goal", goal=f"目標{goal.number}「{goal.title}」",
                      counts=_counts_text(lang, {name: counts[name] for name in wanted}))
        return Part(text, _cited(index, f"goal:{goal.number}", *facts))
    counts = {"目標": len(registry.goals), "施策": len(registry.measures), "取組": len(registry.initiatives)}
    wanted = asked or list(counts)
    chunk = _overview_chunk(index, counts)
    if chunk is None:
        return None
    citation = cite(chunk, *(str(counts[name]) for name in wanted))
    if citation is None:
        return None
    return Part(phrase(lang, "count_plan", counts=_counts_text(lang, {name: counts[name] for name in wanted})),
                [citation])


def _counts_text(lang: str, counts: dict[str, int | None]) -> str:
    """"施策数は5、取組数は11" or "5 measures (施策) and 11 initiatives (取組)": never "取組11", which names an initiative."""
    items = [phrase(lang, "count_item", name=name, noun=COUNTED_NOUNS[name], count=str(count))
             for name, count in counts.items() if count is not None]
    if lang == "ja" or len(items) < 2:
        return "、".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _overview_chunk(index: OpenGeneration, counts: dict[str, int]) -> Chunk | None:
    """The chunk that states the plan's totals in one sentence."""
    for chunk in index.chunks.values():
        if all(f"{value}の{name}" in chunk.text or f"{value}つの{name}" in chunk.text for name, value in counts.items()):
            return chunk
    return None
