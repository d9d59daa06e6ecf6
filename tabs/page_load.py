"""What the page does when it opens, sent as one event instead of one per tab.

Each model box's status line, the fill-mask token line and the cache scan run when the page opens. As
separate page-load events (with the link's, 19 of them) they cost as many requests, and gradio's page pays for
each event's status changes on every component that ever had a status: its client walks the whole component
tree (713 components here) once per such component and change, about 1.2 s of a page open's script on one
core. One event makes one request and two status changes. Each part still gets its own inputs and outputs;
a part that fails leaves its outputs as they are and the others still answer.

Page-load work that reads a model's files (the translation pickers, the tokenizer's length limit) stays in
its own event, so that the page's status lines never wait on a download; the link's event runs only when the
address has a query string (``tabs/deep_link.py``).
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from tabs.boundary import say_error_as_warning

log = logging.getLogger("playground")


@dataclass(frozen=True)
class PagePart:
    """One piece of page-load work: ``fn(*values of inputs, request=...)`` gives values for ``outputs``."""

    fn: Callable[..., Any]
    inputs: tuple[Any, ...]
    outputs: tuple[Any, ...]

    @property
    def name(self) -> str:
        return getattr(self.fn, "__name__", "part")

    def run(self, values: Sequence[Any], request: gr.Request | None) -> list[Any]:
        """This part's output values; on a failure, its outputs untouched (logged, never shown as a trace)."""
        try:
            result = self.fn(*values, request=request)
        except gr.Error as error:  # a message for the student (a cache folder that cannot be read): still said
            say_error_as_warning(error)
            return [gr.skip() for _ in self.outputs]
        except Exception:  # noqa: BLE001 (one part failing must not blank the rest of the page)
            log.exception("page-load part %s failed", self.name)
            return [gr.skip() for _ in self.outputs]
        return [result] if len(self.outputs) == 1 else list(result)


@dataclass
class PageLoad:
    """The parts registered while the app is built, sent as one page-load event by ``wire``."""

    parts: list[PagePart] = field(default_factory=list)

    def add(self, fn: Callable[..., Any], inputs: Sequence[Any], outputs: Sequence[Any]) -> None:
        """Run ``fn`` when the page opens. It takes its inputs' values and a ``request`` keyword."""
        taken = {id(block) for part in self.parts for block in part.outputs}
        clash = [block for block in outputs if id(block) in taken]
        if clash:  # two parts writing one component: which value the page shows would depend on order
            raise ValueError(f"{getattr(fn, '__name__', fn)} writes a component another page-load part writes")
        self.parts.append(PagePart(fn, tuple(inputs), tuple(outputs)))

    def wire(self, blocks: gr.Blocks) -> None:
        """One private ``load`` event for every part, its inputs given once each."""
        if not self.parts:
            return
        inputs: list[Any] = []
        position: dict[int, int] = {}  # by id: components compare by value, and two equal boxes are two inputs
        for part in self.parts:
            for block in part.inputs:
                if id(block) not in position:
                    position[id(block)] = len(inputs)
                    inputs.append(block)
        where = [[position[id(block)] for block in part.inputs] for part in self.parts]
        parts = list(self.parts)

        def page_opened(request: gr.Request, *values: Any) -> list[Any]:
            out: list[Any] = []
            for part, indices in zip(parts, where, strict=True):
                out += part.run([values[i] for i in indices], request)
            return out

        page_opened.parts = parts  # type: ignore[attr-defined]  (tests call each part as the page would)
        blocks.load(
            page_opened,
            inputs=inputs,
            outputs=[block for part in parts for block in part.outputs],
            api_visibility="private",
            queue=False,
            show_progress="hidden",
        )
