"""A batch's decoding steps with the LM head multiplied in slices of the vocabulary, on the CPU.

The LM head is the largest single product of a decoding step: for 16 rows of GPT-2 small, (16 x 768) by
(768 x 50,257). On this machine's CPU that one call takes ~28 ms, about a third of the step, while the same
product done as 1,024-token slices of the weight, each written into its columns of the output, takes ~19 ms
(``benchmarks/bench_generate_batch.py`` measures the whole run). The slices compute the same dot products; the
logits matched the whole product bit for bit here, and batched steps already allow last-bit differences (see
``core.generation.batcher``). A lone row never goes through this: its steps stay ``model.generate``'s own.

The model itself is not changed, since other tabs and lone generations use it at the same time: the batcher
(one per model, made once) keeps a *step twin*, a shallow copy whose top-level ``lm_head`` is the sliced module
over the same weight tensor (no memory is copied), and calls it for its steps.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

#: Vocabulary rows per slice of the LM head's weight.
SLICE_ROWS = 1024
#: Heads with fewer output rows than this are multiplied whole (the slices would gain nothing).
SLICE_FROM = 8192


@functools.cache  # one class, made on first use: torch is imported only when a twin is built
def _sliced_head_class() -> type:
    import torch

    class SlicedHead(torch.nn.Module):
        """``linear(x, weight, bias)`` computed as slices of ``weight``'s rows, each into its output columns."""

        def __init__(self, head: Any, rows: int) -> None:
            super().__init__()
            self.head, self.rows = head, rows

        def forward(self, hidden: Any) -> Any:
            weight, bias = self.head.weight, self.head.bias
            if hidden.shape[:-1].numel() < 2 or (torch.is_grad_enabled() and weight.requires_grad):
                return self.head(hidden)  # one row (a lone step), or gradients wanted: the whole product
            out = hidden.new_empty((*hidden.shape[:-1], weight.shape[0]))
            flat = hidden.reshape(-1, hidden.shape[-1])
            columns = out.view(-1, weight.shape[0])
            for first in range(0, weight.shape[0], self.rows):
                last = min(first + self.rows, weight.shape[0])
                part = weight[first:last]
                if bias is None:
                    torch.mm(flat, part.t(), out=columns[:, first:last])
                else:
                    torch.addmm(bias[first:last], flat, part.t(), out=columns[:, first:last])
            return out

    return SlicedHead


def step_model(model: Any, rows: int = SLICE_ROWS, slice_from: int = SLICE_FROM) -> Any:
    """The module a batch's steps call: the step twin on a CPU with a large plain ``lm_head``, else the model."""
    import torch

    head = model._modules.get("lm_head")
    plain = type(head) is torch.nn.Linear and head.weight.device.type == "cpu"
    if not plain or head.out_features < slice_from or model.get_output_embeddings() is not head:
        return model
    if "forward" in model.__dict__:  # a wrapper (accelerate's hooks, a timer) would call the model, not the twin
        return model
    twin = copy.copy(model)  # shares parameters, buffers, config and every submodule
    twin._modules = dict(model._modules)  # but its own table of children, so the swap stays on the twin
    twin._modules["lm_head"] = _sliced_head_class()(head, rows)
    return twin
