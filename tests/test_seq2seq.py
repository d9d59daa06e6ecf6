"""core.generation.summarize / core.generation.translate: v4's settings and prefixes, truncation, streaming, language pairs, bad input."""

import ast

import pytest

from core.errors import BadInput, WrongModelKind
from core.generation.summarize import notebook_code as summary_code
from core.generation.summarize import stream_summary, summarize
from core.generation.translate import Kind, language_hint, model_languages, notebook_code, translate
from tests.kit.tiny_models import T5_TASK_PARAMS

TEXT = "The tower is 324 metres tall, about the same height as an 81-storey building."
FAST = {"max_length": 8, "num_beams": 1}


def test_summary_has_the_v4_shape(tiny_bart):
    result = summarize(TEXT, str(tiny_bart), **FAST)
    assert result.to_json() == [{"summary_text": result.summary}]
    assert isinstance(result.summary, str) and result.done


def test_t5_gets_its_prefix_and_task_settings_as_in_v4(tiny_t5):
    result = summarize(TEXT, str(tiny_t5), max_length=12)
    params = T5_TASK_PARAMS["summarization"]
    assert result.prefix == "summarize: "
    for key in ("min_length", "num_beams", "no_repeat_ngram_size", "length_penalty"):
        assert result.settings[key] == params[key]
        assert result.origins[key] == "task_specific_params['summarization']"
    assert result.settings["max_length"] == 12 and result.origins["max_length"] == "you"
    assert "max_new_tokens" not in result.settings


def test_without_model_settings_v4s_pipeline_defaults_apply(tiny_bart):
    result = summarize(TEXT, str(tiny_bart), max_length=6)
    assert result.settings["num_beams"] == 4 and result.origins["num_beams"] == "pipeline default"


@pytest.mark.parametrize("max_length", [3, 7])
def test_max_length_bounds_the_generated_tokens(tiny_bart, max_length):
    result = summarize(TEXT, str(tiny_bart), max_length=max_length, num_beams=1)
    assert 1 < len(result.token_ids) <= max_length


def test_min_length_is_honoured(tiny_bart):
    result = summarize(TEXT, str(tiny_bart), min_length=9, max_length=10, num_beams=1)
    assert len(result.token_ids) >= 9


def test_long_input_is_truncated_to_the_model_and_reported(tiny_bart):
    result = summarize("word " * 300, str(tiny_bart), **FAST)
    assert result.truncated and result.tokens == 302 and result.kept == 64


def test_greedy_search_streams_word_by_word(tiny_t5):
    steps = list(stream_summary(TEXT, str(tiny_t5), max_length=10, min_length=10, num_beams=1))
    assert len(steps) > 2
    assert [s.done for s in steps] == [False] * (len(steps) - 1) + [True]


def test_beam_search_says_it_started_then_gives_the_finished_text(tiny_bart):
    steps = list(stream_summary(TEXT, str(tiny_bart), max_length=6, num_beams=2))
    assert [(s.summary, s.done) for s in steps[:1]] == [("", False)]
    assert len(steps) == 2 and steps[1].done and steps[1].token_ids


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_length": 0}, "`max_length` must be a whole number from 1 to 1,024"),
        ({"max_length": 5000}, "from 1 to 1,024"),
        ({"num_beams": 9}, "`num_beams` must be a whole number from 1 to 8"),
        ({"min_length": 20, "max_length": 10}, r"min_length \(20\) is larger than max_length \(10\)"),
        ({"no_repeat_ngram_size": -1}, "no_repeat_ngram_size"),
    ],
)
def test_generation_limits_out_of_range_are_refused(tiny_bart, options, message):
    with pytest.raises(BadInput, match=message):
        summarize(TEXT, str(tiny_bart), **options)


def test_empty_text_is_refused(tiny_bart):
    with pytest.raises(BadInput, match="empty"):
        summarize("   ", str(tiny_bart))


@pytest.mark.parametrize("run", [summarize, translate])
def test_an_encoder_only_model_is_refused(run, tiny_masked_lm):
    with pytest.raises(WrongModelKind, match="ForConditionalGeneration"):
        run(TEXT, str(tiny_masked_lm))


def test_translation_has_the_v4_shape(tiny_marian):
    result = translate("Hello there", str(tiny_marian), **FAST)
    assert result.to_json() == [{"translation_text": result.translation}]
    assert (result.src_lang, result.tgt_lang, result.kind) == ("en", "ko", Kind.SINGLE_PAIR)


