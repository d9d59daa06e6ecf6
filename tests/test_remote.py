"""core.remote on loopback: a server that answers like the Hugging Face router, InferenceClient
pointed at it through base_url; every task's shape, every fault's message, the retry schedule,
and the token travelling only in the Authorization header."""

import logging

import pytest

from core.errors import BadInput, ModelNotAvailable, RemoteFailure
from core.remote import REMOTE_TASKS, Credential, RemoteInputs, RemoteSettings, RetryPolicy, TokenSource, run_remote
from tests.kit.fake_router import Reply

TOKEN = "hf_" + "Zq9" * 11 + "x"
MODEL = "org/model"
TYPED = Credential(TokenSource.TYPED, TOKEN)
NO_WAIT = RetryPolicy(max_retries=3, base_delay=1.0, max_delay=8.0, max_total_wait=45.0)
CLASSIFY_ANSWER = [[{"label": "NEGATIVE", "score": 0.2}, {"label": "POSITIVE", "score": 0.8}]]


def call(router, task="classify", inputs=None, *, credential=TYPED, policy=NO_WAIT, timeout=10.0, **kwargs):
    """run_remote against the fake router, never really sleeping; returns (result, waits)."""
    waits: list[float] = []
    result = run_remote(
        task,
        inputs or RemoteInputs(text="I like apple"),
        kwargs.pop("model", MODEL),
        credential=credential,
        settings=RemoteSettings(base_url=router.url, timeout=timeout, policy=policy),
        sleep=waits.append,
        rng=lambda: 0.5,
        **kwargs,
    )
    return result, waits


# --- every task: the router's answer in, the local tab's contract shape out -----------------------

IMAGE_ANSWER = [{"score": 0.9, "label": "cat", "box": {"xmin": 1, "ymin": 2, "xmax": 30, "ymax": 40}}]


@pytest.fixture
def image_file(tmp_path):
    from PIL import Image

    path = tmp_path / "cats.png"
    Image.new("RGB", (32, 48), "white").save(path)
    return str(path)


TASK_CASES = {
    "classify": (RemoteInputs(text="I like apple"), CLASSIFY_ANSWER, CLASSIFY_ANSWER[0][::-1]),
    "zero_shot": (
        RemoteInputs(text="The match ended 2-1", labels="sports, politics"),
        [{"label": "politics", "score": 0.1}, {"label": "sports", "score": 0.9}],
        {"sequence": "The match ended 2-1", "labels": ["sports", "politics"], "scores": [0.9, 0.1]},
    ),
    "ner": (
        RemoteInputs(text="My name is Sarah and I live in London"),
        [{"entity_group": "PER", "score": 0.99, "word": "Sarah", "start": 11, "end": 16}],
        [{"entity_group": "PER", "score": 0.99, "word": "Sarah", "start": 11, "end": 16}],
    ),
    "answer": (
        RemoteInputs(text="Where do I live?", context="My name is Sarah and I live in London"),
        {"score": 0.8, "start": 31, "end": 37, "answer": "London"},
        {"score": 0.8, "start": 31, "end": 37, "answer": "London"},
    ),
    "summarize": (RemoteInputs(text="A long text. " * 20), [{"summary_text": "Short."}], [{"summary_text": "Short."}]),
    "translate": (RemoteInputs(text="안녕하세요"), [{"translation_text": "Hello"}], [{"translation_text": "Hello"}]),
    "generate": (
        RemoteInputs(text="Once upon a time,", max_new_tokens=5),
        [{"generated_text": " there was a cat"}],
        [{"generated_text": "Once upon a time, there was a cat"}],
    ),
    "fill_mask": (
        RemoteInputs(text="Paris is the [MASK] of France."),
        [{"score": 0.9, "token": 3007, "token_str": "capital", "sequence": "paris is the capital of france."}],
        [{"score": 0.9, "token": 3007, "token_str": "capital", "sequence": "paris is the capital of france."}],
    ),
    "detect": (RemoteInputs(threshold=0.5), IMAGE_ANSWER, IMAGE_ANSWER),
}


