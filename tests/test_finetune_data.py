"""The fine-tuning lab's data: CSV reading, checks with clear messages, the held-out split, the starter sets."""

from collections import Counter

import pytest

from core.errors import BadInput
from core.finetune_data import (
    MAX_ROWS,
    STARTER_DIR,
    STARTER_SETS,
    load_starter,
    prepare_data,
    read_csv,
    rows_from_table,
    to_csv,
)

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
        ([["I like it", "x", ""], ["b", "y", ""], ["i  LIKE it", "y", ""]], "Duplicate text in rows 1 and 3"),
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
