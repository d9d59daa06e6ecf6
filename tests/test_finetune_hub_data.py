"""The fine-tuning lab's Hub datasets: the real ``datasets`` path on local parquet folders, and every refusal."""

import httpx2
import pytest

import core.finetune.hub_data
from core.errors import BadInput, DataNotAvailable
from core.finetune.data import MAX_ROWS, prepare_data
from core.finetune.hub_data import load_hub_rows, resolve_dataset
from core.registry import FINETUNE_DATASETS
from tests.kit.tiny_datasets import write_tiny_dataset


def test_classlabel_ids_become_their_names_and_columns_are_detected(tiny_reviews):
    result = load_hub_rows(str(tiny_reviews))
    assert (result.text_column, result.label_column) == ("document", "label")
    assert result.columns == ("id", "document", "label")
    assert result.rows[:2] == (("정말 재밌어요", "positive"), ("너무 지루해요", "negative"))
    assert result.label_counts == {"positive": 6, "negative": 6}


def test_duplicates_and_empty_texts_are_left_out_and_counted(tiny_reviews):
    result = load_hub_rows(str(tiny_reviews))
    assert result.skipped == {"duplicate": 1, "empty_text": 1}
    assert len({text for text, _ in result.rows}) == len(result.rows) == 12


def test_row_cap_reads_only_the_first_rows(tiny_reviews):
    result = load_hub_rows(str(tiny_reviews), max_rows=4)
    assert [text for text, _ in result.rows] == ["정말 재밌어요", "너무 지루해요", "I loved it", "I hated it"]


def test_rows_go_through_the_lab_unchanged(tiny_reviews):
    rows = load_hub_rows(str(tiny_reviews)).lab_rows()
    assert all(split == "" for _, _, split in rows)
    data = prepare_data(rows, seed=1)
    assert data.labels == ("positive", "negative")
    assert len(data.train) + len(data.eval) == 12 and data.eval


def test_preview_json_has_columns_counts_and_first_rows(tiny_reviews):
    raw = load_hub_rows(str(tiny_reviews)).to_json()
    assert raw["num_rows"] == 12 and raw["label_counts"] == {"positive": 6, "negative": 6}
    assert raw["preview"][0] == {"text": "정말 재밌어요", "label": "positive"}
    assert raw["split"] == "train" and raw["config"] is None


def test_columns_can_be_chosen_and_plain_string_labels_are_kept(tmp_path):
    folder = write_tiny_dataset(tmp_path / "d", {"body": ["a b", "c d", "e f"], "mood": ["up", "down", "up"]})
    result = load_hub_rows(str(folder), text_column="body", label_column="mood")
    assert result.rows == (("a b", "up"), ("c d", "down"), ("e f", "up"))


def test_a_csv_folder_without_a_schema_is_read(tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "train.csv").write_text("sentence,label\nGood film,pos\nBad film,neg\nNo label,\n")
    result = load_hub_rows(str(tmp_path / "csv"))
    assert result.rows == (("Good film", "pos"), ("Bad film", "neg")) and result.skipped == {"no_label": 1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text_column": "review_body"}, "no text column 'review_body'.*'id', 'document', 'label'"),
        ({"label_column": "stars"}, "no label column 'stars'.*'id', 'document', 'label'"),
    ],
)
def test_a_chosen_column_that_does_not_exist_names_the_columns_it_has(tiny_reviews, kwargs, message):
    with pytest.raises(BadInput, match=message):
        load_hub_rows(str(tiny_reviews), **kwargs)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"question": ["q1", "q2"], "label": [0, 1]}, "No text column found.*'question', 'label'"),
        ({"text": ["a", "b"], "answer": ["x", "y"]}, "No label column found.*'text', 'answer'"),
        ({"text": ["a", "b", "c"], "label": [0.5, 1.5, 2.5]}, "'label' holds float64 values.*not a text-classif"),
        ({"text": ["a", "b"], "label": [[1, 2], [3]]}, "'label' holds List values.*not a text-classif"),
        ({"text": ["a", "b", "c"], "label": [1, 1, 1]}, "All of the first rows .* have the label '1'"),
        ({"text": ["a", "b"], "label": [-1, -1]}, "None of the first rows.*has a label.*train or validation"),
        ({"text": [f"t{i}" for i in range(60)], "label": list(range(60))}, "60 different values.*not a classif"),
    ],
)
def test_datasets_the_lab_cannot_classify_are_refused(tmp_path, columns, message):
    with pytest.raises(BadInput, match=message):
        load_hub_rows(str(write_tiny_dataset(tmp_path / "d", columns)))


def test_offline_a_hub_id_needs_the_internet():
    with pytest.raises(DataNotAvailable, match="needs the internet.*starter set or a CSV"):
        load_hub_rows(FINETUNE_DATASETS[0].id)


