"""Fit a long text into a model's window by cutting it at a token boundary, and say so.

A pipeline silently truncates (or, when a tokenizer reports no limit, crashes on the position
embeddings). Cutting the text ourselves, at the character where the last token that fits ends,
keeps every offset the model returns valid in the original text and lets the tab tell the student
exactly how much the model read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Used when a model declares no usable limit at all.
FALLBACK_MAX_LENGTH = 512
ROBERTA_LIKE = ("roberta", "xlm-roberta", "camembert", "xlm-roberta-xl")


@dataclass(frozen=True)
class Truncation:
    """The text had ``tokens`` tokens and ``chars`` characters; the model read ``kept_tokens`` / ``kept_chars``."""

    tokens: int
    kept_tokens: int
    chars: int
    kept_chars: int


@dataclass(frozen=True)
class TextWindow:
    """The part of a text the model reads, and the truncation that produced it (``None`` when it all fits)."""

    text: str
    truncation: Truncation | None = None


def max_input_length(tokenizer: Any, config: Any) -> int:
    """The longest input (special tokens included) the model accepts: tokenizer limit ∧ position embeddings."""
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and getattr(config, "model_type", "") in ROBERTA_LIKE:
        positions -= 2  # RoBERTa-style position ids start after the padding index
    limits = [getattr(tokenizer, "model_max_length", None), positions]
    usable = [int(x) for x in limits if isinstance(x, int) and 0 < x < 1_000_000]
    return min(usable) if usable else FALLBACK_MAX_LENGTH


def special_token_count(tokenizer: Any, pair: bool = False) -> int:
    """How many special tokens ([CLS], [SEP], <s>, </s>) the tokenizer adds to one text (or a pair)."""
    try:
        return int(tokenizer.num_special_tokens_to_add(pair=pair))
    except (AttributeError, NotImplementedError):
        return 3 if pair else 2


def fit_text(tokenizer: Any, text: str, max_tokens: int) -> TextWindow:
    """The longest prefix of ``text`` that is at most ``max_tokens`` tokens (special tokens not counted)."""
    max_tokens = max(1, max_tokens)
    try:
        encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        offsets = encoding["offset_mapping"]
    except (NotImplementedError, ValueError, TypeError):
        offsets = None
    if offsets is not None:
        total = len(offsets)
        if total <= max_tokens:
            return TextWindow(text)
        kept = text[: offsets[max_tokens - 1][1]]
    else:  # a slow tokenizer without offsets: cut by the average characters per token
        total = len(tokenizer.tokenize(text))
        if total <= max_tokens:
            return TextWindow(text)
        kept = text[: int(len(text) * max_tokens / total)]
    return TextWindow(kept, Truncation(tokens=total, kept_tokens=max_tokens, chars=len(text), kept_chars=len(kept)))
