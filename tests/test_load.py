"""The load test of tests/kit/load.py, in CI: a crowd of concurrent users sending every kind of request while
one more visitor floods /finetune (issue 16).

Zero failures for the crowd, every model loaded exactly once however many users asked for it together, and
the flood refused at once (HTTP 429) instead of filling the queue. The report (p50/p95 included) is printed.
The crowd is smaller than the benchmark's 50 users × 20 requests (``benchmarks/load_test.py``, whose figures
are in the README): two users start on each endpoint at the same moment, so every model is asked for twice
at once before it is loaded, and each user goes on through three endpoints. Eight more users ask /generate
together as the crowd starts (a class generating at once: their requests share the model's decoding steps).
"""

from tests.kit.load import FLOOD_BURST, REQUESTS, run_load_test

USERS = 2 * len(REQUESTS)
REQUESTS_EACH = 3
GENERATING = 8


def test_a_crowd_sending_every_kind_of_request_gets_no_failure_while_one_visitor_floods_finetune():
    report = run_load_test(
        users=USERS,
        requests=REQUESTS_EACH,
        time_limit=600,
        flood=True,
        generation_users=GENERATING,
        generation_tokens=16,
    )
    print(report.table())
    assert report.failures == [], report.failures[:5]
    assert len(report.latencies) == USERS * REQUESTS_EACH
    assert len(report.generation_latencies) == GENERATING
    assert len(report.loads) == len(REQUESTS) - 1  # /tokenize loads a tokenizer, not a model
    assert set(report.loads.values()) == {1}, report.loads
    flood = report.flood
    assert flood.sent >= FLOOD_BURST and flood.other == [], flood.other[:3]
    # Refused as they arrive, never queued: at most one run of the flooder's at a time was let in.
    assert flood.refused == flood.sent - flood.let_in and flood.let_in <= flood.sent // 10
