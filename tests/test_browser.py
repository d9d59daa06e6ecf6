"""The real app in a real browser: every tab opened, its first example run on a tiny offline model, the
result read from the page's raw-output panel, the labels checked in Korean, and a screenshot of each.

Playwright drives Debian's Chromium by path; a browser is never downloaded (no ``playwright install``).
On a fresh machine run ``sh tests/install_browser.sh`` first. Screenshots go to pytest's tmp dir
(``…/screenshots/<tab>.png`` and ``<tab>.ko.png``); with ``PLAYGROUND_SCREENSHOTS=docs/screenshots``
they are also copied there for the README, each with a dark twin (``<tab>.dark.png``, ``<tab>.ko.dark.png``).

A new tab is one entry in ``TAB_CASES``: its id, the fixture that gives its tiny model, and a check of
the raw JSON its first example returns; a tab whose inputs need more than "first example, then the model"
(a slider, a second model box, waiting for an event) gives a ``prepare`` function, and a streaming tab a
``done`` test for its last JSON value.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from core.registry import BUNDLED_MINILM, get_task
from tabs import TAB_NAMES
from tabs.i18n import STRINGS as SHARED_STRINGS
from tests.kit.browser import CHROMIUM_ARGS, LOCALES, VIEWPORT, open_page  # noqa: F401 (used by other browser tests)
from tests.kit.fake_router import Reply

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


def check_answer(raw: Any, model: str) -> None:
    """One answer (top_k=1): a span of the context, as the pipeline gives it."""
    assert set(raw) >= {"score", "start", "end", "answer"}
    assert 0 <= raw["start"] <= raw["end"] and 0.0 <= raw["score"] <= 1.0
    assert isinstance(raw["answer"], str) and len(raw["answer"]) == raw["end"] - raw["start"]


def check_summary(raw: Any, model: str) -> None:
    assert isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0]["summary_text"], str)


def check_translation(raw: Any, model: str) -> None:
    assert isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0]["translation_text"], str)


def check_tokens(raw: Any, model: str) -> None:
    """One sentence: MiniLM's WordPiece wraps it in [CLS] … [SEP]; every field one row of ``shape``."""
    assert raw["shape"][0] == 1 and raw["tokens"][0][0] == "[CLS]" and raw["tokens"][0][-1] == "[SEP]"
    assert raw["input_ids"][0][0] == 101 and raw["input_ids"][0][-1] == 102
    assert len(raw["input_ids"][0]) == len(raw["attention_mask"][0]) == raw["shape"][1]


def check_inspection(raw: Any, model: str) -> None:
    """The bundled MiniLM, read from its config and files: 6 layers of width 384, 22.7M parameters."""
    assert (raw["num_hidden_layers"], raw["hidden_size"], raw["num_parameters"]) == (6, 384, 22_713_216)
    assert any(f["name"] == "model.safetensors" for f in raw["files"])


def check_embeddings(raw: Any, model: str) -> None:
    """One vector per token, before and after the encoder, each projected to 2D."""
    tokens = raw["tokens"]
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and raw["hidden_size"] == 384
    assert len(raw["input_ids"]) == len(raw["embeddings_first_dims"]) == len(raw["last_hidden_state_first_dims"])
    assert len(raw["projection"]["embeddings"]) == len(tokens)


def check_comparison(raw: Any, model: str) -> None:
    """One run per model on the tab's two lines; a ratio for every metric."""
    assert raw["runs"] == 1 and len(raw["texts"]) == 2 and len(raw["models"]) == 2
    assert all(m["median_latency_seconds"] > 0 for m in raw["models"])
    assert raw["ratios"]


def check_cache(raw: Any, model: str) -> None:
    """The app's Hugging Face cache (empty in the tests: nothing is ever downloaded)."""
    assert set(raw) == {"cache_dir", "size_bytes", "repos"}
    assert raw["repos"] == [] and raw["size_bytes"] == 0


