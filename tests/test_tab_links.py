"""Every task tab's deep link and examples table, checked on the whole app as app.py builds it."""

import ast
import inspect
from pathlib import Path

import gradio as gr
import pytest

import tabs.deep_link
from tabs.context import AppContext
from tabs.deep_link import fill_from_url, link_button

TABS_DIR = Path(tabs.deep_link.__file__).parent
#: tab id → (the link's fields, the endpoints whose parameters they are).
EXPECTED_LINKS = {
    "classify": (["text", "model"], ["classify"]),
    "answer": (
        [
            "question",
            "context",
            "model",
            "top_k",
            "doc_stride",
            "max_answer_len",
            "max_seq_len",
            "max_question_len",
            "handle_impossible_answer",
        ],
        ["answer"],
    ),
    "summarize": (
        ["text", "model", "max_length", "min_length", "num_beams", "do_sample", "no_repeat_ngram_size"],
        ["summarize"],
    ),
    "translate": (["text", "model", "src_lang", "tgt_lang", "max_length", "num_beams"], ["translate"]),
    "tokenize": (
        ["text", "tokenizer", "padding", "truncation", "max_length", "add_special_tokens", "text_pair"],
        ["tokenize"],
    ),
    "inspect": (["model", "text"], ["inspect", "run_model"]),
    "embeddings": (["text", "model"], ["embeddings"]),
    "compare": (["text", "model_a", "model_b", "runs"], ["compare"]),
    "generate": (
        [
            "text",
            "model",
            "max_new_tokens",
            "temperature",
            "top_k",
            "top_p",
            "repetition_penalty",
            "num_return_sequences",
            "do_sample",
            "seed",
        ],
        ["generate"],
    ),
    "zero_shot": (["text", "labels", "model", "multi_label", "hypothesis_template"], ["zero_shot"]),
    "ner": (["text", "model", "aggregation_strategy"], ["ner"]),
    "fill_mask": (["text", "model", "top_k"], ["fill_mask"]),
    "similarity": (["text", "model"], ["similarity"]),
    #: A photo cannot travel in a URL: the link carries the settings only.
    "detect": (["threshold", "model", "labels", "max_detections"], ["detect"]),
    "remote": (["task", "text", "model", "provider", "labels", "context"], ["remote"]),
}


def test_every_tab_but_the_fine_tuning_lab_and_the_cache_has_a_link(built):
    from tabs import TAB_NAMES

    _demo, ctx = built
    linked = {target.tab_id for target in ctx.links}
    assert linked == set(EXPECTED_LINKS)
    # The lab's data is a table and the cache manager acts on the server's state: no links there.
    assert len(linked) == len(TAB_NAMES) - 2


@pytest.fixture(scope="module")
def built():
    """The app as app.py builds it, with the AppContext its tabs filled in."""
    import app

    seen = {}
    wire = tabs.deep_link.wire_deep_links

    def keep(ctx, tabs_block, *more):
        seen["ctx"] = ctx
        wire(ctx, tabs_block, *more)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tabs.deep_link, "wire_deep_links", keep)
        demo = app.build_app()
    return demo, seen["ctx"]


def test_every_link_opens_a_tab_of_the_app(built):
    demo, ctx = built
    tab_ids = {block.id for block in demo.blocks.values() if isinstance(block, gr.Tab)}
    assert {target.tab_id for target in ctx.links} <= tab_ids
    assert len({target.tab_id for target in ctx.links}) == len(ctx.links)


@pytest.mark.parametrize("tab_id", EXPECTED_LINKS)
def test_each_tab_links_its_inputs_under_their_api_parameter_names(built, tab_id):
    demo, ctx = built
    fields, endpoints = EXPECTED_LINKS[tab_id]
    target = next(t for t in ctx.links if t.tab_id == tab_id)
    assert list(target.fields) == fields
    handlers = [fn.fn for fn in demo.fns.values() if fn.api_name in endpoints]
    parameters = {name for handler in handlers for name in inspect.signature(handler).parameters}
    assert set(fields) <= parameters


@pytest.mark.parametrize(
    ("tab_id", "field"), [("tokenize", "tokenizer"), ("compare", "model_a"), ("compare", "model_b")]
)
def test_model_boxes_not_named_model_are_checked_as_model_ids(built, tab_id, field):
    _demo, ctx = built
    component = next(t for t in ctx.links if t.tab_id == tab_id).fields[field]
    assert fill_from_url({"tab": tab_id, field: "../../etc/passwd"}, ctx.links, True)[1] == {}
    assert fill_from_url({"tab": tab_id, field: "org/name"}, ctx.links, True)[1] == {component: "org/name"}


