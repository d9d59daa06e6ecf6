"""The logit lens (issue 18): each layer's top tokens, the last row the model's own distribution, for GPT-2, a
Llama-style decoder and a masked LM; wrong kinds, the remote backend, long texts and bad top_k refused or cut."""

from pathlib import Path

import pytest
import torch

from core.call import Backend, CallContext
from core.errors import BadInput, WrongModelKind
from core.insight import require_local
from core.insight.logit_lens import MAX_LENS_TOKENS, MAX_TOP_K, NEEDS_LOCAL, logit_lens, notebook_code
from core.registry import get_task
from core.runtime.loading import load_for_task
from tabs.logit_lens import lens_views

PROMPT = "Once upon a time, in a small village by the sea,"
MASKED = "Paris is the [MASK] of France."


def own_distribution(path: Path, task: str, input_ids: list[int], position: int) -> torch.Tensor:
    """The model's own softmax at ``position``, from a plain forward pass (``model(...).logits``)."""
    loaded = load_for_task(get_task(task), str(path))
    with torch.inference_mode():
        logits = loaded.model(input_ids=torch.tensor([input_ids])).logits[0, position]
    return torch.softmax(logits.float(), dim=-1)


def input_ids(path: Path, task: str) -> list[int]:
    tokenizer = load_for_task(get_task(task), str(path)).preprocessor
    if task == "fill_mask":
        return tokenizer(MASKED.replace("[MASK]", tokenizer.mask_token))["input_ids"]
    return tokenizer(PROMPT, add_special_tokens=False)["input_ids"]


@pytest.mark.parametrize(
    ("fixture", "task", "text", "layers"),
    [
        ("tiny_gpt2", "generate", PROMPT, 2),
        ("tiny_llama", "generate", PROMPT, 3),
        ("tiny_masked_lm", "fill_mask", MASKED, None),
    ],
)
def test_the_last_row_is_the_models_own_next_token_distribution(request, fixture, task, text, layers):
    path = request.getfixturevalue(fixture)
    top_k = 7
    result = logit_lens(text, str(path), top_k=top_k)
    raw = result.to_json()
    ids = input_ids(path, task)
    expected = own_distribution(path, task, ids, result.position)
    best = torch.topk(expected, k=top_k)
    last = raw["layers"][-1]
    assert [t["id"] for t in last["top"]] == [int(i) for i in best.indices]
    assert [t["p"] for t in last["top"]] == [float(p) for p in best.values]  # exactly: the model's own logits
    config_layers = load_for_task(get_task(task), str(path)).config
    assert [row["layer"] for row in raw["layers"]] == list(range(config_layers.num_hidden_layers + 1))
    if layers is not None:
        assert len(raw["layers"]) == layers + 1
    if task == "fill_mask":
        assert raw["tokens"][result.position] == "[MASK]"
    else:
        assert result.position == len(raw["tokens"]) - 1 == len(ids) - 1


@pytest.mark.parametrize("fixture", ["tiny_gpt2", "tiny_llama"])
def test_the_middle_rows_go_through_the_final_norm_once(request, fixture):
    """Rows before the last: final norm then head; the last hidden state already has the norm (not twice)."""
    path = request.getfixturevalue(fixture)
    loaded = load_for_task(get_task("generate"), str(path))
    model = loaded.model
    ids = torch.tensor([loaded.preprocessor(PROMPT, add_special_tokens=False)["input_ids"]])
    norm = model.transformer.ln_f if hasattr(model, "transformer") else model.model.norm
    with torch.inference_mode():
        hidden = model(input_ids=ids, output_hidden_states=True).hidden_states
        first = torch.softmax(model.lm_head(norm(hidden[1][0, -1])), dim=-1)
    row = logit_lens(PROMPT, str(path), top_k=3).to_json()["layers"][1]
    best = torch.topk(first, k=3)
    assert [t["id"] for t in row["top"]] == [int(i) for i in best.indices]
    assert [t["p"] for t in row["top"]] == pytest.approx([float(p) for p in best.values], rel=1e-5)


