"""Waiting politely when the hosted API is busy: 429 and 503, retried with backoff and jitter.

``InferenceClient`` does not retry, and huggingface_hub's ``http_backoff`` sleeps silently
inside the request (no jitter, no total budget, nothing the user sees). So the loop is ours,
while the header parsing is huggingface_hub's (``parse_ratelimit_headers``) where it has it:
- ``Retry-After`` (seconds or an HTTP date) and the IETF ``RateLimit`` header are honoured:
  we never retry earlier than the server asked;
- otherwise exponential backoff (1 s, 2 s, 4 s … capped) with jitter, so thirty students
  hitting the limit together do not all come back in the same second;
- a bounded number of retries and a bounded total wait: when the server asks for longer
  than the budget left, we stop at once and say how long to wait;
- every wait is announced first (``on_wait``), so the user sees it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from core.localized import Localized

T = TypeVar("T")

#: 429 Too Many Requests (rate limit) and 503 Service Unavailable (model loading, overloaded).
RETRY_STATUSES = (429, 503)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    base_delay: float = 1.0
    max_delay: float = 16.0
    #: The most time, in seconds, one request may spend waiting in total.
    max_total_wait: float = 45.0
    #: Share of an exponential delay that is random: 0.5 means a wait in [d/2, d].
    jitter: float = 0.5


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class RetryNotice:
    """One wait about to happen: retry ``attempt`` of ``max_retries`` after ``seconds``."""

    attempt: int
    max_retries: int
    status: int
    seconds: float
    #: The wait the server asked for (Retry-After and the like), or None when we chose it.
    server_asked: float | None

    def text(self, language: str) -> str:
        reason = {429: ("rate limit reached", "호출 한도 초과"), 503: ("model busy or loading", "모델 준비 중")}
        en, ko = reason.get(self.status, ("server busy", "서버 혼잡"))
        return Localized(
            f"⏳ {self.status} ({en}): waiting {self.seconds:.1f} s before retry {self.attempt}/{self.max_retries}.",
            f"⏳ {self.status} ({ko}): {self.seconds:.1f}초 기다린 뒤 다시 시도해요 ({self.attempt}/{self.max_retries}).",
        ).text(language)


class RetriesExhausted(Exception):
    """Still 429/503 after the allowed retries, or the next wait would overrun the budget."""

    def __init__(self, error: Exception, status: int, retries: int, waited: float, next_wait: float | None) -> None:
        super().__init__(f"HTTP {status} after {retries} retries ({waited:.1f} s waited)")
        self.error = error
        self.status = status
        self.retries = retries
        self.waited = waited
        #: What the server asked for (or we would have waited) next; None when retries ran out.
        self.next_wait = next_wait


@dataclass
class RetryStats:
    retries: int = 0
    waited: float = 0.0


def server_wait(headers: Mapping[str, str], body: Any = None, *, now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``Retry-After``, ``RateLimit``, or a 503 body's ``estimated_time``."""
    from huggingface_hub.utils import parse_ratelimit_headers

    lowered = {key.lower(): value for key, value in headers.items()}
    value = (lowered.get("retry-after") or "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
    ratelimit = parse_ratelimit_headers(headers)
    if ratelimit is not None and ratelimit.remaining == 0:
        return float(ratelimit.reset_in_seconds)
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            body = None
    if isinstance(body, dict) and isinstance(body.get("estimated_time"), (int, float)):
        return max(0.0, float(body["estimated_time"]))
    return None


def backoff_delay(policy: RetryPolicy, attempt: int, asked: float | None, rng: Callable[[], float]) -> float:
    """The wait before retry ``attempt`` (1-based): never less than the server asked, else jittered backoff."""
    if asked is not None:
        return asked + min(1.0, 0.1 * asked) * rng()
    delay = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return delay * (1 - policy.jitter) + delay * policy.jitter * rng()


def retryable(error: Exception) -> tuple[int, Mapping[str, str], Any] | None:
    """(status, headers, body) when ``error`` is an HTTP 429/503 from huggingface_hub, else None."""
    from huggingface_hub.errors import HfHubHTTPError

    response = getattr(error, "response", None) if isinstance(error, HfHubHTTPError) else None
    if response is None or response.status_code not in RETRY_STATUSES:
        return None
    try:
        body = response.content
    except Exception:  # a streamed response whose body was not read
        body = None
    return response.status_code, response.headers, body


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    on_wait: Callable[[RetryNotice], None] | None = None,
    stats: RetryStats | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> T:
    """``call()``; on 429/503 wait and try again, within ``policy``. Raises ``RetriesExhausted`` when it gives up."""
    stats = stats if stats is not None else RetryStats()
    while True:
        try:
            return call()
        except Exception as error:
            found = retryable(error)
            if found is None:
                raise
            status, headers, body = found
            asked = server_wait(headers, body)
            if stats.retries >= policy.max_retries:
                raise RetriesExhausted(error, status, stats.retries, stats.waited, asked) from error
            wait = backoff_delay(policy, stats.retries + 1, asked, rng)
            if stats.waited + wait > policy.max_total_wait:
                raise RetriesExhausted(error, status, stats.retries, stats.waited, asked or wait) from error
            stats.retries += 1
            if on_wait is not None:
                on_wait(RetryNotice(stats.retries, policy.max_retries, status, wait, asked))
            sleep(wait)
            stats.waited += wait
