"""One module per tab: UI only (components, examples, wiring). Each exposes ``build(ctx)`` and ``STRINGS``.

A large tab is split into sections beside it (``tokenizer_*.py`` for the tokenizer lab, ``finetune_*.py`` for
the fine-tuning lab); pieces of screen that several tabs build alike are in ``tabs/widgets/``. A tab that drives
another's component asks the context for it (``AppContext.register`` / ``on_component``).
"""

from importlib import import_module
from types import ModuleType

#: Tab modules in the order they appear. A new tab is one module here and one line below.
TAB_NAMES: tuple[str, ...] = (
    "classify",
    "zero_shot",
    "ner",
    "answer",
    "summarize",
    "translate",
    "generate",
    "fill_mask",
    "similarity",
    "detect",
    "tokenize",
    "inspector",
    "embeddings",
    "compare",
    "finetune",
    "remote",
    "cache",
    # one line per tab, in screen order: the course's order, then the tools
)


def tab_modules() -> list[ModuleType]:
    return [import_module(f"tabs.{name}") for name in TAB_NAMES]
