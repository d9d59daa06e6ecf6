"""core.text.fill_mask: the mask token swap, the pipeline's shape, top_k, mask counts, long texts, wrong models."""

import ast

import pytest

from core.errors import BadInput, WrongModelKind
from core.inputs.text import MAX_CHARS
from core.text.fill_mask import fill_mask, known_mask_token, notebook_code, with_model_mask
from tests.kit.tiny_models import minilm_tokenizer


@pytest.mark.parametrize("typed", ["[MASK]", "<mask>", "[mask]", "<MASK>"])
def test_any_mask_spelling_becomes_the_models_mask_token(typed, tiny_masked_lm):
    result = fill_mask(f"Paris is the {typed} of France.", str(tiny_masked_lm))
    assert result.mask_token == "[MASK]"
    assert result.text == "Paris is the [MASK] of France."


def test_both_spellings_give_the_same_prediction(tiny_masked_lm):
    bert = fill_mask("Paris is the [MASK] of France.", str(tiny_masked_lm)).to_json()
    roberta = fill_mask("Paris is the <mask> of France.", str(tiny_masked_lm)).to_json()
    assert bert == roberta


@pytest.mark.parametrize(
    ("text", "mask_token", "expected"),
    [("a [MASK] b", "<mask>", "a <mask> b"), ("a <mask> b", "[MASK]", "a [MASK] b"), ("a [M] b", "[M]", "a [M] b")],
)
def test_with_model_mask_swaps_spellings(text, mask_token, expected):
    assert with_model_mask(text, mask_token) == expected


def test_candidates_have_the_pipeline_shape_best_first(tiny_masked_lm):
    candidates = fill_mask("Paris is the [MASK] of France.", str(tiny_masked_lm), top_k=7).to_json()
    tokenizer = minilm_tokenizer()
    assert len(candidates) == 7
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
    for c in candidates:
        assert set(c) == {"score", "token", "token_str", "sequence"}
        assert c["token_str"] == tokenizer.decode([c["token"]])
        assert "[MASK]" not in c["sequence"] and c["sequence"].startswith("paris is th")
        assert c["sequence"].endswith(" of france.")


@pytest.mark.parametrize("top_k", [0, 51, 2.5, -1, float("nan"), "five"])
def test_top_k_must_be_a_whole_number_in_range(top_k):
    with pytest.raises(BadInput, match="top_k"):
        fill_mask("a [MASK]", "org/not-downloaded", top_k=top_k)


def test_text_without_a_mask_names_the_models_mask_token(tiny_masked_lm):
    with pytest.raises(BadInput, match=r"no mask in the text. Put \[MASK\]"):
        fill_mask("Paris is the capital of France.", str(tiny_masked_lm))


def test_more_than_one_mask_is_refused(tiny_masked_lm):
    with pytest.raises(BadInput, match="2 masks; this tab fills exactly one"):
        fill_mask("[MASK] is the <mask> of France.", str(tiny_masked_lm))


def test_a_long_text_is_truncated_and_reported(tiny_masked_lm):
    text = ("Paris is the [MASK] of France. " + "word " * (MAX_CHARS // 5))[:MAX_CHARS]
    result = fill_mask(text, str(tiny_masked_lm))
    note = result.truncation
    assert note is not None and note.kept_tokens == 512 and note.tokens > 19_000
    assert len(result.candidates) == 5


def test_a_mask_beyond_the_window_is_explained(tiny_masked_lm):
    with pytest.raises(BadInput, match="beyond the 512 tokens"):
        fill_mask("word " * 600 + "[MASK].", str(tiny_masked_lm))


def test_empty_text_is_refused():
    with pytest.raises(BadInput, match="empty"):
        fill_mask("", "org/not-downloaded")


def test_a_sequence_classifier_is_the_wrong_kind(tiny_classifier):
    with pytest.raises(WrongModelKind, match="ForMaskedLM"):
        fill_mask("a [MASK]", str(tiny_classifier))


def test_notebook_code_is_valid_python():
    code = notebook_code("beomi/kcbert-base", "너는 내년 [MASK] 때 투표할 수 있어?", 5)
    ast.parse(code)
    assert "pipeline(\"fill-mask\", model='beomi/kcbert-base')" in code and "top_k=5" in code


def test_the_mask_token_is_known_before_loading_from_local_files(tiny_masked_lm):
    from core.runtime.model_cache import MODEL_CACHE

    before = MODEL_CACHE.keys()
    assert known_mask_token(str(tiny_masked_lm)) == "[MASK]"
    assert MODEL_CACHE.keys() == before


@pytest.mark.parametrize("model", ["google-bert/bert-base-uncased", "", "../nowhere"])
def test_the_mask_token_is_unknown_when_the_files_are_not_here(model):
    assert known_mask_token(model) is None
