"""The tokenizer lab's handlers: contract outputs first, the coloured view, and every failure as a gr.Error."""

import gradio as gr
import pytest

import core.tokenizers.tokenize
import tabs.tokenize
from core.inputs.text import MAX_CHARS
from core.registry import BUNDLED_MINILM
from core.tokenizers.training import sample_corpus
from tabs import tokenizer_compare, tokenizer_training
from tabs.context import AppContext
from tabs.tokenize import make_handler
from tabs.tokenizer_lookup import make_handlers as make_lookup_handlers
from tabs.widgets.token_view import MAX_SHOWN_TOKENS

CTX = AppContext()


def test_handler_returns_raw_json_first_then_the_view_and_tables():
    raw, view, notice, ids, mask, types, tensors, code = make_handler(CTX)(
        "너는 내년 대선 때 투표할 수 있어?\nI like apple", BUNDLED_MINILM
    )
    assert set(raw) >= {"tokens", "input_ids", "attention_mask", "token_type_ids", "offset_mapping", "shape"}
    assert raw["input_ids"][0][0] == 101 and raw["shape"] == [2, 29]
    assert ids.shape == (2, 30) and list(ids.iloc[1, 1:7]) == [101, 1045, 2066, 6207, 102, 0]
    assert list(mask.iloc[1, 1:7]) == [1, 1, 1, 1, 1, 0] and types.shape == (2, 30)
    assert "torch.Size([2, 29])" in notice and "[UNK]" in notice and "`##`" in notice
    assert tensors.startswith("{'input_ids': tensor([[")
    assert "AutoTokenizer" in code


def test_the_view_draws_original_characters_with_their_ids():
    _raw, view, *_ = make_handler(CTX)("It was informative", BUNDLED_MINILM)
    assert '<span class="txt">It</span><span class="str">it</span><span class="ids">2009</span>' in view
    assert 'class="tok cont"' in view and "##ative" in view
    assert 'class="tok special"' in view and ">101<" in view and ">102<" in view


def test_the_view_flags_unknown_tokens_over_their_text():
    _raw, view, *_ = make_handler(CTX)("때", BUNDLED_MINILM)
    assert '<span class="tok unk special"' in view or 'class="tok unk' in view
    assert '<span class="txt">때</span><span class="str">[UNK]</span><span class="ids">100</span>' in view


def test_user_text_cannot_inject_html_or_templates():
    _raw, view, *_ = make_handler(CTX)("<script>alert(1)</script> ${x} {{y}}", BUNDLED_MINILM)
    assert "<script>" not in view and "${" not in view and "{{" not in view
    assert "&lt;" in view


def test_100000_characters_are_counted_and_the_view_says_it_is_cut():
    text = ("It was a very informative, fun and enjoyable time. " * 2000)[:MAX_CHARS]
    raw, view, notice, *_ = make_handler(CTX)(text, BUNDLED_MINILM, "longest", False)
    assert raw["num_tokens"][0] == len(raw["input_ids"][0]) > 20_000
    assert view.count('class="tok ') == MAX_SHOWN_TOKENS
    assert f"first {MAX_SHOWN_TOKENS:,} of {raw['num_tokens'][0]:,} tokens" in notice


def test_pairs_and_truncation_are_told_in_korean():
    raw, _view, notice, *_ = make_handler(CTX)(
        "It was a very informative, fun and enjoyable time.", BUNDLED_MINILM, "longest", True, 8, True, "", "ko"
    )
    assert len(raw["input_ids"][0]) == 8 and "14토큰" in notice
    raw, *_ = make_handler(CTX)("I like apple", BUNDLED_MINILM, "longest", True, None, True, "I like pear")
    assert raw["token_type_ids"] == [[0, 0, 0, 0, 0, 1, 1, 1, 1]]


