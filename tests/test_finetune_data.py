"""The fine-tuning lab's data: CSV reading, checks with clear messages, the held-out split, the starter sets."""

from collections import Counter

import pytest

from core.errors import BadInput
from core.finetune.data import (
    MAX_ROWS,
    STARTER_DIR,
    STARTER_SETS,
    Conflicts,
    DropReason,
    load_starter,
    prepare_data,
    read_csv,
    rows_from_table,
    to_csv,
)
from core.finetune.vocab import UNKNOWN_SHARE_WARNING, data_languages, suggest_model, vocabulary_report
from core.registry import BUNDLED_MINILM, get_task

ROWS = [
    ["I like apple", "positive", ""],
    ["I go to school", "neutral", ""],
    ["I dislike mosquito", "negative", ""],
    ["I feel so good", "positive", ""],
    ["The bus stops here", "neutral", ""],
    ["I felt very sad", "negative", ""],
]


def write(tmp_path, content: bytes | str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_csv_with_text_and_label_reads_in_order(tmp_path):
    path = write(tmp_path, 'label,text\npositive,"Good, very good"\nnegative,Bad\n')
    assert read_csv(path) == [["Good, very good", "positive", ""], ["Bad", "negative", ""]]


def test_csv_split_column_and_header_case_are_understood(tmp_path):
    path = write(tmp_path, "Text,Label,Split\nGood,pos,train\nBad,neg,eval\n")
    assert read_csv(path) == [["Good", "pos", "train"], ["Bad", "neg", "eval"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949"])
def test_korean_csv_from_excel_is_read(tmp_path, encoding):
    path = write(tmp_path, "text,label\n정말 좋아요,긍정\n".encode(encoding))
    assert read_csv(path) == [["정말 좋아요", "긍정", ""]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"text,label\n\xff\xfe\x80,x\n", "not text in UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV|not text in UTF-8"),
        ("sentence,sentiment\nGood,positive\n", "missing 'text', 'label'.*found: 'sentence', 'sentiment'"),
        ("text\nGood\n", "missing 'label'"),
        ("", "The CSV file is empty"),
    ],
)
def test_wrong_columns_or_encoding_is_a_clear_error(tmp_path, content, message):
    with pytest.raises(BadInput, match=message):
        read_csv(write(tmp_path, content))


def test_table_rows_fill_missing_cells_and_ignore_blank_lines():
    rows = rows_from_table(["text", "label", "split"], [["Good", "pos"], ["", None, None], ["Bad", "neg", "eval"]])
    assert rows == [["Good", "pos", ""], ["", "", ""], ["Bad", "neg", "eval"]]
    data = prepare_data(rows + [["Fine", "pos", "train"], ["Awful", "neg", "train"]])
    assert [e.text for e in data.eval] == ["Bad"]


def test_labels_come_from_the_data_in_order_of_appearance():
    data = prepare_data(ROWS)
    assert data.labels == ("positive", "neutral", "negative")
    assert data.label2id == {"positive": 0, "neutral": 1, "negative": 2}


def test_without_a_split_each_label_keeps_a_held_out_row():
    data = prepare_data(ROWS, seed=0)
    assert Counter(e.label for e in data.eval) == {"positive": 1, "neutral": 1, "negative": 1}
    assert not {e.text for e in data.eval} & {e.text for e in data.train}
    assert len(data.train) + len(data.eval) == len(ROWS)


def test_the_held_out_split_depends_only_on_the_seed():
    assert prepare_data(ROWS, seed=3) == prepare_data(ROWS, seed=3)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["a", "x", ""], ["b", "x", ""]], "All rows have the label 'x'.*at least two labels"),
        ([["a", "x", "train"], ["b", "y", "eval"], ["c", "x", "eval"]], "'y' have no training rows"),
        ([["a", "x", ""], ["", "y", ""]], r"Row\(s\) 2 have an empty text or label"),
        ([["a", "x", ""], ["b", "", ""]], r"Row\(s\) 2 have an empty text or label"),
        (
            [["I like it", "x", ""], ["b", "y", ""], ["i  LIKE it", "y", ""]],
            r"different labels in rows 1, 3 \('I like it': x, y\)",
        ),
        ([["a", "x", "test"], ["b", "y", "train"]], "split other than 'train' or 'eval'.*'test'"),
        ([["a", "x", "train"], ["b", "y", "train"]], "no evaluation rows"),
        ([], "There are no rows"),
        ([["x" * 2001, "x", ""], ["b", "y", ""]], "longer than 2,000 characters"),
    ],
)
def test_bad_rows_are_refused_with_a_message_that_says_what_to_fix(rows, message):
    with pytest.raises(BadInput, match=message):
        prepare_data(rows)


