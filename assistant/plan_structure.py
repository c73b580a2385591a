"""Structure questions, answered from the registry at every level: which 目標 / 施策 / 取組 there are under
a scope, how many, which has the most or fewest, which have a given number below them, how two compare, what
number one is — and, for a number the plan does not have, that it does not exist, with the valid range.

A question's structure is read from the plan's level words (目標, 施策, 取組 and their English names): a
numbered one ("施策9", "goal 2") names a scope; an unnumbered one names the level asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from taito_dx.assistant.citations import cite, cite_fact
from taito_dx.assistant.phrases import phrase
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Citation, EntityKind, EntityRef, PLAN_LEVELS
from taito_dx.plan_names import goal_name, initiative_name, measure_name, numbered
from taito_dx.registry import Fact, PlanRegistry

# A plan level named by its word, with a number (a scope) or without (the level asked about). 目標 is also
# "target": 目標値 and 目標(令和10年度) are not the level.
LEVEL = (r"(?P<level>目標(?!値|\s*[(（])|施策|取組|取り組み|goals?\b|measures?\b|polic(?:y|ies)\b|initiatives?\b)"
         r"(?:\s*(?:no\.?|#|number)?\s*(?P<number>\d{1,3})(?![\d年]))?")
LEVEL_WORD = re.compile(LEVEL, re.I)
# A Japanese level word followed by another word character is part of a compound noun (取組内容, 施策体系).
COMPOUND_NEXT = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー々]")
MAX_LISTED_WITH_COUNT = 8  # a count names its members up to this many
KIND_OF_WORD = (("目標", EntityKind.GOAL), ("goal", EntityKind.GOAL), ("施策", EntityKind.MEASURE),
                ("measure", EntityKind.MEASURE), ("polic", EntityKind.MEASURE), ("取組", EntityKind.INITIATIVE),
                ("取り組み", EntityKind.INITIATIVE), ("initiative", EntityKind.INITIATIVE))


class Ask(StrEnum):
    """What a structure question asks of the plan's levels."""

    LIST = "list"
    COUNT = "count"
    MOST = "most"
    FEWEST = "fewest"
    COMPARE = "compare"
    NUMBER = "number"  # which number an entity (named by title) has
    HAVING = "having"  # which of a level have a given number of the level below ("施策 with two 取組")


LEVELS_JA = r"(?:目標(?!値|\s*[(（])|施策|取組|取り組み)"
LEVELS_EN = r"(?:goals?|measures?|polic(?:y|ies)|initiatives?)\b"
# Cues that must stand by the level word they are about ("取組がいくつ", "how many initiatives").
LEVELS_ANY = rf"(?:{LEVELS_JA}|{LEVELS_EN})"
COUNT_OF = re.compile(rf"(?P<ja>{LEVELS_JA}(?:\s*(?:と|、|,|・|や)\s*{LEVELS_JA})*)\s*(?:の|が|は|って)?\s*"
                      rf"(?:全部で|合計で|全体で|あわせて|合わせて|それぞれ|各々)?\s*(?:数|いくつ|何個|何件|幾つ)|"
                      rf"(?:いくつ|何個|何件|幾つ)の?\s*(?P<before>{LEVELS_JA})|"
                      rf"(?:how many|number of|count of)\s+(?:\w+\s+)?"
                      rf"(?P<en>{LEVELS_ANY}(?:\s*(?:,|and|,\s*and)\s*{LEVELS_ANY})*)", re.I)
LIST_OF = re.compile(
    rf"(?P<ja>{LEVELS_JA})\s*(?:\(\w+\)\s*)?(?:を|は|が)?\s*(?:全部|ぜんぶ|すべて|全て|一覧|挙げ|あげ|リスト|列挙|教えて|何が)|"
    rf"(?:どんな|どういう|どのような|何の)\s*(?P<which>{LEVELS_JA})|(?P<there>{LEVELS_JA})\s*(?:が|は)\s*(?:ある|あります)|"
    rf"(?:list|name|enumerate|what are|which are|show|give|tell)\s+(?:me\s+)?(?:the\s+|all\s+(?:the\s+)?|every\s+)?"
    rf"(?:[\w']+\s+){{0,2}}(?P<en>{LEVELS_ANY})|(?:list|names?)\s+of\s+(?:the\s+)?(?:plan's\s+)?(?:\w+\s+)?(?P<of>{LEVELS_ANY})|"
    rf"\b(?:all|every)\s+(?:of\s+)?(?:the\s+)?(?:plan's\s+)?(?:\w+\s+)?(?P<all>{LEVELS_ANY})|"
    rf"\bwhich\s+(?P<wh>{LEVELS_ANY})|(?P<are>{LEVELS_ANY})\s+(?:are there|does it have|of (?:the )?plan)", re.I)
