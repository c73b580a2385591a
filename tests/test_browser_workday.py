"""A working day in the chat UI, in headless Chromium against a real `taito-dx serve` (TZ=Asia/Tokyo):
every answer's sources a click away, one vote per answer with a comment for 👎, refused questions kept
in the box, a work problem typed into the chat consulted, the explorer's source beside the table, the consultation tab's examples and labels, a new
consultation, and one record per browser session.

Screenshots (test-artifacts/browser/): answer-sources.png, feedback.png, input.png, explorer-beside.png,
consult-tab.png, chat-consultation.png, new-session.png, two-sessions-a.png / -b.png.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from browsing import ANSWER_TIMEOUT_MS, ARTIFACTS, BROWSER_MARKS, ask, chromium, opened, replies
from serve_subprocess import Served, clean_env, served, taito_dx

pytestmark = BROWSER_MARKS

TITLE = "(仮称)台東区DX推進計画 アシスタント"


@pytest.fixture(scope="module")
def server(corpus_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`taito-dx serve` on a copy of the corpus index (its feedback log is this module's own), in Tokyo time."""
    import shutil

    work = tmp_path_factory.mktemp("workday")
    index_dir = work / "index"
    shutil.copytree(corpus_settings.index_dir, index_dir, ignore=shutil.ignore_patterns("ui-cache", "feedback.jsonl*"))
    with served(index_dir, work, env={"TZ": "Asia/Tokyo"}) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser, server: Served) -> Iterator[object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with opened(browser, server.url, accept_downloads=True) as page:
        yield page


def _index_dir(server: Served) -> Path:
    return Path(server.process.args[server.process.args.index("--index-dir") + 1])


def _download(page, button: str, saved: Path) -> str:
    """The record the button offers, saved as `saved`; its file name is on the first line of what is returned."""
    with page.expect_download() as download_info:
        page.locator(button).click()
    download_info.value.save_as(str(saved))
    return download_info.value.suggested_filename + "\n" + saved.read_text(encoding="utf-8")


def test_clicking_an_earlier_answer_or_its_citation_shows_that_answers_sources(page) -> None:
    from playwright.sync_api import expect

    bot = page.locator("#chatbot [data-testid=bot]")
    sources = page.locator("#sources")
    ask(page, "取組12の担当はどこですか？")
    ask(page, "計画期間は？")
    expect(sources).to_contain_text("回答2の出典")
    expect(sources).to_contain_text("計画期間")
    expect(sources).not_to_contain_text("取組12")

    bot.first.get_by_text(re.compile(r"\[1\]")).click()  # the first answer's [1]
    expect(sources).to_contain_text("回答1の出典")
    expect(sources).to_contain_text("第2章 > 目標2 > 施策9 > 取組12")
    expect(sources.locator("mark").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "answer-sources.png"), full_page=True)

    bot.nth(1).click()  # the second answer, anywhere in it
    expect(sources).to_contain_text("回答2の出典")
    expect(sources).not_to_contain_text("取組12")


