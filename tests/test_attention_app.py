"""/attention through the launched app: the API's JSON, and its messages for a remote backend or a wrong model."""

import pytest
import torch
from gradio_client.exceptions import AppError

from core.call import CallContext
from core.insight.attention import attention

TEXT = "I like apple"


def test_the_api_returns_the_same_weights_as_core(client, tiny_classifier):
    raw = client.predict(TEXT, str(tiny_classifier), api_name="/attention")
    expected = attention(TEXT, str(tiny_classifier), CallContext()).to_json()
    assert raw["tokens"] == expected["tokens"] == ["[CLS]", "i", "like", "apple", "[SEP]"]
    assert torch.allclose(torch.tensor(raw["attention"]), torch.tensor(expected["attention"]), atol=1e-6)
    sums = torch.tensor(raw["attention"]).sum(-1)
    assert torch.allclose(sums, torch.ones_like(sums), atol=1e-5)


def test_the_api_aligns_a_translation(client, tiny_marian):
    raw = client.predict(TEXT, str(tiny_marian), "hello world", api_name="/attention")
    assert raw["kind"] == "seq2seq" and "hello" in raw["target_tokens"]
    assert len(raw["cross_attention"][0][0]) == len(raw["target_tokens"])


def test_the_remote_backend_says_the_view_needs_the_model_here(client, tiny_classifier):
    with pytest.raises(AppError, match="needs the model on this machine"):
        client.predict(TEXT, str(tiny_classifier), "", "auto", "en", "remote", api_name="/attention")


@pytest.mark.parametrize("language, words", [("en", "decoder-only"), ("ko", "디코더 전용")])
def test_a_decoder_only_model_is_refused_in_the_users_language(client, tiny_gpt2, language, words):
    with pytest.raises(AppError, match=words):
        client.predict(TEXT, str(tiny_gpt2), "", "auto", language, api_name="/attention")


def test_a_panel_reading_more_than_two_extra_inputs_is_refused_when_the_app_is_built():
    """The panel's handler takes the text, the model and at most two more values before the settings."""
    import gradio as gr

    from tabs.widgets.attention_view import attention_panel

    with gr.Blocks():
        boxes = [gr.Textbox() for _ in range(5)]
        with pytest.raises(ValueError, match="at most two more inputs"):
            attention_panel(None, boxes, task="classify")
