"""The generation tab's handlers: streamed contract outputs, the next-token panel, and clear gr.Errors."""

import json

import gradio as gr
import pytest
from gradio.components.plot import AltairPlotData

import core.generation.generate
from core.generation.generate import GenerationSettings
from core.generation.next_token import NextTokenDistribution
from tabs import decoding
from tabs.context import AppContext
from tabs.generate import make_handler, next_token_views, reshape_next_token
from tabs.widgets.next_token_view import CANDIDATE_HEADERS

PROMPT = "Hello, my name is"


def test_handler_streams_then_ends_with_every_panel(tiny_gpt2):
    updates = list(make_handler(AppContext())(PROMPT, str(tiny_gpt2), 30))
    assert len(updates) > 2
    raw, text, notice, model_text, model_plot, shaped_plot, table, distribution, code = updates[-1]
    assert raw == [{"generated_text": PROMPT + text}]
    assert "Base model" in notice and "seed 42" in notice
    assert model_text == PROMPT
    assert isinstance(model_plot, AltairPlotData) and isinstance(shaped_plot, AltairPlotData)
    assert len(table) == 20 and isinstance(distribution, NextTokenDistribution)
    assert "set_seed(42)" in code and str(tiny_gpt2) in code


def test_the_next_token_panel_is_empty_while_streaming_and_filled_at_the_end(tiny_gpt2):
    first, *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 30)
    assert first[0][0]["generated_text"].startswith(PROMPT)
    assert first[4:] == (None,) * 5  # no stale panel from the previous prompt while this one streams
    assert all(value is not None for value in last[4:])


def test_chat_model_is_announced_and_answers(tiny_chat_gpt2):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_chat_gpt2), 5)
    assert "Chat model" in last[2]
    assert last[0][0]["generated_text"][1]["role"] == "assistant"


def test_several_sequences_are_shown_with_their_seeds(tiny_gpt2):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 5, 1.0, 50, 1.0, 1.0, 3, True, 10)
    assert len(last[0]) == 3
    assert "seed 10" in last[1] and "seed 12" in last[1]


def test_truncation_is_told_in_the_users_language(tiny_gpt2):
    handler = make_handler(AppContext())
    *_, english = handler("word " * 20_000, str(tiny_gpt2), 5, language="en")
    assert "only its last" in english[2] and "1,024" not in english[2] and "1024" in english[2]
    *_, korean = handler("word " * 20_000, str(tiny_gpt2), 5, language="ko")
    assert "마지막" in korean[2]


def test_moving_a_slider_reshapes_the_panel_without_the_model(tiny_gpt2):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 3)
    distribution = last[7]
    _plot, _shaped, table = next_token_views(distribution, GenerationSettings(top_k=2))
    assert [row[5] for row in table[:3]] == [True, True, False]
    assert next_token_views(None, GenerationSettings()) == (gr.skip(),) * 3


def test_an_out_of_range_slider_leaves_the_panel_as_it_was(tiny_gpt2):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 3)
    assert reshape_next_token(last[7], 0.0, 50, 1.0, 1.0, True) == (gr.skip(),) * 3
    assert len(reshape_next_token(last[7], 0.5, 50, 1.0, 1.0, True)[2]) == 20


@pytest.mark.parametrize(
    ("text", "model", "args", "message"),
    [
        ("  ", "{gpt2}", (), "The text is empty"),
        (PROMPT, "{gpt2}", (513,), "`max_new_tokens` must be a whole number from 1 to 512; got 513"),
        (PROMPT, "{gpt2}", (20, 0.0), "temperature is 0.0"),
        (PROMPT, "{gpt2}", (20, 1.0, 50, 0.0), "top_p is 0.0"),
        (PROMPT, "{gpt2}", (20, 1.0, 50, 1.2), "top_p is 1.2"),
        (PROMPT, "{classifier}", (), "ForCausalLM or LMHeadModel"),
        (PROMPT, "openai-community/gpt2", (), "not downloaded on this machine.*--prefetch generate"),
    ],
)
def test_bad_input_becomes_a_clear_gr_error(text, model, args, message, tiny_gpt2, tiny_classifier):
    model = model.format(gpt2=tiny_gpt2, classifier=tiny_classifier)
    with pytest.raises(gr.Error, match=message):
        list(make_handler(AppContext())(text, model, *args))


