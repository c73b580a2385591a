"""Topic questions: what the plan has on a topic is the 施策 (with their 取組) on it, cited by the overview table."""

from __future__ import annotations

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.assistant.topics import topic_of


@pytest.mark.parametrize("question, topic", [
    ("What does the plan say about remote work?", "remote work"),
    ("子育てに関する取組はある？", "子育て"),
    ("健康づくりについて計画では何か触れてる？", "健康づくり"),
    ("Is there anything in the plan on accessibility?", "accessibility"),
])
def test_the_topic_is_what_the_question_asks_about(question: str, topic: str) -> None:
    assert topic_of(question) == topic


@pytest.mark.parametrize("question", ["取組12の担当は？", "計画期間は？", "How many goals are there?",
                                      "Which population issues does the background mention?"])
def test_other_questions_ask_no_topic(question: str) -> None:
    assert topic_of(question) is None


def test_a_topic_gets_its_measures_and_their_initiatives_cited(assistant: Assistant) -> None:
    answer = assistant.ask("健康づくりについて計画では何か触れてる？")
    assert not answer.abstained
    assert "施策5「健康・福祉分野のデジタル支援」: 取組7「デジタルを活用した区民の健康増進」" in answer.text
    assert any("【取組7】デジタルを活用した区民の健康増進" in citation.text for citation in answer.citations)


def test_every_measure_whose_title_names_the_topic_is_listed(assistant: Assistant) -> None:
    answer = assistant.ask("Does the plan cover BPR?")
    assert "取組13「BPRの推進」" in answer.text and "取組26「BPR相談会等によるDX推進支援強化」" in answer.text


def test_a_topic_the_documents_never_name_in_the_plans_words_is_not_stated(assistant: Assistant) -> None:
    answer = assistant.ask("Does the plan cover tourism?")  # 観光: no chunk uses it
    assert answer.abstained and not answer.citations  # and no passage is pointed to as if it were about it
    assert not assistant.ask("Is there anything about people with disabilities?").abstained  # 障害, in 障害者
    assert not assistant.ask("What does the plan say about remote work?").abstained  # the glossary reads no word


@pytest.mark.parametrize("question", ["List all initiatives about AI.", "AIに関する取組を全部教えて"])
def test_a_level_narrowed_to_a_topic_lists_the_ones_on_it_not_every_one(assistant: Assistant, question: str) -> None:
    text = assistant.ask(question).text
    assert "取組15「生成AIの利用拡大」" in text and "取組16「AIの活用」" in text
    assert "取組1「行政手続きのオンライン化」" not in text  # not the plan's every 取組
