"""Issue 16, finding 3: fine-tuning stays inside the model memory budget and leaves nothing behind."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import BadInput
from core.finetune.data import prepare_data
from core.finetune.memory import check_fits, count_classifier_parameters, estimate
from core.finetune.train import TrainingSettings, fine_tune
from core.runtime.model_cache import ModelCache

ROOT = Path(__file__).resolve().parent.parent
DATA = prepare_data([["I love it", "pos", "train"], ["I hate it", "neg", "train"], ["ok", "pos", "eval"]])


@pytest.fixture(scope="module")
def mid_size_bert(tmp_path_factory) -> Path:
    """A random BERT of MiniLM's size (22.7 M parameters, 87 MB), with the bundled vocabulary."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    from core.registry import BUNDLED_MINILM, bundled_path

    path = tmp_path_factory.mktemp("mid-size") / "bert-22m"
    tokenizer = AutoTokenizer.from_pretrained(bundled_path(BUNDLED_MINILM))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=384,
        num_hidden_layers=6,
        num_attention_heads=12,
        intermediate_size=1536,
    )
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_the_estimate_counts_weights_gradients_adamw_and_activations(mid_size_bert):
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(mid_size_bert)
    parameters = count_classifier_parameters(config, 2)
    assert 22_700_000 < parameters < 22_800_000
    small, large = estimate(config, parameters, 8, 64), estimate(config, parameters, 32, 256)
    assert small.weights == small.gradients == parameters * 4 and small.optimizer == 2 * small.weights
    assert small.activations < large.activations and large.total > 2 * small.total
    assert "AdamW states" in small.describe()


def test_a_run_over_the_budget_is_refused_with_the_figures_before_any_weights_load(mid_size_bert, monkeypatch):
    import core.finetune.train as finetune

    monkeypatch.setattr(finetune, "load_base", lambda *a: pytest.fail("the weights were loaded"))
    cache = ModelCache(max_bytes=300 * 2**20)
    settings = TrainingSettings(batch_size=64, max_length=256)
    with pytest.raises(BadInput, match=r"needs about [\d,]+ MB of memory \(weights 87 MB.*budget of 300 MB") as caught:
        next(fine_tune(DATA, str(mid_size_bert), settings, device="cpu", cache=cache))
    assert "Lower the batch size" in caught.value.message and "PLAYGROUND_MODEL_MEMORY_MB" in caught.value.message


def test_check_fits_advises_a_smaller_model_when_the_weights_are_the_problem():
    from core.finetune.memory import TrainingMemory

    memory = TrainingMemory(10**9, 4 * 10**9, 4 * 10**9, 8 * 10**9, 10**6)
    with pytest.raises(BadInput, match="smaller base model"):
        check_fits(memory, 2**30, "org/huge")


def test_the_cache_makes_room_for_a_reservation_and_counts_it_while_it_lasts():
    cache = ModelCache(max_entries=8, max_bytes=1000)
    for key in "abc":
        cache.get_or_load(key, lambda: object(), lambda _: 300)
    with cache.reserve(500):
        assert cache.keys() == ["c"]  # 300 + 500 fit; the least recently used left
        cache.get_or_load("d", lambda: object(), lambda _: 300)
        assert cache.keys() == ["d"]
    assert cache.reserved_bytes == 0
    with pytest.raises(ValueError), cache.reserve(2000):
        pass


def test_fine_tuning_a_mid_size_model_stays_in_the_budget_and_leaves_only_the_saved_folder(mid_size_bert, tmp_path):
    """In a fresh process: 4 × 150 MB of other models in the cache, an 800 MB budget, a 22 M-parameter model."""
    budget = 800
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.rss_probe", str(mid_size_bert), str(tmp_path), str(budget), "150", "4"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    assert memory["saved"]
    assert memory["peak"] - memory["baseline"] <= budget, memory  # cache + training never passed the budget
    assert memory["fillers_kept"] < 4  # the cache made room
    left = memory["after"] - memory["baseline"] - memory["cache_after_mb"]
    assert left < 64, memory  # nothing of the run stayed in memory
