"""The sentiment tab's handler: contract outputs, and every failure as a clear gr.Error."""

import gradio as gr
import pytest

import core.runner
import core.text.classify
import tabs.classify
from tabs.classify import make_handler
from tabs.context import AppContext


def test_handler_returns_raw_json_first_then_the_visuals(tiny_classifier):
    raw, label, table, notice, code = make_handler(AppContext())("I like apple\nI felt very sad", str(tiny_classifier))
    assert isinstance(raw, list) and len(raw) == 2 and {"label", "score"} == set(raw[0][0])
    assert label == {s["label"]: s["score"] for s in raw[0]}
    assert [row[3] for row in table] == ["I like apple", "I felt very sad"]
    assert notice == ""
    assert str(tiny_classifier) in code


def test_truncation_is_told_in_the_users_language(tiny_classifier):
    handler = make_handler(AppContext())
    *_, notice, _code = handler("word " * 600, str(tiny_classifier), "cpu", "en")
    assert "602 tokens" in notice and "512" in notice
    *_, notice_ko, _code = handler("word " * 600, str(tiny_classifier), "cpu", "ko")
    assert "602토큰" in notice_ko


@pytest.mark.parametrize(
    ("text", "model", "message"),
    [
        ("  ", "{tiny}", "The text is empty"),
        ("\n".join(["hi"] * 70), "{tiny}", "70 lines"),
        ("hi", "org/../etc", "not a Hub model id"),
        ("hi", "org/na..me", "not a valid Hub model id"),
        ("hi", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "not downloaded"),
        ("hi", "{mlm}", "BertForMaskedLM"),
    ],
)
def test_bad_input_becomes_a_clear_gr_error(text, model, message, tiny_classifier, tiny_masked_lm):
    model = model.format(tiny=tiny_classifier, mlm=tiny_masked_lm)
    with pytest.raises(gr.Error, match=message):
        make_handler(AppContext())(text, model)


def test_error_messages_follow_the_language_setting():
    with pytest.raises(gr.Error, match="비어 있어요") as caught:
        make_handler(AppContext())("", "org/model", "auto", "ko")
    assert caught.value.title == "입력을 확인해 주세요"


def test_local_path_is_refused_in_public_mode(tiny_classifier):
    with pytest.raises(gr.Error, match="public mode"):
        make_handler(AppContext(public=True))("hi", str(tiny_classifier))


def test_unexpected_failure_is_logged_not_shown(monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("secret detail at /home/teacher/private")

    monkeypatch.setattr(core.text.classify, "classify", explode)
    with pytest.raises(gr.Error) as caught:
        make_handler(AppContext())("hi", "org/model")
    assert "RuntimeError" in caught.value.message
    assert "secret" not in caught.value.message and "Traceback" not in caught.value.message
    assert "secret detail" in caplog.text


def test_the_tab_asks_cores_runner():
    assert tabs.classify.runner is core.runner
