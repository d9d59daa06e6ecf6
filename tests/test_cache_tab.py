"""The cache tab's handlers: listing, confirmed deletion, public mode read-only, memory panel."""

import gradio as gr
import pytest

from core.inspect.run_model import loaded_with_head
from core.registry import BUNDLED_MINILM
from core.runtime.model_cache import MODEL_CACHE
from tabs.cache import make_handlers
from tabs.context import AppContext


def test_listing_shows_the_cached_model(cached_tiny_classifier):
    raw, summary, rows, _choices = make_handlers(AppContext())["cache_list"]("en")
    assert cached_tiny_classifier in [r["repo_id"] for r in raw["repos"]]
    assert cached_tiny_classifier in [row[0] for row in rows]
    assert "repositories" in summary


def test_delete_needs_the_confirmation(cached_tiny_classifier):
    with pytest.raises(gr.Error, match="confirmation box"):
        make_handlers(AppContext())["cache_delete"]([cached_tiny_classifier], False)


def test_confirmed_delete_removes_the_repo(cached_tiny_classifier):
    raw, *_ = make_handlers(AppContext())["cache_delete"]([cached_tiny_classifier], True)
    assert cached_tiny_classifier not in [r["repo_id"] for r in raw["repos"]]


def test_deleting_what_is_not_cached_is_a_clear_error():
    with pytest.raises(gr.Error, match="not in the Hugging Face cache"):
        make_handlers(AppContext())["cache_delete"](["org/never-downloaded"], True)


@pytest.mark.parametrize(
    ("name", "args"), [("cache_delete", (["org/x"], True)), ("prefetch", (["classify"],)), ("unload", ("x",))]
)
def test_public_mode_cannot_change_the_server(name, args):
    with pytest.raises(gr.Error, match="public mode"):
        make_handlers(AppContext(public=True))[name](*args)


def test_prefetch_offline_is_a_clear_error_in_korean():
    with pytest.raises(gr.Error, match="오프라인"):
        make_handlers(AppContext())["prefetch_plan"](["classify"], "ko")


def test_memory_panel_lists_and_unloads_a_loaded_model():
    handlers = make_handlers(AppContext())
    loaded_with_head(BUNDLED_MINILM, device="cpu")
    raw, rows, _choices = handlers["loaded_models"]()
    # The model itself: a test that ran before in this process may have left MiniLM's tokenizer loaded too.
    entry = next(e for e in raw if e["model"] == BUNDLED_MINILM and e["loader"] == "BertModel")
    assert entry["size_bytes"] >= 4 * 22_713_216  # fp32 parameters, plus buffers
    assert [BUNDLED_MINILM, "Model inspector", "BertModel", "cpu"] in [row[:4] for row in rows]
    raw, _rows, _choices = handlers["unload"](entry["label"])
    assert entry["label"] not in [e["label"] for e in raw]
    assert len(MODEL_CACHE.keys()) == len(raw)


def test_public_mode_does_not_show_the_server_cache_path():
    raw, summary, *_ = make_handlers(AppContext(public=True))["cache_list"]("en")
    assert raw["cache_dir"] == "(hidden in public mode)" and "/" not in summary.split("·")[-1]


def test_the_disk_list_fills_itself_when_the_page_opens_and_when_the_tab_is_shown():
    import tabs.cache

    with gr.Blocks() as demo:
        language = gr.Radio(["auto", "en", "ko"], value="auto")
        ctx = AppContext(blocks=demo, language=language)
        tabs.cache.build(ctx)
        ctx.page_load.wire(demo)
    refresh = next(fn for fn in demo.fns.values() if fn.api_name == "cache_list")
    automatic = [fn for fn in demo.fns.values() if fn.fn is refresh.fn and fn is not refresh]
    assert len(automatic) == 1 and automatic[0].outputs == refresh.outputs
    assert [(type(demo.blocks.get(block, demo)), name) for block, name in automatic[0].targets] == [(gr.Tab, "select")]
    assert automatic[0].api_visibility == "private"
    # When the page opens: a part of the page's one load event (tabs/page_load.py), with the same outputs.
    (opened,) = [fn for fn in demo.fns.values() if any(name == "load" for _, name in fn.targets)]
    (part,) = [part for part in opened.fn.parts if part.fn is refresh.fn]
    assert list(part.outputs) == refresh.outputs and opened.api_visibility == "private"


def test_building_the_app_does_not_scan_the_cache(monkeypatch):
    """The scan waits for a page to open: the server answers its first request without it."""
    import app
    import tabs.cache

    monkeypatch.setattr(tabs.cache, "cache_summary", lambda: pytest.fail("the cache was scanned at start-up"))
    app.build_app()
