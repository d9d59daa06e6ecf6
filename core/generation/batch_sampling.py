"""A decoding step's next tokens for every row at once, each exactly as transformers' own processors pick it.

Running each row's processors alone costs a top-p sort of the whole vocabulary, a softmax and a few small
tensors per row and step, with Python around each (56 ms of a 290 ms step for 16 rows of GPT-2 small on one
core, measured for issue 20). Temperature, top-k and top-p are row-wise operations, so rows whose processors are
only those are warped together here, one call per operation, with each row's own parameter; the arithmetic is
the warpers' own (``scores / temperature``, the k-th largest score as the threshold, the ascending sort's
softmax cumulated), so every row keeps the scores, the kept set and the probabilities its warpers give it
(``tests/test_batch_sampling.py`` compares them bit for bit). The draw stays per row,
``torch.multinomial(..., generator=row.generator)``, so each row's random numbers remain its own. A row with a
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


#: From this many sampled rows on, half of a step's draws run on a second thread (see ``draw_rows``).
SPLIT_DRAWS_FROM = 4
_DRAWS: list[Any] = []
_DRAWS_LOCK = threading.Lock()


def draw_rows(probs: Any, generators: list[Any]) -> list[int]:
    """One ``torch.multinomial`` draw per row of ``probs``, each with its own generator, as ``generate`` draws.

    A draw is mostly ``exponential_`` over the whole vocabulary, single-threaded in torch (~1 ms for 50k
    tokens here) and run without the GIL: with torch using two or more threads, half of the rows draw on a
    second thread meanwhile. Each row's generator is used by one thread only, so its numbers are unchanged.
    """
    import torch

    def draw(first: int, last: int) -> list[int]:
        return [
            int(torch.multinomial(probs[j : j + 1], num_samples=1, generator=generators[j])[0, 0])
            for j in range(first, last)
        ]

    count = len(generators)
    if count < SPLIT_DRAWS_FROM or torch.get_num_threads() < 2:
        return draw(0, count)
    half = count // 2
    other = _draw_pool().submit(draw, half, count)
    return draw(0, half) + other.result()


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
