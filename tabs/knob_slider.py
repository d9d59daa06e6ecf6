"""A slider for a generation knob whose range core checks, so every bad value gets core's clear message."""

import gradio as gr


class KnobSlider(gr.Slider):
    """A gr.Slider that leaves range checks to core.

    gradio's own check answers a value sent through the API outside the slider with a generic
    "Value 600 is greater than maximum value 512." in English; core's names the knob, its range
    and what to do, in Korean or English (``GenerationSettings.validate``).
    """

    is_template = True  # the frontend draws it as a plain slider

    def preprocess(self, payload: float) -> float:
        return gr.Number.round_to_precision(payload, self.precision)
