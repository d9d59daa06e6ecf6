"""Loading a task's model: once, on the right device, with a clear error for each failure."""

import pytest

from core.errors import BadInput, ModelNotAvailable, WrongModelKind
from core.registry import BUNDLED_MINILM, get_task
from core.runtime.loading import PUBLIC, load_for_task
from core.runtime.model_cache import ModelCache

CLASSIFY = get_task("classify")


def test_hub_id_offline_names_the_model_and_how_to_get_it():
    with pytest.raises(ModelNotAvailable) as caught:
        load_for_task(CLASSIFY, CLASSIFY.default.id, cache=ModelCache())
    message = str(caught.value)
    assert CLASSIFY.default.id in message
    assert "offline" in message
    assert "python app.py --prefetch classify" in message
    assert "268 MB" in message
    assert "오프라인" in caught.value.text("ko")


def test_unknown_hub_id_offline_is_a_clear_not_available():
    with pytest.raises(ModelNotAvailable, match="'someone/no-such-model' is not downloaded"):
        load_for_task(CLASSIFY, "someone/no-such-model", cache=ModelCache())


def test_fill_mask_model_in_sentiment_tab_is_the_wrong_kind(tiny_masked_lm):
    with pytest.raises(WrongModelKind, match="BertForMaskedLM.*ForSequenceClassification.*'Fill-mask' tab"):
        load_for_task(CLASSIFY, str(tiny_masked_lm), cache=ModelCache())


def test_base_model_without_any_head_is_the_wrong_kind():
    with pytest.raises(WrongModelKind, match="BertModel"):
        load_for_task(CLASSIFY, BUNDLED_MINILM, cache=ModelCache())


def test_config_without_architectures_is_caught_by_its_missing_head_weights(headless_classifier):
    with pytest.raises(WrongModelKind, match="no trained Sentiment · Text classification head"):
        load_for_task(CLASSIFY, str(headless_classifier), cache=ModelCache())


def test_local_path_refused_in_public_mode(tiny_classifier):
    with pytest.raises(BadInput, match="public mode"):
        load_for_task(CLASSIFY, str(tiny_classifier), policy=PUBLIC, cache=ModelCache())


def test_a_model_loads_once_and_is_served_from_the_cache(tiny_classifier):
    cache = ModelCache()
    first = load_for_task(CLASSIFY, str(tiny_classifier), device="cpu", cache=cache)
    again = (
        load_for_task(CLASSIFY, str(tiny_classifier), device="auto", cache=cache) if first.device == "cpu" else first
    )
    assert again is first
    assert sum(cache.load_counts.values()) == 1
    assert not first.model.training
    assert first.size_bytes > 0


def test_cuda_without_a_gpu_is_a_clear_error(tiny_classifier, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(BadInput, match="no usable GPU"):
        load_for_task(CLASSIFY, str(tiny_classifier), device="cuda", cache=ModelCache())


def test_unknown_device_is_refused(tiny_classifier):
    with pytest.raises(BadInput, match="Unknown device 'tpu'"):
        load_for_task(CLASSIFY, str(tiny_classifier), device="tpu", cache=ModelCache())


def test_trust_remote_code_is_never_set_anywhere():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        p
        for folder in ("core", "tabs")
        for p in (root / folder).rglob("*.py")
        if "trust_remote_code=" in p.read_text()
    ]
    offenders += [root / "app.py"] if "trust_remote_code=" in (root / "app.py").read_text() else []
    assert offenders == []
