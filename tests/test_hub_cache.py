"""The cache manager's core on temporary Hugging Face caches filled by the tests: list, delete, prefetch offline."""

import fnmatch
import subprocess
import sys

import pytest

from core.errors import BadInput, ModelNotAvailable
from core.inspect.inspector import inspect_model
from core.registry import get_task
from core.runtime.hub_cache import cache_summary, delete_cached, plan_prefetch, prefetch, prefetchable_tasks
from core.runtime.loaded_models import loaded_models, unload
from core.runtime.model_cache import ModelCache
from tests.kit import tiny_models
from tests.kit.app import ROOT


@pytest.fixture
def hub_cache(tmp_path, tiny_classifier, tiny_masked_lm):
    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", tmp_path)
    tiny_models.put_in_hub_cache(tiny_masked_lm, "org/tiny-mlm", tmp_path, commit="1" * 40)
    return tmp_path


def test_listing_shows_every_repo_with_its_size_largest_first(hub_cache, tiny_classifier):
    summary = cache_summary(hub_cache)
    assert {r.repo_id for r in summary.repos} == {"org/tiny-sentiment", "org/tiny-mlm"}
    sizes = [r.size_bytes for r in summary.repos]
    assert sizes == sorted(sizes, reverse=True)
    repo = next(r for r in summary.repos if r.repo_id == "org/tiny-sentiment")
    assert repo.size_bytes == sum(p.stat().st_size for p in tiny_classifier.iterdir())
    assert repo.revisions == ("0" * 40,) and repo.refs == ("main",) and repo.last_accessed > 0
    assert summary.size_bytes == sum(sizes)


def test_deleting_a_repo_frees_its_size_and_keeps_the_others(hub_cache):
    size = next(r.size_bytes for r in cache_summary(hub_cache).repos if r.repo_id == "org/tiny-mlm")
    assert delete_cached(["org/tiny-mlm"], hub_cache) == size
    assert [r.repo_id for r in cache_summary(hub_cache).repos] == ["org/tiny-sentiment"]
    assert not (hub_cache / "models--org--tiny-mlm").exists()


def test_deleting_something_not_cached_deletes_nothing(hub_cache):
    with pytest.raises(BadInput, match="'org/typo' is not in the Hugging Face cache.*org/tiny-mlm"):
        delete_cached(["org/tiny-mlm", "org/typo"], hub_cache)
    assert len(cache_summary(hub_cache).repos) == 2


def test_deleting_nothing_is_refused(hub_cache):
    with pytest.raises(BadInput, match="No model chosen"):
        delete_cached([], hub_cache)


def test_an_absent_cache_is_empty(tmp_path):
    summary = cache_summary(tmp_path / "never-created")
    assert summary.repos == [] and summary.size_bytes == 0


def test_prefetch_plan_fails_clearly_offline():
    with pytest.raises(ModelNotAvailable, match="the app is offline.*--prefetch classify"):
        plan_prefetch(["classify", "ner"])


def test_prefetch_fails_clearly_offline():
    with pytest.raises(ModelNotAvailable, match="Cannot download 'org/model': the app is offline"):
        prefetch("org/model", get_task("classify"))


@pytest.mark.parametrize(("tasks", "message"), [([], "No task chosen"), (["similarity"], "Unknown task 'similarity'")])
def test_prefetch_plan_needs_known_downloadable_tasks(tasks, message):
    with pytest.raises(BadInput, match=message):
        plan_prefetch(tasks)


def test_bundled_and_remote_tasks_are_not_prefetched():
    ids = {t.id for t in prefetchable_tasks()}
    assert "classify" in ids and not {"similarity", "tokenize", "remote", "cache"} & ids


def test_inspector_lists_a_cached_model_offline_from_the_cache(cached_tiny_classifier):
    report = inspect_model(cached_tiny_classifier)
    assert report.files_from == "cache"
    assert {"config.json", "model.safetensors"} <= {f.name for f in report.files}


def test_list_cache_command_prints_the_cached_repos(hub_cache):
    env = {"HF_HUB_CACHE": str(hub_cache), "HF_HUB_OFFLINE": "1", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "app.py", "--list-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "org/tiny-sentiment" in done.stdout and "org/tiny-mlm" in done.stdout


def test_loaded_models_are_listed_and_unloaded():
    cache = ModelCache()
    cache.get_or_load(("AutoModel", "tok", "/models/a", "cpu"), lambda: object(), lambda _: 1000)
    [entry] = loaded_models(cache)
    assert entry.size_bytes == 1000
    assert unload(entry.label, cache) == entry
    assert loaded_models(cache) == []
    with pytest.raises(BadInput, match="is not loaded in memory"):
        unload(entry.label, cache)


def test_prefetch_plan_sums_what_a_dry_run_would_download(monkeypatch):
    """Online, snapshot_download(dry_run=True) says what each file weighs; here its answer is stood in for."""
    import huggingface_hub
    from huggingface_hub.file_download import DryRunFileInfo

    import core.runtime.hub_cache

    files = {"config.json": (600, False), "model.safetensors": (268_000_000, True), "tf_model.h5": (363_000_000, True)}

    def dry_run(repo_id, dry_run=False, ignore_patterns=None, **kwargs):
        assert dry_run
        ignored = ignore_patterns or []
        return [
            DryRunFileInfo("c" * 40, size, name, f"/cache/{name}", is_cached=not fetch, will_download=fetch)
            for name, (size, fetch) in files.items()
            if not any(fnmatch.fnmatch(name, p) for p in ignored)
        ]

    monkeypatch.setattr(huggingface_hub, "snapshot_download", dry_run)
    monkeypatch.setattr(core.runtime.hub_cache, "hub_offline", lambda: False)
    [plan] = plan_prefetch(["classify"])
    assert plan.model == get_task("classify").default.id
    assert (plan.total_bytes, plan.to_download_bytes, plan.files) == (268_000_600, 268_000_000, 2)