# A count asked of every one of a level: "each goal", 「目標ごと」, 「それぞれの目標」, 「各目標」.
EACH = re.compile(rf"\b(?:each|every|per)\s+(?P<level>{LEVELS_EN})|(?P<ja>{LEVELS_JA})\s*(?:ごと|毎)|(?:それぞれの|各)\s*"
                  rf"(?P<ja2>{LEVELS_JA})", re.I)
# A level narrowed to a topic: "initiatives about AI", "AIに関する取組".
ABOUT = (r"(?:about|on|relat(?:e|es|ed|ing) to|regarding|concerning|involv(?:e|es|ing)|deal(?:s|ing)? with|"
         r"cover(?:s|ing)?|mention(?:s|ing)?)")
ON_A_TOPIC = re.compile(rf"{LEVELS_ANY}\s+(?:are\s+|is\s+|that\s+|which\s+)?{ABOUT}\s+\w|"
                        rf"(?:に関する|に関係する|についての|関連の|関係の|関係する|関連する)\s*{LEVELS_JA}", re.I)
# How many of the level below an entity has: "have two initiatives", "取組が2つある", "2つの取組を持つ".
NUMBER_WORDS = {"one": 1, "a single": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                "九": 9, "十": 10}
_COUNT = rf"\d{{1,2}}|{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))}"
HAVING_COUNT = re.compile(
    rf"(?:ha(?:ve|s)|with|contain(?:s|ing)?|hold(?:s|ing)?)\s+(?:exactly\s+|only\s+|just\s+)?(?P<n>{_COUNT})\s+"
    rf"(?P<en>{LEVELS_EN})|(?P<ja>{LEVELS_JA})\s*(?:が|を|の数が)?\s*(?P<n2>{_COUNT})\s*(?:つ|個|件)\s*"
    rf"(?:だけ)?\s*(?:ある|の|持つ|含む|しかない)|(?P<n3>{_COUNT})\s*(?:つ|個|件)の\s*(?P<ja2>{LEVELS_JA})\s*"
    rf"(?:が|を)\s*(?:ある|持つ|含む)", re.I)
CHILDREN_OF = re.compile(rf"(?:目標|施策)\s*\d+\s*(?:の|に|には)\s*(?:ある|含まれる)?\s*(?P<ja>{LEVELS_JA})\s*(?:は|を)?\s*[?？]?$")
CUES: dict[Ask, re.Pattern[str]] = {
    # "一番多い", and with what is counted between ("一番取組が多い").
    Ask.MOST: re.compile(r"(一番|いちばん|最も|もっとも)[^、。？?\s]{0,6}?多|最多|most|largest|biggest|greatest", re.I),
    Ask.FEWEST: re.compile(r"(一番|いちばん|最も|もっとも)[^、。？?\s]{0,6}?少な|最少|fewest|least|smallest", re.I),
    Ask.COMPARE: re.compile(r"どちら|どっち|比べ|比較|違い|違う|差は|差が|多い|少ない|\bmore\b|\bfewer\b|\bvs\.?\b|"
                            r"compare|difference", re.I),
    Ask.NUMBER: re.compile(r"何番|番号|which number|what number|number is|which (?:goal|measure|initiative|施策|取組|目標) number|"
                           r"\b(?:goal|measure|initiative)(?:'s)? number\b",
                           re.I),
}


@dataclass(frozen=True)
class LevelMention:
    kind: EntityKind
    number: int | None


@dataclass(frozen=True)
class Structure:
    """A structure question: what it asks, the scopes it names, the levels it asks about."""

    ask: Ask
    scopes: tuple[EntityRef, ...]
    levels: tuple[EntityKind, ...]  # the levels listed or counted (取組 in 施策9の取組数)
    ranked: EntityKind | None = None  # for MOST / FEWEST / HAVING: the level ranked or listed (目標 in "which goal has the most …");
    # for COUNT: the level each of which is counted ("each goal")
    having: int = 0  # for HAVING: how many of `levels` each listed entity has


