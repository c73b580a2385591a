"""Headless Chromium (Debian's, driven by Playwright) for the end-to-end tests, and how they ask a question."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT_MS = 60_000

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (scripts/dev-setup installs it)"),
]

ANSWERED = """(before) => {
    const replies = document.querySelectorAll('#chatbot [data-testid=bot]').length;
    const status = document.querySelector('#chatbot [data-testid=status-tracker]');
    return replies > before && (!status || status.classList.contains('hide'));
}"""


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def opened(browser, url: str, **context_options: object) -> Iterator[object]:
    """A fresh browser context with the app loaded and its question box ready."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ja-JP", **context_options)
    page = context.new_page()
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(url)
    page.locator("#question textarea").wait_for()
    try:
        yield page
    finally:
        context.close()


def replies(page) -> int:
    return page.locator("#chatbot [data-testid=bot]").count()


def wait_for_reply(page, before: int) -> None:
    """Until the assistant has replied once more and the reply has finished streaming."""
    page.wait_for_function(ANSWERED, arg=before, timeout=ANSWER_TIMEOUT_MS)


def ask(page, question: str) -> None:
    """Type a question, press Enter, and wait for the whole answer."""
    before = replies(page)
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    wait_for_reply(page, before)
