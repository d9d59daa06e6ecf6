"""The "next token" panel: what the model would say next, and what sampling does to it.

One forward pass on the prompt gives a score (logit) for every token in the vocabulary.
Softmax turns them into probabilities; ``temperature`` divides the logits first (below 1 the
favourite grows, above 1 the field evens out); ``top_k`` keeps only the k most likely tokens and
``top_p`` the smallest set whose probabilities add up to p; sampling draws from what is left,
renormalised. Each step uses transformers' own logits processors, in ``generate``'s order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from core.generation.generate import TASK, GenerationSettings, Prompt
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

SHOWN_CANDIDATES = 20


class Candidate(TypedDict):
    rank: int
    token_id: int
    token: str
    probability: float
    probability_at_temperature: float
    kept: bool
    sampling_probability: float


@dataclass
class NextTokenDistribution:
    """The raw logits of the token after the prompt, with the tokenizer's spelling of the best ones."""

    prompt_ids: Any  # (1, prompt length) tensor on the CPU
    logits: Any  # (vocabulary,) float32 tensor on the CPU
    ranked_ids: list[int]
    ranked_tokens: list[str]

    def candidates(self, settings: GenerationSettings) -> list[Candidate]:
        """The best tokens by the model's own probability, as temperature, top-k and top-p leave them."""
        import torch

        raw = self.logits[None, :]
        model_probs = torch.softmax(raw, dim=-1)[0]
        penalised = _processors(settings, repetition_only=True)(self.prompt_ids, raw.clone())
        at_temperature = torch.softmax(penalised / _temperature(settings), dim=-1)[0]
        sampled = _processors(settings)(self.prompt_ids, raw.clone())
        sampling = torch.softmax(sampled, dim=-1)[0] if settings.do_sample else _greedy(sampled[0])
        return [
            Candidate(
                rank=rank + 1,
                token_id=token_id,
                token=token,
                probability=float(model_probs[token_id]),
                probability_at_temperature=float(at_temperature[token_id]),
                kept=bool(sampling[token_id] > 0),
                sampling_probability=float(sampling[token_id]),
            )
            for rank, (token_id, token) in enumerate(zip(self.ranked_ids, self.ranked_tokens, strict=True))
        ]

    def to_json(self, settings: GenerationSettings) -> dict[str, Any]:
        return {
            "prompt_tokens": int(self.prompt_ids.shape[-1]),
            "do_sample": settings.do_sample,
            "temperature": settings.temperature,
            "top_k": settings.top_k,
            "top_p": settings.top_p,
            "repetition_penalty": settings.repetition_penalty,
            "candidates": self.candidates(settings),
        }


def _temperature(settings: GenerationSettings) -> float:
    return settings.temperature if settings.do_sample else 1.0


def _greedy(scores: Any) -> Any:
    import torch

    chosen = torch.zeros_like(scores)
    chosen[int(scores.argmax())] = 1.0
    return chosen


def _processors(settings: GenerationSettings, *, repetition_only: bool = False) -> Any:
    """transformers' logits processors for these settings, in the order ``generate`` applies them."""
    from transformers import (
        LogitsProcessorList,
        RepetitionPenaltyLogitsProcessor,
        TemperatureLogitsWarper,
        TopKLogitsWarper,
        TopPLogitsWarper,
    )

    processors = LogitsProcessorList()
    if settings.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(settings.repetition_penalty))
    if repetition_only or not settings.do_sample:
        return processors
    if settings.temperature != 1.0:
        processors.append(TemperatureLogitsWarper(settings.temperature))
    if settings.top_k:
        processors.append(TopKLogitsWarper(settings.top_k))
    if settings.top_p < 1.0:
        processors.append(TopPLogitsWarper(settings.top_p))
    return processors


def readable_token(token: str) -> str:
    """A token as a student can read it on an axis: spaces and line breaks made visible."""
    return token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥") or "∅"


def _spelling(tokenizer: Any, token_id: int) -> str:
    """The token as text; its vocabulary entry (e.g. ``<0xE3>``, ``ì``) when it is only part of a character."""
    text = tokenizer.decode([token_id])
    return tokenizer.convert_ids_to_tokens(token_id) if "\ufffd" in text else text


def next_token_distribution(
    loaded: LoadedModel, prompt: Prompt, shown: int = SHOWN_CANDIDATES
) -> NextTokenDistribution:
    """One forward pass on the prompt: the logits of the next token and the ``shown`` most likely tokens."""
    import torch

    with torch.inference_mode():
        output = loaded.model(input_ids=prompt.input_ids, attention_mask=prompt.attention_mask)
    logits = output.logits[0, -1].float().cpu()
    top = torch.topk(logits, k=min(shown, logits.shape[-1]))
    ids = [int(i) for i in top.indices]
    tokens = [_spelling(loaded.preprocessor, i) for i in ids]
    return NextTokenDistribution(
        prompt_ids=prompt.input_ids.cpu(), logits=logits, ranked_ids=ids, ranked_tokens=tokens
    )


def predict_next_token(
    model: str, prompt: Prompt, *, device: str = "auto", policy: LoadPolicy = PRIVATE
) -> NextTokenDistribution:
    """The next-token distribution after ``prompt`` (as prepared by ``core.generation.generate``) for ``model``."""
    return next_token_distribution(load_for_task(TASK, model, device=device, policy=policy), prompt)
