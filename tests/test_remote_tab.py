"""The Inference API tab's handlers and the sentiment tab's remote backend, on the loopback router."""

import gradio as gr
import pytest

import tabs.remote_backend
from tabs.classify import make_handler as make_classify_handler
from tabs.context import AppContext
from tabs.remote import make_compare_handler, make_handler
from tests.kit.fake_router import Reply
from tests.kit.tiny_models import SENTIMENT_LABELS

TOKEN = "hf_" + "Tk7" * 11 + "y"
MODEL = "org/model"
ANSWER = [[{"label": "NEGATIVE", "score": 0.3}, {"label": "POSITIVE", "score": 0.7}]]


@pytest.fixture
def ctx(router):
    return AppContext(inference_url=router.url)


def test_remote_returns_raw_json_first_then_the_visuals(router, ctx):
    router.answer(MODEL, Reply(200, ANSWER))
    raw, scores, shown, boxes, summary, code = make_handler(ctx)("classify", "I like apple", MODEL, "auto", TOKEN)
    assert raw == ANSWER[0]
    assert scores == {"NEGATIVE": 0.3, "POSITIVE": 0.7}
    assert f"127.0.0.1:{router.port}" in summary and "your token (typed)" in summary
    assert "client.text_classification('I like apple')" in code
    assert TOKEN not in str((raw, scores, shown, boxes, summary, code))


def test_remote_text_tasks_show_their_text(router, ctx):
    router.answer(MODEL, Reply(200, [{"summary_text": "Short."}]))
    raw, scores, shown, *_ = make_handler(ctx)("summarize", "A long text. " * 10, MODEL, "auto", TOKEN)
    assert raw == {"summary_text": "Short."} and shown == "Short." and scores is None


def test_sentiment_tab_runs_remotely_with_the_same_first_output_shape(router, ctx, tiny_classifier):
    router.answer(MODEL, Reply(200, ANSWER))
    remote = make_classify_handler(ctx)("I like apple", MODEL, "cpu", "en", "remote", "auto", TOKEN)
    local = make_classify_handler(ctx)("I like apple", str(tiny_classifier), "cpu", "en", "local")
    assert remote[0] == [{"label": "POSITIVE", "score": 0.7}, {"label": "NEGATIVE", "score": 0.3}]
    assert all(set(item) == {"label", "score"} for item in local[0]) and set(remote[0][0]) == set(local[0][0])
    assert remote[1] == {"POSITIVE": 0.7, "NEGATIVE": 0.3} and remote[2][0][1] == "POSITIVE"
    assert "🌐" in remote[3] and "InferenceClient" in remote[4]


def test_retry_waits_are_shown_to_the_user(router, ctx, monkeypatch):
    shown = []
    monkeypatch.setattr(tabs.remote_backend.gr, "Warning", lambda text, **kw: shown.append(text))
    router.answer(MODEL, Reply(429, {"error": "rate"}, {"Retry-After": "0"}), Reply(200, ANSWER))
    *_, summary, _code = make_handler(ctx)("classify", "hi", MODEL, "auto", TOKEN, language="en")
    assert shown == ["⏳ 429 (rate limit reached): waiting 0.0 s before retry 1/3."]
    assert "1 retries" in summary


@pytest.mark.parametrize(
    ("inference_url", "token", "reply", "message"),
    [
        (True, "Bearer " + TOKEN, None, "starts with 'Bearer '"),
        (False, "hf_tooshort", None, "does not look like a Hugging Face token"),
        (False, "", None, "needs a Hugging Face token and none was given"),
        (True, TOKEN, Reply(404, {"error": "not found"}), "was not found"),
        (True, TOKEN, Reply(401, {"error": "Invalid credentials"}), "refused your token"),
        (True, TOKEN, Reply(200, {"unexpected": True}), "is not what text-classification returns"),
    ],
)
def test_remote_faults_become_clear_gr_errors(router, inference_url, token, reply, message):
    if reply is not None:
        router.answer(MODEL, reply)
    ctx = AppContext(inference_url=router.url if inference_url else None)
    with pytest.raises(gr.Error, match=message) as caught:
        make_handler(ctx)("classify", "hi", MODEL, "auto", token)
    assert TOKEN not in caught.value.message


def test_remote_errors_follow_the_language_setting(router, ctx):
    with pytest.raises(gr.Error, match="찾지 못했어요"):
        make_handler(ctx)("classify", "hi", "org/unknown", "auto", TOKEN, language="ko")


def test_a_task_without_a_remote_adapter_is_refused(router, ctx):
    with pytest.raises(gr.Error, match="cannot run on the Inference API"):
        make_handler(ctx)("finetune", "hi", MODEL, "auto", TOKEN)


def test_side_by_side_runs_both_and_reports_both_latencies(router, ctx, tiny_classifier):
    router.answer(MODEL, Reply(200, ANSWER))
    both, rows = make_compare_handler(ctx)("classify", "I like apple", MODEL, "auto", TOKEN, str(tiny_classifier))
    assert {item["label"] for item in both["local"]} == set(SENTIMENT_LABELS.values())
    assert both["remote"][0] == {"label": "POSITIVE", "score": 0.7}
    assert [row[0] for row in rows] == ["local", "remote"] and all(row[2] >= 0 for row in rows)


def test_side_by_side_names_the_tasks_it_supports(router, ctx):
    message = (
        "Side-by-side is not available for 'tokenize' yet; it works for: classify, answer, summarize, translate, "
    )
    with pytest.raises(gr.Error, match=message):
        make_compare_handler(ctx)("tokenize", "text", MODEL, "auto", TOKEN)


def test_a_signed_in_users_token_is_used_when_none_is_typed(router, ctx):
    router.answer(MODEL, Reply(200, ANSWER))
    oauth = gr.OAuthToken(token="hf_oauth_" + "s" * 30, scope="inference-api", expires_at=0)
    *_, summary, _code = make_handler(ctx)("classify", "hi", MODEL, "auto", "", oauth_token=oauth, language="en")
    assert router.seen[0].headers["authorization"] == "Bearer hf_oauth_" + "s" * 30
    assert "your Hugging Face sign-in" in summary


SPACE_WITH_OAUTH = {
    "SYSTEM": "spaces",
    "SPACE_ID": "teacher/playground",
    "OAUTH_CLIENT_ID": "id",
    "OAUTH_CLIENT_SECRET": "secret",
    "OAUTH_SCOPES": "openid profile inference-api",
    "OPENID_PROVIDER_URL": "https://huggingface.co",
}


@pytest.mark.parametrize(("space", "expected"), [({}, False), (SPACE_WITH_OAUTH, True)])
def test_sign_in_button_appears_only_on_a_space_with_oauth(monkeypatch, space, expected):
    import gradio.oauth

    for key in SPACE_WITH_OAUTH:
        monkeypatch.delenv(key, raising=False)
    for key, value in space.items():
        monkeypatch.setenv(key, value)
        if key.startswith(("OAUTH", "OPENID")):
            monkeypatch.setattr(gradio.oauth, key, value)  # gradio reads these once, at import
    with gr.Blocks() as demo:
        tabs.remote_backend.build_remote_settings()
    assert demo.expects_oauth is expected
