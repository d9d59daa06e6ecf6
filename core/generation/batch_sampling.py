"""A decoding step's next tokens for every row at once, each exactly as transformers' own processors pick it.

Running each row's processors alone costs a top-p sort of the whole vocabulary, a softmax and a few small
tensors per row and step, with Python around each (56 ms of a 290 ms step for 16 rows of GPT-2 small on one
core, measured for issue 20). Temperature, top-k and top-p are row-wise operations, so rows whose processors are
only those are warped together here, one call per operation, with each row's own parameter; the arithmetic is
the warpers' own (``scores / temperature``, the k-th largest score as the threshold, the ascending sort's
softmax cumulated), so every row keeps the scores, the kept set and the probabilities its warpers give it
(``tests/test_batch_sampling.py`` compares them bit for bit). The draw stays per row, from the row's own
generator, and gives ``torch.multinomial``'s token with the same random numbers (``draw_rows``). A row with a
processor that reads its own history (repetition penalty, n-gram blocking) or any other processor runs its
processors alone, as before.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Warping:
    """A row's warpers when they are all it has: temperature, top-k, top-p (``None``: that one is off)."""

    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None


def warping_of(processors: Any) -> Warping | None:
    """The processors as a ``Warping``; ``None`` when any other processor (or another order) is among them."""
    from transformers.generation.logits_process import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    order = [TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper]
    found: dict[type, Any] = {}
    for processor in processors:
        kind = type(processor)
        if kind not in order or kind in found or any(order.index(k) > order.index(kind) for k in found):
            return None
        if kind is not TemperatureLogitsWarper and getattr(processor, "filter_value", None) != -math.inf:
            return None
        if kind is TopPLogitsWarper and processor.min_tokens_to_keep != 1:
            return None
        found[kind] = processor
    temperature, top_k, top_p = (found.get(kind) for kind in order)
    return Warping(
        temperature=temperature.temperature if temperature else None,
        top_k=top_k.top_k if top_k else None,  # already raised to min_tokens_to_keep, as the warper keeps it
        top_p=top_p.top_p if top_p else None,
    )


def choose_one(row: Any, logits: Any) -> int:
    """The row's next token from its (1, vocabulary) float32 logits, its processors run alone."""
    import torch

    scores = row.processors(torch.tensor([row.ids], device=logits.device), logits)
    if row.do_sample:
        probs = torch.nn.functional.softmax(scores, dim=-1)
        return int(torch.multinomial(probs, num_samples=1, generator=row.generator)[0, 0])
    return int(torch.argmax(scores, dim=-1)[0])


def warp(scores: Any, warpings: list[Warping]) -> Any:
    """Each row of (rows, vocabulary) ``scores`` through its own temperature, top-k and top-p (a new tensor)."""
    import torch

    scores = scores.clone()
    if any(w.temperature is not None for w in warpings):
        divisors = [w.temperature if w.temperature is not None else 1.0 for w in warpings]  # x / 1.0 is x
        scores = scores / torch.tensor(divisors, dtype=scores.dtype, device=scores.device).unsqueeze(-1)
    chosen = [i for i, w in enumerate(warpings) if w.top_k is not None]
    if chosen:
        ks = [min(warpings[i].top_k, scores.shape[-1]) for i in chosen]
        part = _rows(scores, chosen)
        kth = torch.topk(part, max(ks)).values.gather(-1, _column(ks, part.device) - 1)
        _put(scores, chosen, part.masked_fill(part < kth, -math.inf))
    chosen = [i for i, w in enumerate(warpings) if w.top_p is not None]
    if chosen:
        part = _rows(scores, chosen)
        # The warper compares with the Python float 1 - top_p, which torch casts to the scores' dtype.
        limits = torch.tensor([1 - warpings[i].top_p for i in chosen], dtype=part.dtype, device=part.device)
        _put(scores, chosen, _top_p(part, limits.unsqueeze(-1)))
    return scores


