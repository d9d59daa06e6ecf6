"""Compare mode: real tokenizers next to local word-level and character-level splits."""

import pytest

from core.errors import BadInput
from core.registry import BUNDLED_MINILM
from core.tokenizers.compare import CHARACTER_LEVEL, MAX_TOKENIZERS, WORD_LEVEL, compare, notebook_code
from tests.kit.tiny_models import minilm_tokenizer

KOREAN = "우리 반 친구들은 요즘 갓생 살기에 진심이에요."


def rows_by_name(result):
    return {row.name: row for row in result.rows}


def test_counts_match_the_tokenizer_without_special_tokens():
    text = "It was a very informative, fun and enjoyable time."
    row = rows_by_name(compare(text, [BUNDLED_MINILM]))[BUNDLED_MINILM]
    assert row.count == len(minilm_tokenizer()(text, add_special_tokens=False)["input_ids"]) == 12
    assert row.kind == "WordPiece" and row.unknown == 0
    assert row.chars_per_token == round(len(text) / 12, 2)


def test_word_and_character_level_are_always_there():
    rows = rows_by_name(compare("I like apple", []))
    assert set(rows) == {WORD_LEVEL, CHARACTER_LEVEL}
    assert rows[WORD_LEVEL].tokens == ["i", "like", "apple"]
    assert rows[CHARACTER_LEVEL].tokens == list("ilikeapple")


def test_korean_shows_why_subwords_matter():
    rows = rows_by_name(compare(KOREAN, [BUNDLED_MINILM]))
    words, chars, english = rows[WORD_LEVEL], rows[CHARACTER_LEVEL], rows[BUNDLED_MINILM]
    assert words.unknown_rate > 0.5  # new words with particles are unknown to a word vocabulary
    assert chars.count == len(KOREAN.replace(" ", "")) and chars.unknown_rate < words.unknown_rate
    assert english.count > chars.count  # an English vocabulary breaks syllables into jamo
    assert english.chars_per_token < 1


def test_a_tokenizer_that_cannot_load_gets_its_own_message_and_the_rest_still_run():
    rows = rows_by_name(compare("hi", ["google-bert/bert-base-uncased", BUNDLED_MINILM]))
    assert "not downloaded" in rows["google-bert/bert-base-uncased"].error.message
    assert rows[BUNDLED_MINILM].error is None and rows[BUNDLED_MINILM].count == 1
    assert "error" in compare("hi", ["google-bert/bert-base-uncased"]).to_json()["tokenizers"][0]


def test_tokenizers_may_be_a_comma_separated_string():
    names = [row.name for row in compare("hi", f"{BUNDLED_MINILM}, {BUNDLED_MINILM}").rows]
    assert names == [BUNDLED_MINILM, WORD_LEVEL, CHARACTER_LEVEL]


def test_json_rows_have_counts_rates_and_tokens():
    row = compare("I like apple", [BUNDLED_MINILM]).to_json()["tokenizers"][0]
    assert row == {
        "tokenizer": BUNDLED_MINILM,
        "kind": "WordPiece",
        "num_tokens": 3,
        "chars_per_token": 4.0,
        "unknown_tokens": 0,
        "unknown_rate": 0.0,
        "vocab_size": 30522,
        "tokens": ["i", "like", "apple"],
    }


@pytest.mark.parametrize(
    ("text", "tokenizers", "message"),
    [
        ("", None, "The text is empty"),
        ("hi", [f"org/model-{i}" for i in range(MAX_TOKENIZERS + 1)], "compare at most 8"),
    ],
)
def test_bad_compare_input(text, tokenizers, message):
    with pytest.raises(BadInput, match=message):
        compare(text, tokenizers)


def test_notebook_code_names_the_tokenizers_that_ran():
    code = notebook_code(compare("hi", [BUNDLED_MINILM, "google-bert/bert-base-uncased"]))
    assert repr(BUNDLED_MINILM) in code and "bert-base-uncased" not in code


def test_kinds_of_tokenizers_are_named(byte_level_tokenizer, sentencepiece_tokenizer):
    rows = compare("Hello world", [str(byte_level_tokenizer), str(sentencepiece_tokenizer)]).rows
    assert [row.kind for row in rows[:2]] == ["byte-level BPE", "SentencePiece (Unigram)"]
