"""What a teacher notices in a real browser (issue 14, items 8 and 9): tables that read well, the inspector's head
table filled for a classifier, accuracies rounded, a link to an unknown tab explained, a status line that follows
a run. Each test reads what the student sees: cell text, box geometry, status text.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.kit import tiny_models
from tests.test_browser import (
    RESULT_TIMEOUT_MS,
    copy_raw,
    finetune_done,
    finetune_one_epoch,
    raw_panel,
    run_and_read,
    select_tab,
    selected_tab,
    strings,
    wait_for_link_values,
)
from tests.test_browser_models import EXPECT_MS, status_line, visible_panel, wait_for_link_text

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LONG_SENTENCE = " ".join(["This sentence keeps going about apples, pears, schools and mosquitoes"] * 4)

#: Words of the visible header cells that the browser laid out on more than one line ("token" + "s").
BROKEN_HEADER_WORDS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll('[role=tabpanel] th.header-cell')) {
    if (!th.offsetParent) continue;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""

#: Header texts clipped by their cell (wider than the cell shows).
CLIPPED_HEADERS = """() => [...document.querySelectorAll('[role=tabpanel] th.header-cell span.header')]
  .filter(span => span.offsetParent && span.scrollWidth > span.clientWidth + 1).map(span => span.innerText)"""


def grid_with_header(panel, header: str):
    """The dataframe (gradio's ``role=grid``) whose header row has a cell reading ``header``."""
    return panel.get_by_role("grid").filter(has=panel.page.locator("th.header-cell", has_text=header)).first


def column_of(grid, header: str) -> int:
    texts = [t.strip() for t in grid.locator("th.header-cell").all_inner_texts()]
    return next(i for i, text in enumerate(texts) if header in text)


def cell(grid, row: int, column: int):
    return grid.get_by_test_id(f"cell-{row}-{column}")


# --- item 9: table headers break only between words; a long sentence keeps the label and score in view ------


def check_headers_break_only_between_words(page) -> None:
    """The tokenizer lab's comparison has short numeric columns: "tokens" used to read "token / s"."""
    text = strings("tokenize", "en")
    select_tab(page, text["tokenize.tab"])
    page.get_by_role("tab", name=strings("tokenizer_compare", "en")["tokenizer_compare.section"]).click()
    panel = page.locator("[role=tabpanel][id^=tab-]:visible").last
    panel.get_by_role("button", name=text["common.run"], exact=True).first.click()
    grid = grid_with_header(panel, "chars / token")
    expect(cell(grid, 0, 0)).to_have_text(re.compile(r"\S"), timeout=EXPECT_MS)
    expect(grid.get_by_role("gridcell", name="word-level", exact=True).first).to_be_visible(timeout=EXPECT_MS)
    page.wait_for_timeout(500)  # gradio sets the column widths after the rows render

    assert page.evaluate(BROKEN_HEADER_WORDS) == []
    assert page.evaluate(CLIPPED_HEADERS) == []


def check_the_label_and_score_stay_in_view(page, width: int) -> None:
    text = strings("classify", "en")
    panel = visible_panel(page)
    scores = run_and_read(page, panel, text)
    best = scores[0]  # one sentence: the pipeline's flat list of labels, best first

    grid = grid_with_header(panel, "label")
    view = grid.locator(".virtual-table-viewport").bounding_box()
    label, score = cell(grid, 0, column_of(grid, "label")), cell(grid, 0, column_of(grid, "score"))
    expect(label).to_have_text(best["label"], timeout=EXPECT_MS)
    expect(score).to_have_text(str(round(best["score"], 4)))
    for shown in (label, score):
        box = shown.bounding_box()
        assert view["x"] - 1 <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"] + 1, (box, view)
    assert view["x"] + view["width"] <= width


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_tables_keep_the_label_in_view_and_break_headers_only_between_words(
    viewport, app_url, tiny_classifier, page_for
):
    """A long sentence in the sentiment tab keeps its label and score in view; then, on the same page, the
    tokenizer lab's comparison table breaks its headers only between words."""
    page = page_for(app_url)
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{app_url}?{urlencode({'tab': 'classify', 'text': LONG_SENTENCE, 'model': str(tiny_classifier)})}")
    wait_for_link_values(page)
    check_the_label_and_score_stay_in_view(page, VIEWPORTS[viewport]["width"])
    check_headers_break_only_between_words(page)


# --- item 9: the inspector's head table for a classifier -----------------------------------------------


def test_the_inspector_shows_what_a_classifiers_head_predicts(app_url, tiny_classifier, page_for):
    text = strings("inspector", "en")
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'inspect', 'model': str(tiny_classifier)})}")
    wait_for_link_values(page)
    panel = visible_panel(page)
    panel.get_by_role("button", name=text["inspect.run"], exact=True).click()
    grid = grid_with_header(panel, "prediction")
    expect(cell(grid, 0, column_of(grid, "token"))).to_contain_text("[CLS]", timeout=RESULT_TIMEOUT_MS)
    run_raw = raw_panel(panel, text).nth(1)  # the first raw panel is the Inspect button's
    raw = copy_raw(page, run_raw)

    for row, sentence in enumerate(raw["predictions"]):
        expect(cell(grid, row, column_of(grid, "prediction"))).to_have_text(sentence[0]["label"], timeout=EXPECT_MS)
        expect(cell(grid, row, column_of(grid, "score"))).to_have_text(str(round(sentence[0]["score"], 4)))
        expect(cell(grid, row, column_of(grid, "token"))).to_contain_text("[CLS]")


