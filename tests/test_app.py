"""The real app, started as a student starts it and called through gradio_client."""

import subprocess
import sys

import pytest
from gradio_client.exceptions import AppError

from tests.kit.app import ROOT, run_app


def test_classify_returns_the_contract_json(client, tiny_classifier):
    result = client.predict("I like apple", str(tiny_classifier), api_name="/classify")
    raw = result[0]
    assert isinstance(raw, list) and raw
    assert all(set(item) == {"label", "score"} for item in raw)
    assert {item["label"] for item in raw} == {"negative", "neutral", "positive"}
    assert raw == sorted(raw, key=lambda item: item["score"], reverse=True)


def test_api_parameters_follow_the_design(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    names = [p["parameter_name"] for p in endpoints["/classify"]["parameters"]]
    assert names[:2] == ["text", "model"]
    assert all(p["parameter_has_default"] for p in endpoints["/classify"]["parameters"][2:])


def test_empty_text_is_a_clear_error_and_the_app_keeps_serving(client, tiny_classifier):
    with pytest.raises(AppError, match="The text is empty"):
        client.predict("   ", str(tiny_classifier), api_name="/classify")
    assert client.predict("I feel so good", str(tiny_classifier), api_name="/classify")[0]


def test_offline_hub_model_says_it_is_not_downloaded(client):
    with pytest.raises(AppError, match="not downloaded on this machine.*--prefetch classify"):
        client.predict("hi", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", api_name="/classify")


def test_wrong_kind_of_model_is_a_clear_error(client, tiny_masked_lm):
    with pytest.raises(AppError, match="needs a model whose architecture ends in ForSequenceClassification"):
        client.predict("hi", str(tiny_masked_lm), api_name="/classify")


def test_public_mode_refuses_local_paths_and_still_serves(public_client, tiny_classifier):
    with pytest.raises(AppError, match="public mode"):
        public_client.predict("hi", str(tiny_classifier), api_name="/classify")
    with pytest.raises(AppError, match="public mode"):
        public_client.predict("hi", "../../etc/passwd", api_name="/classify")
    with pytest.raises(AppError, match="not downloaded"):
        public_client.predict("hi", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", api_name="/classify")


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_building_the_app_loads_no_model_and_imports_no_torch():
    done = run_python(
        "import sys, app\n"
        "app.build_app()\n"
        "from core.runtime.model_cache import MODEL_CACHE\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules), MODEL_CACHE.keys())"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] []"


def test_prefetch_offline_explains_instead_of_crashing():
    done = run_app("--offline", "--prefetch", "classify")
    assert done.returncode == 1
    assert "the app is offline" in done.stderr
    assert "Traceback" not in done.stderr


def test_list_cache_on_an_empty_cache_prints_nothing():
    done = run_app("--list-cache")
    assert done.returncode == 0 and done.stdout == ""


@pytest.mark.parametrize("auth", ["teacher", ":pass", "teacher:"])
def test_auth_needs_user_and_password(auth):
    done = run_app("--auth", auth)
    assert done.returncode == 2
    assert "USER:PASS" in done.stderr


def test_unknown_prefetch_task_is_named():
    done = run_app("--offline", "--prefetch", "sentiment")
    assert done.returncode == 2
    assert "Unknown task 'sentiment'" in done.stderr


def test_prefetch_accepts_hub_ids_and_names_them_in_its_advice():
    done = run_app("--offline", "--prefetch", "beomi/kcbert-base", "sentence-transformers/all-MiniLM-L6-v2")
    assert done.returncode == 1
    assert "python app.py --prefetch beomi/kcbert-base" in done.stderr
    assert "sentence-transformers/all-MiniLM-L6-v2 → " in done.stdout  # bundled: already here


def test_run_history_is_off_so_no_token_box_value_is_ever_saved(app_url):
    import httpx

    config = httpx.get(f"{app_url}config", timeout=30).json()
    assert config["run_history"] is False
