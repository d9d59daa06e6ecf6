"""A loopback HTTP server that answers the way the Hugging Face router does.

``https://router.huggingface.co/hf-inference/models/{model}`` takes ``{"inputs", "parameters"}``
and answers JSON (text classification as a list of lists, ``[[{"label", "score"}, …]]``), 404 for
a model it does not serve, 401 without a valid token, 429 with ``Retry-After`` when rate limited,
503 with ``estimated_time`` while a model loads. Tests script the answers per model and read
back what was sent (path, headers, body).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/hf-inference/models/"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Send ``body`` as is (bytes/str), not as JSON: for malformed answers.
    raw: bool = False
    #: Seconds to wait before answering: for timeouts.
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def model(self) -> str:
        return self.path.removeprefix(PREFIX)

    def json(self) -> Any:
        return json.loads(self.body)


class FakeRouter:
    def __init__(self) -> None:
        self.replies: dict[str, deque[Reply]] = defaultdict(deque)
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        router = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with router.lock:
                    router.seen.append(Seen("POST", self.path, dict(self.headers), body))
                    queue = router.replies.get(self.path.removeprefix(PREFIX))
                    reply = queue.popleft() if queue else None
                if reply is None:
                    model = self.path.removeprefix(PREFIX)
                    reply = Reply(404, {"error": f"Model {model} does not exist"})
                time.sleep(reply.delay)
                payload = reply.body if reply.raw else json.dumps(reply.body)
                data = payload.encode() if isinstance(payload, str) else payload
                self.send_response(reply.status)
                self.send_header("content-type", "text/plain" if reply.raw else "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        """A router-shaped ``--inference-url``: the app puts the model id in place of ``{model}``."""
        return f"http://127.0.0.1:{self.port}{PREFIX}{{model}}"

    def answer(self, model: str, *replies: Reply) -> None:
        """Queue ``replies`` for ``model``, in order; after them, 404."""
        with self.lock:
            self.replies[model].extend(replies)

    def reset(self) -> None:
        with self.lock:
            self.replies.clear()
            self.seen.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
