"""/answer, /summarize and /translate on the real app, through gradio_client."""

import pytest
from gradio_client.exceptions import AppError


@pytest.mark.parametrize(
    ("api_name", "first"),
    [
        ("/answer", ["question", "context", "model"]),
        ("/summarize", ["text", "model"]),
        ("/translate", ["text", "model"]),
    ],
)
def test_api_parameters_follow_the_design(client, api_name, first):
    parameters = client.view_api(print_info=False, return_format="dict")["named_endpoints"][api_name]["parameters"]
    names = [p["parameter_name"] for p in parameters]
    assert names[: len(first)] == first
    assert all(p["parameter_has_default"] for p in parameters[len(first) :])


def test_api_option_names_are_the_v4_names(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    names = {api: [p["parameter_name"] for p in endpoints[api]["parameters"]] for api in endpoints}
    assert names["/answer"][3:9] == [
        "top_k", "doc_stride", "max_answer_len", "max_seq_len", "max_question_len", "handle_impossible_answer"
    ]  # fmt: skip
    assert names["/summarize"][2:7] == ["max_length", "min_length", "num_beams", "do_sample", "no_repeat_ngram_size"]
    assert names["/translate"][2:6] == ["src_lang", "tgt_lang", "max_length", "num_beams"]


def test_answer_returns_the_contract_json(client, tiny_qa):
    context = "My name is Wolfgang and I live in Berlin."
    raw = client.predict("Where do I live?", context, str(tiny_qa), api_name="/answer")[0]
    assert set(raw) == {"score", "start", "end", "answer"}
    assert context[raw["start"] : raw["end"]] == raw["answer"]


def test_summarize_returns_the_final_streamed_json(client, tiny_t5):
    raw = client.predict("The tower is tall. " * 5, str(tiny_t5), 8, None, 1, api_name="/summarize")[0]
    assert isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0]["summary_text"], str)


def test_translate_returns_the_contract_json(client, tiny_marian):
    raw = client.predict("Hello", str(tiny_marian), max_length=6, num_beams=1, api_name="/translate")[0]
    assert isinstance(raw, list) and set(raw[0]) == {"translation_text"}


def test_errors_are_clear_and_the_app_keeps_serving(client, tiny_qa, tiny_marian):
    with pytest.raises(AppError, match="The question is empty"):
        client.predict("", "some context", str(tiny_qa), api_name="/answer")
    with pytest.raises(AppError, match="does not translate ko→en"):
        client.predict("Hello", str(tiny_marian), "ko", "en", api_name="/translate")
    assert client.predict("Who?", "Wolfgang lives here.", str(tiny_qa), api_name="/answer")[0]
