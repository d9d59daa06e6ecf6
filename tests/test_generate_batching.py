"""core.generation.batcher: concurrent generations share decoding steps, each keeps its own seed, stop and wait."""

import threading
import time

import pytest

import core.generation.batch_cache
import core.generation.batched
import core.generation.batcher
from core.errors import BadInput
from core.generation.batcher import batcher_for, max_rows
from core.generation.generate import TASK, GenerationSettings, batches, generate, stream_generate
from core.runtime.loading import load_for_task
from tabs.generate_notice import generation_notice

#: Mixed prompts and settings: short and long prompts, greedy, top-k, top-p, repetition penalty, two sequences.
CASES = [
    ("Hello", GenerationSettings(max_new_tokens=30, seed=1)),
    ("The quick brown fox jumps over the lazy dog, and then", GenerationSettings(max_new_tokens=25, seed=2, top_k=0)),
    ("A", GenerationSettings(max_new_tokens=20, temperature=0.7, top_p=0.8, seed=3)),
    ("Once upon a time", GenerationSettings(max_new_tokens=28, do_sample=False, repetition_penalty=1.3)),
    ("Two sequences", GenerationSettings(max_new_tokens=18, num_return_sequences=2, temperature=1.3, seed=9)),
]
LONG = ("A long one keeps the batch busy:", GenerationSettings(max_new_tokens=300, seed=11))


def _batcher(path):
    return batcher_for(load_for_task(TASK, str(path)).model)


def _alone(path, case):
    text, settings = case
    return generate(text, str(path), settings).texts


def _in_thread(path, case, results, index):
    def run():
        results[index] = _alone(path, case)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _first_text(stream):
    """Read the stream until its first text has arrived (the request is then a row of the batch)."""
    for update in stream:
        if update.texts and update.texts[0]:
            return update
    raise AssertionError("the stream ended without text")


def test_a_lone_request_runs_in_the_batcher_and_equals_model_generate(tiny_gpt2):
    from transformers import AutoTokenizer, set_seed

    batcher = _batcher(tiny_gpt2)
    steps = batcher.steps
    settings = GenerationSettings(max_new_tokens=15, temperature=0.9, top_k=20, repetition_penalty=1.2, seed=4)
    ours = generate("Hello, my name is", str(tiny_gpt2), settings)
    assert batcher.steps > steps
    loaded = load_for_task(TASK, str(tiny_gpt2))
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_gpt2))
    ids = tokenizer("Hello, my name is", return_tensors="pt")
    set_seed(4)
    out = loaded.model.generate(**ids, pad_token_id=tokenizer.eos_token_id, **settings.generate_kwargs())
    assert tokenizer.decode(out[0, ids["input_ids"].shape[-1] :], skip_special_tokens=True) == ours.texts[0]
    assert ours.new_tokens == out.shape[-1] - ids["input_ids"].shape[-1]


def test_the_same_seed_gives_the_same_text_alone_or_in_a_batch(tiny_gpt2):
    alone = [_alone(tiny_gpt2, case) for case in [LONG, *CASES]]
    batcher = _batcher(tiny_gpt2)
    widest = batcher.widest = 0
    results = [None] * (len(CASES) + 1)
    stream = stream_generate(LONG[0], str(tiny_gpt2), LONG[1])
    _first_text(stream)  # the long request is decoding: everyone below joins its batch between steps
    threads = [_in_thread(tiny_gpt2, case, results, i + 1) for i, case in enumerate(CASES)]
    *_, last = stream
    results[0] = last.texts
    for thread in threads:
        thread.join()
    widest = batcher.widest
    assert widest >= 3, "the requests did not share steps"
    assert results == alone


def test_a_llama_style_model_batches_with_the_same_text_alone_or_in_a_batch(tiny_llama):
    """Rotary positions and grouped-query attention (one key/value head) through the same batch cache."""
    test_the_same_seed_gives_the_same_text_alone_or_in_a_batch(tiny_llama)