@dataclass(frozen=True)
class StructurePart:
    """A structural answer: its sentence, citations, and whether it states the plan's fact (False: a number
    the plan does not have)."""

    text: str
    citations: tuple[Citation, ...]
    stated: bool = True
    subject: EntityRef | None = None  # the one entity it names as the answer, which a follow-up is about


def _kind(word: str) -> EntityKind:
    word = word.lower()
    return next(kind for prefix, kind in KIND_OF_WORD if word.startswith(prefix))


def mentions(question: str) -> list[LevelMention]:
    """The plan level words of a question, in order, with their numbers where given."""
    return [LevelMention(_kind(match["level"]), int(match["number"]) if match["number"] else None)
            for match in LEVEL_WORD.finditer(question)]


def missing_numbers(question: str, registry: PlanRegistry) -> list[EntityRef]:
    """The numbered 目標 / 施策 / 取組 a question names that the plan does not have."""
    tables = _tables(registry)
    return [EntityRef(m.kind, m.number) for m in mentions(question)
            if m.number is not None and tables[m.kind] and m.number not in tables[m.kind]]


def _levels_by(pattern: re.Pattern[str], question: str) -> list[EntityKind]:
    """The levels named in the matches of `pattern` ("施策と取組はいくつ" → 施策, 取組)."""
    return list(dict.fromkeys(mention.kind for match in pattern.finditer(question)
                              for group in match.groupdict().values() if group for mention in mentions(group)))


def read_structure(question: str) -> Structure | None:
    """The structure a question asks about, or None when it asks none (a question about an entity's attributes)."""
    found = mentions(question)
    if not found:
        return None
    scopes = tuple(dict.fromkeys(EntityRef(m.kind, m.number) for m in found if m.number is not None))
    levels = list(dict.fromkeys(m.kind for m in found if m.number is None))
    below_scopes = [kind for kind in levels if all(is_below(kind, scope.kind) for scope in scopes)]
    if CUES[Ask.NUMBER].search(question) and levels and not scopes:
        return Structure(Ask.NUMBER, (), (levels[0],))
    having = HAVING_COUNT.search(question)
    if having:
        counted_kind = _kind(having["en"] or having["ja"] or having["ja2"])
        count = having["n"] or having["n2"] or having["n3"]
        listed_kinds = [kind for kind in levels if is_below(counted_kind, kind)]
        if listed_kinds and all(is_below(listed_kinds[0], scope.kind) for scope in scopes):
            return Structure(Ask.HAVING, scopes, (counted_kind,), listed_kinds[0],
                             having=int(count) if count.isdigit() else NUMBER_WORDS[count.lower()])
    most, fewest = CUES[Ask.MOST].search(question), CUES[Ask.FEWEST].search(question)
    same_level = [scope for scope in scopes if scope.kind == scopes[0].kind] if scopes else []
    if len(same_level) >= 2 and CUES[Ask.COMPARE].search(question):
        compared = [kind for kind in levels if is_below(kind, same_level[0].kind)] or [_below(same_level[0].kind)]
        if compared[0] is not None:
            return Structure(Ask.COMPARE, tuple(same_level), tuple(compared))
    if (most or fewest) and levels and not scopes:
        ranked_levels = sorted(levels, key=PLAN_LEVELS.index)
        counted = ranked_levels[1] if len(ranked_levels) > 1 else _below(ranked_levels[0])
        if counted is not None:
            return Structure(Ask.MOST if most else Ask.FEWEST, (), (counted,), ranked_levels[0])
    if not scopes and ON_A_TOPIC.search(question):
        return None  # "List all initiatives about AI": the ones on a topic (topics), not the plan's every one
    counted = [kind for kind in _levels_by(COUNT_OF, question) if kind in below_scopes]
    each = EACH.search(question)
    if counted and each and not scopes:  # "how many measures does each goal have": the count of every one
        per = _kind(each["level"] or each["ja"] or each["ja2"])
        if all(is_below(kind, per) for kind in counted):
            return Structure(Ask.COUNT, (), tuple(counted), ranked=per)
    if counted:
        return Structure(Ask.COUNT, scopes, tuple(counted))
    listed = [kind for kind in _levels_by(LIST_OF, question) + _levels_by(CHILDREN_OF, question) if kind in below_scopes]
    named_below = [kind for kind in _bare_levels(question) if kind in below_scopes]
    if listed:  # with the other levels named beside ("goal 3's measures and initiatives")
        return Structure(Ask.LIST, scopes, tuple(dict.fromkeys(listed + (named_below if scopes else []))))
    if scopes and named_below:  # "goal 2 measures?", "Measures in goal 2", "施策9の取組は": the members asked for
        return Structure(Ask.LIST, scopes, (named_below[0],))
    return None


