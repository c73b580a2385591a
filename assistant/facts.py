"""Registry facts: what the plan registry states about the entities a question is linked to, cited.

A structure question (lists, counts, rankings, comparisons at any level: `plan_structure`) is answered
first; then one handler per attribute a question can ask (`FACTS`), each returning the `Part`s that answer
it, or none when the linked entities do not have that attribute. An entity named with nothing asked about
it is described.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from taito_dx.assistant.citations import cite_fact
from taito_dx.assistant.entities import NAMED_MIN_SCORE, Links
from taito_dx.assistant.intent import Attribute, Intent
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.plan_structure import Ask, answer_structure, is_below, mentions, read_structure
from taito_dx.assistant.topics import topic_of
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Citation, EntityKind, EntityRef, Initiative, Measure
from taito_dx.plan_names import goal_name, initiative_name, measure_name, numbered
from taito_dx.registry import Fact

# Asking what an entity will do in detail (not what it is).
SPECIFICS = re.compile(r"specific|detail|activit|concrete|in practice|具体|詳細|詳しく|内訳", re.I)
# Attribute → the Initiative field holding it (its sheet label is phrased by `phrases`, "field_<name>").
SHEET_FIELDS = {Attribute.CONTENT: "content", Attribute.CURRENT_STATE: "current_state",
                Attribute.TARGET_STATE: "target_state"}


@dataclass
class Part:
    """One stated fact (or one 'not stated') with its citations."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    stated: bool = True
    subject: EntityRef | None = None  # the one entity it gives as the answer ("the goal with fewest 施策")


@dataclass(frozen=True)
class FactQuery:
    """A question's analysis and links, with the entities they resolve to in the registry."""

    intent: Intent
    links: Links
    index: OpenGeneration
    lang: str

    @property
    def initiative(self) -> Initiative | None:
        best = self.links.best(EntityKind.INITIATIVE)
        return self.index.registry.initiatives.get(best.number) if best else None

    @property
    def measure(self) -> Measure | None:
        best = self.links.best(EntityKind.MEASURE)
        return self.index.registry.measures.get(best.number) if best else None

    @property
    def explicit_goal(self) -> int | None:
        best = self.links.best(EntityKind.GOAL)
        return best.number if best is not None and best.explicit else None


def asked(intent: Intent, links: Links) -> set[Attribute]:
    """The attributes to answer: those the question asks, and an indicator whose title is the question's
    strongest link when nothing is asked and no entity is named by number."""
    attributes = set(intent.attributes)
    named = links.items[0] if links.items else None  # the strongest link: an indicator's title is what is asked
    if named is not None and named.kind == EntityKind.INDICATOR and named.score >= NAMED_MIN_SCORE \
            and not attributes and not links.any_explicit():
        attributes.add(Attribute.INDICATOR)
    return attributes


def registry_parts(intent: Intent, links: Links, index: OpenGeneration, lang: str) -> list[Part]:
    """The registry's answer to the question: its structure (lists, counts, rankings) first, then each
    attribute asked in attribute order; [] when the registry has none."""
    query = FactQuery(intent, links, index, lang)
    wanted = asked(intent, links)
    parts = _structure(query)
    if parts:  # the structure answers counts, lists and what belongs where; an indicator only when asked by name
        wanted -= {Attribute.COUNT, Attribute.CHILDREN, Attribute.PARENT} | ({Attribute.INDICATOR} - intent.attributes)
    parts += [part for attribute, handler in FACTS.items() if attribute in wanted for part in handler(query)]
    if not parts and not wanted:
        parts = _describe(query)
    return parts


