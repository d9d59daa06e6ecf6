"""The zero-shot, NER, fill-mask and similarity endpoints of the real app, called through gradio_client."""

import pytest
from gradio_client.exceptions import AppError

from core.inputs.text import MAX_CHARS
from core.registry import BUNDLED_MINILM

PARAMETERS = {
    "/zero_shot": ["text", "labels", "model", "multi_label", "hypothesis_template"],
    "/ner": ["text", "model", "aggregation_strategy"],
    "/fill_mask": ["text", "model", "top_k"],
    "/similarity": ["text", "model"],
}


@pytest.mark.parametrize(("endpoint", "names"), PARAMETERS.items())
def test_api_parameters_follow_the_design(endpoint, names, client):
    parameters = client.view_api(print_info=False, return_format="dict")["named_endpoints"][endpoint]["parameters"]
    assert [p["parameter_name"] for p in parameters][: len(names)] == names
    required = 3 if endpoint == "/zero_shot" else 2
    assert all(p["parameter_has_default"] for p in parameters[required:])


def test_zero_shot_returns_the_contract_json(client, tiny_nli):
    raw = client.predict("I love football", "sports, politics", str(tiny_nli), api_name="/zero_shot")[0]
    assert raw["sequence"] == "I love football" and sorted(raw["labels"]) == ["politics", "sports"]
    assert raw["scores"] == sorted(raw["scores"], reverse=True)


def test_ner_returns_entities_that_index_the_text(client, tiny_ner):
    text = "Sylvain works at Hugging Face in Brooklyn."
    raw = client.predict(text, str(tiny_ner), "first", api_name="/ner")[0]
    assert raw and all(set(e) == {"entity_group", "score", "word", "start", "end"} for e in raw)
    assert all(text[e["start"] : e["end"]].lower().replace(" ", "") == e["word"].replace(" ", "") for e in raw)


def test_fill_mask_returns_the_contract_json(client, tiny_masked_lm):
    raw = client.predict("Paris is the <mask> of France.", str(tiny_masked_lm), 4, api_name="/fill_mask")[0]
    assert len(raw) == 4 and all(set(c) == {"score", "token", "token_str", "sequence"} for c in raw)


def test_similarity_works_offline_with_the_bundled_default(client):
    raw = client.predict("I like apple\nI like pear", BUNDLED_MINILM, api_name="/similarity")[0]
    assert raw["sentences"] == ["I like apple", "I like pear"]
    assert raw["matrix"][0][0] == pytest.approx(1.0, abs=1e-5) and raw["matrix"][1][1] == pytest.approx(1.0, abs=1e-5)


def test_a_long_text_comes_back_truncated_with_a_notice(client, tiny_ner):
    text = ("Berlin " * (MAX_CHARS // 7 + 1))[:MAX_CHARS]
    raw, _highlighted, _table, notice, _code = client.predict(text, str(tiny_ner), "simple", api_name="/ner")
    assert "the model read only the first 510 tokens" in notice
    assert all(e["end"] <= 4000 for e in raw)


@pytest.mark.parametrize(
    ("args", "endpoint", "message"),
    [
        (("hi", "a, a", "{nli}"), "/zero_shot", "Duplicate labels"),
        (("hi", "a, b", "{mlm}"), "/zero_shot", "ForSequenceClassification"),
        (("   ", "{ner}"), "/ner", "The text is empty"),
        (("no blank", "{mlm}"), "/fill_mask", "no mask in the text"),
        (("a\nb", "google-t5/t5-small"), "/similarity", "not downloaded on this machine"),
    ],
)
def test_bad_input_is_a_clear_error_and_the_app_keeps_serving(
    args, endpoint, message, client, tiny_nli, tiny_ner, tiny_masked_lm
):
    paths = {"nli": str(tiny_nli), "ner": str(tiny_ner), "mlm": str(tiny_masked_lm)}
    with pytest.raises(AppError, match=message):
        client.predict(*[arg.format(**paths) for arg in args], api_name=endpoint)
    assert client.predict("a\nb", BUNDLED_MINILM, api_name="/similarity")[0]["sentences"] == ["a", "b"]