def asked_level(question: str) -> tuple[EntityKind, bool] | None:
    """The one level a question lists or counts across the whole plan, with whether it counts, also when narrowed
    to a topic ("BPRが出てくる取組はいくつ", "initiatives about AI"); None when it names a scope or asks otherwise."""
    structure = read_structure(question)
    if structure is not None:
        if structure.ask in (Ask.LIST, Ask.COUNT) and not structure.scopes and len(structure.levels) == 1:
            return structure.levels[0], structure.ask == Ask.COUNT
        return None
    bare = _bare_levels(question)
    if bare and ON_A_TOPIC.search(question) and not any(m.number for m in mentions(question)):
        return bare[0], bool(COUNT_OF.search(question))
    return None


def members_part(members: list[EntityRef], level: EntityKind, counted: bool, words: str, index: OpenGeneration,
                 lang: str) -> StructurePart:
    """The entities of `level` whose titles use `words`, listed (and counted), cited by their overview rows."""
    listing = _listing(index.registry, members, lang)
    text = phrase(lang, "titled_count" if counted else "titled_list", words=words, level=phrase(lang, f"level_{level}"),
                  count=str(len(members)), listing=listing)
    return StructurePart(text, tuple(_unique(_member_citations(index, members))))


def _bare_levels(question: str) -> list[EntityKind]:
    """The unnumbered level words that stand as words, not inside a compound (取組内容, 施策体系 ask no level)."""
    return [_kind(match["level"]) for match in LEVEL_WORD.finditer(question)
            if match["number"] is None and not COMPOUND_NEXT.match(question, match.end())]


def answer_structure(structure: Structure, index: OpenGeneration, lang: str) -> StructurePart | None:
    """The registry's answer to a structure question, cited; None when the registry cannot answer it."""
    registry = index.registry
    if structure.ask == Ask.NUMBER:
        return None  # answered by the linker's title match (see facts), not by a level word alone
    if structure.ask in (Ask.MOST, Ask.FEWEST):
        return _superlative(structure, index, lang)
    if structure.ask == Ask.COMPARE:
        return _compare(structure, index, lang)
    if structure.ask == Ask.HAVING:
        return _having(structure, index, lang)
    lines: list[str] = []
    citations: list[Citation] = []
    scopes = structure.scopes or (_members(registry, None, structure.ranked) if structure.ranked else (None,))
    for scope in scopes:
        for level in structure.levels:
            members = _members(registry, scope, level)
            if not members:
                continue
            shown = _listing(registry, members, lang)
            key = "structure_list"
            if structure.ask == Ask.COUNT:  # a long list would bury the number asked for
                key = "structure_count" if len(members) <= MAX_LISTED_WITH_COUNT and not structure.ranked \
                    else "structure_count_only"  # each of a level counted: the numbers, not every member
            lines.append(phrase(lang, key, scope=_scope_name(registry, scope, lang), level=phrase(lang, f"level_{level}"),
                                count=str(len(members)), listing=shown))
            counted = _count_citations(index, scope, level, len(members)) if structure.ask == Ask.COUNT else []
            citations += counted or _member_citations(index, members + ([scope] if scope else []))
    if not lines:
        return None
    return StructurePart("\n".join(lines), tuple(_unique(citations)))


def nonexistent_part(missing: list[EntityRef], index: OpenGeneration, lang: str) -> StructurePart:
    """"The plan has no 施策20: its 施策 are 施策1–施策16." for each number the plan does not have."""
    tables = _tables(index.registry)
    lines = []
    for ref in missing:
        numbers = sorted(tables[ref.kind])
        lines.append(phrase(lang, "no_such_entity", name=numbered(ref.kind, ref.number), level=phrase(lang, f"level_{ref.kind}"),
                            first=numbered(ref.kind, numbers[0]), last=numbered(ref.kind, numbers[-1]),
                            count=str(len(numbers))))
    citations = _member_citations(index, [EntityRef(ref.kind, sorted(tables[ref.kind])[-1]) for ref in missing])
    return StructurePart("\n".join(lines), tuple(_unique(citations)), stated=False)


# -- superlatives and comparisons ------------------------------------------------------------

