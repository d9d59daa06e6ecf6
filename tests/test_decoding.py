"""core.generation.decoding: the settings table, the side-by-side runs, and that each column can be reproduced."""

import ast

import pytest

from core.errors import BadInput
from core.generation.decoding import DEFAULT_ROWS, Strategy, compare_decoding, notebook_code, parse_settings
from core.generation.generate import GenerationSettings, generate

PROMPT = "Once upon a time"


def test_default_rows_are_greedy_beam_and_two_samplings():
    settings = parse_settings(DEFAULT_ROWS)
    assert [s.strategy for s in settings] == [Strategy.GREEDY, Strategy.BEAM, Strategy.SAMPLE, Strategy.SAMPLE]
    assert settings[1].generation_settings(10).generate_kwargs()["num_beams"] == 4


def test_blank_cells_take_defaults_and_blank_rows_are_ignored():
    settings = parse_settings([["Greedy", "", "", "", "", ""], ["sample", None, 0.5], ["", "", "", "", "", ""]])
    assert len(settings) == 2
    assert settings[1].temperature == 0.5 and settings[1].top_k == 0 and settings[1].seed == 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["greedy"]], "has 1 settings; use 2 to 4"),
        ([["greedy"]] * 5, "has 5 settings"),
        ([["greedy"], ["nucleus"]], "Row 2: the strategy 'nucleus' is unknown"),
        ([["greedy"], ["beam", 1]], "Row 2: beam search needs num_beams of 2 or more"),
        ([["greedy"], ["sample", 1, "hot"]], "Row 2: temperature must be a number; got 'hot'"),
        ([["greedy"], ["sample", 1, 0]], "Row 2: temperature is 0"),
        ([["sample", 1, 1.0, 0, 1.5], ["greedy"]], "Row 1: top_p is 1.5"),
    ],
)
def test_bad_tables_are_refused_naming_the_row(rows, message):
    with pytest.raises(BadInput, match=message):
        parse_settings(rows)


def test_columns_fill_in_one_by_one_and_each_is_reproducible(tiny_gpt2):
    updates = list(compare_decoding(PROMPT, str(tiny_gpt2), DEFAULT_ROWS, max_new_tokens=8))
    assert [len(u.outcomes) for u in updates] == [1, 2, 3, 4, 4] and updates[-1].done
    outcomes = updates[-1].outcomes
    greedy = generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=8, do_sample=False))
    assert outcomes[0].generated_text == greedy.texts[0]
    hot = GenerationSettings(max_new_tokens=8, temperature=1.5, top_k=0, seed=42)
    assert outcomes[3].generated_text == generate(PROMPT, str(tiny_gpt2), hot).texts[0]
    assert all(0 < o.new_tokens <= 8 for o in outcomes)


def test_json_lists_each_setting_with_its_text(tiny_gpt2):
    *_, last = compare_decoding(PROMPT, str(tiny_gpt2), DEFAULT_ROWS[:2], max_new_tokens=4)
    data = last.to_json()
    assert data["prompt"] == PROMPT
    assert [r["setting"]["strategy"] for r in data["results"]] == ["greedy", "beam"]
    assert all(set(r) == {"setting", "generated_text", "new_tokens", "seconds"} for r in data["results"])


def test_a_classifier_is_refused(tiny_classifier):
    with pytest.raises(Exception, match="ForCausalLM"):
        list(compare_decoding(PROMPT, str(tiny_classifier), DEFAULT_ROWS))


def test_notebook_code_is_valid_python_with_every_setting():
    code = notebook_code("org/model", PROMPT, parse_settings(DEFAULT_ROWS), 20, chat=False)
    ast.parse(code)
    assert code.count("'max_new_tokens': 20") == 4 and "set_seed(seed)" in code
