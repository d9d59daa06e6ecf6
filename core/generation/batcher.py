"""Step-level batching for text generation: concurrent requests for one model share each decoding step.

Decoding one sequence leaves a CPU (or GPU) mostly idle: a step for sixteen sequences costs little more than
a step for one. So each loaded model gets one worker thread that keeps a batch of rows (one row per sequence a
student asked for) and, between steps, lets new requests in and finished or cancelled ones out:

- a new request's prompt is prefilled alone (batch of one, exactly as ``model.generate`` does it) and its
  first token is sampled at once, so the student who finds the model idle waits no longer than before;
- its key/value cache then joins the batch's, left-padded to a common length (the attention mask hides the
  padding; each row keeps its own ``position_ids``), and every step decodes one token for every row; the
  cache lives in buffers with room to grow (``core.generation.batch_cache``), so a step does not copy it;
- each row samples with its own ``torch.Generator`` seeded from the request's seed and its own logits
  processors (transformers' own, built as ``generate`` builds them), so the draws are the row's alone; rows
  whose processors are only temperature, top-k and top-p are warped together with the same arithmetic
  (``core.generation.batch_sampling``);
- on a CPU, a step with several rows multiplies the LM head in slices of the vocabulary, faster here than the
  whole product (``core.generation.chunked_head``).

transformers' ``ContinuousBatchingManager`` was measured and not used: it samples the whole batch from one
process-wide generator and one generation config, so a student's seed could not reproduce their text
(``benchmarks/bench_generate_batch.py`` has the figures). What is guaranteed: a request that runs alone here
gives exactly ``set_seed(seed)`` + ``model.generate``'s tokens; in a batch, the same tokens unless the
batched matmuls' last-bit differences move a sampling boundary (tests/test_generate_batching.py checks
equality on mixed batches).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from core.generation.batch_cache import BatchCache, plain_layers
from core.generation.batch_sampling import Warping, choose_tokens, warping_of
from core.generation.chunked_head import step_model
from core.validators import whole_number

#: How many rows (sequences) one model's batch decodes together at most; more requests wait their turn. A class
#: of 40 decodes together: on two cores, 40 requests' aggregate rate was 7.3x one at a time with room for all of
#: them against 4.8x with 16 rows, and their p95 first token 1.8 s against 16 s (benchmarks/bench_generate_batch.py).
#: The buffers grow with the rows in use, not with this limit.
DEFAULT_ROWS = 40
MAX_ROWS = 256
#: What a request's token queue carries when its row is finished.
END = None


def batching_enabled() -> bool:
    """``PLAYGROUND_GENERATE_BATCHING=off`` runs every generation alone on ``model.generate`` (read when asked)."""
    return os.environ.get("PLAYGROUND_GENERATE_BATCHING", "on").lower() not in ("off", "0", "false", "no")


def max_rows() -> int:
    """``PLAYGROUND_GENERATE_BATCH_ROWS``: the most sequences one model decodes together (default 40)."""
    value = os.environ.get("PLAYGROUND_GENERATE_BATCH_ROWS", DEFAULT_ROWS)
    return whole_number(value, "PLAYGROUND_GENERATE_BATCH_ROWS", 1, MAX_ROWS)


@dataclass
class Waiting:
    """Where a request stands while every row is taken: its place in line and a guess from the current speed."""

    position: int
    seconds: float | None
    tokens_per_second: float | None


@dataclass(eq=False)
class Request:
    """One caller's generation: its prompt, settings and seeds in; ``(sequence, token id)`` pairs out."""

    input_ids: Any  # (1, prompt length) on the model's device
    generate_kwargs: dict[str, Any]
    seeds: list[int]
    tokens: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    admitted: threading.Event = field(default_factory=threading.Event)
    waiting: Waiting | None = None

    def cancel(self) -> None:
        """Leave at the next step (the reader went away); the other rows go on."""
        self.cancelled.set()


@dataclass(eq=False)
class _Row:
    request: Request
    sequence: int
    ids: list[int]
    processors: Any
    generator: Any
    do_sample: bool
    remaining: int
    eos: frozenset[int]
    warping: Warping | None  # None: the row runs its processors alone


def _sampling_setup(model: Any, request: Request, prompt_length: int) -> tuple[Any, bool, int, frozenset[int]]:
    """The logits processors, sampling flag, token budget and end tokens ``model.generate`` would use."""
    # The private helpers are generate's own: the same processors, in the same order, from the same config.
    config, _ = model._prepare_generation_config(None, **request.generate_kwargs)
    processors = model._get_logits_processor(config, input_ids_seq_length=prompt_length, device=model.device)
    eos = config.eos_token_id
    eos = frozenset() if eos is None else frozenset([eos] if isinstance(eos, int) else [int(e) for e in eos])
    return processors, bool(config.do_sample), int(config.max_new_tokens), eos