def check_detections(raw: Any, model: str) -> None:
    """Threshold 0: the tiny model's boxes, best first, each with a known label and an ordered box."""
    assert isinstance(raw, list) and raw
    assert {d["label"] for d in raw} <= _labels_of(model)
    scores = [d["score"] for d in raw]
    assert scores == sorted(scores, reverse=True)
    for d in raw:
        box = d["box"]
        assert box["xmin"] <= box["xmax"] and box["ymin"] <= box["ymax"]


GENERATE_PROMPT = "Hello, I'm a language model,"


def check_generation(raw: Any, model: str) -> None:
    assert isinstance(raw, list) and len(raw) == 1 and raw[0]["generated_text"].startswith(GENERATE_PROMPT)


def check_zero_shot(raw: Any, model: str) -> None:
    """Every candidate label scored once, best first; one label per answer (multi_label off), so they sum to 1."""
    assert set(raw["labels"]) == {"urgent", "not urgent", "phone", "tablet", "computer"}
    assert raw["scores"] == sorted(raw["scores"], reverse=True)
    assert sum(raw["scores"]) == pytest.approx(1.0, abs=1e-4)


def check_entities(raw: Any, model: str) -> None:
    """Grouped entities: a known entity type (B-/I- stripped), a span of the sentence."""
    types = {label.split("-", 1)[-1] for label in _labels_of(model)} - {"O"}
    for entity in raw:
        assert entity["entity_group"] in types and entity["start"] < entity["end"]


def check_fill_mask(raw: Any, model: str) -> None:
    """top_k=5 candidates for [MASK], best first, each the sentence with the token put in."""
    assert isinstance(raw, list) and len(raw) == 5
    assert [c["score"] for c in raw] == sorted((c["score"] for c in raw), reverse=True)
    assert all("[MASK]" not in c["sequence"] for c in raw)


def check_similarity(raw: Any, model: str) -> None:
    """Five sentences: a symmetric 5×5 cosine matrix with ones on the diagonal."""
    matrix = raw["matrix"]
    assert len(raw["sentences"]) == len(matrix) == 5
    for i, row in enumerate(matrix):
        assert row[i] == pytest.approx(1.0, abs=1e-3)
        assert all(row[j] == pytest.approx(matrix[j][i], abs=1e-4) for j in range(5))


def check_finetune(raw: Any, model: str) -> None:
    """One epoch on the starter set: accuracy before and after on the same eval split, a loss curve, saved."""
    assert raw["labels"] and raw["history"] and raw["saved_to"] and not raw["stopped"]
    assert raw["before"]["total"] == raw["after"]["total"] > 0
    for evaluation in (raw["before"], raw["after"]):
        assert 0.0 <= evaluation["accuracy"] <= 1.0
        assert sum(map(sum, evaluation["confusion_matrix"])) == evaluation["total"]


def finetune_done(raw: Any) -> bool:
    return bool(raw.get("saved_to")) or bool(raw.get("stopped"))


# --- how to prepare each tab's run -----------------------------------------------------------------------


def fill_box(panel, label: str, value: Any) -> None:
    box = panel.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")


def fill_slider(panel, label: str, value: Any) -> None:
    """A gr.Slider's number box (gradio labels it "number input for <label>")."""
    box = panel.get_by_label(f"number input for {label}", exact=True)
    box.fill(str(value))
    box.press("Enter")


def example_then_model(page, panel, text: dict[str, str], model: str) -> None:
    """The usual way: the first example fills the inputs, then the tiny model goes in the model box."""
    click_example(page, panel)
    set_model(panel, text, model)


def detect_at_threshold_zero(page, panel, text: dict[str, str], model: str) -> None:
    """The cat photo; threshold 0 so that the random tiny model's boxes show."""
    click_example(page, panel)
    panel.locator("img[src*='cat']").first.wait_for()
    set_model(panel, text, model)
    fill_slider(panel, text["detect.threshold"], 0)


def compare_two_small_models(page, panel, text: dict[str, str], model: str) -> None:
    """The second example (bundled MiniLM vs DistilBERT), with a tiny BERT as B and one run each."""
    click_example(page, panel, row=1)
    fill_box(panel, text["compare.model_b"], model)
    fill_slider(panel, text["compare.runs"], 1)


