"""Span decoding of extractive QA, as transformers 4.57's ``QuestionAnsweringPipeline`` did it.

Plain numpy on one window's start/end logits: which tokens may answer, the two softmaxes, every
(start, end) pair's score and the best of them, then character offsets widened to whole words.
Kept step for step with v4 (tests/test_reference_parity.py holds it to 4.57.6).
"""

from __future__ import annotations

from typing import Any

#: Logit given to tokens that cannot be part of an answer, as v4 did.
MASKED_LOGIT = -10000.0
#: v4's null score before any window is seen ("large and positive").
NO_NULL_SCORE = 1_000_000.0


def decode_spans(start: Any, end: Any, topk: int, max_answer_len: int, undesired_tokens: Any) -> tuple[Any, Any, Any]:
    """v4's ``decode_spans``: the ``topk`` best (start, end) pairs, end ≥ start, at most ``max_answer_len`` tokens.

    ``start``/``end`` are probabilities of shape (1, tokens); ``undesired_tokens`` is 1 where a token may answer.
    """
    import numpy as np

    outer = np.matmul(np.expand_dims(start, -1), np.expand_dims(end, 1))
    candidates = np.tril(np.triu(outer), max_answer_len - 1)
    scores_flat = candidates.flatten()
    if topk == 1:
        idx_sort = [np.argmax(scores_flat)]
    elif len(scores_flat) <= topk:  # v4 used <, and failed on ==
        idx_sort = np.argsort(-scores_flat)
    else:
        idx = np.argpartition(-scores_flat, topk)[0:topk]
        idx_sort = idx[np.argsort(-scores_flat[idx])]
    starts, ends = np.unravel_index(idx_sort, candidates.shape)[1:]
    # As v4: ``nonzero()`` of a (1, tokens) mask also yields its row indices, so token 0 always passes.
    allowed = undesired_tokens.nonzero()
    desired = np.isin(starts, allowed) & np.isin(ends, allowed)
    starts, ends = starts[desired], ends[desired]
    return starts, ends, candidates[0, starts, ends]


def select_starts_ends(
    start: Any,
    end: Any,
    p_mask: Any,
    attention_mask: Any,
    min_null_score: float = NO_NULL_SCORE,
    top_k: int = 1,
    handle_impossible_answer: bool = False,
    max_answer_len: int = 15,
) -> tuple[Any, Any, Any, float]:
    """v4's ``select_starts_ends`` for one window: mask, softmax, the null score, then ``decode_spans``."""
    import numpy as np

    start, end = np.asarray(start)[None], np.asarray(end)[None]
    undesired_tokens = np.abs(np.array(p_mask)[None] - 1)
    if attention_mask is not None:
        undesired_tokens = undesired_tokens & np.array(attention_mask)[None]
    undesired_tokens_mask = undesired_tokens == 0.0
    start = np.where(undesired_tokens_mask, MASKED_LOGIT, start)
    end = np.where(undesired_tokens_mask, MASKED_LOGIT, end)
    start = np.exp(start - start.max(axis=-1, keepdims=True))
    start = start / start.sum()
    end = np.exp(end - end.max(axis=-1, keepdims=True))
    end = end / end.sum()
    if handle_impossible_answer:
        min_null_score = min(min_null_score, (start[0, 0] * end[0, 0]).item())
    start[0, 0] = end[0, 0] = 0.0  # token 0 ([CLS], "no answer") is never a span
    starts, ends, scores = decode_spans(start, end, top_k, max_answer_len, undesired_tokens)
    return starts, ends, scores, min_null_score


def get_indices(encoding: Any, s: int, e: int, sequence_index: int, align_to_words: bool) -> tuple[int, int]:
    """Character offsets of tokens s..e; with ``align_to_words``, widened to the words they fall in (v4)."""
    if align_to_words:
        try:
            start_word = encoding.token_to_word(s)
            end_word = encoding.token_to_word(e)
            return (
                encoding.word_to_chars(start_word, sequence_index=sequence_index)[0],
                encoding.word_to_chars(end_word, sequence_index=sequence_index)[1],
            )
        except Exception:  # some tokenizers have no words (special tokens neither): token offsets then
            pass
    return encoding.offsets[s][0], encoding.offsets[e][1]
