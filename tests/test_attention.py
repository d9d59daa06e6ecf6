"""The attention view (issue 18): the model's own softmax rows, from the task's cached model, offline."""

import pytest
import torch

from core.call import Backend, CallContext
from core.errors import BadInput, WrongModelKind
from core.insight.attention import MAX_TOKENS, attention, eager_twin, notebook_code
from core.registry import BUNDLED_MINILM, bundled_path, get_task
from core.runtime.loading import load_for_task

CALL = CallContext()
TEXT = "The movie was surprisingly good, and I loved the ending."


def _eager(path, cls: str = "AutoModel"):
    import transformers

    return getattr(transformers, cls).from_pretrained(path, attn_implementation="eager").eval()


def _assert_rows_sum_to_one(weights: list) -> None:
    sums = torch.tensor(weights).sum(-1)
    assert torch.allclose(sums, torch.ones_like(sums), atol=1e-5)


@pytest.mark.parametrize("which", ["tiny_bert", "minilm"])
def test_attention_equals_the_models_own_output_attentions(which, tiny_classifier):
    from transformers import AutoTokenizer

    path = tiny_classifier if which == "tiny_bert" else bundled_path(BUNDLED_MINILM)
    result = attention(TEXT, str(path), CALL)
    reference = _eager(path, "AutoModelForSequenceClassification" if which == "tiny_bert" else "AutoModel")
    inputs = AutoTokenizer.from_pretrained(path)(TEXT, return_tensors="pt")
    with torch.no_grad():
        expected = torch.stack([layer[0] for layer in reference(**inputs, output_attentions=True).attentions])
    got = torch.tensor(result.attention)
    assert got.shape == expected.shape == (reference.config.num_hidden_layers, reference.config.num_attention_heads,
                                           len(result.tokens), len(result.tokens))  # fmt: skip
    assert torch.allclose(got, expected, atol=1e-6)  # rounded to 6 decimals, no coarser
    _assert_rows_sum_to_one(result.attention)
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]"


def test_the_json_has_the_contracts_shape(tiny_masked_lm):
    raw = attention("Paris is the [MASK] of France.", str(tiny_masked_lm), CALL).to_json()
    assert raw["kind"] == "encoder" and "[MASK]" in raw["tokens"]
    assert len(raw["attention"]) == raw["num_layers"] == 2 and len(raw["attention"][0]) == raw["num_heads"] == 2
    assert all(len(row) == len(raw["tokens"]) for row in raw["attention"][1][1])
    assert raw["truncated"] is False and raw["total_tokens"] == len(raw["tokens"])


def test_the_ner_tabs_model_shows_its_attention(tiny_ner):
    result = attention("Sarah lives in Seoul.", str(tiny_ner), CALL, task="ner")
    assert result.kind == "encoder" and "seoul" in result.tokens
    _assert_rows_sum_to_one(result.attention)


def test_a_text_pair_is_one_sequence(tiny_nli):
    result = attention("A man plays guitar.", str(tiny_nli), CALL, text_pair="This is about music.")
    assert result.tokens.count("[SEP]") == 2 and "music" in result.tokens
    # the pair's tokens have no span in the first text
    assert result.spans[result.tokens.index("music")] is None