def test_one_vote_per_answer_acknowledged_kept_and_a_comment_for_thumbs_down(page, server: Served) -> None:
    from playwright.sync_api import expect

    log = _index_dir(server) / "feedback.jsonl"
    before = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
    note = page.locator("#feedback-note")
    ask(page, "取組1の担当は？")
    ask(page, "区長の名前は？")
    bot = page.locator("#chatbot [data-testid=bot]")
    bot.first.hover()
    page.locator("#chatbot").get_by_role("button", name="いいね", exact=True).first.click()
    expect(note).to_contain_text("回答1への 👍 を記録しました")
    expect(page.locator("#chatbot").get_by_role("button", name="Liked")).to_have_count(1)

    ask(page, "計画期間は？")  # a new answer arrives: the vote on answer 1 stays shown, and is not logged again
    expect(page.locator("#chatbot").get_by_role("button", name="Liked")).to_have_count(1)

    dislike = page.locator("#chatbot").get_by_role("button", name=re.compile("よくない|Dislike|低評価"))
    dislike.nth(1).click()  # on answer 2
    expect(note).to_contain_text("回答2への 👎 を記録しました")
    comment = page.locator("#feedback-comment textarea")
    expect(comment).to_be_visible()
    comment.fill("区長の名前も載せてほしい")
    comment.press("Enter")
    expect(note).to_contain_text("回答2へのコメントを記録しました")
    expect(comment).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "feedback.png"), full_page=True)

    deadline = time.monotonic() + 15
    records: list[dict] = []
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()][before:]
        if len(records) == 2 and records[-1].get("comment"):
            break
        time.sleep(0.2)
    assert [(r["question"], r["rating"], r.get("comment")) for r in records] == [
        ("取組1の担当は？", "up", None), ("区長の名前は？", "down", "区長の名前も載せてほしい")]

    shown = subprocess.run([*taito_dx(), "feedback", "--index-dir", str(_index_dir(server))], env=clean_env(),
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "    comment: 区長の名前も載せてほしい" in shown.stdout


def test_a_refused_question_stays_in_the_box_and_empty_or_double_submits_add_nothing(page) -> None:
    from playwright.sync_api import expect

    box = page.locator("#question textarea")
    note = page.locator("#question-note")
    expect(note).to_contain_text("2,000文字まで")
    too_long = "窓口の申請について" + "あ" * 2100
    box.fill(too_long)
    box.press("Enter")
    expect(note).to_contain_text("質問が長すぎます")
    expect(box).to_have_value(too_long)
    page.screenshot(path=str(ARTIFACTS / "input.png"), full_page=True)
    chat = page.locator("#chatbot")
    assert chat.locator("[data-testid=user]").count() == 0 and replies(page) == 0

    box.fill("")
    box.press("Enter")
    page.locator("#ask").click()
    page.wait_for_timeout(1500)
    assert chat.locator("[data-testid=bot]").count() == 0, "an empty submit put a message in the conversation"

    box.fill("取組12の担当はどこですか？")
    page.locator("#ask").dblclick()
    expect(chat.locator("[data-testid=bot]")).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    box.press("Enter")  # the box is empty again: Enter asks nothing
    page.wait_for_timeout(1500)
    expect(chat.locator("[data-testid=user]")).to_have_count(1)
    expect(chat).not_to_contain_text("質問を入力してください")
    expect(note).not_to_contain_text("質問が長すぎます")


def test_the_explorer_shows_the_selected_rows_source_beside_the_table_with_filter_and_legend(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="計画の一覧 (Plan explorer)").click()
    expect(page.locator("#plan-legend")).to_contain_text("「—」は計画に記載がないことを示します")
    table = page.locator("#plan-table")
    last = table.locator("[role=gridcell][data-col='0']", has_text=re.compile(r"^\s*取組27\s*$"))
    last.scroll_into_view_if_needed()
    last.click()
    source = page.locator("#plan-source")
    expect(source).to_contain_text("取組27")
    expect(source.locator(".src-item").first).to_be_in_viewport()
    table_box, source_box = table.bounding_box(), source.bounding_box()
    assert source_box["x"] >= table_box["x"] + table_box["width"] - 1, (table_box, source_box)  # beside it
    page.screenshot(path=str(ARTIFACTS / "explorer-beside.png"))

    page.locator("#plan-filter textarea, #plan-filter input").first.fill("RPA")
    expect(page.locator("#plan-count")).to_contain_text("1 件")
    expect(table.locator("[role=gridcell][data-col='0']")).to_have_count(1)


def test_the_consultation_tab_runs_its_examples_says_what_it_needs_and_what_it_downloads(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="BPR相談 (Consultation)").click()
    page.locator("#consult-button").click()
    result = page.locator("#consult-result")
    expect(result).to_contain_text("相談内容（業務上の課題）を入力してください")
    page.locator("#consult-examples").get_by_text("ファイル共有にUSBメモリを使っている").click()
    expect(result).to_contain_text("取組18「オンラインストレージサービスの活用」", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#problem textarea")).to_have_value("ファイル共有にUSBメモリを使っている")
    download = page.locator("#consult-download")
    expect(download).to_contain_text("このセッションの質問・相談・回答・出典")
    expect(download).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "consult-tab.png"), full_page=True)
    record = _download(page, "#consult-download", ARTIFACTS / "consult-tab-record.md")
    assert "ファイル共有にUSBメモリを使っている" in record and "取組18" in record


def test_a_work_problem_typed_into_the_chat_gets_the_consultation_with_why(page) -> None:
    from playwright.sync_api import expect

    problem = "ファイル共有にUSBメモリを使っていて、紛失が心配です"
    ask(page, problem)
    reply = page.locator("#chatbot [data-testid=bot]").last
    expect(reply).to_contain_text("この課題に関係する計画の取組", timeout=ANSWER_TIMEOUT_MS)
    expect(reply).to_contain_text("取組18「オンラインストレージサービスの活用」")
    expect(reply).to_contain_text("理由 [")
    sources = page.locator("#sources")
    expect(sources).to_contain_text("回答1の出典")
    expect(sources.locator("mark").first).to_be_visible()
    ask(page, "取組12の担当はどこですか？")  # a question is still answered as one
    expect(page.locator("#chatbot [data-testid=bot]").last).to_contain_text("情報政策課")
    page.screenshot(path=str(ARTIFACTS / "chat-consultation.png"), full_page=True)
    record = _download(page, "#chat-download", ARTIFACTS / "chat-consultation.md")
    assert "BPR相談 (Consultation)" in record and problem in record and "取組18" in record


