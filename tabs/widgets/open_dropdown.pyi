"""A dropdown that takes any value the user types, and says so to programs.

``gr.Dropdown(allow_custom_value=True)`` accepts a typed value in the page, but its API schema lists
the choices as an ``enum``; an MCP client validates against that schema and refuses a model id the
list does not hold. This dropdown's schema is "a string", with the choices as examples.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from gradio.events import Dependency

class OpenDropdown(gr.Dropdown):
    """``gr.Dropdown`` with ``allow_custom_value=True``; the page draws it as a dropdown (``is_template``)."""

    is_template = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_custom_value"] = True
        super().__init__(*args, **kwargs)

    def api_info(self) -> dict[str, Any]:
        info = super().api_info()
        schema = info["items"] if self.multiselect else info
        choices = schema.pop("enum", [])
        if choices:
            schema["examples"] = choices
        return info
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component