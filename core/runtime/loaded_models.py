"""Which models this app holds in memory now, how much each takes, and unloading one."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from core.errors import BadInput
from core.runtime.model_cache import MODEL_CACHE, ModelCache


@dataclass(frozen=True)
class LoadedEntry:
    """One model in memory, as a student knows it: its name, the tab that loaded it, and the memory it takes.

    ``label`` names it uniquely for the unload button (one model may be loaded by two tabs, with two heads).
    """

    label: str
    model: str
    task: str
    loader: str
    device: str
    size_bytes: int

    def to_json(self) -> dict:
        return self.__dict__.copy()


def _describe(key: Hashable, value: Any, size: int) -> LoadedEntry:
    """What a cache entry is: a task's model (``LoadedModel``), a tokenizer (``("tokenizer", location)``)."""
    source = getattr(value, "source", None)
    task = getattr(value, "task", None)
    if source is not None and task is not None:
        model, task_id, loader = source.name, task.id, type(value.model).__name__
    elif isinstance(key, tuple) and key and key[0] == "tokenizer":
        # load_tokenizer names the tokenizer as the user did; the key holds where its files are.
        model, task_id, loader = str(getattr(value, "name_or_path", "") or key[-1]), "tokenize", type(value).__name__
    else:
        model, task_id, loader = str(key), "", type(value).__name__
    device = str(getattr(value, "device", "cpu"))
    label = " · ".join(part for part in (model, task_id, loader, device) if part)
    return LoadedEntry(label=label, model=model, task=task_id, loader=loader, device=device, size_bytes=size)


def loaded_models(cache: ModelCache = MODEL_CACHE) -> list[LoadedEntry]:
    """Every model in the app's memory, least recently used first."""
    return [_describe(key, value, size) for key, value, size in cache.entries()]


def unload(label: str, cache: ModelCache = MODEL_CACHE) -> LoadedEntry:
    """Remove the model called ``label`` from memory; it loads again on its next use."""
    for key, value, size in cache.entries():
        entry = _describe(key, value, size)
        if entry.label == label:
            cache.discard(key)
            return entry
    loaded = "; ".join(e.label for e in loaded_models(cache)) or "none"
    raise BadInput(
        f"'{label}' is not loaded in memory, so it cannot be unloaded. Loaded now: {loaded}.",
        ko=f"'{label}' 모델은 메모리에 없어서 내릴 수 없어요. 지금 올라와 있는 모델: {loaded}.",
    )
