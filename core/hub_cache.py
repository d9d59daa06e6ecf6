"""Downloading ahead of time and listing what is downloaded, through huggingface_hub."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ModelNotAvailable
from core.loading import prefetch_command
from core.model_source import hub_offline, resolve_model
from core.registry import Task

#: Weights for frameworks other than PyTorch: never needed here, often larger than the model itself.
FOREIGN_WEIGHTS = [
    "*.h5",
    "*.msgpack",
    "*.onnx",
    "*.ot",
    "*.tflite",
    "tf_model*",
    "flax_model*",
    "rust_model*",
    "onnx/*",
    "openvino/*",
    "coreml/*",
    "*.gguf",
]


def prefetch(model_id: str, task: Task) -> str:
    """Download what ``from_pretrained`` needs for ``model_id`` (PyTorch weights only); the local folder."""
    source = resolve_model(model_id, allow_local=False)
    if not source.is_hub:
        return source.location
    if hub_offline():
        raise ModelNotAvailable(
            f"Cannot download '{model_id}': the app is offline (--offline or HF_HUB_OFFLINE=1). "
            f"Run `{prefetch_command(task, model_id)}` on a machine with internet access."
        )
    from huggingface_hub import HfApi, snapshot_download

    files = HfApi().list_repo_files(model_id)
    has_safetensors = any(name.endswith(".safetensors") for name in files)
    ignore = FOREIGN_WEIGHTS + (["*.bin", "*.pt", "*.pth"] if has_safetensors else [])
    return snapshot_download(model_id, ignore_patterns=ignore)


@dataclass(frozen=True)
class CachedRepo:
    repo_id: str
    repo_type: str
    size_bytes: int
    last_accessed: float


def list_cached() -> list[CachedRepo]:
    """Every repo in the Hugging Face cache, largest first (empty when there is no cache yet)."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir()
    except CacheNotFound:
        return []
    repos = [CachedRepo(r.repo_id, r.repo_type, r.size_on_disk, r.last_accessed or 0.0) for r in info.repos]
    return sorted(repos, key=lambda r: r.size_bytes, reverse=True)
