"""The Hugging Face cache: what it holds, deleting from it, and downloading ahead of time.

Everything goes through huggingface_hub's own cache API (``scan_cache_dir``,
``HFCacheInfo.delete_revisions``, ``snapshot_download`` and its ``dry_run``), so the app
agrees with ``hf cache ls`` / ``hf cache rm`` about what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import BadInput, ModelNotAvailable
from core.registry import TASKS, Task
from core.runtime.loading import download_hint
from core.runtime.model_source import hub_offline, resolve_model
from core.runtime.repo_files import FOREIGN_WEIGHTS, ignore_patterns

__all__ = [
    "FOREIGN_WEIGHTS",
    "CachedRepo",
    "CacheSummary",
    "PlannedDownload",
    "cache_summary",
    "delete_cached",
    "list_cached",
    "plan_prefetch",
    "prefetch",
    "prefetchable_tasks",
]


def _offline_error(what: str, what_ko: str, task: Task, model_id: str | None = None) -> ModelNotAvailable:
    hint, hint_ko = download_hint(task, model_id)
    return ModelNotAvailable(
        f"Cannot {what}: the app is offline (--offline or HF_HUB_OFFLINE=1). "
        f"On a machine with internet access, run: {hint}.",
        ko=f"{what_ko} 수 없어요: 앱이 오프라인이에요. 인터넷이 되는 컴퓨터에서 이 명령을 실행하세요: {hint_ko}",
    )


def prefetch(model_id: str, task: Task) -> str:
    """Download what ``from_pretrained`` needs for ``model_id`` (PyTorch weights only); the local folder."""
    source = resolve_model(model_id, allow_local=False)
    if not source.is_hub:
        return source.location
    if hub_offline():
        raise _offline_error(f"download '{model_id}'", f"'{model_id}' 모델을 내려받을", task, model_id)
    from huggingface_hub import HfApi, snapshot_download

    return snapshot_download(model_id, ignore_patterns=ignore_patterns(HfApi().list_repo_files(model_id)))


@dataclass(frozen=True)
class PlannedDownload:
    """One default model of a task, and how much of it is still to download."""

    task: str
    model: str
    total_bytes: int
    to_download_bytes: int
    files: int

    def to_json(self) -> dict:
        return self.__dict__.copy()


def prefetchable_tasks() -> list[Task]:
    """Tasks whose default model lives on the Hub (not bundled, not remote-only)."""
    return [t for t in TASKS.values() if t.default and not t.default.bundled and "network" not in t.tags]


def plan_prefetch(task_ids: list[str]) -> list[PlannedDownload]:
    """What prefetching the default models of ``task_ids`` would download, asked of the Hub (a dry run)."""
    if not task_ids:
        raise BadInput(
            "No task chosen. Tick the tabs whose models you want to download.",
            ko="고른 작업이 없어요. 모델을 받아 둘 탭을 골라 주세요.",
        )
    known = {t.id: t for t in prefetchable_tasks()}
    unknown = [t for t in task_ids if t not in known]
    if unknown:
        raise BadInput(
            f"Unknown task '{unknown[0]}' to prefetch. Choose among: {', '.join(known)}.",
            ko=f"'{unknown[0]}' 작업은 미리 받아 둘 수 없어요. 다음 중에서 고르세요: {', '.join(known)}.",
        )
    tasks = [known[t] for t in dict.fromkeys(task_ids)]
    if hub_offline():
        raise _offline_error("measure or download the models", "모델 크기를 재거나 내려받을", tasks[0])
    from huggingface_hub import snapshot_download

    plans = []
    for task in tasks:
        everything = snapshot_download(task.default.id, dry_run=True)
        wanted = snapshot_download(
            task.default.id, dry_run=True, ignore_patterns=ignore_patterns([f.filename for f in everything])
        )
        plans.append(
            PlannedDownload(
                task=task.id,
                model=task.default.id,
                total_bytes=sum(f.file_size or 0 for f in wanted),
                to_download_bytes=sum(f.file_size or 0 for f in wanted if f.will_download),
                files=len(wanted),
            )
        )
    return plans


@dataclass(frozen=True)
class CachedRepo:
    repo_id: str
    repo_type: str
    size_bytes: int
    last_accessed: float
    last_modified: float = 0.0
    files: int = 0
    revisions: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {**self.__dict__, "revisions": list(self.revisions), "refs": list(self.refs)}


@dataclass(frozen=True)
class CacheSummary:
    cache_dir: str
    size_bytes: int
    repos: list[CachedRepo]

    def to_json(self) -> dict:
        return {"cache_dir": self.cache_dir, "size_bytes": self.size_bytes, "repos": [r.to_json() for r in self.repos]}


def _scan(cache_dir: str | Path | None):
    from huggingface_hub import constants, scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        return scan_cache_dir(cache_dir or constants.HF_HUB_CACHE)
    except CacheNotFound:
        return None


def cache_summary(cache_dir: str | Path | None = None) -> CacheSummary:
    """Every repo in the Hugging Face cache (largest first) and the disk it uses in total."""
    from huggingface_hub import constants

    info = _scan(cache_dir)
    where = str(cache_dir or constants.HF_HUB_CACHE)
    if info is None:
        return CacheSummary(where, 0, [])
    repos = [
        CachedRepo(
            repo_id=r.repo_id,
            repo_type=r.repo_type,
            size_bytes=r.size_on_disk,
            last_accessed=r.last_accessed or 0.0,
            last_modified=r.last_modified or 0.0,
            files=r.nb_files,
            revisions=tuple(sorted(rev.commit_hash for rev in r.revisions)),
            refs=tuple(sorted(ref for rev in r.revisions for ref in rev.refs)),
        )
        for r in info.repos
    ]
    return CacheSummary(where, info.size_on_disk, sorted(repos, key=lambda r: r.size_bytes, reverse=True))


def list_cached(cache_dir: str | Path | None = None) -> list[CachedRepo]:
    """Every repo in the Hugging Face cache, largest first (empty when there is no cache yet)."""
    return cache_summary(cache_dir).repos


def delete_cached(repo_ids: list[str], cache_dir: str | Path | None = None) -> int:
    """Delete every revision of the model repos ``repo_ids`` from the cache; the bytes freed.

    Nothing is deleted unless every id is in the cache: a typo deletes nothing.
    """
    wanted = [r.strip() for r in repo_ids or [] if r and r.strip()]
    if not wanted:
        raise BadInput(
            "No model chosen to delete. Pick one or more from the cached list.",
            ko="지울 모델을 고르지 않았어요. 캐시 목록에서 하나 이상 고르세요.",
        )
    info = _scan(cache_dir)
    cached = {r.repo_id: r for r in info.repos if r.repo_type == "model"} if info else {}
    missing = [r for r in wanted if r not in cached]
    if missing:
        listing = ", ".join(sorted(cached)) or "nothing"
        raise BadInput(
            f"'{missing[0]}' is not in the Hugging Face cache, so there is nothing to delete. Cached now: {listing}.",
            ko=f"'{missing[0]}' 저장소는 캐시에 없어서 지울 게 없어요. 지금 캐시에 있는 것: {listing}.",
        )
    hashes = [rev.commit_hash for r in wanted for rev in cached[r].revisions]
    strategy = info.delete_revisions(*hashes)
    strategy.execute()
    return strategy.expected_freed_size
