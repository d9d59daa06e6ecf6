"""core.generation.generate: the pipeline's output shape, streaming, seeds, chat templates, limits and long prompts."""

import ast
import threading

import pytest

import core.generation.generate
from core.errors import BadInput, WrongModelKind
from core.generation.generate import GenerationSettings, generate, notebook_code, stream_generate
from core.inputs.text import MAX_CHARS

PROMPT = "Hello, my name is"


def test_base_model_continues_the_prompt_in_the_pipelines_shape(tiny_gpt2):
    result = generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=8))
    out = result.to_json()
    assert len(out) == 1 and set(out[0]) == {"generated_text"}
    assert out[0]["generated_text"].startswith(PROMPT)
    assert not result.prompt.chat and result.prompt.model_text == PROMPT
    assert result.done and result.new_tokens <= 8


def test_chat_model_gets_its_template_and_answers_as_assistant(tiny_chat_gpt2):
    result = generate(PROMPT, str(tiny_chat_gpt2), GenerationSettings(max_new_tokens=8))
    assert result.prompt.chat
    assert result.prompt.model_text == f"<|im_start|>user\n{PROMPT}<|im_end|>\n<|im_start|>assistant\n"
    conversation = result.to_json()[0]["generated_text"]
    assert conversation[0] == {"role": "user", "content": PROMPT}
    assert conversation[1]["role"] == "assistant" and conversation[1]["content"] == result.texts[0]


@pytest.mark.parametrize("fixture", ["tiny_gpt2", "tiny_chat_gpt2"])
def test_result_equals_the_pipeline_with_the_same_seed(fixture, request):
    """The code panel's promise: set_seed + pipeline in a notebook gives exactly this output."""
    from transformers import pipeline, set_seed

    path = str(request.getfixturevalue(fixture))
    settings = GenerationSettings(
        max_new_tokens=12, temperature=0.8, top_k=40, top_p=0.9, repetition_penalty=1.2, seed=7
    )
    ours = generate(PROMPT, path, settings)
    prompt = [{"role": "user", "content": PROMPT}] if ours.prompt.chat else PROMPT
    set_seed(7)
    assert pipeline("text-generation", model=path)(prompt, **settings.generate_kwargs()) == ours.to_json()


def test_same_seed_reproduces_and_another_seed_differs(tiny_gpt2):
    runs = [generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=20, seed=s)).texts for s in (3, 3, 4)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_greedy_ignores_the_seed(tiny_gpt2):
    runs = [
        generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=10, do_sample=False, seed=s))
        for s in (1, 2)
    ]
    assert runs[0].texts == runs[1].texts


def test_streaming_yields_growing_partial_texts(tiny_gpt2):
    updates = list(stream_generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=30, seed=1)))
    partials = [u.texts[0] for u in updates if not u.done]
    assert len(partials) > 1
    assert all(later.startswith(earlier) for earlier, later in zip(partials, partials[1:]))
    assert updates[-1].done and updates[-1].texts[0].startswith(partials[-1])
    assert all(not u.done for u in updates[:-1])
    assert updates[-1].first_token_seconds is not None


def test_each_sequence_is_the_single_run_with_seed_plus_k(tiny_gpt2):
    many = generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=10, num_return_sequences=3, seed=5))
    assert len(many.to_json()) == 3
    third = generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=10, seed=7))
    assert many.texts[2] == third.texts[0]


def test_seed_minus_one_draws_a_seed_and_reports_it(tiny_gpt2):
    drawn = generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=10, seed=-1))
    assert drawn.settings.seed >= 0
    again = generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=10, seed=drawn.settings.seed))
    assert again.texts == drawn.texts


