"""Which of the corpus's plans a question is about.

A ward's plans share their vocabulary and their numbering (each has its 目標1 and 取組1), so a
question is read against each plan's own words:
1. a plan the question names (its name, or its name without the ward's: 窓口改革計画) is the one;
2. else the plan whose own names (of its 目標, 施策, 取組 and 評価指標) hold more of the question's
   words than any other's (nouns: 書かない窓口 names a 窓口, not what is 書かれて), counting only words no other plan uses anywhere: "書かない窓口の担当は？" is
   about the plan with the 取組 書かない窓口の導入. Words of running text do not count: a question on
   a topic the main plan lacks but another plan mentions in passing stays with the main plan;
3. else the plan a follow-up continues, else the main plan (the one the assistant is deployed
   for, which states the most 取組);
and when two plans other than the main one fit equally, the question is asked back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration

WARD_PREFIX = "台東区"
MIN_NAME_CHARS = 4  # a shorter name without the ward's ("計画") names no plan


@dataclass(frozen=True)
class PlanChoice:
    """The plan to answer from, or the plans between which the question must be asked back."""

    plan: str
    ambiguous: tuple[str, ...] = ()


def own_name_words(index: OpenGeneration, tokenizer: JapaneseTokenizer) -> dict[str, frozenset[str]]:
    """Each plan's nouns that name its entities and that no other plan of the corpus uses, the main plan first."""
    names = index.plan_names
    words = {name: tokenizer.nouns("\n".join(_entity_names(index.view(name)))) for name in names}
    return {name: frozenset(word for word in words[name] if not any(
        index.view(other).keyword.document_share(word) > 0 for other in names if other != name)) for name in names}


def choose_plan(question: str, tokens: set[str], own_words: dict[str, frozenset[str]], follows: str = "") -> PlanChoice:
    """The plan `question` (with its keyword `tokens`) is about, given each plan's `own_name_words` (none given:
    only a plan's name counts); `follows`: the plan of the answer it follows up."""
    names = list(own_words)
    main = names[0]
    if len(names) < 2:
        return PlanChoice(main)
    text = unicodedata.normalize("NFKC", question)
    named = [name for name in names if any(form in text for form in _name_forms(name))]
    if len(named) == 1:
        return PlanChoice(named[0])
    if len(named) > 1:
        return PlanChoice(main, tuple(named))
    own = {name: len(tokens & own_words[name]) for name in names}
    best = max(own.values())
    fitting = [name for name in names if own[name] == best]
    if best == 0 or main in fitting:
        return PlanChoice(follows if best == 0 and follows in names else main)
    if len(fitting) == 1:
        return PlanChoice(fitting[0])
    return PlanChoice(main, tuple(fitting))


def _name_forms(name: str) -> list[str]:
    """How a question may name the plan: in full, or without the ward's name."""
    short = name.removeprefix(WARD_PREFIX)
    return [name] + ([short] if short != name and len(short) >= MIN_NAME_CHARS else [])


def _entity_names(index: OpenGeneration) -> list[str]:
    registry = index.registry
    measures = list(registry.measures.values())
    return ([index.plan] + [goal.title for goal in registry.goals.values()] + [m.title for m in measures]
            + [i.title for i in registry.initiatives.values()] + [ind.name for m in measures for ind in m.indicators])
