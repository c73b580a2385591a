"""Structure questions at every level of the plan: lists, counts, rankings, comparisons, numbers, and numbers
the plan does not have — read from the question's level words, answered from the registry, cited."""

from __future__ import annotations

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.assistant.plan_structure import Ask, read_structure
from taito_dx.models import EntityKind, EntityRef

GOAL, MEASURE, INITIATIVE = EntityKind.GOAL, EntityKind.MEASURE, EntityKind.INITIATIVE


@pytest.mark.parametrize("question, ask, scopes, levels", [
    ("施策12の取組を全部あげて", Ask.LIST, [(MEASURE, 12)], [INITIATIVE]),
    ("Name every initiative in goal 1.", Ask.LIST, [(GOAL, 1)], [INITIATIVE]),
    ("目標3の施策を一覧にして", Ask.LIST, [(GOAL, 3)], [MEASURE]),
    ("施策5にはいくつ取組がある？", Ask.COUNT, [(MEASURE, 5)], [INITIATIVE]),
    ("施策5の取組はいくつ？", Ask.COUNT, [(MEASURE, 5)], [INITIATIVE]),
    ("How many measures and initiatives are under goal 2?", Ask.COUNT, [(GOAL, 2)], [MEASURE, INITIATIVE]),
    ("目標2と目標3、施策が多いのはどっち？", Ask.COMPARE, [(GOAL, 2), (GOAL, 3)], [MEASURE]),
    ("Which goal has the most initiatives?", Ask.MOST, [], [INITIATIVE]),
    ("取組が一番少ない施策は？", Ask.FEWEST, [], [INITIATIVE]),
    ("いちばん取組が多い目標は？", Ask.MOST, [], [INITIATIVE]),  # in kana, with what is counted between
    ("目標２の施策ぜんぶ教えて", Ask.LIST, [(GOAL, 2)], [MEASURE]),
    ("Tell me the measures of goal 3", Ask.LIST, [(GOAL, 3)], [MEASURE]),
])
def test_structure_is_read_from_the_level_words(question: str, ask: Ask, scopes: list, levels: list) -> None:
    structure = read_structure(question)
    assert structure is not None and structure.ask == ask
    assert list(structure.scopes) == [EntityRef(kind, number) for kind, number in scopes]
    assert list(structure.levels) == levels


@pytest.mark.parametrize("question", ["施策9の評価指標は？", "取組12はどの施策に属する？", "目標値はいくつ？",
                                      "How many hours of work a year does the plan aim to cut?"])
def test_questions_about_attributes_ask_no_structure(question: str) -> None:
    assert read_structure(question) is None


def cited(answer, *facts: str) -> bool:
    return all(any(fact in citation.text for citation in answer.citations) for fact in facts)


def test_a_measures_initiatives_are_listed_and_cited(assistant: Assistant) -> None:
    answer = assistant.ask("What initiatives does measure 15 have? List them.")
    assert "DX推進会議等の実施" in answer.text and "BPR相談会等によるDX推進支援強化" in answer.text
    assert cited(answer, "DX推進会議等の実施", "BPR相談会等によるDX推進支援強化") and not answer.abstained


def test_a_goals_count_is_the_one_its_row_states(assistant: Assistant) -> None:
    answer = assistant.ask("目標3の取組数は？")
    assert "5件" in answer.text and cited(answer, "取組数:5")


def test_rankings_name_every_entity_that_ties(assistant: Assistant) -> None:
    answer = assistant.ask("Which goal has the largest number of initiatives?")
    assert "目標1" in answer.text and "目標2" in answer.text and "11" in answer.text
    assert cited(answer, "取組数:11")


def test_two_scopes_are_compared_with_the_difference(assistant: Assistant) -> None:
    answer = assistant.ask("施策9と施策14、取組が多いのはどちら？")
    assert "7件" in answer.text and "2件" in answer.text and "5件多く" in answer.text


def test_a_title_gets_its_number_and_place(assistant: Assistant) -> None:
    answer = assistant.ask("「保活情報連携基盤の活用」は何番の取組？")
    assert answer.text.startswith("取組6「保活情報連携基盤の活用」は施策4")


@pytest.mark.parametrize("question, shown", [
    ("施策20の担当は？", "計画に施策20はありません（施策は施策1〜施策16の16件です）。"),
    ("what is initiative 40?", "The plan has no 取組40: its initiatives (取組) run from 取組1 to 取組27 (27 in all)."),
])
def test_a_number_the_plan_does_not_have_is_said_with_the_valid_range(assistant: Assistant, question: str,
                                                                       shown: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained and shown in answer.text
    assert answer.citations  # the table row of the last one there is


@pytest.mark.parametrize(("question", "listed", "not_listed"), [
    ("Which measures under goal 1 have two initiatives?", ["施策1", "施策4", "施策5"], ["施策2", "施策14"]),
    ("目標3で取組が1つだけの施策は？", ["施策16"], ["施策14", "施策15"]),
    ("2つの取組を持つ施策を教えて", ["施策1", "施策4", "施策5", "施策14", "施策15"], ["施策9"]),
    ("Which goals have five measures?", ["目標2"], ["目標1", "目標3"]),
])
def test_entities_with_a_given_number_below_them_are_listed_and_cited(assistant: Assistant, question: str,
                                                                     listed: list[str], not_listed: list[str]) -> None:
    answer = assistant.ask(question)

    assert all(f"{name}「" in answer.text for name in listed), answer.text
    assert not any(f"{name}「" in answer.text for name in not_listed), answer.text
    assert answer.citations and not answer.abstained


def test_no_entity_with_the_number_asked_is_said_plainly(assistant: Assistant) -> None:
    answer = assistant.ask("目標2で取組が2つある施策はどれ？")

    assert "取組が2件のものはありません" in answer.text and answer.citations, answer.text
