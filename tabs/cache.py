"""Cache manager tab: what is downloaded and in memory, deleting it, and downloading ahead of time."""

import dataclasses
import time
from collections.abc import Callable

import gradio as gr

from core.errors import BadInput
from core.localized import Localized
from core.registry import TASKS, get_task
from core.runtime.hub_cache import cache_summary, delete_cached, plan_prefetch, prefetch, prefetchable_tasks
from core.runtime.loaded_models import loaded_models, unload
from tabs.boundary import resolve_language, toast, user_errors
from tabs.context import AppContext
from tabs.fair_queue import status_line
from tabs.i18n import tr
from tabs.widgets.task_tab import task_tab

TASK = get_task("cache")

STRINGS = {
    "en": {
        "cache.tab": "🗄️ Cache",
        "cache.explain": (
            "Every model you try is downloaded once into the Hugging Face cache (`~/.cache/huggingface/hub`) "
            "and loaded from there afterwards. Testing many models fills the disk quickly: here you see what "
            "the cache holds, delete what you no longer need, and download the models a class will use ahead "
            "of time (also `python app.py --prefetch TASK …` and `--list-cache` on the command line). "
            "Models the app holds in memory right now are listed at the bottom."
        ),
        "cache.disk": "### 💾 On disk",
        "cache.refresh": "Refresh",
        "cache.repos": "Cached repositories",
        "cache.select": "Repositories to delete",
        "cache.confirm": "Yes, delete them (they download again when used)",
        "cache.select_info": "Pick the downloaded repos to delete (their size is in the list above)",
        "cache.delete": "Delete selected",
        "cache.prefetch_title": "### ⬇️ Download ahead of time",
        "cache.tasks": "Tabs whose default model to download",
        "cache.plan": "Show the size first",
        "cache.prefetch": "Download",
        "cache.memory": "### 🧠 In memory now",
        "cache.loaded": "Loaded models",
        "cache.unload_select": "Model to unload",
        "cache.unload": "Unload",
    },
    "ko": {
        "cache.tab": "🗄️ 캐시 관리",
        "cache.explain": (
            "모델은 처음 쓸 때 Hugging Face 캐시(`~/.cache/huggingface/hub`)에 한 번 내려받고, 그다음부터는 "
            "거기서 불러와요. 모델을 여러 개 시험하다 보면 PC 용량이 금방 차요: 여기서 캐시에 무엇이 있는지 보고, "
            "필요 없는 것은 지우고, 수업에 쓸 모델은 미리 받아 둘 수 있어요 (명령줄: `python app.py --prefetch 작업 …`, "
            "`--list-cache`). 맨 아래에는 지금 앱 메모리에 올라와 있는 모델이 보여요."
        ),
        "cache.disk": "### 💾 디스크",
        "cache.refresh": "새로 고침",
        "cache.repos": "캐시에 있는 저장소",
        "cache.select": "지울 저장소",
        "cache.confirm": "네, 지울게요 (다시 쓰면 다시 내려받아요)",
        "cache.select_info": "지울 저장소를 고르세요 (크기는 위 목록에 있어요)",
        "cache.delete": "선택한 것 지우기",
        "cache.prefetch_title": "### ⬇️ 미리 받아 두기",
        "cache.tasks": "기본 모델을 받아 둘 탭",
        "cache.plan": "크기 먼저 보기",
        "cache.prefetch": "내려받기",
        "cache.memory": "### 🧠 지금 메모리에 있는 모델",
        "cache.loaded": "불러온 모델",
        "cache.unload_select": "내릴 모델",
        "cache.unload": "메모리에서 내리기",
    },
}


def mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def _ago(timestamp: float) -> str:
    if not timestamp:
        return "?"
    minutes = max(0, time.time() - timestamp) / 60
    return (
        f"{minutes:.0f} min"
        if minutes < 120
        else f"{minutes / 60:.0f} h"
        if minutes < 2880
        else f"{minutes / 1440:.0f} d"
    )


def task_title(task_id: str, language: str) -> str:
    """The tab a loaded model belongs to, as the tab bar names it."""
    task = TASKS.get(task_id)
    if task is None:
        return task_id
    return Localized(task.title_en, task.title_ko).text(language)