def tokenize_with_its_limit(page, panel, text: dict[str, str], model: str) -> None:
    """The first example; then wait for the max_length box to show the tokenizer's own limit.

    The box starts empty and an empty number box is sent as 0 (refused): the page fills it on load and on
    every tokenizer change, and a click on Run before that answers with an error.
    """
    example_then_model(page, panel, text, model)
    box = panel.get_by_role("spinbutton", name=text["tokenize.max_length"], exact=True)
    page.wait_for_function("box => Number(box.value) > 0", arg=box.element_handle())


def nothing_to_prepare(page, panel, text: dict[str, str], model: str) -> None:
    """The cache tab lists the cache as it is."""


def finetune_one_epoch(page, panel, text: dict[str, str], model: str) -> None:
    """The starter set already in the table, the given base model, one short epoch, saved to a temporary folder."""
    set_model(panel, text, model)
    folder = panel.get_by_role("textbox", name=text["finetune.output_dir"])
    folder.fill(tempfile.mkdtemp(prefix="browser-finetune-"))
    fill_slider(panel, text["finetune.epochs"], 1)
    fill_slider(panel, text["finetune.max_length"], 32)


Prepare = Callable[[Any, Any, dict[str, str], str], None]


@dataclass(frozen=True)
class TabCase:
    """One tab in the browser: open it, prepare its inputs (first example, ``model`` in the model box), run."""

    tab: str  # the module in tabs/ (its ``STRINGS`` hold "<tab>.tab", the tab's title)
    model: str  # the fixture giving the model box's value: a tiny model folder (examples name Hub models)
    check: Callable[[Any, str], None]  # asserts on the raw JSON read from the page, given the model
    app: str = "app_url"  # the fixture giving the running app's URL
    link: bool = True  # the tab has a "copy link" button (tabs/deep_link.py): ``?tab=<tab>&model=…`` opens it
    prepare: Prepare = example_then_model  # fills the inputs before the run
    run: str = "common.run"  # the string key of the button that runs the tab's main action
    done: Callable[[Any], bool] = lambda raw: True  # for streams: whether the raw JSON shown is the last one
    title: str = ""  # the string key of the tab's title, when it is not "<tab>.tab"
    example_headers: bool = True  # the examples table has plain bilingual headers (tabs/widgets/examples.py)
    # The link test: ``?tab=<link_tab>&<link_field>=<a local folder>`` (a folder shows the link was applied).
    link_tab: str = ""  # the tab's id in links, when it is not ``tab``
    link_field: str = "model"  # the link's field for the model box
    link_label: str = "common.model"  # the string key of that box's label
    link_model: str = ""  # the fixture giving a local model folder for the link, when ``model`` is not one
    link_status: bool = True  # the linked box has a status line under it, which must describe the linked folder

    @property
    def title_key(self) -> str:
        return self.title or f"{self.tab}.tab"