def test_a_new_consultation_starts_a_fresh_record_without_reloading(page) -> None:
    from playwright.sync_api import expect

    ask(page, "取組12の担当はどこですか？")
    first = _download(page, "#chat-download", ARTIFACTS / "before-new-session.md")
    page.locator("#new-session").click()
    expect(page.locator("#chatbot [data-testid=bot]")).to_have_count(0)
    expect(page.locator("#chat-download")).to_be_disabled()
    ask(page, "計画期間は？")
    second = _download(page, "#chat-download", ARTIFACTS / "after-new-session.md")
    page.screenshot(path=str(ARTIFACTS / "new-session.png"), full_page=True)
    assert "取組12の担当はどこですか？" in first and "取組12の担当はどこですか？" not in second
    assert "計画期間は？" in second and "- 件数 (exchanges): 1" in second
    assert first.splitlines()[0] != second.splitlines()[0]  # another record, under another name


def test_two_browser_sessions_at_once_keep_two_records_in_local_time(browser, server: Served) -> None:
    from playwright.sync_api import expect

    with opened(browser, server.url, accept_downloads=True) as first, \
            opened(browser, server.url, accept_downloads=True) as second:
        time.sleep(1.1)  # the second session opens a second later: its record starts later
        second.reload()
        second.locator("#question textarea").wait_for()
        ask(first, "取組12の担当はどこですか？")
        ask(second, "計画期間は？")
        ask(first, "施策9の評価指標は？")
        expect(first.locator("#chat-download")).to_be_enabled()
        a = _download(first, "#chat-download", ARTIFACTS / "two-sessions-a.md")
        b = _download(second, "#chat-download", ARTIFACTS / "two-sessions-b.md")
        first.screenshot(path=str(ARTIFACTS / "two-sessions-a.png"), full_page=True)
        second.screenshot(path=str(ARTIFACTS / "two-sessions-b.png"), full_page=True)
    assert "取組12の担当はどこですか？" in a and "施策9の評価指標は？" in a and "計画期間は？" not in a
    assert "計画期間は？" in b and "取組12" not in b.split("## 1.")[1].split("**回答")[0]
    assert "- 件数 (exchanges): 2" in a and "- 件数 (exchanges): 1" in b
    started = [re.search(r"- 開始 \(started\): (.+)", text)[1] for text in (a, b)]
    assert started[0] != started[1] and a.splitlines()[0] != b.splitlines()[0]
    assert all(stamp.endswith("+09:00 (JST)") for stamp in started), started  # the server's zone, offset shown


def test_the_login_page_names_the_application(browser, corpus_settings, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with served(corpus_settings.index_dir, tmp_path, "--auth", "staff:s3cret-pass") as guarded:
        context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="ja-JP")
        try:
            page = context.new_page()
            page.goto(guarded.url)
            expect(page.get_by_text(TITLE).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            expect(page.get_by_text("ユーザー名とパスワードでログインしてください")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)
            assert "情報政策課" not in page.content()  # nothing of the plan before login
        finally:
            context.close()


def test_an_llm_answer_streams_into_the_page_token_by_token(browser, assistant, corpus_settings,
                                                            tmp_path: Path) -> None:
    """The wiring only: LangChain's fake chat model stands in for the LLM (no endpoint is reachable here), each
    of its words a little apart, in a real Gradio app in the browser."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from playwright.sync_api import expect

    from serve_subprocess import free_port
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.assistant.ui.app import build_app, launch

    class SlowFakeChatModel(GenericFakeChatModel):
        def _stream(self, *args, **kwargs):
            for chunk in super()._stream(*args, **kwargs):
                time.sleep(0.08)
                yield chunk

    reply = "The plan says 取組12 is owned by 情報政策課 and 総務課, who review analog regulations [1]."
    llm = Assistant(assistant.settings, chat=SlowFakeChatModel(messages=iter([reply])), search=assistant.search)
    settings = corpus_settings.with_(index_dir=tmp_path)
    app = build_app(llm, settings)
    _, url, _ = launch(app, settings, server_port=free_port(), prevent_thread_lock=True)
    try:
        with opened(browser, url) as page:
            box = page.locator("#question textarea")
            box.fill("取組12の担当はどこですか？")
            box.press("Enter")
            answer = page.locator("#chatbot [data-testid=bot]").last
            seen: list[str] = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (not seen or seen[-1] != reply):
                if answer.count():
                    text = answer.inner_text().strip()
                    if text and (not seen or text != seen[-1]):
                        seen.append(text)
                        if len(seen) == 3:
                            page.screenshot(path=str(ARTIFACTS / "llm-stream.png"), full_page=True)
                page.wait_for_timeout(30)
            expect(page.locator("#sources")).to_contain_text("取組12")
    finally:
        app.close()
    assert seen[-1] == reply, seen
    assert len(seen) >= 4 and all(reply.startswith(text) for text in seen), seen  # growing, word by word
