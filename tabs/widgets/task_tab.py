"""The head every task tab opens with: its tab, and a folded "About" with the tab's explanation."""

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