@pytest.mark.parametrize("fixture", ["tiny_marian", "tiny_t5"])
def test_seq2seq_cross_attention_equals_the_models_own(fixture, request):
    from transformers import AutoTokenizer

    path = request.getfixturevalue(fixture)
    result = attention("I like apples", str(path), CALL, text_pair="hello world")
    reference = _eager(path, "AutoModelForSeq2SeqLM")
    tokenizer = AutoTokenizer.from_pretrained(path)
    # T5 is read as a summarization model: its encoder sees the task prefix first, as the task runs it
    prefix = "summarize: " if fixture == "tiny_t5" else ""
    assert result.prefix == prefix and result.to_json()["prefix"] == prefix
    inputs = tokenizer(prefix + "I like apples", return_tensors="pt", return_token_type_ids=False)
    labels = tokenizer(text_target="hello world", return_tensors="pt").input_ids
    assert result.kind == "seq2seq" and result.target_tokens == tokenizer.convert_ids_to_tokens(labels[0])
    with torch.no_grad():
        out = reference(**inputs, labels=labels, output_attentions=True)
    cross = torch.stack([layer[0] for layer in out.cross_attentions])
    assert torch.tensor(result.cross_attention).shape == cross.shape == (
        reference.config.decoder_layers if hasattr(reference.config, "decoder_layers") else reference.config.num_layers,
        cross.shape[1], labels.shape[1], len(result.tokens),
    )  # fmt: skip
    assert torch.allclose(torch.tensor(result.cross_attention), cross, atol=1e-6)
    assert torch.allclose(
        torch.tensor(result.attention), torch.stack([a[0] for a in out.encoder_attentions]), atol=1e-6
    )
    _assert_rows_sum_to_one(result.cross_attention)
    raw = result.to_json()
    assert raw["target_tokens"] == result.target_tokens and raw["cross_attention"] == result.cross_attention


@pytest.mark.parametrize(
    "fixture, pair, prefix",
    [
        ("tiny_t5", ("en", "de"), "translate English to German: "),  # T5's prefix for the pair
        ("tiny_marian_multi", ("en", "jpn"), ">>jpn<< "),  # a Marian model with several targets
        ("tiny_marian", (None, None), ""),  # one pair: the text as it is
    ],
)
def test_a_translations_view_encodes_what_the_translation_task_encodes(fixture, pair, prefix, request):
    """The translation tab's panel passes its language boxes: the encoder sees the task's own input."""
    from core.generation.translate import translate

    path = str(request.getfixturevalue(fixture))
    result = attention("I like apples", path, CALL, task="translate", src_lang=pair[0], tgt_lang=pair[1])
    task = translate("I like apples", path, src_lang=pair[0], tgt_lang=pair[1], max_length=4, num_beams=1)
    loaded = load_for_task(get_task("translate"), path)
    expected = loaded.preprocessor(prefix + "I like apples")["input_ids"]
    assert result.prefix == task.prefix == prefix
    assert result.tokens == loaded.preprocessor.convert_ids_to_tokens(expected)
    assert (result.to_json()["src_lang"], result.to_json()["tgt_lang"]) == (task.src_lang, task.tgt_lang)
    assert f"tokenizer({prefix + 'I like apples'!r}" in notebook_code(result, "I like apples")


def test_a_language_code_translation_marks_its_languages_and_starts_with_the_target(tiny_nllb):
    """NLLB: the tokenizer marks the source language, and the model's own output starts with the target's code."""
    result = attention(
        "I like apples", str(tiny_nllb), CALL, task="translate", src_lang="kor_Hang", tgt_lang="jpn_Jpan"
    )
    assert result.tokens[0] == "kor_Hang" and result.prefix == ""
    assert result.target_tokens[0] == "jpn_Jpan"
    code = notebook_code(result, "I like apples")
    assert "src_lang='kor_Hang', tgt_lang='jpn_Jpan'" in code
    with pytest.raises(BadInput, match="not a language code"):
        attention("I like apples", str(tiny_nllb), CALL, task="translate", src_lang="xx_Yyyy", tgt_lang="jpn_Jpan")


def test_seq2seq_without_a_target_aligns_the_models_own_output(tiny_marian):
    result = attention("I like apples", str(tiny_marian), CALL)
    assert result.target_tokens and len(result.cross_attention[0][0]) == len(result.target_tokens)
    _assert_rows_sum_to_one(result.cross_attention)


def test_the_task_model_keeps_its_attention_and_shares_its_weights(tiny_classifier):
    """The view runs an eager twin; the task's own model is unchanged and no weight is copied."""
    loaded = load_for_task(get_task("classify"), str(tiny_classifier))
    before = loaded.model.config._attn_implementation
    attention(TEXT, str(tiny_classifier), CALL, task="classify")
    twin = eager_twin(loaded)
    assert loaded.model.config._attn_implementation == before == "sdpa"
    assert twin is not loaded.model and twin.config._attn_implementation == "eager"
    assert all(a.data_ptr() == b.data_ptr() for a, b in zip(twin.parameters(), loaded.model.parameters(), strict=True))
    assert eager_twin(loaded) is twin  # built once