def test_marian_refuses_a_pair_it_does_not_translate(tiny_marian):
    with pytest.raises(BadInput, match="does not translate ko→en. It supports: en→ko"):
        translate("Hello", str(tiny_marian), src_lang="ko", tgt_lang="en")


@pytest.mark.parametrize(
    ("src", "tgt", "prefix"),
    [(None, None, "translate English to German: "), ("en", "fr", "translate English to French: ")],
)
def test_t5_translation_uses_the_pairs_prefix(tiny_t5, src, tgt, prefix):
    result = translate("Hello", str(tiny_t5), src_lang=src, tgt_lang=tgt, **FAST)
    assert result.prefix == prefix and result.kind is Kind.TASK_PREFIX


def test_t5_refuses_a_pair_without_a_prefix(tiny_t5):
    with pytest.raises(BadInput, match="en→de, en→fr"):
        translate("Hello", str(tiny_t5), src_lang="en", tgt_lang="ko")


def test_nllb_forces_the_target_language_token_first(tiny_nllb):
    from transformers import AutoTokenizer

    korean = AutoTokenizer.from_pretrained(tiny_nllb).convert_tokens_to_ids("kor_Hang")
    result = translate("Hello", str(tiny_nllb), src_lang="eng_Latn", tgt_lang="kor_Hang", **FAST)
    assert result.settings["forced_bos_token_id"] == korean
    assert result.token_ids[1] == korean  # after the decoder's start token


@pytest.mark.parametrize(
    ("src", "tgt", "message"),
    [(None, None, "Choose two languages"), ("eng_Latn", "klingon", "'klingon' is not a language code")],
)
def test_nllb_needs_two_of_its_language_codes(tiny_nllb, src, tgt, message):
    with pytest.raises(BadInput, match=message):
        translate("Hello", str(tiny_nllb), src_lang=src, tgt_lang=tgt)


def test_language_pickers_follow_the_model(tiny_t5, tiny_marian, tiny_nllb):
    assert model_languages(str(tiny_t5)).pairs == (("en", "de"), ("en", "fr"))
    assert model_languages(str(tiny_marian)).default_pair() == ("en", "ko")
    nllb = model_languages(str(tiny_nllb))
    assert nllb.default_pair() == ("eng_Latn", "kor_Hang") and len(nllb.codes) > 200
    assert "eng_Latn" not in nllb.targets("eng_Latn")


@pytest.mark.parametrize(
    ("name", "pair"),
    [("Helsinki-NLP/opus-mt-ko-en", ("ko", "en")), ("Helsinki-NLP/opus-mt-tc-big-en-ko", ("en", "ko"))],
)
def test_an_offline_hub_model_gets_its_pair_from_its_name(name, pair):
    assert model_languages(name).pairs == (pair,) == language_hint(name).pairs


def test_notebook_code_is_valid_python_for_each_kind(tiny_nllb, tiny_t5):
    nllb = notebook_code(translate("Hello", str(tiny_nllb), src_lang="eng_Latn", tgt_lang="kor_Hang", **FAST))
    t5 = notebook_code(translate("Hello", str(tiny_t5), **FAST))
    for code in (nllb, t5, summary_code("t5-small", TEXT, "summarize: ", {"num_beams": 4})):
        ast.parse(code)
        assert "removed in transformers 5" in code
    assert "src_lang='eng_Latn'" in nllb and "forced_bos_token_id" in nllb
    assert "'translate English to German: ' + text" in t5


def test_a_multi_target_marian_model_gets_the_target_token_first(tiny_marian_multi):
    from transformers import AutoTokenizer

    korean = AutoTokenizer.from_pretrained(tiny_marian_multi).convert_tokens_to_ids(">>kor<<")
    result = translate("Hello world", str(tiny_marian_multi), **FAST)
    assert (result.kind, result.src_lang, result.tgt_lang, result.prefix) == (
        Kind.TARGET_TOKEN,
        "en",
        "kor",
        ">>kor<< ",
    )
    assert model_languages(str(tiny_marian_multi)).targets() == ["kor", "jpn"]
    assert ">>kor<< " in notebook_code(result)
    encoded = AutoTokenizer.from_pretrained(tiny_marian_multi)(result.prefix + "Hello world")["input_ids"]
    assert encoded[0] == korean


def test_a_multi_target_marian_model_refuses_other_targets(tiny_marian_multi):
    with pytest.raises(BadInput, match="It supports: en→kor, en→jpn"):
        translate("Hello", str(tiny_marian_multi), src_lang="en", tgt_lang="deu")
