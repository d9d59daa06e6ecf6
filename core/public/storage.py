"""What public visitors may leave on the server's disk: a folder per visitor, a total cap, an age limit.

In public mode a fine-tuned model is saved into its visitor's folder under a temporary root, never under the
app. A visitor's folder goes when the visitor leaves (the page closes) or after ``max_age_s``; when the saved
models of everyone together pass ``max_total_bytes``, the oldest go first. Helper files (a table's CSV) live in
the same folder. Outside public mode none of this is used: the owner's ``./finetuned`` stays as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadInput

#: Where public visitors' folders live (PLAYGROUND_PUBLIC_DIR overrides it).
DEFAULT_ROOT_NAME = "pipeline-playground-public"


def env_number(name: str, default: float) -> float:
    """A number from the environment; the default when unset or not a positive number."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def folder_size(path: Path) -> int:
    """Bytes of every file under ``path`` (0 when it is gone)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


@dataclass(frozen=True)
class StorageLimits:
    """Public mode's disk limits; ``from_env`` reads them from the environment (see README, public mode)."""

    #: All visitors' saved models together.
    max_total_bytes: int = 2 * 2**30
    #: A visitor's folder is removed this long after it last changed, even if the page stays open.
    max_age_s: float = 3600.0

    @classmethod
    def from_env(cls) -> StorageLimits:
        return cls(
            max_total_bytes=int(env_number("PLAYGROUND_PUBLIC_DISK_MB", 2048) * 2**20),
            max_age_s=env_number("PLAYGROUND_PUBLIC_KEEP_MINUTES", 60) * 60,
        )


class VisitorStorage:
    """Per-visitor folders under one root, bounded in age and total size."""

    def __init__(self, root: Path | None = None, limits: StorageLimits | None = None) -> None:
        default_root = Path(tempfile.gettempdir()) / DEFAULT_ROOT_NAME
        self.root = Path(root or os.environ.get("PLAYGROUND_PUBLIC_DIR") or default_root)
        self.limits = limits or StorageLimits.from_env()
        self._lock = threading.Lock()

    @staticmethod
    def visitor_key(session: str) -> str:
        """A folder name for a session: a hash, so nothing a visitor sends becomes a path."""
        return hashlib.sha256(session.encode("utf-8", "replace")).hexdigest()[:20]

    def folder(self, session: str) -> Path:
        path = self.root / self.visitor_key(session)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def model_folders(self) -> list[Path]:
        """Every saved model folder of every visitor, oldest first."""
        if not self.root.is_dir():
            return []
        found = [p for visitor in self.root.iterdir() if visitor.is_dir() for p in visitor.iterdir() if p.is_dir()]
        return sorted(found, key=lambda p: p.stat().st_mtime)

    def total_bytes(self) -> int:
        return folder_size(self.root) if self.root.is_dir() else 0

    def check_fits(self, needed_bytes: int, what: str, what_ko: str | None = None) -> None:
        """``BadInput`` when ``needed_bytes`` alone is over the total cap: no removal could make room.

        ``what`` names the thing to save in English ("The fine-tuned copy of 'x'"), ``what_ko`` in Korean."""
        cap = self.limits.max_total_bytes
        if needed_bytes > cap:
            raise BadInput(
                f"{what} would take about {needed_bytes / 2**20:,.0f} MB on the server, over this public app's "
                f"limit of {cap / 2**20:,.0f} MB for saved models. Choose a smaller base model, or run the app on "
                "your own machine.",
                ko=f"{what_ko or what} 저장에 서버 공간이 약 {needed_bytes / 2**20:,.0f} MB 필요해서, 공개 앱의 저장 한도 "
                f"{cap / 2**20:,.0f} MB를 넘어요. 더 작은 기본 모델을 고르거나 내 컴퓨터에서 앱을 실행하세요.",
            )

    def sweep(self, *, room_for: int = 0, keep: Path | None = None) -> list[Path]:
        """Remove visitors' folders past their age, then the oldest saved models until ``room_for`` more bytes
        fit under the cap; ``keep`` is never removed. The folders removed."""
        removed: list[Path] = []
        with self._lock:
            if not self.root.is_dir():
                return removed
            horizon = time.time() - self.limits.max_age_s
            for visitor in list(self.root.iterdir()):
                if visitor.is_dir() and _newest_mtime(visitor) < horizon and not _contains(visitor, keep):
                    shutil.rmtree(visitor, ignore_errors=True)
                    removed.append(visitor)
            total = self.total_bytes()
            for model in self.model_folders():
                if total + room_for <= self.limits.max_total_bytes:
                    break
                if keep is not None and _contains(model, keep):
                    continue
                size = folder_size(model)
                shutil.rmtree(model, ignore_errors=True)
                archive = model.with_name(model.name + ".zip")
                if archive.is_file():
                    size += archive.stat().st_size
                    archive.unlink(missing_ok=True)
                removed.append(model)
                total -= size
        return removed

    def zip_model(self, folder: Path) -> Path:
        """``folder`` (a saved model in this storage) as one zip beside it, for the student to download."""
        folder = Path(folder).resolve()
        if not _contains(self.root, folder) or not (folder / "config.json").is_file():
            raise BadInput(
                "There is no saved model to download yet (or it was removed after an hour). Train again, then "
                "download it.",
                ko="내려받을 저장된 모델이 없어요(한 시간이 지나 지워졌을 수도 있어요). 다시 학습한 뒤 내려받으세요.",
            )
        archive = folder.with_name(folder.name + ".zip")
        if not archive.is_file():
            self.sweep(room_for=folder_size(folder), keep=folder)
            shutil.make_archive(str(folder), "zip", root_dir=folder)
        return archive

    def forget(self, session: str) -> None:
        """The visitor left: remove everything of theirs."""
        with self._lock:
            shutil.rmtree(self.root / self.visitor_key(session), ignore_errors=True)


def _newest_mtime(path: Path) -> float:
    newest = path.stat().st_mtime
    for child in path.iterdir():
        with contextlib.suppress(OSError):
            newest = max(newest, child.stat().st_mtime)
    return newest


def _contains(folder: Path, path: Path | None) -> bool:
    if path is None:
        return False
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
