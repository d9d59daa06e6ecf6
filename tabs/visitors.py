"""Who a request comes from: the browser session, and the address (behind a proxy, X-Forwarded-For).

A visitor with a script can change session at will; the address bounds what one machine can do. The
X-Forwarded-For header is believed where a proxy sets it: on a Space, and on connections from this machine
itself (gradio's ``--share`` tunnel, a local reverse proxy). Without it, everyone behind ``--share`` shares the
tunnel's 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOOPBACK = ("127.", "::1", "localhost")


def client_address(host: str | None, headers: Mapping[str, str], *, on_space: bool) -> str:
    """The visitor's address: behind a proxy (a Space, or a tunnel or proxy on this machine) the first
    X-Forwarded-For entry, elsewhere the connection's own address."""
    if on_space or (host or "").startswith(LOOPBACK):
        forwarded = (headers.get("x-forwarded-for") or "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return (host or "unknown")[:64]


def request_address(request: Any, *, on_space: bool) -> str:
    """``client_address`` of a fastapi / gradio request."""
    client = getattr(request, "client", None)
    headers = getattr(request, "headers", None) or {}
    return client_address(getattr(client, "host", None), headers, on_space=on_space)