@pytest.mark.parametrize("task", list(TASK_CASES))
def test_each_task_answers_in_the_local_contract_shape(router, task, image_file):
    inputs, answer, expected = TASK_CASES[task]
    if task == "detect":
        inputs = RemoteInputs(image=image_file, threshold=0.5)
    router.answer(MODEL, Reply(200, answer))
    result, _ = call(router, task, inputs)
    assert result.output == expected
    assert result.model == MODEL and result.retries == 0 and result.seconds >= 0
    assert f"client.{REMOTE_TASKS[task].method}(" in result.code


def test_similarity_asks_one_row_per_sentence_and_returns_the_square_matrix(router):
    router.answer(MODEL, Reply(200, [1.0, 0.25]), Reply(200, [0.25, 1.0]))
    result, _ = call(router, "similarity", RemoteInputs(text="I like apple\nI like pear"))
    assert result.output == {"sentences": ["I like apple", "I like pear"], "matrix": [[1.0, 0.25], [0.25, 1.0]]}
    assert [seen.json()["inputs"]["source_sentence"] for seen in router.seen] == ["I like apple", "I like pear"]


def test_several_lines_are_one_request_each_and_one_list_each(router):
    router.answer(MODEL, Reply(200, CLASSIFY_ANSWER), Reply(200, CLASSIFY_ANSWER))
    result, _ = call(router, inputs=RemoteInputs(text="I like apple\n\nI felt very sad"))
    assert [seen.json()["inputs"] for seen in router.seen] == ["I like apple", "I felt very sad"]
    assert len(result.output) == 2 and result.output[0][0] == {"label": "POSITIVE", "score": 0.8}
    assert result.raw == [CLASSIFY_ANSWER[0], CLASSIFY_ANSWER[0]]


def test_raw_output_is_what_inference_client_returned(router):
    router.answer(MODEL, Reply(200, CLASSIFY_ANSWER))
    result, _ = call(router)
    assert result.raw == CLASSIFY_ANSWER[0]  # text_classification() unwraps the router's list of lists


def test_the_model_id_goes_into_the_router_path(router):
    router.answer("distilbert/sst2", Reply(200, CLASSIFY_ANSWER))
    call(router, model="distilbert/sst2")
    assert router.seen[0].path == "/hf-inference/models/distilbert/sst2"


# --- the token ------------------------------------------------------------------------------------


def test_the_token_travels_only_in_the_authorization_header(router, caplog):
    caplog.set_level(logging.DEBUG)
    router.answer(MODEL, Reply(200, CLASSIFY_ANSWER))
    result, _ = call(router)
    seen = router.seen[0]
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    others = {k: v for k, v in seen.headers.items() if k.lower() != "authorization"}
    assert TOKEN not in str(others) and TOKEN not in seen.path and TOKEN.encode() not in seen.body
    assert TOKEN not in str(result.raw) + str(result.output) + result.code + result.summary("en")
    assert TOKEN not in caplog.text


def test_no_token_is_sent_when_there_is_none(router):
    router.answer(MODEL, Reply(200, CLASSIFY_ANSWER))
    call(router, credential=Credential(TokenSource.NONE))
    assert "authorization" not in {k.lower() for k in router.seen[0].headers}


def test_a_server_that_echoes_the_token_does_not_get_it_into_the_message(router):
    router.answer(MODEL, Reply(500, {"error": f"bad header Bearer {TOKEN}"}))
    with pytest.raises(RemoteFailure) as caught:
        call(router)
    assert "HTTP 500" in caught.value.message and TOKEN not in caught.value.message


def test_the_hugging_face_router_needs_a_token_before_anything_is_sent(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with pytest.raises(BadInput, match="needs a Hugging Face token and none was given"):
        run_remote("classify", RemoteInputs(text="hi"), MODEL, credential=Credential(TokenSource.NONE))


# --- faults ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "credential", "error", "message"),
    [
        (Reply(401, {"error": "Invalid credentials in Authorization header"}), TYPED, BadInput, "refused your token"),
        (Reply(401, {"error": "Unauthorized"}), Credential(TokenSource.NONE), BadInput, "none was given"),
        (
            Reply(403, {"error": "Access to model org/model is restricted. gated"}, {"X-Error-Code": "GatedRepo"}),
            TYPED,
            ModelNotAvailable,
            "gated model",
        ),
        (Reply(403, {"error": "This token lacks permissions"}), TYPED, BadInput, "Make calls to Inference Providers"),
        (Reply(404, {"error": "Model org/model does not exist"}), TYPED, ModelNotAvailable, "not found.*404"),
        (Reply(400, {"error": "Input is too long"}), TYPED, BadInput, "refused the input.*Input is too long"),
        (Reply(500, {"error": "boom"}), TYPED, RemoteFailure, "HTTP 500"),
    ],
)
def test_each_http_fault_has_its_own_message(router, reply, credential, error, message):
    router.answer(MODEL, reply)
    with pytest.raises(error, match=message) as caught:
        call(router, credential=credential)
    assert caught.value.message_ko and TOKEN not in caught.value.message


