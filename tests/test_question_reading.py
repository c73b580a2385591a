"""How questions are read before they are answered, and what the answers then hold: ordinals and number words of
the plan's levels, kana label words, contractions and misspelt cue words; levels narrowed by their titles' words;
two-part questions; questions no plan answers (a view, an outside comparison, a school, a procedure, a contact).
Real index, real embedder."""

from __future__ import annotations

import re

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.assistant.intent import analyse, normalize_question
from taito_dx.models import Answer


@pytest.mark.parametrize(("typed", "read"), [
    ("What is the point of the first measure?", "What is the point of measure 1?"),
    ("the 3rd goal", "goal 3"),
    ("2つ目の目標の施策", "目標2の施策"),
    ("第3の目標", "目標3"),
    ("list measures under goal one", "list measures under goal 1"),
    ("give me the initiatives of measure 5 and 6", "give me the initiatives of measure 5 and measure 6"),
    ("施策5と6の取組", "施策5と施策6の取組"),
    ("施策5と6件", "施策5と6件"),  # a count, not a second 施策
    ("取組12 げんじょうとあるべき姿", "取組12 現状とあるべき姿"),
    ("What's the timeframe?", "What is the timeframe?"),
    ("Which initatives involve AI?", "Which initiatives involve AI?"),
    ("how ofen does it meet?", "how often does it meet?"),
    ("initiation", "initiation"),  # a word of its own, not a misspelt level
])
def test_a_question_is_read_as_meant(typed: str, read: str) -> None:
    assert normalize_question(typed) == read


@pytest.mark.parametrize(("question", "kind"), [
    ("情報政策課の電話番号は？", "contact"),
    ("What does the plan do for older people who can't use smartphones?", None),  # smartphones asks no phone
    ("Which schools will pilot initiative 20?", "school"),
    ("パブリックコメントはどうやって提出すればいい？", "procedure"),
    ("目標3はどうやって全庁のDXを加速する？", None),  # how, not a procedure to follow
    ("How many hours of work will be cut?", "hours"),
    ("企画総務委員会への報告は何月何日？", "day"),
    ("パブリックコメントの意見数は？", "count"),
    ("施策数は？", None),  # the plan's structure, counted by the registry
])
def test_the_kind_of_value_asked_is_read_from_how_it_is_asked(question: str, kind: str | None) -> None:
    found = analyse(question).value_kind
    assert (found.name if found else None) == kind


def numbers(answer: Answer, level: str) -> list[int]:
    return sorted({int(n) for n in re.findall(rf"{level}(\d+)「", answer.text)})


def test_a_level_narrowed_by_a_word_lists_the_titles_that_name_it(assistant: Assistant) -> None:
    answer = assistant.ask("AI関係の取組ってどれ？")
    assert numbers(answer, "取組") == [14, 15, 16]  # not the other 取組 of 施策9
    counted = assistant.ask("How many initiatives mention BPR?")
    assert numbers(counted, "取組") == [13, 26] and counted.text.startswith("2 initiatives")
    assert all(c.location.startswith("第2章 > 施策の体系") for c in counted.citations)  # the overview rows state them


def test_an_english_topic_is_narrowed_in_the_plans_words(assistant: Assistant) -> None:
    answer = assistant.ask("Which initiatives relate to schools or education?")
    assert numbers(answer, "取組") == [9, 20]  # 取組9 through its 施策「…教育による…」


def test_a_level_under_a_title_named_scope_lists_its_members(assistant: Assistant) -> None:
    answer = assistant.ask("健康・福祉分野のデジタル支援にはどんな取組がありますか")
    assert numbers(answer, "取組") == [7, 8] and answer.text.startswith("施策5")


@pytest.mark.parametrize(("question", "measures"), [
    ("goal 2 measures?", [9, 10, 11, 12, 13]),
    ("Which measures belong to goal 2?", [9, 10, 11, 12, 13]),
    ("Measures in goal 3", [14, 15, 16]),
    ("list the measures under goal two", [9, 10, 11, 12, 13]),
])
def test_a_scope_with_a_bare_level_word_lists_its_members(assistant: Assistant, question: str,
                                                          measures: list[int]) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained and numbers(answer, "施策") == measures


def test_each_of_a_level_is_counted(assistant: Assistant) -> None:
    answer = assistant.ask("目標ごとの施策数は？")
    assert answer.text.splitlines()[:3] == [
        "目標1「便利で快適な行政サービスの提供」の施策は8件です。",
        "目標2「デジタル技術の徹底活用による業務の効率化・省力化」の施策は5件です。",
        "目標3「DX推進体制の強化・組織風土の醸成」の施策は3件です。[1][2][3]"]


def test_two_levels_of_one_scope_and_two_scopes_of_one_level(assistant: Assistant) -> None:
    both = assistant.ask("What are goal 3's measures and initiatives?")
    assert numbers(both, "施策") == [14, 15, 16] and numbers(both, "取組") == [23, 24, 25, 26, 27]
    pair = assistant.ask("give me the initiatives of measure 5 and 6")
    assert numbers(pair, "取組") == [7, 8, 9]
    compared = assistant.ask("目標1と目標3の施策数と取組数を比べて")
    assert all(f"{n}件" in compared.text for n in (8, 3, 11, 5))


def test_two_questions_are_answered_each_and_which_one_is_the_level_first_named(assistant: Assistant) -> None:
    answer = assistant.ask("Which initiative deals with online storage, and which one with no-code tools?")
    assert numbers(answer, "取組") == [17, 18]
    sentences = assistant.ask("施策数が一番少ない目標はどれ？取組はいくつ？")
    assert "目標3" in sentences.text and "取組は5件" in sentences.text  # the second asked of the first's answer


def test_a_second_part_the_plan_does_not_state_is_said_so(assistant: Assistant) -> None:
    answer = assistant.ask("Who owns initiative 1, and what is its budget?")
    assert not answer.abstained and "情報政策課" in answer.text and "The plan does not say" in answer.text
    only = assistant.ask("Which goal has the most initiatives, and how many does it have?")
    assert "11" in only.text and "does not say" not in only.text  # the second asks what the first gave


@pytest.mark.parametrize("question", [
    "この計画、正直うまくいくと思う？",
    "Do you think the ward will hit its online procedure target?",
    "Is the 20% online procedure ratio considered ambitious compared to the national average?",
    "How does Taito's plan compare to what 墨田区 is doing?",
    "取組9の対象になる学校はどこですか？",
    "How do I submit a public comment?",
    "情報政策課の連絡先を教えて",
    "How many RPA scenarios does the city currently run?",
    "Does the plan say anything about cybersecurity?",
])
def test_what_no_plan_states_is_not_answered_with_a_nearby_passage(assistant: Assistant, question: str) -> None:
    assert assistant.ask(question).abstained


def test_a_passage_the_question_quotes_is_found(assistant: Assistant) -> None:
    answer = assistant.ask("国の自治体DX推進計画、何版を参照してる？")
    assert "第4.0版" in answer.text and answer.citations[0].location.endswith("1. 背景")


def test_an_initiative_without_a_sheet_is_said_what_it_is(assistant: Assistant) -> None:
    answer = assistant.ask("What is initiative 8 about?")
    assert not answer.abstained and "障害者支援アプリの活用" in answer.text and "施策5" in answer.text
    assert "not in the documents" in answer.text  # and that its sheet is missing
    assert assistant.ask("What specific activities are planned for the digital divide initiative?").abstained
