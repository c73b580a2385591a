"""Several plans in one corpus: a maintainer puts another plan of the ward (its own 目標1 / 施策1 / 取組1, its own
sheets) beside the shipped one, and staff ask about both.

`tests/data/editions/other-plan.txt` (台東区窓口改革計画) was written blind, by a helper who read only the plan's
structure and the issue's list of layouts; `answers.jsonl` is its answer key.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.assistant.consult import consult
from taito_dx.evals.questions import load_questions
from taito_dx.index.directory import IndexDir
from taito_dx.ingest.pipeline import run
from taito_dx.models import Turn
from taito_dx.plan_names import plan_name
from taito_dx.settings import REPO_CORPUS, Settings

EDITIONS = Path(__file__).resolve().parent / "data" / "editions"
OTHER_PLAN = EDITIONS / "other-plan.txt"
KEY = [json.loads(line) for line in (EDITIONS / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
OTHER = [entry for entry in KEY if entry["file"] == OTHER_PLAN.name]
SHIPPED, OTHER_NAME = "台東区DX推進計画", "台東区窓口改革計画"
DEV = Path(__file__).resolve().parent.parent / "evals" / "dev.jsonl"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An Assistant over the shipped corpus with the other plan's document beside it."""
    settings = Settings.load(env={}, index_dir=tmp_path_factory.mktemp("two-plans"), corpus=(REPO_CORPUS,))
    report = run([REPO_CORPUS, OTHER_PLAN], settings)
    assert report.errors == [] and report.warnings == []
    return Assistant(settings)


@pytest.mark.parametrize(("title", "name"), [
    ("(仮称) 台東区DX推進計画 中間のまとめについて", SHIPPED),
    ("(仮称)台東区DX推進計画", SHIPPED),
    ("（仮称）台東区ＤＸ推進計画　全体版（案）", SHIPPED),
    (OTHER_NAME, OTHER_NAME),
    ("第３次台東区情報化推進プラン（概要版）", "第3次台東区情報化推進プラン"),
    ("お知らせ", ""),
])
def test_a_documents_title_names_its_plan_without_edition_words(title: str, name: str) -> None:
    assert plan_name(title) == name


def test_each_plans_registry_is_kept_apart(two_plans: Assistant) -> None:
    plans = IndexDir(two_plans.settings.index_dir).require_current().plans()

    assert plans.names() == [SHIPPED, OTHER_NAME]
    shipped, other = plans.registries[SHIPPED], plans.registries[OTHER_NAME]
    assert (len(shipped.goals), len(shipped.measures), len(shipped.initiatives)) == (3, 16, 27)
    assert (len(other.goals), len(other.measures), len(other.initiatives)) == (2, 3, 4)
    assert set(shipped.initiatives[1].owners) == {"情報政策課", "各課"}  # its 取組1 sheet is not displaced
    assert set(other.initiatives[1].owners) == {"区民課", "情報システム課"}


def test_every_dev_question_answers_exactly_as_without_the_other_plan(assistant: Assistant,
                                                                      two_plans: Assistant) -> None:
    differing = []
    for question in load_questions(DEV):
        before, after = assistant.ask(question.question), two_plans.ask(question.question)
        if (after.text, after.abstained, [c.to_dict() for c in after.citations]) != (
                before.text, before.abstained, [c.to_dict() for c in before.citations]):
            differing.append((question.id, question.question, before.text, after.text))
    assert differing == []


@pytest.mark.parametrize("entry", [e for e in OTHER if e["kind"] == "initiative"], ids=lambda e: f"取組{e['number']}")
def test_the_other_plans_owners_are_answered_from_it_and_cited_with_its_name(two_plans: Assistant,
                                                                              entry: dict[str, Any]) -> None:
    answer = two_plans.ask(f"{entry['title']}の担当は？")

    assert all(owner in answer.text for owner in entry["owners"]), answer.text
    assert answer.citations and all(c.source == OTHER_PLAN.name and c.plan == OTHER_NAME for c in answer.citations)
    assert all(owner in answer.citations[0].text for owner in entry["owners"])
    assert answer.citations[0].place.startswith(f"{OTHER_NAME} > ")


@pytest.mark.parametrize("entry", [e for e in OTHER if e["kind"] == "measure"], ids=lambda e: f"施策{e['number']}")
def test_the_other_plans_indicators_are_answered_from_it(two_plans: Assistant, entry: dict[str, Any]) -> None:
    target = two_plans.ask(f"{entry['indicator']}の目標値は？")
    current = two_plans.ask(f"{entry['indicator']}の現況は？")

    assert nfkc(entry["target"]) in nfkc(target.text), target.text
    assert nfkc(entry["current"]) in nfkc(current.text), current.text
    assert all(c.plan == OTHER_NAME for c in target.citations + current.citations)


def test_a_list_of_the_other_plan_is_answered_when_the_question_names_the_plan(two_plans: Assistant) -> None:
    answer = two_plans.ask("窓口改革計画の取組を全部あげて")

    titles = [e["title"] for e in OTHER if e["kind"] == "initiative"]
    assert all(title in answer.text for title in titles), answer.text
    assert "行政手続きのオンライン化" not in answer.text
    shipped = two_plans.ask("台東区DX推進計画の取組はいくつ？")
    assert "27" in shipped.text and all(c.plan == SHIPPED for c in shipped.citations)


def test_an_english_question_finds_the_other_plan_by_the_words_of_its_initiatives(two_plans: Assistant) -> None:
    answer = two_plans.ask("Who is in charge of the cashless payment of counter fees?")

    assert "会計管理室" in answer.text and answer.citations[0].plan == OTHER_NAME, answer.text


def test_a_question_naming_no_plan_is_about_the_main_plan(two_plans: Assistant) -> None:
    answer = two_plans.ask("取組1の担当は？")

    assert "情報政策課" in answer.text and answer.citations[0].plan == SHIPPED


def test_a_follow_up_stays_in_the_plan_of_the_answer_it_follows(two_plans: Assistant) -> None:
    first = two_plans.ask("書かない窓口の導入の担当は？")
    follow_up = two_plans.ask("その現状は？", [Turn("書かない窓口の導入の担当は？", first)])

    assert first.plan == follow_up.plan == OTHER_NAME
    assert "複数の申請書に同じ内容" in follow_up.text, follow_up.text


def test_a_question_naming_two_plans_at_once_is_asked_back(two_plans: Assistant) -> None:
    answer = two_plans.ask("台東区DX推進計画と台東区窓口改革計画の取組1の担当は？")

    assert answer.abstained and OTHER_NAME in answer.text and SHIPPED in answer.text
    assert "情報政策課" not in answer.text and "区民課" not in answer.text


def test_a_consultation_suggests_the_main_plans_initiatives_as_before(assistant: Assistant,
                                                                      two_plans: Assistant) -> None:
    problem = "紙の申請書をスキャンして手で入力し直している"
    before, after = consult(assistant.search, problem), consult(two_plans.search, problem)

    assert [s.initiative.title for s in after.suggestions] == [s.initiative.title for s in before.suggestions]
    assert after.suggestions