def _superlative(structure: Structure, index: OpenGeneration, lang: str) -> StructurePart | None:
    registry = index.registry
    assert structure.ranked is not None
    (level,) = structure.levels
    counts = {number: len(_members(registry, EntityRef(structure.ranked, number), level))
              for number in sorted(_tables(registry)[structure.ranked])}
    if not counts:
        return None
    extreme = max(counts.values()) if structure.ask == Ask.MOST else min(counts.values())
    winners = [EntityRef(structure.ranked, number) for number, count in counts.items() if count == extreme]
    names = _listing(registry, winners, lang)
    key = "structure_most" if structure.ask == Ask.MOST else "structure_fewest"
    text = phrase(lang, key, names=names, level=phrase(lang, f"level_{level}"), count=str(extreme))
    citations = [c for winner in winners for c in _count_citations(index, winner, level, extreme)
                 or _member_citations(index, [winner, *_members(registry, winner, level)])]
    return StructurePart(text, tuple(_unique(citations)), subject=winners[0] if len(winners) == 1 else None)


def _having(structure: Structure, index: OpenGeneration, lang: str) -> StructurePart | None:
    """The entities of the listed level (under the scope) that have exactly `having` of the level below."""
    registry = index.registry
    assert structure.ranked is not None
    (level,) = structure.levels
    scope = structure.scopes[0] if structure.scopes else None
    candidates = _members(registry, scope, structure.ranked)
    if not candidates:
        return None
    found = [ref for ref in candidates if len(_members(registry, ref, level)) == structure.having]
    key = "structure_having" if found else "structure_having_none"
    text = phrase(lang, key, scope=_scope_name(registry, scope, lang), listed=phrase(lang, f"level_{structure.ranked}"),
                  level=phrase(lang, f"level_{level}"), count=str(structure.having), listing=_listing(registry, found, lang),
                  total=str(len(found)))
    citations = [c for ref in (found or candidates) for c in _count_citations(index, ref, level, structure.having)
                 or _member_citations(index, [ref, *_members(registry, ref, level)])]
    return StructurePart(text, tuple(_unique(citations)))


def _compare(structure: Structure, index: OpenGeneration, lang: str) -> StructurePart | None:
    """The scopes compared on each level asked ("in terms of number of measures and initiatives")."""
    parts = [part for level in structure.levels if (part := _compare_level(structure.scopes, level, index, lang))]
    if not parts:
        return None
    return StructurePart(("" if lang == "ja" else " ").join(part.text for part in parts),
                         tuple(_unique([c for part in parts for c in part.citations])))


def _compare_level(scopes: tuple[EntityRef, ...], level: EntityKind, index: OpenGeneration,
                   lang: str) -> StructurePart | None:
    registry = index.registry
    counts = [(scope, len(_members(registry, scope, level))) for scope in scopes]
    if any(count == 0 for _, count in counts):
        return None
    noun = phrase(lang, f"level_{level}")
    each = ("、" if lang == "ja" else "; ").join(
        phrase(lang, "structure_each", name=_name(registry, scope), count=str(count), level=noun) for scope, count in counts)
    best = max(count for _, count in counts)
    leaders = [scope for scope, count in counts if count == best]
    if len(leaders) == len(counts):
        verdict = phrase(lang, "structure_same")
    else:
        low = min(count for _, count in counts)
        verdict = phrase(lang, "structure_more", name=_name(registry, leaders[0]), level=noun,
                         difference=str(best - low))
    citations = [c for scope, count in counts for c in _count_citations(index, scope, level, count)
                 or _member_citations(index, [scope, *_members(registry, scope, level)])]
    return StructurePart(f"{each}。{verdict}" if lang == "ja" else f"{each}. {verdict}", tuple(_unique(citations)))


# -- the registry as levels ------------------------------------------------------------------

def _tables(registry: PlanRegistry) -> dict[EntityKind, dict]:
    return {EntityKind.GOAL: registry.goals, EntityKind.MEASURE: registry.measures,
            EntityKind.INITIATIVE: registry.initiatives}


def _below(kind: EntityKind) -> EntityKind | None:
    position = PLAN_LEVELS.index(kind)
    return PLAN_LEVELS[position + 1] if position + 1 < len(PLAN_LEVELS) else None


