"""/logit_lens in the real app, through gradio_client: the contract's JSON, the grid drawn from it, and clear
messages for a wrong model kind, a bad top_k and the remote backend."""

import html

import pytest
from gradio_client.exceptions import AppError

from tabs.widgets.logit_lens_view import shown_probability

PROMPT = "Hello, I'm a language model,"


def test_logit_lens_returns_the_contract_json_and_its_grid(client, tiny_gpt2):
    raw, grid, notice, code = client.predict(PROMPT, str(tiny_gpt2), 4, api_name="/logit_lens")
    assert set(raw) >= {"tokens", "layers"}
    assert [row["layer"] for row in raw["layers"]] == [0, 1, 2]
    assert all(set(t) == {"token", "id", "p"} and len(row["top"]) == 4 for row in raw["layers"] for t in row["top"])
    for row in raw["layers"]:
        for rank, top in enumerate(row["top"], start=1):
            cell = f"data-layer='{row['layer']}' data-rank='{rank}' data-id='{top['id']}'"
            assert cell in grid
            assert f"<span class='lens-p'>{shown_probability(top['p'])}</span>" in grid
    assert "output_hidden_states=True" in code and str(tiny_gpt2) in code
    assert "2 layers" in notice


def test_the_lens_reads_a_masked_lm_at_the_mask(client, tiny_masked_lm):
    raw, grid, _, code = client.predict(
        "Paris is the [MASK] of France.", str(tiny_masked_lm), 3, api_name="/logit_lens"
    )
    assert raw["tokens"][raw["position"]] == "[MASK]"
    assert "AutoModelForMaskedLM" in code and "model.cls(h)" in code
    assert html.escape("[MASK]") in grid


def test_a_token_that_looks_like_html_is_escaped_in_the_grid(client, tiny_masked_lm):
    _, grid, _, _ = client.predict(
        "<b>bold</b> [MASK] <script>x</script>", str(tiny_masked_lm), 2, api_name="/logit_lens"
    )
    assert "<script>" not in grid and "<b>" not in grid


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("{model}", 0), "less than minimum value 1"),  # the slider's own check
        (("{model}", 50), "greater than maximum value 20"),
        (("{model}", 2.5), "`top_k` must be a whole number from 1 to 20; got 2.5"),
        (("{classifier}", 5), "is not a language model with a token-predicting head"),
        (("{model}", 5, "auto", "en", "remote"), "needs the model on this machine"),
        (("{model}", 5, "auto", "ko", "remote"), "모델이 이 컴퓨터에 있어야 해요"),
    ],
)
def test_bad_lens_input_is_a_clear_message(client, tiny_gpt2, tiny_classifier, args, message):
    model = args[0].format(model=tiny_gpt2, classifier=tiny_classifier)
    with pytest.raises(AppError, match=message):
        client.predict(PROMPT, model, *args[1:], api_name="/logit_lens")
    assert client.predict(PROMPT, str(tiny_gpt2), 2, api_name="/logit_lens")[0]["layers"]  # still serving


def test_logit_lens_parameters_follow_the_design(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = endpoints["/logit_lens"]["parameters"]
    assert [p["parameter_name"] for p in parameters][:3] == ["text", "model", "top_k"]
