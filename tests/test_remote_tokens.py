"""core.remote.tokens: which token a call uses, format checks that never quote it, scrubbing."""

import pytest

from core.errors import BadInput
from core.remote.tokens import Credential, TokenSource, check_token, redact, resolve_credential

TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz01234567"[:34]


def test_a_well_formed_token_is_accepted_without_surrounding_spaces():
    assert check_token(f"  {TOKEN}\n") == TOKEN


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f"Bearer {TOKEN}", "starts with 'Bearer '"),
        (f"{TOKEN[:10]} {TOKEN[10:]}", "spaces, line breaks or non-ASCII"),
        (TOKEN[:-3] + "한국어", "spaces, line breaks or non-ASCII"),
        ("hf_short", "does not look like a Hugging Face token"),
        ("sk-" + "x" * 40, "does not look like a Hugging Face token"),
    ],
)
def test_a_malformed_token_is_refused_without_quoting_it(value, message):
    with pytest.raises(BadInput, match=message) as caught:
        check_token(value)
    assert value.strip() not in caught.value.message and value.strip() not in (caught.value.message_ko or "")
    assert "hf_" + "AbCdE" not in caught.value.message


def test_a_self_hosted_server_may_take_any_printable_token():
    assert check_token("sk-" + "x" * 40, hugging_face=False) == "sk-" + "x" * 40


def test_typed_token_beats_sign_in_and_the_apps_own(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_" + "s" * 34)
    credential = resolve_credential(TOKEN, "hf_oauth_" + "o" * 30)
    assert credential.source is TokenSource.TYPED and credential.secret == TOKEN


def test_sign_in_beats_the_apps_own_token(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_" + "s" * 34)
    credential = resolve_credential("", "hf_oauth_" + "o" * 30)
    assert credential.source is TokenSource.SIGNED_IN


def test_the_apps_hf_token_is_the_fallback(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_" + "s" * 34)
    assert resolve_credential("  ", None).source is TokenSource.SERVER


def test_no_token_anywhere_is_none(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert resolve_credential(None, None) == Credential(TokenSource.NONE)


def test_a_malformed_hf_token_setting_is_blamed_on_the_app_setting(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "not-a-token")
    with pytest.raises(BadInput, match="The app's HF_TOKEN setting"):
        resolve_credential("", None)


def test_repr_and_str_never_show_the_token():
    credential = Credential(TokenSource.TYPED, TOKEN)
    assert TOKEN not in repr(credential) and TOKEN not in str(credential)


def test_redact_removes_the_secret_and_anything_shaped_like_a_token():
    text = f"echo {TOKEN} and hf_abcdefghijkl and sk-secret-1"
    cleaned = redact(text, "sk-secret-1")
    assert TOKEN not in cleaned and "hf_abcdefghijkl" not in cleaned and "sk-secret-1" not in cleaned
