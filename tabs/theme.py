"""The app's look: gradio's default theme (a Space's orange and zinc), with every text colour readable.

gradio's defaults put white text on orange 500 (2.8:1) and grey info text on white (zinc 400, 1.9:1);
WCAG 2 AA asks for 4.5:1. The same hues, one or two steps darker, reach it: white on orange 700 is
5.2:1, zinc 600 on white 7.7:1, white on red 700 6.5:1. gradio has one accent colour for both modes, and
orange 700 is too dark on a dark page: dark mode keeps gradio's orange 500 (CSS below). The JSON viewer's
syntax colours are CSS variables of its own, pale on white: darker shades of the same hues in light mode.
A long path in a text (``code``) wraps on a phone instead of making its box a scroll region.
A table's header breaks only between words (gradio's ``break-word`` made "token s" of a narrow column's
"tokens"): a header is then as wide as its longest word, and Korean words stay whole too (``keep-all``).
tests/test_accessibility.py runs axe on every tab, light and dark.
"""

from __future__ import annotations

import gradio as gr
from gradio.themes.utils import colors

#: Applied after the theme's own variables: what the theme's settings cannot say per mode.
CSS = """
.dark { --color-accent: var(--primary-500); }
body:not(.dark) .json-node.json-node {
  --text-color: #a64d2a; --string-color: #9a4a2b; --number-color: #2e6b7c; --bracket-color: #3d7373;
  --square-bracket-color: #a63d48; --punctuation-color: #3f6f6f; --line-number-color: #5b636c;
}
.dark .json-node.json-node { --number-color: #719fad; }
.prose code { overflow-wrap: anywhere; }
th.header-cell span.header.text { word-break: keep-all; overflow-wrap: normal; }
"""


def playground_theme() -> gr.themes.Base:
    """gradio's Default theme, with text colours that reach 4.5:1 in light and dark mode."""
    return gr.themes.Default(primary_hue=colors.orange, neutral_hue=colors.zinc).set(
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_400",
        color_accent="*primary_700",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_hover_dark="*primary_800",
        button_cancel_background_fill=colors.red.c700,
        button_cancel_background_fill_dark=colors.red.c700,
        button_cancel_background_fill_hover=colors.red.c800,
        button_cancel_background_fill_hover_dark=colors.red.c800,
    )
