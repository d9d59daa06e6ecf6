"""The attributions view in a real browser: after Run in the sentiment tab the predicted label is explained, and
choosing another label redraws the shading and the table, each matching the JSON of ``/attributions``.

With ``PLAYGROUND_SCREENSHOTS=docs/screenshots`` it also publishes ``attributions.png`` (and Korean, dark).
The page is read as drawn: each token's shade and ``data-score``, the top-tokens table's cells. The launched
app, the browser and the page helpers are the session's (``tests/conftest.py``, ``tests/test_browser.py``).
"""

import pytest

from tabs.widgets.attribution_view import TOP_TOKENS, shade
from tests.test_attributions import SENTENCE, sharp_classifier  # noqa: F401 (a fixture)
from tests.test_browser import RESULT_TIMEOUT_MS, save_screenshot, screenshot_dir, select_tab, set_model, strings  # noqa: F401
from tests.test_browser_views import READ_TABLE, block_labelled, text_box

READ_SHADING = """panel => {
  const view = panel.querySelector('.attribution-text');
  if (!view) return null;
  return {
    target: view.dataset.target,
    tokens: [...view.querySelectorAll('.attribution-token')].map(span => ({
      text: span.textContent, score: Number(span.dataset.score), background: span.style.backgroundColor,
    })),
  };
}"""


def shading_for(page, panel, target: str) -> dict:
    """The view once it explains ``target``."""
    panel.locator(f'.attribution-text[data-target="{target}"]').wait_for(timeout=RESULT_TIMEOUT_MS)
    return panel.evaluate(READ_SHADING)


def check_matches_the_json(page, panel, text: dict[str, str], shown: dict, raw: dict) -> None:
    assert [token["text"] for token in shown["tokens"]] == raw["tokens"]
    assert [token["score"] for token in shown["tokens"]] == pytest.approx(raw["scores"], abs=1e-9)
    peak = max(abs(score) for score in raw["scores"])
    assert [token["background"] for token in shown["tokens"]] == [shade(score, peak) for score in raw["scores"]]
    table = block_labelled(page, panel, text["attributions.table"])
    ranked = sorted(zip(raw["tokens"], raw["scores"], strict=True), key=lambda pair: -abs(pair[1]))[:TOP_TOKENS]
    top = ranked[0][0]
    first_cell = "[role=gridcell][data-row='0'][data-col='1']"
    page.wait_for_function(
        f'([block, token]) => block.querySelector("{first_cell}")?.innerText.trim() === token',
        arg=[table.element_handle(), top],
        timeout=RESULT_TIMEOUT_MS,
    )
    rows = table.evaluate(READ_TABLE)
    assert [row[1] for row in rows] == [token for token, _ in ranked]
    assert [float(row[2]) for row in rows] == pytest.approx([score for _, score in ranked], abs=1e-6)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_choosing_another_label_redraws_the_shading(
    language,
    page_for,
    app_url,
    client,
    sharp_classifier,  # noqa: F811
    screenshot_dir,  # noqa: F811
):
    text = strings("classify", language)
    page = page_for(app_url, language)
    page.goto(app_url)
    panel = select_tab(page, text["classify.tab"])
    text_box(panel, text["classify.text"]).fill(SENTENCE)
    set_model(panel, text, str(sharp_classifier))
    panel.get_by_role("button", name=text["common.run"], exact=True).first.click()

    model = str(sharp_classifier)
    predicted = client.predict(SENTENCE, model, api_name="/classify")[0][0]["label"]
    first = shading_for(page, panel, predicted)
    raw = client.predict(SENTENCE, model, predicted, api_name="/attributions")[0]
    check_matches_the_json(page, panel, text, first, raw)
    numbers = "점수의 합은" if language == "ko" else "The scores add up to the difference"
    panel.get_by_text(numbers).wait_for()

    other = next(label for label in ("negative", "neutral", "positive") if label != predicted)
    panel.get_by_label(text["attributions.target"]).click()
    page.get_by_role("option", name=other, exact=True).click()
    second = shading_for(page, panel, other)
    raw_other = client.predict(SENTENCE, model, other, api_name="/attributions")[0]
    assert second["tokens"] != first["tokens"]
    check_matches_the_json(page, panel, text, second, raw_other)
    panel.locator(".attribution-text").scroll_into_view_if_needed()
    save_screenshot(page, screenshot_dir, "attributions" if language == "en" else "attributions.ko")
