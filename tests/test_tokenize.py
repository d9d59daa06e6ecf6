"""The tokenizer lab's core on the bundled MiniLM: ids, masks, pairs, offsets, lookups, chat templates."""

import unicodedata

import pytest

from core.errors import BadInput, ModelNotAvailable
from core.inputs.text import MAX_CHARS
from core.registry import BUNDLED_MINILM, bundled_path
from core.runtime.model_cache import MODEL_CACHE
from core.tokenizers.lookup import decode, render_chat, token_ids
from core.tokenizers.tokenize import Padding, load_tokenizer, notebook_code, tokenize
from tests.kit.tiny_models import minilm_tokenizer

COURSE_SENTENCES = [
    "너는 내년 대선 때 투표할 수 있어?",
    "It was a very informative, fun and enjoyable time.",
    "It was a waste of time.",
    "I like apple",
]


@pytest.fixture(scope="module")
def reference():
    """The same tokenizer loaded straight from transformers, to check against."""
    return minilm_tokenizer()


def test_bundled_minilm_has_the_course_special_ids():
    tokenizer = load_tokenizer(BUNDLED_MINILM)
    assert (tokenizer.cls_token, tokenizer.cls_token_id) == ("[CLS]", 101)
    assert (tokenizer.sep_token, tokenizer.sep_token_id) == ("[SEP]", 102)
    assert (tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.mask_token_id) == (0, 100, 103)


@pytest.mark.parametrize("sentence", COURSE_SENTENCES)
def test_ids_start_with_cls_101_and_end_with_sep_102(sentence):
    ids = tokenize(sentence).inputs["input_ids"][0]
    assert ids[0] == 101 and ids[-1] == 102
    assert 101 not in ids[1:-1] and 102 not in ids[1:-1]


def test_the_batch_is_what_the_tokenizer_returns_with_pt_tensors(reference):
    result = tokenize("\n".join(COURSE_SENTENCES))
    expected = reference(COURSE_SENTENCES, padding=True, truncation=True, max_length=512, return_tensors="pt")
    assert result.inputs == {key: value.tolist() for key, value in expected.items()}
    assert result.shape == list(expected["input_ids"].shape)
    assert result.tensor_repr == repr(expected)


def test_padding_gives_id_0_and_mask_0_exactly_where_padded():
    short, long = "It was a waste of time.", "It was a very informative, fun and enjoyable time."
    result = tokenize(f"{short}\n{long}")
    real = result.full_lengths[0]
    width = len(result.inputs["input_ids"][1])
    assert real < width
    assert result.inputs["input_ids"][0][real:] == [0] * (width - real)
    assert result.inputs["attention_mask"][0] == [1] * real + [0] * (width - real)
    assert result.inputs["attention_mask"][1] == [1] * width
    assert all(p.padding == (p.index >= real) for p in result.pieces[0])


def test_padding_to_max_length_pads_every_row_to_it():
    result = tokenize("I like apple\nI like pear", padding="max_length", max_length=12)
    assert result.shape == [2, 12]
    assert all(row[-1] == 0 for row in result.inputs["input_ids"])


def test_without_padding_rows_differ_and_no_tensor_can_be_made(reference):
    texts = ["I like apple", "It was a very informative, fun and enjoyable time."]
    result = tokenize("\n".join(texts), padding="do_not_pad")
    assert [len(row) for row in result.inputs["input_ids"]] == [5, 14]
    assert result.shape is None and "Unable to create tensor" in result.tensor_repr
    with pytest.raises(ValueError, match="Unable to create tensor"):
        reference(texts, return_tensors="pt")


def test_truncation_respects_max_length_and_keeps_the_full_count():
    text = "It was a very informative, fun and enjoyable time."
    result = tokenize(text, truncation=True, max_length=6)
    assert len(result.inputs["input_ids"][0]) == 6
    assert result.inputs["input_ids"][0][-1] == 102
    assert result.full_lengths == [14] and result.truncated == [0]


def test_without_truncation_nothing_is_cut():
    result = tokenize("word " * 600, truncation=False)
    assert len(result.tokens[0]) == result.full_lengths[0] == 602 and result.truncated == []


