"""core.generation.batch_sampling: rows warped together get exactly what their own transformers warpers give."""

import math
from types import SimpleNamespace

import pytest
import torch
from transformers import LogitsProcessorList
from transformers.generation.logits_process import (
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from core.generation.batch_sampling import Warping, choose_one, choose_tokens, warp, warping_of
from core.generation.batcher import Request, _sampling_setup
from core.generation.generate import TASK, GenerationSettings
from core.runtime.loading import load_for_task

#: Mixed settings, one row each: (temperature, top_k, top_p), None where generate would not add that warper.
SETTINGS = [
    (None, None, None),
    (0.7, 50, None),
    (1.3, None, 0.9),
    (None, 5, 0.8),
    (0.5, None, 0.5),
    (2.0, 1, None),
    (None, None, 0.95),
    (0.9, 400, 0.3),
    (1.1, 3000, None),
    (None, 20, 0.999),
]


def _warpers(temperature, top_k, top_p) -> LogitsProcessorList:
    """The warpers ``generate`` builds for these settings, in its order."""
    warpers = LogitsProcessorList()
    if temperature is not None:
        warpers.append(TemperatureLogitsWarper(temperature))
    if top_k is not None:
        warpers.append(TopKLogitsWarper(top_k=top_k))
    if top_p is not None:
        warpers.append(TopPLogitsWarper(top_p=top_p))
    return warpers


def _logits(rows: int, vocabulary: int, seed: int, ties: bool = False) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(rows, vocabulary, generator=generator) * 3
    if ties:  # few distinct values: the top-p boundary often falls inside a run of equal scores
        logits = torch.round(logits)
    return logits


@pytest.mark.parametrize("vocabulary", [50, 5000, 50257])
@pytest.mark.parametrize("ties", [False, True])
def test_warping_rows_together_equals_each_rows_own_warpers(vocabulary, ties):
    ids = torch.tensor([[1, 2, 3]])
    for seed in range(4):
        logits = _logits(len(SETTINGS), vocabulary, seed, ties)
        together = warp(logits, [Warping(*s) for s in SETTINGS])
        probs = torch.nn.functional.softmax(together, dim=-1)
        for i, setting in enumerate(SETTINGS):
            alone = _warpers(*setting)(ids, logits[i : i + 1].clone())
            assert torch.equal(together[i : i + 1], alone), f"row {i} {setting}: scores differ"
            assert torch.equal(torch.isinf(together[i]), torch.isinf(alone[0])), "the kept set differs"
            assert torch.equal(probs[i : i + 1], torch.nn.functional.softmax(alone, dim=-1))


def test_warp_leaves_its_input_alone():
    logits = _logits(3, 100, 0)
    before = logits.clone()
    warp(logits, [Warping(0.5, 10, 0.9), Warping(top_p=0.5), Warping(top_k=3)])
    assert torch.equal(logits, before)


def test_the_top_p_limit_is_compared_as_the_warper_compares_it():
    """1 - 0.9 is 0.09999999999999998 as a Python float, and 0.1 (rounded up) as float32: the warper's boundary."""
    ids = torch.tensor([[0]])
    probs = torch.tensor([[0.1, 0.2, 0.3, 0.4]], dtype=torch.float32)
    logits = torch.log(probs)
    alone = _warpers(None, None, 0.9)(ids, logits.clone())
    assert torch.equal(warp(logits, [Warping(top_p=0.9)]), alone)


def _rows(settings, sample=True, seed=0):
    rows = []
    for k, setting in enumerate(settings):
        generator = torch.Generator().manual_seed(seed + k)
        processors = _warpers(*setting) if sample else LogitsProcessorList()
        rows.append(
            SimpleNamespace(
                ids=[5, 6, 7],
                processors=processors,
                generator=generator,
                do_sample=sample,
                warping=warping_of(processors),
            )
        )
    return rows


@pytest.mark.parametrize("sample", [True, False])
def test_choosing_together_draws_what_each_row_draws_alone(sample):
    logits = _logits(len(SETTINGS), 5000, 7)
    together, alone = _rows(SETTINGS, sample), _rows(SETTINGS, sample)
    for row in alone:
        row.warping = None  # the row-by-row path: the processors themselves
    for _ in range(5):  # several steps: each row's generator must advance exactly as alone
        assert choose_tokens(together, logits) == choose_tokens(alone, logits)
        logits = torch.roll(logits, 1, dims=-1)


def test_rows_with_a_history_processor_run_their_processors_alone():
    logits = _logits(2, 300, 3)
    rows = _rows([(0.8, 20, 0.9), (None, None, None)])
    rows[1].processors = LogitsProcessorList([RepetitionPenaltyLogitsProcessor(1.5)])
    rows[1].warping = warping_of(rows[1].processors)
    assert rows[1].warping is None
    twin = _rows([(0.8, 20, 0.9), (None, None, None)])
    twin[1].processors = LogitsProcessorList([RepetitionPenaltyLogitsProcessor(1.5)])
    assert choose_tokens(rows, logits) == [choose_one(row, logits[i : i + 1]) for i, row in enumerate(twin)]


def test_only_the_row_wise_warpers_in_generates_order_are_taken_together():
    assert warping_of([]) == Warping()
    assert warping_of(_warpers(0.7, 50, 0.9)) == Warping(0.7, 50, 0.9)
    assert warping_of([TopPLogitsWarper(0.9), TemperatureLogitsWarper(0.7)]) is None  # another order
    assert warping_of([TopKLogitsWarper(5, filter_value=-1e9)]) is None
    assert warping_of([TopPLogitsWarper(0.9, min_tokens_to_keep=2)]) is None
    assert warping_of([RepetitionPenaltyLogitsProcessor(1.2)]) is None
    assert warping_of([TopKLogitsWarper(5), TopKLogitsWarper(3)]) is None
    assert math.isinf(TopKLogitsWarper(5).filter_value)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (GenerationSettings(temperature=0.7, top_k=50, top_p=0.9), Warping(0.7, 50, 0.9)),
        (GenerationSettings(top_k=0), Warping()),
        (GenerationSettings(do_sample=False), Warping()),
        (GenerationSettings(repetition_penalty=1.3), None),
    ],
)
def test_the_processors_generate_builds_for_the_tabs_settings(tiny_gpt2, settings, expected):
    model = load_for_task(TASK, str(tiny_gpt2)).model
    request = Request(input_ids=torch.tensor([[1, 2]]), generate_kwargs=settings.generate_kwargs(), seeds=[1])
    processors, *_ = _sampling_setup(model, request, 2)
    assert warping_of(processors) == expected


