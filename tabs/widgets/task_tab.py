"""What every task tab has: its head (the tab, its explanation folded under About) and, under its result,
the raw output and the notebook code."""

from collections.abc import Iterator
from contextlib import contextmanager

import gradio as gr

from tabs.i18n import tr


@contextmanager
def task_tab(prefix: str, tab_id: str, *more: str) -> Iterator[gr.Tab]:
    """``gr.Tab`` titled by ``<prefix>.tab`` with deep-link id ``tab_id``, opening with ``<prefix>.explain``
    (then the texts of the i18n keys ``more``) folded under "About"."""
    with gr.Tab(tr(f"{prefix}.tab"), id=tab_id) as tab:
        with gr.Accordion(tr("common.about"), open=False):
            for key in (f"{prefix}.explain", *more):
                gr.Markdown(tr(key))
        yield tab


def raw_and_code() -> tuple[gr.JSON, gr.Code]:
    """The two panels under every task's result: the raw output as the pipeline returns it, and the Python
    that reproduces it in a notebook."""
    return gr.JSON(label=tr("common.raw")), gr.Code(language="python", label=tr("common.code"))
