"""The model box every task tab shares: registry choices, custom Hub ids, and a status line.

The status line tells, before anything runs, whether the model ships with the app, was
downloaded before, will download (and how big it is), or cannot load because the app is offline;
then it offers, in one click, a model that works here (bundled, or already in the local cache).
When a link names a model (``?tab=…&model=…``), the line describes that model from the first paint; after each
Run (``refresh_status_after``) it is written again, as a run may have downloaded the model.

The line sits under the tab's Run button (``ModelStatus.render``), never between the box and the button: a model
id typed in the box is committed when the box loses focus, that is by the very press on Run, and the line's new
text (one line for a folder, three for an offline warning) arrives while the button is still held. Above the
button it would move the button away from the pointer, and the browser would drop the click.
"""

from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.errors import PlaygroundError
from core.localized import Localized
from core.registry import Task
from core.runtime.loading import download_hint, format_size, known_size_mb
from core.runtime.model_source import Availability, availability, resolve_model
from core.runtime.runnable_here import runnable_here
from tabs.boundary import resolve_language
from tabs.context import AppContext
from tabs.deep_link import fill_from_url
from tabs.i18n import tr
from tabs.literal import md_literal
from tabs.widgets.open_dropdown import open_dropdown

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
        "⬇️ 아직 받지 않은 모델이에요. 처음 실행할 때 내려받아요{size}. 진행률이 표시돼요.",
    ),
    Availability.MISSING_OFFLINE: (
        "⚠️ Not downloaded, and the app is offline: this model cannot run here. "
        "While online, download it once with: {hint}.",
        "⚠️ 아직 받지 않은 모델인데 앱이 오프라인이라 여기서는 실행할 수 없어요. "
        "온라인일 때 다음 명령으로 한 번 받아 두세요: {hint}.",
    ),
}
_OFFER = (
    " **Works here:** `{model}` ({how}), one click below.",
    " **여기서 되는 모델:** `{model}` ({how}). 아래 버튼을 한 번 누르면 바뀌어요.",
)
_HOW = {
    Availability.BUNDLED: ("bundled with the app", "앱에 내장"),
    Availability.CACHED: ("downloaded before", "이미 받아 둠"),
}
_NOTHING = (
    " Nothing else for this tab is downloaded on this machine yet.",
    " 이 탭에 쓸 수 있는 다른 모델도 아직 이 컴퓨터에 없어요.",
)
_USE = ("Use {model} instead", "{model} 모델로 바꾸기")
#: The status line's class: the layout check and the browser tests find every status line by it.
STATUS_CLASS = "model-status"


def _pick(pair: tuple[str, str], language: str) -> str:
    return Localized(pair[0], pair[1]).text(language)


def offered_instead(task: Task, model: str, public: bool) -> str | None:
    """A model that runs here when ``model`` cannot (missing while offline); None when ``model`` is fine or
    nothing else is on this machine."""
    try:
        source = resolve_model(model, allow_local=not public)
    except PlaygroundError:
        return None
    if availability(source) is not Availability.MISSING_OFFLINE:
        return None
    here = (Availability.BUNDLED, Availability.CACHED)
    return next(
        (
            m
            for m in runnable_here(task)
            if m != source.name and availability(resolve_model(m, allow_local=False)) in here
        ),
        None,
    )


def model_status(task: Task, model: str, language: str, public: bool, instead: str | None = None) -> str:
    """One line about ``model``: where it would load from, or what is wrong with the name; offline, ``instead``
    (``offered_instead``) is the model that works here."""
    try:
        source = resolve_model(model, allow_local=not public)
    except PlaygroundError as error:
        return f"❌ {md_literal(error.text(language))}"
    state = availability(source)
    size_mb = known_size_mb(source.name, task)
    size = f" ({format_size(size_mb, language)})" if size_mb else ""
    hint = _pick(download_hint(task, source.name, code=True), language)
    text = _pick(_STATUS[state], language).format(size=size, hint=hint)
    if state is Availability.MISSING_OFFLINE:
        if instead is None:
            text += _pick(_NOTHING, language)
        else:
            how = availability(resolve_model(instead, allow_local=False))
            text += _pick(_OFFER, language).format(model=instead, how=_pick(_HOW[how], language))
    return text


