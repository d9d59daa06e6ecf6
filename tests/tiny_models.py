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


DETECTION_LABELS = {0: "cat", 1: "dog", 2: "person", 3: "cup", 4: "N/A"}
DETR_TEST_INPUT = {"shortest_edge": 320, "longest_edge": 533}


def build_detr(path: Path, labels: dict[int, str] = DETECTION_LABELS, num_queries: int = 12) -> Path:
    """A DetrForObjectDetection on a random timm ResNet-18 (no download), saved with a DetrImageProcessor.

    The decoder and heads get larger random weights than DETR's initialisation, so that object
    queries disagree (different labels, scores and boxes) as a trained model's do.
    """
    import torch
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor

    torch.manual_seed(0)
    config = DetrConfig(
        use_timm_backbone=True,
        backbone="resnet18",
        use_pretrained_backbone=False,
        num_queries=num_queries,
        d_model=32,
        encoder_layers=1,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    model = DetrForObjectDetection(config)
    with torch.no_grad():
        spread = {
            model.model.query_position_embeddings: 1.0,
            model.model.decoder: 1.0,
            model.class_labels_classifier: 1.0,
            model.bbox_predictor: 0.2,
        }
        for part, std in spread.items():
            for parameter in part.parameters():
                if parameter.dim() > 1:
                    torch.nn.init.normal_(parameter, std=std)
    model.save_pretrained(path)
    # A smaller input than DETR's 800/1333 keeps tests fast; the resizing logic is the same.
    DetrImageProcessor(size=DETR_TEST_INPUT).save_pretrained(path)
    return path


def build_yolos(path: Path, labels: dict[int, str] = DETECTION_LABELS, num_detection_tokens: int = 10) -> Path:
    """A YolosForObjectDetection (a plain ViT with detection tokens, no decoder), saved with its image processor."""
    import torch
    from transformers import YolosConfig, YolosForObjectDetection, YolosImageProcessor

    torch.manual_seed(0)
    config = YolosConfig(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        num_detection_tokens=num_detection_tokens,
        image_size=[64, 96],
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    YolosForObjectDetection(config).save_pretrained(path)
    YolosImageProcessor(size={"shortest_edge": 128, "longest_edge": 200}).save_pretrained(path)
    return path


def build_conditional_detr(path: Path, labels: dict[int, str] = DETECTION_LABELS, num_queries: int = 12) -> Path:
    """A ConditionalDetrForObjectDetection on a random timm ResNet-18: sigmoid scores, top-k post-processing."""
    import torch
    from transformers import (
        ConditionalDetrConfig,
        ConditionalDetrForObjectDetection,
        ConditionalDetrImageProcessor,
    )

    torch.manual_seed(0)
    config = ConditionalDetrConfig(
        use_timm_backbone=True,
        backbone="resnet18",
        use_pretrained_backbone=False,
        num_queries=num_queries,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    ConditionalDetrForObjectDetection(config).save_pretrained(path)
    ConditionalDetrImageProcessor(size=DETR_TEST_INPUT).save_pretrained(path)
    return path
