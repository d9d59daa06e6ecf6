"""Issue 16, finding 5: password guessing with --auth, the login page's API description, request and upload caps.

One app for the module: public, with a password and small caps. The throttling test runs last: after it,
this address cannot log in for a minute.
"""

import os

import httpx
import pytest

from tests.kit.app import running_app

PASSWORD = ("teacher", "s3cret-Pa55")


@pytest.fixture(scope="module")
def guarded_url():
    caps = {"PLAYGROUND_UPLOAD_QUOTA_MB": "1", "PLAYGROUND_MAX_REQUEST_MB": "1", "PLAYGROUND_LOGIN_ATTEMPTS": "5"}
    with running_app("--offline", "--public", "--auth", ":".join(PASSWORD), env={**os.environ, **caps}) as app:
        yield app.url.rstrip("/")


@pytest.fixture(scope="module")
def logged_in(guarded_url):
    client = httpx.Client(base_url=guarded_url, timeout=30)
    answer = client.post("/login", data={"username": PASSWORD[0], "password": PASSWORD[1]})
    assert answer.status_code == 200, answer.text
    yield client
    client.close()


def test_the_login_page_does_not_carry_the_api_description(guarded_url):
    page = httpx.get(guarded_url + "/", timeout=30)
    assert page.status_code == 200 and '"auth_required":true' in page.text.replace(" ", "")
    assert "window.gradio_api_info = null;" in page.text
    assert "named_endpoints" not in page.text and "/finetune" not in page.text
    assert httpx.get(guarded_url + "/gradio_api/info", timeout=30).status_code in (401, 403)


def test_after_login_the_page_has_its_api_description_again(logged_in):
    page = logged_in.get("/")
    assert "named_endpoints" in page.text and "/classify" in page.text


def test_an_oversized_event_body_is_refused_before_gradio_reads_it(guarded_url):
    body = '{"data": ["' + "x" * (2 * 2**20) + '"], "fn_index": 0, "session_hash": "s"}'
    answer = httpx.post(
        guarded_url + "/gradio_api/queue/join", content=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert answer.status_code == 413 and "larger than this app accepts (1 MB)" in answer.json()["detail"]


def test_uploads_from_one_visitor_are_capped_per_hour(logged_in):
    statuses = []
    for i in range(4):
        files = {"files": (f"part{i}.csv", b"text,label\n" + b"a,b\n" * 100_000, "text/csv")}
        answer = logged_in.post("/gradio_api/upload", files=files)
        statuses.append(answer.status_code)
    assert statuses[:2] == [200, 200] and statuses[-1] == 429, statuses
    assert "limit is 1 MB" in answer.json()["detail"] and int(answer.headers["retry-after"]) > 0


def test_wrong_passwords_are_throttled_per_address(guarded_url):
    statuses = []
    for i in range(20):
        answer = httpx.post(guarded_url + "/login", data={"username": "teacher", "password": f"guess-{i}"}, timeout=30)
        statuses.append(answer.status_code)
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}, statuses
    assert "Too many wrong passwords" in answer.json()["detail"] and int(answer.headers["retry-after"]) > 0
    right = httpx.post(guarded_url + "/login", data={"username": PASSWORD[0], "password": PASSWORD[1]}, timeout=30)
    assert right.status_code == 429  # guessing cannot go on by luck while the address waits
