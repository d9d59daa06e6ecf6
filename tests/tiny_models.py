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


# --- Text tabs (zero-shot, NER, fill-mask, similarity) -----------------------------------------

NLI_LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}
NER_LABELS = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-ORG", 4: "I-ORG", 5: "B-LOC", 6: "I-LOC"}


def build_bert_nli(path: Path) -> Path:
    """A BertForSequenceClassification with NLI labels: what the zero-shot pipeline needs."""
    return build_bert_classifier(path, labels=NLI_LABELS)


def build_bert_token_classifier(path: Path, labels: dict[int, str] = NER_LABELS) -> Path:
    """A BertForTokenClassification with BIO tags (the NER tab's kind of model)."""
    import torch
    from transformers import BertForTokenClassification

    torch.manual_seed(0)
    config = tiny_bert_config(id2label=labels, label2id={v: k for k, v in labels.items()})
    return save(BertForTokenClassification(config), minilm_tokenizer(), path)


def build_tiny_t5(path: Path) -> Path:
    """A tiny T5 (an encoder-decoder) saved with the MiniLM tokenizer: a wrong kind for similarity."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    config = T5Config(
        vocab_size=30522, d_model=32, d_ff=37, num_layers=1, num_heads=2, d_kv=16, decoder_start_token_id=0
    )
    return save(T5ForConditionalGeneration(config), minilm_tokenizer(), path)
