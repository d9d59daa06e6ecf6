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


#: A small chat template in the style of real ones: each message between special tokens.
CHAT_TEMPLATE = (
    "{% for message in messages %}[CLS] {{ message['role'] }}: {{ message['content'] }} [SEP] {% endfor %}"
    "{% if add_generation_prompt %}[CLS] assistant:{% endif %}"
)


def build_chat_tokenizer(path: Path) -> Path:
    """The MiniLM tokenizer with a chat template, saved with a config as a model folder is."""
    tokenizer = minilm_tokenizer()
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(path)
    tiny_bert_config().save_pretrained(path)
    return path


def _train_fast_tokenizer(model, pre_tokenizer, decoder, trainer, **special_tokens):
    """A transformers fast tokenizer around a ``tokenizers`` model trained on the lab's sample corpus."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    from core.tokenizer_training import sample_corpus

    backend = Tokenizer(model)
    backend.pre_tokenizer = pre_tokenizer
    backend.decoder = decoder
    backend.train_from_iterator(sample_corpus().splitlines(), trainer)
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=1024, **special_tokens)


def build_byte_level_tokenizer(path: Path) -> Path:
    """A GPT-2-style byte-level BPE (``Ġ`` marks a space; no padding token), saved as a model folder."""
    from tokenizers import decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config

    end = "<|endoftext|>"
    tokenizer = _train_fast_tokenizer(
        models.BPE(),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
        decoders.ByteLevel(),
        trainers.BpeTrainer(
            vocab_size=600,
            special_tokens=[end],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        ),
        bos_token=end,
        eos_token=end,
        unk_token=end,
    )
    tokenizer.save_pretrained(path)
    GPT2Config(vocab_size=600, n_embd=32, n_layer=1, n_head=2, bos_token_id=0, eos_token_id=0).save_pretrained(path)
    return path


def build_sentencepiece_tokenizer(path: Path) -> Path:
    """A T5-style SentencePiece Unigram (``▁`` starts a word), saved as a model folder."""
    from tokenizers import decoders, models, pre_tokenizers, trainers
    from transformers import T5Config

    tokenizer = _train_fast_tokenizer(
        models.Unigram(),
        pre_tokenizers.Metaspace(),
        decoders.Metaspace(),
        trainers.UnigramTrainer(
            vocab_size=400, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>", show_progress=False
        ),
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
    )
    tokenizer.save_pretrained(path)
    T5Config(vocab_size=400, d_model=32, num_layers=1, num_heads=2, d_ff=37, d_kv=8).save_pretrained(path)
    return path
