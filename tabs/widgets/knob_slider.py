"""Sliders for the generation knobs, whose ranges core checks so every bad value gets core's clear message."""

from typing import Any

import gradio as gr


def knob_slider(*args: Any, **kwargs: Any) -> gr.Slider:
    """A gr.Slider that leaves range checks to core.

    gradio's own check answers a value sent through the API outside the slider with a generic
    "Value 600 is greater than maximum value 512." in English; core's names the knob, its range
    and what to do, in Korean or English (``GenerationSettings.validate``). The override is on the
    instance: a gr.Slider subclass would make gradio write a .pyi stub next to this file at start-up.
    """
    slider = gr.Slider(*args, **kwargs)
    slider.preprocess = lambda payload: gr.Number.round_to_precision(payload, slider.precision)
    return slider