def test_a_model_the_server_does_not_serve_is_a_404_message(router):
    with pytest.raises(ModelNotAvailable, match="'org/unknown' was not found .* does not serve it"):
        call(router, model="org/unknown")


def test_a_slow_server_is_a_timeout_message(router):
    router.answer(MODEL, Reply(200, CLASSIFY_ANSWER, delay=2.0))
    with pytest.raises(RemoteFailure, match="did not answer within 0.3 s"):
        call(router, timeout=0.3)


def test_offline_mode_is_its_own_message():
    with pytest.raises(RemoteFailure, match="The app is offline"):
        run_remote("classify", RemoteInputs(text="hi"), MODEL, credential=TYPED)


def test_an_unreachable_server_says_so(router):
    from tests.kit.app import free_port

    settings = RemoteSettings(base_url=f"http://127.0.0.1:{free_port()}/models/{{model}}")
    with pytest.raises(RemoteFailure, match="Cannot reach 127.0.0.1"):
        run_remote("classify", RemoteInputs(text="hi"), MODEL, credential=TYPED, settings=settings)


@pytest.mark.parametrize(
    ("task", "answer"),
    [
        ("classify", "<html>Service page</html>"),
        ("classify", {"label": "POSITIVE"}),
        ("classify", [[{"label": "POSITIVE", "score": "high"}]]),
        ("classify", [[]]),
        ("summarize", [{"generated_text": "wrong key"}]),
        ("ner", [{"entity_group": "PER", "score": 0.9}]),
        ("answer", ["London"]),
        ("generate", [{"text": "no generated_text"}]),
    ],
)
def test_an_answer_that_is_not_what_the_task_returns_is_a_clear_error(router, task, answer):
    router.answer(MODEL, Reply(200, answer, raw=isinstance(answer, str)))
    with pytest.raises(RemoteFailure, match="is not what .* returns"):
        call(router, task, TASK_CASES[task][0])


# --- retries --------------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says_then_succeeds(router):
    router.answer(MODEL, Reply(429, {"error": "rate"}, {"Retry-After": "3"}), Reply(200, CLASSIFY_ANSWER))
    notices = []
    result, waits = call(router, on_wait=notices.append)
    assert len(router.seen) == 2 and result.retries == 1
    assert waits == [3.0 + 0.3 * 0.5]
    assert notices[0].status == 429 and notices[0].server_asked == 3.0 and "waiting 3.1 s" in notices[0].text("en")


def test_503_while_loading_backs_off_exponentially_with_jitter(router):
    router.answer(MODEL, Reply(503, "busy", raw=True), Reply(503, "busy", raw=True), Reply(200, CLASSIFY_ANSWER))
    result, waits = call(router)
    assert waits == [0.75, 1.5]  # 1 s then 2 s, jittered into [d/2, d] (rng = 0.5)
    assert result.retries == 2 and result.waited == pytest.approx(2.25)


def test_503_estimated_time_is_honoured(router):
    router.answer(MODEL, Reply(503, {"error": "loading", "estimated_time": 4.0}), Reply(200, CLASSIFY_ANSWER))
    _, waits = call(router)
    assert waits == [4.0 + 0.4 * 0.5]


def test_retries_stop_after_the_allowed_count(router):
    router.answer(MODEL, *[Reply(429, {"error": "rate"}, {"Retry-After": "1"})] * 5)
    with pytest.raises(RemoteFailure, match="still after 3 retries") as caught:
        call(router)
    assert len(router.seen) == 4 and "429" in caught.value.message


