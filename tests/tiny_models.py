"""Tiny random transformers models built from configs, for tests that never touch the network.

They are real models on the real code path; their weights are random, so tests assert
structure and behaviour, never particular predictions. The tokenizer is the bundled
MiniLM's (BERT WordPiece, [CLS]=101, [SEP]=102).
"""

from __future__ import annotations

import json
from pathlib import Path

from core.registry import BUNDLED_MINILM, bundled_path

SENTIMENT_LABELS = {0: "negative", 1: "neutral", 2: "positive"}


def minilm_tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(bundled_path(BUNDLED_MINILM))


def tiny_bert_config(**overrides):
    from transformers import BertConfig

    settings = {
        "vocab_size": 30522,
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 37,
        "max_position_embeddings": 512,
    }
    settings.update(overrides)
    return BertConfig(**settings)


def save(model, tokenizer, path: Path) -> Path:
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_bert_classifier(path: Path, labels: dict[int, str] = SENTIMENT_LABELS) -> Path:
    """A BertForSequenceClassification with the given labels (the sentiment tab's kind of model)."""
    import torch
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    config = tiny_bert_config(id2label=labels, label2id={v: k for k, v in labels.items()})
    return save(BertForSequenceClassification(config), minilm_tokenizer(), path)


def build_bert_masked_lm(path: Path) -> Path:
    """A BertForMaskedLM: the fill-mask kind, i.e. the wrong kind for the sentiment tab."""
    import torch
    from transformers import BertForMaskedLM

    torch.manual_seed(0)
    return save(BertForMaskedLM(tiny_bert_config()), minilm_tokenizer(), path)


def drop_architectures(path: Path) -> Path:
    """Remove ``architectures`` from a saved config, as some hand-made repos have it."""
    config_file = path / "config.json"
    config = json.loads(config_file.read_text())
    config.pop("architectures", None)
    config_file.write_text(json.dumps(config))
    return path


def build_bert_encoder(path: Path) -> Path:
    """A headless BertModel (like the bundled MiniLM): the fine-tuning lab's kind of base model."""
    import torch
    from transformers import BertModel

    torch.manual_seed(0)
    return save(BertModel(tiny_bert_config()), minilm_tokenizer(), path)


def build_vit_encoder(path: Path) -> Path:
    """A tiny ViT: an image model, for which transformers has no sequence-classification head."""
    import torch
    from transformers import ViTConfig, ViTModel

    torch.manual_seed(0)
    config = ViTConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=37, image_size=32)
    ViTModel(config).save_pretrained(path)
    return path