def test_sentence_pairs_give_token_type_ids_0_then_1():
    result = tokenize("I like apple\nIt was a waste of time.", text_pair="I like pear\nI felt very sad")
    for row, pieces in zip(result.inputs["token_type_ids"], result.pieces, strict=True):
        real = [p for p in pieces if not p.padding]
        first_sep = next(p.index for p in real if p.id == 102)
        assert row[: first_sep + 1] == [0] * (first_sep + 1)
        assert row[first_sep + 1 : len(real)] == [1] * (len(real) - first_sep - 1)
        assert {p.sequence for p in real if not p.special} == {0, 1}


@pytest.mark.parametrize("sentence", COURSE_SENTENCES[1:])
def test_offsets_map_each_token_back_to_its_characters(sentence):
    result = tokenize(sentence)
    for piece in result.pieces[0]:
        if piece.special:
            assert piece.start is None
        else:
            assert sentence[piece.start : piece.end].lower() == piece.token.removeprefix("##")


def test_korean_tokens_point_at_the_syllables_they_came_from():
    sentence = COURSE_SENTENCES[0]
    pieces = [p for p in tokenize(sentence).pieces[0] if not p.special]
    covered = {i for p in pieces for i in range(p.start, p.end)}
    assert covered == {i for i, ch in enumerate(sentence) if not ch.isspace()}
    for piece in pieces:
        if not piece.unknown and piece.token != "?":
            jamo = unicodedata.normalize("NFD", sentence[piece.start : piece.end])
            assert piece.token.removeprefix("##") in jamo


def test_unknown_tokens_are_flagged_with_their_text():
    sentence = COURSE_SENTENCES[0]
    unknown = [sentence[p.start : p.end] for p in tokenize(sentence).pieces[0] if p.unknown]
    assert unknown == ["때", "있어"]


def test_without_special_tokens_there_is_no_cls_or_sep():
    result = tokenize("I like apple", add_special_tokens=False)
    assert result.tokens == [["i", "like", "apple"]]
    assert not any(p.special for p in result.pieces[0])


def test_wordpiece_continuations_are_reported():
    result = tokenize("It was a very informative time.")
    assert "##ative" in result.tokens[0] and result.markers == ["##"]


def test_100000_characters_count_every_token():
    text = ("It was a very informative, fun and enjoyable time. " * 2000)[:MAX_CHARS].strip()
    result = tokenize(text)
    assert len(result.tokens[0]) == 512
    assert result.full_lengths[0] == len(minilm_tokenizer()(text)["input_ids"]) > 20_000


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"text": "   "}, "The text is empty"),
        ({"text": "a" * (MAX_CHARS + 1)}, "100,001 characters"),
        ({"max_length": 0}, "whole number of 1 or more; got 0"),
        ({"max_length": -5}, "whole number of 1 or more; got -5"),
        ({"max_length": 2.5}, "whole number"),
        ({"max_length": 513}, "above the limit of .* 512"),
        ({"padding": "sideways"}, "padding must be one of longest, max_length, do_not_pad"),
        ({"text": "I like apple\nI like pear", "text_pair": "I like pear"}, "Sentence 2 has no second sentence"),
        ({"text_pair": "one\ntwo"}, "2 second sentences for 1 first"),
    ],
)
def test_bad_input_is_a_clear_bad_input(options, message):
    arguments = {"text": "I like apple", **options}
    with pytest.raises(BadInput, match=message):
        tokenize(**arguments)


def test_padding_accepts_transformers_booleans():
    assert tokenize("a\nb c", padding=True).padding is Padding.LONGEST
    assert tokenize("a\nb c", padding=False).shape is None


def test_the_tokenizer_loads_once_under_its_own_key():
    # Counts are per process: another test may have loaded (and the bounded cache evicted) it before.
    key = ("tokenizer", str(bundled_path(BUNDLED_MINILM)))
    before = MODEL_CACHE.load_counts.get(key, 0)
    load_tokenizer(BUNDLED_MINILM)
    tokenize("one")
    tokenize("two")
    cached = MODEL_CACHE.keys()  # a list of keys, not a dict view
    assert key in cached and MODEL_CACHE.load_counts[key] <= before + 1
    loaded = MODEL_CACHE.load_counts[key]
    tokenize("three")
    assert MODEL_CACHE.load_counts[key] == loaded


