"""Which models of a task load on this machine with no network: what to offer when the default cannot.

Offline, most tabs' defaults are not downloaded. Instead of a Run that can only fail, the tab offers a
model that works here: one bundled with the app that fits the task, or a Hub model already in the local
Hugging Face cache whose config has the task's head. Only folder names and small ``config.json`` files
are read (never weights, never the network), and one scan serves every tab of a page load.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from core.registry import BUNDLED_PACKAGES, Task, bundled_path

#: A page load asks once per tab, all at once: one scan of the cache folder answers them all. A model folder
#: added to the cache (a new download's ``models--…``) changes the folder's modification time, and the next
#: question scans again at once; a download finishing inside an existing folder shows within this time.
SCAN_TTL_SECONDS = 5.0

_lock = threading.Lock()
_last_scan: tuple[str, int, float, dict[str, tuple[str, ...]]] | None = None


def _read_architectures(snapshot_config: Path) -> tuple[str, ...]:
    try:
        config = json.loads(snapshot_config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    architectures = config.get("architectures") if isinstance(config, dict) else None
    return tuple(a for a in architectures or () if isinstance(a, str))


def _scan_cache(cache_dir: Path) -> dict[str, tuple[str, ...]]:
    """``{repo_id: architectures}`` of every model repo in the cache whose current snapshot has a config."""
    found: dict[str, tuple[str, ...]] = {}
    try:
        repos = sorted(cache_dir.glob("models--*"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return found
    for repo in repos:
        repo_id = repo.name.removeprefix("models--").replace("--", "/")
        try:
            commit = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
        except OSError:
            continue
        config = repo / "snapshots" / commit / "config.json"
        if config.is_file():
            found[repo_id] = _read_architectures(config)
    return found


def cached_models(cache_dir: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """The Hub models in the local cache and their architectures, most recently changed first (memoized)."""
    global _last_scan
    if cache_dir is None:
        from huggingface_hub import constants

        cache_dir = constants.HF_HUB_CACHE
    where = str(cache_dir)
    try:
        changed = Path(where).stat().st_mtime_ns
    except OSError:
        changed = -1
    with _lock:
        if _last_scan and _last_scan[:2] == (where, changed) and time.monotonic() - _last_scan[2] < SCAN_TTL_SECONDS:
            return _last_scan[3]
        found = _scan_cache(Path(where))
        _last_scan = (where, changed, time.monotonic(), found)
        return found


def _bundled_fit(task: Task) -> list[str]:
    """Bundled models the task offers, or (for a task with no head to check, on text) any bundled text model."""
    offered = [m.id for m in task.models if m.bundled]
    if not offered and not task.head_suffixes and task.preprocessor_class == "AutoTokenizer" and task.models:
        offered = list(BUNDLED_PACKAGES)
    return [model_id for model_id in offered if bundled_path(model_id) is not None]


def _fits(task: Task, model_id: str, architectures: tuple[str, ...]) -> bool:
    if any(m.id == model_id for m in task.models):
        return True
    return bool(task.head_suffixes) and any(a.endswith(task.head_suffixes) for a in architectures)


def runnable_here(task: Task, cache_dir: str | Path | None = None) -> list[str]:
    """Models for ``task`` that load with no network: bundled ones first, then fitting cached Hub models."""
    cached = cached_models(cache_dir)
    hub = [model_id for model_id, architectures in cached.items() if _fits(task, model_id, architectures)]
    return list(dict.fromkeys([*_bundled_fit(task), *hub]))
