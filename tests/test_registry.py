"""The registry declares every task of the product, with sane models."""

import pytest

from core.registry import BUNDLED_MINILM, TASKS, bundled_path, get_task

PRODUCT_TASKS = {
    "classify",
    "zero_shot",
    "ner",
    "answer",
    "summarize",
    "translate",
    "generate",
    "fill_mask",
    "similarity",
    "detect",
    "tokenize",
    "inspect",
    "finetune",
    "remote",
    "cache",
}


def test_every_task_of_the_product_is_declared():
    assert set(TASKS) == PRODUCT_TASKS


@pytest.mark.parametrize("task", [t for t in TASKS.values() if t.models], ids=lambda t: t.id)
def test_model_tasks_have_a_default_and_unique_alternatives(task):
    ids = [m.id for m in task.models]
    assert task.default.id == ids[0]
    assert len(ids) == len(set(ids))
    assert all("/" in i for i in ids), "every model is named by its full Hub id (org/name)"
    assert task.title_en and task.title_ko


def test_bundled_minilm_is_installed_and_offline_tasks_use_it():
    path = bundled_path(BUNDLED_MINILM)
    assert path is not None and (path / "config.json").is_file()
    offline = {t.id for t in TASKS.values() if t.models and t.works_offline}
    assert {"similarity", "tokenize", "inspect", "finetune"} <= offline
    assert "classify" not in offline


def test_korean_model_is_found_by_language():
    assert "ko" in get_task("classify").model_for_language("ko").languages
    assert get_task("fill_mask").model_for_language("ko").id == "beomi/kcbert-base"


def test_unknown_task_names_the_known_ones():
    with pytest.raises(KeyError, match="Known tasks: classify"):
        get_task("sentiment-analysis")


def test_describe_shows_size_and_languages():
    choice = get_task("classify").default
    assert choice.describe() == f"{choice.id} · 268 MB · en"
    assert "bundled" in get_task("similarity").default.describe()
