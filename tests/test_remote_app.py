"""The real app with --inference-url pointed at the loopback router, called through gradio_client."""

import pytest
from gradio_client.exceptions import AppError

from tests.kit.app import run_app
from tests.kit.fake_router import Reply

TOKEN = "hf_" + "Ap9" * 11 + "z"
MODEL = "org/model"
ANSWER = [[{"label": "NEGATIVE", "score": 0.4}, {"label": "POSITIVE", "score": 0.6}]]


@pytest.fixture
def router(fake_router):
    """The fake router, emptied (the app runs in its own process: no offline mode to lift here)."""
    fake_router.reset()
    yield fake_router
    fake_router.reset()


def test_remote_returns_what_inference_client_returned(remote_client, router):
    router.answer(MODEL, Reply(200, ANSWER))
    result = remote_client.predict("classify", "I like apple", MODEL, "auto", TOKEN, api_name="/remote")
    assert result[0] == ANSWER[0]
    assert router.seen[0].path == f"/hf-inference/models/{MODEL}"
    assert router.seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(result)


def test_remote_api_parameters_follow_the_design(remote_client):
    endpoints = remote_client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = endpoints["/remote"]["parameters"]
    assert [p["parameter_name"] for p in parameters][:5] == ["task", "text", "model", "provider", "hf_token"]
    assert all(p["parameter_has_default"] for p in parameters[3:])


def test_sentiment_tab_on_the_remote_backend_keeps_its_contract(remote_client, router):
    router.answer(MODEL, Reply(200, ANSWER))
    result = remote_client.predict("I like apple", MODEL, "auto", "en", "remote", "auto", TOKEN, api_name="/classify")
    assert result[0] == [{"label": "POSITIVE", "score": 0.6}, {"label": "NEGATIVE", "score": 0.4}]


def test_a_429_is_retried_by_the_app(remote_client, router):
    router.answer(MODEL, Reply(429, {"error": "rate"}, {"Retry-After": "0"}), Reply(200, ANSWER))
    result = remote_client.predict("classify", "hi", MODEL, "auto", TOKEN, api_name="/remote")
    assert result[0] == ANSWER[0] and len(router.seen) == 2
    assert "1 retries" in result[4]


@pytest.mark.parametrize(
    ("token", "reply", "message"),
    [
        (TOKEN, Reply(404, {"error": "Model org/model does not exist"}), "was not found"),
        (TOKEN, Reply(403, {"error": "gated"}, {"X-Error-Code": "GatedRepo"}), "gated model"),
        (TOKEN, Reply(200, "<html>maintenance</html>", raw=True), "is not what text-classification returns"),
        (f"{TOKEN} extra", None, "spaces, line breaks or non-ASCII"),
    ],
)
def test_remote_faults_reach_the_user_clearly_and_the_app_keeps_serving(remote_client, router, token, reply, message):
    if reply is not None:
        router.answer(MODEL, reply)
    with pytest.raises(AppError, match=message) as caught:
        remote_client.predict("classify", "hi", MODEL, "auto", token, api_name="/remote")
    assert TOKEN not in str(caught.value)
    router.answer(MODEL, Reply(200, ANSWER))
    assert remote_client.predict("classify", "hi", MODEL, "auto", TOKEN, api_name="/remote")[0] == ANSWER[0]


def test_the_offline_app_says_the_inference_api_cannot_be_reached(client):
    with pytest.raises(AppError, match="The app is offline"):
        client.predict("classify", "hi", MODEL, "auto", TOKEN, api_name="/remote")


@pytest.mark.parametrize("url", ["ftp://example.org", "127.0.0.1:8080", "http://user:pw@127.0.0.1/"])
def test_inference_url_must_be_an_http_url_without_credentials(url):
    done = run_app("--inference-url", url)
    assert done.returncode == 2
    assert "--inference-url" in done.stderr and "Traceback" not in done.stderr


def test_inference_url_comes_from_the_environment_too(monkeypatch):
    import app

    monkeypatch.setenv("INFERENCE_URL", "http://127.0.0.1:8080/models/{model}")
    assert app.parse_args([]).inference_url == "http://127.0.0.1:8080/models/{model}"
    assert (
        app.parse_args(["--inference-url", "https://my-endpoint.example"]).inference_url
        == "https://my-endpoint.example"
    )
