"""The model inspector's core: the bundled MiniLM's real facts, tiny models' shapes, every failure explained."""

import json

import httpx2
import pytest

from core.errors import BadInput, ModelNotAvailable, WrongModelKind
from core.inspect.inspector import inspect_model, kind_of
from core.inspect.run_model import run_model
from core.registry import BUNDLED_MINILM
from core.runtime.model_source import resolve_model
from core.runtime.repo_files import list_repo_files, purpose_of


@pytest.fixture(scope="module")
def minilm_report():
    return inspect_model(BUNDLED_MINILM)


def test_bundled_minilm_facts(minilm_report):
    raw = minilm_report.to_json()
    assert (raw["num_hidden_layers"], raw["hidden_size"], raw["num_attention_heads"]) == (6, 384, 12)
    assert raw["num_parameters"] == 22_713_216
    assert (raw["model_type"], raw["architecture"], raw["kind"]) == ("bert", "BertModel", "encoder-only")


def test_parameters_per_module_add_up_to_the_total(minilm_report):
    assert set(minilm_report.parameters_by_module) == {"embeddings", "encoder", "pooler"}
    assert sum(minilm_report.parameters_by_module.values()) == minilm_report.num_parameters


def test_memory_is_four_bytes_a_parameter_in_fp32_and_two_in_half(minilm_report):
    memory = minilm_report.memory_bytes
    assert memory["fp32"] == 4 * minilm_report.num_parameters
    assert memory["fp16"] == memory["bf16"] == 2 * minilm_report.num_parameters


def test_bundled_minilm_files_with_sizes(minilm_report):
    files = {f["name"]: f for f in minilm_report.to_json()["files"]}
    assert {"config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "special_tokens_map.json"} <= set(files)
    assert files["model.safetensors"]["size"] > 80_000_000
    assert "weights" in files["model.safetensors"]["purpose"]
    assert minilm_report.files_from == "folder"
    assert minilm_report.download_bytes == sum(f["size"] for f in files.values() if f["needed"])


def test_model_card_is_rendered_without_its_yaml_header(minilm_report):
    assert "all-MiniLM-L6-v2" in minilm_report.card
    assert not minilm_report.card.lstrip().startswith("---")


def test_meta_device_count_matches_the_loaded_model(tiny_classifier):
    from transformers import AutoModelForSequenceClassification

    report = inspect_model(str(tiny_classifier))
    loaded = AutoModelForSequenceClassification.from_pretrained(tiny_classifier)
    assert report.num_parameters == loaded.num_parameters()
    assert report.architecture == "BertForSequenceClassification"
    assert {"bert.embeddings", "bert.encoder", "classifier"} <= set(report.parameters_by_module)
    assert report.to_json()["labels"] == {"0": "negative", "1": "neutral", "2": "positive"}


@pytest.mark.parametrize(
    ("config_class", "architecture", "kind"),
    [
        ("BertConfig", "BertModel", "encoder-only"),
        ("GPT2Config", "GPT2LMHeadModel", "decoder-only"),
        ("T5Config", "T5ForConditionalGeneration", "encoder-decoder"),
    ],
)
def test_architecture_kind(config_class, architecture, kind):
    import transformers

    assert kind_of(getattr(transformers, config_class)(), architecture) == kind


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("vocab.txt", "vocabulary"),
        ("pytorch_model.bin", "weights"),
        ("1_Pooling/config.json", "sentence"),
        ("x.weird", "other"),
    ],
)
def test_every_file_gets_a_purpose(name, words):
    assert words in purpose_of(name)[0]


def test_run_a_batch_through_a_classifier(tiny_classifier):
    result = run_model("I like apple\nI felt very sad today", str(tiny_classifier), device="cpu")
    longest = max(len(tokens) for tokens in result.tokens)
    assert result.last_hidden_state_shape == [2, longest, 32]
    assert result.logits_shape == [2, 3]
    for predictions in result.predictions:
        assert {p["label"] for p in predictions} == {"negative", "neutral", "positive"}
        assert [p["score"] for p in predictions] == sorted((p["score"] for p in predictions), reverse=True)
        assert sum(p["score"] for p in predictions) == pytest.approx(1.0, abs=1e-5)