def test_a_wait_longer_than_the_budget_gives_up_at_once_and_says_when_to_come_back(router):
    router.answer(MODEL, Reply(429, {"error": "rate"}, {"Retry-After": "120"}))
    with pytest.raises(RemoteFailure, match="after 0 retries.*Try again in about 120 s"):
        call(router)
    assert len(router.seen) == 1


def test_the_total_wait_stays_within_the_budget(router):
    router.answer(MODEL, *[Reply(503, {"error": "loading", "estimated_time": 20}) for _ in range(4)])
    waits: list[float] = []
    with pytest.raises(RemoteFailure, match="still after 2 retries"):
        run_remote(
            "classify",
            RemoteInputs(text="hi"),
            MODEL,
            credential=TYPED,
            settings=RemoteSettings(base_url=router.url, policy=RetryPolicy(max_total_wait=45.0)),
            sleep=waits.append,
            rng=lambda: 0.0,
        )
    assert sum(waits) <= 45.0 and len(waits) == 2


def test_other_errors_are_not_retried(router):
    router.answer(MODEL, Reply(404, {"error": "nope"}), Reply(200, CLASSIFY_ANSWER))
    with pytest.raises(ModelNotAvailable):
        call(router)
    assert len(router.seen) == 1


# --- bad input, before anything is sent ------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "inputs", "kwargs", "error", "message"),
    [
        ("classify", RemoteInputs(text="   "), {}, BadInput, "The text is empty"),
        ("classify", RemoteInputs(text="\n".join(["hi"] * 9)), {}, BadInput, "9 lines; at most 8"),
        ("tokenize", RemoteInputs(text="hi"), {}, BadInput, "cannot run on the Inference API"),
        ("zero_shot", RemoteInputs(text="hi", labels="sports"), {}, BadInput, "at least two candidate labels"),
        ("answer", RemoteInputs(text="Where?", context=""), {}, BadInput, "The context is empty"),
        ("similarity", RemoteInputs(text="only one"), {}, BadInput, "at least two"),
        ("detect", RemoteInputs(), {}, BadInput, "No image given"),
        ("generate", RemoteInputs(text="Once", max_new_tokens=0), {}, BadInput, "between 1 and 512"),
        ("generate", RemoteInputs(text="Once", max_new_tokens=None), {}, BadInput, "between 1 and 512"),
        ("classify", RemoteInputs(text="hi"), {"model": "../etc/passwd"}, BadInput, "folder on this machine"),
        ("classify", RemoteInputs(text="hi"), {"model": ""}, BadInput, "No model given"),
    ],
)
def test_bad_input_is_refused_before_any_request(router, task, inputs, kwargs, error, message):
    with pytest.raises(error, match=message):
        call(router, task, inputs, **kwargs)
    assert router.seen == []


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        ("groq", "Provider 'groq' does not offer text-classification. Providers that do: hf-inference"),
        ("nope", "Unknown provider 'nope'"),
    ],
)
def test_a_provider_that_does_not_offer_the_task_is_refused(monkeypatch, provider, message):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with pytest.raises(BadInput, match=message):
        run_remote("classify", RemoteInputs(text="hi"), MODEL, credential=TYPED, provider=provider)


def test_provider_refusals_from_huggingface_hub_are_translated():
    from core.errors import WrongModelKind
    from core.remote.faults import CallTarget, translate

    target = CallTarget("text-classification", MODEL, "auto", None, TYPED, 60)
    assert isinstance(
        translate(ValueError("Model org/model is not supported by provider groq."), target), ModelNotAvailable
    )
    assert isinstance(translate(ValueError("Model 'org/model' doesn't support task 'x'"), target), WrongModelKind)
    refused = translate(ValueError("Task 'text-classification' not supported for provider 'groq'."), target)
    assert isinstance(refused, BadInput) and "does not offer" in refused.message


@pytest.mark.parametrize("threshold", [1.5, -0.1, None])
def test_a_detection_threshold_outside_0_1_is_refused(router, image_file, threshold):
    with pytest.raises(BadInput, match="outside 0–1"):
        call(router, "detect", RemoteInputs(image=image_file, threshold=threshold))
    assert router.seen == []