def _top_p(scores: Any, limits: Any) -> Any:
    """``TopPLogitsWarper`` on each row with its own (rows, 1) limit ``1 - top_p``.

    The warper removes the first tokens of the ascending sort while their cumulated probability stays at or
    under the limit. Only the sorted values enter that sum, so numpy's sort (about ten times faster than
    ``torch.sort`` on this CPU) gives the same cumulated probabilities; the removed tokens are then those scoring
    below the first kept value. Where that value ties with the last removed one, the warper's choice among the
    tied tokens follows its own sort order: those rows run the warper's own steps.
    """
    import torch

    if scores.device.type != "cpu" or scores.dtype != torch.float32:
        return _top_p_sorted(scores, limits)
    ordered = torch.from_numpy(numpy_sort(scores))
    removed = (ordered.softmax(dim=-1).cumsum(dim=-1) <= limits).sum(dim=-1, keepdim=True)
    removed.clamp_(max=scores.shape[-1] - 1)  # min_tokens_to_keep = 1
    first_kept = ordered.gather(-1, removed)
    last_removed = ordered.gather(-1, (removed - 1).clamp(min=0))
    warped = scores.masked_fill(scores < first_kept, -math.inf)
    tied = ((removed > 0) & (last_removed == first_kept)).squeeze(-1).nonzero().squeeze(-1).tolist()
    if tied:
        _put(warped, tied, _top_p_sorted(_rows(scores, tied), _rows(limits, tied)))
    return warped


def _top_p_sorted(scores: Any, limits: Any) -> Any:
    """``TopPLogitsWarper``'s own steps, each row with its own limit."""
    import torch

    ordered, indices = torch.sort(scores, descending=False)
    remove = ordered.softmax(dim=-1).cumsum(dim=-1) <= limits
    remove[..., -1:] = False  # min_tokens_to_keep = 1
    return scores.masked_fill(remove.scatter(1, indices, remove), -math.inf)


def numpy_sort(scores: Any) -> Any:
    """Each row of a CPU float32 tensor sorted ascending, by numpy."""
    import numpy

    return numpy.sort(scores.numpy(), axis=-1)


def choose_tokens(rows: list[Any], logits: Any) -> list[int]:
    """Every row's next token from the step's (rows, vocabulary) float32 logits, in row order."""
    import torch

    tokens: list[int | None] = [None] * len(rows)
    together = [i for i, row in enumerate(rows) if row.warping is not None]
    for i, row in enumerate(rows):
        if row.warping is None:
            tokens[i] = choose_one(row, logits[i : i + 1])
    if together:
        scores = warp(_rows(logits, together), [rows[i].warping for i in together])
        sampled = [k for k, i in enumerate(together) if rows[i].do_sample]
        if sampled:
            probs = torch.nn.functional.softmax(_rows(scores, sampled), dim=-1)
            drawn = draw_rows(probs, [rows[together[k]].generator for k in sampled])
            for k, token in zip(sampled, drawn, strict=True):
                tokens[together[k]] = token
        greedy = [k for k, i in enumerate(together) if not rows[i].do_sample]
        if greedy:
            best = torch.argmax(_rows(scores, greedy), dim=-1).tolist()
            for k, token in zip(greedy, best, strict=True):
                tokens[together[k]] = int(token)
    return tokens  # type: ignore[return-value]


#: From this many sampled rows on, the rows' uniform numbers are drawn on two threads (see ``draw_rows``).
SPLIT_DRAWS_FROM = 4
_DRAWS: list[Any] = []
_DRAWS_LOCK = threading.Lock()
_NOISE_CHECK: list[bool] = []


