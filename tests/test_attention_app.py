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


def test_the_api_translates_in_the_direction_it_is_given(client, tiny_t5):
    """With src_lang/tgt_lang the model is read as a translator: T5's encoder sees its translation prefix."""
    raw = client.predict(TEXT, str(tiny_t5), src_lang="en", tgt_lang="de", api_name="/attention")
    assert raw["prefix"] == "translate English to German: " and (raw["src_lang"], raw["tgt_lang"]) == ("en", "de")
    assert client.predict(TEXT, str(tiny_t5), api_name="/attention")["prefix"] == "summarize: "


def test_the_remote_backend_says_the_view_needs_the_model_here(client, tiny_classifier):
    with pytest.raises(AppError, match="needs the model on this machine"):
        client.predict(TEXT, str(tiny_classifier), language="en", backend="remote", api_name="/attention")


@pytest.mark.parametrize("language, words", [("en", "decoder-only"), ("ko", "디코더 전용")])
def test_a_decoder_only_model_is_refused_in_the_users_language(client, tiny_gpt2, language, words):
    with pytest.raises(AppError, match=words):
        client.predict(TEXT, str(tiny_gpt2), language=language, api_name="/attention")


def test_a_panels_handler_hands_each_extra_input_to_prepare_and_takes_the_settings_after_them(tiny_classifier):
    """gradio passes a panel's inputs, then the settings: the handler names exactly the panel's extra inputs."""
    import inspect

    from tabs.context import AppContext
    from tabs.widgets.attention_view import _panel_handler

    seen = []

    def prepare(text, *extras):
        seen.append(extras)
        return text, ""

    handler = _panel_handler(AppContext(), "classify", prepare, 3)
    names = list(inspect.signature(handler).parameters)
    assert names[:7] == ["text", "model", "extra_0", "extra_1", "extra_2", "device", "language"]
    view, _, code = handler(TEXT, str(tiny_classifier), "a", "b", "c", "cpu", "en")
    assert seen == [("a", "b", "c")]
    assert "attn-data" in view and "I like apple" in code
