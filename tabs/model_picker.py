"""The model box every task tab shares: registry choices, custom Hub ids, and a status line.

The status line tells, before anything runs, whether the model ships with the app, was
downloaded before, will download (and how big it is), or cannot load because the app is offline.
"""

import gradio as gr

from core.errors import PlaygroundError
from core.loading import prefetch_command
from core.model_source import Availability, availability, resolve_model
from core.registry import Task
from tabs.boundary import resolve_language
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.literal import md_literal

_STATUS = {
    Availability.BUNDLED: (
        "✅ Bundled with the app: works offline.",
        "✅ 앱에 내장된 모델이라 오프라인에서도 동작해요.",
    ),
    Availability.LOCAL: ("📁 A model folder on this machine.", "📁 이 컴퓨터에 있는 모델 폴더예요."),
    Availability.CACHED: (
        "✅ Downloaded before: loads from the Hugging Face cache.",
        "✅ 이미 받아 둔 모델이라 캐시에서 바로 불러와요.",
    ),
    Availability.DOWNLOADABLE: (
        "⬇️ Not downloaded yet: it downloads{size} on first use (progress is shown).",
        "⬇️ 아직 받지 않은 모델이에요. 처음 실행할 때{size} 내려받아요(진행률이 표시돼요).",
    ),
    Availability.MISSING_OFFLINE: (
        "⚠️ Not downloaded, and the app is offline: this model cannot run here. "
        "Connect to the internet once, or run `{prefetch}`{size} while online.",
        "⚠️ 아직 받지 않은 모델인데 앱이 오프라인이라 실행할 수 없어요. "
        "인터넷에 한 번 연결하거나, 온라인일 때 `{prefetch}`로 미리 받아 두세요{size}.",
    ),
}


def model_status(task: Task, model: str, language: str, public: bool) -> str:
    """One line about ``model``: where it would load from, or what is wrong with the name."""
    try:
        source = resolve_model(model, allow_local=not public)
    except PlaygroundError as error:
        return f"❌ {md_literal(error.text(language))}"
    state = availability(source)
    choice = next((m for m in task.models if m.id == source.name), None)
    size = f" (~{choice.size_mb} MB)" if choice and choice.size_mb else ""
    english, korean = _STATUS[state]
    text = korean if language == "ko" else english
    return text.format(size=size, prefetch=prefetch_command(task, source.name))


def model_picker(task: Task, ctx: AppContext) -> tuple[gr.Dropdown, gr.Markdown]:
    """A dropdown of the task's models (custom Hub ids allowed) and its live status line."""
    model = gr.Dropdown(
        choices=[(choice.describe(), choice.id) for choice in task.models],
        value=task.default.id if task.default else None,
        allow_custom_value=True,
        label=tr("common.model"),
        info=tr("common.model_info"),
    )
    status = gr.Markdown()

    def show_status(model_id: str, language: str = "auto", request: gr.Request = None) -> str:
        return model_status(task, model_id, resolve_language(language, request), ctx.public)

    gr.on(
        triggers=[ctx.blocks.load, model.change, ctx.language.change],
        fn=show_status,
        inputs=[model, ctx.language],
        outputs=status,
        api_visibility="private",
        queue=False,
    )
    return model, status