def test_stop_removes_the_row_at_the_next_step_and_the_others_go_on(tiny_gpt2):
    other = ("Another student", GenerationSettings(max_new_tokens=200, seed=5))
    expected = _alone(tiny_gpt2, other)
    batcher = _batcher(tiny_gpt2)
    stopped = stream_generate("Stop me", str(tiny_gpt2), GenerationSettings(max_new_tokens=512, seed=6))
    _first_text(stopped)
    results = [None]
    thread = _in_thread(tiny_gpt2, other, results, 0)
    deadline = time.monotonic() + 30
    while len(batcher.rows) < 2 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert len(batcher.rows) == 2
    stopped.close()  # what gradio does when the student presses Stop
    rows_after = None
    while thread.is_alive() and rows_after is None:
        if len(batcher.rows) <= 1:
            rows_after = len(batcher.rows)
        time.sleep(0.001)
    thread.join()
    assert rows_after is not None and rows_after <= 1
    assert results[0] == expected


def test_a_waiting_request_is_told_its_place_and_how_long_then_runs(tiny_gpt2, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_GENERATE_BATCH_ROWS", "1")
    monkeypatch.setattr(core.generation.batched, "WAIT_POLL_SECONDS", 0.05)
    case = ("Waiting in line", GenerationSettings(max_new_tokens=12, seed=8))
    expected = _alone(tiny_gpt2, case)
    busy = stream_generate(LONG[0], str(tiny_gpt2), LONG[1])
    _first_text(busy)
    for _ in range(3):  # a few steps, so the batcher knows its speed
        next(busy)
    waiting = stream_generate(case[0], str(tiny_gpt2), case[1])
    first = next(waiting)
    assert first.waiting is not None and first.waiting.position == 1 and first.texts == [""]
    assert first.waiting.seconds is not None and first.waiting.seconds > 0
    assert first.waiting.tokens_per_second > 0
    assert "number 1 in line" in generation_notice(first, "en")
    assert "대기 순서 1번째" in generation_notice(first, "ko")
    busy.close()  # the busy one stops: the waiting one gets the row
    *_, last = waiting
    assert last.waiting is None and last.texts == expected
    assert "in line" not in generation_notice(last, "en")


def test_waiting_requests_with_the_same_prompt_share_one_prefill_and_keep_their_own_text(tiny_gpt2, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_GENERATE_BATCH_ROWS", "3")
    monkeypatch.setattr(core.generation.batched, "WAIT_POLL_SECONDS", 0.05)
    example = "The tab's example prompt"
    cases = [
        (example, GenerationSettings(max_new_tokens=14, seed=31)),
        (example, GenerationSettings(max_new_tokens=9, temperature=0.6, top_k=5, seed=32)),
        (example, GenerationSettings(max_new_tokens=11, do_sample=False, repetition_penalty=1.4)),
    ]
    expected = [_alone(tiny_gpt2, case) for case in cases]
    prefills = []
    prefill = core.generation.batcher.StepBatcher._prefill

    def counted(self, requests):
        prefills.append(len(requests))
        return prefill(self, requests)

    monkeypatch.setattr(core.generation.batcher.StepBatcher, "_prefill", counted)
    batcher = _batcher(tiny_gpt2)
    busy = [stream_generate(LONG[0], str(tiny_gpt2), LONG[1]) for _ in range(3)]
    for stream in busy:
        _first_text(stream)  # one row each: every row is taken, and the three below wait in line together
    streams = [stream_generate(text, str(tiny_gpt2), settings) for text, settings in cases]
    assert all(next(stream).waiting is not None for stream in streams)
    with batcher._lock:  # the three rows leave at the same step, so the three waiting find three free rows
        for stream in busy:
            stream.close()
    results = [list(stream)[-1].texts for stream in streams]
    assert results == expected
    assert prefills[-1] == 3  # one prefill for the three students with the same prompt


def test_a_stopped_waiting_request_never_runs(tiny_gpt2, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_GENERATE_BATCH_ROWS", "1")
    monkeypatch.setattr(core.generation.batched, "WAIT_POLL_SECONDS", 0.05)
    batcher = _batcher(tiny_gpt2)
    busy = stream_generate(LONG[0], str(tiny_gpt2), LONG[1])
    _first_text(busy)
    waiting = stream_generate("Never mind", str(tiny_gpt2), GenerationSettings(max_new_tokens=5, seed=1))
    assert next(waiting).waiting is not None
    waiting.close()
    with batcher._lock:
        assert batcher._waiting == [] or all(r.cancelled.is_set() for r in batcher._waiting)
    *_, last = busy
    deadline = time.monotonic() + 10
    while batcher.rows and time.monotonic() < deadline:  # the row leaves just after its last token is read
        time.sleep(0.001)
    assert last.done and batcher.rows == []


def test_beam_search_and_the_decoding_comparison_stay_on_model_generate(tiny_gpt2):
    from core.generation.decoding import DEFAULT_ROWS, compare_decoding

    batcher = _batcher(tiny_gpt2)
    steps = batcher.steps
    assert not batches(GenerationSettings(num_beams=2, do_sample=False))
    *_, result = compare_decoding("Beams", str(tiny_gpt2), DEFAULT_ROWS, max_new_tokens=6)
    assert result.done and len(result.outcomes) == len(DEFAULT_ROWS)
    assert batcher.steps == steps


def test_batching_can_be_switched_off_and_gives_the_same_text(tiny_gpt2, monkeypatch):
    case = ("Switch", GenerationSettings(max_new_tokens=12, seed=21))
    batched = _alone(tiny_gpt2, case)
    monkeypatch.setenv("PLAYGROUND_GENERATE_BATCHING", "off")
    batcher = _batcher(tiny_gpt2)
    steps = batcher.steps
    assert _alone(tiny_gpt2, case) == batched
    assert batcher.steps == steps


def test_a_cache_that_cannot_be_batched_generates_alone(tiny_gpt2, monkeypatch):
    case = ("Sliding window", GenerationSettings(max_new_tokens=10, seed=2))
    expected = _alone(tiny_gpt2, case)

    def refuse(cache):
        raise core.generation.batch_cache.Unbatchable("a sliding-window cache")

    monkeypatch.setattr(core.generation.batcher, "plain_layers", refuse)
    assert _alone(tiny_gpt2, case) == expected


@pytest.mark.parametrize("value", ["0", "-3", "lots", "100000"])
def test_a_bad_batch_size_setting_is_refused_with_its_range(value, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_GENERATE_BATCH_ROWS", value)
    with pytest.raises(BadInput, match="PLAYGROUND_GENERATE_BATCH_ROWS"):
        max_rows()


def test_concurrent_students_through_the_app_each_get_their_own_seeds_text(app_url, tiny_gpt2):
    from gradio_client import Client

    seeds = [31, 32, 33, 34]
    args = [("Class question", str(tiny_gpt2), 40, 1.0, 50, 1.0, 1.0, 1, True, seed) for seed in seeds]
    alone = [Client(app_url, verbose=False).predict(*a, api_name="/generate")[1] for a in args]
    jobs = [Client(app_url, verbose=False).submit(*a, api_name="/generate") for a in args]
    assert [job.result()[1] for job in jobs] == alone
    assert len(set(alone)) == len(seeds)


@pytest.fixture(scope="module")
def symbol_gpt2(tmp_path_factory):
    """A GPT-2 that writes "(" after any prompt: a symbol run with no space, which the streamer holds to the end."""
    import torch
    from transformers import AutoTokenizer, GPT2LMHeadModel

    from tests.kit.tiny_models import build_gpt2

    path = build_gpt2(tmp_path_factory.mktemp("symbol") / "gpt2", tie_word_embeddings=False)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = GPT2LMHeadModel.from_pretrained(path)
    symbol = tokenizer.convert_tokens_to_ids("(")
    with torch.no_grad():  # every hidden state becomes the same vector, which only "(" scores highly
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.fill_(1.0)
        model.lm_head.weight.zero_()
        model.lm_head.weight[symbol] = 1.0
    model.save_pretrained(path)
    return path


@pytest.mark.parametrize("batching", ["on", "off"])
def test_the_first_token_is_timed_when_it_arrives_even_while_the_streamer_holds_its_text(
    symbol_gpt2, batching, monkeypatch
):
    monkeypatch.setenv("PLAYGROUND_GENERATE_BATCHING", batching)
    called = time.perf_counter()
    updates, first_text = [], None
    for update in stream_generate("Open", str(symbol_gpt2), GenerationSettings(max_new_tokens=24, seed=3)):
        if first_text is None and any(update.texts):
            first_text = time.perf_counter() - called
        updates.append(update)
    last = updates[-1]
    assert last.done and last.texts == ["(" * 24] and last.new_tokens == 24
    held = [u for u in updates if not u.done and not any(u.texts)]
    assert held and held[0].first_token_seconds is not None, "no update said the first token had arrived"
    assert [u.first_token_seconds for u in updates] == [held[0].first_token_seconds] * len(updates)
    assert last.first_token_seconds <= first_text
    assert "in line" not in generation_notice(held[0], "en")
