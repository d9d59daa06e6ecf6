"""The browser the real-browser tests drive: one Chromium for the whole session, a fresh context per page,
or one page kept open between the tests of a worker that only select a tab and run it (``shared_page``).

Its fixtures are declared in ``tests/conftest.py``: pytest makes a session fixture once per module that
defines (or imports) it, and Playwright's sync API cannot run two browsers' loops in one thread, so every
browser test file shares these.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need it. "
            "Run `sh tests/install_browser.sh` (installs Debian's chromium with CJK and emoji fonts), "
            "or set PLAYGROUND_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def open_page(browser, url: str, language: str = "en"):
    """A fresh browser context (its own locale, clipboard allowed) with one page."""
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    context.set_default_timeout(30_000)
    return context, context.new_page()


@pytest.fixture
def page_for(browser) -> Iterator[Callable]:
    contexts = []

    def make(url: str, language: str = "en"):
        context, page = open_page(browser, url, language)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


#: What ``shared_page`` keeps between tests: (url, language) -> (context, page).
SharedPages = dict[tuple[str, str], tuple[Any, Any]]


@pytest.fixture(scope="session")
def shared_pages(browser) -> Iterator[SharedPages]:
    pages: SharedPages = {}
    yield pages
    for context, _ in pages.values():
        context.close()


@pytest.fixture
def shared_page(browser, shared_pages: SharedPages, request) -> Iterator[Callable]:
    """The app already open at ``url`` in ``language``, kept between the tests of this worker.

    Opening the app is most of a browser test's time (gradio's page builds every tab's components before the
    first shows), so tests that only select their own tab and run it share one page. A test that fails leaves
    its page in an unknown state: that page is closed and the next test opens a fresh one.
    """
    used: list[tuple[str, str]] = []

    def get(url: str, language: str = "en"):
        key = (url, language)
        if key not in shared_pages:
            context, page = open_page(browser, url, language)
            page.goto(url)
            shared_pages[key] = (context, page)
        used.append(key)
        return shared_pages[key][1]

    yield get
    report = getattr(request.node, "rep_call", None)
    for key in dict.fromkeys(used):
        context, page = shared_pages[key]
        if report is None or report.failed or not settled(page):
            shared_pages.pop(key)
            context.close()


def settled(page) -> bool:
    """Close the test's pop-ups; whether the page is ready for the next test (no pop-up stays open)."""
    try:
        for button in page.get_by_test_id("toast-close").all():
            if button.is_visible():
                button.click(timeout=5_000)
        page.locator(".toast-body").first.wait_for(state="detached", timeout=10_000)
        return True
    except Exception:  # noqa: BLE001 (any doubt: the next test gets a fresh page)
        return page.locator(".toast-body").count() == 0