def draw_rows(probs: Any, generators: list[Any]) -> list[int]:
    """One draw per row of ``probs``, each with its own generator: ``torch.multinomial``'s token, bit for bit.

    For one sample, ``torch.multinomial`` on the CPU fills a tensor like ``probs`` with ``exponential_(1)``
    noise from the generator and takes ``argmax(probs / noise)``. ``exponential_`` runs element by element
    (~1.2 ms for 50k tokens here, 16 ms a step for 13 sampled rows). Its numbers are ``-log1p(-u)`` for the
    generator's float64 uniforms ``u``, cast to float32, so they are made here from ``uniform_`` (the same
    stream, ~0.3 ms a row) and one ``log1p`` over every row at once; the generator ends where ``multinomial``
    leaves it. Whether that identity holds in the installed torch is checked once per process against
    ``exponential_`` itself; where it does not (or off the CPU), each row calls ``torch.multinomial``.
    """
    import torch

    if probs.device.type != "cpu" or probs.dtype != torch.float32 or not _noise_is_exponential():
        return [
            int(torch.multinomial(probs[j : j + 1], num_samples=1, generator=g)[0, 0])
            for j, g in enumerate(generators)
        ]
    uniforms = _scratch("uniforms", probs.shape, torch.float64)

    def fill(first: int, last: int) -> None:
        for j in range(first, last):
            uniforms[j].uniform_(0, 1, generator=generators[j])

    count = len(generators)
    if count < SPLIT_DRAWS_FROM or torch.get_num_threads() < 2:
        fill(0, count)
    else:  # uniform_ runs without the GIL: half of the rows fill on a second thread meanwhile
        other = _draw_pool().submit(fill, count // 2, count)
        fill(0, count // 2)
        other.result()
    noise = exponential_noise(uniforms, out=_scratch("noise", probs.shape, torch.float32))
    return torch.argmax(torch.div(probs, noise, out=noise), dim=-1).tolist()


def exponential_noise(uniforms: Any, out: Any = None) -> Any:
    """``exponential_(1)``'s float32 numbers from its float64 uniforms (``uniforms`` is used up)."""
    import torch

    noise = torch.log1p(uniforms.neg_(), out=uniforms).neg_()
    return noise.to(torch.float32) if out is None else out.copy_(noise)


_SCRATCH = threading.local()


def _scratch(name: str, shape: Any, dtype: Any) -> Any:
    """A tensor of ``shape`` kept for the calling thread (each model's batch has its own worker thread).

    A fresh tensor of a step's size (16 x 50k float64, 6 MB) comes from the system as new pages on every
    step here: ~3,000 page faults, ~5 ms. A kept one is reused and grown only when a step is larger.
    """
    import math

    import torch

    kept = getattr(_SCRATCH, name, None)
    size = math.prod(shape)
    if kept is None or kept.dtype != dtype or kept.numel() < size:
        with torch.inference_mode(False):  # a normal tensor: written in and out of inference mode, any thread
            kept = torch.empty(size, dtype=dtype)
        setattr(_SCRATCH, name, kept)
    return kept[:size].view(shape)


def _noise_is_exponential() -> bool:
    """Once per process: do ``uniform_`` and ``exponential_noise`` give ``exponential_``'s numbers and state?"""
    import torch

    with _DRAWS_LOCK:
        if not _NOISE_CHECK:
            ours, theirs = torch.Generator().manual_seed(20), torch.Generator().manual_seed(20)
            noise = exponential_noise(torch.empty((3, 4099), dtype=torch.float64).uniform_(0, 1, generator=ours))
            expected = torch.empty((3, 4099)).exponential_(generator=theirs)
            _NOISE_CHECK.append(torch.equal(noise, expected) and torch.equal(ours.get_state(), theirs.get_state()))
        return _NOISE_CHECK[0]


def _draw_pool() -> Any:
    from concurrent.futures import ThreadPoolExecutor

    with _DRAWS_LOCK:
        if not _DRAWS:
            _DRAWS.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate-draws"))
        return _DRAWS[0]


def _column(values: list[int], device: Any) -> Any:
    import torch

    return torch.tensor(values, dtype=torch.long, device=device).unsqueeze(-1)


def _rows(tensor: Any, index: list[int]) -> Any:
    """The listed rows (the tensor itself when that is all of them)."""
    import torch

    if index == list(range(tensor.shape[0])):
        return tensor
    return tensor.index_select(0, torch.tensor(index, device=tensor.device))


def _put(tensor: Any, index: list[int], rows: Any) -> None:
    import torch

    if index == list(range(tensor.shape[0])):
        tensor.copy_(rows)
    else:
        tensor.index_copy_(0, torch.tensor(index, device=tensor.device), rows)
