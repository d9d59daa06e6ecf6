"""The fine-tuning lab's "Hub dataset" section: the /load_dataset handler and endpoint, offline on a local folder."""

import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest
from gradio_client.exceptions import AppError

from core.registry import FINETUNE_DATASETS
from tabs import finetune_data
from tabs.context import AppContext
from tabs.finetune_data import TABLE_HEADERS, make_dataset_handler

ROOT = Path(__file__).resolve().parent.parent


def test_handler_gives_the_json_first_then_summary_preview_and_rows(tiny_reviews):
    raw, summary, preview, rows = make_dataset_handler(AppContext())(str(tiny_reviews), "train", max_rows=100)
    assert raw["num_rows"] == len(rows) == 12 and raw["label_column"] == "label"
    assert "**12 rows**" in summary and "`document`" in summary and "duplicate 1" in summary
    assert list(preview.columns) == ["text", "label"] and preview.iloc[0].tolist() == ["정말 재밌어요", "positive"]
    assert rows[0] == ["정말 재밌어요", "positive", ""]


def test_summary_speaks_korean(tiny_reviews):
    _, summary, _, _ = make_dataset_handler(AppContext())(str(tiny_reviews), language="ko")
    assert "12행" in summary and "레이블별 개수" in summary and "중복 1" in summary


def test_use_these_rows_fills_the_lab_table(tiny_reviews):
    *_, rows = make_dataset_handler(AppContext())(str(tiny_reviews))
    table = finetune_data._use_rows(rows)
    assert list(table.columns) == TABLE_HEADERS and len(table) == 12


def test_a_suggestion_sets_its_split():
    choice = FINETUNE_DATASETS[1]
    assert finetune_data._suggested_split(choice.id) == choice.split


def test_bad_dataset_is_a_user_error_not_a_crash(tiny_reviews):
    with pytest.raises(gr.Error, match="no label column 'stars'.*'id', 'document', 'label'"):
        make_dataset_handler(AppContext())(str(tiny_reviews), label_column="stars")


def test_public_mode_refuses_a_local_folder(tiny_reviews):
    with pytest.raises(gr.Error, match="public mode"):
        make_dataset_handler(AppContext(public=True))(str(tiny_reviews))


def test_offline_a_suggested_hub_dataset_says_to_use_the_starter_set_or_a_csv():
    with pytest.raises(gr.Error, match="needs the internet.*starter set or a CSV"):
        make_dataset_handler(AppContext())(FINETUNE_DATASETS[0].id)


def test_datasets_is_not_imported_at_start_up():
    code = "import sys, app\napp.build_app()\nprint('datasets' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_load_dataset_endpoint_reads_a_local_folder(client, tiny_reviews):
    raw, summary, preview, *_ = client.predict(
        dataset=str(tiny_reviews), split="train", max_rows=5, api_name="/load_dataset"
    )
    assert raw["num_rows"] == 5 and raw["label_counts"] == {"positive": 3, "negative": 2}
    assert preview["headers"] == ["text", "label"] and len(preview["data"]) == 5
    assert "**5 rows**" in summary


def test_load_dataset_endpoint_parameters(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/load_dataset"]
    names = [p["parameter_name"] for p in endpoint["parameters"]]
    assert names[:6] == ["dataset", "split", "config", "text_column", "label_column", "max_rows"]
    assert all(p["parameter_has_default"] for p in endpoint["parameters"][1:])


def test_load_dataset_endpoint_offline_hub_id_is_a_clear_error(client):
    with pytest.raises(AppError, match="needs the internet"):
        client.predict(dataset=FINETUNE_DATASETS[1].id, api_name="/load_dataset")


def test_hub_section_helpers_are_private():
    import app

    demo = app.build_app()
    helpers = [fn for fn in demo.fns.values() if fn.api_name in ("_suggested_split", "_use_rows")]
    assert len(helpers) == 2 and all(fn.api_visibility == "private" for fn in helpers)
