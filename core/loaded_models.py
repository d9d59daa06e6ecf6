"""Which models this app holds in memory now, how much each takes, and unloading one."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from core.errors import BadInput
from core.model_cache import MODEL_CACHE, ModelCache


@dataclass(frozen=True)
class LoadedEntry:
    """One model in memory; ``label`` names it uniquely for the unload button."""

    label: str
    model: str
    loader: str
    device: str
    size_bytes: int

    def to_json(self) -> dict:
        return self.__dict__.copy()


def _describe(key: Hashable, value: Any, size: int) -> LoadedEntry:
    source = getattr(value, "source", None)
    model = getattr(source, "name", None) or str(key)
    loader = type(getattr(value, "model", value)).__name__
    device = str(getattr(value, "device", "cpu"))
    return LoadedEntry(
        label=f"{model} · {loader} · {device}", model=model, loader=loader, device=device, size_bytes=size
    )


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
