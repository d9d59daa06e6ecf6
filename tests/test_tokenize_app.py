"""The tokenizer lab in the real app, offline, called through gradio_client."""

import pytest
from gradio_client.exceptions import AppError

from core.registry import BUNDLED_MINILM
from core.tokenizers.training import sample_corpus


def test_tokenize_returns_the_contract_json(client):
    raw, view, *_ = client.predict(
        "너는 내년 대선 때 투표할 수 있어?\nI like apple", BUNDLED_MINILM, api_name="/tokenize"
    )
    assert set(raw) >= {"tokens", "input_ids", "attention_mask", "token_type_ids"}
    assert [row[0] for row in raw["input_ids"]] == [101, 101]
    assert raw["input_ids"][1][:5] == [101, 1045, 2066, 6207, 102] and raw["attention_mask"][1][5] == 0
    assert raw["shape"] == [2, len(raw["input_ids"][0])]
    assert 'class="tok' in view


def test_tokenize_parameters_follow_the_design(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = endpoints["/tokenize"]["parameters"]
    names = [p["parameter_name"] for p in parameters]
    assert names[:7] == ["text", "tokenizer", "padding", "truncation", "max_length", "add_special_tokens", "text_pair"]
    assert all(p["parameter_has_default"] for p in parameters[2:])
    for endpoint in ("/compare_tokenizers", "/train_tokenizer", "/token_ids", "/decode", "/chat_template"):
        assert endpoint in endpoints


def test_pairs_padding_and_truncation_through_the_api(client):
    raw, *_ = client.predict(
        "It was a very informative, fun and enjoyable time.",
        BUNDLED_MINILM,
        "max_length",
        True,
        10,
        True,
        "It was a waste of time.",
        api_name="/tokenize",
    )
    assert raw["shape"] == [1, 10] and raw["input_ids"][0][-1] == 102
    assert raw["token_type_ids"][0][0] == 0 and raw["token_type_ids"][0][-1] == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("   ", BUNDLED_MINILM), "The text is empty"),
        (("hi", BUNDLED_MINILM, "longest", True, -1), "whole number of 1 or more"),
        (("a\nb", BUNDLED_MINILM, "longest", True, None, True, "x"), "has no second sentence"),
        (("hi", "google-bert/bert-base-uncased"), "not downloaded on this machine"),
    ],
)
def test_bad_input_is_a_clear_error_and_the_app_keeps_serving(client, arguments, message):
    with pytest.raises(AppError, match=message):
        client.predict(*arguments, api_name="/tokenize")
    assert client.predict("ok", BUNDLED_MINILM, api_name="/tokenize")[0]["input_ids"] == [[101, 7929, 102]]


def test_train_compare_and_lookups_through_the_api(client):
    trained = client.predict(sample_corpus(), "bpe", 400, "lowest", api_name="/train_tokenizer")[0]
    assert trained["merges"][0]["rank"] == 1 and trained["steps"][-1]["pieces"] == trained["tokens"]
    compared = client.predict("갓생", [BUNDLED_MINILM], api_name="/compare_tokenizers")[0]
    assert [row["tokenizer"] for row in compared["tokenizers"]] == [BUNDLED_MINILM, "word-level", "character-level"]
    assert client.predict(BUNDLED_MINILM, "[CLS]", api_name="/token_ids") == [{"token": "[CLS]", "id": 101}]
    assert client.predict(BUNDLED_MINILM, "101 102", api_name="/decode")["text"] == "[CLS] [SEP]"
    with pytest.raises(AppError, match="Not in the vocabulary"):
        client.predict(BUNDLED_MINILM, "대선", api_name="/token_ids")


def test_chat_template_through_the_api(client, chat_tokenizer):
    raw, text = client.predict(str(chat_tokenizer), "user: 안녕", True, api_name="/chat_template")
    assert text == "[CLS] user: 안녕 [SEP] [CLS] assistant:" and raw["input_ids"][0] == 101
    with pytest.raises(AppError, match="has no chat template"):
        client.predict(BUNDLED_MINILM, "user: hi", True, api_name="/chat_template")


@pytest.mark.parametrize(
    ("arguments", "api_name", "message"),
    [
        ((sample_corpus(), "bpe", 5, "low"), "/train_tokenizer", "from 10 to 30,000"),
        (("low lower lowest", "bpe", 500, "low"), "/train_tokenizer", "too small for a vocabulary of 500"),
        (("  ", [BUNDLED_MINILM]), "/compare_tokenizers", "The text is empty"),
        ((BUNDLED_MINILM, "101 abc"), "/decode", "whole numbers"),
    ],
)
def test_bad_input_in_the_other_lab_endpoints(client, arguments, api_name, message):
    with pytest.raises(AppError, match=message):
        client.predict(*arguments, api_name=api_name)
