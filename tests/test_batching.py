"""Micro-batching: concurrent requests share a forward pass, yet keep their own results and errors."""

import threading
import time

import pytest

from core.runtime.batching import MicroBatcher
from core.text.classify import BATCHER, classify


def run_concurrently(batcher, requests):
    results, start = {}, threading.Barrier(len(requests))

    def call(name, key, items):
        start.wait()
        try:
            results[name] = batcher.submit(key, items)
        except Exception as error:
            results[name] = error

    threads = [threading.Thread(target=call, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def echo(key, items):
    return [f"{key}:{item}" for item in items]


def test_concurrent_requests_share_batches_and_get_their_own_results():
    batcher = MicroBatcher(echo, max_items=64, wait_seconds=0.2)
    requests = [(f"r{i}", "m", [f"s{i}a", f"s{i}b"]) for i in range(8)]
    results = run_concurrently(batcher, requests)
    assert all(results[f"r{i}"] == [f"m:s{i}a", f"m:s{i}b"] for i in range(8))
    assert batcher.batches_run < 8
    assert batcher.items_run == 16


def test_different_models_never_share_a_batch():
    seen = []

    def record(key, items):
        seen.append((key, tuple(items)))
        return items

    batcher = MicroBatcher(record, wait_seconds=0.2)
    run_concurrently(batcher, [("a", "m1", ["x"]), ("b", "m2", ["y"]), ("c", "m1", ["z"])])
    assert {key for key, _ in seen} == {"m1", "m2"}
    assert all(set(items) <= ({"x", "z"} if key == "m1" else {"y"}) for key, items in seen)


def test_batches_never_exceed_max_items():
    sizes = []

    def record(key, items):
        sizes.append(len(items))
        return items

    batcher = MicroBatcher(record, max_items=5, wait_seconds=0.2)
    results = run_concurrently(batcher, [(i, "m", [i, i]) for i in range(6)])
    assert all(results[i] == [i, i] for i in range(6))
    assert max(sizes) <= 5 and sum(sizes) == 12


def test_one_failing_request_does_not_fail_the_others():
    def picky(key, items):
        if "bad" in items:
            raise ValueError("bad item")
        return [item.upper() for item in items]

    batcher = MicroBatcher(picky, wait_seconds=0.2)
    results = run_concurrently(batcher, [("ok1", "m", ["a"]), ("bad", "m", ["bad"]), ("ok2", "m", ["b"])])
    assert results["ok1"] == ["A"] and results["ok2"] == ["B"]
    assert isinstance(results["bad"], ValueError)


def test_batching_off_runs_each_request_alone():
    batcher = MicroBatcher(echo, wait_seconds=0.2, enabled=False)
    run_concurrently(batcher, [(i, "m", [i]) for i in range(4)])
    assert batcher.batches_run == 4


def test_a_request_that_finds_the_model_idle_runs_alone_and_at_once():
    threads = []

    def record(key, items):
        threads.append(threading.get_ident())
        return items

    batcher = MicroBatcher(record, wait_seconds=0)
    assert batcher.submit("m", ["a", "b"]) == ["a", "b"]
    assert threads == [threading.get_ident()] and batcher.batches_run == 1


def test_requests_arriving_while_a_batch_runs_share_the_next_batch():
    started, release, sizes = threading.Event(), threading.Event(), []

    def slow_first(key, items):
        sizes.append(len(items))
        if len(sizes) == 1:
            started.set()
            release.wait(10)
        return [f"{key}:{item}" for item in items]

    batcher = MicroBatcher(slow_first, wait_seconds=0)
    results = {}

    def call(name, items):
        results[name] = batcher.submit("m", items)

    first = threading.Thread(target=call, args=("first", ["a"]))
    first.start()
    assert started.wait(10)
    later = [threading.Thread(target=call, args=(f"r{i}", [f"x{i}", f"y{i}"])) for i in range(5)]
    for t in later:
        t.start()
    deadline = time.monotonic() + 10
    while batcher.pending_items("m") < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in [first, *later]:
        t.join()
    assert sizes == [1, 10]  # the first ran alone at once; the five that came meanwhile ran as one
    assert results["first"] == ["m:a"]
    assert all(results[f"r{i}"] == [f"m:x{i}", f"m:y{i}"] for i in range(5))


def test_concurrent_classify_calls_match_single_calls(tiny_classifier, monkeypatch):
    monkeypatch.setattr(BATCHER, "wait_seconds", 0.2)
    texts = ["I like apple", "It was a waste of time.\nI feel so good", "I go to school"]
    alone = [classify(t, str(tiny_classifier)).scores for t in texts]
    before = BATCHER.batches_run
    results = {}
    start = threading.Barrier(len(texts))

    def call(i):
        start.wait()
        results[i] = classify(texts[i], str(tiny_classifier)).scores

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= BATCHER.batches_run - before < len(texts)
    for i in range(len(texts)):
        for got, want in zip(results[i], alone[i], strict=True):
            assert [s["label"] for s in got] == [s["label"] for s in want]
            assert [s["score"] for s in got] == pytest.approx([s["score"] for s in want], abs=1e-4)
