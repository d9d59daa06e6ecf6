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


def queued_app():
    import gradio as gr

    with gr.Blocks() as demo:
        gr.Button("Run").click(lambda: None)
    demo.queue()
    return demo._queue


def test_the_queue_looks_less_often_only_while_a_handler_runs_and_nothing_waits():
    from gradio.queueing import EventQueue

    from tabs.gradio_tuning import BUSY_POLL_SECONDS, poll_less_while_busy

    queue = queued_app()
    gradio_pace = queue.sleep_when_free
    poll_less_while_busy(queue)
    queue.active_jobs = [None, None]
    assert queue.sleep_when_free == gradio_pace  # idle: new events start at gradio's pace
    queue.active_jobs = [None, ["a running event"]]
    assert queue.sleep_when_free == BUSY_POLL_SECONDS > gradio_pace
    waiting = EventQueue("waiting", 1)
    waiting.queue.append("an event waiting for a free slot")
    queue.event_queue_per_concurrency_id["waiting"] = waiting
    assert queue.sleep_when_free == gradio_pace  # something waits: look as often as gradio does


def test_polling_less_twice_wraps_once_and_keeps_a_changed_idle_pace():
    from tabs.gradio_tuning import poll_less_while_busy

    queue = queued_app()
    poll_less_while_busy(queue)
    patched = type(queue)
    poll_less_while_busy(queue)
    assert type(queue) is patched and type(queue).__mro__[1].__name__ == "Queue"
    queue.sleep_when_free = 0.004
    queue.active_jobs = []
    assert queue.sleep_when_free == 0.004
