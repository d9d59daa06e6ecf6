"""Micro-batching: requests that arrive while the model is busy share its next forward pass.

On a CPU, thirty students each sending one sentence cost thirty forward passes; gathered, they
cost two or three. A request that finds the model idle runs at once (no gathering window to
wait out); requests that arrive while a batch runs wait for it anyway, and go together next.
Unlike gradio's ``batch=True``, each request keeps its own inputs, result and error: one
student's failure never reaches another.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from core.validators import number_in

Item = TypeVar("Item")
Result = TypeVar("Result")

#: The longest extra wait ``PLAYGROUND_BATCH_WAIT_MS`` may ask for.
MAX_WAIT_MS = 10_000


def batching_enabled() -> bool:
    """``PLAYGROUND_MICRO_BATCHING=off`` runs every request alone (the benchmark's baseline); read when asked."""
    return os.environ.get("PLAYGROUND_MICRO_BATCHING", "on").lower() not in ("off", "0", "false", "no")


def batch_wait_seconds() -> float:
    """An extra wait before a batch runs, to gather more requests (0: none; requests still gather while busy)."""
    wait_ms = os.environ.get("PLAYGROUND_BATCH_WAIT_MS", "0")
    return number_in(wait_ms, "PLAYGROUND_BATCH_WAIT_MS", 0, MAX_WAIT_MS) / 1000


#: Batches of different keys run side by side unless their keys share one of these locks.
_RUN_LOCK_STRIPES = 32


@dataclass
class _Pending(Generic[Item, Result]):
    items: list[Sequence[Item]] = field(default_factory=list)
    futures: list[Future] = field(default_factory=list)
    size: int = 0
    full: threading.Event = field(default_factory=threading.Event)


class MicroBatcher(Generic[Item, Result]):
    """Run ``run_batch(key, items)`` over the items of concurrent ``submit`` calls with the same key.

    Each call submits a sequence of items (e.g. the sentences of one request) and gets back the
    results for exactly those items, in order. One batch per key runs at a time; the first caller
    of the next batch (its leader) waits for the running one, optionally ``wait_seconds`` more,
    and then runs the batch for everyone who joined it meanwhile (at most ``max_items`` items).

    ``wait_seconds`` and ``enabled``, when not given, are read from the environment each time they are used
    (``batch_wait_seconds``, ``batching_enabled``): batchers are made when their task module is imported, before
    an app or a benchmark has set its environment.
    """

    def __init__(
        self,
        run_batch: Callable[[Hashable, list[Item]], list[Result]],
        *,
        max_items: int = 64,
        wait_seconds: float | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.run_batch = run_batch
        self.max_items = max_items
        self._wait_seconds = wait_seconds
        self._enabled = enabled
        self._lock = threading.Lock()
        self._pending: dict[Hashable, _Pending] = {}
        # Striped rather than one lock per key: a dict of keys would keep evicted models alive.
        self._run_locks = [threading.Lock() for _ in range(_RUN_LOCK_STRIPES)]
        #: Number of batches run and items in them, for benchmarks and tests.
        self.batches_run = 0
        self.items_run = 0

    @property
    def wait_seconds(self) -> float:
        return self._wait_seconds if self._wait_seconds is not None else batch_wait_seconds()

    @wait_seconds.setter
    def wait_seconds(self, value: float | None) -> None:
        self._wait_seconds = value

    @property
    def enabled(self) -> bool:
        return self._enabled if self._enabled is not None else batching_enabled()

    @enabled.setter
    def enabled(self, value: bool | None) -> None:
        self._enabled = value

    def submit(self, key: Hashable, items: Sequence[Item]) -> list[Result]:
        if not self.enabled:
            return self._run(key, [items])[0]
        if len(items) >= self.max_items:  # a full batch on its own, still one batch per key at a time
            with self._run_lock(key):
                return self._run(key, [items])[0]
        future: Future = Future()
        with self._lock:
            pending = self._pending.get(key)
            leader = pending is None or pending.size + len(items) > self.max_items
            if leader:
                if pending is not None:
                    pending.full.set()  # the gathering batch is full: its leader stops lingering
                pending = self._pending[key] = _Pending()
            pending.items.append(items)
            pending.futures.append(future)
            pending.size += len(items)
            if pending.size >= self.max_items:
                pending.full.set()
        if leader:
            if self.wait_seconds > 0:
                pending.full.wait(self.wait_seconds)
            with self._run_lock(key):  # others join this batch while we wait here
                with self._lock:
                    if self._pending.get(key) is pending:
                        del self._pending[key]
                self._settle(key, pending)
        return future.result()

    def _run_lock(self, key: Hashable) -> threading.Lock:
        return self._run_locks[hash(key) % _RUN_LOCK_STRIPES]

    def pending_items(self, key: Hashable) -> int:
        """How many items wait for the next batch of ``key`` (for tests and monitoring)."""
        with self._lock:
            pending = self._pending.get(key)
            return pending.size if pending is not None else 0

    def _run(self, key: Hashable, groups: list[Sequence[Item]]) -> list[list[Result]]:
        flat = [item for group in groups for item in group]
        results = self.run_batch(key, flat)
        with self._lock:
            self.batches_run += 1
            self.items_run += len(flat)
        split, start = [], 0
        for group in groups:
            split.append(results[start : start + len(group)])
            start += len(group)
        return split

    def _settle(self, key: Hashable, pending: _Pending) -> None:
        """Run the gathered batch; if it fails as a whole, run each request alone so errors stay theirs."""
        try:
            for future, result in zip(pending.futures, self._run(key, pending.items), strict=True):
                future.set_result(result)
        except Exception:
            for future, items in zip(pending.futures, pending.items, strict=True):
                try:
                    future.set_result(self._run(key, [items])[0])
                except Exception as error:
                    future.set_exception(error)
