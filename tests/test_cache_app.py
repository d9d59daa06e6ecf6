"""The cache manager through gradio_client on the launched app (offline, empty cache)."""

import pytest
from gradio_client.exceptions import AppError


def test_cache_list_endpoint_answers_with_the_cache_dir(client):
    raw = client.predict(api_name="/cache_list")[0]
    assert set(raw) == {"cache_dir", "size_bytes", "repos"}


def test_prefetch_plan_offline_is_a_clear_error(client):
    with pytest.raises(AppError, match="the app is offline"):
        client.predict(["classify"], api_name="/prefetch_plan")


def test_public_app_refuses_to_delete(public_client):
    with pytest.raises(AppError, match="public mode"):
        public_client.predict(["org/x"], True, api_name="/cache_delete")
