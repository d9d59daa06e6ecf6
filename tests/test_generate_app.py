"""The generation endpoints of the real app, called through gradio_client as a student's notebook would."""

import pytest
from gradio_client.exceptions import AppError

PROMPT = "Hello, my name is"
PARAMETERS = [
    "text",
    "model",
    "max_new_tokens",
    "temperature",
    "top_k",
    "top_p",
    "repetition_penalty",
    "num_return_sequences",
    "do_sample",
    "seed",
]


def test_generate_returns_the_contract_json(client, tiny_gpt2):
    result = client.predict(PROMPT, str(tiny_gpt2), 12, api_name="/generate")
    raw = result[0]
    assert isinstance(raw, list) and len(raw) == 1 and set(raw[0]) == {"generated_text"}
    assert raw[0]["generated_text"] == PROMPT + result[1]


def test_generate_streams_several_partial_values(client, tiny_gpt2):
    job = client.submit(PROMPT, str(tiny_gpt2), 40, api_name="/generate")
    final = job.result()
    partial_texts = [output[1] for output in job.outputs()[:-1]]
    assert len(partial_texts) > 1
    assert all(final[1].startswith(text) for text in partial_texts)


def test_the_same_seed_gives_the_same_text_through_the_app(client, tiny_gpt2):
    runs = [
        client.predict(PROMPT, str(tiny_gpt2), 15, 1.0, 50, 1.0, 1.0, 1, True, 123, api_name="/generate")[0]
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_generate_api_parameters_follow_the_design(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = endpoints["/generate"]["parameters"]
    assert [p["parameter_name"] for p in parameters][: len(PARAMETERS)] == PARAMETERS
    assert all(p["parameter_has_default"] for p in parameters[2:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("   ",), "The text is empty"),
        ((PROMPT, 600), "`max_new_tokens` must be a whole number from 1 to 512; got 600"),
        ((PROMPT, 20, 0), "temperature is 0"),
        ((PROMPT, 20, 1.0, 50, 0), "top_p is 0"),
    ],
)
def test_bad_generation_input_is_a_clear_error_and_the_app_keeps_serving(client, tiny_gpt2, args, message):
    text, *rest = args
    with pytest.raises(AppError, match=message):
        client.predict(text, str(tiny_gpt2), *rest, api_name="/generate")
    assert client.predict(PROMPT, str(tiny_gpt2), 3, api_name="/generate")[0]


def test_a_classifier_in_the_generation_tab_is_a_clear_error(client, tiny_classifier):
    with pytest.raises(AppError, match="needs a model whose architecture ends in ForCausalLM or LMHeadModel"):
        client.predict(PROMPT, str(tiny_classifier), api_name="/generate")


def test_a_100000_character_prompt_is_cut_not_refused(client, tiny_gpt2):
    result = client.predict("word " * 20_000, str(tiny_gpt2), 5, api_name="/generate")
    assert "only its last" in result[2]


def test_compare_decoding_runs_each_setting(client, tiny_gpt2):
    table = {
        "headers": ["strategy", "num_beams", "temperature", "top_k", "top_p", "seed"],
        "data": [["greedy", 1, 1.0, 0, 1.0, 0], ["beam", 3, 1.0, 0, 1.0, 0], ["sample", 1, 0.8, 20, 0.9, 5]],
    }
    raw = client.predict(PROMPT, str(tiny_gpt2), table, 6, api_name="/compare_decoding")[0]
    assert [r["setting"]["strategy"] for r in raw["results"]] == ["greedy", "beam", "sample"]
    assert all(isinstance(r["generated_text"], str) for r in raw["results"])