def test_more_than_5000_rows_are_refused():
    rows = [[f"sentence {i}", "ab"[i % 2], ""] for i in range(MAX_ROWS + 1)]
    with pytest.raises(BadInput, match="5,001 rows; the lab trains on at most 5,000"):
        prepare_data(rows)


def test_korean_messages_exist_for_bad_rows():
    with pytest.raises(BadInput) as caught:
        prepare_data([["a", "x", ""], ["b", "x", ""]])
    assert "레이블" in caught.value.text("ko")


@pytest.mark.parametrize("set_id", list(STARTER_SETS))
def test_starter_sets_are_valid_three_class_sets_with_disjoint_eval(set_id):
    data = prepare_data(load_starter(set_id))
    assert data.labels == ("positive", "neutral", "negative")
    assert data.eval and not {e.text for e in data.eval} & {e.text for e in data.train}


def test_sentiment_starter_set_is_balanced_english_and_korean():
    data = prepare_data(load_starter("sentiment_en_ko"))
    assert (len(data.train), len(data.eval)) == (240, 60)
    assert set(Counter(e.label for e in data.train).values()) == {80}
    korean = [e for e in data.train + data.eval if any("\uac00" <= ch <= "\ud7a3" for ch in e.text)]
    assert len(korean) == 150
    assert (STARTER_DIR / "README.md").is_file()


def test_unknown_starter_set_names_the_known_ones():
    with pytest.raises(BadInput, match="sentiment_en_ko"):
        load_starter("imdb")


def test_csv_download_round_trips(tmp_path):
    rows = [['Good, very "good"', "pos", "train"], ["나빠요", "neg", "eval"]]
    assert read_csv(write(tmp_path, to_csv(rows))) == rows


# --- repeats and conflicts (issue 14, item 10) ----------------------------------------------------------


def test_a_repeated_sentence_trains_once_and_the_repeat_is_reported():
    """The issue's case: the starter set with row 1 copied at the end is no longer refused."""
    starter = load_starter("sentiment_en_ko")
    rows = [*starter, [f"  {starter[0][0].upper()} ", starter[0][1], starter[0][2]]]
    data = prepare_data(rows)
    assert len(data.train) + len(data.eval) == len(starter)
    (dropped,) = data.dropped
    assert (dropped.row, dropped.same_as, dropped.reason) == (len(rows), 1, DropReason.REPEAT)
    assert dropped.to_json()["reason"] == "repeat"


def test_a_repeat_without_splits_is_never_both_trained_and_held_out():
    rows = [[f"sentence {i}", "ab"[i % 2], ""] for i in range(20)] + [["sentence 3", "b", ""]] * 3
    data = prepare_data(rows, seed=1)
    texts = [e.text for e in data.train + data.eval]
    assert texts.count("sentence 3") == 1 and [d.row for d in data.dropped] == [21, 22, 23]


def test_a_repeat_in_the_other_split_is_a_leak_and_the_first_row_is_kept():
    rows = [["Good", "pos", "train"], ["Bad", "neg", "train"], ["good", "pos", "eval"], ["Awful", "neg", "eval"]]
    data = prepare_data(rows)
    assert [e.text for e in data.train] == ["Good", "Bad"] and [e.text for e in data.eval] == ["Awful"]
    assert [(d.row, d.reason, d.same_as) for d in data.dropped] == [(3, DropReason.LEAK, 1)]


def test_row_numbers_are_the_tables_even_after_a_blank_line():
    rows = [["Good", "pos", ""], ["", "", ""], ["Bad", "neg", ""], ["Fine", "pos", ""], ["Good", "pos", ""]]
    rows += [["Awful", "neg", ""]]
    assert [(d.row, d.same_as) for d in prepare_data(rows).dropped] == [(5, 1)]


CONFLICTING = [
    ["I like it", "positive", ""],
    ["Rain again", "negative", ""],
    ["What a day", "positive", ""],
    ["i like  it", "negative", ""],
    ["Sunny", "positive", ""],
    ["Cold", "negative", ""],
    ["What a day", "negative", ""],
]


