"""One module per tab: UI only (components, examples, wiring). Each exposes ``build(ctx)`` and ``STRINGS``."""

from importlib import import_module
from types import ModuleType

#: Tab modules in the order they appear. A new tab is one module here and one line below.
TAB_NAMES: tuple[str, ...] = (
    "classify",
    "remote",
    "answer",
    "summarize",
    "translate",
    "tokenize",
    "inspector",
    "embeddings",
    "compare",
    "cache",
    "detect",
    "generate",
    "zero_shot",
    "ner",
    "fill_mask",
    "similarity",
    "finetune",
    # one line per tab, in screen order
)


def tab_modules() -> list[ModuleType]:
    return [import_module(f"tabs.{name}") for name in TAB_NAMES]
