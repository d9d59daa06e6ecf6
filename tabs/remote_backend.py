"""The remote backend's global settings row (backend switch, provider, token, sign-in). UI only.

A task tab never reads these itself: ``tabs/call.py`` turns them, with the device and language, into the one
``CallContext`` of each event, and ``core/runner.py`` picks the backend it names.
"""

import os
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.remote.client import provider_names
from tabs.i18n import tr

STRINGS = {
    "en": {
        "remote.backend": "Backend",
        "remote.backend_info": "Where task tabs run: this machine, or Hugging Face's hosted Inference API",
        "remote.provider": "Inference provider",
        "remote.provider_info": "auto lets Hugging Face pick; hf-inference is Hugging Face's own",
        "remote.token": "Hugging Face token (for the remote backend)",
        "remote.token_info": "Used for your requests only; never stored or shown. Empty: your sign-in, or the app's HF_TOKEN",
    },
    "ko": {
        "remote.backend": "실행 위치",
        "remote.backend_info": "작업 탭을 이 컴퓨터에서 돌릴지, Hugging Face의 Inference API에서 돌릴지 골라요",
        "remote.provider": "추론 제공자",
        "remote.provider_info": "auto는 Hugging Face가 골라 줘요. hf-inference는 Hugging Face 자체 서버예요",
        "remote.token": "Hugging Face 토큰 (원격 실행용)",
        "remote.token_info": "내 요청에만 쓰고 저장하거나 보여 주지 않아요. 비우면 로그인 토큰이나 앱의 HF_TOKEN을 써요",
    },
}

BACKENDS = [("Local · 로컬", "local"), ("Remote · 원격 (Inference API)", "remote")]


@dataclass(frozen=True)
class RemoteControls:
    backend: Any
    provider: Any
    token: Any


def oauth_available() -> bool:
    """Sign-in works on a Space with ``hf_oauth: true``; elsewhere gradio mocks it with the machine's
    own login, which needs the Hub, so the button is left out."""
    from gradio.utils import get_space

    return bool(get_space() and os.environ.get("OAUTH_CLIENT_ID"))


def build_remote_settings() -> RemoteControls:
    """The global settings of the remote backend; call inside the app's settings panel."""
    with gr.Column():
        backend = gr.Radio(BACKENDS, value="local", label=tr("remote.backend"), info=tr("remote.backend_info"))
        provider = gr.Dropdown(
            provider_names(), value="auto", label=tr("remote.provider"), info=tr("remote.provider_info")
        )
        token = gr.Textbox(
            value="", type="password", placeholder="hf_…", label=tr("remote.token"), info=tr("remote.token_info")
        )
        if oauth_available():
            gr.LoginButton()
    return RemoteControls(backend=backend, provider=provider, token=token)
