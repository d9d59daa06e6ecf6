"""The real app (--inference-url at the loopback router): every task endpoint with a remote backend
keeps the local contract's first output, and takes the backend settings after ``language``."""

import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError

from tests.kit import images
from tests.kit.fake_router import Reply

TOKEN = "hf_" + "Rt5" * 11 + "q"
MODEL = "org/model"


@pytest.fixture
def router(fake_router):
    """The fake router, emptied (the app runs in its own process: no offline mode to lift here)."""
    fake_router.reset()
    yield fake_router
    fake_router.reset()


def remote(**kwargs) -> dict:
    return {"backend": "remote", "provider": "auto", "hf_token": TOKEN, **kwargs}


@pytest.mark.parametrize(
    "endpoint",
    ["/answer", "/summarize", "/translate", "/generate", "/zero_shot", "/ner", "/fill_mask", "/similarity", "/detect"],
)
def test_backend_settings_follow_language_with_defaults(remote_client, endpoint):
    parameters = remote_client.view_api(print_info=False, return_format="dict")["named_endpoints"][endpoint][
        "parameters"
    ]
    names = [p["parameter_name"] for p in parameters]
    assert names[names.index("language") + 1 :][:3] == ["backend", "provider", "hf_token"]
    assert all(p["parameter_has_default"] for p in parameters[names.index("device") :])


def test_answer_on_the_remote_backend_keeps_its_contract(remote_client, router):
    answer = {"score": 0.8, "start": 34, "end": 40, "answer": "Berlin"}
    router.answer(MODEL, Reply(200, answer))
    result = remote_client.predict(
        question="Where do I live?",
        context="My name is Wolfgang and I live in Berlin.",
        model=MODEL,
        api_name="/answer",
        **remote(),
    )
    assert result[0] == answer
    assert router.seen[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("endpoint", "key", "extra"),
    [
        ("/summarize", "summary_text", {"num_beams": 2}),
        ("/translate", "translation_text", {"src_lang": "en", "tgt_lang": "ko"}),
    ],
)
def test_seq2seq_on_the_remote_backend_keeps_its_contract(remote_client, router, endpoint, key, extra):
    router.answer(MODEL, Reply(200, [{key: "Done."}]))
    result = remote_client.predict(text="Some text.", model=MODEL, api_name=endpoint, **extra, **remote())
    assert result[0] == [{key: "Done."}] and result[1] == "Done."
    sent = router.seen[0].json()["parameters"]
    assert all(sent.get(k, sent.get("generate_parameters", {}).get(k)) == v for k, v in extra.items())


def test_a_remote_fault_is_a_clear_error_on_these_tabs(remote_client, router):
    router.answer(MODEL, Reply(404, {"error": "Model org/model does not exist"}))
    with pytest.raises(AppError, match="was not found"):
        remote_client.predict(text="Some text.", model=MODEL, api_name="/summarize", **remote())


CAT = {"score": 0.9, "label": "cat", "box": {"xmin": 1, "ymin": 2, "xmax": 30, "ymax": 40}}


@pytest.mark.parametrize(
    ("endpoint", "inputs", "answers", "expected"),
    [
        (
            "/generate",
            {"text": "Once", "do_sample": False},
            [[{"generated_text": " upon"}]],
            [{"generated_text": "Once upon"}],
        ),
        (
            "/zero_shot",
            {"text": "Goal!", "labels": "sports, politics"},
            [[{"label": "politics", "score": 0.2}, {"label": "sports", "score": 0.8}]],
            {"sequence": "Goal!", "labels": ["sports", "politics"], "scores": [0.8, 0.2]},
        ),
        (
            "/ner",
            {"text": "I am Sarah"},
            [[{"entity_group": "PER", "score": 0.9, "word": "Sarah", "start": 5, "end": 10}]],
            [{"entity_group": "PER", "score": 0.9, "word": "Sarah", "start": 5, "end": 10}],
        ),
        (
            "/fill_mask",
            {"text": "Paris is the [MASK].", "top_k": 1},
            [[{"score": 0.9, "token": 7, "token_str": "capital", "sequence": "paris is the capital."}]],
            [{"score": 0.9, "token": 7, "token_str": "capital", "sequence": "paris is the capital."}],
        ),
        (
            "/similarity",
            {"text": "a\nb"},
            [[1.0, 0.5], [0.5, 1.0]],
            {"sentences": ["a", "b"], "matrix": [[1.0, 0.5], [0.5, 1.0]]},
        ),
    ],
)
def test_newer_text_tabs_on_the_remote_backend_keep_their_contract(
    remote_client, router, endpoint, inputs, answers, expected
):
    router.answer(MODEL, *(Reply(200, answer) for answer in answers))
    result = remote_client.predict(model=MODEL, api_name=endpoint, **inputs, **remote())
    assert result[0] == expected


def test_detect_on_the_remote_backend_keeps_its_contract(remote_client, router, tmp_path):
    router.answer(MODEL, Reply(200, [CAT]))
    photo = images.save(images.scene((64, 48)), tmp_path / "photo.png")
    result = remote_client.predict(
        image=handle_file(str(photo)), threshold=0.5, model=MODEL, api_name="/detect", **remote()
    )
    assert result[0] == [CAT]
    assert router.seen[0].json()["parameters"] == {"threshold": 0.5}
