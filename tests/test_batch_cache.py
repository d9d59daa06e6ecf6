"""core.generation.batch_cache: rows join, step, leave and lose padding; each row keeps exactly its own keys."""

import pytest
import torch
from transformers import DynamicCache

from core.generation.batch_cache import SPARE_COLUMNS, BatchCache, Unbatchable, plain_layers

LAYERS, HEADS, DIM = 2, 2, 3


def _prefill(length: int, seed: int) -> DynamicCache:
    """A one-row cache as a prompt's prefill leaves it."""
    generator = torch.Generator().manual_seed(seed)
    cache = DynamicCache()
    for layer in range(LAYERS):
        keys = torch.randn(1, HEADS, length, DIM, generator=generator)
        cache.update(keys, -keys, layer)
    return cache


class Reference:
    """What each row must hold: its own keys, one (heads, length, dim) tensor per layer, in the batch's order."""

    def __init__(self) -> None:
        self.rows: list[list[torch.Tensor]] = []

    def add(self, cache: DynamicCache, copies: int) -> None:
        self.rows += [[layer.keys[0].clone() for layer in cache.layers] for _ in range(copies)]

    def step(self, batch: BatchCache, seed: int) -> None:
        generator = torch.Generator().manual_seed(seed)
        for layer_index, layer in enumerate(batch.cache.layers):
            keys = torch.randn(len(self.rows), HEADS, 1, DIM, generator=generator)
            returned, values = layer.update(keys, -keys)
            assert returned is layer.keys and torch.equal(values, -returned)
            for row, new in zip(self.rows, keys, strict=True):
                row[layer_index] = torch.cat([row[layer_index], new], dim=-2)
        batch.stepped()

    def check(self, batch: BatchCache) -> None:
        assert len(batch.lengths) == len(self.rows)
        for layer_index, layer in enumerate(batch.cache.layers):
            assert layer.keys.shape == (len(self.rows), HEADS, batch.width, DIM)
            for i, (row, pad) in enumerate(zip(self.rows, batch.pads(), strict=True)):
                assert batch.lengths[i] == row[layer_index].shape[-2]
                assert torch.equal(layer.keys[i, :, pad:], row[layer_index])
                assert torch.equal(layer.values[i, :, pad:], -row[layer_index])
                assert not layer.keys[i, :, :pad].any() and not layer.values[i, :, :pad].any()


def test_rows_join_step_and_leave_each_keeping_its_own_keys():
    reference = Reference()
    first = _prefill(5, 0)
    reference.add(first, 2)
    batch = BatchCache(first, 2, room=8)
    reference.check(batch)
    for seed, (length, copies) in enumerate([(8, 1), (3, 2), (8, 1)], start=1):  # longer (a shift), shorter, equal
        joining = _prefill(length, seed)
        reference.add(joining, copies)
        batch.add(joining, copies)
        reference.check(batch)
    assert batch.width == 8 and batch.pads() == [3, 3, 0, 5, 5, 0]
    reference.step(batch, 10)
    reference.check(batch)
    order = batch.remove({1, 4})
    assert sorted(order) == [0, 2, 3, 5] and order[:1] == [0]
    reference.rows = [reference.rows[i] for i in order]
    reference.check(batch)
    reference.step(batch, 11)
    reference.check(batch)


def test_steps_past_the_spare_columns_grow_the_buffers():
    reference = Reference()
    first = _prefill(4, 0)
    reference.add(first, 3)
    batch = BatchCache(first, 3, room=4)
    for seed in range(SPARE_COLUMNS + 5):
        reference.step(batch, seed)
    reference.check(batch)
    assert batch.width == 4 + SPARE_COLUMNS + 5


def test_padding_no_row_needs_is_dropped_when_the_long_row_leaves():
    reference = Reference()
    short, long = _prefill(3, 0), _prefill(40, 1)
    reference.add(short, 2)
    batch = BatchCache(short, 2, room=4)
    batch.add(long, 1)
    reference.add(long, 1)
    reference.step(batch, 2)
    assert batch.width == 41
    order = batch.remove({2})
    reference.rows = [reference.rows[i] for i in order]
    assert batch.width == 4 and batch.pads() == [0, 0]
    reference.check(batch)
    reference.step(batch, 3)
    reference.check(batch)


def test_every_row_leaving_in_any_order_keeps_the_rest_right():
    for leaving in [{0}, {5}, {0, 5}, {1, 2, 3}, {0, 1, 2, 3, 4}, {4, 5}]:
        reference = Reference()
        first = _prefill(6, 0)
        batch = BatchCache(first, 1, room=8)
        reference.add(first, 1)
        for seed in range(1, 6):
            joining = _prefill(6 - seed % 3, seed)
            batch.add(joining, 1)
            reference.add(joining, 1)
        order = batch.remove(leaving)
        assert sorted(order) == sorted(set(range(6)) - leaving)
        reference.rows = [reference.rows[i] for i in order]
        reference.check(batch)


def test_a_cache_with_other_layers_is_unbatchable():
    from transformers.cache_utils import DynamicSlidingWindowLayer

    cache = _prefill(4, 0)
    assert len(plain_layers(cache)) == LAYERS
    cache.layers[1] = DynamicSlidingWindowLayer(sliding_window=2)
    with pytest.raises(Unbatchable, match="DynamicSlidingWindowLayer"):
        plain_layers(cache)
    with pytest.raises(Unbatchable):
        BatchCache(cache, 1, room=2)
