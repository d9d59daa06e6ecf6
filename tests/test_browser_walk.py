"""The browser walk past the first example (issue 14): in every tab, in Korean, the first example (checked as
tests/test_browser.py's cases check it), then a bad input (or a model of the wrong kind), then a good run
again. What the student sees is asserted: the error toast's words, the previous results gone from the screen
(not left under the error as if they answered the new input), and the new results. Also: literal ``<…>``
text stays text in toasts, status lines and notices; the tokenizer lab's compare section shows its own text.

Helpers and fixtures come from ``tests/test_browser.py`` (one launched app per session, tiny models).
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import test_browser
from tests.kit.fake_router import Reply
from tests.test_browser import (
    GENERATE_PROMPT,
    RESULT_TIMEOUT_MS,
    TAB_CASES,
    check_the_page_in_its_language,
    copy_raw,
    fill_box,
    raw_panel,
    run_and_read,
    select_tab,
    set_model,
    strings,
)

# The bundled model and the scripted Inference API model: test_browser's fixtures (the browser is conftest's).
bundled_minilm, scripted_inference_model = test_browser.bundled_minilm, test_browser.scripted_inference_model

MISSING = "org/not-here"  # a Hub id that is not in the (empty) offline cache
HOSTILE = "<img src=x onerror=alert(1)>"
CASES = {case.tab: case for case in TAB_CASES}


# --- what the student reads in each tab ------------------------------------------------------------------


def block(panel, label: str):
    """The component whose label is ``label`` (the innermost block showing it)."""
    return panel.locator("div.block").filter(has_text=label).last


def shown_text(key: str) -> Callable:
    return lambda panel, text: block(panel, text[key]).inner_text()


def shown_value(key: str) -> Callable:
    """A read-only textbox's value (a textarea's value is not part of the page's text)."""
    return lambda panel, text: panel.get_by_label(text[key], exact=True).input_value()


#: A run's Python code panel (empty until a run succeeds): ``read`` and ``seen`` for a result that can be empty.
NOTEBOOK_CODE = (lambda panel, text: block(panel, text["common.code"]).inner_text(), lambda raw: "from transformers")


def score(value: float) -> str:
    return str(round(value, 4))


# --- how each tab goes wrong, and right again ------------------------------------------------------------

Step = Callable[[Any, Any, dict, Any], None]  # (page, panel, text, request)


def model_box(fixture: str, key: str = "common.model") -> Step:
    """Type a model into a model box: the folder of a tiny-model fixture, or ``MISSING``."""

    def step(page, panel, text, request):
        fill_box(panel, text[key], MISSING if fixture == MISSING else str(request.getfixturevalue(fixture)))

    return step


def box(key: str, value: str) -> Step:
    """Type into a text box (its accessible name also holds its info line, hence no exact match)."""

    def step(page, panel, text, request):
        field = panel.get_by_label(text[key]).first
        field.fill(value)
        field.press("Tab")

    return step


def wait_for_tokenizer_limit(page, panel, text, request):
    set_model(panel, text, str(request.getfixturevalue("bundled_minilm")))
    limit = panel.get_by_role("spinbutton", name=text["tokenize.max_length"], exact=True)
    page.wait_for_function("box => Number(box.value) > 0", arg=limit.element_handle())


def router_refuses(page, panel, text, request):
    request.getfixturevalue("fake_router").answer("org/tiny-missing", Reply(404, {"error": "no such model"}))
    set_model(panel, text, "org/tiny-missing")


def delete_without_confirming(page, panel, text, request):
    """The cache tab's bad input: Delete clicked without ticking the confirmation box."""
    panel.get_by_role("button", name=text["cache.delete"], exact=True).click()


def nothing(page, panel, text, request):
    """Nothing to change."""


def new_folder(page, panel, text, request):
    panel.get_by_role("textbox", name=text["finetune.output_dir"]).fill(tempfile.mkdtemp(prefix="browser-walk-"))


