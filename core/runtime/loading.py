"""Load a task's model and preprocessor once, safely, and explain every way that can fail.

The config is read first (one small file): it tells whether the model has the head the
task needs before any weights are downloaded. ``trust_remote_code`` is never passed, so
transformers' default (False) always holds.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from core.errors import BadInput, ModelNotAvailable, WrongModelKind
from core.localized import Localized
from core.registry import TASKS, Task
from core.runtime.device import dtype_for, resolve_device
from core.runtime.imports import import_transformers_once
from core.runtime.model_cache import MODEL_CACHE, ModelCache
from core.runtime.model_source import ModelSource, SourceKind, hub_offline, is_cached, resolve_model

log = logging.getLogger("playground.loading")

#: transformers builds models under process-wide patches (weights first created on the ``meta``
#: device), so two models built at once in two threads can corrupt each other ("Cannot copy out of
#: meta tensor"). Every model construction in this app happens under this lock; loads are rare.
MODEL_BUILD_LOCK = threading.RLock()


@dataclass(frozen=True)
class LoadPolicy:
    """What loading may do: public mode accepts Hub ids only, caps each download and the Hub cache's total."""

    allow_local: bool = True
    max_download_mb: int | None = None
    #: The most the Hugging Face cache may hold after a visitor's download (public mode).
    max_cache_mb: int | None = None


def _public_cache_cap_mb() -> int:
    from core.public.storage import env_number

    return int(env_number("PLAYGROUND_PUBLIC_HUB_CACHE_MB", 20_000))


PRIVATE = LoadPolicy()
PUBLIC = LoadPolicy(allow_local=False, max_download_mb=2500, max_cache_mb=_public_cache_cap_mb())


@dataclass(eq=False)  # compared and hashed by identity: one object per loaded model
class LoadedModel:
    """A model ready to run, its preprocessor (tokenizer or image processor), and facts about it."""

    source: ModelSource
    task: Task
    model: Any
    preprocessor: Any
    device: str
    size_bytes: int
    load_seconds: float
    #: Objects a task derives once from the model (e.g. its transformers pipeline).
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> Any:
        return self.model.config


def prefetch_command(task: Task, model_id: str | None = None) -> str:
    """The command that downloads ``model_id`` (by default the task's default model) ahead of time."""
    if model_id is None or (task.default is not None and model_id == task.default.id):
        return f"python app.py --prefetch {task.id}"
    return f"python app.py --prefetch {model_id}"


def known_size_mb(model_id: str, task: Task | None = None) -> int | None:
    """The registry's download size of ``model_id``: as ``task`` offers it, else as any task that downloads it."""
    tasks = [task] if task is not None else []
    tasks += [t for t in TASKS.values() if t is not task and "network" not in t.tags and t.id != "tokenize"]
    for candidate in tasks:
        choice = next((m for m in candidate.models if m.id == model_id and m.size_mb), None)
        if choice is not None:
            return choice.size_mb
    return None


def format_size(size_mb: int, language: str = "en") -> str:
    """``about 312 MB`` / ``약 312 MB`` (GB from 1,000 MB): a size a student reads in their own language."""
    amount = f"{size_mb / 1000:.1f} GB" if size_mb >= 1000 else f"{size_mb:,} MB"
    return Localized(f"about {amount}", f"약 {amount}").text(language)


def download_hint(task: Task, model_id: str | None = None, *, code: bool = False) -> tuple[str, str]:
    """The one way to get a missing model, in English and Korean: the prefetch command, with the size when known.

    Every message about a model that is not here says it the same way (never another tool's command);
    ``code`` puts the command in backticks, for text rendered as Markdown.
    """
    command = prefetch_command(task, model_id)
    command = f"`{command}`" if code else command
    size = known_size_mb(model_id or (task.default.id if task.default else ""), task)
    if size is None:
        return command, command
    return f"{command} ({format_size(size)})", f"{command} ({format_size(size, 'ko')})"


