"""End to end: `taito-dx serve` in a subprocess, driven in headless Chromium like a member of staff would.

Screenshots go to test-artifacts/browser/ (chat.png, explorer.png, consult.png) for a person to look at.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from browsing import ANSWER_TIMEOUT_MS, ARTIFACTS, BROWSER_MARKS, ask, chromium, opened, wait_for_reply
from serve_subprocess import clean_env, served, taito_dx

QUESTION = "which section owns analog regulation review?"
PROBLEM = "窓口で紙の申請を手入力している"

pytestmark = BROWSER_MARKS


@dataclass(frozen=True)
class Server:
    url: str
    index_dir: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`taito-dx ingest` then `taito-dx serve` on a free port; always terminated afterwards."""
    work = tmp_path_factory.mktemp("browser")
    index_dir = work / "index"
    ingest = subprocess.run(taito_dx() + ["ingest", "--index-dir", str(index_dir)], env=clean_env(), cwd=work,
                            capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, f"taito-dx ingest failed:\n{ingest.stdout}\n{ingest.stderr}"
    with served(index_dir, work) as running:
        yield Server(running.url, index_dir)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:
    with opened(browser, server.url, accept_downloads=True) as page:
        yield page


def test_staff_member_asks_explores_consults_and_keeps_the_record(page) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # First screen: example questions are offered.
    expect(page.locator("#chatbot")).to_contain_text("取組12の担当はどこですか？")

    # Chat: the answer names both owners; the sources panel cites 取組12 with its evidence.
    ask(page, QUESTION)
    sources = page.locator("#sources")
    expect(sources).to_contain_text("取組12", timeout=ANSWER_TIMEOUT_MS)
    expect(sources).to_contain_text("情報政策課")
    expect(sources).to_contain_text("総務課")
    expect(sources).to_contain_text("第2章 > 目標2 > 施策9 > 取組12")
    expect(sources.locator("mark").first).to_be_visible()
    bot = page.locator("#chatbot")
    expect(bot).to_contain_text("情報政策課")
    expect(bot).to_contain_text("総務課")
    expect(bot).to_contain_text("[1]")
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)

    # Explorer: all 27 取組, 取組12 with its owners, its source text on selection.
    page.get_by_role("tab", name="計画の一覧 (Plan explorer)").click()
    expect(page.locator("#plan-count")).to_contain_text("取組 27")
    expect(page.locator("#plan-count")).to_contain_text("27 件")
    table = page.locator("#plan-table")
    expect(table).to_contain_text("アナログ規制の点検・見直し")
    expect(table).to_contain_text("情報政策課、総務課")
    first_cells = table.locator("[role=row] [role=gridcell][data-col='0']")
    expect(first_cells).to_have_count(27)
    assert [text.strip() for text in first_cells.all_inner_texts()] == [f"取組{n}" for n in range(1, 28)]
    table.locator("[role=gridcell][data-col='0']", has_text=re.compile(r"^\s*取組12\s*$")).click()
    source = page.locator("#plan-source")
    expect(source).to_contain_text("担当 情報政策課")
    expect(source).to_contain_text("総務課")
    page.screenshot(path=str(ARTIFACTS / "explorer.png"), full_page=True)

    # Consultation: a work problem gives initiatives with owners; the record downloads as Markdown.
    page.get_by_role("tab", name="BPR相談 (Consultation)").click()
    page.locator("#problem textarea").fill(PROBLEM)
    page.locator("#consult-button").click()
    result = page.locator("#consult-result")
    expect(result).to_contain_text("取組1「行政手続きのオンライン化」", timeout=ANSWER_TIMEOUT_MS)
    expect(result).to_contain_text("情報政策課")
    download_button = page.locator("#consult-download")
    expect(download_button).to_be_enabled()
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    saved = ARTIFACTS / "session-record.md"
    download.save_as(str(saved))
    record = saved.read_text(encoding="utf-8")
    assert QUESTION in record
    assert PROBLEM in record
    assert "情報政策課" in record
    assert "第2章 > 目標2 > 施策9 > 取組12" in record
    page.screenshot(path=str(ARTIFACTS / "consult.png"), full_page=True)


def test_examples_abstention_feedback_markup_and_refusals(page, server: Server) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bot = page.locator("#chatbot")
    sources = page.locator("#sources")

    # An example question on the first screen asks itself when clicked.
    bot.get_by_text("計画期間は？", exact=True).click()
    wait_for_reply(page, 0)
    expect(sources).to_contain_text("計画期間", timeout=ANSWER_TIMEOUT_MS)
    expect(sources).to_contain_text("[1]")

    # Something the plan does not say is marked as such.
    ask(page, "区長の名前は？")
    expect(bot).to_contain_text("計画に記載なし", timeout=ANSWER_TIMEOUT_MS)
    expect(bot).to_contain_text("計画には記載がありません")
    expect(sources.locator(".abstain-note")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "abstention.png"), full_page=True)

    # Thumbs up on that answer lands in the feedback log.
    bot.get_by_role("button", name="いいね", exact=True).last.click()
    log = server.index_dir / "feedback.jsonl"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and "区長の名前は？" not in (log.read_text(encoding="utf-8") if log.exists() else ""):
        time.sleep(0.2)
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["rating"] == "up" and records[-1]["question"] == "区長の名前は？"

    # Markup typed into a question is shown as text, never rendered.
    ask(page, "<img src=x onerror=alert(1)><b>計画期間</b>は？ **強調**")
    expect(bot).to_contain_text("<img src=x onerror=alert(1)><b>計画期間</b>は？ **強調**")
    expect(sources).to_contain_text("[1]", timeout=ANSWER_TIMEOUT_MS)
    assert bot.locator("img[src='x']").count() == 0
    assert bot.locator("b", has_text="計画期間").count() == 0
    assert bot.locator("strong", has_text="強調").count() == 0

    # An over-long question gets a polite refusal under the box, where it stays; the page keeps working.
    box = page.locator("#question textarea")
    box.fill("あ" * 2100)
    box.press("Enter")
    expect(page.locator("#question-note")).to_contain_text("質問が長すぎます", timeout=ANSWER_TIMEOUT_MS)
    expect(box).to_have_value("あ" * 2100)
    page.screenshot(path=str(ARTIFACTS / "refusal.png"), full_page=True)
    ask(page, "取組12の担当はどこですか？")
    expect(bot).to_contain_text("情報政策課、総務課", timeout=ANSWER_TIMEOUT_MS)