# --- item 9: accuracies rounded ------------------------------------------------------------------------


def test_the_fine_tuning_lab_shows_accuracy_rounded(app_url, tiny_encoder, page_for, tmp_path):
    text = strings("finetune", "en")
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, text["finetune.tab"])
    finetune_one_epoch(page, panel, text, str(tiny_encoder))
    raw = run_and_read(page, panel, text, run="finetune.train", done=finetune_done)

    grid = grid_with_header(panel, "eval_accuracy")
    shown = cell(grid, 0, column_of(grid, "eval_accuracy"))
    expect(shown).to_have_text(f"{raw['epochs'][0]['eval_accuracy']:.1%}", timeout=EXPECT_MS)
    assert re.fullmatch(r"\d{1,3}\.\d%", shown.inner_text().strip())


# --- item 9: a link to a tab the app does not have -----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "asked", "says"),
    [
        ("en", "sentimnet", "This link asks for a tab called sentimnet, which this app does not have"),
        ("ko", "<b>감성</b>", "링크에 적힌 탭 이름 <b>감성</b>에 맞는 탭이 이 앱에 없어서 😊 감성 분석 탭을 열었어요"),
    ],
)
def test_a_link_to_an_unknown_tab_opens_sentiment_and_says_why(language, asked, says, app_url, page_for):
    page = page_for(app_url, language)
    page.goto(f"{app_url}?{urlencode({'tab': asked})}")
    notice = page.get_by_text(says)
    expect(notice).to_be_visible(timeout=EXPECT_MS)
    assert selected_tab(page) == strings("classify", language)["classify.tab"]
    assert "finetune" in notice.inner_text() and "cache" in notice.inner_text()  # the tabs a link can open


def test_a_link_to_a_known_tab_shows_no_notice(app_url, page_for):
    page = page_for(app_url)
    page.goto(f"{app_url}?tab=ner")
    expect(page.get_by_role("tab", selected=True)).to_have_text(strings("ner", "en")["ner.tab"], timeout=EXPECT_MS)
    page.wait_for_timeout(1_000)
    assert page.get_by_text("This link asks for a tab").count() == 0


# --- item 8: after a run that brought the model here, the status line says so --------------------------


LATE_ID = "playground-test/tiny-bert-downloaded-by-the-run"


def test_after_a_run_the_status_line_no_longer_says_not_downloaded(app_url, tiny_classifier, page_for):
    from huggingface_hub import constants

    text = strings("classify", "en")
    page = page_for(app_url)
    page.goto(f"{app_url}?{urlencode({'tab': 'classify', 'text': 'I like apple', 'model': LATE_ID})}")
    wait_for_link_text(page, "I like apple")
    panel = visible_panel(page)
    status = status_line(panel)
    expect(status).to_contain_text("Not downloaded", use_inner_text=True, timeout=EXPECT_MS)

    # What a Run's download leaves on disk (the tests never reach the Hub): the model in the Hugging Face cache.
    snapshot = tiny_models.put_in_hub_cache(tiny_classifier, LATE_ID, Path(constants.HF_HUB_CACHE))
    try:
        run_and_read(page, panel, text)
        expect(status).to_contain_text("Downloaded before", use_inner_text=True, timeout=EXPECT_MS)
        assert "Not downloaded" not in panel.inner_text()
    finally:
        shutil.rmtree(snapshot.parent.parent, ignore_errors=True)


def test_every_model_box_is_written_again_after_its_tabs_run():
    """Each tab's main event (and the inspector's run) is followed by its model box's status refresh."""
    import app

    demo = app.build_app()
    fns = list(demo.fns.values())
    refreshed = {fn.trigger_after for fn in fns if fn.fn is not None and fn.fn.__name__ == "show_status"}
    runs = [
        "classify", "zero_shot", "ner", "answer", "summarize", "translate", "generate", "fill_mask",
        "similarity", "detect", "tokenize", "run_model", "embeddings", "finetune",
    ]  # fmt: skip
    missing = [fn.api_name for fn in fns if fn.api_name in runs and fn._id not in refreshed]
    assert sorted(fn.api_name for fn in fns if fn.api_name in runs) == sorted(runs)
    assert missing == []
