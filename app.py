"""Pipeline Playground: try every transformers task in the browser and see what happens inside.

Table of contents: parse the command line → (prefetch / list the cache and exit) →
build one gr.Blocks from the modules in tabs/ → configure the queue → launch.
No model loads at start-up; each tab loads its model on first use.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

#: A Hugging Face Space sets SPACE_ID; an app there is public by nature.
ON_SPACE = bool(os.environ.get("SPACE_ID"))
#: The whole queue; core/public/fair_queue.py's per-visitor limits keep one visitor to a small share of it.
QUEUE_MAX_SIZE = 256
DEFAULT_CONCURRENCY = 2
#: Worker threads for handlers (gradio's default is 40). Requests waiting in a micro-batch hold a thread
#: while they wait, so a class's worth of them must fit beside every other tab's events.
MAX_THREADS = 96
#: gradio's ``delete_cache``: every 10 minutes, remove its cached files older than an hour (public mode).
PUBLIC_FILE_SWEEP = (600, 3600)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--share", action="store_true", help="a temporary public link (implies --public)")
    parser.add_argument("--auth", metavar="USER:PASS", help="ask for this user name and password")
    parser.add_argument("--public", action="store_true", help="Hub ids only, no local paths, download cap")
    parser.add_argument("--offline", action="store_true", help="never touch the network; cached models only")
    parser.add_argument(
        "--inference-url",
        default=os.environ.get("INFERENCE_URL") or None,
        metavar="URL",
        help="remote backend server (Inference Endpoint, TGI/TEI; {model} is replaced by the model id)",
    )
    parser.add_argument(
        "--mcp",
        action="store_true",
        default=None,
        help="also serve every task as an MCP tool at /gradio_api/mcp/ (GRADIO_MCP_SERVER=True does the same)",
    )
    parser.add_argument(
        "--prefetch",
        nargs="*",
        metavar="TASK_OR_MODEL",
        help="download these tasks' default models (or these Hub model ids), then exit; alone: every default",
    )
    parser.add_argument("--list-cache", action="store_true", help="list the downloaded models and exit")
    args = parser.parse_args(argv)
    if args.auth is not None and (":" not in args.auth or args.auth.startswith(":") or args.auth.endswith(":")):
        parser.error("--auth takes USER:PASS, e.g. --auth teacher:s3cret")
    if args.inference_url:
        from core.remote.client import check_inference_url

        try:
            args.inference_url = check_inference_url(args.inference_url)
        except ValueError as error:
            parser.error(str(error))
    from core.registry import TASKS

    unknown = [t for t in args.prefetch or [] if t not in TASKS and "/" not in t]
    if unknown:
        parser.error(
            f"Unknown task '{unknown[0]}' for --prefetch. Known tasks: {', '.join(TASKS)}; or give a Hub id (org/name)."
        )
    return args


def apply_environment(args: argparse.Namespace) -> None:
    """Offline mode must be set before huggingface_hub is imported (it reads the variable once)."""
    if args.offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
    if args.offline or os.environ.get("HF_HUB_OFFLINE") == "1":
        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def run_prefetch(names: list[str]) -> int:
    """Download each named task's default model, or each named Hub id; every default when none is named."""
    from core.errors import PlaygroundError
    from core.registry import TASKS
    from core.runtime.hub_cache import prefetch

    def task_offering(model_id: str):
        return next((t for t in TASKS.values() if any(m.id == model_id for m in t.models)), TASKS["inspect"])

    if names:
        wanted = [
            (TASKS[n], getattr(TASKS[n].default, "id", None)) if n in TASKS else (task_offering(n), n) for n in names
        ]
    else:
        wanted = [(t, getattr(t.default, "id", None)) for t in TASKS.values() if "network" not in t.tags]
    wanted = [(task, model_id) for task, model_id in wanted if model_id]
    failures = 0
    for task, model_id in wanted:
        try:
            print(f"{model_id} → {prefetch(model_id, task)}")
        except PlaygroundError as error:
            failures += 1
            print(f"{model_id}: {error}", file=sys.stderr)
    return 1 if failures else 0


def run_list_cache() -> int:
    from core.runtime.hub_cache import list_cached

    for repo in list_cached():
        print(f"{repo.size_bytes / 1e6:10,.1f} MB  {repo.repo_type:8} {repo.repo_id}")
    return 0


