"""Who a request comes from: the browser session, and the address (behind a Space's proxy, X-Forwarded-For).

A visitor with a script can change session at will; the address bounds what one machine can do. Behind
``--share`` every visitor arrives through gradio's tunnel from 127.0.0.1, so there the session is all there is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def client_address(host: str | None, headers: Mapping[str, str], *, on_space: bool) -> str:
    """The visitor's address: on a Space the first X-Forwarded-For entry (the Space's proxy sets it; the
    connection itself comes from the proxy), elsewhere the connection's own address."""
    if on_space:
        forwarded = (headers.get("x-forwarded-for") or "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return (host or "unknown")[:64]


def request_address(request: Any, *, on_space: bool) -> str:
    """``client_address`` of a fastapi / gradio request."""
    client = getattr(request, "client", None)
    headers = getattr(request, "headers", None) or {}
    return client_address(getattr(client, "host", None), headers, on_space=on_space)
