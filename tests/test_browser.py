"""The real app in a real browser: every tab opened, its first example run on a tiny offline model, the
result read from the page's raw-output panel, the labels checked in Korean, and a screenshot of each.

Playwright drives Debian's Chromium by path; a browser is never downloaded (no ``playwright install``).
On a fresh machine run ``sh tests/install_browser.sh`` first. Screenshots go to pytest's tmp dir
(``…/screenshots/<tab>.png`` and ``<tab>.ko.png``); with ``PLAYGROUND_SCREENSHOTS=docs/screenshots``
they are also copied there for the README.

A new tab is one entry in ``TAB_CASES``: its id, the fixture that gives its tiny model, and a check of
the raw JSON its first example returns.
"""

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from core.registry import get_task
from tabs import TAB_NAMES
from tabs.i18n import STRINGS as SHARED_STRINGS
from tests.fake_router import Reply

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
#: A first run loads the model (and, on a busy machine, waits in the queue): generous, never a timing assertion.
RESULT_TIMEOUT_MS = 120_000
SCREENSHOTS_ENV = "PLAYGROUND_SCREENSHOTS"


# --- how to check each tab's first example ---------------------------------------------------------------


def _labels_of(model_dir: str) -> set[str]:
    config = json.loads((Path(model_dir) / "config.json").read_text())
    return set(config["id2label"].values())


def _check_scores(rows: list, labels: set[str]) -> None:
    """Every label scored once, best first, scores a probability distribution."""
    assert {row["label"] for row in rows} == labels
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-4)


def check_classify(raw: Any, model: str) -> None:
    """The first example has six sentences: one list of scores per sentence, as the pipeline returns."""
    assert isinstance(raw, list) and len(raw) == 6
    for rows in raw:
        _check_scores(rows, _labels_of(model))


REMOTE_ANSWER = [[{"label": "POSITIVE", "score": 0.75}, {"label": "NEGATIVE", "score": 0.25}]]


def check_remote(raw: Any, model: str) -> None:
    """The first example has two lines: the (loopback) Inference API's answer for each, unchanged."""
    assert raw == REMOTE_ANSWER * 2


@dataclass(frozen=True)
class TabCase:
    """One tab in the browser: open it, click its first example, put ``model`` in the model box, run."""

    tab: str  # the module in tabs/ (its ``STRINGS`` hold "<tab>.tab", the tab's title)
    model: str  # the fixture giving the model box's value: a tiny model folder (examples name Hub models)
    check: Callable[[Any, str], None]  # asserts on the raw JSON read from the page, given the model
    app: str = "app_url"  # the fixture giving the running app's URL
    link: bool = True  # the tab has a "copy link" button (tabs/deep_link.py): ``?tab=<tab>&model=…`` opens it


TAB_CASES = [
    TabCase("classify", "tiny_classifier", check_classify),
    # The Inference API tab talks to the app's --inference-url: a loopback server answering like the router.
    TabCase("remote", "scripted_inference_model", check_remote, app="remote_app_url", link=False),
]


