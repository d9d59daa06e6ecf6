"""Opening the page loads no model and asks the Hub nothing (issue 21): a class opening the link at once
must not wait on, nor start, downloads; status lines and cache scans only read this machine."""

import contextlib
import inspect
import sys

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


def page_load_functions(demo) -> list:
    return [fn for fn in demo.fns.values() if any(event == "load" for _, event in fn.targets)]


class HubCalled(OSError):
    """What the patched session raises: a network failure, as the code expects from the Hub."""


def call_like_the_page(fn, demo, query: dict[str, str]) -> None:
    request = gr.Request(headers={"accept-language": "ko-KR,ko;q=0.9"}, query_params=query)
    blocks = demo.blocks
    values = [blocks[c._id].value if hasattr(c, "_id") else c.value for c in fn.inputs]
    params = inspect.signature(fn.fn).parameters
    kwargs = {name: request for name, p in params.items() if p.annotation in (gr.Request, "gr.Request")}
    result = fn.fn(*values, **kwargs)
    if inspect.isgenerator(result):
        list(result)


def test_the_page_has_load_events_to_check(demo):
    assert len(page_load_functions(demo)) >= 5  # status lines, the link, the cache scan


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