def test_the_view_reuses_the_tabs_cached_model(tiny_classifier):
    from core.runtime.model_cache import MODEL_CACHE

    load_for_task(get_task("classify"), str(tiny_classifier))
    count = sum(MODEL_CACHE.load_counts.values())
    attention(TEXT, str(tiny_classifier), CALL)  # kind read from the config: the classify entry
    assert sum(MODEL_CACHE.load_counts.values()) == count


@pytest.mark.parametrize("fixture", ["tiny_gpt2", "tiny_detr"])
def test_a_model_of_the_wrong_kind_gets_a_clear_message(fixture, request):
    path = request.getfixturevalue(fixture)
    with pytest.raises(WrongModelKind, match="attention view explains encoder models") as caught:
        attention("Hello there", str(path), CALL)
    assert "어텐션 보기" in caught.value.text("ko")


def test_the_remote_backend_is_refused_with_what_to_do(tiny_classifier):
    with pytest.raises(BadInput, match="needs the model on this machine.*Backend to Local"):
        attention(TEXT, str(tiny_classifier), CallContext(backend=Backend.REMOTE))


def test_an_empty_text_is_refused(tiny_classifier):
    with pytest.raises(BadInput, match="Type a text"):
        attention("  \n ", str(tiny_classifier), CALL)


def test_a_long_text_is_cut_to_256_tokens(tiny_classifier):
    result = attention("word " * 400, str(tiny_classifier), CALL)
    assert len(result.tokens) == MAX_TOKENS and result.total_tokens == 402 and result.truncated
    assert torch.tensor(result.attention).shape[-1] == MAX_TOKENS
    assert result.to_json()["truncated"] is True


def test_the_notebook_code_asks_for_eager_attention(tiny_classifier):
    result = attention(TEXT, str(tiny_classifier), CALL)
    code = notebook_code(result, TEXT)
    assert 'attn_implementation="eager"' in code and "output_attentions=True" in code and repr(TEXT) in code
    compile(code, "<panel>", "exec")


def test_a_summarization_prefix_is_shown_and_not_mapped_onto_the_students_text(tiny_t5):
    text = "The city opened a library."
    result = attention(text, str(tiny_t5), CALL, task="summarize")
    prefixed = [i for i, span in enumerate(result.spans) if span is None]
    assert result.prefix == "summarize: " and result.tokens[1:4] == ["sum", "##mar", "##ize"]
    assert {1, 2, 3, 4} <= set(prefixed)  # the prefix's tokens have no characters in the student's text
    city = result.tokens.index("city")
    assert text[slice(*result.spans[city])] == "city"  # the student's words map onto their own characters
    code = notebook_code(result, text)
    assert "'summarize: The city opened a library.'" in code or '"summarize: The city opened a library."' in code


def test_the_zero_shot_panel_pairs_the_text_with_the_best_labels_hypothesis():
    from core.text.zero_shot import best_hypothesis

    raw = {"sequence": "A man plays guitar.", "labels": ["music", "sports"], "scores": [0.9, 0.1]}
    assert best_hypothesis("A man plays guitar.", raw, "") == "This example is music."
    assert best_hypothesis("A man plays guitar.", raw, "It is about {}.") == "It is about music."
    assert best_hypothesis("남자가 기타를 친다.", {**raw, "labels": ["음악"]}, None) == "이 글은 음악에 관한 내용이다."
    for before_a_run in (None, {}, "", {"labels": []}):
        with pytest.raises(BadInput, match="Classify the text first"):
            best_hypothesis("A man plays guitar.", before_a_run, "")
    with pytest.raises(BadInput):
        best_hypothesis("A man plays guitar.", raw, "no placeholder")