def test_a_100000_character_prompt_is_cut_to_its_end_with_a_notice(tiny_gpt2):
    text = "word " * (MAX_CHARS // 5 - 2) + "THE END"
    assert len(text) <= MAX_CHARS
    result = generate(text, str(tiny_gpt2), GenerationSettings(max_new_tokens=5))
    cut = result.prompt.truncation
    assert cut is not None and cut.tokens > cut.window == 1024
    assert result.prompt.length + 5 <= 1024
    assert result.prompt.text.endswith("THE END")


def test_long_prompt_for_a_chat_model_keeps_the_template(tiny_chat_gpt2):
    result = generate("apple " * 5000, str(tiny_chat_gpt2), GenerationSettings(max_new_tokens=5))
    assert result.prompt.truncation is not None
    assert result.prompt.length + 5 <= 1024
    assert result.prompt.model_text.endswith("<|im_start|>assistant\n")


def test_leaving_the_stream_early_stops_the_generation(tiny_gpt2):
    stream = stream_generate(PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=512, seed=1))
    next(stream)
    stream.close()
    assert not [t for t in threading.enumerate() if t.name == "generate"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_new_tokens": 513}, "`max_new_tokens` must be a whole number from 1 to 512; got 513"),
        ({"max_new_tokens": 0}, "`max_new_tokens` .*; got 0"),
        ({"temperature": 0.0}, "temperature is 0.0: with sampling it must be greater than 0"),
        ({"temperature": -1.0}, "temperature is -1.0"),
        ({"temperature": 9.0}, "at most 5.0"),
        ({"top_p": 0.0}, r"top_p is 0.0.*greater than 0 and at most 1"),
        ({"top_p": 1.5}, "top_p is 1.5"),
        ({"top_k": -1}, "`top_k` .*; got -1"),
        ({"repetition_penalty": 0.0}, "repetition_penalty is 0.0"),
        ({"num_return_sequences": 5}, "`num_return_sequences` must be a whole number from 1 to 4; got 5"),
        ({"num_return_sequences": 2, "do_sample": False}, "greedy decoding gives the same text"),
        ({"seed": -2}, "`seed` .*; got -2"),
    ],
)
def test_settings_out_of_range_are_refused_with_the_range(settings, message, tiny_gpt2):
    with pytest.raises(BadInput, match=message):
        generate(PROMPT, str(tiny_gpt2), GenerationSettings(**settings))


def test_temperature_zero_is_fine_without_sampling(tiny_gpt2):
    assert generate(
        PROMPT, str(tiny_gpt2), GenerationSettings(max_new_tokens=3, temperature=0.0, do_sample=False)
    ).done


@pytest.mark.parametrize("text", ["", "  \n ", None])
def test_empty_prompt_is_refused(text, tiny_gpt2):
    with pytest.raises(BadInput, match="empty"):
        generate(text, str(tiny_gpt2))


def test_a_classifier_is_the_wrong_kind_of_model(tiny_classifier):
    with pytest.raises(WrongModelKind, match="BertForSequenceClassification.*ForCausalLM or LMHeadModel"):
        generate(PROMPT, str(tiny_classifier))


def test_more_new_tokens_than_the_window_is_refused(tiny_short_gpt2):
    with pytest.raises(BadInput, match="sees at most 64 tokens"):
        generate(PROMPT, str(tiny_short_gpt2), GenerationSettings(max_new_tokens=100))


@pytest.mark.parametrize(("chat", "sequences"), [(False, 1), (True, 1), (False, 3)])
def test_notebook_code_is_valid_python_with_the_seed(chat, sequences):
    settings = GenerationSettings(seed=9, num_return_sequences=sequences)
    code = notebook_code("org/model", "It's a test", settings, chat)
    ast.parse(code)
    assert "pipeline('text-generation', model='org/model')" in code and "set_seed(9" in code
    assert ("'role': 'user'" in code) is chat


def test_prompts_are_capped_even_when_the_window_is_larger(tiny_gpt2, monkeypatch):
    monkeypatch.setattr(core.generation.generate, "MAX_PROMPT_TOKENS", 100)
    result = generate("apple " * 500, str(tiny_gpt2), GenerationSettings(max_new_tokens=5))
    assert result.prompt.length <= 100 and result.prompt.truncation.window == 1024
