"""The attention view in the browser (issue 18): after Run, switching layer and head redraws the head view
with that head's weights, read from the SVG's lines, against the /attention API's JSON; in English and Korean.

The launched app and the browser are the session's (``tests/conftest.py``); the page helpers are
``tests/test_browser.py``'s. With ``PLAYGROUND_SCREENSHOTS=docs/screenshots`` the view is saved for the README.
"""

import os
from pathlib import Path

import pytest

from tabs.widgets.attention_view import MIN_WEIGHT, SCALE
from tests.test_browser import (
    RESULT_TIMEOUT_MS,
    SCREENSHOTS_ENV,
    run_and_read,
    select_tab,
    set_model,
    strings,
)

SENTENCES = "I like apple pie\nI felt very sad"

READ_LINES = """board => ({
  layer: board.dataset.layer, head: board.dataset.head,
  svgs: board.querySelectorAll('svg.attn-svg').length,
  lines: [...board.querySelectorAll('svg.attn-svg')].map(svg => ({
    layer: Number(svg.dataset.layer), head: Number(svg.dataset.head),
    lines: [...svg.querySelectorAll('line.attn-line')].map(l => [Number(l.dataset.from), Number(l.dataset.to),
                                                                  Number(l.dataset.w)]),
  })),
  labels: [...board.querySelectorAll('text.attn-from')].map(t => t.firstChild.textContent),
})"""


def expected_lines(weights: list) -> dict[tuple[int, int], float]:
    """The lines the view must draw for one head: every weight worth a line, at the page's 4 decimals."""
    return {
        (i, j): round(w * SCALE) / SCALE for i, row in enumerate(weights) for j, w in enumerate(row) if w >= MIN_WEIGHT
    }


def assert_head_drawn(drawn: dict, weights: list) -> None:
    lines = {(int(i), int(j)): w for i, j, w in drawn["lines"]}
    expected = expected_lines(weights)
    assert set(lines) == set(expected)
    assert all(abs(lines[key] - expected[key]) < 1e-9 for key in expected)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_switching_layer_and_head_redraws_that_heads_weights(language, app_url, client, tiny_classifier, page_for):
    model = str(tiny_classifier)
    text = strings("classify", language)
    page = page_for(app_url, language)
    page.goto(app_url)
    panel = select_tab(page, text["classify.tab"])
    panel.get_by_label(text["classify.text"]).fill(SENTENCES)
    set_model(panel, text, model)
    panel.get_by_text(text["attention.title"], exact=True).click()
    panel.get_by_role("button", name=text["attention.run"], exact=True).click()
    board = panel.locator(".attention-view .attn-view > div").nth(1)
    panel.locator(".attention-view svg.attn-svg").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    raw = client.predict("I like apple pie", model, api_name="/attention")  # the first sentence, as the tab sends
    weights = raw["attention"]

    first = board.evaluate(READ_LINES)
    assert (first["layer"], first["head"], first["svgs"]) == ("0", "0", 1)
    assert first["labels"] == ["[CLS]", "I", "like", "apple", "pie", "[SEP]"]  # the student's own characters
    assert_head_drawn(first["lines"][0], weights[0][0])

    view = panel.locator(".attention-view")
    view.locator("select.attn-layer").select_option(index=1)
    view.locator("select.attn-head").select_option(index=1)
    second = board.evaluate(READ_LINES)
    assert (second["layer"], second["head"]) == ("1", "1")
    assert_head_drawn(second["lines"][0], weights[1][1])
    assert expected_lines(weights[1][1]) != expected_lines(weights[0][0])

    view.locator("select.attn-head").select_option(index=raw["num_heads"])  # the last option: all heads
    every = board.evaluate(READ_LINES)
    assert every["svgs"] == raw["num_heads"]
    for drawn in every["lines"]:
        assert drawn["layer"] == 1
        assert_head_drawn(drawn, weights[1][drawn["head"]])
    label = "헤드" if language == "ko" else "Head"
    assert view.locator("label", has_text=label).count() >= 1

    published = os.environ.get(SCREENSHOTS_ENV)
    if published and language == "en":
        view.locator("select.attn-head").select_option(index=0)
        Path(published).mkdir(parents=True, exist_ok=True)
        panel.locator(".attention-panel").screenshot(path=str(Path(published) / "attention.png"))


READ_GRID = """view => ({
  from: [...view.querySelectorAll('svg.attn-svg text.attn-from')].map(t => t.firstChild.textContent),
  to: [...view.querySelectorAll('svg.attn-svg text.attn-to')].map(t => t.firstChild.textContent),
  dimmed: [...view.querySelectorAll('svg.attn-svg text.attn-to')].map(t => t.classList.contains('special')),
  lines: [...view.querySelectorAll('svg.attn-svg line.attn-line')].map(l => [Number(l.dataset.from),
          Number(l.dataset.to), Number(l.dataset.w)]),
})"""


def _show_attention(panel, text: dict[str, str]) -> dict:
    """Open the tab's attention panel, run it, and read the drawn head (layer 1, head 1 of the first grid)."""
    panel.get_by_text(text["attention.title"], exact=True).click()
    panel.get_by_role("button", name=text["attention.run"], exact=True).click()
    view = panel.locator(".attention-view .attn-view")
    drawn, toast = view.locator("svg.attn-svg").first, panel.page.locator(".toast-body.error").first
    drawn.or_(toast).wait_for(timeout=RESULT_TIMEOUT_MS)
    assert not toast.is_visible(), toast.inner_text()
    return view.evaluate(READ_GRID)


