"""Integrated gradients and gradient × input over a model's input embeddings, in plain torch autograd.

Captum's ``LayerIntegratedGradients`` on the embedding layer is the reference (``tests/test_attributions.py``
compares within 1e-4); we do the same arithmetic without the dependency: the path from the baseline's
embeddings to the input's is sampled at Captum's default Gauss-Legendre points, the points run through the
model as one batch (a few when the text is long), and each token's score is the gradient along the path,
weighted, times the embedding's change, summed over the hidden dimensions. The scores then add up to
``f(input) - f(baseline)`` up to the quadrature's error: the method's *completeness*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

#: ``f``: a batch of embeddings [batch, tokens, hidden] → the explained number for each row [batch].
Explained = Callable[[torch.Tensor], torch.Tensor]

#: Token rows per forward pass (steps × tokens): a 64-token text runs 50 steps in one pass, 256 tokens in four.
ROWS_PER_PASS = 4096


@dataclass(frozen=True)
class Attribution:
    """One score per token, and the explained output at the input and at the baseline."""

    scores: list[float]
    f_input: float
    f_baseline: float


def gauss_legendre(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Captum's default ``gausslegendre`` rule on [0, 1]: the points (alphas) and their weights (step sizes)."""
    points, weights = np.polynomial.legendre.leggauss(steps)
    return 0.5 * (1 + points), 0.5 * weights


def _ends(f: Explained, inputs: torch.Tensor, baseline: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        values = f(torch.cat([inputs, baseline]))
    return float(values[0]), float(values[1])


def integrated_gradients(f: Explained, inputs: torch.Tensor, baseline: torch.Tensor, steps: int) -> Attribution:
    """Integrated gradients of ``f`` from ``baseline`` to ``inputs`` (both [1, tokens, hidden]) in ``steps`` points."""
    alphas, weights = gauss_legendre(steps)
    delta = (inputs - baseline).detach()
    per_pass = max(1, ROWS_PER_PASS // inputs.shape[1])
    total = torch.zeros_like(inputs[0])
    for start in range(0, steps, per_pass):
        alpha = torch.tensor(alphas[start : start + per_pass], dtype=inputs.dtype, device=inputs.device)
        weight = torch.tensor(weights[start : start + per_pass], dtype=inputs.dtype, device=inputs.device)
        path = (baseline + alpha[:, None, None] * delta).detach().requires_grad_(True)
        with torch.enable_grad():
            (grads,) = torch.autograd.grad(f(path).sum(), path)
        total += (grads * weight[:, None, None]).sum(0)
    scores = (total * delta[0]).sum(-1)
    f_input, f_baseline = _ends(f, inputs, baseline)
    return Attribution(scores.float().tolist(), f_input, f_baseline)


def gradient_x_input(f: Explained, inputs: torch.Tensor) -> Attribution:
    """The gradient of ``f`` at the input times the input embedding, summed over hidden dimensions: one backward
    pass, a first-order guess whose scores need not add up (its baseline is all-zero embeddings)."""
    point = inputs.detach().requires_grad_(True)
    with torch.enable_grad():
        values = f(torch.cat([point, torch.zeros_like(inputs)]))  # one pass for both ends; the gradient at the input
        (grads,) = torch.autograd.grad(values[0], point)
    scores = (grads * point.detach())[0].sum(-1)
    ends = values.detach()
    return Attribution(scores.float().tolist(), float(ends[0]), float(ends[1]))