# --- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture
def scripted_inference_model(fake_router) -> Iterator[str]:
    """A model id the loopback router answers for (one reply per line of the example, plus spares)."""
    fake_router.reset()
    fake_router.answer("org/tiny-remote", *[Reply(200, REMOTE_ANSWER)] * 8)
    yield "org/tiny-remote"
    fake_router.reset()


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


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def save_screenshot(page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    published = os.environ.get(SCREENSHOTS_ENV)
    if published:
        target = Path(published)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
    return path


# --- the page, as a user sees it -------------------------------------------------------------------------


def strings(module: str, language: str) -> dict[str, str]:
    return {**SHARED_STRINGS[language], **getattr(import_module(f"tabs.{module}"), "STRINGS", {}).get(language, {})}


def select_tab(page, title: str):
    """Click the tab called ``title`` (in gradio's "More tabs" menu when the bar is full); its panel."""
    page.get_by_role("tab").first.wait_for()
    button = page.get_by_role("tab", name=title, exact=True)
    if not button.is_visible():
        page.get_by_role("button", name="More tabs").click()
        button = page.locator(".overflow-dropdown button", has_text=title)
    button.click()
    return page.locator("[role=tabpanel]:visible").first


def raw_panel(panel, text: dict[str, str]):
    return panel.get_by_test_id("json").filter(has_text=text["common.raw"])


def run_and_read(page, panel, text: dict[str, str]) -> Any:
    """Click Run; the raw JSON the page shows (through its Copy button), or fail with the error toast."""
    panel.get_by_role("button", name=text["common.run"], exact=True).click()
    raw = raw_panel(panel, text)
    shown = raw.locator(".json-node").first
    toast = page.locator(".toast-body.error").first
    shown.or_(toast).wait_for(timeout=RESULT_TIMEOUT_MS)
    if toast.is_visible():
        pytest.fail(f"The page showed an error instead of a result: {toast.inner_text()}")
    raw.get_by_role("button", name="Copy").click()
    return json.loads(page.evaluate("navigator.clipboard.readText()"))


def is_example_load(response, row: int) -> bool:
    """The answer to an example click: a queue-less ``/run/predict`` call whose only input is the row's index."""
    if "/run/predict" not in response.url:
        return False
    return (response.request.post_data_json or {}).get("data") == [row]


def click_example(page, panel, row: int = 0) -> None:
    """Click an example row and wait until the page shows its values, so nothing typed later is overwritten.

    gradio loads an example through a request (``/run/predict``); all its values are applied in one update,
    so seeing one of its texts in an input of the panel means every input has it.
    """
    with page.expect_response(lambda response: is_example_load(response, row)) as loaded:
        panel.get_by_test_id(f"dataset-cell-{row}-0").click()
    data = loaded.value.json()["data"]
    values = [item.get("value") if isinstance(item, dict) else item for item in data]
    texts = [value for value in values if isinstance(value, str) and value]
    page.wait_for_function(
        "texts => [...document.querySelectorAll('[role=tabpanel] textarea, [role=tabpanel] input')]"
        ".some(e => texts.includes(e.value))",
        arg=texts,
    )


def set_model(panel, text: dict[str, str], model: str) -> None:
    box = panel.get_by_label(text["common.model"], exact=True)
    box.fill(model)
    box.press("Enter")


# --- the tests -------------------------------------------------------------------------------------------


def test_every_tab_has_a_browser_case():
    assert sorted(case.tab for case in TAB_CASES) == sorted(TAB_NAMES)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("case", TAB_CASES, ids=[case.tab for case in TAB_CASES])
def test_first_example_runs_in_the_browser(case, language, request, page_for, screenshot_dir):
    url, model = request.getfixturevalue(case.app), str(request.getfixturevalue(case.model))
    text = strings(case.tab, language)
    page = page_for(url, language)
    page.goto(url)
    panel = select_tab(page, text[f"{case.tab}.tab"])
    click_example(page, panel)
    set_model(panel, text, model)

    case.check(run_and_read(page, panel, text), model)

    assert raw_panel(panel, text).count() == 1  # the raw-output panel carries this language's label
    assert "__i18n__" not in page.locator("body").inner_text()  # no label left untranslated (a raw i18n key)
    assert panel.get_by_role("button", name=text["common.run"], exact=True).is_visible()
    if language == "ko":
        english_title = strings(case.tab, "en")[f"{case.tab}.tab"]
        assert page.get_by_role("tab", name=english_title, exact=True).count() == 0
    save_screenshot(page, screenshot_dir, case.tab if language == "en" else f"{case.tab}.ko")


CLASSIFY = get_task("classify")
LINK_TEXT = "I like apple\n사과가 좋아요"


def classify_boxes(page):
    text = strings("classify", "en")
    panel = page.locator("[role=tabpanel]:visible").first
    return panel, panel.get_by_label(text["classify.text"]), panel.get_by_label(text["common.model"], exact=True)


def selected_tab(page) -> str:
    """The title of the selected tab, in the tab bar or in gradio's "More tabs" menu."""
    selected = page.locator("[role=tab][aria-selected=true], .overflow-dropdown button.selected").first
    return selected.inner_text().strip()


def wait_for_link_values(page) -> None:
    """The page-load event that fills a link's values has run (the model box shows a local folder)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=tabpanel] input')].some(e => e.value.startsWith('/'))"
    )


LINK_CASES = [case for case in TAB_CASES if case.link]


@pytest.mark.parametrize("case", LINK_CASES, ids=[case.tab for case in LINK_CASES])
def test_a_link_selects_its_tab_and_its_copy_button_reproduces_the_link(case, request, page_for):
    url, model = request.getfixturevalue(case.app), str(request.getfixturevalue(case.model))
    text = strings(case.tab, "en")
    page = page_for(url)
    page.goto(f"{url}?{urlencode({'tab': case.tab, 'model': model})}")
    wait_for_link_values(page)
    panel = page.locator("[role=tabpanel]:visible").first
    assert selected_tab(page) == text[f"{case.tab}.tab"]
    assert panel.get_by_label(text["common.model"], exact=True).input_value() == model

    panel.get_by_role("button", name=text["common.copy_link"]).click()
    page.wait_for_function("() => [...document.querySelectorAll('textarea')].some(e => e.value.includes('?tab='))")
    link = panel.locator(".block").filter(has_text=text["common.link"]).last.locator("textarea").input_value()
    query = parse_qs(urlsplit(link).query)
    assert (query["tab"], query["model"]) == ([case.tab], [model])


def test_a_link_opens_the_sentiment_tab_with_its_text_and_runs(app_url, tiny_classifier, page_for):
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'classify', 'text': LINK_TEXT, 'model': str(tiny_classifier)})}")
    wait_for_link_values(page)
    panel, text_box, model_box = classify_boxes(page)
    assert (text_box.input_value(), model_box.input_value()) == (LINK_TEXT, str(tiny_classifier))
    assert len(run_and_read(page, panel, strings("classify", "en"))) == 2  # one list of scores per line


def test_copy_link_makes_a_link_that_reopens_the_same_inputs(app_url, tiny_classifier, page_for):
    text = strings("classify", "en")
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, text["classify.tab"])
    click_example(page, panel, row=2)  # the Korean example
    set_model(panel, text, str(tiny_classifier))
    panel.get_by_role("button", name=text["common.copy_link"]).click()
    shown = panel.locator(".block").filter(has_text=text["common.link"]).last.locator("textarea")
    page.wait_for_function(
        "() => [...document.querySelectorAll('textarea, input')].some(e => e.value.includes('?tab='))"
    )
    link = shown.input_value()

    query = parse_qs(urlsplit(link).query)
    example_text = panel.get_by_label(text["classify.text"]).input_value()
    assert query == {"tab": ["classify"], "text": [example_text], "model": [str(tiny_classifier)]}
    assert page.evaluate("navigator.clipboard.readText()") == link

    again = page_for(app_url)
    again.goto(link)
    _, text_box, model_box = classify_boxes(again)
    wait_for_link_values(again)
    assert (text_box.input_value(), model_box.input_value()) == (example_text, str(tiny_classifier))


def test_a_link_with_a_hostile_model_fills_the_text_but_keeps_the_default_model(app_url, page_for):
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'classify', 'text': 'hi', 'model': '../../etc'})}")
    _, text_box, model_box = classify_boxes(page)
    page.wait_for_function("() => document.querySelector('[role=tabpanel] textarea')?.value === 'hi'")
    assert model_box.input_value() == CLASSIFY.default.describe()


def test_gradio_settings_panel_switches_the_labels_to_korean(app_url, page_for):
    """A student whose browser speaks English switches to Korean in the footer's Settings panel."""
    en, ko = strings("classify", "en"), strings("classify", "ko")
    page = page_for(app_url, "en")
    page.goto(app_url)
    page.get_by_role("tab", name=en["classify.tab"], exact=True).wait_for()
    page.locator("footer").get_by_role("button", name="Settings").click()
    page.get_by_label("Language", exact=True).click()
    page.get_by_role("option", name="한국어").click()
    page.keyboard.press("Escape")
    page.get_by_role("tab", name=ko["classify.tab"], exact=True).wait_for()
    assert page.get_by_role("tab", name=en["classify.tab"], exact=True).count() == 0
    assert page.get_by_role("button", name=ko["common.run"], exact=True).first.is_visible()