def test_one_sentence_with_two_labels_stops_and_lists_its_rows_in_both_languages():
    with pytest.raises(BadInput) as caught:
        prepare_data(CONFLICTING)
    english, korean = caught.value.text("en"), caught.value.text("ko")
    assert "rows 1, 4 ('I like it': positive, negative); rows 3, 7 ('What a day': positive, negative)" in english
    assert "keep the first row's label or leave these sentences out" in english
    assert "1, 4행('I like it': positive, negative)" in korean and "같은 문장, 다른 레이블" in korean


def test_the_student_can_keep_the_first_label():
    data = prepare_data(CONFLICTING, conflicts="first")
    examples = {e.text: e.label for e in data.train + data.eval}
    assert examples["I like it"] == "positive" and "i like  it" not in examples
    assert [(d.row, d.reason, d.same_as) for d in data.dropped] == [
        (4, DropReason.CONFLICT, 1),
        (7, DropReason.CONFLICT, 3),
    ]


def test_the_student_can_leave_conflicting_sentences_out():
    data = prepare_data(CONFLICTING, conflicts=Conflicts.DROP)
    assert {e.text for e in data.train + data.eval} == {"Rain again", "Sunny", "Cold"}
    assert [(d.row, d.same_as) for d in data.dropped] == [(1, 4), (3, 7), (4, 1), (7, 3)]
    assert {d.reason for d in data.dropped} == {DropReason.CONFLICT}


@pytest.mark.parametrize(
    ("rows", "conflicts", "message"),
    [
        (CONFLICTING, "majority", "conflicts = 'majority' is not a choice.*ask, first, drop"),
        ([["a", "x", ""], ["A", "y", ""]], "drop", "No rows are left"),
    ],
)
def test_a_bad_conflict_choice_or_nothing_left_is_a_clear_error(rows, conflicts, message):
    with pytest.raises(BadInput, match=message):
        prepare_data(rows, conflicts=conflicts)


# --- does the base model's vocabulary cover the data? ----------------------------------------------------


@pytest.fixture(scope="module")
def minilm_tokenizer():
    from core.tokenizers.tokenize import load_tokenizer

    return load_tokenizer(BUNDLED_MINILM)


def test_korean_starter_rows_are_much_unknown_to_minilm_and_a_multilingual_model_is_suggested(minilm_tokenizer):
    data = prepare_data(load_starter("sentiment_en_ko"))
    report = vocabulary_report(minilm_tokenizer, data.train + data.eval, data.labels, BUNDLED_MINILM)
    assert report.unknown_token == "[UNK]" and report.much_unknown
    assert [c.label for c in report.labels] == ["positive", "neutral", "negative"]
    for coverage in report.labels:
        assert coverage.rows == 100 and coverage.share >= UNKNOWN_SHARE_WARNING
        assert 0 < coverage.rows_with_unknown <= 50  # only the 50 Korean rows of each label
    assert report.examples and all(any("가" <= ch <= "힣" for ch in word) for word in report.examples)
    assert report.languages == ("en", "ko")
    assert report.suggestion is not None and {"en", "ko"} <= set(report.suggestion.languages)
    assert report.suggestion.id in {m.id for m in get_task("finetune").models}
    assert report.to_json()["suggestion"] == report.suggestion.id


def test_english_rows_are_covered_and_nothing_is_suggested(minilm_tokenizer):
    data = prepare_data(load_starter("course"))
    report = vocabulary_report(minilm_tokenizer, data.train + data.eval, data.labels, BUNDLED_MINILM)
    assert not report.much_unknown and report.suggestion is None
    assert all(c.unknown_words == 0 for c in report.labels)


def test_a_tokenizer_without_an_unknown_token_reads_everything(byte_level_tokenizer):
    from core.tokenizers.tokenize import load_tokenizer

    data = prepare_data(load_starter("sentiment_en_ko"))
    report = vocabulary_report(load_tokenizer(str(byte_level_tokenizer)), data.train, data.labels, "gpt2-like")
    assert not report.much_unknown and report.examples == ()


@pytest.mark.parametrize(
    ("texts", "languages", "suggested"),
    [
        (["사과가 좋아요"], ("ko",), "beomi/kcbert-base"),
        (["I like apple", "사과가 좋아요"], ("en", "ko"), "google-bert/bert-base-multilingual-cased"),
        (["Я люблю яблоки 🍎"], ("multi",), "google-bert/bert-base-multilingual-cased"),
        (["123 !!"], (), None),
    ],
)
def test_the_suggestion_covers_every_script_of_the_data(texts, languages, suggested):
    assert data_languages(texts) == languages
    choice = suggest_model(languages, BUNDLED_MINILM)
    assert (choice.id if choice else None) == suggested
