"""A generation's text as the step batcher makes it: one growing string per sequence, and the wait before it.

The reading side of ``core.generation.batcher``: token ids arrive per sequence and become text the way
``TextIteratorStreamer`` cuts it (whole words, no special tokens), so a stream reads the same batched or not.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from core.generation.batch_cache import Unbatchable
from core.generation.batcher import END, Request, Waiting, batcher_for

#: How often a waiting reader re-reads its place in line.
WAIT_POLL_SECONDS = 1.0


def _pieces_streamer(tokenizer: Any) -> Any:
    """A ``TextStreamer`` that keeps its finished pieces for the reader instead of printing them."""
    from transformers import TextStreamer

    class Pieces(TextStreamer):
        def __init__(self) -> None:
            super().__init__(tokenizer, skip_prompt=True, skip_special_tokens=True)
            self.pieces: list[str] = []

        def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
            if text:
                self.pieces.append(text)

    return Pieces()


@dataclass
class BatchedUpdate:
    """The texts so far (one per sequence), new tokens counted, and the place in line while not started.

    ``first_token_at`` is the ``time.perf_counter()`` at which the reader received its first token id: the
    streamer may hold text back for many tokens (until a word ends), so the first text says little about when
    the row started.
    """

    texts: list[str]
    new_tokens: int = 0
    waiting: Waiting | None = None
    done: bool = False
    changed: list[int] = field(default_factory=list)
    first_token_at: float | None = None


def stream_batched(
    loaded: Any, input_ids: Any, generate_kwargs: dict[str, Any], seeds: list[int]
) -> Iterator[BatchedUpdate]:
    """Updates as tokens arrive from the model's batcher; ``Unbatchable`` when this model must run alone.

    Leaving the iterator early (the student pressed Stop, the browser closed) takes the rows out of the batch
    at its next step.
    """
    import torch

    request: Request = batcher_for(loaded.model).submit(input_ids, generate_kwargs, seeds)
    streamers = [_pieces_streamer(loaded.preprocessor) for _ in seeds]
    for streamer in streamers:
        streamer.put(input_ids.cpu())  # the prompt, which skip_prompt leaves out
    update = BatchedUpdate(texts=[""] * len(seeds))
    open_rows = set(range(len(seeds)))
    try:
        while open_rows:
            try:
                item = request.tokens.get(timeout=None if request.admitted.is_set() else WAIT_POLL_SECONDS)
            except queue.Empty:
                if request.waiting is not None and request.waiting != update.waiting:
                    update.waiting = request.waiting
                    yield update
                continue
            if isinstance(item, BaseException):
                raise item
            update.waiting = None
            sequence, token = item
            started_now = update.first_token_at is None and token is not END
            if started_now:
                update.first_token_at = time.perf_counter()
            streamer = streamers[sequence]
            if token is END:
                streamer.end()
                open_rows.discard(sequence)
            else:
                update.new_tokens += 1
                streamer.put(torch.tensor([token]))
            if streamer.pieces:
                update.texts[sequence] += "".join(streamer.pieces)
                streamer.pieces.clear()
                update.changed = [sequence]
                yield update
            elif started_now:  # the row has started, with no text yet: the wait is over
                update.changed = []
                yield update
    finally:
        request.cancel()
    update.done = True
    update.changed = []
    yield update


__all__ = ["BatchedUpdate", "Unbatchable", "stream_batched"]
