"""What a tab hands to a task's runner: the task's inputs, and one call context per event.

``TaskInputs`` holds the values a user gave (plain Python, the same for both backends); ``CallContext`` says
how this one request runs: on which device, for which language, on which backend, with whose token. A tab
builds both once per event (``tabs/call.py``); ``core/runner.py`` reads them. Core never imports gradio: the
web request travels here as an opaque value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from core.errors import BadInput
from core.runtime.loading import PRIVATE, LoadPolicy

if TYPE_CHECKING:
    from core.generation.generate import GenerationSettings
    from core.remote.client import RemoteSettings
    from core.remote.retry import RetryNotice

DEFAULT_MAX_NEW_TOKENS = 50


class Backend(str, Enum):
    """Where a task runs: this machine's model, or the hosted Inference API (``--inference-url``'s server)."""

    LOCAL = "local"
    REMOTE = "remote"

    @classmethod
    def parse(cls, value: str | Backend | None) -> Backend:
        """The backend a settings row or an API caller named; empty means local. ``BadInput`` otherwise."""
        if isinstance(value, Backend):
            return value
        name = (value or "local").strip().lower()
        try:
            return cls(name)
        except ValueError:
            raise BadInput(
                f"Unknown backend '{value}'. Choose 'local' (this machine) or 'remote' (the Inference API).",
                ko=f"'{value}' 실행 위치는 없어요. 'local'(이 컴퓨터)이나 'remote'(Inference API) 중에서 고르세요.",
            ) from None


@dataclass(frozen=True)
class TaskInputs:
    """Everything a task tab may send; each task reads what it needs.

    ``options`` are the task's own settings under the names its local function and the API share
    (``top_k``, ``num_beams``, ``src_lang`` …); ``None`` means "the model's default" and is not sent.
    """

    text: str | None = None
    labels: str | None = None
    context: str | None = None
    image: str | None = None
    threshold: float = 0.5
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    options: dict[str, Any] = field(default_factory=dict)
    model: str = ""

    def generation_settings(self) -> GenerationSettings | None:
        """The generation knobs: the settings the tab built (``options["settings"]``), or settings made from
        knob values (``options`` with ``GenerationSettings`` field names); ``None`` when none were given."""
        from dataclasses import fields

        from core.generation.generate import GenerationSettings

        given = self.options.get("settings")
        if isinstance(given, GenerationSettings):
            return given
        names = {knob.name for knob in fields(GenerationSettings)} - {"max_new_tokens"}
        knobs = {name: value for name, value in self.options.items() if name in names and value is not None}
        return GenerationSettings(max_new_tokens=int(self.max_new_tokens), **knobs) if knobs else None


@dataclass(frozen=True)
class CallContext:
    """How one request runs, built once per event: the same object reaches every step of the call."""

    device: str = "auto"
    #: "en" or "ko", already resolved (the setting, or the browser's Accept-Language for "auto").
    language: str = "en"
    backend: Backend = Backend.LOCAL
    #: Inference provider for the remote backend ("auto" lets Hugging Face pick).
    provider: str = "auto"
    #: The token the user typed (never stored), and the one of their Hugging Face sign-in.
    token: str | None = None
    oauth_token: str | None = None
    #: The web request, opaque to core (gradio's ``gr.Request`` in the app; ``None`` in scripts and tests).
    request: Any = None
    #: What this app may load (public mode: Hub ids only, a size cap).
    policy: LoadPolicy = PRIVATE
    #: Where the remote backend points; ``None`` is the Hugging Face router with default settings.
    remote: RemoteSettings | None = None
    #: Told about each retry wait of the remote backend (a toast in the app).
    on_wait: Callable[[RetryNotice], None] | None = None
