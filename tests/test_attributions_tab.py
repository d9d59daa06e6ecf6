"""The attributions view: its handler (contract JSON first, escaped shading, the completeness numbers, clear
errors in both languages), its one public endpoint, and the real app through gradio_client."""

import re

import gradio as gr
import pytest
from gradio_client.exceptions import AppError

from tabs.context import AppContext
from tabs.widgets.attribution_view import (
    AGAINST_RGB,
    FOR_RGB,
    TEXT_COLOUR,
    make_handler,
    shade,
    shading_html,
    targets_from,
)


def handler():
    return make_handler(AppContext())


def test_handler_returns_the_json_first_then_the_view(tiny_classifier):
    raw, html, numbers, table, code = handler()("I like apple", str(tiny_classifier), "positive", steps=8)
    assert raw["tokens"] == ["[CLS]", "i", "like", "apple", "[SEP]"] and len(raw["scores"]) == 5
    shown = [float(score) for score in re.findall(r'data-score="([^"]+)"', html)]
    assert shown == raw["scores"]
    assert f"{raw['completeness']['f_input']:.4f}" in numbers and "8 steps" in numbers
    assert {row[1] for row in table} <= set(raw["tokens"]) and len(table) == 5
    assert abs(table[0][2]) == pytest.approx(max(abs(s) for s in raw["scores"]), abs=1e-6)
    assert "LayerIntegratedGradients" in code and "n_steps=8" in code


def test_the_numbers_are_told_in_korean(tiny_classifier):
    *_, numbers, _table, _code = handler()(
        "I like apple", str(tiny_classifier), "", "gradient_x_input", 50, "", "", "probability", "cpu", "ko"
    )
    assert "1차 근사" in numbers


def test_typed_text_is_escaped_in_the_shading(tiny_classifier):
    _raw, html, *_ = handler()("<img src=x onerror=alert(1)> ok", str(tiny_classifier), steps=2)
    assert "<img" not in html and "&lt;" in html


def test_a_zero_shot_label_is_escaped_too(tiny_nli):
    raw, html, numbers, *_ = handler()("hi there", str(tiny_nli), "<b>bold</b>", steps=2, labels="<b>bold</b>, plain")
    assert "<b>" not in html and "&lt;b&gt;" in html and "<b>" not in numbers
    assert "example" in raw["tokens"]  # the hypothesis is part of what the model read


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "whole number from 1 to 300"),
        ({"steps": 1000}, "whole number from 1 to 300"),
        ({"target": "joy"}, "Unknown target label 'joy'"),
        ({"method": "lime"}, "Unknown attribution method 'lime'"),
        ({"output": "loss"}, "Unknown output 'loss'"),
        ({"backend": "remote"}, "need the model on this machine"),
        ({"text": "  "}, "The text is empty"),
    ],
)
def test_bad_input_is_a_clear_gr_error(tiny_classifier, kwargs, message):
    arguments = {"text": "I like apple", "model": str(tiny_classifier), **kwargs}
    with pytest.raises(gr.Error, match=message):
        handler()(**arguments)


def test_errors_follow_the_language(tiny_classifier):
    with pytest.raises(gr.Error, match="1~300 사이의 정수"):
        handler()("I like apple", str(tiny_classifier), steps=0, language="ko")
    with pytest.raises(gr.Error, match="이 컴퓨터에 있어야"):
        handler()("I like apple", str(tiny_classifier), backend="remote", language="ko")


def test_a_model_of_the_wrong_kind_is_a_clear_error(tiny_masked_lm):
    with pytest.raises(gr.Error, match="BertForMaskedLM"):
        handler()("hi", str(tiny_masked_lm))


def test_the_label_list_comes_from_the_tasks_raw_json():
    sentiment = [{"label": "positive", "score": 0.7}, {"label": "negative", "score": 0.3}]
    assert targets_from(sentiment)["choices"] == ["positive", "negative"]
    assert targets_from([sentiment, sentiment[::-1]])["value"] == "positive"
    assert targets_from({"sequence": "x", "labels": ["b", "a"], "scores": [0.6, 0.4]})["value"] == "b"


def _luminance(rgb: tuple[int, ...]) -> float:
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("score", [1.0, -1.0, 0.5, -0.2, 0.0])
def test_token_text_keeps_accessible_contrast_on_every_shade(score):
    background = tuple(int(v) for v in re.findall(r"\d+", shade(score, 1.0)))
    text = tuple(int(TEXT_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    lighter, darker = sorted([_luminance(background), _luminance(text)], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_for_and_against_get_different_colours():
    assert shade(1, 1) == "rgb({}, {}, {})".format(*FOR_RGB) and shade(-1, 1) == "rgb({}, {}, {})".format(*AGAINST_RGB)
    assert shade(0, 1) == "rgb(255, 255, 255)" and shade(0.5, 0) == "rgb(255, 255, 255)"


def test_shading_marks_the_target(tiny_classifier):
    from core.insight.attributions import explain

    html = shading_html(explain("I like apple", str(tiny_classifier), "neutral", steps=2))
    assert 'data-target="neutral"' in html and html.count('class="attribution-token"') == 5


# --- the real app ---------------------------------------------------------------------------------------


def test_the_endpoint_is_registered_once_and_takes_the_designs_parameters(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert [name for name in endpoints if name.startswith("/attributions")] == ["/attributions"]
    names = [p["parameter_name"] for p in endpoints["/attributions"]["parameters"]]
    assert names[:5] == ["text", "model", "target", "method", "steps"]


def test_the_endpoint_gives_the_contract_json(client, tiny_classifier):
    raw = client.predict(
        "I like apple", str(tiny_classifier), "positive", "integrated_gradients", 20, api_name="/attributions"
    )[0]
    assert raw["method"] == "integrated_gradients" and raw["steps"] == 20
    completeness = raw["completeness"]
    assert sum(raw["scores"]) == pytest.approx(completeness["f_input"] - completeness["f_baseline"], abs=1e-5)


def test_the_endpoint_explains_zero_shot_with_labels(client, tiny_nli):
    raw = client.predict("I love football", str(tiny_nli), "", api_name="/attributions", labels="sports, politics")[0]
    assert raw["tokens"].count("[SEP]") == 2


def test_the_endpoint_refuses_bad_steps_and_keeps_serving(client, tiny_classifier):
    with pytest.raises(AppError, match="whole number from 1 to 300"):
        client.predict("I like apple", str(tiny_classifier), "", "integrated_gradients", 0, api_name="/attributions")
    with pytest.raises(AppError, match="'lime'.*not in the list of choices"):
        client.predict("I like apple", str(tiny_classifier), "", "lime", api_name="/attributions")
    assert client.predict("I like apple", str(tiny_classifier), api_name="/attributions")[0]["steps"] == 50


def test_after_a_remote_run_the_view_says_it_needs_the_model_here(tiny_classifier):
    raw, html, numbers, table, code = make_handler(AppContext(), after_run=True)(
        "I like apple", str(tiny_classifier), backend="remote", language="ko"
    )
    assert raw is None and html == "" and "이 컴퓨터에 있어야" in numbers and table is None
