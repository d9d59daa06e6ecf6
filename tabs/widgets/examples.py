"""Examples a new user clicks first, with column headers readable in both languages."""

from collections.abc import Sequence
from typing import Any

import gradio as gr

from tabs.i18n import tr


def examples(rows: list[list[Any]], inputs: Sequence[gr.components.Component], headers: Sequence[str]) -> gr.Examples:
    """``gr.Examples`` over ``inputs``; ``headers`` name the columns ("text · 문장").

    gradio's examples table shows component labels untranslated (raw i18n keys), so the
    headers are given here in plain bilingual text instead.
    """
    if len(headers) != len(inputs):
        raise ValueError(f"{len(headers)} headers for {len(inputs)} example inputs")
    block = gr.Examples(examples=rows, inputs=list(inputs), label=tr("common.examples"))
    block.dataset.headers = list(headers)
    return block
