"""Fine-tuning core: before/after, learning, Stop within one step, saving and reloading, seeds, bad settings."""

import json
import threading

import pytest

from core.errors import BadInput, RemoteFailure, WrongModelKind
from core.finetune.data import prepare_data
from core.finetune.publish import RESULT_FILE, push_to_hub
from core.finetune.train import (
    Stage,
    TrainingSettings,
    choose_output_dir,
    fine_tune,
    notebook_code,
    run_to_end,
)
from core.registry import BUNDLED_MINILM
from core.runtime.loading import PUBLIC

POSITIVE = ["I love this song", "What a great day", "This is wonderful", "The food was delicious", "Best movie ever"]
NEGATIVE = ["I hate the rain", "This is terrible", "The food was awful", "Worst movie ever", "What a horrible day"]
SEPARABLE = prepare_data(
    [[t, "positive", "eval" if i == 0 else "train"] for i, t in enumerate(POSITIVE)]
    + [[t, "negative", "eval" if i == 0 else "train"] for i, t in enumerate(NEGATIVE)]
)
FAST = TrainingSettings(learning_rate=1e-3, epochs=2, batch_size=4, seed=7, max_length=16)


def train(model, tmp_path, settings=FAST, data=SEPARABLE, name="model", **kwargs):
    return run_to_end(fine_tune(data, str(model), settings, device="cpu", output_dir=str(tmp_path / name), **kwargs))


@pytest.fixture(scope="module")
def tiny_run(tiny_encoder, tmp_path_factory):
    return train(tiny_encoder, tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def minilm_run(tmp_path_factory):
    settings = TrainingSettings(learning_rate=5e-4, epochs=3, batch_size=4, seed=1, max_length=16)
    return train(BUNDLED_MINILM, tmp_path_factory.mktemp("minilm"), settings)


def test_result_json_has_the_contract_keys(tiny_run):
    raw = tiny_run.to_json()
    assert {"labels", "before", "after", "history", "saved_to"} <= set(raw)
    assert raw["labels"] == ["positive", "negative"]
    assert {"accuracy", "confusion_matrix", "predictions"} <= set(raw["before"])
    assert all(set(point) == {"epoch", "step", "loss"} for point in raw["history"])
    json.dumps(raw)


def test_every_step_is_logged_and_each_epoch_evaluated(tiny_run):
    assert [p["step"] for p in tiny_run.history] == list(range(1, tiny_run.total_steps + 1))
    assert tiny_run.total_steps == 2 * 2  # 8 training rows, batch 4, 2 epochs
    assert [e["epoch"] for e in tiny_run.epochs] == [1, 2]
    assert all(0.0 <= e["eval_accuracy"] <= 1.0 for e in tiny_run.epochs)


def test_confusion_matrix_counts_every_evaluation_row(tiny_run):
    for evaluation in (tiny_run.before, tiny_run.after):
        assert sum(map(sum, evaluation.confusion_matrix)) == len(SEPARABLE.eval)
        diagonal = sum(evaluation.confusion_matrix[i][i] for i in range(2))
        assert diagonal / len(SEPARABLE.eval) == evaluation.accuracy


def test_stages_arrive_in_order(tiny_encoder, tmp_path):
    stages = [
        u.stage for u in fine_tune(SEPARABLE, str(tiny_encoder), FAST, device="cpu", output_dir=str(tmp_path / "m"))
    ]
    assert stages[:2] == [Stage.LOADED, Stage.BEFORE] and stages[-2:] == [Stage.AFTER, Stage.SAVED]
    assert stages.count(Stage.STEP) == 4 and stages.count(Stage.EPOCH) == 2


def test_minilm_learns_a_separable_set(minilm_run):
    losses = [p["loss"] for p in minilm_run.history]
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3
    assert minilm_run.after.accuracy >= minilm_run.before.accuracy


def test_saved_folder_reloads_with_the_same_predictions(tiny_run):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(tiny_run.saved_to).eval()
    tokenizer = AutoTokenizer.from_pretrained(tiny_run.saved_to)
    texts = [p["text"] for p in tiny_run.after.predictions]
    with torch.inference_mode():
        probabilities = model(**tokenizer(texts, padding=True, return_tensors="pt")).logits.softmax(-1)
    predicted = [model.config.id2label[i] for i in probabilities.argmax(-1).tolist()]
    assert predicted == [p["predicted"] for p in tiny_run.after.predictions]
    expected = [p["score"] for p in tiny_run.after.predictions]
    assert probabilities.max(-1).values.tolist() == pytest.approx(expected, abs=1e-5)


def test_saved_folder_has_a_model_card_and_the_run(tiny_run):
    from pathlib import Path

    from huggingface_hub import ModelCard

    card = ModelCard.load(Path(tiny_run.saved_to) / "README.md")
    assert card.data.pipeline_tag == "text-classification"
    assert "`positive`, `negative`" in card.text
    saved = json.loads((Path(tiny_run.saved_to) / RESULT_FILE).read_text())
    assert saved["after"]["accuracy"] == tiny_run.after.accuracy


def test_saved_folder_works_in_the_sentiment_tab(tiny_run):
    from core.text.classify import classify

    result = classify("I love this song", tiny_run.saved_to)
    assert {s["label"] for s in result.scores[0]} == {"positive", "negative"}


def test_a_fixed_seed_reproduces_the_run(tiny_encoder, tiny_run, tmp_path):
    again = train(tiny_encoder, tmp_path)
    assert [p["loss"] for p in again.history] == pytest.approx([p["loss"] for p in tiny_run.history], abs=1e-6)
    assert [p["predicted"] for p in again.after.predictions] == [p["predicted"] for p in tiny_run.after.predictions]


def test_stop_ends_training_within_one_step_and_keeps_the_model(tiny_encoder, tmp_path):
    stop = threading.Event()
    updates = fine_tune(SEPARABLE, str(tiny_encoder), FAST, device="cpu", output_dir=str(tmp_path / "m"), stop=stop)
    for update in updates:
        if update.stage is Stage.STEP:
            stop.set()
    result = update.result
    assert result.stopped and result.steps_done == 1 < result.total_steps
    assert result.after is not None and result.saved_to
    assert result.epochs == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (TrainingSettings(learning_rate=0.5), r"`learning_rate` must be a number between 1e-06 and 0\.01; got 0\.5"),
        (TrainingSettings(learning_rate=0), "`learning_rate` must be a number.*; got 0"),
        (TrainingSettings(learning_rate=float("nan")), "`learning_rate` must be a number.*; got nan"),
        (TrainingSettings(epochs=0), "`epochs` must be a whole number from 1 to 20; got 0"),
        (TrainingSettings(epochs=100), "`epochs` must be .*; got 100"),
        (TrainingSettings(epochs=2.5), r"`epochs` must be a whole number.*; got 2\.5"),
        (TrainingSettings(batch_size=0), "`batch_size` .*; got 0"),
        (TrainingSettings(max_length=4), "`max_length` .*; got 4"),
        (TrainingSettings(seed=-1), "`seed` .*; got -1"),
    ],
)
def test_settings_out_of_range_are_refused(settings, message):
    with pytest.raises(BadInput, match=message):
        settings.check()