def test_ragged_batch_explains_why_there_is_no_tensor():
    *_, notice, _ids, _mask, _types, tensors, _code = make_handler(CTX)("a\nb c d", BUNDLED_MINILM, "do_not_pad")
    assert "different lengths" in notice and "Unable to create tensor" in tensors


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("  ", BUNDLED_MINILM), "The text is empty"),
        (("a" * (MAX_CHARS + 1), BUNDLED_MINILM), "100,001 characters"),
        (("hi", BUNDLED_MINILM, "longest", True, -3), "whole number of 1 or more; got -3"),
        (("hi", BUNDLED_MINILM, "longest", True, 100_000), "above the limit"),
        (("a\nb", BUNDLED_MINILM, "longest", True, None, True, "only one"), "Sentence 2 has no second sentence"),
        (("hi", "google-bert/bert-base-uncased"), "not downloaded"),
        (("hi", "org/../x"), "not a Hub model id"),
    ],
)
def test_bad_input_becomes_a_clear_gr_error(arguments, message):
    with pytest.raises(gr.Error, match=message):
        make_handler(CTX)(*arguments)


def test_a_zero_max_length_from_the_number_box_means_the_tokenizers_limit():
    raw, *_ = make_handler(CTX)("hi", BUNDLED_MINILM, "max_length", True, 0)
    assert raw["shape"] == [1, 512]


def test_local_folders_are_refused_in_public_mode(chat_tokenizer):
    with pytest.raises(gr.Error, match="public mode"):
        make_handler(AppContext(public=True))("hi", str(chat_tokenizer))


def test_lookup_handlers():
    run_token_ids, run_decode, run_chat = make_lookup_handlers(CTX)
    assert run_token_ids(BUNDLED_MINILM, "[CLS] [SEP]") == [
        {"token": "[CLS]", "id": 101},
        {"token": "[SEP]", "id": 102},
    ]
    assert run_decode(BUNDLED_MINILM, "101 7592 102")["text_without_special_tokens"] == "hello"
    with pytest.raises(gr.Error, match="Not in the vocabulary"):
        run_token_ids(BUNDLED_MINILM, "대선")
    with pytest.raises(gr.Error, match="채팅 템플릿이 없어요"):
        run_chat(BUNDLED_MINILM, "user: hi", True, "ko")


def test_chat_handler_returns_json_then_text(chat_tokenizer):
    raw, text = make_lookup_handlers(CTX)[2](str(chat_tokenizer), "user: hi", False)
    assert text == "[CLS] user: hi [SEP] " and raw["text"] == text and raw["input_ids"][0] == 101


def test_compare_handler_shows_a_row_per_tokenizer_and_the_local_splits():
    raw, table, problems, tokens, code = tokenizer_compare.make_handler(CTX)(
        "갓생 살기", [BUNDLED_MINILM, "gpt2"], "ko"
    )
    assert [row["tokenizer"] for row in raw["tokenizers"]] == [BUNDLED_MINILM, "gpt2", "word-level", "character-level"]
    assert list(table["tokenizer"]) == [BUNDLED_MINILM, "gpt2", "word-level", "character-level"]
    assert table.loc[1, "kind"] == "⚠️ 모델을 불러올 수 없어요" and table.loc[0, "tokens"] > 4
    assert "**gpt2**" in problems and "이 컴퓨터에 없고" in problems
    assert tokens.count('class="seq"') == 3 and "[UNK]" in tokens


def test_train_handler_shows_merges_and_steps():
    raw, summary, merges, steps, code = tokenizer_training.make_handler(CTX)(sample_corpus(), "bpe", 500, "tokenizing")
    assert list(merges.columns) == ["rank", "pair", "count", "new symbol"] and merges.iloc[0, 0] == 1
    assert steps.iloc[-1, 2] == "tokeniz · ing" and raw["tokens"] == ["tokeniz", "ing"]
    assert "'tokenizing' → `tokeniz` `ing`" in summary


def test_train_handler_errors_are_gr_errors():
    with pytest.raises(gr.Error, match="too small for a vocabulary"):
        tokenizer_training.make_handler(CTX)("low lower lowest", "bpe", 500, "low")


def test_core_tokenize_is_what_the_tab_calls():
    assert tabs.tokenize.tokenize is core.tokenizers.tokenize.tokenize


def test_wide_batches_say_the_tables_show_the_first_positions():
    _raw, _view, notice, ids, *_ = make_handler(CTX)("word " * 600, BUNDLED_MINILM, "longest", False)
    assert ids.shape == (1, 129) and "first 128 positions of 602" in notice