def _refuse_in_public(ctx: AppContext) -> None:
    if ctx.public:
        raise BadInput(
            "Deleting, downloading and unloading are turned off in public mode: the cache belongs to the server.",
            ko="공개 모드에서는 지우기, 내려받기, 메모리에서 내리기를 할 수 없어요: 캐시는 서버의 것이에요.",
        )


def make_handlers(ctx: AppContext) -> dict[str, Callable]:
    """The cache tab's handlers by api name."""

    def disk_view(language: str) -> tuple:
        summary = cache_summary()
        if ctx.public:  # no server paths in a public app
            summary = dataclasses.replace(summary, cache_dir="(hidden in public mode)")
        models = [r.repo_id for r in summary.repos if r.repo_type == "model"]
        text = Localized(
            f"**{len(summary.repos)}** repositories, **{mb(summary.size_bytes)}** in all · `{summary.cache_dir}`",
            f"**{len(summary.repos)}** 개 저장소, 모두 **{mb(summary.size_bytes)}** · `{summary.cache_dir}`",
        ).text(language)
        rows = [
            [r.repo_id, r.repo_type, mb(r.size_bytes), len(r.revisions), r.files, _ago(r.last_accessed)]
            for r in summary.repos
        ]
        return (
            summary.to_json(),
            text,
            rows,
            gr.Dropdown(choices=models, value=[], multiselect=True, allow_custom_value=True),
        )

    @user_errors
    def cache_list(language: str = "auto", request: gr.Request = None) -> tuple:
        return disk_view(resolve_language(language, request))

    @user_errors
    def cache_delete(
        repos: list[str], confirm: bool = False, language: str = "auto", request: gr.Request = None
    ) -> tuple:
        _refuse_in_public(ctx)
        if not confirm:
            raise BadInput(
                "Tick the confirmation box first: deleting cannot be undone.",
                ko="먼저 확인란을 체크하세요: 지우면 되돌릴 수 없어요.",
            )
        freed = delete_cached(repos)
        lang = resolve_language(language, request)
        toast("info", Localized(f"Freed {mb(freed)}", f"{mb(freed)} 확보했어요"), lang)
        return disk_view(lang)

    @user_errors
    def prefetch_plan(tasks: list[str], language: str = "auto", request: gr.Request = None) -> tuple:
        plans = plan_prefetch(tasks)
        total = sum(p.to_download_bytes for p in plans)
        lang = resolve_language(language, request)
        text = Localized(f"To download: **{mb(total)}** in all", f"새로 내려받을 크기: **{mb(total)}**").text(lang)
        rows = [[p.task, p.model, mb(p.total_bytes), mb(p.to_download_bytes)] for p in plans]
        return [p.to_json() for p in plans], text, rows

    @user_errors
    def prefetch_models(
        tasks: list[str],
        language: str = "auto",
        request: gr.Request = None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> dict:
        _refuse_in_public(ctx)
        plans = plan_prefetch(tasks)
        folders = {}
        for plan in progress.tqdm(plans, desc="models"):
            folders[plan.model] = prefetch(plan.model, get_task(plan.task))
        return folders

    def memory_view(language: str = "en") -> tuple:
        entries = loaded_models()
        rows = [[e.model, task_title(e.task, language), e.loader, e.device, mb(e.size_bytes)] for e in entries]
        return [e.to_json() for e in entries], rows, gr.Dropdown(choices=[e.label for e in entries], value=None)

    @user_errors
    def loaded(language: str = "auto", request: gr.Request = None) -> tuple:
        return memory_view(resolve_language(language, request))

    @user_errors
    def unload_model(label: str, language: str = "auto", request: gr.Request = None) -> tuple:
        _refuse_in_public(ctx)
        unload(label)
        return memory_view(resolve_language(language, request))

    return {
        "cache_list": cache_list,
        "cache_delete": cache_delete,
        "prefetch_plan": prefetch_plan,
        "prefetch": prefetch_models,
        "loaded_models": loaded,
        "unload": unload_model,
    }


def build(ctx: AppContext) -> None:
    handlers = make_handlers(ctx)
    with task_tab("cache", TASK.id) as tab:
        gr.Markdown(tr("cache.disk"))
        with gr.Row():
            refresh = gr.Button(tr("cache.refresh"))
            disk_summary = gr.Markdown()
        repos = gr.Dataframe(
            headers=["repo", "type", "size", "revisions", "files", "last used"], label=tr("cache.repos")
        )
        with gr.Row(visible=not ctx.public):
            selected = gr.Dropdown(
                multiselect=True, allow_custom_value=True, label=tr("cache.select"), info=tr("cache.select_info")
            )
            confirm = gr.Checkbox(label=tr("cache.confirm"))
            delete = gr.Button(tr("cache.delete"), variant="stop")
        disk_raw = gr.JSON(label=tr("common.raw"))

        gr.Markdown(tr("cache.prefetch_title"))
        with gr.Row():
            choices = [(f"{t.title_ko} · {t.title_en} · {t.default.describe()}", t.id) for t in prefetchable_tasks()]
            tasks = gr.CheckboxGroup(choices, label=tr("cache.tasks"))
            with gr.Column():
                plan = gr.Button(tr("cache.plan"))
                fetch = gr.Button(tr("cache.prefetch"), variant="primary", visible=not ctx.public)
        plan_total = gr.Markdown()
        plan_rows = gr.Dataframe(headers=["task", "model", "size", "to download"])
        plan_raw = gr.JSON(label=tr("common.raw"))

        gr.Markdown(tr("cache.memory"))
        with gr.Row():
            show_loaded = gr.Button(tr("cache.refresh"))
            to_unload = gr.Dropdown(allow_custom_value=True, label=tr("cache.unload_select"), visible=not ctx.public)
            unload_button = gr.Button(tr("cache.unload"), visible=not ctx.public)
        loaded_rows = gr.Dataframe(
            headers=["model", "task", "class", "device", "memory"], label=tr("cache.loaded"), wrap=True
        )
        loaded_raw = gr.JSON(label=tr("common.raw"))
        queue_line = gr.Markdown()  # running and waiting work per task (tabs/fair_queue.py)

        disk_outputs = [disk_raw, disk_summary, repos, selected]
        memory_outputs = [loaded_raw, loaded_rows, to_unload]
        refresh.click(handlers["cache_list"], [ctx.language], disk_outputs, api_name="cache_list")
        # Filled when the page opens and whenever the tab is shown (models download while other tabs run):
        # a scan of the cache folder, no model loaded; the server's start-up does not wait for it.
        ctx.page_load.add(handlers["cache_list"], inputs=[ctx.language], outputs=disk_outputs)
        tab.select(
            fn=handlers["cache_list"],
            inputs=[ctx.language],
            outputs=disk_outputs,
            api_visibility="private",
            queue=False,
        )
        delete.click(
            handlers["cache_delete"], [selected, confirm, ctx.language], disk_outputs, api_name="cache_delete"
        )
        plan.click(
            handlers["prefetch_plan"],
            [tasks, ctx.language],
            [plan_raw, plan_total, plan_rows],
            api_name="prefetch_plan",
        )
        fetch.click(handlers["prefetch"], [tasks, ctx.language], [plan_raw], api_name="prefetch", concurrency_limit=1)
        show_loaded.click(handlers["loaded_models"], [ctx.language], memory_outputs, api_name="loaded_models")
        tab.select(handlers["loaded_models"], [ctx.language], memory_outputs, api_visibility="private", queue=False)
        unload_button.click(handlers["unload"], [to_unload, ctx.language], memory_outputs, api_name="unload")
        # Outside the queue, so the teacher sees it even when the queue is busy.
        gr.on(
            triggers=[tab.select, show_loaded.click],
            fn=_queue_status(ctx),
            inputs=[ctx.language],
            outputs=queue_line,
            api_visibility="private",
            queue=False,
        )


def _queue_status(ctx: AppContext) -> Callable:
    def queue_status(language: str = "auto", request: gr.Request = None) -> str:
        return status_line(getattr(ctx.blocks, "_queue", None), resolve_language(language, request))

    return queue_status