def _structure(query: FactQuery) -> list[Part]:
    """The answer to a structure question (see `plan_structure`); which number an entity named by its title has
    is its place in the plan, from the link to that title."""
    structure = read_structure(query.intent.text)
    if structure is None:
        return []
    carried = next((link for link in query.links.items if link.explicit), None)
    if not structure.scopes and structure.ask in (Ask.LIST, Ask.COUNT) and carried is not None and all(
            is_below(level, carried.kind) for level in structure.levels) and not any(
            mention.number for mention in mentions(query.intent.text)):  # a follow-up: "取組はいくつ？" of the last 目標
        structure = replace(structure, scopes=(carried.ref,))
    belonging = {Attribute.PARENT} if structure.scopes else set()  # "the measures that belong to goal 2": its members
    if structure.ask == Ask.LIST and query.intent.attributes - {Attribute.COUNT, Attribute.CHILDREN} - belonging:
        return []  # "the initiatives 情報政策課 owns": a list filtered by what is asked, answered by its attribute
    if structure.ask == Ask.LIST and not structure.scopes and topic_of(query.intent.text) is not None:
        return []  # "子育てに関する取組はある？": the 取組 on a topic, not every 取組 (see topics)
    if structure.ask == Ask.LIST and not structure.scopes and any(
            link.quoted and is_below(link.kind, level) for link in query.links.items for level in structure.levels):
        return []  # "BPR相談会 — which 施策 is that under?": the 施策 of an entity quoted by its title
    if structure.ask == Ask.NUMBER:
        link = query.links.best(structure.levels[0])
        if link is None:
            return []
        registry = query.index.registry
        initiative = registry.initiatives.get(link.number) if link.kind == EntityKind.INITIATIVE else None
        measure = registry.measures.get(link.number) if link.kind == EntityKind.MEASURE else None
        if initiative is None and measure is None:
            return []
        return [_parent_part(initiative, measure, query.index, query.lang)]
    part = answer_structure(structure, query.index, query.lang)
    return [Part(part.text, list(part.citations), subject=part.subject)] if part is not None else []


# -- one handler per attribute ------------------------------------------------------------

def _owner(query: FactQuery) -> list[Part]:
    index, lang = query.index, query.lang
    if query.intent.asks_reason and query.initiative is None and query.measure is None:
        return []  # why or whether, asked of no 取組: what the plan says, not its owners listed
    reverse = [] if query.links.explicit(EntityKind.INITIATIVE) else _owners_reverse(query.intent.text, index, lang)
    if reverse:
        return reverse
    if query.initiative is not None:
        return [_owner_part(query.initiative, index, lang)]
    return [_owners_listed(query.measure, index, lang)]


def _indicator(query: FactQuery) -> list[Part]:
    links, registry, initiative = query.links, query.index.registry, query.initiative
    current = query.intent.asks(Attribute.CURRENT_VALUE)
    named_by_number = links.explicit(EntityKind.MEASURE) or links.explicit(EntityKind.INITIATIVE)
    of_measure = links.explicit(EntityKind.MEASURE) or initiative is None
    asked_of = links.best(EntityKind.MEASURE if of_measure else EntityKind.INITIATIVE)
    target = query.measure if of_measure else registry.measures.get(initiative.measure)
    if asked_of is not None and not (asked_of.explicit or asked_of.quoted or asked_of.score >= NAMED_MIN_SCORE):
        target = None  # "How will progress be measured?": no 施策 named, only one alike by meaning
    indicator_link = links.best(EntityKind.INDICATOR)
    if indicator_link is not None and not named_by_number:
        target = registry.measures.get(indicator_link.number)
    if target is not None:
        return [_indicator_part(target, query.index, query.lang, current=current)]
    if query.intent.asks_reason and query.explicit_goal is None:
        return []  # "Why does the plan set indicators?": what the plan says, not the indicators listed
    return _indicators_listed(query.explicit_goal, query.index, query.lang, current=current)


def _sheet_field(attribute: Attribute) -> Callable[[FactQuery], list[Part]]:
    def handler(query: FactQuery) -> list[Part]:
        named_measure = query.links.explicit(EntityKind.MEASURE) and not query.links.explicit(EntityKind.INITIATIVE)
        if query.initiative is None or named_measure:  # "the point of measure 1, the one about …": the 施策
            # What a named 目標 or 施策 does is its description.
            return _describe(query) if attribute == Attribute.CONTENT else []
        part = _sheet_field_part(query.initiative, attribute, query.index, query.lang)
        if attribute == Attribute.CONTENT and not part.stated and not SPECIFICS.search(query.intent.text):
            # "what is 取組5 about?" with no sheet: what it is, where, and its 施策's aim (not, for "which specific
            # activities", a sheet's content the documents lack)
            return [_parent_part(query.initiative, None, query.index, query.lang),
                    *_measure_description(query.index.registry.measures[query.initiative.measure], query.index,
                                          query.lang), part]
        return [part]

    return handler


def _parent(query: FactQuery) -> list[Part]:
    if query.initiative is None and query.measure is None:
        return []
    return [_parent_part(query.initiative, query.measure, query.index, query.lang)]