def linked_model(ctx: AppContext, model: gr.Dropdown, query: dict[str, str]) -> str | None:
    """The model a page's link puts in this box (checked as the link itself is), or None."""
    return fill_from_url(query, ctx.links, ctx.public)[1].get(model)


def model_box(task: Task, value: str | None = None, label: str = "common.model") -> gr.Dropdown:
    """A dropdown of the task's models that also takes any Hub id typed in; ``value`` defaults to the task's
    default model, ``label`` is an i18n key."""
    return open_dropdown(
        choices=[(choice.describe(), choice.id) for choice in task.models],
        value=value or (task.default.id if task.default else None),
        label=tr(label),
        info=tr("common.model_info"),
    )


@dataclass(frozen=True)
class ModelStatus:
    """A model box's status line and its one-click swap, made unrendered: the tab renders them under its Run."""

    line: gr.Markdown
    use_instead: gr.Button

    def render(self) -> None:
        """Place the line here: right under the tab's Run button (see the module's docstring for why)."""
        self.line.render()
        self.use_instead.render()


def model_picker(task: Task, ctx: AppContext) -> tuple[gr.Dropdown, ModelStatus]:
    """A dropdown of the task's models (custom Hub ids allowed), its live status line, and a one-click swap
    to a model that works here when the chosen one cannot; the caller renders the status under its Run button."""
    model = model_box(task)
    status = gr.Markdown(render=False, elem_classes=[STATUS_CLASS])
    use_instead = gr.Button(visible=False, size="sm", variant="secondary", render=False)

    def show_status(model_id: str, language: str = "auto", request: gr.Request = None) -> tuple:
        lang = resolve_language(language, request)
        instead = offered_instead(task, model_id, ctx.public)
        button = (
            gr.Button(_pick(_USE, lang).format(model=instead), visible=True) if instead else gr.Button(visible=False)
        )
        return model_status(task, model_id, lang, ctx.public, instead), button

    def show_status_on_load(model_id: str, language: str = "auto", request: gr.Request = None) -> tuple:
        # The link's event fills the box only after the page has opened (tabs/deep_link.py): read the link here,
        # so the line describes the model the box will show from the start.
        query = dict(request.query_params) if request is not None else {}
        return show_status(linked_model(ctx, model, query) or model_id, language, request)

    # No gr.State for the offered model: the click asks again. gradio's client looks every output with a status
    # up in the page's component tree on each later status change, and a State, not in that tree, is a
    # search of all of it each time.
    outputs = [status, use_instead]
    ctx.page_load.add(show_status_on_load, inputs=[model, ctx.language], outputs=outputs)
    gr.on(
        triggers=[model.change, ctx.language.change],
        fn=show_status,
        inputs=[model, ctx.language],
        outputs=outputs,
        api_visibility="private",
        queue=False,
    )

    def use_offered(model_id: str) -> str:
        return offered_instead(task, model_id, ctx.public) or gr.skip()

    use_instead.click(use_offered, inputs=model, outputs=model, api_visibility="private", queue=False)
    ctx.model_status[model] = {"fn": show_status, "inputs": [model, ctx.language], "outputs": outputs}
    return model, ModelStatus(status, use_instead)


def refresh_status_after(ctx: AppContext, model: gr.Dropdown, *events: Any) -> None:
    """After each of ``events`` (a tab's Run), the status line under ``model`` is written again: a Run may have
    downloaded the model, and "Not downloaded" would then be false. It follows failures too (a download that
    finished before the run failed)."""
    for event in events:
        event.then(**ctx.model_status[model], api_visibility="private", queue=False)
