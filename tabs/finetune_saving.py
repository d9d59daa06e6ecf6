"""The lab's last section: where the model was saved, "use it in the Sentiment tab", a zip to download (public
mode) and a push to the Hub."""

from collections.abc import Callable
from pathlib import Path

import gradio as gr

from core.finetune.publish import push_to_hub
from core.public.storage import VisitorStorage
from tabs.boundary import user_errors
from tabs.context import AppContext
from tabs.i18n import tr

#: The sentiment tab's model box, as tabs/classify.py registers it in the context.
CLASSIFY_MODEL = "classify.model"

STRINGS = {
    "en": {
        "finetune.saved_to": "Saved to",
        "finetune.use_it": "Use it in the Sentiment tab",
        "finetune.push": "Push to the Hugging Face Hub (optional)",
        "finetune.repo_id": "Repository (your-name/model-name)",
        "finetune.token": "Access token (write)",
        "finetune.token_info": "Used for this upload only, never stored",
        "finetune.private": "Private repository",
        "finetune.push_button": "Push",
        "finetune.zip": "Download the model as a zip",
        "finetune.zip_file": "Your model (kept on the server for an hour at most)",
    },
    "ko": {
        "finetune.saved_to": "저장한 곳",
        "finetune.use_it": "감성 분석 탭에서 써 보기",
        "finetune.push": "Hugging Face Hub에 올리기 (선택)",
        "finetune.repo_id": "저장소 (내-아이디/모델-이름)",
        "finetune.token": "액세스 토큰 (write)",
        "finetune.token_info": "이번 업로드에만 쓰고 저장하지 않아요",
        "finetune.private": "비공개 저장소",
        "finetune.push_button": "올리기",
        "finetune.zip": "모델을 zip으로 내려받기",
        "finetune.zip_file": "내 모델 (서버에는 최대 한 시간만 보관해요)",
    },
}


def _zipper(storage: VisitorStorage) -> Callable:
    @user_errors
    def zip_model(saved: str, language: str = "auto", request: gr.Request = None) -> str:
        """The visitor's saved model as a zip, to download (public mode keeps it on the server an hour at most)."""
        return str(storage.zip_model(Path(saved) if saved else storage.root / "none"))

    return zip_model


@user_errors
def _pusher(
    saved_to: str, repo_id: str, token: str, private: bool = True, language: str = "auto", request: gr.Request = None
) -> str:
    url = push_to_hub(saved_to, repo_id, token, private=private)
    return f"✅ [{url}]({url})"


def _use_it(saved_to: str) -> tuple:
    if not saved_to:
        return gr.skip(), gr.skip()
    return gr.update(value=saved_to), gr.Tabs(selected="classify")


def build_section(ctx: AppContext, storage: VisitorStorage | None, tab: gr.Tab) -> tuple[gr.Textbox, gr.State]:
    """The saving row and the Hub accordion; returns the shown folder name and the server-side folder (a State
    that "use it", the zip and the push trust, never shown)."""
    with gr.Row():
        saved_to = gr.Textbox(label=tr("finetune.saved_to"), interactive=False, scale=3)
        use_it = gr.Button(tr("finetune.use_it"), visible=not ctx.public, scale=1)
        zip_button = gr.Button(tr("finetune.zip"), visible=ctx.public, scale=1)
    zip_file = gr.File(label=tr("finetune.zip_file"), interactive=False, visible=ctx.public)
    with gr.Accordion(tr("finetune.push"), open=False), gr.Row():
        repo_id = gr.Textbox(label=tr("finetune.repo_id"), placeholder="your-name/my-sentiment-model")
        token = gr.Textbox(label=tr("finetune.token"), info=tr("finetune.token_info"), type="password")
        private = gr.Checkbox(True, label=tr("finetune.private"))
        push = gr.Button(tr("finetune.push_button"))
    push_result = gr.Markdown()
    saved = gr.State("")

    if storage is not None:
        zip_button.click(_zipper(storage), inputs=[saved, ctx.language], outputs=zip_file, api_visibility="private")
    push.click(
        _pusher,
        inputs=[saved, repo_id, token, private, ctx.language],
        outputs=push_result,
        api_visibility="private",
    )

    def wire_use_it(classify_model: gr.Dropdown) -> None:
        tabs = getattr(tab, "parent", None)
        if isinstance(tabs, gr.Tabs):
            use_it.click(_use_it, inputs=saved, outputs=[classify_model, tabs], api_visibility="private")

    ctx.on_component(CLASSIFY_MODEL, wire_use_it)
    return saved_to, saved
