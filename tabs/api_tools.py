"""The app's public endpoints as tools for programs: gradio_client, and MCP clients (``--mcp``).

gradio turns every public endpoint into an MCP tool named after its function and described by its
docstring. Here the tools are named after their task (``classify``, not ``run_classify``), and the
endpoints that only serve the page (refreshes, cache administration) are kept out of the tool list;
they stay callable ("undocumented"), so the page and scripts that use them keep working. In public
mode nothing that writes to the server's disk is offered as a tool.
"""

from __future__ import annotations

from typing import Any

#: Endpoints that serve the page or administer this machine: no use to an assistant.
PAGE_HELPERS = frozenset({"cache_list", "cache_delete", "prefetch_plan", "prefetch", "loaded_models", "unload"})
#: Endpoints that write to the server's disk (datasets, trained models, tokenizer files).
WRITES_TO_DISK = frozenset({"load_dataset", "finetune", "train_tokenizer"})


def hidden_endpoints(public: bool) -> frozenset[str]:
    """The api names kept out of the tool list in this mode."""
    return PAGE_HELPERS | WRITES_TO_DISK if public else PAGE_HELPERS


def expose_tools(demo: Any, *, public: bool) -> list[str]:
    """Name each public endpoint's function after its api name and hide the rest; the tool names, sorted.

    A tool's name is its function's ``__name__`` in gradio; one function serving two endpoints would get
    two names, so that is refused here rather than discovered by a client.
    """
    hidden = hidden_endpoints(public)
    named: dict[int, str] = {}
    for block_fn in demo.fns.values():
        if block_fn.api_visibility != "public" or block_fn.fn is None:
            continue
        if block_fn.api_name in hidden:
            block_fn.api_visibility = "undocumented"
            continue
        previous = named.setdefault(id(block_fn.fn), block_fn.api_name)
        if previous != block_fn.api_name:
            raise ValueError(f"one function serves /{previous} and /{block_fn.api_name}; give each its own")
        block_fn.fn.__name__ = block_fn.api_name
    return sorted(named.values())