def name_tab_panels(tabs) -> None:
    """Give each task's panel the element id ``tab-<id>``: its tab button then names it (aria-controls)."""
    for tab in tabs.children:
        if getattr(tab, "id", None) and not tab.elem_id:
            tab.elem_id = f"tab-{tab.id}"


def build_app(public: bool = False, offline: bool = False, inference_url: str | None = None):  # -> gr.Blocks
    """The whole app: a header, global settings, one tab per module in tabs/."""
    import gradio as gr

    from tabs import tab_modules
    from tabs.api_tools import expose_tools
    from tabs.boundary import clear_results_on_failure
    from tabs.context import AppContext
    from tabs.deep_link import link_notice, wire_deep_links
    from tabs.gradio_tuning import tune_gradio
    from tabs.guards import install_number_guard
    from tabs.i18n import tr
    from tabs.literal import escape_markdown_outputs
    from tabs.remote_backend import build_remote_settings

    tune_gradio()
    install_number_guard()
    mode = " · ".join(m for m, on in (("public", public), ("offline", offline)) if on) or "local"
    # Public mode: gradio's own sweep removes uploads and files handed to visitors after an hour.
    with gr.Blocks(title="Pipeline Playground", delete_cache=PUBLIC_FILE_SWEEP if public else None) as demo:
        gr.Markdown(tr("app.title"))
        gr.Markdown(tr("app.intro"))
        with gr.Accordion(tr("app.settings"), open=False), gr.Row():
            device = gr.Dropdown(
                ["auto", "cpu", "cuda"], value="auto", label=tr("app.device"), info=tr("app.device_info")
            )
            language = gr.Radio(
                [("Auto", "auto"), ("한국어", "ko"), ("English", "en")],
                value="auto",
                label=tr("app.language"),
                info=tr("app.language_info"),
            )
            gr.Textbox(value=mode, label=tr("app.mode"), interactive=False)
            remote = build_remote_settings()
        ctx = AppContext(
            public=public,
            offline=offline,
            blocks=demo,
            device=device,
            language=language,
            remote=remote,
            inference_url=inference_url,
        )
        notice = link_notice()  # says why, when a link names a tab this app does not have
        with gr.Tabs() as tabs:
            for module in tab_modules():
                module.build(ctx)
        name_tab_panels(tabs)
        wire_deep_links(ctx, tabs, notice)
        ctx.page_load.wire(demo)  # status lines, the link, the cache scan: one event when the page opens
        expose_tools(demo, public=public)  # the tasks as tools named after them; UI helpers and disk writers hidden
        escape_markdown_outputs(demo)  # a status line or notice shows <mask> as text, never as HTML
        clear_results_on_failure(demo)  # after an error, no result of an earlier run stays on screen
    return demo


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    apply_environment(args)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("playground").setLevel(logging.INFO)
    if args.list_cache:
        return run_list_cache()
    if args.prefetch is not None:
        return run_prefetch(args.prefetch)

    from core.runtime.model_source import hub_offline
    from tabs import fair_queue, tab_modules
    from tabs.compression import compression_middleware
    from tabs.guards import middleware
    from tabs.i18n import build_i18n
    from tabs.theme import CSS, playground_theme

    public = args.public or args.share or ON_SPACE
    demo = build_app(public=public, offline=hub_offline(), inference_url=args.inference_url)
    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=DEFAULT_CONCURRENCY)
    fair_queue.apply_heavy_groups(demo)
    fair_queue.install(demo, on_space=ON_SPACE)
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        share=args.share,
        auth=tuple(args.auth.split(":", 1)) if args.auth else None,
        i18n=build_i18n(tab_modules()),
        show_error=False,
        max_threads=MAX_THREADS,
        # gradio 6 saves every run's inputs for its "runs" page; the Inference API token box is an input,
        # and a token must never be stored (nor a shared classroom browser keep one).
        run_history=False,
        max_file_size="20mb" if public else None,
        theme=playground_theme(),
        css=CSS,
        # The page's document compressed (gradio compresses only paths with an extension), then the guards.
        app_kwargs={"middleware": [compression_middleware(), *middleware(public=public, on_space=ON_SPACE)]},
        mcp_server=args.mcp,  # None: gradio reads GRADIO_MCP_SERVER
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
