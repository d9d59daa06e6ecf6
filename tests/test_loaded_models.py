"""The cache tab's "Loaded models": each model by the name the student typed, the tab that loaded it, and its
memory; never the cache's internal keys (issue 14: a tuple of 'tokenizer' and a path, class NoneType)."""

from core.registry import BUNDLED_MINILM, bundled_path, get_task
from core.runtime.loaded_models import loaded_models, unload
from core.runtime.loading import load_for_task
from core.runtime.model_cache import ModelCache
from core.tokenizers.tokenize import load_tokenizer
from tabs.cache import task_title


def test_a_model_and_a_tokenizer_are_listed_by_name_task_and_class():
    cache = ModelCache()
    load_for_task(get_task("similarity"), BUNDLED_MINILM, device="cpu", cache=cache)
    load_tokenizer(BUNDLED_MINILM, cache=cache)
    entries = loaded_models(cache)

    assert [(e.model, e.task) for e in entries] == [(BUNDLED_MINILM, "similarity"), (BUNDLED_MINILM, "tokenize")]
    assert entries[0].loader == "BertModel" and entries[1].loader.endswith("Tokenizer")
    assert len({e.label for e in entries}) == 2  # the same model twice, told apart by its tab
    shown = " ".join(str(value) for e in entries for value in e.to_json().values())
    assert str(bundled_path(BUNDLED_MINILM)) not in shown and "NoneType" not in shown and "(" not in shown
    assert all(e.size_bytes > 0 for e in entries)


def test_a_listed_model_unloads_by_its_label():
    cache = ModelCache()
    load_tokenizer(BUNDLED_MINILM, cache=cache)
    [entry] = loaded_models(cache)
    assert unload(entry.label, cache) == entry and loaded_models(cache) == []


def test_the_task_column_speaks_the_students_language():
    assert (task_title("tokenize", "en"), task_title("tokenize", "ko")) == ("Tokenizer lab", "토크나이저 실험실")
