"""tabs.gradio_tuning: gradio's per-event costs that grow with traffic, turned down."""

import importlib.util

from tabs.gradio_tuning import ANALYTICS_SETTINGS, tune_gradio


def test_the_polars_check_of_tables_asks_importlib_once(monkeypatch):
    from gradio.components import dataframe

    tune_gradio()
    dataframe._is_polars_available.cache_clear()
    asked = []
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: asked.append(name) or real(name, *a))
    table = dataframe.Dataframe(headers=["a", "b"])
    for _ in range(5):
        assert table.postprocess([[1, 2], [3, 4]]).data == [[1, 2], [3, 4]]
    assert asked.count("polars") <= 1


def test_tuning_twice_keeps_one_cache_and_leaves_settings_from_the_environment(monkeypatch):
    from gradio.components import dataframe

    monkeypatch.setenv("GRADIO_ANALYTICS_MAX_EVENTS", "77")
    monkeypatch.delenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", raising=False)
    tune_gradio()
    cached = dataframe._is_polars_available
    tune_gradio()
    assert dataframe._is_polars_available is cached
    import os

    assert os.environ["GRADIO_ANALYTICS_MAX_EVENTS"] == "77"
    assert os.environ["GRADIO_ANALYTICS_CACHE_FREQUENCY"] == ANALYTICS_SETTINGS["GRADIO_ANALYTICS_CACHE_FREQUENCY"]