def _same_prompt(one: Request, other: Request) -> bool:
    """Whether two requests' prompts are the same token ids on the same device (one prefill serves both)."""
    a, b = one.input_ids, other.input_ids
    return a.shape == b.shape and a.device == b.device and bool((a == b).all())


class StepBatcher:
    """One model's decoding loop: ``submit`` a request, read its tokens; rows join and leave between steps."""

    def __init__(self, model: Any, rows: int | None = None) -> None:
        self.model = model
        #: What the steps call: the model, or its twin with the LM head in slices (core.generation.chunked_head).
        self.stepper = step_model(model)
        self._rows_limit = rows
        self._lock = threading.Lock()
        self._waiting: list[Request] = []
        self._worker: threading.Thread | None = None
        self.rows: list[_Row] = []
        self._cache: BatchCache | None = None
        self._step_seconds: float | None = None  # moving average of one decoding step
        #: Counters for benchmarks and tests: decoding steps run, and the most rows one step carried.
        self.steps = 0
        self.widest = 0

    @property
    def rows_limit(self) -> int:
        return self._rows_limit or max_rows()

    def submit(self, input_ids: Any, generate_kwargs: dict[str, Any], seeds: list[int]) -> Request:
        """Queue a request (one row per seed); the worker starts if it was idle."""
        request = Request(input_ids=input_ids, generate_kwargs=generate_kwargs, seeds=seeds)
        with self._lock:
            self._waiting.append(request)
            self._refresh_waiting()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="generate-batch", daemon=True)
                self._worker.start()
        return request

    # -- the worker -------------------------------------------------------------------------------------------

    def _run(self) -> None:
        import torch

        try:
            with torch.inference_mode():
                while True:
                    self._admit()
                    self._step()
        except _Idle:
            return
        except BaseException as error:  # a bug here must not leave readers waiting forever
            with self._lock:
                if self._worker is threading.current_thread():
                    self._worker = None
                left, self._waiting = self._waiting, []
            for request in left + [row.request for row in self.rows]:
                request.tokens.put(error)
            self.rows, self._cache = [], None
            raise

    def _admit(self) -> None:
        """Let waiting requests in while rows are free; ``_Idle`` when nothing is left to do."""
        while True:
            with self._lock:
                self._waiting = [r for r in self._waiting if not r.cancelled.is_set()]
                free = self.rows_limit - len(self.rows)
                if not self._waiting or (self.rows and len(self._waiting[0].seeds) > free):
                    self._refresh_waiting()
                    if not self._waiting and not self.rows:
                        self._worker = None  # idle: the next submit starts a new worker
                        raise _Idle
                    return
                admitted = [self._waiting.pop(0)]
                free -= len(admitted[0].seeds)
                for other in list(self._waiting):  # the same prompt waiting too: one prefill serves them all
                    if len(other.seeds) <= free and _same_prompt(other, admitted[0]):
                        self._waiting.remove(other)
                        admitted.append(other)
                        free -= len(other.seeds)
                self._refresh_waiting()
            for request in admitted:
                request.waiting = None
                request.admitted.set()
            self._prefill(admitted)

    def _prefill(self, requests: list[Request]) -> None:
        """The prompt alone (as ``generate``'s prefill), each request's first tokens, then their rows join.

        Requests with the same prompt (a class running the tab's example) share one prefill: it depends on the
        prompt alone, and each request still samples with its own settings and seeds."""
        import torch

        prompt = requests[0].input_ids
        try:
            mask = torch.ones_like(prompt)
            out = self.model(input_ids=prompt, attention_mask=mask, use_cache=True, logits_to_keep=1)
            cache = out.cache
            plain_layers(cache)
            logits = out.logits[:, -1].to(dtype=torch.float32)
        except BaseException as error:  # the callers re-raise it (Unbatchable: they generate alone instead)
            for request in requests:
                request.tokens.put(error)
            return
        ids = prompt[0].tolist()
        rows = []
        for request in requests:
            try:
                processors, do_sample, budget, eos = _sampling_setup(self.model, request, prompt.shape[-1])
            except BaseException as error:  # this request's settings: the others go on
                request.tokens.put(error)
                continue
            warping = warping_of(processors)
            for k, seed in enumerate(request.seeds):
                generator = torch.Generator(device=prompt.device)
                generator.manual_seed(seed)
                rows.append(_Row(request, k, list(ids), processors, generator, do_sample, budget, eos, warping))
        if not rows:
            return
        tokens = choose_tokens(rows, logits.repeat(len(rows), 1))  # each row its own copy of the scores
        joining = [row for row, token in zip(rows, tokens, strict=True) if self._emit(row, token)]
        if joining:
            self._join(joining, cache)

    def _emit(self, row: _Row, token: int) -> bool:
        """Hand the token to the reader; True while the row goes on."""
        row.ids.append(token)
        row.remaining -= 1
        row.request.tokens.put((row.sequence, token))
        if row.remaining <= 0 or token in row.eos:
            row.request.tokens.put((row.sequence, END))
            return False
        return True

    def _join(self, joining: list[_Row], cache: Any) -> None:
        """Put the new rows' cache (one prefill, copied per row) beside the batch's."""
        if self._cache is None or not self.rows:
            self._cache, self.rows = BatchCache(cache, len(joining), self.rows_limit), []
        else:
            self._cache.add(cache, len(joining))
        self.rows.extend(joining)

    def _step(self) -> None:
        """One token for every row; finished and cancelled rows leave afterwards."""
        import torch

        self._drop([r for r in self.rows if r.request.cancelled.is_set()])
        if not self.rows:
            return
        started = time.perf_counter()
        device = self.model.device
        cache = self._cache
        columns = torch.arange(cache.width + 1, device=device)
        mask = (columns >= torch.tensor(cache.pads(), device=device).unsqueeze(-1)).long()
        last = torch.tensor([[row.ids[-1]] for row in self.rows], device=device)
        positions = torch.tensor([[len(row.ids) - 1] for row in self.rows], device=device)
        try:
            out = self.stepper(
                input_ids=last,
                attention_mask=mask,
                position_ids=positions,
                cache=cache.cache,
                use_cache=True,
                logits_to_keep=1,
            )
            cache.stepped()
            logits = out.logits[:, -1].to(copy=True, dtype=torch.float32)
            tokens = choose_tokens(self.rows, logits)
            done = [row for row, token in zip(self.rows, tokens, strict=True) if not self._emit(row, token)]
        except BaseException as error:  # every row in this step fails with it; the worker goes on
            for row in self.rows:
                row.request.tokens.put(error)
            self.rows, self._cache = [], None
            return
        self.steps += 1
        self.widest = max(self.widest, len(self.rows))
        self._drop(done)
        seconds = time.perf_counter() - started
        self._step_seconds = seconds if self._step_seconds is None else 0.8 * self._step_seconds + 0.2 * seconds
        with self._lock:
            if self._waiting:
                self._refresh_waiting()

    def _drop(self, leaving: list[_Row]) -> None:
        """Remove rows from the batch (the last rows take their places) and the padding no row needs any more."""
        if not leaving:
            return
        gone = {i for i, row in enumerate(self.rows) if row in leaving}
        if len(gone) == len(self.rows):
            self.rows, self._cache = [], None
            return
        self.rows = [self.rows[i] for i in self._cache.remove(gone)]

    def _refresh_waiting(self) -> None:
        """Each waiting request's place in line and, from the current speed, roughly how long until it starts."""
        running = len(self.rows)
        tokens_per_second = running / self._step_seconds if self._step_seconds and running else None
        remaining = sorted(row.remaining for row in self.rows)
        ahead = 0  # rows the requests in front of this one will take
        queued_tokens = 0  # and the tokens they will decode
        for position, request in enumerate(self._waiting, start=1):
            seconds = None
            if self._step_seconds is not None:
                # A row frees when a running row ends: the shortest first. Past the running rows, the requests
                # ahead share the batch's rows, so their tokens take rows_limit at a time.
                if ahead < len(remaining):
                    steps = remaining[ahead]
                else:
                    steps = (remaining[-1] if remaining else 0) + queued_tokens / self.rows_limit
                seconds = steps * self._step_seconds
            request.waiting = Waiting(position, seconds, tokens_per_second)
            ahead += len(request.seeds)
            queued_tokens += len(request.seeds) * int(request.generate_kwargs.get("max_new_tokens", 0))


class _Idle(Exception):
    """The worker has nothing left to do."""


_BATCHERS_LOCK = threading.Lock()


def batcher_for(model: Any) -> StepBatcher:
    """The model's one batcher, kept on the model itself: made on first use, gone when the model is unloaded."""
    with _BATCHERS_LOCK:
        batcher = getattr(model, "_playground_batcher", None)
        if batcher is None:
            batcher = StepBatcher(model)
            object.__setattr__(model, "_playground_batcher", batcher)
        return batcher
