"""core.generation.next_token: the next-token distribution and what temperature, top-k and top-p do to it."""

import pytest
import torch

from core.generation.generate import TASK, GenerationSettings, prepare_prompt
from core.generation.next_token import SHOWN_CANDIDATES, next_token_distribution, readable_token
from core.runtime.loading import load_for_task


@pytest.fixture(scope="module")
def distribution(tiny_gpt2):
    loaded = load_for_task(TASK, str(tiny_gpt2))
    return next_token_distribution(loaded, prepare_prompt(loaded, "Hello, my name is", 10))


def test_candidates_are_the_models_most_likely_tokens_best_first(distribution, tiny_gpt2):
    candidates = distribution.candidates(GenerationSettings())
    assert len(candidates) == SHOWN_CANDIDATES
    probabilities = [c["probability"] for c in candidates]
    assert probabilities == sorted(probabilities, reverse=True)
    assert [c["rank"] for c in candidates] == list(range(1, SHOWN_CANDIDATES + 1))
    assert probabilities[0] == pytest.approx(float(torch.softmax(distribution.logits, -1).max()), rel=1e-5)


@pytest.mark.parametrize("top_k", [1, 3, 7])
def test_top_k_keeps_exactly_k_tokens(distribution, top_k):
    candidates = distribution.candidates(GenerationSettings(top_k=top_k))
    assert [c["kept"] for c in candidates] == [True] * top_k + [False] * (SHOWN_CANDIDATES - top_k)
    assert sum(c["sampling_probability"] for c in candidates) == pytest.approx(1.0, abs=1e-5)


def test_lower_temperature_sharpens_and_higher_flattens(distribution):
    top = [
        distribution.candidates(GenerationSettings(temperature=t))[0]["probability_at_temperature"]
        for t in (0.3, 1.0, 2.0)
    ]
    assert top[0] > top[1] > top[2]
    assert top[1] == pytest.approx(distribution.candidates(GenerationSettings())[0]["probability"], rel=1e-5)


def test_small_top_p_keeps_only_the_favourite(distribution):
    candidates = distribution.candidates(GenerationSettings(top_k=0, top_p=1e-6))
    assert [c["kept"] for c in candidates][:2] == [True, False]
    assert candidates[0]["sampling_probability"] == pytest.approx(1.0)


def test_greedy_draws_the_favourite_for_sure(distribution):
    candidates = distribution.candidates(GenerationSettings(do_sample=False))
    assert candidates[0]["sampling_probability"] == 1.0 and not any(c["kept"] for c in candidates[1:])


def test_json_names_the_settings_and_prompt_length(distribution):
    data = distribution.to_json(GenerationSettings(temperature=0.7))
    assert data["temperature"] == 0.7 and data["prompt_tokens"] == distribution.prompt_ids.shape[-1]
    assert len(data["candidates"]) == SHOWN_CANDIDATES


@pytest.mark.parametrize(("token", "shown"), [(" the", "␣the"), ("\n", "↵"), ("", "∅"), ("a\tb", "a⇥b")])
def test_tokens_are_made_readable(token, shown):
    assert readable_token(token) == shown