@pytest.mark.parametrize("fixture", ["tiny_gpt2", "tiny_llama", "tiny_masked_lm"])
def test_every_row_is_sorted_and_holds_probabilities(request, fixture):
    path = request.getfixturevalue(fixture)
    text = MASKED if fixture == "tiny_masked_lm" else PROMPT
    raw = logit_lens(text, str(path), top_k=MAX_TOP_K).to_json()
    for row in raw["layers"]:
        ps = [t["p"] for t in row["top"]]
        assert len(ps) == MAX_TOP_K
        assert ps == sorted(ps, reverse=True)
        assert all(0 <= p <= 1 for p in ps)
        assert sum(ps) <= 1 + 1e-6
        assert all(isinstance(t["token"], str) and isinstance(t["id"], int) for t in row["top"])


def test_a_classifier_is_refused_with_what_the_lens_needs(tiny_classifier):
    with pytest.raises(WrongModelKind, match="ForCausalLM or LMHeadModel.*ForMaskedLM") as caught:
        logit_lens("I like apples", str(tiny_classifier))
    assert "로짓 렌즈" in caught.value.message_ko


def test_the_remote_backend_is_refused_before_any_model_loads(tiny_gpt2):
    remote = CallContext(backend=Backend.REMOTE, language="ko")
    with pytest.raises(BadInput, match="needs the model on this machine") as caught:
        lens_views(PROMPT, "no/such-model", 5, remote)
    assert "이 컴퓨터" in caught.value.text("ko")
    require_local(CallContext(), NEEDS_LOCAL)  # local: nothing to say


@pytest.mark.parametrize("top_k", [0, 21, -3, 2.5, "many", float("nan")])
def test_a_bad_top_k_is_refused_with_its_range(tiny_gpt2, top_k):
    with pytest.raises(BadInput, match=r"`top_k` must be a whole number from 1 to 20"):
        logit_lens(PROMPT, str(tiny_gpt2), top_k=top_k)


def test_a_long_prompt_keeps_its_last_256_tokens_and_says_so(tiny_gpt2):
    text = " ".join(f"word{i}" for i in range(400))
    result = logit_lens(text, str(tiny_gpt2), top_k=3)
    assert len(result.tokens) == MAX_LENS_TOKENS
    assert result.truncation is not None and result.truncation.tokens > MAX_LENS_TOKENS
    assert result.truncation.kept_tokens == MAX_LENS_TOKENS
    assert "".join(result.tokens).strip().endswith("word399")
    _, _, notice, _ = lens_views(text, str(tiny_gpt2), 3, CallContext())
    assert "✂️" in notice and f"{result.truncation.tokens:,} tokens" in notice


def test_a_long_masked_text_keeps_its_start_and_the_mask_must_be_inside(tiny_masked_lm):
    tail = " ".join(["filler"] * 400)
    result = logit_lens(f"Paris is the [MASK] of France. {tail}", str(tiny_masked_lm), top_k=3)
    assert len(result.tokens) == MAX_LENS_TOKENS and result.tokens[result.position] == "[MASK]"
    assert result.truncation is not None
    with pytest.raises(BadInput, match="beyond the first 256 tokens"):
        logit_lens(f"{tail} Paris is the [MASK] of France.", str(tiny_masked_lm))


def test_a_short_text_is_not_cut(tiny_gpt2):
    assert logit_lens(PROMPT, str(tiny_gpt2)).truncation is None


@pytest.mark.parametrize("fixture", ["tiny_gpt2", "tiny_chat_gpt2", "tiny_masked_lm"])
def test_the_notebook_code_runs_and_prints_the_same_last_row(request, fixture, capsys):
    path = request.getfixturevalue(fixture)
    text = MASKED if fixture == "tiny_masked_lm" else PROMPT
    result = logit_lens(text, str(path), top_k=3)
    assert result.chat == (fixture == "tiny_chat_gpt2")
    exec(notebook_code(result, text, 3), {})  # noqa: S102 (our own generated code, on a local tiny model)
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == len(result.layers)
    last = result.layers[-1]["top"]
    assert printed[-1].startswith(f"{len(result.layers) - 1} ") and repr(round(last[0]["p"], 3)) in printed[-1]
