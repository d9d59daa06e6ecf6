"""axe-core over every tab of the real app: English and Korean, desktop and a 390 px phone, and dark mode.

No critical or serious WCAG 2 A/AA violation of the app's own may show. Violations inside gradio's own
markup, which no theme or app code can change, are listed in ``KNOWN_UPSTREAM`` by rule and by the markup
they sit on; nothing else is excluded. One browser, one page per language/viewport/mode: the test opens
each tab in turn (and each tab inside a tab), waits until its content is rendered and its events are done,
and runs axe on it (the page's header, settings and footer once per page).

axe comes from the PyPI package ``axe-playwright-python`` (its bundled ``axe.min.js``); the browser is the
system Chromium, as in tests/test_browser.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tabs import TAB_NAMES
from tests.test_browser import SCREENSHOTS_ENV, open_page, save_screenshot

#: WCAG 2.0, 2.1 and 2.2, levels A and AA, as axe tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
COUNTED_IMPACTS = {"critical", "serious"}
#: Violations in gradio's own components, by axe rule and a piece of the markup they are found on.
KNOWN_UPSTREAM = {
    # gradio's placeholder for an output with no value yet (Empty.svelte): a <div aria-label="Empty value">
    # with no role, where ARIA does not allow a label.
    "aria-prohibited-attr": ('aria-label="Empty value"',),
    # gr.Dataframe's virtual scroller (VirtualTable.svelte): a scrollable div that is not focusable itself.
    "scrollable-region-focusable": ('class="virtual-table-viewport',),
}
PHONE = {"width": 390, "height": 844}
#: The tab's events (e.g. the cache listing, the fine-tuning data check) finish before axe looks. The first scan
#: of a worker's app imports torch and loads tokenizers on its first events, while the other worker runs its
#: tests on the same two cores: generous, as it bounds only how long a real hang takes to be reported.
SETTLE_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class Violation:
    where: str
    rule: str
    impact: str
    html: str
    why: str

    def __str__(self) -> str:
        return f"[{self.where}] {self.rule} ({self.impact}): {self.html[:160]} → {self.why[:240]}"


def is_known_upstream(rule: str, html: str) -> bool:
    return any(mark in html for mark in KNOWN_UPSTREAM.get(rule, ()))


def counted(result: dict[str, Any], where: str) -> Iterator[Violation]:
    """The critical and serious violations of an axe result that are not gradio's known ones."""
    for violation in result["violations"]:
        if violation["impact"] not in COUNTED_IMPACTS:
            continue
        for node in violation["nodes"]:
            if is_known_upstream(violation["id"], node["html"]):
                continue
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            why = " / ".join(check.get("message", "") for check in checks) or node.get("failureSummary", "")
            yield Violation(where, violation["id"], violation["impact"], node["html"], why)


@pytest.fixture(scope="module")
def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def run_axe(page, *elements) -> dict[str, Any]:
    """axe on the whole page, or only on ``elements`` (element handles)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate(
        "([elements, options]) => axe.run(elements.length ? {include: elements} : document, options)",
        [list(elements), options],
    )


def tab_titles(wrapper) -> list[str]:
    """Every tab's title, in order: gradio keeps a hidden copy of the whole bar (shown or in "More tabs")."""
    return [title.strip() for title in wrapper.locator(".tab-container.visually-hidden button").all_inner_texts()]


def open_tab(wrapper, title: str) -> None:
    """Click a tab in this tab bar, or in its "More tabs" menu when the bar is full (a phone)."""
    button = wrapper.locator("[role=tablist]").first.get_by_role("tab", name=title, exact=True)
    if not button.is_visible():
        wrapper.get_by_role("button", name="More tabs").first.click()
        button = wrapper.locator(".overflow-dropdown").first.get_by_role("button", name=title, exact=True)
    button.click()
    # Selected (an overflow tab moves into the bar): from now on only its panel is shown.
    wrapper.locator("[role=tablist]").first.get_by_role("tab", name=title, exact=True, selected=True).wait_for()


def settle(page, panel, where: str) -> None:
    """The panel is shown and laid out, none of its outputs is still waiting for an event, and no text is
    still fading back in (gradio dims a pending Markdown to 20% and fades it back over 0.15 s)."""
    panel.locator(".block:visible").first.wait_for()
    try:
        _wait_until_idle(page, panel)
    except PlaywrightError as error:  # which tab, and what it was still waiting for
        pending = panel.locator("[data-testid=status-tracker]:not(.hide)").all_inner_texts()
        pytest.fail(f"{where}: still busy after {SETTLE_TIMEOUT_MS // 1000} s: {pending} ({error.message[:80]})")


