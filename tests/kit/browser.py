"""The browser the real-browser tests drive: one Chromium for the whole session, a fresh context per page.

Its fixtures are declared in ``tests/conftest.py``: pytest makes a session fixture once per module that
defines (or imports) it, and Playwright's sync API cannot run two browsers' loops in one thread, so every
browser test file shares these.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

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