def test_the_qa_summary_zero_shot_and_translation_tabs_show_the_attention_of_what_their_model_read(
    app_url, client, page_for, tiny_qa, tiny_t5, tiny_nli
):
    page = page_for(app_url, "en")
    page.goto(app_url)

    # Question answering: question and context as one sequence, as the model reads them.
    text = {**strings("classify", "en"), **strings("answer", "en")}
    panel = select_tab(page, text["answer.tab"])
    question, context = "Where is it based?", "Hugging Face is based in New York."
    panel.get_by_label(text["answer.question"], exact=True).fill(question)
    panel.get_by_label(text["answer.context"]).fill(context)
    set_model(panel, text, str(tiny_qa))
    drawn = _show_attention(panel, text)
    raw = client.predict(question, str(tiny_qa), context, api_name="/attention")
    assert drawn["from"][:5] == ["[CLS]", "Where", "is", "it", "based"] and "york" in raw["tokens"]
    assert len(drawn["from"]) == len(raw["tokens"]) and raw["tokens"].count("[SEP]") == 2
    assert_head_drawn(drawn, raw["attention"][0][0])

    # Summarization: the decoder's cross-attention over the source, after T5's task prefix (dimmed).
    text = {**strings("classify", "en"), **strings("summarize", "en")}
    panel = select_tab(page, text["summarize.tab"])
    source = "The city opened a new library downtown."
    panel.get_by_label(text["summarize.text"], exact=True).fill(source)
    set_model(panel, text, str(tiny_t5))
    drawn = _show_attention(panel, text)
    raw = client.predict(source, str(tiny_t5), "", api_name="/attention")  # no summary on screen: its own
    assert raw["kind"] == "seq2seq" and raw["prefix"] == "summarize: "
    assert len(drawn["to"]) == len(raw["tokens"]) and len(drawn["from"]) == len(raw["target_tokens"])
    assert drawn["dimmed"][0] and not drawn["dimmed"][drawn["to"].index("city")]  # the prefix is not the student's
    assert_head_drawn(drawn, raw["cross_attention"][0][0])

    # Zero-shot: before a run there is no best label to judge; after it, the text beside that label's hypothesis.
    text = {**strings("classify", "en"), **strings("zero_shot", "en")}
    panel = select_tab(page, text["zero_shot.tab"])
    panel.get_by_label(text["zero_shot.text"], exact=True).fill("A man plays the guitar.")
    panel.get_by_label(text["zero_shot.labels"]).fill("music, sports")
    set_model(panel, text, str(tiny_nli))
    panel.get_by_text(text["attention.title"], exact=True).click()
    panel.get_by_role("button", name=text["attention.run"], exact=True).click()
    toast = page.locator(".toast-body.error").first
    toast.wait_for(timeout=RESULT_TIMEOUT_MS)
    assert "Classify the text first" in toast.inner_text()
    page.locator(".toast-close").first.click()  # closed, as a student would, before the run
    toast.wait_for(state="hidden")
    zero_shot = run_and_read(page, panel, text)
    panel.get_by_role("button", name=text["attention.run"], exact=True).click()
    view = panel.locator(".attention-view .attn-view")
    view.locator("svg.attn-svg").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    drawn = view.evaluate(READ_GRID)
    hypothesis = f"This example is {zero_shot['labels'][0]}."
    raw = client.predict("A man plays the guitar.", str(tiny_nli), hypothesis, api_name="/attention")
    assert len(drawn["from"]) == len(raw["tokens"]) and raw["tokens"].count("[SEP]") == 2
    assert zero_shot["labels"][0] in drawn["from"]  # the best label's hypothesis is the pair
    assert_head_drawn(drawn, raw["attention"][0][0])

    # Translation: T5 translates behind a prefix that names the pair; the view reads the pair the boxes show
    # (chosen here: English → French), its prefix drawn dimmed, as the translation itself runs.
    text = {**strings("classify", "en"), **strings("translate", "en")}
    panel = select_tab(page, text["translate.tab"])
    source = "The house is wonderful."
    panel.get_by_label(text["translate.text"], exact=True).fill(source)
    set_model(panel, text, str(tiny_t5))
    target = panel.get_by_label(text["translate.tgt_lang"], exact=True)
    page.wait_for_function("box => box.value === 'de'", arg=target.element_handle())  # the model's first pair
    target.click()
    page.get_by_role("option", name="fr", exact=True).click()
    page.wait_for_function("box => box.value === 'fr'", arg=target.element_handle())
    drawn = _show_attention(panel, text)
    raw = client.predict(source, str(tiny_t5), src_lang="en", tgt_lang="fr", api_name="/attention")
    assert raw["prefix"] == "translate English to French: " and (raw["src_lang"], raw["tgt_lang"]) == ("en", "fr")
    assert len(drawn["to"]) == len(raw["tokens"]) and len(drawn["from"]) == len(raw["target_tokens"])
    assert drawn["dimmed"][0] and not drawn["dimmed"][drawn["to"].index("house")]  # the prefix is not the student's
    assert_head_drawn(drawn, raw["cross_attention"][0][0])
