"""Which Hugging Face token a remote call uses, and keeping it secret.

Precedence, per request: the token the user typed > the user's "Sign in with Hugging Face"
token > the app's own token (``HF_TOKEN``, a Space secret, or ``hf auth login`` on a laptop).
A token lives only for the one call it is resolved for: it is never stored, logged, shown
back, or put in a message, and one user's token is never reused for another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from core.errors import BadInput
from core.localized import Localized

#: A user access token is ``hf_`` and 34 letters/digits; OAuth tokens are ``hf_oauth_…``.
HF_TOKEN_PATTERN = re.compile(r"hf_[A-Za-z0-9_]{30,200}")
#: Anything that looks like a Hugging Face token, for scrubbing text that came from elsewhere.
_ANY_HF_TOKEN = re.compile(r"hf_[A-Za-z0-9_]{8,}")
MAX_TOKEN_LENGTH = 4096


class TokenSource(str, Enum):
    TYPED = "typed"  # the password box (or the API's hf_token parameter)
    SIGNED_IN = "signed_in"  # gr.LoginButton on a Space (OAuth)
    SERVER = "server"  # HF_TOKEN in the app's environment, or the machine's saved login
    NONE = "none"


@dataclass(frozen=True)
class Credential:
    """A token and where it came from. ``repr`` and ``str`` never include the token."""

    source: TokenSource
    secret: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return f"Credential({self.source.value})"

    def describe(self, language: str) -> str:
        """Where the token came from, for the status line (never the token itself)."""
        english, korean = _SOURCE_TEXT[self.source]
        return Localized(english, korean).text(language)


_SOURCE_TEXT = {
    TokenSource.TYPED: ("your token (typed)", "입력한 토큰"),
    TokenSource.SIGNED_IN: ("your Hugging Face sign-in", "Hugging Face 로그인"),
    TokenSource.SERVER: ("the app's token (HF_TOKEN)", "앱의 토큰 (HF_TOKEN)"),
    TokenSource.NONE: ("no token", "토큰 없음"),
}


def check_token(value: str, *, hugging_face: bool = True, source: TokenSource = TokenSource.TYPED) -> str:
    """The token without surrounding whitespace; ``BadInput`` (never quoting it) when malformed.

    Rules: no "Bearer " prefix, no spaces or non-ASCII characters inside, at most 4096 characters;
    for Hugging Face (not a self-hosted ``--inference-url`` server) it must be ``hf_`` + 30 or more
    letters, digits or ``_``.
    """
    token = value.strip()
    where_en = "The token you typed" if source is TokenSource.TYPED else "The app's HF_TOKEN setting"
    where_ko = "입력한 토큰" if source is TokenSource.TYPED else "앱의 HF_TOKEN 설정"
    if token.lower().startswith("bearer "):
        raise BadInput(
            f"{where_en} starts with 'Bearer '. Paste only the token itself (it starts with 'hf_').",
            ko=f"{where_ko}이 'Bearer '로 시작해요. 'hf_'로 시작하는 토큰만 붙여 넣으세요.",
        )
    if len(token) > MAX_TOKEN_LENGTH or any(ch.isspace() or not (33 <= ord(ch) < 127) for ch in token):
        raise BadInput(
            f"{where_en} contains spaces, line breaks or non-ASCII characters, so it cannot be a token. "
            "Copy it again from https://huggingface.co/settings/tokens.",
            ko=f"{where_ko}에 공백, 줄바꿈 또는 영문이 아닌 문자가 있어 토큰일 수 없어요. "
            "https://huggingface.co/settings/tokens 에서 다시 복사하세요.",
        )
    if hugging_face and not HF_TOKEN_PATTERN.fullmatch(token):
        raise BadInput(
            f"{where_en} does not look like a Hugging Face token ({len(token)} characters; a token is 'hf_' "
            "followed by 34 letters and digits). Copy it again from https://huggingface.co/settings/tokens.",
            ko=f"{where_ko}이 Hugging Face 토큰 형식이 아니에요({len(token)}자). 토큰은 'hf_' 뒤에 영문과 숫자 34자예요. "
            "https://huggingface.co/settings/tokens 에서 다시 복사하세요.",
        )
    return token


def resolve_credential(
    typed: str | None = None,
    signed_in: str | None = None,
    *,
    hugging_face: bool = True,
) -> Credential:
    """The token for this one request: typed > signed in > the app's own > none.

    The app's own token is always a candidate because huggingface_hub falls back to it anyway
    when no token is passed; resolving it here lets us check it and say which one was used.
    """
    if typed and typed.strip():
        return Credential(TokenSource.TYPED, check_token(typed, hugging_face=hugging_face))
    if signed_in:
        return Credential(TokenSource.SIGNED_IN, signed_in)
    from huggingface_hub import get_token

    server = get_token()
    if server:
        return Credential(
            TokenSource.SERVER, check_token(server, hugging_face=hugging_face, source=TokenSource.SERVER)
        )
    return Credential(TokenSource.NONE)


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every given secret, and anything shaped like a Hugging Face token, replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _ANY_HF_TOKEN.sub("hf_***", text)
