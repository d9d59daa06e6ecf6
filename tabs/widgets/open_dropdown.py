"""A dropdown that takes any value the user types, and says so to programs.

``gr.Dropdown(allow_custom_value=True)`` accepts a typed value in the page, but its API schema lists
the choices as an ``enum``; an MCP client validates against that schema and refuses a model id the
list does not hold. This dropdown's schema is "a string", with the choices as examples.
"""

from typing import Any

import gradio as gr


def open_dropdown(*args: Any, **kwargs: Any) -> gr.Dropdown:
    """``gr.Dropdown(..., allow_custom_value=True)`` whose API schema takes any string.

    The override is on the instance (as in knob_slider.py): a gr.Dropdown subclass would make gradio write
    a .pyi stub next to this file at start-up.
    """
    dropdown = gr.Dropdown(*args, allow_custom_value=True, **kwargs)
    closed_schema = dropdown.api_info

    def api_info() -> dict[str, Any]:
        info = closed_schema()
        schema = info["items"] if dropdown.multiselect else info
        choices = schema.pop("enum", [])
        if choices:
            schema["examples"] = choices
        return info

    dropdown.api_info = api_info
    return dropdown
