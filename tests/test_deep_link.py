"""Links that open a tab with its inputs filled: every value checked like any other input."""

import gradio as gr
import pytest

from tabs.deep_link import MAX_LINK_TEXT, LinkTarget, fill_from_url

TEXT = gr.Textbox()
MODEL = gr.Dropdown(choices=["org/a", "org/b"], allow_custom_value=True)
STRATEGY = gr.Radio(choices=[("Simple", "simple"), ("None", "none")])
THRESHOLD = gr.Slider(0, 1, step=0.05)
TOP_K = gr.Slider(1, 50, step=1)
MULTI = gr.Checkbox()
TARGETS = [
    LinkTarget("classify", {"text": TEXT, "model": MODEL}),
    LinkTarget("ner", {"text": TEXT, "strategy": STRATEGY, "threshold": THRESHOLD, "top_k": TOP_K, "multi": MULTI}),
]


def test_a_link_selects_its_tab_and_fills_its_inputs():
    tab, values = fill_from_url({"tab": "classify", "text": "I like apple", "model": "org/c"}, TARGETS, False)
    assert tab == "classify"
    assert values == {TEXT: "I like apple", MODEL: "org/c"}


def test_no_or_unknown_tab_changes_nothing():
    assert fill_from_url({}, TARGETS, False) == (None, {})
    assert fill_from_url({"tab": "../../etc", "text": "x"}, TARGETS, False) == (None, {})


@pytest.mark.parametrize("model", ["../../etc", "/etc/passwd", "https://evil.example/x", "org/na..me", "a\x00b"])
def test_hostile_model_ids_are_dropped(model):
    _, values = fill_from_url({"tab": "classify", "model": model}, TARGETS, True)
    assert MODEL not in values


def test_local_paths_are_dropped_in_public_mode(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert fill_from_url({"tab": "classify", "model": str(tmp_path)}, TARGETS, False)[1][MODEL] == str(tmp_path)
    assert MODEL not in fill_from_url({"tab": "classify", "model": str(tmp_path)}, TARGETS, True)[1]


def test_text_loses_control_characters_and_is_capped():
    _, values = fill_from_url({"tab": "classify", "text": "a\x00b\u202ec\nd" + "x" * 5000}, TARGETS, False)
    assert values[TEXT].startswith("abc\nd")
    assert len(values[TEXT]) == MAX_LINK_TEXT


def test_numbers_are_clamped_and_choices_checked():
    params = {"tab": "ner", "strategy": "max", "threshold": "7", "top_k": "3.0", "multi": "true"}
    _, values = fill_from_url(params, TARGETS, False)
    assert STRATEGY not in values  # "max" is not one of the choices
    assert values[THRESHOLD] == 1.0
    assert values[TOP_K] == 3 and isinstance(values[TOP_K], int)
    assert values[MULTI] is True
    _, values = fill_from_url({"tab": "ner", "threshold": "nan", "strategy": "simple"}, TARGETS, False)
    assert THRESHOLD not in values and values[STRATEGY] == "simple"


def test_the_notice_for_an_unknown_tab_quotes_it_as_text_in_the_students_language():
    from tabs.deep_link import unknown_tab_notice
    from tabs.literal import markdown_without_html

    english = unknown_tab_notice("<img src=x onerror=alert(1)>", ["classify", "ner"], "😊 Sentiment", "en")
    assert "so it opened 😊 Sentiment" in english and "`classify`, `ner`" in english
    assert "<img" not in markdown_without_html(english) and "&#60;img" in markdown_without_html(english)
    korean = unknown_tab_notice("x" * 500, ["classify"], "😊 감성 분석", "ko")
    assert "😊 감성 분석 탭을 열었어요" in korean and "x" * 41 not in korean
