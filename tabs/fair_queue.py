"""core/public/fair_queue.py applied to gradio's queue, and the teacher's view of it.

gradio has concurrency groups (``concurrency_id``/``concurrency_limit``) but no per-visitor limit, so the one
door every queued call passes, ``Queue.push`` (``/queue/join`` and ``/call``), is wrapped: a call over a
visitor's limit is answered 429 with the reason and ``Retry-After`` before it takes a place; after a call joins,
its group is put back in round-robin order. Text no handler could read (a lone surrogate, which breaks a
table's preprocessing before any handler runs) is refused there too, with the message the handlers give.
"""

from __future__ import annotations

from typing import Any

from core.localized import Localized
from core.public.fair_queue import HEAVY_GROUPS, QueueLimits, TaskLoad, Ticket, admission, fair_order, queue_load
from tabs.boundary import _undecodable
from tabs.visitors import request_address


def apply_heavy_groups(blocks: Any) -> None:
    """Give each heavy event its own concurrency group (core.public.fair_queue.HEAVY_GROUPS)."""
    for fn in blocks.fns.values():
        group = HEAVY_GROUPS.get(fn.api_name or "")
        if group is not None:
            fn.concurrency_id = group.group
            fn.concurrency_limit = group.concurrency


def _task(fn: Any) -> str:
    return fn.api_name or getattr(fn.fn, "__name__", None) or "event"


def _ticket(event: Any, *, running: bool, on_space: bool) -> Ticket:
    return Ticket(
        session=event.session_hash,
        address=request_address(event.request, on_space=on_space),
        task=_task(event.fn),
        running=running,
    )


def tickets(queue: Any, *, on_space: bool = False) -> list[Ticket]:
    """Every call gradio's queue holds now: waiting ones, then running ones."""
    waiting = [e for group in list(queue.event_queue_per_concurrency_id.values()) for e in list(group.queue)]
    running = [e for job in list(queue.active_jobs) if job for e in job]
    return [_ticket(e, running=False, on_space=on_space) for e in waiting] + [
        _ticket(e, running=True, on_space=on_space) for e in running
    ]


def _language(request: Any) -> str:
    header = ((getattr(request, "headers", None) or {}).get("accept-language") or "").lower()
    return "ko" if header.startswith("ko") else "en"


def _undecodable_message(found: tuple[str, int], language: str) -> str:
    character, position = found
    return Localized(
        f"The input contains a character that cannot be read ({character}, a lone surrogate, at position "
        f"{position}). It usually comes from a broken copy-paste: retype that part and try again.",
        f"입력에 읽을 수 없는 문자({character}, 짝이 없는 서로게이트, {position}번째)가 있어요. "
        "복사-붙여넣기가 깨진 경우가 많아요. 그 부분을 다시 입력하세요.",
    ).text(language)


def install(blocks: Any, *, on_space: bool = False, limits: QueueLimits | None = None) -> None:
    """Wrap ``blocks._queue.push`` (call after ``blocks.queue()``) with the per-visitor limits and fair order."""
    from fastapi import HTTPException

    queue = blocks._queue
    if getattr(queue.push, "fair", False):
        return
    limits = limits or QueueLimits.from_env()
    original = queue.push

    async def push(body: Any, request: Any, username: str | None) -> Any:
        fn = blocks.fns.get(body.fn_index) if body.fn_index is not None else None
        if fn is None:
            return await original(body, request, username)
        language = _language(request)
        found = _undecodable(body.data)
        if found:
            raise HTTPException(status_code=400, detail=_undecodable_message(found, language))
        session = body.session_hash or ""
        new = Ticket(session=session, address=request_address(request, on_space=on_space), task=_task(fn))
        timing = queue.process_time_per_fn.get(fn)
        expected = timing.avg_time if timing and timing.count else 5.0
        refusal = admission(tickets(queue, on_space=on_space), new, limits, expected_s=expected) if session else None
        if refusal is None and not session:
            # gradio's simple API (/call) has no session: the address alone counts.
            refusal = admission(
                tickets(queue, on_space=on_space), new, QueueLimits(10**9, limits.per_address), expected_s=expected
            )
        if refusal is not None:
            raise HTTPException(
                status_code=429,
                detail=refusal.text(language),
                headers={"Retry-After": str(refusal.retry_after_s)},
            )
        result = await original(body, request, username)
        group = queue.event_queue_per_concurrency_id.get(fn.concurrency_id)
        if result[0] and group is not None and len(group.queue) > 2:
            order = fair_order([e.session_hash for e in group.queue])
            group.queue[:] = [group.queue[i] for i in order]
        return result

    push.fair = True
    queue.push = push


def status_line(queue: Any, language: str = "en") -> str:
    """One line for the teacher: running and waiting calls per task (Markdown)."""
    loads: list[TaskLoad] = queue_load(tickets(queue)) if queue is not None else []
    if not loads:
        return Localized("Queue: empty.", "대기열: 비어 있어요.").text(language)
    parts = [
        Localized(
            f"`{x.task}` {x.running} running · {x.waiting} waiting ({x.visitors} visitors)",
            f"`{x.task}` 실행 {x.running} · 대기 {x.waiting} ({x.visitors}명)",
        ).text(language)
        for x in loads
    ]
    return Localized("Queue: ", "대기열: ").text(language) + "; ".join(parts)