def test_run_a_token_level_head_predicts_for_every_real_token(tiny_masked_lm):
    result = run_model("I like [MASK]\nno", str(tiny_masked_lm), device="cpu")
    assert result.logits_shape[0] == 2 and result.logits_shape[2] == 30522
    assert result.logits is None  # a vocabulary is too wide to list
    assert [len(row) for row in result.token_predictions] == [5, 3]  # padding is left out
    assert result.token_predictions[0][3]["token"] == "[MASK]"


def test_run_the_body_only_has_no_logits():
    result = run_model("hello world", BUNDLED_MINILM, device="cpu")
    assert result.last_hidden_state_shape == [1, 4, 384]
    assert result.logits_shape is None and result.predictions == []


def test_folder_without_config_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(BadInput, match="has no config.json"):
        inspect_model(str(tmp_path))


def test_unknown_architecture_is_named(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "not-a-real-model"}))
    with pytest.raises(WrongModelKind, match=r"architecture that transformers 5\.\S+ does not know"):
        inspect_model(str(tmp_path))


def test_hub_model_not_downloaded_while_offline_says_how_to_get_that_model():
    with pytest.raises(
        ModelNotAvailable,
        match="not downloaded on this machine.*python app.py --prefetch google-bert/bert-base-uncased \\(about 440 MB\\)",
    ):
        inspect_model("google-bert/bert-base-uncased")


def _hub_error(error_class):
    response = httpx2.Response(404, request=httpx2.Request("GET", "https://huggingface.co/api/models/org/x"))
    return error_class("404 Client Error", response=response)


@pytest.mark.parametrize(
    ("error_class", "message"),
    [
        ("RepositoryNotFoundError", "no model 'org/secret' on the Hugging Face Hub .or it is private"),
        ("GatedRepoError", "gated model.*HF_TOKEN"),
    ],
)
def test_unknown_private_or_gated_hub_ids_are_explained(monkeypatch, error_class, message):
    import huggingface_hub.errors
    import transformers

    def refuse(*args, **kwargs):
        raise _hub_error(getattr(huggingface_hub.errors, error_class))

    monkeypatch.setattr(transformers.AutoConfig, "from_pretrained", refuse)
    with pytest.raises(ModelNotAvailable, match=message):
        inspect_model("org/secret")


def test_hub_metadata_gives_sizes_and_skips_other_frameworks(monkeypatch):
    """Online, the list comes from model_info(files_metadata=True); here its answer is stood in for."""
    import huggingface_hub
    from huggingface_hub.hf_api import ModelInfo

    import core.runtime.repo_files

    siblings = [
        {"rfilename": "config.json", "size": 570},
        {"rfilename": "model.safetensors", "size": 440_449_768},
        {"rfilename": "pytorch_model.bin", "size": 440_473_133},
        {"rfilename": "tf_model.h5", "size": 536_063_208},
        {"rfilename": "vocab.txt", "size": 231_508},
    ]
    calls = []

    def model_info(self, repo_id, files_metadata=False, **kwargs):
        calls.append((repo_id, files_metadata))
        return ModelInfo(id=repo_id, siblings=siblings)

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", model_info)
    monkeypatch.setattr(core.runtime.repo_files, "hub_offline", lambda: False)
    source = resolve_model("google-bert/bert-base-uncased")
    files, where = list_repo_files(source)
    assert where == "hub" and calls == [("google-bert/bert-base-uncased", True)]
    needed = {f.name for f in files if f.needed}
    assert needed == {"config.json", "model.safetensors", "vocab.txt"}  # no pickle, no TensorFlow
    assert sum(f.size for f in files if f.needed) == 570 + 440_449_768 + 231_508


def test_detr_is_counted_without_downloading_its_backbone(tmp_path):
    from transformers import DetrConfig

    DetrConfig(use_pretrained_backbone=True, architectures=["DetrForObjectDetection"]).save_pretrained(tmp_path)
    report = inspect_model(str(tmp_path))  # the network is closed: a backbone download would fail
    assert report.kind == "encoder-decoder"
    assert {"model.backbone", "model.encoder", "model.decoder", "class_labels_classifier"} <= set(
        report.parameters_by_module
    )