@dataclass(frozen=True)
class Walk:
    tab: str
    model: str  # the fixture for the good runs' model box (the first example's Hub model is not offline)
    spoil: Step  # makes the input bad
    message: str  # words of the error toast (the walk runs in Korean)
    mend: Step  # makes it good again
    read: Callable  # (panel, text) -> the text the student reads in the tab's main result
    seen: Callable[[Any], str]  # what of a good run's raw JSON that result shows
    clears: bool = True  # the outputs empty after the error (the cache tab's list of the disk stays true)
    run: str = ""  # the button whose click is the bad run, when not the tab's run button


def _text_of(key: str, value: Callable[[Any], str]) -> tuple[Callable, Callable]:
    """``read`` and ``seen`` for a result shown as the text of a labelled component."""
    return shown_text(key), value


WALKS = [
    Walk(
        "classify",
        "tiny_classifier",
        model_box("tiny_masked_lm"),
        "ForSequenceClassification",
        model_box("tiny_classifier"),
        *_text_of("classify.label", lambda raw: raw[0][0]["label"]),
    ),
    Walk(
        "zero_shot",
        "tiny_nli",
        box("zero_shot.labels", ""),
        "레이블이 없어요",  # No labels given
        box("zero_shot.labels", "urgent, not urgent, phone"),
        *_text_of("zero_shot.hypotheses", lambda raw: f"This example is {raw['labels'][0]}."),
    ),
    Walk(
        "ner",
        "tiny_ner",
        model_box("tiny_classifier"),
        "ForTokenClassification",
        model_box("tiny_ner"),
        *_text_of("ner.table", lambda raw: score(raw[0]["score"])),
    ),
    Walk(
        "answer",
        "tiny_qa",
        box("answer.question", ""),
        "질문 칸이 비어 있어요",  # The question is empty
        box("answer.question", "Where is Hugging Face based?"),
        *_text_of("answer.table", lambda raw: score(raw["score"])),
    ),
    Walk(
        "summarize",
        "tiny_t5",
        box("summarize.text", ""),
        "텍스트 칸이 비어 있어요",  # The text is empty
        box("summarize.text", "The tower is 324 metres tall, about the same height as an 81-storey building."),
        *NOTEBOOK_CODE,  # a random tiny T5 may well summarise to "": the code panel is what surely shows
    ),
    Walk(
        "translate",
        "tiny_marian",
        box("translate.text", ""),
        "텍스트 칸이 비어 있어요",
        box("translate.text", "Hello, how are you?"),
        *NOTEBOOK_CODE,  # a random tiny Marian may well translate to ""
    ),
    Walk(
        "generate",
        "tiny_gpt2",
        model_box("tiny_classifier"),
        "ForCausalLM",
        model_box("tiny_gpt2"),
        shown_value("generate.output"),
        lambda raw: raw[0]["generated_text"].removeprefix(GENERATE_PROMPT),  # the box shows the new text
    ),
    Walk(
        "fill_mask",
        "tiny_masked_lm",
        box("fill_mask.text", "Paris is the capital of France."),
        "(또는 [MASK] / <mask>)를 넣으세요",  # "Put [MASK] (or … <mask>)": the <mask> a student needs is shown
        box("fill_mask.text", "Paris is the [MASK] of France."),
        *_text_of("fill_mask.table", lambda raw: score(raw[0]["score"])),
    ),
    Walk(
        "similarity",
        "bundled_minilm",
        model_box(MISSING),
        MISSING,
        model_box("bundled_minilm"),
        lambda panel, text: panel.inner_text(),
        lambda raw: "#5",  # the heat map's header for the fifth sentence
    ),
    Walk(
        "detect",
        "tiny_detr",
        model_box("tiny_classifier"),
        "ForObjectDetection",
        model_box("tiny_detr"),
        *_text_of("detect.table", lambda raw: score(raw[0]["score"])),
    ),
    Walk(
        "tokenize",
        "bundled_minilm",
        model_box(MISSING),
        MISSING,
        wait_for_tokenizer_limit,
        *_text_of("tokenize.view", lambda raw: raw["tokens"][0][1]),
    ),
    Walk(
        "inspector",
        "bundled_minilm",
        model_box(MISSING),
        MISSING,
        model_box("bundled_minilm"),
        *_text_of("inspect.config", lambda raw: "num_hidden_layers"),
    ),
    Walk(
        "embeddings",
        "bundled_minilm",
        model_box(MISSING),
        MISSING,
        model_box("bundled_minilm"),
        *_text_of("embeddings.vectors", lambda raw: raw["tokens"][1]),
    ),
    Walk(
        "compare",
        "tiny_encoder",
        model_box(MISSING, "compare.model_b"),
        MISSING,
        model_box("tiny_encoder", "compare.model_b"),
        *_text_of("compare.table", lambda raw: "size on disk"),
    ),
    Walk(
        "finetune",
        "tiny_encoder",
        nothing,  # the same folder again: the first run saved its model there
        "폴더는 이미 있고 비어 있지 않아요",  # already exists and is not an empty folder
        new_folder,
        shown_value("finetune.saved_to"),
        lambda raw: raw["saved_to"],
    ),
    Walk(
        "remote",
        "scripted_inference_model",
        router_refuses,
        "모델을 찾지 못했어요(404)",  # was not found (404)
        model_box("scripted_inference_model"),
        *_text_of("remote.scores", lambda raw: raw[0][0]["label"]),
    ),
    Walk(
        "cache",
        "bundled_minilm",
        delete_without_confirming,
        "먼저 확인란을 체크하세요",  # Tick the confirmation box first
        nothing,
        lambda panel, text: panel.inner_text(),
        lambda raw: f"{len(raw['repos'])} 개 저장소",  # "N repositories"
        clears=False,
        run="cache.delete",
    ),
]


