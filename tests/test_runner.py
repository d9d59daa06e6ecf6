"""The one task runner: every task resolves on both backends, and a hosted answer (the loopback router) comes back
as the same typed result, with the same JSON keys, as the local model's."""

import re
from pathlib import Path

import gradio as gr
import pytest

from core import runner
from core.call import Backend, CallContext, TaskInputs
from core.errors import BadInput
from core.remote import REMOTE_TASKS, RemoteSettings, get_remote_task
from tests.kit import images
from tests.kit.fake_router import Reply

TOKEN = "hf_" + "Rn6" * 11 + "w"
MODEL = "org/model"
PROMPT = "Once upon a time,"
BOX = {"score": 0.9, "label": "cat", "box": {"xmin": 1, "ymin": 2, "xmax": 11, "ymax": 20}}

#: task → (fixture of its tiny local model, inputs, what the router answers).
CASES = {
    "classify": ("tiny_classifier", TaskInputs(text="I like apple"), [[{"label": "POSITIVE", "score": 0.7}]]),
    "zero_shot": (
        "tiny_nli",
        TaskInputs(text="I love football", labels="sports, politics"),
        [{"label": "sports", "score": 0.9}, {"label": "politics", "score": 0.1}],
    ),
    "ner": (
        "tiny_ner",
        TaskInputs(text="My name is Sarah", options={"aggregation_strategy": "first"}),
        [{"entity_group": "PER", "score": 0.99, "word": "Sarah", "start": 11, "end": 16}],
    ),
    "answer": (
        "tiny_qa",
        TaskInputs(text="Where do I live?", context="I live in Berlin."),
        {"score": 0.9, "start": 10, "end": 16, "answer": "Berlin"},
    ),
    "summarize": ("tiny_t5", TaskInputs(text="The tower is tall. " * 3), [{"summary_text": "A tall tower."}]),
    "translate": ("tiny_marian", TaskInputs(text="Hello there."), [{"translation_text": "안녕"}]),
    "generate": (
        "tiny_gpt2",
        TaskInputs(text=PROMPT, max_new_tokens=3, options={"seed": 1}),
        [{"generated_text": " there was"}],
    ),
    "fill_mask": (
        "tiny_masked_lm",
        TaskInputs(text="Paris is the [MASK] of France.", options={"top_k": 2}),
        [
            {"score": 0.9, "token": 7, "token_str": "capital", "sequence": "paris is the capital of france."},
            {"score": 0.1, "token": 8, "token_str": "city", "sequence": "paris is the city of france."},
        ],
    ),
    "similarity": ("tiny_masked_lm", TaskInputs(text="I like apple\nI like pear"), None),
    "detect": ("tiny_detr", TaskInputs(threshold=0.0, options={"max_detections": 3}), [BOX]),
}


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    return str(images.save(images.scene((64, 48)), tmp_path_factory.mktemp("runner") / "photo.png"))


def test_every_task_resolves_on_both_backends():
    assert set(runner.RUNNERS) == set(REMOTE_TASKS) == set(CASES)
    for task in runner.RUNNERS:
        assert runner.get_runner(task) is runner.RUNNERS[task] and get_remote_task(task).id == task


def test_an_unknown_task_is_a_clear_error():
    with pytest.raises(BadInput, match="'tokenize' has no runner"):
        runner.run("tokenize", TaskInputs(text="hi"), CallContext())


@pytest.mark.parametrize(
    ("given", "expected"),
    [("remote", Backend.REMOTE), ("local", Backend.LOCAL), ("", Backend.LOCAL), (None, Backend.LOCAL)],
)
def test_backend_is_an_enum_read_once(given, expected):
    assert Backend.parse(given) is expected


def test_an_unknown_backend_is_refused():
    with pytest.raises(BadInput, match="Unknown backend 'cloud'"):
        Backend.parse("cloud")


@pytest.mark.parametrize("task", list(CASES))
def test_a_hosted_answer_is_the_same_typed_result_as_the_local_one(request, router, photo, task):
    fixture, inputs, answer = CASES[task]
    if task == "detect":
        inputs = TaskInputs(image=photo, threshold=inputs.threshold, options=inputs.options)
    if answer is None:  # similarity: one request per sentence, each a row of the matrix
        router.answer(MODEL, Reply(200, [1.0, 0.5]), Reply(200, [0.5, 1.0]))
    else:
        router.answer(MODEL, Reply(200, answer))
    call = CallContext(device="cpu", token=TOKEN, remote=RemoteSettings(base_url=router.url))

    local = runner.run(task, TaskInputs(**{**inputs.__dict__, "model": str(request.getfixturevalue(fixture))}), call)
    hosted = runner.run(task, TaskInputs(**{**inputs.__dict__, "model": MODEL}), _remote(call))

    assert type(hosted.result) is type(local.result)
    assert hosted.hosted is not None and local.hosted is None
    assert _same_shape(hosted.result.to_json(), local.result.to_json())
    assert "InferenceClient" in hosted.code and "InferenceClient" not in local.code
    assert "🌐" in hosted.notice("en", _never) and local.notice("en", lambda result, language: "here") == "here"


