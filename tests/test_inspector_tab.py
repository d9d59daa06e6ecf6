"""The inspector tab's handlers: contract JSON first, the user's language, clear errors."""

import gradio as gr
import pytest

from core.registry import BUNDLED_MINILM
from tabs.context import AppContext
from tabs.inspector import make_handler, make_run_handler


def test_inspect_returns_contract_json_then_the_tables():
    raw, summary, fields, modules, files, card, code = make_handler(AppContext())(BUNDLED_MINILM, "en")
    assert {"model_type", "num_parameters", "num_hidden_layers", "hidden_size", "num_attention_heads", "files"} <= set(
        raw
    )
    assert "22,713,216 parameters" in summary
    assert fields[1][:2] == ["num_hidden_layers", "6"]
    assert sum(row[1] for row in modules) == raw["num_parameters"]
    assert [row[0] for row in files] == [f["name"] for f in raw["files"]]
    assert "all-MiniLM-L6-v2" in card and BUNDLED_MINILM in code


def test_inspect_explains_in_korean():
    _raw, summary, fields, *_ = make_handler(AppContext())(BUNDLED_MINILM, "ko")
    assert "파라미터" in summary
    assert "레이어" in fields[1][2]


def test_run_shows_shapes_and_the_first_prediction(tiny_classifier):
    raw, shapes, first, rows, code = make_run_handler(AppContext())(
        "I like apple\nI felt very sad", str(tiny_classifier)
    )
    assert raw["logits_shape"] == [2, 3] and "logits.shape = `[2, 3]`" in shapes
    assert set(first) == {"negative", "neutral", "positive"}
    assert [row[0] for row in rows] == [1, 2]
    assert "BertForSequenceClassification.from_pretrained" in code and "softmax" in code


def test_run_on_the_body_says_there_are_no_logits():
    _raw, shapes, first, _rows, code = make_run_handler(AppContext())("hello", BUNDLED_MINILM, "cpu", "en")
    assert "no task head" in shapes and first is None
    assert "no outputs.logits" in code


@pytest.mark.parametrize(
    ("model", "message"),
    [("", "No model given"), ("org/../x", "not a Hub model id"), ("openai-community/gpt2", "not downloaded")],
)
def test_bad_model_is_a_clear_gr_error(model, message):
    with pytest.raises(gr.Error, match=message):
        make_handler(AppContext())(model)


def test_run_with_empty_text_is_a_clear_gr_error():
    with pytest.raises(gr.Error, match="The text is empty"):
        make_run_handler(AppContext())("  ", BUNDLED_MINILM)


def test_public_mode_refuses_a_local_folder(tiny_classifier):
    with pytest.raises(gr.Error, match="public mode"):
        make_handler(AppContext(public=True))(str(tiny_classifier))


def test_a_classifiers_head_predicts_once_per_sentence_and_the_table_shows_it(tiny_classifier):
    """A sentence-level head has no per-token guess: each sentence's row carries its label and score."""
    raw, _shapes, _first, rows, _code = make_run_handler(AppContext())(
        "I like apple\nI felt very sad", str(tiny_classifier)
    )
    assert [row[2] for row in rows] == [sentence[0]["label"] for sentence in raw["predictions"]]
    assert [row[3] for row in rows] == [round(sentence[0]["score"], 4) for sentence in raw["predictions"]]


def test_the_body_alone_predicts_nothing_and_says_so():
    *_, rows, _code = make_run_handler(AppContext())("hello", BUNDLED_MINILM, "cpu", "en")
    assert [row[2:] for row in rows] == [["—", None]]