def _not_available(task: Task, source: ModelSource, error: BaseException) -> ModelNotAvailable:
    """Turn a loading failure into a message that names the model and says how to get it."""
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    chain = [error]
    while chain[-1].__cause__ is not None or chain[-1].__context__ is not None:
        chain.append(chain[-1].__cause__ or chain[-1].__context__)
    name = source.name
    if any(isinstance(e, GatedRepoError) for e in chain):
        return ModelNotAvailable(
            f"'{name}' is a gated model: accept its licence on https://huggingface.co/{name} and set HF_TOKEN.",
            ko=f"'{name}' 모델은 접근 승인이 필요해요. https://huggingface.co/{name} 에서 약관에 동의하고 HF_TOKEN을 설정하세요.",
        )
    if any(isinstance(e, RepositoryNotFoundError) for e in chain) or "is not a valid model identifier" in str(error):
        return ModelNotAvailable(
            f"There is no model '{name}' on the Hugging Face Hub (or it is private). Check the spelling on "
            "https://huggingface.co/models, or pick one from the list.",
            ko=f"Hugging Face Hub에 '{name}' 모델이 없어요(또는 비공개예요). 철자를 확인하거나 목록에서 고르세요.",
        )
    if source.kind is SourceKind.LOCAL:
        return ModelNotAvailable(
            f"The folder '{name}' could not be loaded as a {task.title_en} model: {str(error).splitlines()[0]}",
            ko=f"'{name}' 폴더를 {task.title_ko} 모델로 불러오지 못했어요: {str(error).splitlines()[0]}",
        )
    hint, hint_ko = download_hint(task, name)
    if hub_offline():
        return ModelNotAvailable(
            f"The model '{name}' is not downloaded on this machine, and the app is offline "
            f"(--offline or HF_HUB_OFFLINE=1). While online, download it once with: {hint}.",
            ko=f"'{name}' 모델이 이 컴퓨터에 없고 앱이 오프라인 상태예요. "
            f"온라인일 때 다음 명령으로 한 번 받아 두세요: {hint_ko}",
        )
    return ModelNotAvailable(
        f"The model '{name}' could not be downloaded from the Hugging Face Hub: the Hub did not answer. "
        f"Check the internet connection and try again, or download it ahead of time with: {hint}.",
        ko=f"Hugging Face Hub에서 '{name}' 모델을 받지 못했어요. 인터넷 연결을 확인하고 다시 시도하거나, "
        f"다음 명령으로 미리 받아 두세요: {hint_ko}",
    )


@contextlib.contextmanager
def explained_failures(task: Task, source: ModelSource) -> Iterator[None]:
    try:
        yield
    except (OSError, ConnectionError) as error:
        raise _not_available(task, source, error) from error
    except ValueError as error:
        if "trust_remote_code" in str(error) or "custom code" in str(error):
            raise WrongModelKind(
                f"'{source.name}' needs custom code from its repository to run, which this app never executes "
                "(trust_remote_code is never set). Choose a model that transformers supports natively.",
                ko=f"'{source.name}' 모델은 저장소의 사용자 코드가 필요해요. 이 앱은 그런 코드를 실행하지 않아요. "
                "transformers가 기본 지원하는 모델을 고르세요.",
            ) from error
        raise WrongModelKind(
            f"'{source.name}' cannot be loaded for {task.title_en}: {str(error).splitlines()[0]}",
            ko=f"'{source.name}' 모델은 '{task.title_ko}' 작업용으로 불러올 수 없어요.",
        ) from error


def _task_for_architecture(architecture: str) -> Task | None:
    return next((t for t in TASKS.values() if t.head_suffixes and architecture.endswith(t.head_suffixes)), None)


def config_architectures(source: ModelSource, config: Any) -> list[str]:
    """The class names the config's ``architectures`` lists; ``WrongModelKind`` when that field is not a list of
    names (a hand-edited or hostile config.json), so no later step trips over it."""
    names = getattr(config, "architectures", None) or []
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) and n.isidentifier() for n in names):
        raise WrongModelKind(
            f"'{source.name}' has a config.json whose 'architectures' field ({str(names)[:80]}) does not name a "
            "model class, so the app cannot tell what kind of model it is. Choose a model saved with "
            "save_pretrained(), or fix that field.",
            ko=f"'{source.name}'의 config.json 'architectures' 항목({str(names)[:80]})이 모델 클래스 이름이 아니라서 "
            "어떤 모델인지 알 수 없어요. save_pretrained()로 저장한 모델을 고르거나 그 항목을 고치세요.",
        )
    return list(names)


def check_head(task: Task, source: ModelSource, config: Any) -> None:
    """Raise ``WrongModelKind`` when the config's architecture lacks the head this task needs."""
    architectures = config_architectures(source, config)
    if not task.head_suffixes or not architectures:
        return
    if any(arch.endswith(task.head_suffixes) for arch in architectures):
        return
    arch = architectures[0]
    owner = _task_for_architecture(arch)
    where = f" It belongs in the '{owner.title_en}' tab." if owner else ""
    where_ko = f" '{owner.title_ko}' 탭에서 써 보세요." if owner else ""
    suggestions = ", ".join(m.id for m in task.models[:3])
    raise WrongModelKind(
        f"'{source.name}' is a {arch} model; the {task.title_en} tab needs a model whose architecture ends in "
        f"{' or '.join(task.head_suffixes)}.{where} Try: {suggestions}.",
        ko=f"'{source.name}' 모델은 {arch} 모델이에요. {task.title_ko} 탭에는 {' 또는 '.join(task.head_suffixes)} "
        f"헤드가 있는 모델이 필요해요.{where_ko} 추천: {suggestions}",
    )


