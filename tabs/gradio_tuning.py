"""Two of gradio's per-event costs that grow with a class's traffic, turned down.

- Each table (``gr.Dataframe``) output asks importlib, twice, whether polars is installed, and
  importlib answers under Python's import lock: when thirty requests finish together, their
  handlers' tables queue on that lock. The answer cannot change in a running app: ask once.
- After every event gradio recomputes, with pandas, a summary of up to 10,000 past events for its
  monitoring view. Every 50 events over the last 2,000 are plenty here; both are gradio's own
  settings (``GRADIO_ANALYTICS_CACHE_FREQUENCY``, ``GRADIO_ANALYTICS_MAX_EVENTS``), and a value
  set in the environment wins.
"""

from __future__ import annotations

import functools
import os

ANALYTICS_SETTINGS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "50", "GRADIO_ANALYTICS_MAX_EVENTS": "2000"}


def tune_gradio() -> None:
    """Apply both; call before the app's queue is created (``demo.queue()`` / ``launch()``)."""
    for name, value in ANALYTICS_SETTINGS.items():
        os.environ.setdefault(name, value)
    from gradio.components import dataframe

    check = getattr(dataframe, "_is_polars_available", None)
    if callable(check) and not hasattr(check, "cache_info"):
        dataframe._is_polars_available = functools.cache(check)
