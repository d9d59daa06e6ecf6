"""The model cache loads each key once, forgets failures, and stays within its bounds."""

import threading
import time

import pytest

from core.runtime.model_cache import ModelCache


def test_concurrent_requests_load_a_key_once():
    cache = ModelCache(max_entries=4, max_bytes=10**9)
    calls = []
    start = threading.Barrier(8)

    def load():
        calls.append(1)
        time.sleep(0.2)
        return object()

    results = []

    def request():
        start.wait()
        results.append(cache.get_or_load("model", load, lambda _: 1))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1
    assert cache.load_counts["model"] == 1


def test_different_keys_load_in_parallel():
    cache = ModelCache()
    # Each load waits for the other two: were loads of different keys serialised, the barrier would break.
    together = threading.Barrier(3, timeout=30)
    errors = []

    def load():
        try:
            together.wait()
        except threading.BrokenBarrierError as error:
            errors.append(error)
        return object()

    threads = [threading.Thread(target=cache.get_or_load, args=(key, load, lambda _: 1)) for key in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(cache.keys()) == ["a", "b", "c"]


def test_a_failed_load_is_not_cached():
    cache = ModelCache()
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("network down")
        return "model"

    with pytest.raises(OSError):
        cache.get_or_load("k", flaky, lambda _: 1)
    assert cache.get_or_load("k", flaky, lambda _: 1) == "model"
    assert len(attempts) == 2


def test_least_recently_used_leaves_first_when_over_count():
    cache = ModelCache(max_entries=2, max_bytes=10**9)
    for key in ("a", "b"):
        cache.get_or_load(key, lambda k=key: k, lambda _: 1)
    cache.get_or_load("a", lambda: "a again", lambda _: 1)  # a is now the most recent
    cache.get_or_load("c", lambda: "c", lambda _: 1)
    assert cache.keys() == ["a", "c"]


def test_memory_budget_evicts_but_keeps_the_newest():
    cache = ModelCache(max_entries=10, max_bytes=100)
    cache.get_or_load("small", lambda: "s", lambda _: 60)
    cache.get_or_load("big", lambda: "b", lambda _: 70)
    assert cache.keys() == ["big"]
    cache.get_or_load("huge", lambda: "h", lambda _: 500)  # alone over budget: still served
    assert cache.keys() == ["huge"]
    assert cache.total_bytes == 500