def test_a_hub_tokenizer_while_offline_says_it_is_not_downloaded():
    with pytest.raises(ModelNotAvailable, match="not downloaded on this machine"):
        tokenize("hi", "google-bert/bert-base-uncased")


def test_notebook_code_reproduces_the_call():
    code = notebook_code(tokenize("I like apple", text_pair="I like pear", max_length=16))
    assert "AutoTokenizer.from_pretrained('sentence-transformers/all-MiniLM-L6-v2')" in code
    assert 'tokenizer(texts, text_pairs, padding=True, truncation=True, max_length=16, return_tensors="pt")' in code


def test_token_lookup_gives_vocabulary_ids():
    assert token_ids(BUNDLED_MINILM, "[CLS] [SEP], hello ##ing").to_json() == [
        {"token": "[CLS]", "id": 101},
        {"token": "[SEP]", "id": 102},
        {"token": "hello", "id": 7592},
        {"token": "##ing", "id": 2075},
    ]


def test_a_token_not_in_the_vocabulary_is_named_with_its_pieces():
    with pytest.raises(BadInput, match=r"Not in the vocabulary .*'대선'.*'ᄃ', '##ᅢ'"):
        token_ids(BUNDLED_MINILM, "hello 대선")


def test_decode_with_and_without_special_tokens():
    result = decode(BUNDLED_MINILM, "[101, 7592, 2088, 102]").to_json()
    assert result["tokens"] == ["[CLS]", "hello", "world", "[SEP]"]
    assert result["text"] == "[CLS] hello world [SEP]"
    assert result["text_without_special_tokens"] == "hello world"


@pytest.mark.parametrize(
    ("ids", "message"),
    [("", "id list is empty"), ("101 hello", "whole numbers"), ("101 30522", "from 0 to 30521"), ("-1", "-1")],
)
def test_bad_ids_are_refused(ids, message):
    with pytest.raises(BadInput, match=message):
        decode(BUNDLED_MINILM, ids)


def test_chat_template_renders_text_and_its_tokens(chat_tokenizer):
    result = render_chat(str(chat_tokenizer), "system: Be brief.\nuser: 안녕하세요?")
    assert result.text == "[CLS] system: Be brief. [SEP] [CLS] user: 안녕하세요? [SEP] [CLS] assistant:"
    assert result.ids == minilm_tokenizer()(result.text, add_special_tokens=False)["input_ids"]
    assert result.tokens.count("[CLS]") == 3 and result.ids[0] == 101


def test_a_tokenizer_without_chat_template_is_told_which_has_one():
    with pytest.raises(BadInput, match="has no chat template.*SmolLM2"):
        render_chat(BUNDLED_MINILM, "user: hi")


@pytest.mark.parametrize("messages", ["hello there", "robot: hi", "user:   "])
def test_chat_lines_must_be_role_and_text(messages, chat_tokenizer):
    with pytest.raises(BadInput, match="is not a chat message"):
        render_chat(str(chat_tokenizer), messages)


def test_byte_level_bpe_marks_spaces_and_covers_every_character(byte_level_tokenizer):
    sentence = "Hello world, 너는 내년 대선 때 투표할 수 있어?"
    result = tokenize(sentence, str(byte_level_tokenizer), padding="do_not_pad")
    assert result.markers == ["Ġ"] and "Ġw" in result.tokens[0]
    covered = {i for p in result.pieces[0] for i in range(p.start, p.end)}
    assert covered == set(range(len(sentence)))


def test_a_tokenizer_without_padding_token_cannot_pad(byte_level_tokenizer):
    with pytest.raises(BadInput, match="has no padding token.*do_not_pad.*pad_token = tokenizer.eos_token"):
        tokenize("I like apple\nI like pear", str(byte_level_tokenizer))


def test_sentencepiece_marks_word_starts_and_pads_with_its_own_token(sentencepiece_tokenizer):
    result = tokenize("I like apple\nI like apple pie", str(sentencepiece_tokenizer))
    assert result.markers == ["▁"] and result.tokens[0][-1] == "<pad>"
    assert result.inputs["attention_mask"][0][-1] == 0 and "token_type_ids" not in result.inputs
