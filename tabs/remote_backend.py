"""The remote backend's global settings (backend switch, provider, token, sign-in) and the one
helper every task tab calls to run remotely. UI only: the work is in ``core.remote``.

A task tab opts in with three small changes (see ``tabs/classify.py``):
1. handler parameters after ``language``: ``backend="local", provider="auto", hf_token=""``, and
   ``oauth_token: gr.OAuthToken | None = None`` next to ``request``;
2. ``if backend == "remote": remote = run_remote_for_tab(ctx, TASK.id, RemoteInputs(...), model,
   provider, hf_token, oauth_token, language, request)`` and build the same outputs from
   ``remote.output`` (the local contract's shape) and ``remote.code``;
3. wiring: ``inputs=[..., ctx.device, ctx.language, *backend_inputs(ctx)]``.
"""

import os
from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.remote import RemoteInputs, RemoteResult, RetryNotice, resolve_credential, run_remote
from core.remote.client import provider_names
from tabs.boundary import resolve_language
from tabs.i18n import tr
from tabs.literal import toast_text

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


def backend_inputs(ctx: Any) -> list:
    """The settings a task handler takes after ``language``: backend, provider, token (none without them)."""
    remote = getattr(ctx, "remote", None)
    return [remote.backend, remote.provider, remote.token] if remote is not None else []


def run_remote_for_tab(
    ctx: Any,
    task_id: str,
    inputs: RemoteInputs,
    model: str,
    provider: str = "auto",
    hf_token: str | None = "",
    oauth_token: gr.OAuthToken | None = None,
    language: str = "auto",
    request: gr.Request | None = None,
) -> RemoteResult:
    """Run ``task_id`` remotely for this one request, showing every retry wait to the user."""
    lang = resolve_language(language, request)
    credential = resolve_credential(
        hf_token, oauth_token.token if oauth_token is not None else None, hugging_face=not ctx.inference_url
    )

    def show_wait(notice: RetryNotice) -> None:
        gr.Warning(toast_text(notice.text(lang)), duration=max(3.0, notice.seconds))

    return run_remote(
        task_id,
        inputs,
        model,
        credential=credential,
        provider=provider,
        settings=ctx.remote_settings,
        on_wait=show_wait,
    )
