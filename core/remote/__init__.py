"""The remote backend: every task the hosted Inference API supports, through huggingface_hub's
``InferenceClient``, answering with the same typed result as the local task (``core/runner.py`` picks)."""

from core.remote.adapters import REMOTE_TASKS, RemoteInputs, get_remote_task
from core.remote.client import RemoteResult, RemoteSettings, run_remote
from core.remote.retry import RetryNotice, RetryPolicy
from core.remote.tokens import Credential, TokenSource, resolve_credential

__all__ = [
    "REMOTE_TASKS",
    "Credential",
    "RemoteInputs",
    "RemoteResult",
    "RemoteSettings",
    "RetryNotice",
    "RetryPolicy",
    "TokenSource",
    "get_remote_task",
    "resolve_credential",
    "run_remote",
]
