"""The environment the tests and benchmarks run in: offline, an empty Hugging Face cache, no analytics.

huggingface_hub reads these variables once, when it is imported, so the call comes first: before
anything imports huggingface_hub (transformers, gradio and core's loaders all do).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: What every test and benchmark process (and the apps they start) sees: no Hub, no telemetry.
OFFLINE = {"HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
#: Set only where the caller has not chosen: the tokenizers' thread pool would fight pytest's workers.
DEFAULTS = {"TOKENIZERS_PARALLELISM": "false"}


def use_offline_environment(hub_home: Path | None = None) -> None:
    """Put this process offline (``OFFLINE``, ``DEFAULTS``); with ``hub_home``, also give it an empty
    Hugging Face cache there (``HF_HOME``, and no ``HF_HUB_CACHE`` to override it), so no test depends on
    what this machine downloaded. Child processes inherit all of it.

    Raises RuntimeError when huggingface_hub is already imported: it would keep the values it read.
    """
    if "huggingface_hub" in sys.modules:
        raise RuntimeError(
            "huggingface_hub is already imported, so it would not see the offline settings: "
            "call use_offline_environment() before importing transformers, gradio or core's loaders."
        )
    os.environ.update(OFFLINE)
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    if hub_home is not None:
        os.environ["HF_HOME"] = str(hub_home)
        os.environ.pop("HF_HUB_CACHE", None)
