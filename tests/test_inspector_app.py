"""The inspector through the door users use: gradio_client on the launched app."""

import pytest
from gradio_client.exceptions import AppError

from core.registry import BUNDLED_MINILM


def test_inspect_endpoint_reports_the_bundled_minilm(client):
    raw = client.predict(BUNDLED_MINILM, api_name="/inspect")[0]
    assert (raw["num_hidden_layers"], raw["hidden_size"], raw["num_attention_heads"]) == (6, 384, 12)
    assert raw["num_parameters"] == 22_713_216
    assert any(f["name"] == "model.safetensors" and f["size"] > 80_000_000 for f in raw["files"])


def test_inspect_api_takes_model_first(client):
    parameters = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/inspect"]["parameters"]
    assert parameters[0]["parameter_name"] == "model"
    assert all(p["parameter_has_default"] for p in parameters[1:])


def test_run_model_endpoint_gives_shapes(client, tiny_classifier):
    raw = client.predict("I like apple", str(tiny_classifier), api_name="/run_model")[0]
    assert raw["logits_shape"] == [1, 3]


def test_inspect_missing_model_is_a_clear_error(client):
    with pytest.raises(AppError, match="not downloaded on this machine"):
        client.predict("google-bert/bert-base-uncased", api_name="/inspect")


def test_compare_a_model_with_itself_is_a_clear_error(client):
    with pytest.raises(AppError, match="comparing a model with itself"):
        client.predict("hi", BUNDLED_MINILM, BUNDLED_MINILM, 3, api_name="/compare")


def test_embeddings_endpoint_gives_token_vectors(client):
    raw = client.predict("apple banana", BUNDLED_MINILM, api_name="/embeddings")[0]
    assert raw["tokens"] == ["[CLS]", "apple", "banana", "[SEP]"] and raw["hidden_size"] == 384
