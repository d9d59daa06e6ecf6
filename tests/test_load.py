"""The load test of benchmarks/load_test.py, in CI: 50 concurrent users × 20 mixed requests while one more
visitor floods /finetune (issue 16).

Zero failures for the 50, every model loaded exactly once however many users asked for it together, and the
flood refused at once (HTTP 429) instead of filling the queue. The report (p50/p95 included) is printed.
"""

from benchmarks.load_test import REQUESTS, run_load_test


def test_fifty_users_twenty_requests_each_without_a_failure_while_one_visitor_floods_finetune():
    report = run_load_test(users=50, requests=20, time_limit=900, flood=True)
    print(report.table())
    assert report.failures == [], report.failures[:5]
    assert len(report.latencies) == 1000
    assert len(report.loads) == len(REQUESTS) - 1  # /tokenize loads a tokenizer, not a model
    assert set(report.loads.values()) == {1}, report.loads
    flood = report.flood
    assert flood.sent >= 100 and flood.other == [], flood.other[:3]
    # Refused as they arrive, never queued: at most one run of the flooder's at a time was let in.
    assert flood.refused == flood.sent - flood.let_in and flood.let_in <= flood.sent // 10
