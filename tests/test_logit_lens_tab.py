"""The lens section's handlers and the branch click, called as gradio calls them: the remote backend's sentence
in the grid's place, the grid escaped, the clicked candidate appended to the prompt."""

import gradio as gr
import pytest

from core.generation.generate import prepare_prompt
from core.generation.next_token import next_token_distribution
from core.registry import get_task
from core.runtime.loading import load_for_task
from tabs.context import AppContext
from tabs.logit_lens import make_follower, make_handler
from tabs.next_token_branch import append_candidate
from tabs.widgets.logit_lens_view import lens_grid

PROMPT = "Hello, I'm a language model,"


@pytest.mark.parametrize(
    ("language", "words"), [("en", "needs the model on this machine"), ("ko", "모델이 이 컴퓨터에 있어야 해요")]
)
def test_after_a_remote_run_the_view_says_it_needs_the_model_here(language, words):
    raw, grid, notice, code = make_follower(AppContext())(PROMPT, "no-such/model", 5, "auto", language, "remote")
    assert raw is None and words in grid and "<table" not in grid
    assert notice == code == ""


def test_the_endpoint_itself_refuses_the_remote_backend_clearly():
    with pytest.raises(gr.Error, match="needs the model on this machine"):
        make_handler(AppContext())(PROMPT, "no-such/model", 5, "auto", "en", "remote")


@pytest.mark.parametrize(("fixture", "text"), [("tiny_gpt2", PROMPT), ("tiny_masked_lm", "Paris is the [MASK].")])
def test_after_a_local_run_the_grid_follows(request, fixture, text):
    path = request.getfixturevalue(fixture)
    raw, grid, notice, code = make_follower(AppContext())(text, str(path), 3)
    assert grid.count("class='lens-cell'") == 3 * len(raw["layers"])
    assert ("at the mask" in notice) == (fixture == "tiny_masked_lm")


def test_the_grid_escapes_every_token():
    raw = {
        "tokens": ["<b>", "<script>alert(1)</script>"],
        "position": 1,
        "layers": [{"layer": 0, "top": [{"token": "<img src=x onerror=alert(1)>", "id": 7, "p": 0.5}]}],
    }
    grid = lens_grid(raw, "en")
    assert "<img" not in grid and "<script>" not in grid and "&lt;img␣src=x" in grid
    assert "embeddings" in lens_grid(raw, "en") and "임베딩" in lens_grid(raw, "ko")


def clicked(row: int, col: int = 1) -> gr.SelectData:
    return gr.SelectData(None, {"index": [row, col], "value": ""})


def test_a_clicked_candidate_is_appended_to_the_prompt(tiny_gpt2):
    loaded = load_for_task(get_task("generate"), str(tiny_gpt2))
    distribution = next_token_distribution(loaded, prepare_prompt(loaded, PROMPT, 10))
    for row in (0, 3):
        assert append_candidate(PROMPT, distribution, "en", clicked(row)) == PROMPT + distribution.ranked_tokens[row]


@pytest.mark.parametrize("row", [-1, 20, 99])
def test_a_click_without_a_candidate_is_a_clear_message(tiny_gpt2, row):
    loaded = load_for_task(get_task("generate"), str(tiny_gpt2))
    distribution = next_token_distribution(loaded, prepare_prompt(loaded, PROMPT, 10))
    with pytest.raises(gr.Error, match="Run the generation first"):
        append_candidate(PROMPT, distribution, "en", clicked(row))
    with pytest.raises(gr.Error, match="먼저 생성을 실행하세요"):
        append_candidate(PROMPT, None, "ko", clicked(0))
