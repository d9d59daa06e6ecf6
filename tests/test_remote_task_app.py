"""The real app (--inference-url at the loopback router): /answer, /summarize and /translate on the remote
backend keep the local contract's first output, and take the backend settings after ``language``."""

import pytest
from gradio_client.exceptions import AppError

from tests.fake_router import Reply

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


@pytest.mark.parametrize("endpoint", ["/answer", "/summarize", "/translate"])
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
