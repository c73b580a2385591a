"""A running assistant picks up a new index without a restart, and keeps answering while one is written.

The chat server is started once and left running; a maintainer re-ingests a new edition of the
plan beside it. The same `Assistant` object must answer from the new generation as soon as
CURRENT switches (the reader re-opens when CURRENT changes), and every question asked while the
ingest runs in another process must get a whole answer, from the old generation or the new one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taito_dx.ingest.pipeline import run
from taito_dx.errors import NoIndexError
from taito_dx.index.directory import IndexDir
from taito_dx.settings import REPO_CORPUS, Settings

PLAN = REPO_CORPUS / "taito-dx-plan-interim-summary.txt"
OLD_OWNERS = ("情報政策課", "総務課")
NEW_OWNER = "DX推進課"
RUN_TIMEOUT = 240
MAX_ASKS = 300
LOOP_SECONDS = 120.0

# A second document carrying 取組13's sheet, which the interim summary lacks.
BPR_SHEET = """施策9 AI・デジタル技術による業務変革

取組13 BPRの推進

担当 情報政策課
行政改革推進課

取組内容 ■ 業務の流れを見直し、デジタル技術を前提とした業務改革を進める

現状

紙と押印を前提とした業務手順

あるべき姿

デジタルを前提とした業務手順
"""


def taito_dx() -> list[str]:
    script = Path(sys.executable).with_name("taito-dx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]


def new_edition(corpus: Path) -> None:
    """The plan with 取組12 handed to another section."""
    plan = corpus / "plan.txt"
    text = plan.read_text(encoding="utf-8")
    assert "担当 情報政策課\n総務課" in text
    plan.write_text(text.replace("担当 情報政策課\n総務課", f"担当 {NEW_OWNER}"), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(PLAN, folder / "plan.txt")
    return folder


def test_same_assistant_answers_from_the_new_generation(corpus: Path, settings: Settings) -> None:
    from taito_dx.assistant.assistant import Assistant

    assistant = Assistant(settings)  # started before there is any index, as `serve` may be
    with pytest.raises(NoIndexError, match="taito-dx ingest"):
        assistant.ask("取組12の担当はどこですか？")

    first = run([corpus], settings)
    answer = assistant.ask("取組12の担当はどこですか？")
    assert all(owner in answer.text for owner in OLD_OWNERS), answer.text
    assert "担当を記したシートは資料にありません" in assistant.ask("取組13の担当は？").text

    new_edition(corpus)
    (corpus / "bpr-sheet.txt").write_text(BPR_SHEET, encoding="utf-8")
    second = run([corpus], settings)
    assert second.generation != first.generation
    assert IndexDir(settings.index_dir).require_current().name == second.generation

    answer = assistant.ask("取組12の担当はどこですか？")
    assert NEW_OWNER in answer.text and "総務課" not in answer.text, answer.text
    answer = assistant.ask("取組13の担当は？")
    assert "行政改革推進課" in answer.text, answer.text
    assert any(citation.source == "bpr-sheet.txt" for citation in answer.citations)
    assert assistant.search.view.current().generation.name == second.generation


@pytest.mark.slow
def test_assistant_keeps_answering_while_another_process_ingests(corpus: Path, settings: Settings) -> None:
    from taito_dx.assistant.assistant import Assistant

    run([corpus], settings)
    assistant = Assistant(settings)
    assert all(owner in assistant.ask("取組12の担当はどこですか？").text for owner in OLD_OWNERS)

    new_edition(corpus)
    log = settings.index_dir.parent / "ingest.log"
    with log.open("w") as out:
        ingest = subprocess.Popen([*taito_dx(), "ingest", str(corpus), "--index-dir", str(settings.index_dir)],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=settings.index_dir.parent)
    seen: list[str] = []
    started = time.monotonic()
    try:
        while ingest.poll() is None and len(seen) < MAX_ASKS and time.monotonic() - started < LOOP_SECONDS:
            answer = assistant.ask("取組12の担当はどこですか？")
            if all(owner in answer.text for owner in OLD_OWNERS):
                seen.append("old")
            elif NEW_OWNER in answer.text:
                seen.append("new")
            else:
                pytest.fail(f"answer from neither generation: {answer.text}")
            other = assistant.ask("取組1の担当は？")  # untouched by the new edition
            assert "情報政策課" in other.text and "各課" in other.text, other.text
            time.sleep(0.05)  # leave the CPU to the ingest
        assert ingest.wait(RUN_TIMEOUT) == 0, log.read_text()
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait(RUN_TIMEOUT)
    assert seen and seen[0] == "old", seen
    if "new" in seen:  # once switched, never back to the old one
        assert "old" not in seen[seen.index("new"):], seen
    answer = assistant.ask("取組12の担当はどこですか？")
    assert NEW_OWNER in answer.text, answer.text
    print(f"{len(seen)} rounds of 2 questions in {time.monotonic() - started:.1f}s while ingesting: "
          f"{seen.count('old')} old, {seen.count('new')} new")
