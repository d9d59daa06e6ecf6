"""The model boxes in a real browser (issue 14): what a model box's status line says must be true.

A link that names a model describes that model, before and after Run (a link naming a folder, in every tab with
a model box: tests/test_browser.py's link test);
offline, a tab whose default is missing says so and offers, in one click, a model that works here.
"""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from core.registry import get_task
from tabs.widgets.model_picker import STATUS_CLASS
from tests.test_browser import (
    _labels_of,
    check_translation,
    run_and_read,
    select_tab,
    strings,
    wait_for_link_values,
)

#: Page-load events share 2 busy cores with the app and the other tests: wait generously, never assert timing.
EXPECT_MS = 30_000
FOLDER = "📁 A model folder on this machine."
NOT_DOWNLOADED = "Not downloaded"
TRANSLATE = get_task("translate")
EN_KO = next(m for m in TRANSLATE.models if m.note.startswith("English → Korean"))


def visible_panel(page):
    return page.locator("[role=tabpanel][id^=tab-]:visible").first


#: A model box's status line starts with one of these (tabs/widgets/model_picker.py).
STATUS_START = re.compile(r"^\s*(✅|📁|⬇️|⚠️|❌)")


def status_line(panel):
    """The status line under the panel's model box, as the student reads it."""
    return panel.locator(".prose").filter(has_text=STATUS_START).first


def wait_for_link_text(page, text: str) -> None:
    """The link's page-load event has filled the tab's text box (and selected the tab)."""
    page.wait_for_function(
        "text => [...document.querySelectorAll('[role=tabpanel] textarea')].some(e => e.value === text)", arg=text
    )


def test_a_link_naming_a_hub_model_describes_that_model_not_the_default(app_url, page_for):
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'translate', 'text': 'Hello', 'model': EN_KO.id})}")
    wait_for_link_text(page, "Hello")
    status = status_line(visible_panel(page))
    expect(status).to_contain_text(f"--prefetch {EN_KO.id}", use_inner_text=True, timeout=EXPECT_MS)
    text = status.inner_text()
    assert "about 950 MB" in text
    assert "--prefetch translate" not in text and "312 MB" not in text


def test_a_link_naming_a_downloaded_model_says_it_was_downloaded(app_url, cached_tiny_classifier, page_for):
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'classify', 'text': 'Hello', 'model': cached_tiny_classifier})}")
    wait_for_link_text(page, "Hello")
    panel = visible_panel(page)
    expect(panel).to_contain_text("Downloaded before", use_inner_text=True, timeout=EXPECT_MS)
    assert NOT_DOWNLOADED not in panel.inner_text()


def test_after_a_linked_model_ran_the_status_line_still_describes_it(app_url, tiny_marian, page_for):
    text = strings("translate", "en")
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'translate', 'text': 'Hello', 'model': str(tiny_marian)})}")
    wait_for_link_values(page)
    panel = visible_panel(page)
    expect(panel).to_contain_text(FOLDER, use_inner_text=True, timeout=EXPECT_MS)

    check_translation(run_and_read(page, panel, text), str(tiny_marian))
    assert FOLDER in panel.inner_text() and NOT_DOWNLOADED not in panel.inner_text()


def test_offline_a_missing_default_offers_a_downloaded_model_in_one_click(
    app_url, cached_tiny_classifier, tiny_classifier, page_for
):
    text = strings("classify", "en")
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, text["classify.tab"])
    expect(panel).to_contain_text("Works here:", use_inner_text=True, timeout=EXPECT_MS)
    shown = panel.inner_text()
    assert "the app is offline" in shown and "python app.py --prefetch classify (about 268 MB)" in shown
    assert cached_tiny_classifier in shown

    panel.get_by_role("button", name=f"Use {cached_tiny_classifier} instead").click()
    model_box = panel.get_by_label(text["common.model"], exact=True)
    expect(model_box).to_have_value(cached_tiny_classifier, timeout=EXPECT_MS)
    expect(panel).to_contain_text("Downloaded before", use_inner_text=True, timeout=EXPECT_MS)
    expect(panel.get_by_role("button", name=f"Use {cached_tiny_classifier} instead")).to_be_hidden(timeout=EXPECT_MS)
    panel.get_by_label(text["classify.text"]).fill("I like apple")
    scores = run_and_read(page, panel, text)
    assert {row["label"] for row in scores} == _labels_of(str(tiny_classifier))