@pytest.mark.parametrize("vocabulary", [7, 5000, 50257])
@pytest.mark.parametrize("noise_check", [True, False])
def test_each_rows_draw_is_torch_multinomials_and_leaves_its_generator_where_multinomial_does(
    vocabulary, noise_check, monkeypatch
):
    import core.generation.batch_sampling as batch_sampling

    monkeypatch.setattr(batch_sampling, "_NOISE_CHECK", [noise_check])  # False: the per-row multinomial path
    for seed in range(6):
        logits = _logits(9, vocabulary, seed)
        if seed % 2:  # top-k-like rows: most probabilities are exactly zero
            logits = logits.masked_fill(logits < logits.topk(3).values[:, -1:], -math.inf)
        probs = torch.softmax(logits, dim=-1)
        ours = [torch.Generator().manual_seed(100 * seed + j) for j in range(9)]
        theirs = [torch.Generator().manual_seed(100 * seed + j) for j in range(9)]
        for _ in range(3):
            expected = [int(torch.multinomial(probs[j : j + 1], 1, generator=g)[0, 0]) for j, g in enumerate(theirs)]
            assert batch_sampling.draw_rows(probs, ours) == expected
        assert all(torch.equal(a.get_state(), b.get_state()) for a, b in zip(ours, theirs, strict=True))


def test_the_noise_identity_is_checked_against_the_installed_torch():
    import core.generation.batch_sampling as batch_sampling

    assert batch_sampling._noise_is_exponential()  # this torch: the fast draw is the one in use
