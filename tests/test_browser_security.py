"""A hostile document in the corpus stays text in the browser: its HTML, script and Markdown tricks are
shown as written in the chat, the sources panel, the plan explorer and the consultation, and none of it
runs or becomes an element.

The corpus is the shipped plan plus a sheet for 取組13 (which the interim summary lacks) whose 取組内容
carries the tricks, so that questions about 取組13 answer from it and cite it. Headless Chromium drives a
real `taito-dx serve`. Screenshot: test-artifacts/browser/hostile.png (also hostile-explorer.png,
hostile-consult.png).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Iterator

import pytest

from browsing import ANSWER_TIMEOUT_MS, ARTIFACTS, BROWSER_MARKS, REPO, ask, chromium, opened
from serve_subprocess import Served, clean_env, served, taito_dx


IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
LINK = "[click](javascript:window.__pwned=3)"
BOLD = "**bold**"
IFRAME = '<iframe src="javascript:window.__pwned=4"></iframe>'
HOSTILE_LINE = f"業務の流れを見直し、デジタル技術を前提とした業務改革を進める {IMG} {SCRIPT} {LINK} {BOLD} {IFRAME}"
SHEET = f"""施策9 AI・デジタル技術による業務変革

取組13 BPRの推進

担当 情報政策課
行政改革推進課

取組内容 ■ {HOSTILE_LINE}

現状

紙と押印を前提とした業務手順 <svg onload="window.__pwned=5"></svg>

あるべき姿

デジタルを前提とした業務手順
"""
QUESTION = "取組13の取組内容は？"
PROBLEM = "業務手順が紙と押印を前提としている"

pytestmark = BROWSER_MARKS

# What the tricks would leave behind in the page had any of them been taken as markup.
DAMAGE = """() => {
    const isX = (el) => (el.getAttribute('src') || '').trim() === 'x';
    return {
        pwned: typeof window.__pwned,
        img_x: [...document.querySelectorAll('img')].filter(isX).length,
        iframes: document.querySelectorAll('iframe').length,
        svg_onload: document.querySelectorAll('svg[onload]').length,
        pwned_scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).length,
        js_links: [...document.querySelectorAll('a[href]')]
            .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
        bold: [...document.querySelectorAll('strong, b')].filter(e => e.textContent.trim() === 'bold').length,
        onerror: document.querySelectorAll('[onerror], [onload]').length,
    };
}"""
NO_DAMAGE = {"pwned": "undefined", "img_x": 0, "iframes": 0, "svg_onload": 0, "pwned_scripts": 0, "js_links": 0,
             "bold": 0, "onerror": 0}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shipped plan plus the hostile 取組13 sheet, ingested by the CLI and served."""
    work = tmp_path_factory.mktemp("browser-hostile")
    corpus = work / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "bpr-sheet.md").write_text(SHEET, encoding="utf-8")
    index_dir = work / "index"
    ingest = subprocess.run([*taito_dx(), "ingest", str(corpus), "--index-dir", str(index_dir)], env=clean_env(),
                            cwd=work, capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, f"taito-dx ingest failed:\n{ingest.stdout}\n{ingest.stderr}"
    with served(index_dir, work) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser, server: Served) -> Iterator[object]:
    with opened(browser, server.url) as page:
        yield page


def _shows_the_tricks_as_text(expect, region) -> None:
    for trick in (IMG, SCRIPT, LINK, BOLD, IFRAME):
        expect(region).to_contain_text(trick)
    assert region.locator("img, script, iframe, svg[onload], a[href^='javascript'], strong:text-is('bold')").count() == 0


def test_markup_in_a_document_is_shown_as_text_and_never_runs(page, server: Served) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    fetched_x: list[str] = []
    page.on("request", lambda request: fetched_x.append(request.url) if request.url.rstrip("/").endswith("/x") else None)

    # Chat: the answer quotes the sheet's 取組内容, and the sources panel cites the hostile document.
    ask(page, QUESTION)
    bot, sources = page.locator("#chatbot"), page.locator("#sources")
    expect(sources).to_contain_text("bpr-sheet.md", timeout=ANSWER_TIMEOUT_MS)
    expect(sources).to_contain_text("取組13")
    last_reply = bot.locator("[data-testid=bot]").last
    _shows_the_tricks_as_text(expect, last_reply)
    _shows_the_tricks_as_text(expect, sources)
    expect(last_reply.get_by_text("<img src=x", exact=False)).to_be_visible()
    expect(sources.get_by_text("<img src=x", exact=False).first).to_be_visible()
    expect(sources).to_contain_text('<svg onload="window.__pwned=5"></svg>')
    page.wait_for_timeout(500)  # time for any onerror/onload to have fired
    assert page.evaluate(DAMAGE) == NO_DAMAGE
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)

    # Plan explorer: 取組13's source text is the hostile sheet, shown as written.
    page.get_by_role("tab", name="計画の一覧 (Plan explorer)").click()
    page.locator("#plan-filter textarea, #plan-filter input").first.fill("BPRの推進")
    table = page.locator("#plan-table")
    expect(table.locator("[role=row] [role=gridcell][data-col='0']")).to_have_count(1)
    table.locator("[role=gridcell][data-col='0']", has_text="取組13").click()
    source = page.locator("#plan-source")
    expect(source).to_contain_text("行政改革推進課")
    _shows_the_tricks_as_text(expect, source)
    page.screenshot(path=str(ARTIFACTS / "hostile-explorer.png"), full_page=True)

    # Consultation: 取組13 is suggested with its 取組内容, shown as written.
    page.get_by_role("tab", name="BPR相談 (Consultation)").click()
    page.locator("#problem textarea").fill(PROBLEM)
    page.locator("#consult-button").click()
    result = page.locator("#consult-result")
    expect(result).to_contain_text("取組13「BPRの推進」", timeout=ANSWER_TIMEOUT_MS)
    _shows_the_tricks_as_text(expect, result)
    page.screenshot(path=str(ARTIFACTS / "hostile-consult.png"), full_page=True)

    page.wait_for_timeout(500)
    assert page.evaluate(DAMAGE) == NO_DAMAGE
    assert dialogs == [] and fetched_x == []

    # Control: this page does run an injected handler, so the checks above could have seen one.
    page.evaluate("""() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="window.__control=1">')""")
    page.wait_for_function("() => window.__control === 1", timeout=10_000)
    assert len(fetched_x) >= 1
