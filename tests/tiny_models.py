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


#: Text the tiny GPT-2's byte-level BPE is trained on (English and Korean, so both tokenize into merges).
BPE_CORPUS = (
    "Hello, my name is Sam and I like apples.",
    "Once upon a time there was a small robot who wanted to learn to write.",
    "The weather is nice today, so we go to the park after school.",
    "I like apple. I like pear. I go to school. I felt very sad. I feel so good.",
    "Transformers turn text into tokens, tokens into vectors, and vectors into the next token.",
    "오늘 날씨가 좋아서 공원에 갔어요. 너는 내년 선거 때 투표할 수 있어?",
    "허깅페이스 파이프라인으로 텍스트를 생성해 봐요.",
)
#: A minimal chat template in the usual shape, so a tokenizer counts as a chat/instruct model's.
TINY_CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def train_byte_level_bpe(vocab_size: int = 400):
    """A GPT-2 style tokenizer (byte-level BPE) trained on the spot with the ``tokenizers`` library."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(
        list(BPE_CORPUS) * 20, vocab_size=vocab_size, min_frequency=2, special_tokens=["<|endoftext|>"]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=trainer._tokenizer,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )


def build_gpt2(path: Path, *, chat: bool = False, n_positions: int = 1024, **overrides) -> Path:
    """A GPT2LMHeadModel with a freshly trained byte-level BPE; ``chat=True`` adds a chat template."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = train_byte_level_bpe()
    if chat:
        tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
        tokenizer.chat_template = TINY_CHAT_TEMPLATE
    settings = {"n_embd": 32, "n_layer": 2, "n_head": 2, "n_positions": n_positions}
    settings.update(overrides)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        **settings,
    )
    torch.manual_seed(0)
    return save(GPT2LMHeadModel(config), tokenizer, path)
