"""Opening the page loads no model and asks the Hub nothing (issue 21): a class opening the link at once
must not wait on, nor start, downloads; status lines and cache scans only read this machine."""

import contextlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import gradio as gr
import pytest

from core.runtime.model_cache import ModelCache

#: Two page-load events still read a model's files, in tab modules this change leaves alone (issue 21's
#: remainder, see the README): the translation tab's language pickers read the default translator's config
#: and tokenizer (from the Hub when it is not cached), and the tokenizer lab loads its tokenizer (the bundled
#: MiniLM, from disk) to show its length limit. Neither holds up the first screen: they answer after it.
KNOWN_HUB_READERS = {"on_page_load"}
KNOWN_LOADERS = {"show_limit"}
LINKS = [
    {},
    {"tab": "translate", "text": "Hello", "model": "org/some-translator"},
    {"tab": "tokenize", "tokenizer": "org/some-tokenizer"},
    {"tab": "classify", "model": "org/some-classifier", "text": "I like apple"},
]


@pytest.fixture(scope="module")
def demo():
    import app

    return app.build_app()


@dataclass(frozen=True)
class PageWork:
    """One piece of work the page asks for when it opens: a load event, or a part of the merged one."""

    name: str
    fn: Callable
    inputs: list
    link_query: Any = None  # the input that holds the page's query string (the link's event), if any


def page_load_functions(demo) -> list[PageWork]:
    """Every server function the page calls when it opens: the load events (each part of the merged one),
    and the events that follow what the browser itself read when it opened (the link's query string)."""
    work = []
    loads = [event for event in demo.fns.values() if any(name == "load" for _, name in event.targets)]
    read_in_browser = {block._id: block for event in loads if event.fn is None for block in event.outputs}
    for event in demo.fns.values():
        followed = [block for block, name in event.targets if name == "change" and block in read_in_browser]
        if followed:
            work.append(PageWork(event.name, event.fn, event.inputs, read_in_browser[followed[0]]))
    for event in loads:
        if event.fn is None:
            continue
        parts = getattr(event.fn, "parts", None)  # tabs/page_load.py: one event for many parts
        if parts is None:
            work.append(PageWork(event.name, event.fn, event.inputs))
        else:
            work += [PageWork(part.name, part.fn, list(part.inputs)) for part in parts]
    return work


class HubCalled(OSError):
    """What the patched session raises: a network failure, as the code expects from the Hub."""


def call_like_the_page(fn: PageWork, demo, query: dict[str, str]) -> None:
    request = gr.Request(headers={"accept-language": "ko-KR,ko;q=0.9"}, query_params=query)
    blocks = demo.blocks
    values = [blocks[c._id].value if hasattr(c, "_id") else c.value for c in fn.inputs]
    if fn.link_query is not None:
        values[fn.inputs.index(fn.link_query)] = urlencode(query)
    params = inspect.signature(fn.fn).parameters
    kwargs = {name: request for name, p in params.items() if p.annotation in (gr.Request, "gr.Request")}
    result = fn.fn(*values, **kwargs)
    if inspect.isgenerator(result):
        list(result)


def test_the_page_has_load_events_to_check(demo):
    work = {fn.name for fn in page_load_functions(demo)}
    assert len(work) >= 5  # status lines, the link, the cache scan
    assert {"open_link", "cache_list", "show_status_on_load"} <= work


@pytest.mark.parametrize("query", LINKS, ids=["plain", "translate-link", "tokenize-link", "classify-link"])
def test_page_load_events_load_no_model_and_only_known_readers_read_files(demo, query, monkeypatch):
    """Online (the Hub reachable as far as the code knows): every page-load event runs with every request to
    the Hub recorded and refused, and every model-cache load recorded; only the two known readers read."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    hub_calls, loads, running = [], [], [""]

    def no_session(*args, **kwargs):
        hub_calls.append(running[0])
        raise HubCalled("the Hub was asked during page load")

    for module in list(sys.modules.values()):
        if (module.__name__ or "").startswith("huggingface_hub") and hasattr(module, "get_session"):
            monkeypatch.setattr(module, "get_session", no_session)
    original = ModelCache.get_or_load

    def recorded(self, key, load, size_of):
        loads.append((running[0], key))
        return original(self, key, load, size_of)

    monkeypatch.setattr(ModelCache, "get_or_load", recorded)
    for fn in page_load_functions(demo):
        running[0] = fn.name
        with contextlib.suppress(HubCalled):
            call_like_the_page(fn, demo, query)
    assert set(hub_calls) <= KNOWN_HUB_READERS, hub_calls
    assert {name for name, _ in loads} <= KNOWN_LOADERS, loads
    assert all(key[0] == "tokenizer" for _, key in loads), loads  # a tokenizer at most, never a model


def test_the_page_opens_with_three_requests_and_a_link_only_when_there_is_one(demo):
    """One load event for the status lines, the fill-mask token line and the cache scan (tabs/page_load.py);
    the two known readers apart, so the first screen never waits on them. The link's event follows the query
    string the browser read itself: a page opened without a link never calls it."""
    server_loads = [
        event for event in demo.fns.values() if event.fn is not None and any(n == "load" for _, n in event.targets)
    ]
    assert sorted(event.name for event in server_loads) == ["on_page_load", "page_opened", "show_limit"]
    (merged,) = [event for event in server_loads if event.name == "page_opened"]
    assert len(merged.fn.parts) >= 16  # every model box's status line, the token line, the cache scan
    (link,) = [work for work in page_load_functions(demo) if work.name == "open_link"]
    assert link.link_query.value == ""  # the browser's read fills it; an empty one never changes
