"""A bounded, thread-safe cache of loaded models.

Each key loads once, even when many requests ask for it together (a lock per key);
a failed load is not remembered, so the next request tries again; the least recently
used entries leave when the count or the approximate memory budget is exceeded.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from core.validators import whole_number

T = TypeVar("T")


def max_models() -> int:
    """``PLAYGROUND_MAX_MODELS``, read when asked. The memory budget is the real bound; the count only stops a
    flood of tiny models."""
    return whole_number(os.environ.get("PLAYGROUND_MAX_MODELS", "16"), "PLAYGROUND_MAX_MODELS", 1)


def memory_budget_bytes() -> int:
    """``PLAYGROUND_MODEL_MEMORY_MB`` in bytes, read when asked."""
    return whole_number(os.environ.get("PLAYGROUND_MODEL_MEMORY_MB", "6144"), "PLAYGROUND_MODEL_MEMORY_MB", 1) * 2**20


@dataclass
class _Entry:
    value: Any
    size_bytes: int


class ModelCache:
    """Least-recently-used cache bounded by entry count and by total size in bytes.

    A limit not given is read from the environment each time it is used (``max_models``,
    ``memory_budget_bytes``), not when the module was imported: the process-wide cache exists from the first
    import, before an app, a test or a benchmark has set its environment.
    """

    def __init__(self, max_entries: int | None = None, max_bytes: int | None = None) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        #: Memory promised to work outside the cache (a fine-tuning run), counted against the budget.
        self._reserved = 0
        #: How many times each key was actually loaded (the load test checks "once").
        self.load_counts: Counter[Hashable] = Counter()

    @property
    def max_entries(self) -> int:
        return self._max_entries if self._max_entries is not None else max_models()

    @max_entries.setter
    def max_entries(self, value: int | None) -> None:
        self._max_entries = value

    @property
    def max_bytes(self) -> int:
        return self._max_bytes if self._max_bytes is not None else memory_budget_bytes()

    @max_bytes.setter
    def max_bytes(self, value: int | None) -> None:
        self._max_bytes = value

    def get_or_load(self, key: Hashable, load: Callable[[], T], size_of: Callable[[T], int]) -> T:
        """The cached value for ``key``, calling ``load()`` at most once at a time per key."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry.value
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None:
                    self._entries.move_to_end(key)
                    return entry.value
            value = load()
            size = size_of(value)
            with self._lock:
                self.load_counts[key] += 1
                self._entries[key] = _Entry(value, size)
                self._evict()
            return value

    def _evict(self, keep: int = 1) -> None:
        evicted = False
        while len(self._entries) > keep and (
            len(self._entries) > self.max_entries or self.total_bytes + self._reserved > self.max_bytes
        ):
            self._entries.popitem(last=False)
            evicted = True
        if evicted:
            gc.collect()

    @contextlib.contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        """Hold ``nbytes`` of the budget for work outside the cache: the least recently used models leave now to
        make room, and models loaded meanwhile count it. ``ValueError`` when it is more than the whole budget."""
        if nbytes > self.max_bytes:
            raise ValueError(f"{nbytes} bytes is more than the whole budget of {self.max_bytes} bytes")
        with self._lock:
            self._reserved += nbytes
            self._evict(keep=0)
        try:
            yield
        finally:
            with self._lock:
                self._reserved -= nbytes

    @property
    def reserved_bytes(self) -> int:
        return self._reserved

    @property
    def total_bytes(self) -> int:
        return sum(entry.size_bytes for entry in self._entries.values())

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def entries(self) -> list[tuple[Hashable, Any, int]]:
        """``(key, value, size_bytes)`` of every entry, least recently used first."""
        with self._lock:
            return [(key, entry.value, entry.size_bytes) for key, entry in self._entries.items()]

    def discard(self, key: Hashable) -> bool:
        """Drop ``key`` so its memory can be freed; False when it was not loaded."""
        with self._lock:
            removed = self._entries.pop(key, None) is not None
        if removed:
            gc.collect()
        return removed

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        gc.collect()


#: The process-wide cache every task loads through.
MODEL_CACHE = ModelCache()
