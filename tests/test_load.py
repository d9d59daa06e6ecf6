"""The load test of benchmarks/load_test.py, in CI: 50 concurrent users × 20 mixed requests.

Zero failures, and every model loaded exactly once however many users asked for it together.
"""

from benchmarks.load_test import REQUESTS, run_load_test


def test_fifty_users_twenty_requests_each_without_a_failure():
    report = run_load_test(users=50, requests=20, time_limit=900)
    assert report.failures == [], report.failures[:5]
    assert len(report.latencies) == 1000
    assert len(report.loads) == len(REQUESTS) - 1  # /tokenize loads a tokenizer, not a model
    assert set(report.loads.values()) == {1}, report.loads
