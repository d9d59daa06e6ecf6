"""The app's public endpoints as tools for programs: gradio_client, and MCP clients (``--mcp``).

gradio turns every public endpoint into an MCP tool named after its function and described by its
docstring. Here the tools are named after their task (``classify``, not ``run_classify``), and the
endpoints that only serve the page (refreshes, cache administration) are kept out of the tool list;
they stay in the API, so the page and scripts that use them keep working. In public mode nothing that
writes to the server's disk is offered as a tool.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

#: Endpoints that serve the page or administer this machine: no use to an assistant.
PAGE_HELPERS = frozenset({"cache_list", "cache_delete", "prefetch_plan", "prefetch", "loaded_models", "unload"})
#: Endpoints that write to the server's disk (datasets, trained models, tokenizer files).
WRITES_TO_DISK = frozenset({"load_dataset", "finetune", "train_tokenizer"})


#: The settings every task takes after its own parameters (tabs/call.py), described once for every tool.
COMMON_ARGS = {
    "device": "where the model runs: 'auto' (CUDA when there is a GPU, in half precision there), 'cpu' or 'cuda'; default 'auto'.",
    "language": "language of messages and notices: 'auto' (the browser's), 'en' or 'ko'; default 'auto'.",
    "backend": "'local' runs the model in this app; 'remote' asks the hosted Hugging Face Inference API; default 'local'.",
    "provider": "with backend 'remote': the inference provider ('auto' lets the Hub choose); default 'auto'.",
    "hf_token": "with backend 'remote': your Hugging Face access token (used for this call only, never stored); default none.",
}


def with_common_args(doc: str | None, parameters: list[str]) -> str:
    """``doc`` with an ``Args:`` line for each common setting among ``parameters`` that it does not describe yet.

    gradio reads a tool's argument descriptions from ``name: text`` lines under ``Args:`` (one line each).
    """
    doc = inspect.cleandoc(doc or "")
    missing = [
        f"    {name}: {COMMON_ARGS[name]}"
        for name in parameters
        if name in COMMON_ARGS and not re.search(rf"^\s*{name}:", doc, re.M)
    ]
    if not missing:
        return doc
    lines = doc.split("\n")
    if not any(line.strip().startswith("Args:") for line in lines):
        returns = next((i for i, line in enumerate(lines) if line.strip().startswith("Returns:")), len(lines))
        lines[returns:returns] = ["", "Args:"] if returns == len(lines) else ["Args:"]
    end = next(
        (i for i, line in enumerate(lines) if line.strip().startswith("Returns:")),
        len(lines),
    )
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    lines[end:end] = missing
    return "\n".join(lines)


def hidden_endpoints(public: bool) -> frozenset[str]:
    """The api names kept out of the tool list in this mode."""
    return PAGE_HELPERS | WRITES_TO_DISK if public else PAGE_HELPERS


def expose_tools(demo: Any, *, public: bool) -> list[str]:
    """Name each public endpoint's function after its api name, describe the common settings, and keep the
    hidden ones out of the tool list; the tool names, sorted.

    A tool's name is its function's ``__name__`` in gradio; one function serving two endpoints would get
    two names, so that is refused here rather than discovered by a client.
    """
    hidden = hidden_endpoints(public)
    named: dict[int, str] = {}
    for block_fn in demo.fns.values():
        if block_fn.api_visibility != "public" or block_fn.fn is None:
            continue
        if block_fn.api_name in hidden:
            # Still a documented API for gradio_client (scripts use it); only the MCP tool list leaves it out:
            # gradio lists as tools the functions whose ``_mcp_type`` is unset or "tool" (its resource and
            # prompt decorators set it too).
            block_fn.fn._mcp_type = "page_helper"
            continue
        previous = named.setdefault(id(block_fn.fn), block_fn.api_name)
        if previous != block_fn.api_name:
            raise ValueError(f"one function serves /{previous} and /{block_fn.api_name}; give each its own")
        block_fn.fn.__name__ = block_fn.api_name
        block_fn.fn.__doc__ = with_common_args(block_fn.fn.__doc__, list(inspect.signature(block_fn.fn).parameters))
    return sorted(named.values())
