"""How much memory fine-tuning takes, worked out before it starts, and giving it back afterwards.

Training a model in fp32 with AdamW holds, per parameter, the weight (4 bytes), its gradient (4) and Adam's two
moments (8): 16 bytes, four times the model's size. On top come the activations kept for the backward pass;
per transformer layer about ``s·b·h·(34 + 5·a·s/h)`` bytes in 16-bit (Korthikanti et al., "Reducing Activation
Recomputation in Large Transformer Models", 2022), twice that in fp32 — s tokens, b sentences, h hidden size,
a attention heads. The sum is compared with the app's model memory budget (``PLAYGROUND_MODEL_MEMORY_MB``)
before any weights load; the model cache then makes room for it (core/runtime/model_cache.py ``reserve``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import warnings
from dataclasses import dataclass
from typing import Any

from core.errors import BadInput

FP32 = 4


@dataclass(frozen=True)
class TrainingMemory:
    """Bytes of each part of a training run's memory."""

    parameters: int
    weights: int
    gradients: int
    optimizer: int
    activations: int
    #: The checkpoint's tensors are read before they are copied into the model: a second copy, for a moment.
    loading: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimizer + self.activations + self.loading

    def describe(self) -> str:
        mb = 2**20
        return (
            f"weights {self.weights / mb:,.0f} MB + gradients {self.gradients / mb:,.0f} MB + AdamW states "
            f"{self.optimizer / mb:,.0f} MB + activations {self.activations / mb:,.0f} MB + loading "
            f"{self.loading / mb:,.0f} MB"
        )


def _first(config: Any, *names: str, default: int = 0) -> int:
    for name in names:
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return default


def count_classifier_parameters(config: Any, num_labels: int) -> int:
    """Parameters of the model with a new head for ``num_labels`` labels, counted on the ``meta`` device (no
    memory, no weights)."""
    import copy

    import torch
    import transformers

    from core.runtime.loading import MODEL_BUILD_LOCK

    config = copy.deepcopy(config)
    config.num_labels = num_labels
    with MODEL_BUILD_LOCK, torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = transformers.AutoModelForSequenceClassification.from_config(config)
    return sum(p.numel() for p in model.parameters())


def estimate(config: Any, parameters: int, batch_size: int, max_length: int) -> TrainingMemory:
    """The memory of training ``parameters`` fp32 weights with AdamW on batches of ``batch_size`` × ``max_length``."""
    layers = _first(config, "num_hidden_layers", "n_layer", "num_layers", default=12)
    hidden = _first(config, "hidden_size", "n_embd", "d_model", "dim", default=768)
    heads = _first(config, "num_attention_heads", "n_head", "num_heads", default=12)
    tokens = batch_size * max_length
    per_layer_16bit = tokens * hidden * (34 + 5 * heads * max_length / hidden)
    return TrainingMemory(
        parameters=parameters,
        weights=parameters * FP32,
        gradients=parameters * FP32,
        optimizer=2 * parameters * FP32,
        activations=int(2 * per_layer_16bit * layers),
        loading=parameters * FP32,
    )


def check_fits(memory: TrainingMemory, budget_bytes: int, model: str) -> None:
    """``BadInput`` with the figures when a run cannot fit the budget even with the model cache emptied."""
    if memory.total <= budget_bytes:
        return
    mb = 2**20
    advice = (
        "Lower the batch size or the max length"
        if memory.activations > memory.total / 3
        else "Choose a smaller base model (the sentence-transformers MiniLM needs about 400 MB)"
    )
    advice_ko = "배치 크기나 최대 길이를 줄이세요" if advice.startswith("Lower") else "더 작은 기본 모델을 고르세요"
    raise BadInput(
        f"Fine-tuning '{model}' needs about {memory.total / mb:,.0f} MB of memory ({memory.describe()}), more "
        f"than this app's model memory budget of {budget_bytes / mb:,.0f} MB (PLAYGROUND_MODEL_MEMORY_MB). "
        f"{advice}, or run the app on a machine with more memory.",
        ko=f"'{model}' 파인튜닝에는 메모리가 약 {memory.total / mb:,.0f} MB 필요해요({memory.describe()}). 이 앱의 모델 "
        f"메모리 한도 {budget_bytes / mb:,.0f} MB(PLAYGROUND_MODEL_MEMORY_MB)를 넘어요. {advice_ko}.",
    )


def release_memory() -> None:
    """Collect what training left and hand freed heap pages back to the operating system (glibc keeps them
    otherwise, and the process looks gigabytes bigger long after the run)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass
