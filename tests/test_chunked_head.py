"""core.generation.chunked_head: a batch's steps multiply the LM head in slices, and nothing else changes."""

import pytest
import torch

import core.generation.chunked_head as chunked_head
from core.generation.batcher import batcher_for
from core.generation.chunked_head import step_model
from core.generation.generate import TASK
from core.runtime.loading import load_for_task
from tests.test_generate_batching import test_the_same_seed_gives_the_same_text_alone_or_in_a_batch as same_seed


@pytest.fixture
def sliced(tiny_gpt2):
    """The tiny GPT-2's batch stepping through a twin with its head in 7-token slices (the tiny vocabulary is
    under the default)."""
    model = load_for_task(TASK, str(tiny_gpt2)).model
    batcher = batcher_for(model)
    before = batcher.stepper
    twin = batcher.stepper = step_model(model, rows=7, slice_from=0)
    yield model, twin
    batcher.stepper = before


def test_the_twin_slices_the_head_over_the_same_weights_and_leaves_the_model_alone(sliced):
    model, twin = sliced
    assert twin is not model
    assert type(model.lm_head) is torch.nn.Linear  # the model other tabs use is unchanged
    assert type(twin.lm_head).__name__ == "SlicedHead"
    assert twin.lm_head.head is model.lm_head
    assert {p.data_ptr() for p in twin.parameters()} == {p.data_ptr() for p in model.parameters()}
    assert batcher_for(model).stepper is twin  # what the batch's steps call


@pytest.mark.parametrize(("rows", "length"), [(1, 1), (1, 6), (2, 1), (5, 6)])
def test_the_twins_logits_are_the_models(sliced, rows, length):
    model, twin = sliced
    ids = torch.randint(0, model.config.vocab_size, (rows, length), generator=torch.Generator().manual_seed(rows))
    with torch.inference_mode():
        ours, theirs = twin(input_ids=ids).logits, model(input_ids=ids).logits
    assert ours.shape == theirs.shape
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-6)
    if rows * length == 1:  # one position (a lone row's step) is the whole product, as the model computes it
        assert torch.equal(ours, theirs)


def test_a_head_with_a_bias_is_sliced_with_its_bias():
    head = torch.nn.Linear(16, 50, bias=True)
    sliced_head = chunked_head._sliced_head_class()(head, 7)
    hidden = torch.randn(3, 4, 16)
    with torch.no_grad():
        torch.testing.assert_close(sliced_head(hidden), head(hidden), rtol=1e-6, atol=1e-6)
    assert sliced_head(hidden).requires_grad  # with gradients wanted, the whole product (addmm's out= has none)


def test_small_heads_and_heads_off_the_cpu_are_left_whole(tiny_gpt2):
    model = load_for_task(TASK, str(tiny_gpt2)).model
    assert step_model(model, rows=7, slice_from=10**9) is model
    meta = torch.nn.Linear(4, 9000, device="meta")
    fake = torch.nn.Module()
    fake.lm_head = meta
    fake.get_output_embeddings = lambda: meta
    assert step_model(fake, rows=7, slice_from=0) is fake


def test_with_a_sliced_head_the_same_seed_still_gives_the_same_text_alone_or_in_a_batch(sliced, tiny_gpt2):
    same_seed(tiny_gpt2)