def test_every_tab_has_a_walk():
    assert sorted(walk.tab for walk in WALKS) == sorted(CASES)


def close_toasts(page) -> None:
    for button in page.get_by_test_id("toast-close").all():
        if button.is_visible():
            button.click()
    expect(page.locator(".toast-body")).to_have_count(0)


#: Every output of the visible tab is idle: its status tracker hidden (no run pending, streaming or failed).
IDLE = """() => [...document.querySelectorAll('[role=tabpanel] [data-testid=status-tracker]')]
    .filter(e => e.closest('[role=tabpanel]').offsetParent !== null).every(e => e.classList.contains('hide'))"""


def run_to_the_end(page, panel, text, case) -> Any:
    """Click the run button and wait until the run is over (a stream too); the raw JSON it shows."""
    panel.get_by_role("button", name=text[case.run], exact=True).first.click()
    raw = raw_panel(panel, text).first
    toast = page.locator(".toast-body.error").first
    raw.locator(".json-node").first.or_(toast).wait_for(timeout=RESULT_TIMEOUT_MS)
    page.wait_for_function(IDLE, timeout=RESULT_TIMEOUT_MS)
    if toast.is_visible():
        pytest.fail(f"The page showed an error instead of a result: {toast.inner_text()}")
    value = copy_raw(page, raw)
    assert case.done(value), f"the run ended without its final result: {value}"
    return value


def good_run(page, panel, text, case, walk, model: str | None = None) -> str:
    """Run to the end; the part of the raw JSON that the tab's result displays is on the screen. With ``model``
    (the first example, as prepared), the raw JSON is also what the tab promises: the first example's check,
    run in English here and in Korean by test_browser.py."""
    raw = run_to_the_end(page, panel, text, case)
    if model is not None:
        case.check(raw, model)
    seen = walk.seen(raw)
    assert seen, f"the tab's result shows nothing to compare: {raw}"
    assert seen in walk.read(panel, text)
    return seen