def test_generation_keeps_the_prompt_out_of_the_hosted_text(router):
    router.answer(MODEL, Reply(200, [{"generated_text": " there was"}]))
    call = _remote(CallContext(token=TOKEN, remote=RemoteSettings(base_url=router.url)))
    ran = runner.run("generate", TaskInputs(text=PROMPT, model=MODEL, max_new_tokens=3, options={"seed": 1}), call)
    assert ran.result.texts == [" there was"] and ran.result.prompt.text == PROMPT
    assert ran.result.to_json() == [{"generated_text": PROMPT + " there was"}]


def test_a_streaming_task_answers_once_from_the_hosted_api(router):
    router.answer(MODEL, Reply(200, [{"summary_text": "Short."}]))
    call = _remote(CallContext(token=TOKEN, remote=RemoteSettings(base_url=router.url)))
    runs = list(runner.stream("summarize", TaskInputs(text="A long text.", model=MODEL), call))
    assert len(runs) == 1 and runs[0].result.summary == "Short." and runs[0].result.done


def test_retry_waits_reach_the_calls_listener(router):
    seen = []
    router.answer(MODEL, Reply(429, {"error": "rate"}, {"Retry-After": "0"}), Reply(200, CASES["classify"][2]))
    call = _remote(CallContext(token=TOKEN, remote=RemoteSettings(base_url=router.url), on_wait=seen.append))
    runner.run("classify", TaskInputs(text="hi", model=MODEL), call)
    assert len(seen) == 1 and seen[0].seconds == 0


def test_reruns_are_free_only_on_this_machine():
    assert runner.reruns_are_free(CallContext()) and not runner.reruns_are_free(_remote(CallContext()))


# --- the tab side: one CallContext per event -------------------------------------------------------------------


def test_a_task_handler_gets_one_typed_call_context_and_keeps_the_api_parameters():
    from tabs.call import task_handler
    from tabs.context import AppContext

    seen = []

    @task_handler(AppContext(public=True))
    def handler(text: str, model: str, top_k: int = 3, *, call: CallContext) -> str:
        seen.append(call)
        return text

    names = list(handler.__signature__.parameters)
    assert names == ["text", "model", "top_k", "device", "language", "backend", "provider", "hf_token"] + [
        "request",
        "oauth_token",
    ]
    assert handler("hi", "m", 3, "cpu", "auto", "remote", "hf-inference", TOKEN) == "hi"
    (call,) = seen
    assert call.backend is Backend.REMOTE and call.device == "cpu" and call.provider == "hf-inference"
    assert call.token == TOKEN and call.language == "en" and not call.policy.allow_local


def test_a_task_handler_speaks_the_calls_language_when_it_fails():
    from tabs.call import task_handler
    from tabs.context import AppContext

    @task_handler(AppContext())
    def handler(text: str, *, call: CallContext) -> str:
        raise BadInput("Bad.", ko="잘못됐어요.")

    class Request:
        headers = {"accept-language": "ko-KR,ko;q=0.9"}

    with pytest.raises(gr.Error, match="잘못됐어요"):
        handler("hi", request=Request())
    with pytest.raises(gr.Error, match="Unknown backend"):
        handler("hi", backend="cloud")


def _remote(call: CallContext) -> CallContext:
    from dataclasses import replace

    return replace(call, backend=Backend.REMOTE)


def _never(result, language):
    raise AssertionError("a hosted run has no local notice to read")


def _same_shape(a, b) -> bool:
    """Whether two JSON values have the same keys all the way down (values differ: random weights, scripted
    answers); an empty list matches any list (random weights may find no entity)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(_same_shape(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return isinstance(b, list) and (not a or not b or _same_shape(a[0], b[0]))
    return type(a) is type(b) or {type(a), type(b)} <= {int, float}


# --- tabs never branch on the backend -------------------------------------------------------------------------

#: A comparison with the backend, in any spelling a tab might use.
BACKEND_BRANCH = re.compile(
    r"""backend\s*(==|!=|\bis\b|\bin\b)|(==|!=)\s*["']remote["']|["']remote["']\s*(==|!=|\bin\b)|Backend\.(LOCAL|REMOTE)"""
)
#: The settings row, and the one helper that turns it into each event's CallContext.
MAY_NAME_THE_BACKEND = {"call.py", "remote_backend.py"}
TABS = Path(__file__).resolve().parent.parent / "tabs"


@pytest.mark.parametrize(
    ("line", "branches"),
    [
        ('if backend == "remote":', True),
        ("if call.backend is Backend.REMOTE:", True),
        ("elif 'remote' == backend:", True),
        ("if backend != 'local' and image:", True),
        ('backend="local",', False),
        ("call = call_context(ctx, device, language, backend, provider, hf_token, request)", False),
        ('rows = [["local", model, 1.0], ["remote", model, 2.0]]', False),
    ],
)
def test_the_backend_branch_pattern_finds_what_it_should(line, branches):
    assert bool(BACKEND_BRANCH.search(line)) is branches


def test_no_tab_branches_on_the_backend():
    found = [
        f"{path.relative_to(TABS.parent)}:{number}: {line.strip()}"
        for path in sorted(TABS.rglob("*.py"))
        if path.name not in MAY_NAME_THE_BACKEND
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BACKEND_BRANCH.search(line)
    ]
    assert found == [], "ask core.runner (run, stream, reruns_are_free) instead:\n" + "\n".join(found)