def test_error_messages_follow_the_language_setting(tiny_gpt2):
    with pytest.raises(gr.Error, match="샘플링할 때는 0보다 크고"):
        list(make_handler(AppContext())(PROMPT, str(tiny_gpt2), 20, 0.0, language="ko"))


def test_local_path_is_refused_in_public_mode(tiny_gpt2):
    with pytest.raises(gr.Error, match="public mode"):
        list(make_handler(AppContext(public=True))(PROMPT, str(tiny_gpt2)))


def test_comparison_fills_one_column_per_setting(tiny_gpt2):
    updates = list(decoding.make_handler(AppContext())(PROMPT, str(tiny_gpt2), None, 6))
    raw, *columns, code = updates[-1]
    assert [r["setting"]["strategy"] for r in raw["results"]] == ["greedy", "beam", "sample", "sample"]
    assert [c.value for c in columns] == [r["generated_text"] for r in raw["results"]]
    assert "beam · num_beams=4" in columns[1].label and "set_seed" in code


def test_comparison_hides_unused_columns_and_takes_the_api_table(tiny_gpt2):
    table = {"headers": ["strategy"], "data": [["greedy", 1, 1, 0, 1, 0], ["sample", 1, 0.9, 10, 0.95, 3]]}
    *_, last = decoding.make_handler(AppContext())(PROMPT, str(tiny_gpt2), table, 4)
    assert [c.visible for c in last[1:5]] == [True, True, False, False]


def test_comparison_bad_table_is_a_clear_gr_error(tiny_gpt2):
    with pytest.raises(gr.Error, match="has 1 settings"):
        list(decoding.make_handler(AppContext())(PROMPT, str(tiny_gpt2), [["greedy"]], 4))


def test_core_generate_is_what_the_tab_calls(monkeypatch):
    seen = []

    def stream_generate(text, model, settings, **kwargs):
        seen.append((text, model, settings.max_new_tokens))
        raise RuntimeError("stop here")

    monkeypatch.setattr(core.generation.generate, "stream_generate", stream_generate)
    with pytest.raises(gr.Error, match="RuntimeError"):
        list(make_handler(AppContext())("Hi", "org/model", 5))
    assert seen == [("Hi", "org/model", 5)]


def test_greedy_panel_says_which_token_is_chosen(tiny_gpt2):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 3)
    _plot, shaped, table = reshape_next_token(last[7], 1.0, 50, 1.0, 1.0, False)
    fates = [row["sampling"] for row in json.loads(shaped.plot)["data"]["values"]]
    assert fates[0] == "chosen (greedy)" and set(fates[1:]) == {"never chosen (greedy)"}
    assert [row[5] for row in table[:2]] == [True, False]


def test_an_emptied_seed_box_draws_a_new_seed_and_shows_it(tiny_gpt2):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 3, 1.0, 50, 1.0, 1.0, 1, True, None)
    assert "🎲 seed " in last[2]


@pytest.mark.parametrize("temperature", [0.3, 1.0, 1.7])
def test_both_charts_draw_the_tables_columns_on_one_axis_that_holds_every_bar(tiny_gpt2, temperature):
    *_, last = make_handler(AppContext())(PROMPT, str(tiny_gpt2), 3)
    model_plot, shaped_plot, table = reshape_next_token(last[7], temperature, 3, 1.0, 1.0, True)
    domains = []
    for plot, column in ((model_plot, 3), (shaped_plot, 4)):
        spec = json.loads(plot.plot)
        y = spec["encoding"]["y"]
        values = [row[y["field"]] for row in spec["data"]["values"]]
        assert [round(value, 4) for value in values] == [row[column] for row in table]
        assert y["title"] == CANDIDATE_HEADERS[column]  # the axis is named like the table's column
        assert y["scale"]["domain"][0] == 0 and max(values) <= y["scale"]["domain"][1]
        domains.append(y["scale"]["domain"])
    assert domains[0] == domains[1]  # one scale: the charts stay comparable
    fills = [row["sampling"] for row in json.loads(shaped_plot.plot)["data"]["values"]]
    assert fills == ["kept"] * 3 + ["cut by top-k/top-p"] * 17  # top_k = 3
