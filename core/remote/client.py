"""One remote call, start to finish: check the inputs, pick the token, call ``InferenceClient``
(retrying 429/503 politely), check the answer, and say how long it took.

A new ``InferenceClient`` is made for every call, with the token of that call only: nothing
holds a token between requests, so one user's token can never serve another.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from core.call import TaskInputs
from core.errors import BadInput
from core.localized import Localized
from core.remote.adapters import RemoteTask, get_remote_task
from core.remote.faults import CallTarget, no_token, translate, unexpected_answer
from core.remote.retry import DEFAULT_POLICY, RetryNotice, RetryPolicy, RetryStats, call_with_retries
from core.remote.tokens import Credential, TokenSource
from core.runtime.model_source import hub_offline, resolve_model

DEFAULT_TIMEOUT = 60.0
#: Exceptions InferenceClient raises while parsing an answer it did not expect.
_PARSE_ERRORS = (KeyError, IndexError, TypeError, AttributeError)


@dataclass(frozen=True)
class RemoteSettings:
    """Where the remote backend points, for the whole app (``--inference-url`` / ``INFERENCE_URL``)."""

    #: A server that speaks the Hugging Face inference API; ``{model}`` in it is replaced by the model id.
    base_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    policy: RetryPolicy = DEFAULT_POLICY
    #: Public mode: a model name is judged on the string alone, never looked up on this machine's disk.
    public: bool = False

    def url_for(self, model: str) -> str | None:
        return self.base_url.replace("{model}", model) if self.base_url else None

    @property
    def server(self) -> str | None:
        """The custom server's host:port, safe to show (no path, no credentials)."""
        if not self.base_url:
            return None
        parsed = urlparse(self.base_url)
        return parsed.hostname + (f":{parsed.port}" if parsed.port else "") if parsed.hostname else "custom server"


def check_inference_url(url: str) -> str:
    """An http(s) URL with a host, no spaces, no user:password; ``ValueError`` otherwise."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname or " " in url.strip():
        raise ValueError(f"--inference-url needs an http(s) URL such as http://127.0.0.1:8080, not {url!r}")
    if parsed.username or parsed.password:
        raise ValueError("--inference-url must not contain a user or password; pass the token as HF_TOKEN instead")
    return url.strip()


def provider_names() -> list[str]:
    """``auto`` and every provider huggingface_hub knows, from its own table."""
    from huggingface_hub.inference._providers import PROVIDERS

    return ["auto", *sorted(PROVIDERS)]


def providers_for(hub_task: str) -> list[str]:
    """The providers that offer ``hub_task`` (``hf-inference`` first when it does)."""
    from huggingface_hub.inference._providers import PROVIDERS

    names = sorted(name for name, tasks in PROVIDERS.items() if hub_task in tasks)
    return sorted(names, key=lambda name: name != "hf-inference")


def check_provider(provider: str | None, task: RemoteTask) -> str:
    """The provider name; ``BadInput`` for an unknown one, or one that does not offer this task."""
    from huggingface_hub.inference._providers import PROVIDERS

    name = (provider or "auto").strip() or "auto"
    if name != "auto" and name not in PROVIDERS:
        raise BadInput(
            f"Unknown provider '{name}'. Choose one of: {', '.join(provider_names())}.",
            ko=f"제공자 목록에 '{name}' 항목이 없어요. 다음 중에서 고르세요: {', '.join(provider_names())}.",
        )
    if name != "auto" and task.hub_task not in PROVIDERS[name]:
        offer = ", ".join(providers_for(task.hub_task)) or "none"
        raise BadInput(
            f"Provider '{name}' does not offer {task.hub_task}. Providers that do: {offer} (or 'auto').",
            ko=f"'{name}' 제공자는 {task.hub_task} 작업을 지원하지 않아요. 지원하는 제공자: {offer} (또는 'auto').",
        )
    return name


def plain(value: Any) -> Any:
    """huggingface_hub's output dataclasses (dicts underneath), numpy arrays → plain JSON values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


@dataclass
class RemoteResult:
    task: str
    model: str
    provider: str
    server: str | None
    #: What InferenceClient returned, as plain JSON (the Inference API tab's raw output).
    raw: Any
    #: The same answer as the task's typed result, as the local code returns it (``ClassificationResult`` …).
    result: Any
    texts: list[str]
    seconds: float
    retries: int
    waited: float
    token_source: TokenSource
    code: str

    @property
    def output(self) -> Any:
        """The answer in the contract's shape: the typed result's own ``to_json``, as locally."""
        return self.result.to_json()

    def to_json(self) -> Any:
        return self.output

    def summary(self, language: str) -> str:
        """One line: where it ran, how long it took, retries, whose token (never the token)."""
        who = Credential(self.token_source).describe(language)
        where = self.server or f"Hugging Face · {self.provider}"
        retried = self.retries > 0
        waits = Localized(
            f" · {self.retries} retries ({self.waited:.1f} s waiting)" if retried else "",
            f" · 재시도 {self.retries}번({self.waited:.1f}초 대기)" if retried else "",
        ).text(language)
        took = Localized(f"{self.seconds:.2f} s", f"{self.seconds:.2f}초").text(language)
        return f"🌐 {where} · {self.model} · {took}{waits} · {who}"


