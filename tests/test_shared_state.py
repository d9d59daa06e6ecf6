"""State shared by every request stays as it was: no remembered failure, no mutated tokenizer, no setting frozen
at import (issue 17's fixes)."""

import shutil

import pytest
import transformers

from core.errors import BadInput
from core.generation.translate import model_languages
from core.inspect.run_model import loaded_with_head, run_model
from core.runtime.batching import MicroBatcher
from core.runtime.model_cache import ModelCache


def test_a_moment_when_a_model_cannot_be_read_is_not_remembered(tiny_t5, tmp_path, monkeypatch):
    model = shutil.copytree(tiny_t5, tmp_path / "t5-copy")  # a location no earlier test has read

    def offline(*args, **kwargs):
        raise OSError("We couldn't connect to 'https://huggingface.co'")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", offline)
    assert model_languages(str(model)).pairs != (("en", "de"), ("en", "fr"))  # the name's guess
    monkeypatch.undo()
    assert model_languages(str(model)).pairs == (("en", "de"), ("en", "fr"))


def test_a_bug_while_reading_languages_is_not_hidden_as_a_guess(tiny_t5, tmp_path, monkeypatch):
    model = shutil.copytree(tiny_t5, tmp_path / "t5-bug")

    def bug(*args, **kwargs):
        raise AttributeError("a bug, not an unreadable model")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", bug)
    with pytest.raises(AttributeError):
        model_languages(str(model))


def test_running_a_model_without_padding_token_leaves_the_shared_tokenizer_alone(tiny_gpt2):
    tokenizer = loaded_with_head(str(tiny_gpt2), device="cpu").preprocessor
    assert tokenizer.pad_token is None
    result = run_model("hello\nhello world again and again", str(tiny_gpt2), device="cpu")
    assert (
        tokenizer.pad_token is None and loaded_with_head(str(tiny_gpt2), device="cpu").preprocessor.pad_token is None
    )
    short, long = result.tokens
    assert len(short) == len(long)  # padded to one batch all the same, with the end-of-text token
    assert len(result.token_predictions[0]) < len(result.token_predictions[1])  # the padding is masked


def test_the_model_cache_reads_its_limits_when_used(monkeypatch):
    cache = ModelCache()
    monkeypatch.setenv("PLAYGROUND_MAX_MODELS", "3")
    monkeypatch.setenv("PLAYGROUND_MODEL_MEMORY_MB", "100")
    assert (cache.max_entries, cache.max_bytes) == (3, 100 * 2**20)
    assert ModelCache(max_entries=5, max_bytes=7).max_entries == 5  # given limits stay


def test_a_wrong_model_cache_setting_is_named(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MODEL_MEMORY_MB", "lots")
    with pytest.raises(BadInput, match="PLAYGROUND_MODEL_MEMORY_MB must be a whole number of 1 or more; got 'lots'"):
        ModelCache().max_bytes  # noqa: B018


def test_micro_batching_reads_its_settings_when_used(monkeypatch):
    batcher = MicroBatcher(lambda key, items: [item * 2 for item in items])
    monkeypatch.setenv("PLAYGROUND_MICRO_BATCHING", "off")
    monkeypatch.setenv("PLAYGROUND_BATCH_WAIT_MS", "250")
    assert batcher.enabled is False and batcher.wait_seconds == 0.25
    assert batcher.submit("k", [1, 2]) == [2, 4]
    monkeypatch.setenv("PLAYGROUND_MICRO_BATCHING", "on")
    assert batcher.enabled is True


def test_transformers_names_are_imported_once_for_all_threads():
    """The first requests of a class arrive together: each thread waits for the one import, none fails."""
    import threading

    from core.runtime import imports

    errors: list[BaseException] = []

    def first_request() -> None:
        try:
            imports.import_transformers_once()
            from transformers import AutoConfig, AutoTokenizer  # noqa: F401
        except BaseException as error:  # noqa: BLE001 (the test reports whatever a thread met)
            errors.append(error)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and imports._READY.is_set()


def test_the_first_import_waits_out_a_thread_that_imports_transformers_outside_the_lock(monkeypatch):
    """Code outside the lock can be half-way through importing transformers: the locked import sees a name
    missing for a while (the race that showed an unexpected error in the QA tab's attention panel), then finds it."""
    import transformers

    from core.runtime import imports

    monkeypatch.setattr(imports, "_READY", __import__("threading").Event())
    real = type(transformers).__getattr__
    missing = {"AutoConfig": 3}  # the first three lookups find it missing, as during the other thread's import

    def half_imported(module, name):
        if missing.get(name, 0) > 0:
            missing[name] -= 1
            raise AttributeError(f"module 'transformers' has no attribute '{name}'")
        return real(module, name)

    monkeypatch.delitem(transformers.__dict__, "AutoConfig", raising=False)  # looked up through __getattr__
    monkeypatch.setattr(type(transformers), "__getattr__", half_imported)
    imports.import_transformers_once()
    assert imports._READY.is_set() and missing["AutoConfig"] == 0


def test_the_first_import_gives_up_after_its_patience(monkeypatch):
    import transformers

    from core.runtime import imports

    monkeypatch.setattr(imports, "_READY", __import__("threading").Event())
    monkeypatch.setattr(imports, "IMPORT_PATIENCE_SECONDS", 0.2)
    monkeypatch.setattr(imports, "NAMES", ("NoSuchNameInTransformers",))
    with pytest.raises(AttributeError):
        imports.import_transformers_once()
    assert not imports._READY.is_set()
    assert transformers  # the module itself is untouched