TAB_CASES = [
    TabCase("classify", "tiny_classifier", check_classify),
    # The Inference API tab talks to the app's --inference-url: a loopback server answering like the router.
    # The Inference API tab's link (a Hub id, not a folder) is checked without a browser: tests/test_tab_links.py.
    TabCase("remote", "scripted_inference_model", check_remote, app="remote_app_url", link=False),
    TabCase("answer", "tiny_qa", check_answer),
    TabCase("summarize", "tiny_t5", check_summary),
    TabCase("translate", "tiny_marian", check_translation),
    TabCase(
        "tokenize",
        "bundled_minilm",
        check_tokens,
        prepare=tokenize_with_its_limit,
        link_field="tokenizer",
        link_model="tiny_classifier",
    ),
    TabCase(
        "inspector",
        "bundled_minilm",
        check_inspection,
        run="inspect.button",
        title="inspect.tab",
        link_tab="inspect",
        link_model="tiny_classifier",
    ),
    TabCase("embeddings", "bundled_minilm", check_embeddings, run="embeddings.run", link_model="tiny_encoder"),
    TabCase(
        "compare",
        "tiny_encoder",
        check_comparison,
        prepare=compare_two_small_models,
        run="compare.run",
        link_field="model_b",
        link_label="compare.model_b",
        link_status=False,  # its second model box has no status line
    ),
    # The cache tab has no link button and no model box: its main action lists the cache.
    TabCase("cache", "bundled_minilm", check_cache, link=False, prepare=nothing_to_prepare, run="cache.refresh"),
    # and bilingual example headers; flip both once it is merged.
    TabCase("detect", "tiny_detr", check_detections, prepare=detect_at_threshold_zero),
    TabCase("generate", "tiny_gpt2", check_generation),
    TabCase("zero_shot", "tiny_nli", check_zero_shot),
    TabCase("ner", "tiny_ner", check_entities),
    TabCase("fill_mask", "tiny_masked_lm", check_fill_mask),
    TabCase("similarity", "bundled_minilm", check_similarity, link_model="tiny_encoder"),
    TabCase(
        "finetune",
        "tiny_encoder",  # a tiny headless BERT with MiniLM's vocabulary: the same lab, a fraction of the training
        check_finetune,
        prepare=finetune_one_epoch,
        run="finetune.train",
        done=finetune_done,
        link=False,  # the fine-tuning lab has no link button (a training run is not a link's job)
    ),
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
def bundled_minilm() -> str:
    """The model that ships inside a pip package: runs offline like any downloaded model."""
    return BUNDLED_MINILM


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def save_screenshot(page, folder: Path, name: str) -> Path:
    """``<name>.png``; when publishing (PLAYGROUND_SCREENSHOTS), also ``<name>.dark.png``, the same page dark."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    published = os.environ.get(SCREENSHOTS_ENV)
    if published:
        target = Path(published)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
        dark = folder / f"{name}.dark.png"
        with dark_mode(page):
            page.screenshot(path=str(dark), full_page=True)
        shutil.copyfile(dark, target / dark.name)
    return path


@contextmanager
def dark_mode(page) -> Iterator[None]:
    """The page in dark mode, as a browser set to dark shows it (gradio follows the system's colour scheme)."""
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => document.body.classList.contains('dark')")
    try:
        yield
    finally:
        page.emulate_media(color_scheme="light")
        page.wait_for_function("() => !document.body.classList.contains('dark')")


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
    # Pin the panel once its tab shows itself selected: "the visible panel", looked up again at each
    # use, could land on the previous tab's panel while the switch is under way. Each task's panel has the
    # element id ``tab-<id>`` (app.name_tab_panels); a nested tab's panel has none.
    page.get_by_role("tab", name=title, exact=True, selected=True).wait_for()  # an overflow tab moves into the bar
    panel = page.locator(f"#{page.locator('[role=tabpanel][id^=tab-]:visible').first.get_attribute('id')}")
    panel.wait_for(state="visible")
    return panel


def raw_panel(panel, text: dict[str, str]):
    return panel.get_by_test_id("json").filter(has_text=text["common.raw"])


COPY_TRIES = 3


def copy_raw(page, raw) -> Any:
    """The raw JSON a panel shows, read as a student would take it: its Copy button, then the clipboard."""
    copy = raw.get_by_role("button", name="Copy")
    # The clipboard is the browser's, shared by every page this worker opened: emptied first, so that what is
    # read is this click's copy, not an earlier test's (a click lost in a redraw is sent again).
    page.evaluate("navigator.clipboard.writeText('')")
    for _ in range(COPY_TRIES):
        try:
            copy.click(force=True, timeout=5_000)
        except PlaywrightError:  # redrawn mid-click ("outside of the viewport"): the same click, sent directly
            copy.dispatch_event("click")
        for _ in range(10):
            copied = page.evaluate("navigator.clipboard.readText()")
            if copied:
                return json.loads(copied)
            page.wait_for_timeout(100)
    pytest.fail(f"The raw output's Copy button put nothing on the clipboard ({COPY_TRIES} clicks)")


def run_and_read(page, panel, text: dict[str, str], run: str = "common.run", done=lambda raw: True) -> Any:
    """Click the run button; the raw JSON the page shows (through its Copy button), or fail with the error toast.

    A stream (generation, training) shows several JSON values: ``done`` says which one is the last.
    """
    panel.get_by_role("button", name=text[run], exact=True).first.click()
    raw = raw_panel(panel, text).first
    shown = raw.locator(".json-node").first
    toast = page.locator(".toast-body.error").first
    shown.or_(toast).wait_for(timeout=RESULT_TIMEOUT_MS)
    for _ in range(RESULT_TIMEOUT_MS // 500):
        if toast.is_visible():
            pytest.fail(f"The page showed an error instead of a result: {toast.inner_text()}")
        # force: while a stream (training) redraws the panel, the button is never "stable" for long; a click
        # that lands between two updates still copies a whole value, and the loop reads again until ``done``.
        value = copy_raw(page, raw)
        if done(value):
            return value
        page.wait_for_timeout(500)
    pytest.fail(f"The page's raw output never showed a finished result: {value}")


def is_example_load(response, row: int) -> bool:
    """The answer to an example click: a queue-less ``/run/predict`` call whose only input is the row's index."""
    if "/run/predict" not in response.url:
        return False
    return (response.request.post_data_json or {}).get("data") == [row]


def example_row(panel, row: int):
    """An example's first cell: a table row, or a button when the examples fill one input (gradio's gallery)."""
    return panel.get_by_test_id(f"dataset-cell-{row}-0").or_(panel.locator("button.gallery-item").nth(row)).first


def click_example(page, panel, row: int = 0) -> None:
    """Click an example row and wait until the page shows its values, so nothing typed later is overwritten.

    gradio loads an example through a request (``/run/predict``); all its values are applied in one update,
    so one input of the panel newly showing one of its texts (a dropdown shows the id inside its choice's
    name) means every input has it. An example whose texts are all already shown changes nothing to wait for.
    """
    inputs = "[role=tabpanel] textarea, [role=tabpanel] input"
    before = page.evaluate(f"() => [...document.querySelectorAll('{inputs}')].map(e => e.value)")
    with page.expect_response(lambda response: is_example_load(response, row)) as loaded:
        example_row(panel, row).click()
    data = loaded.value.json()["data"]
    values = [item.get("value") if isinstance(item, dict) else item for item in data]
    texts = [value for value in values if isinstance(value, str) and value and value not in before]
    texts = [text for text in texts if not any(text in shown for shown in before)]
    if texts:
        page.wait_for_function(
            f"texts => [...document.querySelectorAll('{inputs}')].some(e => texts.some(t => e.value.includes(t)))",
            arg=texts,
        )
    else:
        page.wait_for_timeout(500)  # nothing visible changes; gradio applies the values on its next tick


def set_model(panel, text: dict[str, str], model: str) -> None:
    box = panel.get_by_label(text["common.model"], exact=True)
    box.fill(model)
    box.press("Enter")


# --- the tests -------------------------------------------------------------------------------------------


def test_every_tab_has_a_browser_case():
    assert sorted(case.tab for case in TAB_CASES) == sorted(TAB_NAMES)


def check_the_page_in_its_language(page, panel, case: TabCase, text: dict[str, str], language: str) -> None:
    """What a tab shows besides its result after a run: the raw-output panel in this language, no label left
    as a raw i18n key, the run button; in Korean, no English tab title."""
    assert raw_panel(panel, text).count() >= 1  # the raw-output panel carries this language's label
    if case.example_headers:
        assert "__i18n__" not in page.locator("body").inner_text()  # no label left untranslated (a raw i18n key)
    assert panel.get_by_role("button", name=text[case.run], exact=True).first.is_visible()
    if language == "ko":
        english_title = strings(case.tab, "en")[case.title_key]
        assert page.get_by_role("tab", name=english_title, exact=True).count() == 0


# Each tab's first example runs in Korean as the first good run of its walk (tests/test_browser_walk.py), which
# also checks the page with ``check_the_page_in_its_language``. Publishing screenshots (PLAYGROUND_SCREENSHOTS) runs
# every first example here too, in English and Korean, for the README's pictures.
if os.environ.get(SCREENSHOTS_ENV):

    @pytest.mark.parametrize("language", ["en", "ko"])
    @pytest.mark.parametrize("case", TAB_CASES, ids=[case.tab for case in TAB_CASES])
    def test_first_example_runs_in_the_browser(case, language, request, shared_page, screenshot_dir):
        url, model = request.getfixturevalue(case.app), str(request.getfixturevalue(case.model))
        text = strings(case.tab, language)
        page = shared_page(url, language)  # each case uses its own tab: one page serves them all
        panel = select_tab(page, text[case.title_key])
        case.prepare(page, panel, text, model)
        case.check(run_and_read(page, panel, text, case.run, case.done), model)
        check_the_page_in_its_language(page, panel, case, text, language)
        save_screenshot(page, screenshot_dir, case.tab if language == "en" else f"{case.tab}.ko")


CLASSIFY = get_task("classify")
LINK_TEXT = "I like apple\n사과가 좋아요"


def classify_boxes(page):
    text = strings("classify", "en")
    panel = page.locator("[role=tabpanel][id^=tab-]:visible").first
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
#: The status line's words for a model folder on this machine (tabs/widgets/model_picker.py).
LINKED_FOLDER = "📁 A model folder on this machine."


@pytest.mark.parametrize("case", LINK_CASES, ids=[case.tab for case in LINK_CASES])
def test_a_link_selects_its_tab_and_its_copy_button_reproduces_the_link(case, request, page_for):
    url, model = request.getfixturevalue(case.app), str(request.getfixturevalue(case.link_model or case.model))
    tab, field, text = case.link_tab or case.tab, case.link_field, strings(case.tab, "en")
    page = page_for(url)
    page.goto(f"{url}?{urlencode({'tab': tab, field: model})}")
    wait_for_link_values(page)
    panel = page.locator("[role=tabpanel][id^=tab-]:visible").first
    assert selected_tab(page) == text[case.title_key]
    assert panel.get_by_label(text[case.link_label], exact=True).input_value() == model
    if case.link_status:  # the status line describes the linked folder, not the tab's default (issue 14, item 2)
        expect(panel).to_contain_text(LINKED_FOLDER, use_inner_text=True, timeout=30_000)
        page.wait_for_timeout(1_000)  # nothing later puts the default model's line back
        assert "Not downloaded" not in panel.inner_text()

    panel.get_by_role("button", name=text["common.copy_link"]).click()
    page.wait_for_function("() => [...document.querySelectorAll('textarea')].some(e => e.value.includes('?tab='))")
    link = panel.locator(".block").filter(has_text=text["common.link"]).last.locator("textarea").input_value()
    query = parse_qs(urlsplit(link).query)
    assert (query["tab"], query[field]) == ([tab], [model])


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


def test_the_cache_tab_lists_the_downloaded_models_without_a_refresh(app_url, cached_tiny_classifier, page_for):
    """The list of repositories on disk is there when the tab opens: no Refresh click needed."""
    text = strings("cache", "en")
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, text["cache.tab"])
    expect(panel).to_contain_text(cached_tiny_classifier, use_inner_text=True, timeout=30_000)
    assert "1 repositories" in panel.inner_text()  # the summary line above the table, filled by the same event


def test_a_typed_translation_model_runs_in_its_own_direction_at_once(app_url, tiny_marian, page_for):
    """A model id typed in the box, then Run straight away: the run uses the new model's languages (en → ko),
    not the ones the pickers showed for the previous model (ko → en), which the new model cannot do."""
    text = strings("translate", "en")
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, text["translate.tab"])
    click_example(page, panel)
    source = panel.get_by_label(text["translate.src_lang"], exact=True)
    page.wait_for_function("box => box.value === 'ko'", arg=source.element_handle())  # the default model's
    panel.get_by_label(text["common.model"], exact=True).fill(str(tiny_marian))  # typed, not yet committed

    check_translation(run_and_read(page, panel, text), str(tiny_marian))
    assert source.input_value() == "en"
    assert panel.get_by_label(text["translate.tgt_lang"], exact=True).input_value() == "ko"
