"""The step batcher's key/value cache: every row's keys and values in buffers with room to grow.

transformers' ``DynamicLayer`` appends a step's keys and values with ``torch.cat``, which copies the whole cache
at every step: for 16 rows of GPT-2 small at 300 positions that is ~350 MB a step, about 45 ms of a ~200 ms step
on one core of this CPU (measured for issue 20). Here each layer keeps its keys and values as views into larger
buffers: a step writes its one column in place; a joining row is written into a free row when its prompt fits
the batch's width; a leaving row's place is taken by the last row. The buffers are rebuilt only when a longer
prompt joins, the rows or columns run out, or the padding no row needs any more is worth dropping.

Rows are right-aligned: row ``i`` holds its own positions in the last columns, and the columns before them are
zeros hidden by the attention mask (zeros, never uninitialised memory: a masked NaN would still poison the sum).
"""

from __future__ import annotations

import functools
from typing import Any

#: Columns reserved beyond the current width when a buffer is (re)built, so steps write in place.
SPARE_COLUMNS = 64
#: Padding is dropped (one copy of the cache) once every row has at least this share of the width as padding.
TRIM_SHARE = 0.25


class Unbatchable(Exception):
    """This model's cache cannot be batched here (sliding-window or recurrent layers): generate it alone."""


def plain_layers(cache: Any) -> list[Any]:
    """The cache's layers when all are plain full-attention ``DynamicLayer``s; ``Unbatchable`` otherwise."""
    from transformers.cache_utils import DynamicLayer

    layers = list(getattr(cache, "layers", None) or [])
    if not layers or any(type(layer) is not DynamicLayer for layer in layers):
        raise Unbatchable(f"{type(cache).__name__} with {sorted({type(x).__name__ for x in layers})}")
    return layers


@functools.cache  # one class, made on first use: transformers is imported only when a batch is built
def _roomy() -> type:
    from transformers.cache_utils import DynamicLayer

    class RoomyLayer(DynamicLayer):
        """A ``DynamicLayer`` whose ``keys``/``values`` are views of buffers with spare rows and columns."""

        def __init__(self, keys: Any, values: Any, copies: int) -> None:
            super().__init__()
            self.device, self.is_initialized = keys.device, True
            self.rows, self.width = 0, 0
            self._keys = keys.new_empty((0, keys.shape[1], 0, keys.shape[3]))
            self._values = values.new_empty((0, values.shape[1], 0, values.shape[3]))
            self.add_rows(keys, values, copies)

        def _show(self) -> None:
            self.keys = self._keys[: self.rows, :, : self.width]
            self.values = self._values[: self.rows, :, : self.width]

        def _rebuild(self, rows: int, columns: int, shift: int = 0, start: int = 0) -> None:
            """New buffers; the rows move ``shift`` columns right (new padding) or lose their first ``start``."""
            kept = self.width - start
            for name in ("_keys", "_values"):
                old = getattr(self, name)
                new = old.new_empty((rows, old.shape[1], columns, old.shape[3]))
                new[: self.rows, :, shift : shift + kept] = old[: self.rows, :, start : self.width]
                new[: self.rows, :, :shift] = 0
                setattr(self, name, new)
            self.width = kept + shift

        def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
            """Write the step's columns in place (transformers calls this once per layer and step)."""
            added = key_states.shape[-2]
            if self.width + added > self._keys.shape[2]:
                self._rebuild(self._keys.shape[0], self.width + added + max(SPARE_COLUMNS, self.width // 4))
            self._keys[: self.rows, :, self.width : self.width + added] = key_states
            self._values[: self.rows, :, self.width : self.width + added] = value_states
            self.width += added
            self._show()
            return self.keys, self.values

        def add_rows(self, keys: Any, values: Any, copies: int, room: int = 1) -> None:
            """``copies`` new last rows holding one prompt's (1, heads, length, dim) keys and values."""
            length = keys.shape[2]
            needed = self.rows + copies
            shift = max(0, length - self.width)
            capacity_rows, capacity_columns = self._keys.shape[0], self._keys.shape[2]
            if needed > capacity_rows or shift:
                rows = capacity_rows if needed <= capacity_rows else max(needed, min(2 * capacity_rows, room))
                self._rebuild(rows, max(capacity_columns + shift, self.width + shift + SPARE_COLUMNS), shift=shift)
            pad = self.width - length
            for buffer, new in ((self._keys, keys), (self._values, values)):
                buffer[self.rows : needed, :, :pad] = 0
                buffer[self.rows : needed, :, pad : self.width] = new
            self.rows = needed
            self._show()

        def move_rows(self, moves: list[tuple[int, int]], rows: int) -> None:
            """Copy row ``source`` onto row ``target`` for each move, then keep the first ``rows`` rows."""
            for target, source in moves:
                self._keys[target, :, : self.width] = self._keys[source, :, : self.width]
                self._values[target, :, : self.width] = self._values[source, :, : self.width]
            self.rows = rows
            self._show()

        def trim(self, columns: int) -> None:
            """Drop the first ``columns`` columns (padding in every row)."""
            self._rebuild(self._keys.shape[0], self.width - columns + SPARE_COLUMNS, start=columns)
            self._show()

    return RoomyLayer


class BatchCache:
    """The batch's cache for ``model(cache=...)``: rows join at the end, leave by index, widths tracked per row."""

    def __init__(self, cache: Any, copies: int, room: int) -> None:
        layers = plain_layers(cache)
        self.room = room  # the most rows the batch will hold: buffers grow towards it at once
        self.cache = cache
        cache.layers = [_roomy()(layer.keys, layer.values, copies) for layer in layers]
        self.lengths = [layers[0].keys.shape[2]] * copies  # each row's own positions (the rest is padding)

    @property
    def width(self) -> int:
        return self.cache.layers[0].width

    def pads(self) -> list[int]:
        """Each row's padding columns, in row order."""
        return [self.width - length for length in self.lengths]

    def add(self, cache: Any, copies: int) -> None:
        """One prefilled prompt's cache as ``copies`` new last rows."""
        layers = plain_layers(cache)
        for mine, new in zip(self.cache.layers, layers, strict=True):
            mine.add_rows(new.keys, new.values, copies, self.room)
        self.lengths += [layers[0].keys.shape[2]] * copies

    def stepped(self) -> None:
        """Every row gained one position (the model wrote it through ``update``)."""
        self.lengths = [length + 1 for length in self.lengths]

    def remove(self, leaving: set[int]) -> list[int]:
        """Take rows out; the last rows fill their places. Returns the old index of each row, in the new order."""
        order = list(range(len(self.lengths)))
        moves = []
        for hole in sorted(leaving):
            while order and order[-1] in leaving:
                order.pop()
            if hole >= len(order):
                break
            moves.append((hole, order[-1]))
            order[hole] = order.pop()
        for layer in self.cache.layers:
            layer.move_rows(moves, len(order))
        self.lengths = [self.lengths[i] for i in order]
        trim = min(self.pads(), default=0)
        if trim and trim >= TRIM_SHARE * self.width:
            for layer in self.cache.layers:
                layer.trim(trim)
        return order
