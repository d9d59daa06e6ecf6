"""Device and dtype choice, in one place, so every task runs where the user asked."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from core.errors import BadInput

if TYPE_CHECKING:
    import torch


class DeviceChoice(str, Enum):
    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"


def resolve_device(choice: str | None = "auto") -> str:
    """``"auto"`` → ``"cuda"`` when a GPU is visible, else ``"cpu"``; an unusable choice is a clear error."""
    try:
        wanted = DeviceChoice((choice or "auto").strip().lower())
    except ValueError:
        raise BadInput(
            f"Unknown device '{choice}'. Choose one of: auto, cpu, cuda.",
            ko=f"알 수 없는 장치 '{choice}'예요. auto, cpu, cuda 중에서 고르세요.",
        ) from None
    if wanted is DeviceChoice.CPU:
        return "cpu"
    import torch

    has_cuda = torch.cuda.is_available()
    if wanted is DeviceChoice.CUDA and not has_cuda:
        raise BadInput(
            "The device 'cuda' was chosen but this machine has no usable GPU. Choose 'auto' or 'cpu'.",
            ko="'cuda'를 골랐지만 이 컴퓨터에는 사용할 수 있는 GPU가 없어요. 'auto'나 'cpu'를 고르세요.",
        )
    return "cuda" if has_cuda else "cpu"


def dtype_for(device: str) -> torch.dtype:
    """Half precision where the GPU supports it (half the memory, faster); full precision on CPU."""
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32