def test_settings_out_of_range_are_refused_before_loading(tmp_path):
    with pytest.raises(BadInput, match="epochs"):
        next(fine_tune(SEPARABLE, "org/never-loaded", TrainingSettings(epochs=0), output_dir=str(tmp_path / "m")))


def test_a_model_without_a_classification_head_is_refused(tiny_vit, tmp_path):
    with pytest.raises(WrongModelKind, match="vit model.*no sequence-classification head"):
        next(fine_tune(SEPARABLE, str(tiny_vit), FAST, device="cpu", output_dir=str(tmp_path / "m")))


def test_an_offline_hub_model_says_how_to_get_it(tmp_path):
    with pytest.raises(
        Exception, match="not downloaded on this machine.*--prefetch distilbert/distilbert-base-uncased"
    ):
        next(fine_tune(SEPARABLE, "distilbert/distilbert-base-uncased", FAST, output_dir=str(tmp_path / "m")))


def test_an_existing_output_folder_is_not_overwritten(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(BadInput, match="already exists"):
        choose_output_dir(str(tmp_path / "taken"), "m")


def test_public_mode_chooses_the_folder_itself(tmp_path):
    with pytest.raises(BadInput, match="public mode"):
        next(fine_tune(SEPARABLE, BUNDLED_MINILM, FAST, policy=PUBLIC, output_dir=str(tmp_path / "m")))


def test_default_output_folders_are_new_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OUTPUT_DIR", str(tmp_path))
    first = choose_output_dir("", "org/my model")
    first.mkdir()
    second = choose_output_dir("", "org/my model")
    assert first.parent == second.parent == tmp_path and first != second
    assert first.name.startswith("my-model-")


def test_pushing_without_a_token_is_refused(tiny_run):
    with pytest.raises(BadInput, match="needs your access token"):
        push_to_hub(tiny_run.saved_to, "me/model", "  ")


@pytest.mark.parametrize("repo_id", ["model-only", "me/bad name", "a/b/c"])
def test_pushing_to_a_bad_repo_id_is_refused(tiny_run, repo_id):
    with pytest.raises(BadInput, match="your-name/model-name"):
        push_to_hub(tiny_run.saved_to, repo_id, "hf_x")


def test_pushing_offline_says_where_the_model_is(tiny_run):
    with pytest.raises(RemoteFailure, match="offline.*huggingface-cli upload me/model"):
        push_to_hub(tiny_run.saved_to, "me/model", "hf_x")


def test_pushing_before_training_is_refused(tmp_path):
    with pytest.raises(BadInput, match="no saved model"):
        push_to_hub(str(tmp_path), "me/model", "hf_x")


def test_notebook_code_is_valid_python_with_the_settings():
    code = notebook_code(BUNDLED_MINILM, FAST, ["positive", "negative"])
    compile(code, "finetune.py", "exec")
    assert "lr=0.001" in code and "set_seed(7)" in code and "max_length=16" in code
    assert "AutoModelForSequenceClassification" in code


def test_the_code_panel_script_reproduces_the_labs_run(tiny_encoder, tiny_run, tmp_path):
    import re
    import subprocess
    import sys

    from core.finetune.data import to_csv

    (tmp_path / "finetune_data.csv").write_text(to_csv(SEPARABLE.rows()), encoding="utf-8")
    script = notebook_code(str(tiny_encoder), FAST, list(SEPARABLE.labels))
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", done.stdout)]
    assert losses == pytest.approx([p["loss"] for p in tiny_run.history], abs=1e-3)
    assert f"after fine-tuning: {tiny_run.after.accuracy}" in done.stdout