def test_offline_a_missing_default_says_so_in_korean(app_url, cached_tiny_classifier, page_for):
    text = strings("classify", "ko")
    page = page_for(app_url, "ko")
    page.goto(app_url)
    panel = select_tab(page, text["classify.tab"])
    expect(panel).to_contain_text("여기서 되는 모델", use_inner_text=True, timeout=EXPECT_MS)
    shown = panel.inner_text()
    assert "python app.py --prefetch classify (약 268 MB)" in shown
    assert "about" not in shown and "~" not in shown and "(는)" not in shown
    assert panel.get_by_role("button", name=f"{cached_tiny_classifier} 모델로 바꾸기").is_visible()


def test_offline_with_nothing_downloaded_the_tab_says_so(app_url, page_for):
    text = strings("ner", "en")
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, text["ner.tab"])
    expect(panel).to_contain_text("Nothing else for this tab is downloaded", use_inner_text=True, timeout=EXPECT_MS)
    assert "python app.py --prefetch ner (about 433 MB)" in panel.inner_text()


@pytest.mark.parametrize(("tab", "title"), [("finetune", "finetune.tab"), ("cache", "cache.tab")])
def test_a_link_opens_the_tabs_that_have_no_link_button(tab, title, app_url, page_for):
    page = page_for(app_url)
    page.goto(f"{app_url}?tab={tab}")
    expect(page.locator("[role=tab][aria-selected=true], .overflow-dropdown button.selected").first).to_have_text(
        strings(tab, "en")[title], timeout=EXPECT_MS
    )


#: The tabs with a model box and its status line (tabs/widgets/model_picker.py), with their titles' keys.
PICKER_TABS = [
    (name, "inspect.tab" if name == "inspector" else f"{name}.tab")
    for name in (
        "classify", "zero_shot", "ner", "answer", "summarize", "translate", "generate",
        "fill_mask", "similarity", "detect", "tokenize", "inspector", "embeddings", "finetune",
    )
]  # fmt: skip
#: Where the tab's Run button is on the page (not in the window: scrolling must not count as a move).
RUN_Y = "button => Math.round(button.getBoundingClientRect().top + window.scrollY)"


def test_committing_a_typed_model_leaves_every_run_button_where_it_was(app_url, tiny_classifier, page_for):
    """A typed model id is committed by the press on Run (the box loses focus); its status line changes a moment
    later, while the button may still be held. Were the line above the button, the button would move from under
    the pointer and the browser would drop the click (a run that never started). Here the offline warning about
    a tab's default (three lines; the bundled MiniLM's tabs say one) becomes a one-line "model folder", and the
    button must not move."""
    page = page_for(app_url)
    page.goto(app_url)
    for name, title in PICKER_TABS:
        text = strings(name, "en")
        panel = select_tab(page, text[title])
        run = panel.locator("button.primary").first
        status = panel.locator(f".{STATUS_CLASS}").first
        expect(status).to_have_text(STATUS_START, timeout=EXPECT_MS)  # the default's line (most: not downloaded)
        before = run.evaluate(RUN_Y)
        box = panel.get_by_label(text["common.model"], exact=True).first
        box.fill(str(tiny_classifier))
        box.evaluate("box => box.blur()")  # what the press on Run does first
        expect(status).to_contain_text(FOLDER, use_inner_text=True, timeout=EXPECT_MS)
        page.wait_for_timeout(300)  # anything else that follows the model (a mask token line, language boxes)
        assert run.evaluate(RUN_Y) == before, f"{name}: Run moved when the typed model was committed"