def check_download_size(task: Task, source: ModelSource, policy: LoadPolicy) -> None:
    """In public mode, refuse (before downloading) a model whose weights exceed the size cap."""
    if not (policy.max_download_mb and source.is_hub) or hub_offline() or is_cached(source.name):
        return
    from huggingface_hub import HfApi

    with explained_failures(task, source):
        info = HfApi().model_info(source.name, files_metadata=True)
    files = info.siblings or []
    weights = [f for f in files if f.rfilename.endswith(".safetensors")] or [
        f for f in files if f.rfilename.endswith(".bin")
    ]
    total_mb = sum(f.size or 0 for f in weights) / 1e6
    if policy.max_cache_mb:
        check_cache_room(source.name, total_mb, policy.max_cache_mb)
    if total_mb > policy.max_download_mb:
        raise BadInput(
            f"'{source.name}' weighs {total_mb:,.0f} MB, over this public app's cap of {policy.max_download_mb:,} MB. "
            "Choose a smaller model, or run the app on your own machine.",
            ko=f"'{source.name}' 모델은 {total_mb:,.0f} MB로, 공개 앱의 한도 {policy.max_download_mb:,} MB를 넘어요. "
            "더 작은 모델을 고르거나 내 컴퓨터에서 앱을 실행하세요.",
        )


def check_cache_room(name: str, download_mb: float, cap_mb: int, cache_dir: str | None = None) -> None:
    """In public mode, refuse a download that would take the Hugging Face cache over ``cap_mb`` in total."""
    from core.runtime.hub_cache import cache_summary

    used_mb = cache_summary(cache_dir).size_bytes / 1e6
    if used_mb + download_mb > cap_mb:
        raise BadInput(
            f"'{name}' ({download_mb:,.0f} MB) does not fit: this public app's model downloads already take "
            f"{used_mb:,.0f} MB of its {cap_mb:,} MB. Choose a model that is already downloaded (the model box says "
            "so), or ask the teacher to free space in the Cache tab.",
            ko=f"'{name}' 모델({download_mb:,.0f} MB)을 받을 자리가 없어요. 공개 앱의 모델 저장 공간 {cap_mb:,} MB 중 "
            f"{used_mb:,.0f} MB를 이미 쓰고 있어요. 이미 받은 모델을 고르거나 선생님께 캐시 탭에서 공간을 비워 달라고 하세요.",
        )


def _size_in_bytes(model: Any) -> int:
    tensors = [*model.parameters(), *model.buffers()]
    return sum(t.numel() * t.element_size() for t in tensors)


def _load(task: Task, source: ModelSource, device: str, policy: LoadPolicy) -> LoadedModel:
    with MODEL_BUILD_LOCK:
        return _load_unlocked(task, source, device, policy)


def _load_unlocked(task: Task, source: ModelSource, device: str, policy: LoadPolicy) -> LoadedModel:
    import_transformers_once()  # also for callers outside a task handler (page-load work, benchmarks)
    import transformers

    started = time.perf_counter()
    with explained_failures(task, source):
        config = transformers.AutoConfig.from_pretrained(source.location)
    check_head(task, source, config)
    check_download_size(task, source, policy)
    model_class = getattr(transformers, task.auto_class or "AutoModel")
    with explained_failures(task, source), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        preprocessor = getattr(transformers, task.preprocessor_class).from_pretrained(source.location)
        model, info = model_class.from_pretrained(source.location, dtype=dtype_for(device), output_loading_info=True)
    if task.head_suffixes and not config.architectures and info.get("missing_keys"):
        raise WrongModelKind(
            f"'{source.name}' has no trained {task.title_en} head (its weights lack "
            f"{sorted(info['missing_keys'])[:3]}). Choose a model fine-tuned for this task.",
            ko=f"'{source.name}'에는 학습된 {task.title_ko} 헤드가 없어요. 이 작업에 맞게 파인튜닝된 모델을 고르세요.",
        )
    model.to(device).eval()
    loaded = LoadedModel(
        source=source,
        task=task,
        model=model,
        preprocessor=preprocessor,
        device=device,
        size_bytes=_size_in_bytes(model),
        load_seconds=time.perf_counter() - started,
    )
    log.info(
        "loaded model=%s task=%s device=%s size_mb=%.1f seconds=%.2f",
        source.name,
        task.id,
        device,
        loaded.size_bytes / 2**20,
        loaded.load_seconds,
    )
    return loaded


def load_for_task(
    task: Task,
    model: str,
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
    cache: ModelCache = MODEL_CACHE,
) -> LoadedModel:
    """The model named ``model`` loaded for ``task`` on ``device``: from the cache, or loaded once."""
    source = resolve_model(model, allow_local=policy.allow_local)
    resolved_device = resolve_device(device)
    key = (task.auto_class, task.preprocessor_class, source.location, resolved_device)
    return cache.get_or_load(
        key,
        lambda: _load(task, source, resolved_device, policy),
        lambda loaded: loaded.size_bytes,
    )