def _children(query: FactQuery) -> list[Part]:
    if query.measure is None or query.initiative is not None:
        return []
    return [_children_part(query.measure, query.index, query.lang)]


FACTS: dict[Attribute, Callable[[FactQuery], list[Part]]] = {
    Attribute.OWNER: _owner,
    Attribute.INDICATOR: _indicator,
    Attribute.CONTENT: _sheet_field(Attribute.CONTENT),
    Attribute.CURRENT_STATE: _sheet_field(Attribute.CURRENT_STATE),
    Attribute.TARGET_STATE: _sheet_field(Attribute.TARGET_STATE),
    Attribute.PARENT: _parent,
    Attribute.CHILDREN: _children,
}


def _describe(query: FactQuery) -> list[Part]:
    """What an explicitly named 目標, 施策 or 取組 is, when nothing more specific is asked."""
    links, index, lang = query.links, query.index, query.lang
    registry = index.registry
    goal_link, measure_link = links.explicit(EntityKind.GOAL), links.explicit(EntityKind.MEASURE)
    initiative_link = links.explicit(EntityKind.INITIATIVE)
    if goal_link and not measure_link and not initiative_link:
        goal = registry.goals[goal_link[0].number]
        text = phrase(lang, "describe_goal", goal=numbered(EntityKind.GOAL, goal.number), title=goal.title)
        citations = cite_fact(index, Fact.GOAL_DESCRIPTION, goal.number, goal.title, goal.description)
        if citations:
            text += " " + goal.description
        return [Part(text, citations or cite_fact(index, Fact.GOAL_ROW, goal.number, goal.title))]
    if initiative_link:
        initiative = registry.initiatives[initiative_link[0].number]
        parent = _parent_part(initiative, None, index, lang)
        if not initiative.content:
            return [parent]
        content = _sheet_field_part(initiative, Attribute.CONTENT, index, lang)
        return [content, parent]  # what it does (its sheet) first, then where it sits
    if measure_link:
        measure = registry.measures[measure_link[0].number]
        # no page of its own: its name, where it sits and its 取組
        return _measure_description(measure, index, lang) or [_parent_part(None, measure, index, lang),
                                                               _children_part(measure, index, lang)]
    return []


def _measure_description(measure: Measure, index: OpenGeneration, lang: str) -> list[Part]:
    """A 施策's description from its own page, cited; [] when it has none."""
    citations = cite_fact(index, Fact.MEASURE_PAGE, measure.number, measure.description) if measure.description else []
    if not citations:
        return []
    return [Part(phrase(lang, "describe_measure", measure=measure_name(measure), description=measure.description),
                 citations)]


# -- parts ---------------------------------------------------------------------------------

def _owner_part(initiative: Initiative, index: OpenGeneration, lang: str) -> Part:
    name = initiative_name(initiative)
    if initiative.owners:
        citations = cite_fact(index, Fact.SHEET, initiative.number, *initiative.owners)
        if citations:
            return Part(phrase(lang, "owner", name=name, owners="、".join(initiative.owners)), citations)
    measure = index.registry.measures.get(initiative.measure)
    where = measure_name(measure) if measure else ""
    return Part(phrase(lang, "owner_missing", name=name, measure=where),
                cite_fact(index, Fact.MEASURE_ROW, initiative.measure, initiative.title), stated=False)


def _owners_reverse(question: str, index: OpenGeneration, lang: str) -> list[Part]:
    """Initiatives whose sheet names a department the question mentions."""
    parts = []
    for initiative in sorted(index.registry.initiatives.values(), key=lambda i: i.number):
        named = [owner for owner in initiative.owners if owner in question and owner != "各課"]
        if named:
            citations = cite_fact(index, Fact.SHEET, initiative.number, *named)
            if citations:
                parts.append(Part(phrase(lang, "owned_by", owner="、".join(named), name=initiative_name(initiative)),
                                  citations))
    return parts


def _owners_listed(measure: Measure | None, index: OpenGeneration, lang: str) -> Part:
    """For an owner question that names no initiative: the owners the sheets state (under `measure` if given)."""
    stated = [i for i in sorted(index.registry.initiatives.values(), key=lambda i: i.number)
              if i.owners and (measure is None or i.measure == measure.number)]
    lines, citations = [], []
    for initiative in stated:
        cited = cite_fact(index, Fact.SHEET, initiative.number, *initiative.owners)
        if cited:
            lines.append(f"{initiative_name(initiative)}: {'、'.join(initiative.owners)}")
            citations += cited
    if not lines and measure is not None:  # the closest the plan says: which initiatives it has
        children = _children_part(measure, index, lang)
        return Part(phrase(lang, "owners_none_measure", measure=measure_name(measure),
                           listing=initiatives_listing(measure, index)), children.citations, stated=False)
    if not lines:
        return Part(phrase(lang, "owners_none"), stated=False)
    return Part(phrase(lang, "owners_listed") + "\n" + "\n".join(lines), citations)