def _hub_error(error_class):
    response = httpx2.Response(404, request=httpx2.Request("GET", "https://huggingface.co/api/datasets/org/x"))
    return error_class("404 Client Error", response=response)


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (
            "RepositoryNotFoundError",
            DataNotAvailable,
            "no dataset 'org/secret' on the Hugging Face Hub .or it is priv",
        ),
        ("GatedRepoError", DataNotAvailable, "gated dataset.*HF_TOKEN"),
        ("DatasetNotFoundError", DataNotAvailable, "no dataset 'org/secret'"),
        ("gated DatasetNotFoundError", DataNotAvailable, "gated dataset"),
        ("ConnectionError", DataNotAvailable, "Could not reach the Hugging Face Hub"),
        ("script", BadInput, "loading script.*never runs code"),
        ("Bad split", BadInput, "no split 'train'. Available: \\['test'\\]"),
    ],
)
def test_hub_failures_are_explained(monkeypatch, error, kind, message):
    import datasets
    import huggingface_hub.errors

    def refuse(*args, **kwargs):
        if error == "DatasetNotFoundError":
            raise datasets.exceptions.DatasetNotFoundError("Dataset 'org/secret' doesn't exist on the Hub")
        if error == "gated DatasetNotFoundError":
            raise datasets.exceptions.DatasetNotFoundError("Dataset 'org/secret' is a gated dataset on the Hub.")
        if error == "ConnectionError":
            raise ConnectionError("Couldn't reach 'org/secret' on the Hub (ConnectError)")
        if error == "script":
            raise RuntimeError("Dataset scripts are no longer supported, but found secret.py")
        if error == "Bad split":
            raise ValueError("Bad split: train. Available splits: ['test']")
        raise _hub_error(getattr(huggingface_hub.errors, error))

    monkeypatch.setattr(core.finetune.hub_data, "hub_offline", lambda: False)
    monkeypatch.setattr(datasets, "load_dataset", refuse)
    with pytest.raises(kind, match=message):
        load_hub_rows("org/secret")


def test_a_real_local_loading_script_is_refused_not_run(tmp_path):
    folder = tmp_path / "scripted"
    folder.mkdir()
    (folder / "scripted.py").write_text("raise SystemExit('a dataset script ran')\n")
    with pytest.raises(BadInput, match="loading script"):
        load_hub_rows(str(folder))


def test_the_loader_streams_and_never_passes_trust_remote_code(monkeypatch, tiny_reviews):
    import datasets

    calls = []
    real = datasets.load_dataset

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(datasets, "load_dataset", spy)
    load_hub_rows(str(tiny_reviews), max_rows=3)
    assert calls and all(c.get("streaming") is True and "trust_remote_code" not in c for c in calls)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "No dataset given"),
        ("org/a/b", "not a valid Hub dataset id"),
        ("https://huggingface.co/datasets/e9t/nsmc", "not a valid Hub dataset id"),
        ("bad id!", "not a valid Hub dataset id"),
        ("./no-such-folder", "no folder './no-such-folder'"),
        ("e9t/nsmc\u200b", "invisible characters"),
    ],
)
def test_bad_dataset_ids_are_refused(value, message):
    with pytest.raises(BadInput, match=message):
        resolve_dataset(value)


def test_public_mode_accepts_hub_ids_only(tiny_reviews):
    assert resolve_dataset("stanfordnlp/sst2", allow_local=False) == ("stanfordnlp/sst2", False)
    with pytest.raises(BadInput, match="public mode"):
        resolve_dataset(str(tiny_reviews), allow_local=False)


@pytest.mark.parametrize("cap", [0, -5, MAX_ROWS + 1, 2.5, float("nan")])
def test_row_cap_outside_the_labs_limit_is_refused(tiny_reviews, cap):
    with pytest.raises(BadInput, match=f"whole number from 1 to {MAX_ROWS:,}"):
        load_hub_rows(str(tiny_reviews), max_rows=cap)


@pytest.mark.parametrize("split", ["train[:10]", "../x", "a b"])
def test_split_must_be_a_plain_name(tiny_reviews, split):
    with pytest.raises(BadInput, match="not a plain name"):
        load_hub_rows(str(tiny_reviews), split=split)


def test_an_unknown_local_split_names_the_ones_there_are(tiny_reviews):
    with pytest.raises(BadInput, match="no split 'validation'.*train"):
        load_hub_rows(str(tiny_reviews), split="validation")


def test_suggested_datasets_are_valid_hub_ids():
    assert {d.id for d in FINETUNE_DATASETS} >= {"e9t/nsmc", "stanfordnlp/sst2"}
    for choice in FINETUNE_DATASETS:
        assert resolve_dataset(choice.id, allow_local=False) == (choice.id, False)