@pytest.mark.parametrize("walk", WALKS, ids=[walk.tab for walk in WALKS])
def test_an_error_clears_the_previous_results_and_a_good_run_shows_new_ones(walk, request, shared_page):
    case = CASES[walk.tab]
    url, model = request.getfixturevalue(case.app), str(request.getfixturevalue(walk.model))
    text = strings(case.tab, "ko")
    page = shared_page(url, "ko")  # each walk stays in its own tab: one page serves them all
    panel = select_tab(page, text[case.title_key])
    case.prepare(page, panel, text, model)

    before = good_run(page, panel, text, case, walk, model)  # the first example
    check_the_page_in_its_language(page, panel, case, text, "ko")

    walk.spoil(page, panel, text, request)
    panel.get_by_role("button", name=text[walk.run or case.run], exact=True).first.click()
    toast = page.locator(".toast-body.error").filter(has_text=walk.message)
    expect(toast).to_be_visible(timeout=60_000)
    if walk.clears:
        expect(raw_panel(panel, text).first.locator(".json-node")).to_have_count(0)
        assert before not in walk.read(panel, text)
    else:
        assert before in walk.read(panel, text)
    close_toasts(page)

    walk.mend(page, panel, text, request)
    good_run(page, panel, text, case, walk)
    assert page.locator(".toast-body.error").count() == 0


# --- literal text stays literal (item 4) and each section shows its own strings (item 3) --------------------


def test_typed_html_shows_as_text_in_status_lines_notices_and_tables(app_url, tiny_masked_lm, tiny_nli, page_for):
    """``<s>``, ``<mask>`` and an ``<img onerror>`` typed into inputs that the page echoes: shown as typed,
    and no element (no image, no script) made of them."""
    page = page_for(app_url)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_url)

    text = strings("fill_mask", "en")
    panel = select_tab(page, text["fill_mask.tab"])
    set_model(panel, text, HOSTILE)  # the status line quotes the id it refuses
    expect(panel).to_contain_text(f"'{HOSTILE}' is not a valid Hub model id", use_inner_text=True)
    set_model(panel, text, str(tiny_masked_lm))
    expect(panel).to_contain_text("(typing [MASK] or <mask> works too)", use_inner_text=True)
    typed = f"I like <s> and [MASK] {HOSTILE} a_b_c"
    box("fill_mask.text", typed)(page, panel, text, None)
    run_and_read(page, panel, text)
    expect(panel).to_contain_text(f"The model read: {typed}", use_inner_text=True)

    text = strings("zero_shot", "en")
    panel = select_tab(page, text["zero_shot.tab"])
    box("zero_shot.text", "Hello <s>")(page, panel, text, None)
    box("zero_shot.labels", f"<s>, <mask>, {HOSTILE}, a_b_c")(page, panel, text, None)
    set_model(panel, text, str(tiny_nli))
    run_and_read(page, panel, text)
    hypotheses = shown_text("zero_shot.hypotheses")(panel, text)
    for label in ("<s>", "<mask>", HOSTILE, "a_b_c"):
        assert f"This example is {label}." in hypotheses

    assert page.locator("img[src=x]").count() == 0 and page.locator("[role=tabpanel] s").count() == 0
    assert dialogs == []


def test_the_tokenizer_labs_compare_section_shows_its_own_text(app_url, page_for):
    """It showed the Compare models tab's intro ("DistilBERT … 40% less memory"): both defined the same keys."""
    from tabs import tokenizer_compare

    page = page_for(app_url)
    page.goto(app_url)
    lab = select_tab(page, strings("tokenize", "en")["tokenize.tab"])
    own = tokenizer_compare.STRINGS["en"]
    lab.get_by_role("tab", name=own["tokenizer_compare.section"], exact=True).click()
    section = page.locator("[role=tabpanel][id^=tab-]:visible").filter(has_text="Fewer tokens means").last
    expect(section).to_contain_text("Fewer tokens means the model reads more text", use_inner_text=True)
    assert "DistilBERT" not in section.inner_text()
    expect(section.get_by_label(own["tokenizer_compare.text"], exact=True)).to_be_visible()