def _wait_until_idle(page, panel) -> None:
    page.wait_for_function(
        """panel => ![...panel.querySelectorAll('[data-testid=status-tracker]')]
            .some(tracker => !tracker.classList.contains('hide'))
            && !panel.querySelector('.pending')
            && [...panel.querySelectorAll('[data-testid=markdown-wrapper]')]
                .every(text => getComputedStyle(text).opacity === '1')""",
        arg=panel.element_handle(),
        timeout=SETTLE_TIMEOUT_MS,
    )


def load(page, url: str, axe_script: str):
    """Open the app, wait for its tab bar, put axe in the page; the tab bar."""
    page.goto(url)
    bar = page.locator(".tab-wrapper").first
    bar.get_by_role("tab").first.wait_for()
    page.evaluate(axe_script)
    return bar


def scan_every_tab(page, url: str, axe_script: str) -> tuple[list[Violation], list[str]]:
    """The violations found, and the places scanned: the page, each tab, each tab inside a tab."""
    bar = load(page, url, axe_script)
    page.locator("button.label-wrap").first.click()  # the Settings accordion above the tabs: open it too
    # The page-load events done: a block mid-update is not what a student reads.
    settle(page, page.locator("body"), "page")
    found, scanned = list(counted(run_axe(page), "page")), ["page"]
    if found:  # on a busy machine a block can be caught mid-layout (a scrollable region for one frame): look again
        page.wait_for_timeout(1_000)
        found = list(counted(run_axe(page), "page"))
    for title in tab_titles(bar):
        open_tab(bar, title)
        panel = page.locator("[role=tabpanel][id^=tab-]:visible")  # a task's panel (app.name_tab_panels)
        settle(page, panel, title)
        found += counted(run_axe(page, panel.element_handle(), bar.element_handle()), title)
        scanned.append(title)
        inner = panel.locator(".tab-wrapper")
        for sub_title in tab_titles(inner.first)[1:] if inner.count() else []:
            open_tab(inner.first, sub_title)
            settle(page, panel, f"{title} › {sub_title}")
            found += counted(run_axe(page, panel.element_handle()), f"{title} › {sub_title}")
            scanned.append(f"{title} › {sub_title}")
    return found, scanned


#: Each of language, width and theme is varied once: English on a desktop in light mode, and Korean at a
#: phone's width in dark mode (the longer labels, the "More tabs" menu and the dark palette). The markup does
#: not depend on the theme, nor the colours on the language or width: their other pairings add scan time, not
#: different pages.
PAGES = [
    pytest.param("en", None, "", id="en-desktop"),
    pytest.param("ko", PHONE, "?__theme=dark", id="ko-390px-dark"),
]


@pytest.mark.parametrize(("language", "viewport", "query"), PAGES)
def test_no_serious_accessibility_violation_on_any_tab(language, viewport, query, app_url, browser, axe_script):  # noqa: F811
    context, page = open_page(browser, app_url, language)
    try:
        if viewport:
            page.set_viewport_size(viewport)
        started = time.perf_counter()
        found, scanned = scan_every_tab(page, f"{app_url}{query}", axe_script)
        print(
            f"axe over every tab ({language}, {viewport or 'desktop'}{query}): {time.perf_counter() - started:.1f} s"
        )
    finally:
        context.close()
    tabs = [place for place in scanned if place != "page" and " › " not in place]
    assert len(tabs) == len(TAB_NAMES) and any(" › " in place for place in scanned), scanned
    assert not found, f"{len(found)} accessibility violation(s):\n" + "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("rule", "html", "known"),
    [
        ("aria-prohibited-attr", '<div aria-label="Empty value" class="empty svelte-v95lt3 small">', True),
        ("scrollable-region-focusable", '<div role="none" class="virtual-table-viewport svelte-2balj6">', True),
        ("aria-prohibited-attr", '<span aria-label="Model">', False),
        ("color-contrast", '<div aria-label="Empty value" class="empty">', False),
        ("scrollable-region-focusable", '<div class="block padded">', False),
    ],
)
def test_only_gradios_own_markup_is_excused(rule, html, known):
    assert is_known_upstream(rule, html) is known


def test_published_screenshots_come_in_light_and_dark(app_url, browser, tmp_path, monkeypatch):  # noqa: F811
    """With PLAYGROUND_SCREENSHOTS set, the screenshot helper also saves the same page in dark mode."""
    from PIL import Image, ImageStat

    published = tmp_path / "published"
    monkeypatch.setenv(SCREENSHOTS_ENV, str(published))
    context, page = open_page(browser, app_url)
    try:
        page.goto(app_url)
        page.get_by_role("tab").first.wait_for()
        save_screenshot(page, tmp_path, "classify")
        assert not page.evaluate("document.body.classList.contains('dark')")  # the page is light again after
    finally:
        context.close()
    light, dark = (Image.open(published / name).convert("L") for name in ("classify.png", "classify.dark.png"))
    assert light.size[0] == dark.size[0]
    assert ImageStat.Stat(dark).mean[0] < ImageStat.Stat(light).mean[0] / 2
