"""Helpers for the "Code" panels: the student's own input, quoted as Python, within reason."""

from __future__ import annotations

#: Longer inputs are cut in the panel (the panel says so); the code itself stays runnable.
PANEL_CHARS = 2000


def text_literal(text: str, limit: int = PANEL_CHARS) -> str:
    """``text`` as a Python string literal; past ``limit`` characters, cut, with a comment saying so."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}  # shortened to {limit:,} of {len(text):,} characters: paste your whole text"
