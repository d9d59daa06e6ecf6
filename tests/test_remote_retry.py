"""core.remote.retry: what the server asked for, the backoff schedule, and when we give up."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from core.remote.retry import RetryPolicy, backoff_delay, server_wait

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "7"}, None, 7.0),
        ({"retry-after": " 2 "}, None, 2.0),
        ({"Retry-After": format_datetime(NOW + timedelta(seconds=30), usegmt=True)}, None, 30.0),
        ({"Retry-After": format_datetime(NOW - timedelta(seconds=30), usegmt=True)}, None, 0.0),
        ({"RateLimit": '"api";r=0;t=55', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}, None, 55.0),
        ({"RateLimit": '"api";r=3;t=55'}, None, None),
        ({}, b'{"error": "Model is currently loading", "estimated_time": 20.5}', 20.5),
        ({}, b"<html>busy</html>", None),
        ({"Retry-After": "soon"}, None, None),
    ],
)
def test_server_wait_reads_what_the_server_asked(headers, body, expected):
    assert server_wait(headers, body, now=NOW) == expected


def test_without_a_server_hint_the_backoff_doubles_within_jitter():
    policy = RetryPolicy(base_delay=1.0, max_delay=16.0, jitter=0.5)
    lowest = [backoff_delay(policy, n, None, lambda: 0.0) for n in range(1, 7)]
    highest = [backoff_delay(policy, n, None, lambda: 1.0) for n in range(1, 7)]
    assert highest == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0]
    assert lowest == [h / 2 for h in highest]


def test_a_server_hint_is_never_undercut_and_jitter_stays_small():
    policy = RetryPolicy()
    assert backoff_delay(policy, 1, 5.0, lambda: 0.0) == 5.0
    assert 5.0 <= backoff_delay(policy, 1, 5.0, lambda: 1.0) <= 5.5
    assert backoff_delay(policy, 3, 30.0, lambda: 1.0) == 31.0
