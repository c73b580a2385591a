"""A maintainer adds the full edition (全体版: a sheet for each of the 27 取組, in mixed layouts) beside the shipped
interim summary, and staff ask about the new sheets.

The editions in `tests/data/editions/` were written blind, by a helper who read only the plan text and the
issue's list of layouts, never the parser; `answers.jsonl` is their answer key and `README.md` says which
sheet uses which layout. They are copied here as written.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.ingest.load import load
from taito_dx.ingest.normalize import normalize
from taito_dx.ingest.pipeline import IngestReport, run
from taito_dx.ingest.structure import ParsedPlan, parse
from taito_dx.models import Answer
from taito_dx.registry import Plans
from taito_dx.settings import REPO_CORPUS, Settings

EDITIONS = Path(__file__).resolve().parent / "data" / "editions"
FULL_EDITION = EDITIONS / "full-edition.txt"
KEY: list[dict[str, Any]] = [json.loads(line) for line in (EDITIONS / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
SHEETS = [entry for entry in KEY if entry["kind"] == "initiative"]
INDICATORS = [entry for entry in KEY if entry["kind"] == "measure"]
# The full edition's sheets that the interim summary does not have (it has 取組1 and 取組12).
ADDED_SHEETS = [e for e in SHEETS if e["file"] == FULL_EDITION.name and e["number"] not in (1, 12)]
ADDED_INDICATORS = [e for e in INDICATORS if e["file"] == FULL_EDITION.name and e["number"] not in (1, 9)]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def label(entry: dict[str, Any]) -> str:
    return f"{entry['file']}:{'取組' if entry['kind'] == 'initiative' else '施策'}{entry['number']}"


def parsed(name: str) -> ParsedPlan:
    document = load(EDITIONS / name)
    return parse([(normalize(page.text), page.number) for page in document.pages])


@pytest.fixture(scope="module")
def combined(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestReport]:
    """An index of the shipped corpus with the full edition beside it."""
    settings = Settings.load(env={}, index_dir=tmp_path_factory.mktemp("with-full-edition"), corpus=(REPO_CORPUS,))
    return settings, run([REPO_CORPUS, FULL_EDITION], settings)


@pytest.fixture(scope="module")
def combined_assistant(combined: tuple[Settings, IngestReport]) -> Assistant:
    return Assistant(combined[0])


# -- every sheet and indicator read as the key says ------------------------------------------------------------

@pytest.mark.parametrize("entry", SHEETS, ids=label)
def test_every_sheet_of_the_blind_editions_is_read_as_the_key_says(entry: dict[str, Any]) -> None:
    plan = parsed(entry["file"])

    initiative = plan.initiatives[entry["number"]]
    assert initiative.has_sheet
    assert (initiative.title, initiative.measure) == (entry["title"], entry["measure"])
    assert list(initiative.owners) == entry["owners"]
    assert nfkc(entry["content_contains"]) in initiative.content
    assert nfkc(entry["current_contains"]) in initiative.current_state
    assert nfkc(entry["target_contains"]) in initiative.target_state
    assert plan.warnings == []


@pytest.mark.parametrize("entry", INDICATORS, ids=label)
def test_every_indicator_of_the_blind_editions_is_read_as_the_key_says(entry: dict[str, Any]) -> None:
    (indicator,) = parsed(entry["file"]).measures[entry["number"]].indicators

    assert indicator.name == entry["indicator"]
    assert (indicator.current, indicator.target) == (entry["current"] or "", entry["target"] or "")
    assert indicator.column_stated is entry["column_stated"]
    assert indicator.value == entry.get("single_value", "")


def test_the_blind_broken_sheet_is_reported_and_kept_as_text() -> None:
    plan = parsed("broken-sheet.txt")

    assert not any(initiative.has_sheet for initiative in plan.initiatives.values())
    assert any("RPAで自動化" in unit.text and unit.initiative == 14 for unit in plan.units)
    assert plan.warnings == ["the sheet of 取組14 (施策9) has no field label (担当、取組内容、現状、あるべき姿) "
                             "that could be read: indexed as text only"]


# -- the full edition beside the shipped corpus ------------------------------------------------------------------

def test_the_full_edition_ingests_beside_the_interim_summary_with_every_sheet_recognised(
        combined: tuple[Settings, IngestReport]) -> None:
    settings, report = combined
    from taito_dx.index.directory import IndexDir

    shipped = len([path for path in REPO_CORPUS.iterdir() if path.is_file()])  # the plan and the DX tools guide
    assert (report.errors, report.warnings, report.documents) == ([], [], shipped + 1)
    plans = Plans.load(IndexDir(settings.index_dir).current().registry_file)  # type: ignore[union-attr]
    assert list(plans.registries) == ["台東区DX推進計画"]  # the full edition is of the same plan: they merge
    registry = plans.registries["台東区DX推進計画"]
    assert sorted(number for number, i in registry.initiatives.items() if i.has_sheet) == list(range(1, 28))
    assert all(registry.measures[number].indicators for number in range(1, 17))


def assert_answered_from(answer: Answer, location: str, *facts: str, source: str = FULL_EDITION.name) -> None:
    """The answer states each fact and cites, first, the sheet or page at `location` of `source` stating them."""
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert (first.source, first.location.rsplit(" > ", 1)[-1]) == (source, location), answer.citations
    for fact in facts:
        assert nfkc(fact) in nfkc(answer.text), (fact, answer.text)
        assert nfkc(fact) in nfkc(first.text), (fact, first.text)


@pytest.mark.parametrize("entry", ADDED_SHEETS, ids=label)
def test_owner_content_and_states_of_an_added_sheet_are_answered_and_cited(combined_assistant: Assistant,
                                                                            entry: dict[str, Any]) -> None:
    number = entry["number"]
    where = f"取組{number}"

    assert_answered_from(combined_assistant.ask(f"取組{number}の担当は？"), where, *entry["owners"])
    assert_answered_from(combined_assistant.ask(f"取組{number}の取組内容は？"), where, entry["content_contains"])
    assert_answered_from(combined_assistant.ask(f"取組{number}の現状は？"), where, entry["current_contains"])
    assert_answered_from(combined_assistant.ask(f"取組{number}のあるべき姿は？"), where, entry["target_contains"])


def test_an_added_sheet_is_answered_in_english_by_its_title(combined_assistant: Assistant) -> None:
    answer = combined_assistant.ask("Who is in charge of the generative AI rollout (生成AIの利用拡大)?")

    assert_answered_from(answer, "取組15", "情報政策課", "人事課")
    assert "is owned by" in answer.text


@pytest.mark.parametrize("entry", ADDED_INDICATORS, ids=label)
def test_current_value_and_target_of_an_added_indicator_are_answered_and_cited(combined_assistant: Assistant,
                                                                              entry: dict[str, Any]) -> None:
    number = entry["number"]
    current = combined_assistant.ask(f"施策{number}の評価指標の現況値は？")
    target = combined_assistant.ask(f"施策{number}の評価指標の目標値は？")

    if entry["column_stated"]:
        assert_answered_from(current, f"施策{number}", entry["indicator"], entry["current"])
        assert_answered_from(target, f"施策{number}", entry["indicator"], entry["target"])
    else:  # 施策16: one figure, its column not stated
        assert current.abstained and "どちらの値かは資料に明記されていません" in target.text
        assert_answered_from(target, f"施策{number}", entry["indicator"], entry["single_value"])


# The interim summary's sheets (取組1, 取組12) and pages (施策1, 施策9), asked every way the answers differ.
INTERIM_QUESTIONS = [
    "取組1の担当課はどこですか？", "取組12の担当は？", "which section owns analog regulation review?",
    "取組1の取組内容は？", "取組12の現状は？", "取組12のあるべき姿は？", "What is the current state of 取組1?",
    "施策9の評価指標とその目標値を教えてください。", "行政手続きのオンライン手続き比率の目標値はいくつですか？",
    "取組12の評価指標の現況値は？", "Who owns 取組1, and what is the target value of its measure's indicator?",
]


@pytest.mark.parametrize("question", INTERIM_QUESTIONS)
def test_the_interim_summarys_sheets_answer_exactly_as_before(assistant: Assistant, combined_assistant: Assistant,
                                                             question: str) -> None:
    before, after = assistant.ask(question), combined_assistant.ask(question)

    assert (after.text, after.abstained) == (before.text, before.abstained)
    assert [c.to_dict() for c in after.citations] == [c.to_dict() for c in before.citations]
