"""Raw HTTP to the launched app, as a script (not gradio_client) sends it: JSON that may carry lone surrogates,
NaN or Infinity (httpx refuses to encode them), any session id, any header."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid


def post_json(url: str, payload: object, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict]:
    """POST ``payload`` encoded by ``json.dumps`` (ASCII escapes, NaN allowed); (status, decoded answer)."""
    body = json.dumps(payload).encode("ascii")
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text or b"{}")
        except ValueError:
            return error.code, {"detail": text.decode("utf-8", "replace")}


def call(base: str, api_name: str, arguments: dict, timeout: float = 120) -> tuple[str, object]:
    """Run ``api_name`` with keyword ``arguments`` through gradio's simple API (``/call/v2``): the last event's
    type (``complete`` or ``error``) and its data."""
    status, answer = post_json(f"{base.rstrip('/')}/gradio_api/call/v2/{api_name.strip('/')}", arguments)
    if status != 200:
        return f"http {status}", answer.get("detail")
    url = f"{base.rstrip('/')}/gradio_api/call/{api_name.strip('/')}/{answer['event_id']}"
    event, data = "", None
    with urllib.request.urlopen(url, timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data = json.loads(line.split(":", 1)[1].strip() or "null")
                if event in ("complete", "error"):
                    return event, data
    return event, data


def join(base: str, fn_index: int, data: list, session_hash: str | None = None, headers: dict | None = None):
    """One raw ``queue/join`` (what the browser sends): (status, answer)."""
    payload = {"data": data, "fn_index": fn_index, "session_hash": session_hash or uuid.uuid4().hex}
    return post_json(f"{base.rstrip('/')}/gradio_api/queue/join", payload, headers)
