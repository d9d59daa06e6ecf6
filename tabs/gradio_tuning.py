"""Three of gradio's per-event costs, turned down.

- Each table (``gr.Dataframe``) output asks importlib, twice, whether polars is installed, and
  importlib answers under Python's import lock: when thirty requests finish together, their
  handlers' tables queue on that lock. The answer cannot change in a running app: ask once.
- After every event gradio recomputes, with pandas, a summary of up to 10,000 past events for its
  monitoring view. Every 50 events over the last 2,000 are plenty here; both are gradio's own
  settings (``GRADIO_ANALYTICS_CACHE_FREQUENCY``, ``GRADIO_ANALYTICS_MAX_EVENTS``), and a value
  set in the environment wins.
- gradio's queue looks for events to start every millisecond, even while a handler runs. On a
  small machine each of those wake-ups interrupts torch's worker threads, and a forward pass that
  takes 16 ms alone takes 25 ms in the server. While handlers run and no event waits, it looks
  every ``BUSY_POLL_SECONDS`` instead; idle, or with events waiting, it keeps gradio's pace.
"""

from __future__ import annotations

import functools
import os
from typing import Any

#: How often the queue looks for new events while handlers run and none waits (gradio: 1 ms always).
BUSY_POLL_SECONDS = float(os.environ.get("PLAYGROUND_BUSY_POLL_MS", "10")) / 1000
ANALYTICS_SETTINGS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "50", "GRADIO_ANALYTICS_MAX_EVENTS": "2000"}


def tune_gradio() -> None:
    """Apply both; call before the app's queue is created (``demo.queue()`` / ``launch()``)."""
    for name, value in ANALYTICS_SETTINGS.items():
        os.environ.setdefault(name, value)
    from gradio.components import dataframe

    check = getattr(dataframe, "_is_polars_available", None)
    if callable(check) and not hasattr(check, "cache_info"):
        dataframe._is_polars_available = functools.cache(check)


def _poll_interval(queue: Any) -> float:
    idle = queue.__dict__.get("_idle_poll_seconds", 0.001)
    jobs = getattr(queue, "active_jobs", None) or []
    waiting = len(queue) if hasattr(type(queue), "__len__") else 1
    return BUSY_POLL_SECONDS if waiting == 0 and any(job is not None for job in jobs) else idle


def _set_idle_poll(queue: Any, seconds: float) -> None:
    queue.__dict__["_idle_poll_seconds"] = seconds


def poll_less_while_busy(queue: Any) -> None:
    """Give ``queue`` (the app's ``gradio.queueing.Queue``) a ``sleep_when_free`` that depends on its state.

    A subclass with a property, set on this one object: gradio's loop reads the attribute at each turn.
    """
    if BUSY_POLL_SECONDS <= 0 or getattr(type(queue), "_polls_less_while_busy", False):
        return
    if not hasattr(queue, "sleep_when_free"):  # another gradio: leave it as it is
        return
    idle = queue.__dict__.get("sleep_when_free", 0.001)
    queue.__class__ = type(
        "CalmQueue",
        (type(queue),),
        {"sleep_when_free": property(_poll_interval, _set_idle_poll), "_polls_less_while_busy": True},
    )
    _set_idle_poll(queue, idle)