def _indicator_part(measure: Measure, index: OpenGeneration, lang: str, *, current: bool) -> Part:
    name = measure_name(measure)
    if not measure.indicators:
        return Part(phrase(lang, "indicator_missing", name=name),
                    cite_fact(index, Fact.MEASURE_ROW, measure.number, measure.title), stated=False)
    lines = []
    facts: list[str] = []
    stated = True
    for indicator in measure.indicators:
        facts.append(indicator.name)
        text = phrase(lang, "indicator", name=name, indicator=indicator.name)
        if indicator.target:
            facts.append(indicator.target)
            text += phrase(lang, "indicator_target", label=indicator.target_label or "目標", value=indicator.target)
        elif indicator.value:
            facts.append(indicator.value)
            text += phrase(lang, "indicator_value_column_not_stated", value=indicator.value,
                           current=indicator.current_label or "現況", target=indicator.target_label or "目標")
        if current:
            if indicator.current:
                facts.append(indicator.current)
                text += phrase(lang, "indicator_current", label=indicator.current_label, value=indicator.current)
            elif indicator.value:
                stated = False  # the one figure is said above, with its column not stated
            else:
                text += phrase(lang, "indicator_current_missing", label=indicator.current_label or "現況")
                stated = False
        lines.append(text)
    return Part("\n".join(lines), cite_fact(index, Fact.MEASURE_PAGE, measure.number, *facts), stated=stated)


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
        return [Part(phrase(lang, "indicators_none_goal", goal=goal_name(named)),
                     cite_fact(index, Fact.GOAL_ROW, goal, named.title), stated=False)]
    return listed


def _sheet_field_part(initiative: Initiative, attribute: Attribute, index: OpenGeneration, lang: str) -> Part:
    field_name = SHEET_FIELDS[attribute]
    label = phrase(lang, f"field_{field_name}")
    value = getattr(initiative, field_name)
    name = initiative_name(initiative)
    if not value:
        return Part(phrase(lang, "field_missing", name=name, label=label),
                    cite_fact(index, Fact.MEASURE_ROW, initiative.measure, initiative.title), stated=False)
    quoted = " / ".join(line.lstrip("■ ").strip() for line in value.splitlines() if line.strip())
    facts = [line.strip() for line in value.splitlines() if line.strip()]
    return Part(phrase(lang, "field", name=name, label=label, value=quoted),
                cite_fact(index, Fact.SHEET, initiative.number, *facts))


def _parent_part(initiative: Initiative | None, measure: Measure | None, index: OpenGeneration, lang: str) -> Part:
    registry = index.registry
    if initiative is not None:
        measure = registry.measures.get(initiative.measure)
    assert measure is not None
    goal = registry.goals.get(measure.goal)
    shown_goal = goal_name(goal) if goal else ""
    if initiative is not None:
        text = phrase(lang, "parent_initiative", name=initiative_name(initiative), measure=measure_name(measure),
                      goal=shown_goal)
        facts = [initiative.title, measure.title]
    else:
        text = phrase(lang, "parent_measure", measure=measure_name(measure), goal=shown_goal)
        facts = [measure.title]
    citations = cite_fact(index, Fact.MEASURE_ROW, measure.number, *facts)
    if goal:
        citations += cite_fact(index, Fact.GOAL_ROW, goal.number, goal.title)
    return Part(text, citations)


def _children_part(measure: Measure, index: OpenGeneration, lang: str) -> Part:
    children = index.registry.initiatives_of(measure.number)
    return Part(phrase(lang, "children", measure=measure_name(measure), listing=initiatives_listing(measure, index)),
                cite_fact(index, Fact.MEASURE_ROW, measure.number, *(i.title for i in children)))


def initiatives_listing(measure: Measure, index: OpenGeneration) -> str:
    """"取組12「…」、取組13「…」": the 施策's initiatives by number."""
    return "、".join(initiative_name(i) for i in index.registry.initiatives_of(measure.number))
