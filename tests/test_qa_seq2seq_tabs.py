"""The question-answering, summarization and translation tab handlers: contract outputs, clear gr.Errors."""

import gradio as gr
import pytest

from tabs.answer import make_handler as answer_handler
from tabs.context import AppContext
from tabs.summarize import make_handler as summarize_handler
from tabs.translate import language_pickers
from tabs.translate import make_handler as translate_handler

CONTEXT = "My name is Wolfgang and I live in Berlin."


def test_answer_handler_returns_raw_json_first_then_the_highlight(tiny_qa):
    raw, highlight, table, notice, code = answer_handler(AppContext())("Where do I live?", CONTEXT, str(tiny_qa), 3)
    assert isinstance(raw, list) and len(raw) == 3 and set(raw[0]) == {"score", "start", "end", "answer"}
    assert highlight["text"] == CONTEXT
    assert [(e["start"], e["end"]) for e in highlight["entities"]] == [(a["start"], a["end"]) for a in raw]
    assert [row[1] for row in table] == [a["answer"] for a in raw]
    assert "1 window" in notice and str(tiny_qa) in code


def test_answer_notice_follows_the_language(tiny_qa):
    *_, notice, _code = answer_handler(AppContext())(
        "Where?", CONTEXT, str(tiny_qa), 1, 128, 15, 384, 64, False, "cpu", "ko"
    )
    assert "창" in notice


@pytest.mark.parametrize(
    ("question", "context", "model", "message"),
    [
        ("", CONTEXT, "{qa}", "The question is empty"),
        ("Who?", " ", "{qa}", "The context is empty"),
        ("Who?", CONTEXT, "{mlm}", "BertForMaskedLM"),
        ("Who?", CONTEXT, "distilbert/distilbert-base-cased-distilled-squad", "not downloaded"),
    ],
)
def test_answer_bad_input_is_a_clear_gr_error(question, context, model, message, tiny_qa, tiny_masked_lm):
    with pytest.raises(gr.Error, match=message):
        answer_handler(AppContext())(question, context, model.format(qa=tiny_qa, mlm=tiny_masked_lm))


def test_summarize_handler_streams_and_ends_with_the_contract_json(tiny_t5):
    outputs = list(summarize_handler(AppContext())("The tower is tall. " * 5, str(tiny_t5), 8, None, 1))
    raw, summary, notice, code = outputs[-1]
    assert raw == [{"summary_text": summary}]
    assert "summarize: " in notice and "prefix" in notice
    assert "AutoModelForSeq2SeqLM" in code and "removed in transformers 5" in code


def test_summarize_reports_truncation_with_token_counts(tiny_bart):
    *_, (_raw, _summary, notice, _code) = summarize_handler(AppContext())("word " * 300, str(tiny_bart), 5, None, 1)
    assert "302 tokens" in notice and "64" in notice


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "{bart}"), "The text is empty"),
        (("hi", "{bart}", 5000), "`max_length` must be a whole number"),
        (("hi", "{bart}", 10, 20), "min_length"),
        (("hi", "{mlm}"), "BertForMaskedLM"),
    ],
)
def test_summarize_bad_input_is_a_clear_gr_error(args, message, tiny_bart, tiny_masked_lm):
    text, model, *rest = args
    with pytest.raises(gr.Error, match=message):
        list(summarize_handler(AppContext())(text, model.format(bart=tiny_bart, mlm=tiny_masked_lm), *rest))


def test_translate_handler_ends_with_the_contract_json(tiny_marian):
    *_, (raw, translation, _notice, code) = translate_handler(AppContext())(
        "Hello", str(tiny_marian), "en", "ko", 6, 1
    )
    assert raw == [{"translation_text": translation}]
    assert str(tiny_marian) in code


def test_translate_unsupported_pair_is_a_clear_gr_error(tiny_marian):
    with pytest.raises(gr.Error, match="does not translate ko→en"):
        list(translate_handler(AppContext())("Hello", str(tiny_marian), "ko", "en"))


def test_language_pickers_offer_only_the_models_languages(tiny_t5):
    sources, targets = language_pickers(str(tiny_t5), public=False)
    assert sources["choices"] == ["en"] and targets["choices"] == ["de", "fr"]
    assert (sources["value"], targets["value"]) == ("en", "de")


def test_language_pickers_in_public_mode_ignore_local_folders(tiny_t5):
    sources, targets = language_pickers(str(tiny_t5), public=True)
    assert sources["choices"] == [] and targets["value"] is None


def test_beam_search_first_tells_that_it_is_searching(tiny_bart):
    first, *_rest, last = summarize_handler(AppContext())(
        "The tower is tall.", str(tiny_bart), 5, None, 2, False, None, "cpu", "en"
    )
    assert first[0] == [{"summary_text": ""}] and "Searching with 2 beams" in first[2]
    assert "Searching" not in last[2]


def test_target_box_follows_the_source_language(tiny_nllb):
    from tabs.translate import target_picker

    update = target_picker(str(tiny_nllb), "kor_Hang", "kor_Hang", public=False)
    assert "kor_Hang" not in update["choices"] and update["value"] == update["choices"][0]
    assert target_picker(str(tiny_nllb), "eng_Latn", "kor_Hang", public=False)["value"] == "kor_Hang"


@pytest.mark.parametrize(("top_k", "message"), [(None, "`top_k` must be a whole number"), (2.5, r"got 2\.5")])
def test_answer_options_that_are_not_whole_numbers_are_named(tiny_qa, top_k, message):
    with pytest.raises(gr.Error, match=message):
        answer_handler(AppContext())("Who?", CONTEXT, str(tiny_qa), top_k)


def test_summarize_number_that_is_not_whole_is_named(tiny_bart):
    with pytest.raises(gr.Error, match=r"`max_length` must be a whole number.*got 7\.5"):
        list(summarize_handler(AppContext())("hi", str(tiny_bart), 7.5))


def test_a_run_brings_the_language_boxes_in_line_with_its_model_first():
    """A typed model id is committed by the very click on Run, while the model box's change event is still on its
    way: the run must read the language boxes only after they were updated from the model it runs with."""
    import app

    demo = app.build_app()
    translate = next(fn for fn in demo.fns.values() if fn.api_name == "translate")
    assert translate.trigger_after is not None, "/translate starts on the click itself, with stale language boxes"
    first = demo.fns[translate.trigger_after]
    model, src_lang, tgt_lang = translate.inputs[1:4]
    assert [event for _, event in first.targets] == ["click"]
    assert first.inputs[0] is model and first.outputs == [src_lang, tgt_lang]


@pytest.mark.parametrize(
    ("fixture", "pair", "offered"),
    [("tiny_marian", ("ko", "en"), "en→ko"), ("tiny_nllb", ("ko", "en"), "eng_Latn")],
)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_direction_the_model_cannot_do_names_the_model_and_its_languages(request, fixture, pair, offered, language):
    model = str(request.getfixturevalue(fixture))
    with pytest.raises(gr.Error) as error:
        list(translate_handler(AppContext())("Hello", model, *pair, None, None, "cpu", language))
    message = str(error.value)
    assert model in message and offered in message
    assert ("지원" in message) == (language == "ko")
