"""The page's HTML document, compressed on the wire like gradio's own scripts (issue 21).

gradio compresses responses with brotli, but only for paths that end in a file extension (``.js``,
``.css``…): the page itself (``/``, ``/?tab=…``) has none, so its document (the whole app's config and API
description, about 1 MB) went out uncompressed, and on a classroom's shared Wi-Fi that was most of the
wait before the first tab could be used. This middleware compresses what gradio's leaves: a complete
(not streamed) HTML or JSON response on a path without an extension, in brotli when the browser accepts
it, else gzip, else as it is.

Streams are never touched: a response that comes in more than one piece (the queue's event stream
``/gradio_api/queue/data``, heartbeats, MCP) or declares ``text/event-stream`` passes through as it is
sent, chunk by chunk. The document is the same for every visitor who opens the same link, so its
compressed form is kept (a few entries, by digest) and a class opening the page at once compresses it once.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import anyio.to_thread
import brotli  # gradio depends on it (its own middleware)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Below this, compression saves less than a packet's worth.
MINIMUM_SIZE = 1024
#: What is compressed here: documents and their data, not images, files or streams.
COMPRESSIBLE = ("text/html", "application/json", "text/plain")
#: Brotli 5: about 13:1 on the document in a fraction of a second; 11 gains 10% for 50× the time.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
#: Compressed bodies kept (the document in each encoding, per page and language of the API description).
CACHE_ENTRIES = 8
#: Paths never compressed here: the MCP server streams, as gradio's own middleware knows.
EXCLUDED_PREFIXES = ("/gradio_api/mcp", "/mcp")


def accepted_encoding(accept: str) -> str | None:
    """``br`` or ``gzip`` (in that order of preference) if the ``Accept-Encoding`` header allows it, else None."""
    allowed = set()
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        allowed.add(name.strip())
    return next((name for name in ("br", "gzip") if name in allowed), None)


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


class CompressedCache:
    """The last few compressed bodies, by the digest of what was compressed and the encoding."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self.entries = entries
        self._kept: OrderedDict[tuple[bytes, str], bytes] = OrderedDict()
        self.hits = 0

    async def get(self, body: bytes, encoding: str) -> bytes:
        key = (hashlib.blake2b(body, digest_size=16).digest(), encoding)
        if key in self._kept:
            self._kept.move_to_end(key)
            self.hits += 1
            return self._kept[key]
        # In a worker thread: a megabyte takes tens of milliseconds, and the event loop serves everyone.
        compressed = await anyio.to_thread.run_sync(compress, body, encoding)
        self._kept[key] = compressed
        while len(self._kept) > self.entries:
            self._kept.popitem(last=False)
        return compressed


def _has_extension(path: str) -> bool:
    return "." in path.rsplit("/", 1)[-1]


class DocumentCompression:
    """Plain ASGI middleware (never ``BaseHTTPMiddleware``, which buffers streams): see the module's doc."""

    def __init__(self, app: Callable, minimum_size: int = MINIMUM_SIZE, cache: CompressedCache | None = None) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.cache = cache if cache is not None else CompressedCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or _has_extension(path)  # gradio's own middleware compresses these
            or path.startswith(EXCLUDED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        encoding = accepted_encoding(headers.get(b"accept-encoding", b"").decode("latin-1"))
        if encoding is None:
            await self.app(scope, receive, send)
            return
        await _Responder(self, encoding, send).run(scope, receive)


class _Responder:
    """Holds the response's start until its first body shows whether it is whole and worth compressing."""

    def __init__(self, middleware: DocumentCompression, encoding: str, send: Send) -> None:
        self.middleware = middleware
        self.encoding = encoding
        self.send = send
        self.start: Message | None = None
        self.passing = False  # decided: everything goes through untouched

    async def run(self, scope: Scope, receive: Receive) -> None:
        await self.middleware.app(scope, receive, self.on_send)

    def _compressible(self, start: Message) -> bool:
        names = {name.lower(): value for name, value in start.get("headers", [])}
        media = names.get(b"content-type", b"").decode("latin-1").partition(";")[0].strip().lower()
        return b"content-encoding" not in names and start.get("status", 200) == 200 and media in COMPRESSIBLE

    async def on_send(self, message: Message) -> None:
        if self.passing:
            await self.send(message)
            return
        if message["type"] == "http.response.start":
            if self._compressible(message):
                self.start = message
            else:
                self.passing = True
                await self.send(message)
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        body = message.get("body", b"")
        if message.get("more_body", False) or len(body) < self.middleware.minimum_size:
            # A stream (or a trifle): send what is held and let the rest through as it comes.
            self.passing = True
            await self.send(self.start)
            await self.send(message)
            return
        compressed = await self.middleware.cache.get(body, self.encoding)
        headers = [
            (name, value)
            for name, value in self.start.get("headers", [])
            if name.lower() not in (b"content-length", b"vary")
        ]
        vary = [value for name, value in self.start.get("headers", []) if name.lower() == b"vary"]
        headers += [
            (b"content-encoding", self.encoding.encode()),
            (b"content-length", str(len(compressed)).encode()),
            (b"vary", b", ".join([*vary, b"Accept-Encoding"]) if vary else b"Accept-Encoding"),
        ]
        self.passing = True
        await self.send({**self.start, "headers": headers})
        await self.send({**message, "body": compressed})


def compression_middleware() -> Any:
    """The middleware for ``launch(app_kwargs={"middleware": […]})``; first in the list, so it is outermost."""
    from starlette.middleware import Middleware

    return Middleware(DocumentCompression)