def is_below(lower: EntityKind, upper: EntityKind) -> bool:
    """Whether plan level `lower` is under `upper` (取組 under 施策 under 目標); other kinds are under none."""
    return lower in PLAN_LEVELS and upper in PLAN_LEVELS and PLAN_LEVELS.index(lower) > PLAN_LEVELS.index(upper)


def _members(registry: PlanRegistry, scope: EntityRef | None, level: EntityKind | None) -> list[EntityRef]:
    """The entities of `level` under `scope` (the whole plan when None), by number."""
    if level is None or (scope is not None and not is_below(level, scope.kind)):
        return []
    table = _tables(registry)[level]
    if scope is None:
        return [EntityRef(level, number) for number in sorted(table)]
    if scope.number not in _tables(registry)[scope.kind]:
        return []
    return [EntityRef(level, number) for number in sorted(table) if _parent(registry, EntityRef(level, number), scope.kind)
            == scope.number]


def _parent(registry: PlanRegistry, ref: EntityRef, kind: EntityKind) -> int | None:
    if ref.kind == EntityKind.INITIATIVE:
        initiative = registry.initiatives[ref.number]
        return initiative.measure if kind == EntityKind.MEASURE else initiative.goal
    if ref.kind == EntityKind.MEASURE and kind == EntityKind.GOAL:
        return registry.measures[ref.number].goal
    return None


def _name(registry: PlanRegistry, ref: EntityRef) -> str:
    if ref.kind == EntityKind.GOAL:
        return goal_name(registry.goals[ref.number])
    if ref.kind == EntityKind.MEASURE:
        return measure_name(registry.measures[ref.number])
    return initiative_name(registry.initiatives[ref.number])


def _listing(registry: PlanRegistry, refs: list[EntityRef], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(_name(registry, ref) for ref in refs)


def _count_citations(index: OpenGeneration, scope: EntityRef | None, level: EntityKind, count: int) -> list[Citation]:
    """The chunk that states a count itself: a 目標's row ("施策数:8、取組数:11"), a 施策's row (its 取組 listed),
    or for the whole plan the sentence that gives its totals ("3つの目標に16の施策と27の取組")."""
    registry, word = index.registry, numbered(level, 0)[:-1]
    if scope is None:
        for chunk_id in index.order:
            chunk = index.chunks[chunk_id]
            for stated in (f"{count}の{word}", f"{count}つの{word}"):
                if stated in chunk.text:
                    return [c for c in [cite(chunk, stated)] if c]
        return []
    if scope.kind == EntityKind.GOAL:
        return cite_fact(index, Fact.GOAL_ROW, scope.number, f"{word}数:{count}")
    if scope.kind == EntityKind.MEASURE and level == EntityKind.INITIATIVE:
        titles = [registry.initiatives[m.number].title for m in _members(registry, scope, level)]
        return cite_fact(index, Fact.MEASURE_ROW, scope.number, registry.measures[scope.number].title, *titles)
    return []


def _scope_name(registry: PlanRegistry, scope: EntityRef | None, lang: str) -> str:
    return phrase(lang, "structure_whole_plan") if scope is None else _name(registry, scope)


def _member_citations(index: OpenGeneration, members: list[EntityRef]) -> list[Citation]:
    """The rows that state each entity: a 施策's row for a 取組 or 施策; for a 目標, where its aim is stated and its row."""
    registry = index.registry
    citations: list[Citation] = []
    for ref in members:
        if ref.kind == EntityKind.GOAL:  # the section that states the 目標 with its aim, and its overview row
            goal = registry.goals[ref.number]
            citations += cite_fact(index, Fact.GOAL_DESCRIPTION, ref.number, goal.title)
            citations += cite_fact(index, Fact.GOAL_ROW, ref.number, goal.title)
        elif ref.kind == EntityKind.MEASURE:
            citations += cite_fact(index, Fact.MEASURE_ROW, ref.number, registry.measures[ref.number].title)
        else:
            initiative = registry.initiatives[ref.number]
            citations += cite_fact(index, Fact.MEASURE_ROW, initiative.measure, initiative.title)
    return citations


def _unique(citations: list[Citation]) -> list[Citation]:
    seen: dict[str, Citation] = {}
    for citation in citations:
        if citation.chunk_id in seen:
            merged = tuple(dict.fromkeys(seen[citation.chunk_id].highlights + citation.highlights))
            seen[citation.chunk_id] = replace(seen[citation.chunk_id], highlights=merged)
        else:
            seen[citation.chunk_id] = citation
    return list(seen.values())