def notebook_code(task: RemoteTask, model: str, provider: str, args: str, base_url: str | None) -> str:
    """The InferenceClient call that reproduces this result in a notebook; the token comes from HF_TOKEN."""
    if base_url:
        client = f'InferenceClient(base_url={base_url!r}, api_key=os.environ.get("HF_TOKEN"))'
        call = f"client.{task.method}({args})"
    else:
        client = f'InferenceClient(provider={provider!r}, api_key=os.environ["HF_TOKEN"])'
        call = f"client.{task.method}({args}, model={model!r})"
    return f"""import os

from huggingface_hub import InferenceClient

# Set HF_TOKEN first (Colab: the 🔑 Secrets panel; a terminal: export HF_TOKEN=hf_...).
client = {client}
# The free API limits calls: on a 429 error, wait and try again.
result = {call}
print(result)
"""


def run_remote(
    task_id: str,
    inputs: TaskInputs,
    model: str,
    *,
    credential: Credential,
    provider: str = "auto",
    settings: RemoteSettings = RemoteSettings(),  # noqa: B008 (frozen, shared on purpose)
    on_wait: Callable[[RetryNotice], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> RemoteResult:
    """Run ``task_id`` on the hosted Inference API (or ``settings.base_url``) and check the answer."""
    from huggingface_hub import InferenceClient
    from huggingface_hub.errors import OfflineModeIsEnabled

    task = get_remote_task(task_id)
    prepared = task.prepare(inputs)
    model_id = _hub_model(model, public=settings.public)
    provider = "hf-inference" if settings.base_url else check_provider(provider, task)
    target = CallTarget(task.hub_task, model_id, provider, settings.server, credential, settings.timeout)
    if hub_offline():
        raise translate(OfflineModeIsEnabled("offline"), target)
    if credential.source is TokenSource.NONE and not settings.base_url:
        raise no_token(target)

    url = settings.url_for(model_id)
    client = InferenceClient(
        provider=None if url else provider, token=credential.secret, base_url=url, timeout=settings.timeout
    )
    stats = RetryStats()
    started = time.perf_counter()
    try:
        raw = call_with_retries(
            lambda: task.call(client, None if url else model_id, prepared),
            settings.policy,
            on_wait=on_wait,
            stats=stats,
            sleep=sleep,
            rng=rng,
        )
    except _PARSE_ERRORS as error:
        raise unexpected_answer(task.hub_task, model_id, type(error).__name__) from None
    except Exception as error:
        if isinstance(error, json.JSONDecodeError) or str(error).startswith("Invalid"):
            raise unexpected_answer(task.hub_task, model_id, "not the JSON expected") from None
        raise translate(error, target) from None
    finally:
        client.close()
    seconds = time.perf_counter() - started
    raw_json = plain(raw)
    try:
        result = task.shape(raw_json, prepared, model_id)
    except (ValueError, *_PARSE_ERRORS) as error:
        raise unexpected_answer(task.hub_task, model_id, str(error)) from None
    if task.per_line and len(prepared.texts) == 1:
        raw_json = raw_json[0]
    return RemoteResult(
        task=task.id,
        model=model_id,
        provider=provider,
        server=settings.server,
        raw=raw_json,
        result=result,
        texts=prepared.texts,
        seconds=seconds,
        retries=stats.retries,
        waited=stats.waited,
        token_source=credential.source,
        code=notebook_code(task, model_id, provider, task.code_args(prepared), url),
    )


def _hub_model(model: str | None, *, public: bool = False) -> str:
    """The Hub id the server should run; a folder on this machine cannot run remotely.

    In public mode the string alone decides (``resolve_model``'s one message), so the answer never says
    whether a folder of that name exists here.
    """
    name = (model or "").strip()
    if public:
        return resolve_model(name, allow_local=False).name
    if name and (name.startswith(("/", "./", "../", "~", "\\")) or os.path.isdir(os.path.expanduser(name))):
        raise BadInput(
            f"'{name}' is a folder on this machine; the Inference API runs models from the Hub only. "
            "Run it locally, or push it to the Hub and use its id ('org/name').",
            ko=f"'{name}' 경로는 이 컴퓨터의 폴더예요. Inference API는 Hub의 모델만 실행해요. "
            "로컬에서 실행하거나 Hub에 올린 뒤 그 id('org/name')를 쓰세요.",
        )
    return resolve_model(name, allow_local=False).name
