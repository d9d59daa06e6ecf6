"""The logit lens and "branch from any token" as a student uses them (issue 18), in English and Korean.

After Run in the generation tab, the lens grid under the next-token panel shows, cell by cell, the tokens and
probabilities of the lens's JSON (read through its Copy button). A click on a next-token candidate appends that
token to the prompt and generates on: the prompt box and the generated text start with prompt + token.
With ``PLAYGROUND_SCREENSHOTS=docs/screenshots`` the grid is saved there (``logit_lens.png``, ``.ko.png``).
"""

import os
from pathlib import Path

import pytest

from tabs.logit_lens import STRINGS as LENS_STRINGS
from tabs.widgets.logit_lens_view import shown_probability
from tests.test_browser import (
    RESULT_TIMEOUT_MS,
    SCREENSHOTS_ENV,
    click_example,
    copy_raw,
    raw_panel,
    run_and_read,
    select_tab,
    set_model,
    strings,
)
from tests.test_browser_views import block_labelled, read_table, text_box, wait_for

READ_GRID = """block => [...block.querySelectorAll('td.lens-cell')].map(cell => ({
  layer: Number(cell.dataset.layer), rank: Number(cell.dataset.rank), id: Number(cell.dataset.id),
  token: cell.querySelector('.lens-token').innerText, p: cell.querySelector('.lens-p').innerText,
}))"""
#: How the candidates table and the grid write spaces, line breaks and tabs (core.generation.next_token).
VISIBLE = {"␣": " ", "↵": "\n", "⇥": "\t"}


def readable(token: str) -> str:
    for shown, real in VISIBLE.items():
        token = token.replace(real, shown)
    return token or "∅"


def real_token(shown: str) -> str:
    for visible, real in VISIBLE.items():
        shown = shown.replace(visible, real)
    return shown


def generation_run(page, language: str, model: str):
    text = strings("generate", language)
    panel = select_tab(page, text["generate.tab"])
    click_example(page, panel)
    set_model(panel, text, model)
    raw = run_and_read(page, panel, text)
    return text, panel, raw


def lens_json(page, panel, text: dict[str, str]) -> dict:
    panel.get_by_text(text["lens.details"], exact=True).first.click()
    shown = panel.get_by_test_id("json").filter(has_text=text["lens.json"]).first
    shown.locator(".json-node").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    return copy_raw(page, shown)


def grid_cells(page, panel, text: dict[str, str]) -> tuple:
    """The grid's cells as drawn, the lens's JSON, and the grid's block."""
    grid = block_labelled(page, panel, text["lens.grid"])
    cells = wait_for(lambda: grid.evaluate(READ_GRID), lambda cells: [] if cells else ["no cells"], "the lens grid")
    raw = lens_json(page, panel, text)
    expected = [
        {"layer": row["layer"], "rank": rank, "id": top["id"], "token": readable(top["token"])}
        | {"p": shown_probability(top["p"])}
        for row in raw["layers"]
        for rank, top in enumerate(row["top"], start=1)
    ]
    assert cells == expected
    return cells, raw, grid


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_lens_grid_after_run_shows_the_jsons_tokens_and_probabilities(app_url, tiny_gpt2, page_for, language):
    page = page_for(app_url, language)
    page.goto(app_url)
    text, panel, _ = generation_run(page, language, str(tiny_gpt2))
    _, raw, grid = grid_cells(page, panel, text)
    assert [row["layer"] for row in raw["layers"]] == [0, 1, 2]  # the embeddings and tiny GPT-2's two layers
    assert grid.get_by_role("rowheader").count() == 3 and grid.locator("td.lens-cell").first.is_visible()
    published = os.environ.get(SCREENSHOTS_ENV)
    if published:
        Path(published).mkdir(parents=True, exist_ok=True)
        grid.screenshot(path=str(Path(published) / f"logit_lens{'' if language == 'en' else '.ko'}.png"))


def test_the_fill_mask_tab_shows_the_lens_at_the_mask(app_url, tiny_masked_lm, page_for):
    page = page_for(app_url, "ko")
    page.goto(app_url)
    text = {**strings("fill_mask", "ko"), **LENS_STRINGS["ko"]}
    panel = select_tab(page, text["fill_mask.tab"])
    click_example(page, panel)
    set_model(panel, text, str(tiny_masked_lm))
    run_and_read(page, panel, text)
    cells, raw, _ = grid_cells(page, panel, text)
    assert raw["tokens"][raw["position"]] == "[MASK]"
    assert {cell["layer"] for cell in cells} == set(range(len(raw["layers"])))


@pytest.mark.parametrize("language", ["en", "ko"])
def test_clicking_a_candidate_appends_it_to_the_prompt_and_generates_on(app_url, tiny_gpt2, page_for, language):
    page = page_for(app_url, language)
    page.goto(app_url)
    text, panel, first = generation_run(page, language, str(tiny_gpt2))
    prompt = text_box(panel, text["generate.text"]).input_value()
    table = block_labelled(page, panel, text["generate.next_table"])
    rows = wait_for(lambda: read_table(table), lambda rows: [] if rows else ["no rows"], "the candidates table")
    # A token that ends in whitespace would be trimmed with the prompt: choose the best one that does not.
    row = next(i for i, cells in enumerate(rows) if not real_token(cells[1])[-1:].isspace() and cells[1] != "∅")
    chosen = real_token(rows[row][1])
    table.locator(f"[role=gridcell][data-row='{row}'][data-col='1']").first.click()
    box = text_box(panel, text["generate.text"])
    wait_for(
        box.input_value, lambda value: [] if value == prompt + chosen else [f"prompt box: {value!r}"], "the prompt"
    )
    raw = raw_panel(panel, text).first
    generated = ""
    for _ in range(RESULT_TIMEOUT_MS // 500):
        value = copy_raw(page, raw)
        generated = value[0]["generated_text"] if isinstance(value, list) and value else ""
        if value != first and generated.startswith(prompt + chosen) and len(generated) > len(prompt + chosen):
            break
        page.wait_for_timeout(500)
    assert generated.startswith(prompt + chosen) and len(generated) > len(prompt + chosen), generated
    assert box.input_value() == prompt + chosen
