"""What the server refuses before any handler runs: numbers that are not finite, oversized requests, too many
uploads from one visitor, password guessing, and the API description on the login page.

The HTTP guards are one plain ASGI middleware (never ``BaseHTTPMiddleware``: it would buffer gradio's event
streams) handed to FastAPI through ``launch(app_kwargs={"middleware": …})``, gradio's own door for it.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.public.storage import env_number
from tabs.visitors import client_address

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def install_number_guard() -> None:
    """NaN and Infinity get gradio's own range message, as a typed value out of range does.

    JSON lets a script send both; gradio compares them with the bounds (every comparison with NaN is
    False, so it passes) and then fails to round it, which ends as an internal error instead of a message.
    """
    from gradio.components.number import Number
    from gradio.exceptions import Error

    check = Number.raise_if_out_of_bounds
    if getattr(check, "guards_finite", False):
        return

    def raise_if_out_of_bounds(num: Any, minimum: float | None, maximum: float | None) -> None:
        if isinstance(num, bool) or not isinstance(num, int | float):
            raise Error(f"Value {str(num)[:40]!r} is not a number. Enter a number.")
        if not math.isfinite(num):
            bounds = f" from {minimum} to {maximum}" if minimum is not None and maximum is not None else ""
            raise Error(f"Value {num} is not a number the app can use. Enter a finite number{bounds}.")
        check(num, minimum, maximum)

    raise_if_out_of_bounds.guards_finite = True
    Number.raise_if_out_of_bounds = staticmethod(raise_if_out_of_bounds)


@dataclass(frozen=True)
class GuardLimits:
    """Per-visitor HTTP limits; ``from_env`` reads each from the environment (see README, public mode)."""

    #: Largest JSON body of an event (a fine-tuning table of 5,000 rows is about 2 MB).
    max_request_bytes: int = 10 * 2**20
    #: Bytes one visitor (address) may upload per hour in public mode.
    upload_quota_bytes: int = 200 * 2**20
    upload_window_s: float = 3600.0
    #: Wrong passwords allowed per address in ``login_window_s``, then a wait.
    login_attempts: int = 5
    login_window_s: float = 60.0

    @classmethod
    def from_env(cls) -> GuardLimits:
        return cls(
            max_request_bytes=int(env_number("PLAYGROUND_MAX_REQUEST_MB", 10) * 2**20),
            upload_quota_bytes=int(env_number("PLAYGROUND_UPLOAD_QUOTA_MB", 200) * 2**20),
            login_attempts=int(env_number("PLAYGROUND_LOGIN_ATTEMPTS", 5)),
        )


class SlidingCounter:
    """Amounts per key over a sliding time window (wrong passwords, uploaded bytes)."""

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._events: dict[str, deque[tuple[float, float]]] = defaultdict(deque)

    def _trim(self, key: str) -> deque[tuple[float, float]]:
        events = self._events[key]
        horizon = self.clock() - self.window_s
        while events and events[0][0] < horizon:
            events.popleft()
        if not events:
            self._events.pop(key, None)
        return events

    def total(self, key: str) -> float:
        return sum(amount for _, amount in self._trim(key))

    def add(self, key: str, amount: float = 1.0) -> None:
        self._trim(key)
        self._events[key].append((self.clock(), amount))

    def wait_s(self, key: str) -> float:
        """Seconds until the oldest amount leaves the window."""
        events = self._trim(key)
        return max(0.0, events[0][0] + self.window_s - self.clock()) if events else 0.0


_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.S)


async def _answer(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": message, "error": message}).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """The app's HTTP guards, in front of gradio's routes.

    - ``POST /login``: after ``login_attempts`` wrong passwords from one address in a minute, every try from it
      is answered 429 until the minute has passed (a right password too, so guessing cannot go on).
    - the login page (``GET /`` while a password is asked): gradio embeds the whole API description in it
      (``window.gradio_api_info``) although ``/gradio_api/info`` refuses a visitor who is not logged in; it is
      taken out.
    - event bodies (``queue/join``, ``call/…``) over ``max_request_bytes`` are refused with 413 before gradio
      parses them.
    - public mode: ``/gradio_api/upload`` counts each address's bytes per hour against ``upload_quota_bytes``.
    """

    def __init__(self, app: Callable, *, public: bool = False, on_space: bool = False, limits: GuardLimits) -> None:
        self.app = app
        self.public = public
        self.on_space = on_space
        self.limits = limits
        self.logins = SlidingCounter(limits.login_window_s)
        self.uploads = SlidingCounter(limits.upload_window_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        if method == "POST" and path.rstrip("/") == "/login":
            return await self._login(scope, receive, send)
        if method == "POST" and path.startswith("/gradio_api/upload"):
            if self.public:
                return await self._upload(scope, receive, send)
            return await self.app(scope, receive, send)
        if method == "POST" and path.startswith(("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/")):
            return await self._bounded(scope, receive, send)
        if method == "GET" and path in ("/", ""):
            return await self._page(scope, receive, send)
        return await self.app(scope, receive, send)

    def _address(self, scope: Scope) -> str:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = scope.get("client") or ("unknown", 0)
        return client_address(client[0], headers, on_space=self.on_space)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = self._address(scope)
        if self.logins.total(address) >= self.limits.login_attempts:
            wait = math.ceil(self.logins.wait_s(address))
            return await _answer(
                send,
                429,
                f"Too many wrong passwords from this address. Wait {wait} s, then try again.",
                {"Retry-After": str(wait)},
            )
        status = {}

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") in (400, 401):
            self.logins.add(address)

    async def _read_body(self, receive: Receive, limit: int) -> bytes | None:
        """The whole body, or None once it passes ``limit`` bytes."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    @staticmethod
    def _declared_length(scope: Scope) -> int | None:
        for key, value in scope.get("headers", []):
            if key.lower() == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.max_request_bytes
        declared = self._declared_length(scope)
        too_big = (
            f"The request is larger than this app accepts ({limit / 2**20:,.0f} MB). Send less data at once "
            "(a smaller table or text)."
        )
        if declared is not None and declared > limit:
            return await _answer(send, 413, too_big)
        body = await self._read_body(receive, limit)
        if body is None:
            return await _answer(send, 413, too_big)
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = self._declared_length(scope)
        if declared is None:
            return await _answer(send, 411, "An upload must say its size (Content-Length).")
        address = self._address(scope)
        quota = self.limits.upload_quota_bytes
        used = self.uploads.total(address)
        if used + declared > quota:
            wait = math.ceil(self.uploads.wait_s(address))
            return await _answer(
                send,
                429,
                f"This visitor has uploaded {used / 2**20:,.0f} MB in the last hour; the limit is "
                f"{quota / 2**20:,.0f} MB. Wait {wait // 60 + 1} min, or upload smaller files.",
                {"Retry-After": str(wait)},
            )
        self.uploads.add(address, declared)
        await self.app(scope, receive, send)

    async def _page(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Drop the API description from a page that only asks for the password."""
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if not content_type.startswith(b"text/html"):
                    start["pass"] = True
                    await send(message)
                    return
                start.update(message)
                return
            if start.get("pass"):
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if b'"auth_required": true' in body or b'"auth_required":true' in body:
                body = _API_INFO.sub(b"window.gradio_api_info = null;</script>", body)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def middleware(*, public: bool, on_space: bool) -> list:
    """The guards as FastAPI middleware, for ``launch(app_kwargs={"middleware": …})``."""
    from starlette.middleware import Middleware

    return [Middleware(RequestGuard, public=public, on_space=on_space, limits=GuardLimits.from_env())]