def test_a_link_fills_the_question_answering_options(built):
    _demo, ctx = built
    params = {"tab": "answer", "question": "Who?", "top_k": "3", "handle_impossible_answer": "true"}
    tab, values = fill_from_url(params, ctx.links, False)
    fields = next(t for t in ctx.links if t.tab_id == "answer").fields
    assert tab == "answer"
    assert values == {fields["question"]: "Who?", fields["top_k"]: 3, fields["handle_impossible_answer"]: True}


def test_model_fields_must_be_among_the_links_fields():
    with gr.Blocks(), pytest.raises(ValueError, match="model fields"):
        link_button(AppContext(), "tokenize", {"text": gr.Textbox()}, model_fields=("tokenizer",))


def test_examples_tables_have_plain_bilingual_headers(built):
    demo, _ctx = built
    datasets = [block for block in demo.blocks.values() if isinstance(block, gr.Dataset)]
    assert datasets
    for dataset in datasets:
        assert dataset.headers
        assert all(" · " in header and "__i18n__" not in header for header in dataset.headers)


def _calls_gr_examples(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Examples"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "gr"
    ]


@pytest.mark.parametrize(
    "path", sorted(p for p in TABS_DIR.rglob("*.py") if p != TABS_DIR / "widgets" / "examples.py"), ids=str
)
def test_no_tab_calls_gr_examples_directly(path):
    """gr.Examples shows raw i18n keys as headers: tabs use tabs.widgets.examples.examples(..., headers=...)."""
    assert _calls_gr_examples(path) == [], f"{path.name} calls gr.Examples; use tabs.widgets.examples.examples"


def test_the_check_finds_a_direct_call(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import gradio as gr\ngr.Examples(examples=[['a']], inputs=[box])\n")
    assert _calls_gr_examples(sample) == [2]


@pytest.mark.parametrize(
    ("chosen", "kept"),
    [(("en", "fr"), ("en", "fr")), (("en", "ko"), ("en", "de")), ((None, None), ("en", "de"))],
)
def test_language_pickers_keep_a_pair_the_model_supports(tiny_t5, chosen, kept):
    """A pair from a link (or chosen by hand) survives the pickers' refresh when the model supports it."""
    from tabs.translate import language_pickers

    sources, targets = language_pickers(str(tiny_t5), False, *chosen)
    assert (sources["value"], targets["value"]) == kept


@pytest.mark.parametrize(
    ("params", "kept"),
    [
        ({"tab": "translate", "src_lang": "en", "tgt_lang": "fr"}, ("en", "fr")),
        ({"tab": "translate", "src_lang": "en", "tgt_lang": "xx"}, ("en", "de")),
        ({"tab": "classify", "src_lang": "en", "tgt_lang": "fr"}, ("en", "de")),
        ({}, ("en", "de")),
    ],
)
def test_a_links_language_pair_is_kept_when_the_page_opens(built, tiny_t5, params, kept):
    from tabs.translate import pickers_for_page

    _demo, ctx = built
    sources, targets = pickers_for_page(ctx, {**params, "model": str(tiny_t5)}, str(tiny_t5))
    assert (sources["value"], targets["value"]) == kept


def test_the_page_opens_with_the_languages_of_the_links_model(built, tiny_t5):
    from tabs.translate import pickers_for_page

    _demo, ctx = built
    sources, _targets = pickers_for_page(ctx, {"tab": "translate", "model": str(tiny_t5)}, "org/unknown-model")
    assert sources["choices"] == ["en"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"tab": "detect", "threshold": "7", "max_detections": "3", "image": "/etc/passwd"},
            {"threshold": 1, "max_detections": 3},
        ),
        ({"tab": "ner", "aggregation_strategy": "first"}, {"aggregation_strategy": "first"}),
        ({"tab": "ner", "aggregation_strategy": "bogus"}, {}),
        (
            {"tab": "generate", "temperature": "0.7", "do_sample": "false", "seed": "7"},
            {"temperature": 0.7, "do_sample": False, "seed": 7},
        ),
        ({"tab": "fill_mask", "top_k": "3.6"}, {"top_k": 3}),
    ],
)
def test_links_of_the_newer_tabs_fill_checked_values(built, params, expected):
    """Numbers are clamped to the slider, fixed choices must be choices, and a detect link carries no image."""
    _demo, ctx = built
    fields = next(t for t in ctx.links if t.tab_id == params["tab"]).fields
    tab, values = fill_from_url(params, ctx.links, True)
    assert tab == params["tab"]
    assert values == {fields[name]: value for name, value in expected.items()}
