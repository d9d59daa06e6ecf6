"""Issue 16, finding 2: public fine-tunes and helper files must not fill the server's disk."""

import os
import time
from pathlib import Path

import gradio as gr
import pandas as pd
import pytest

from core.errors import BadInput
from core.finetune.data import prepare_data
from core.finetune.train import TrainingSettings, fine_tune, run_to_end
from core.public.storage import StorageLimits, VisitorStorage, folder_size
from core.registry import BUNDLED_MINILM
from tabs.context import AppContext

ROWS = [["I love it", "pos", "train"], ["I hate it", "neg", "train"], ["great", "pos", "eval"], ["bad", "neg", "eval"]]
DATA = prepare_data(ROWS)
QUICK = TrainingSettings(learning_rate=1e-3, epochs=1, batch_size=4, seed=1, max_length=8)


def test_public_fine_tunes_stay_under_the_disk_cap_and_the_oldest_go_first(tiny_encoder, tmp_path):
    one = folder_size(tiny_encoder)
    storage = VisitorStorage(tmp_path / "public", StorageLimits(max_total_bytes=int(2.6 * one)))
    runs = []
    for i in range(5):
        visitor = f"visitor-{i % 2}"
        result = run_to_end(fine_tune(DATA, str(tiny_encoder), QUICK, device="cpu", storage=storage, visitor=visitor))
        runs.append(result)
        assert storage.total_bytes() <= storage.limits.max_total_bytes
        time.sleep(0.02)  # distinct modification times
    assert runs[-1].folder.is_dir() and not runs[0].folder.exists()
    assert len(storage.model_folders()) == 2
    assert all(r.folder.parent.parent == storage.root for r in runs)


def test_a_model_bigger_than_the_cap_is_refused_before_training(tiny_encoder, tmp_path):
    storage = VisitorStorage(tmp_path / "public", StorageLimits(max_total_bytes=1000))
    with pytest.raises(BadInput, match="over this public app's limit"):
        next(fine_tune(DATA, str(tiny_encoder), QUICK, device="cpu", storage=storage, visitor="v"))
    assert storage.model_folders() == []


def test_old_visitor_folders_go_after_the_age_limit_and_when_the_visitor_leaves(tmp_path):
    storage = VisitorStorage(tmp_path / "public", StorageLimits(max_age_s=60))
    old, fresh = storage.folder("old"), storage.folder("fresh")
    (old / "m").mkdir()
    (old / "m" / "config.json").write_text("{}")
    past = time.time() - 3600
    for path in (old / "m" / "config.json", old / "m", old):
        os.utime(path, (past, past))
    storage.sweep()
    assert not old.exists() and fresh.exists()
    storage.forget("fresh")
    assert not fresh.exists()
    assert storage.folder("../../etc").parent == storage.root  # a session id never becomes a path


def test_the_public_lab_shows_no_server_path_and_zips_the_model(tmp_path):
    from tabs.finetune import make_handler
    from tabs.finetune_saving import _zipper

    storage = VisitorStorage(tmp_path / "public")
    handler = make_handler(AppContext(public=True), storage=storage)
    table = pd.DataFrame(ROWS, columns=["text", "label", "split"])
    outputs = list(handler(None, BUNDLED_MINILM, 1e-3, 1, 4, 1, 8, table))
    raw, status, *_rest = outputs[-1]
    saved_to, saved = outputs[-1][8], outputs[-1][10]
    root = str(tmp_path)
    for shown in (raw["saved_to"], status, saved_to, str(raw)):
        assert root not in shown and "/tmp" not in shown
    assert raw["saved_to"] == saved_to == Path(saved).name and saved_to in status
    archive = _zipper(storage)(saved)
    assert archive.endswith(".zip") and Path(archive).parent.parent == storage.root
    with pytest.raises(gr.Error, match="no saved model"):
        _zipper(storage)("/etc")


def test_a_public_folder_name_is_refused_and_the_upload_is_deleted_once_read(tmp_path):
    from tabs.finetune_data import _upload

    csv = tmp_path / "upload.csv"
    csv.write_text("text,label\nI love it,pos\nI hate it,neg\n", encoding="utf-8")
    table, cleared = _upload(str(csv))
    assert len(table) == 2 and cleared is None and not csv.exists()


def test_the_table_csv_is_one_file_per_session_rewritten(tmp_path, monkeypatch):
    from types import SimpleNamespace

    import tabs.finetune_data as lab

    monkeypatch.setattr(lab, "TABLES_ROOT", tmp_path / "tables")
    write = lab._csv_writer()
    request = SimpleNamespace(session_hash="abc")
    paths = {write(pd.DataFrame(ROWS[: i + 1]), request) for i in range(4)}
    assert len(paths) == 1 and len(list((tmp_path / "tables").rglob("*.csv"))) == 1
    lab._forgetter(None)(request)
    assert list((tmp_path / "tables").rglob("*.csv")) == []


def test_a_download_that_would_take_the_hub_cache_over_its_cap_is_refused(cached_tiny_classifier):
    from core.runtime.hub_cache import cache_summary
    from core.runtime.loading import PUBLIC, check_cache_room

    used_mb = cache_summary().size_bytes / 1e6
    assert used_mb > 0 and PUBLIC.max_cache_mb
    check_cache_room("org/small", 1.0, cap_mb=int(used_mb) + 10)
    with pytest.raises(BadInput, match="does not fit") as caught:
        check_cache_room("org/big", 100.0, cap_mb=int(used_mb) + 10)
    assert "Cache tab" in caught.value.message and "캐시 탭" in caught.value.text("ko")
