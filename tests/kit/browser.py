"""The browser the real-browser tests drive: one Chromium for the whole session (per pytest worker).

``page_for`` gives each test fresh pages in one browser context per language, kept for the session: the
app's scripts and styles stay in that context's cache, so a page opens faster than in a new context (most
of a browser test's time is opening the page). What a test leaves behind in the context (cookies, local
and session storage) is cleared when its pages close. ``open_page`` still makes a context of its own,
for a test that needs one.

Its fixtures are declared in ``tests/conftest.py``: pytest makes a session fixture once per module that
defines (or imports) it, and Playwright's sync API cannot run two browsers' loops in one thread, so every
browser test file shares these.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

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


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def new_context(browser, url: str, language: str = "en"):
    """A browser context with the language's locale, the desktop viewport, the clipboard allowed for ``url``."""
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin_of(url))
    context.set_default_timeout(30_000)
    return context


def open_page(browser, url: str, language: str = "en"):
    """A fresh browser context (its own locale, clipboard allowed) with one page."""
    context = new_context(browser, url, language)
    return context, context.new_page()


class SharedContexts:
    """One context per language for the whole session; clipboard rights granted per origin as pages ask."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts: dict[str, object] = {}
        self.origins: dict[str, set[str]] = {}

    def new_page(self, url: str, language: str = "en"):
        context = self.contexts.get(language)
        if context is None:
            context = self.contexts[language] = new_context(self.browser, url, language)
            self.origins[language] = {origin_of(url)}
        elif origin_of(url) not in self.origins[language]:
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin_of(url))
            self.origins[language].add(origin_of(url))
        return context.new_page()

    def release(self, page) -> None:
        """Close a test's page and clear what it stored in its context; a context that cannot be cleared
        (its page crashed, say) is closed, and the next page of that language gets a new one."""
        from playwright.sync_api import Error as PlaywrightError

        context = page.context
        try:
            if page.url.startswith("http"):
                page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            context.clear_cookies()
            page.close()
        except PlaywrightError:
            language = next(lang for lang, known in self.contexts.items() if known is context)
            del self.contexts[language], self.origins[language]
            context.close()

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@pytest.fixture(scope="session")
def browser_contexts(browser) -> Iterator[SharedContexts]:
    contexts = SharedContexts(browser)
    yield contexts
    contexts.close()


@pytest.fixture
def page_for(browser_contexts) -> Iterator[Callable]:
    """``page_for(url, language="en")``: a new page (not yet at ``url``) in the session's context for the language."""
    pages = []

    def make(url: str, language: str = "en"):
        page = browser_contexts.new_page(url, language)
        pages.append(page)
        return page

    yield make
    for page in pages:
        browser_contexts.release(page)
