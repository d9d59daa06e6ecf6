"""Object detection tab (DETR): boxes, labels and scores on a photo, and where each object query looked."""

from collections.abc import Callable
from pathlib import Path

import gradio as gr

from core.registry import get_task
from core.remote import RemoteInputs, RemoteResult
from core.vision.detect import (
    DEFAULT_MAX_DETECTIONS,
    DEFAULT_THRESHOLD,
    MAX_DETECTIONS,
    Detection,
    DetectionResult,
    detect,
    notebook_code,
    raw_detections,
)
from core.vision.detect_view import caption, captioned, display_image, label_color, scaled_box, where_it_looked
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.detect_strings import STRINGS, counts_text, notice_text
from tabs.i18n import tr
from tabs.remote_backend import backend_inputs, run_remote_for_tab
from tabs.widgets.examples import examples
from tabs.widgets.image_upload import image_upload
from tabs.widgets.model_picker import model_picker, refresh_status_after

TASK = get_task("detect")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "detect"
TABLE_HEADERS = ["label", "score", "xmin", "ymin", "xmax", "ymax"]
__all__ = ["STRINGS", "build", "make_box_picker", "make_handler", "make_heat_map_handler"]


def _table(result: DetectionResult) -> list[list]:
    return [[d.label, round(d.score, 4), *d.box.values()] for d in result.detections]


def _annotated(result: DetectionResult) -> dict:
    image, factor = display_image(result.raw)
    labels = result.raw.labels
    boxes = [(scaled_box(d, factor, image.size), caption(d)) for d in result.detections]
    colors = {caption(d): label_color(d.label, labels) for d in result.detections}
    return gr.update(value=(captioned(image, result.detections, factor, labels), boxes), color_map=colors)


def _box_choices(result: DetectionResult) -> dict:
    choices = [(f"{i + 1}. {caption(d)}", d.query) for i, d in enumerate(result.detections)]
    return gr.update(choices=choices, value=choices[0][1] if choices else None)


def make_handler(ctx: AppContext) -> Callable:
    """The /detect handler for this app's mode (public mode accepts Hub ids only)."""

    @user_errors
    def run_detect(
        image: str,
        threshold: float,
        model: str,
        labels: str | None = None,
        max_detections: int = DEFAULT_MAX_DETECTIONS,
        device: str = "auto",
        language: str = "auto",
        backend: str = "local",
        provider: str = "auto",
        hf_token: str = "",
        request: gr.Request = None,
        oauth_token: gr.OAuthToken | None = None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        if backend == "remote":
            inputs = RemoteInputs(
                image=image, threshold=threshold, labels=labels, options={"max_detections": max_detections}
            )
            remote = run_remote_for_tab(
                ctx, TASK.id, inputs, model, provider, hf_token, oauth_token, language, request
            )
            return _remote_views(remote, image, threshold, resolve_language(language, request))
        result = detect(image, threshold, model, labels, max_detections, device=device, policy=ctx.policy)
        lang = resolve_language(language, request)
        return (
            result.to_json(),
            _annotated(result),
            counts_text(result, lang),
            notice_text(result, lang),
            _table(result),
            _box_choices(result),
            notebook_code(result.raw.model, result.threshold, result.labels, result.raw.attention_kind),
        )

    return run_detect


def _remote_views(remote: RemoteResult, image: str, threshold: float, language: str) -> tuple:
    """The tab's outputs from the Inference API's boxes (on the photo as uploaded). The API returns no
    attention, so "where did it look?" has no boxes to offer."""
    found = [Detection(score=d["score"], label=d["label"], box=d["box"], query=i) for i, d in enumerate(remote.output)]
    shown = DetectionResult(detections=found, raw=None, threshold=float(threshold), found=len(found))
    boxes = [((d.box["xmin"], d.box["ymin"], d.box["xmax"], d.box["ymax"]), caption(d)) for d in found]
    return (
        remote.output,
        gr.update(value=(image, boxes), color_map={caption(d): label_color(d.label, ()) for d in found}),
        counts_text(shown, language),
        remote.summary(language),
        _table(shown),
        gr.update(choices=[], value=None),
        remote.code,
    )


def make_heat_map_handler(ctx: AppContext) -> Callable:
    """Where did it look? The chosen box's object query, its decoder cross-attention over the photo."""

    @user_errors
    def where_did_it_look(
        image: str, model: str, query: int | None, device: str = "auto", language: str = "auto", request=None
    ):
        if not image or query is None:
            return None
        raw, _cached = raw_detections(image, model, device=device, policy=ctx.policy)
        return where_it_looked(raw, int(query))

    return where_did_it_look


def make_box_picker(ctx: AppContext) -> Callable:
    """A click on a box's legend entry chooses that box for "where did it look?"."""

    @user_errors
    def pick_box(
        image,
        threshold,
        model,
        labels,
        max_detections,
        device,
        language,
        evt: gr.SelectData,
        backend="local",
        provider="auto",
        hf_token="",
        request=None,
    ):
        """gradio passes ``evt`` by its type; the inputs fill the other parameters in order."""
        if not image or backend == "remote" or not isinstance(evt.index, int):
            return gr.skip()
        found = detect(image, threshold, model, labels, max_detections, device=device, policy=ctx.policy).detections
        return found[evt.index].query if 0 <= evt.index < len(found) else gr.skip()

    return pick_box


def build(ctx: AppContext) -> None:
    """The detection tab: photo and settings left, boxes right, "where did it look?" below."""
    with gr.Tab(tr("detect.tab"), id=TASK.id):
        with gr.Accordion(tr("common.about"), open=False):
            gr.Markdown(tr("detect.explain"))
        with gr.Row():
            with gr.Column():
                image = image_upload(tr("detect.image"))
                threshold = gr.Slider(
                    0,
                    1,
                    value=DEFAULT_THRESHOLD,
                    step=0.01,
                    label=tr("detect.threshold"),
                    info=tr("detect.threshold_info"),
                )
                model, _status = model_picker(TASK, ctx)
                labels = gr.Textbox(
                    value="", label=tr("detect.labels"), info=tr("detect.labels_info"), placeholder="cat, dog"
                )
                max_detections = gr.Slider(
                    1,
                    MAX_DETECTIONS,
                    value=DEFAULT_MAX_DETECTIONS,
                    step=1,
                    label=tr("detect.max"),
                    info=tr("detect.max_info"),
                )
                run = gr.Button(tr("common.run"), variant="primary")
            with gr.Column():
                annotated = gr.AnnotatedImage(label=tr("detect.result"), show_legend=True)
                counts = gr.Markdown()
                notice = gr.Markdown()
                table = gr.Dataframe(headers=TABLE_HEADERS, label=tr("detect.table"), wrap=True)
        with gr.Accordion(tr("detect.look"), open=True), gr.Row():
            with gr.Column(scale=1):
                gr.Markdown(tr("detect.look_explain"))
                box = gr.Dropdown(choices=[], label=tr("detect.box"), info=tr("detect.box_info"))
            heat = gr.Image(label=tr("detect.heat"), interactive=False, scale=2)
        raw = gr.JSON(label=tr("common.raw"))
        code = gr.Code(language="python", label=tr("common.code"))
        link_button(
            ctx, TASK.id, {"threshold": threshold, "model": model, "labels": labels, "max_detections": max_detections}
        )
        examples(
            [
                [str(EXAMPLES / "cat.jpg"), DEFAULT_THRESHOLD, TASK.default.id, ""],
                [str(EXAMPLES / "coffee.jpg"), 0.7, TASK.default.id, ""],
                [str(EXAMPLES / "astronaut.jpg"), DEFAULT_THRESHOLD, TASK.default.id, "person"],
                [str(EXAMPLES / "rocket.jpg"), 0.5, TASK.default.id, ""],
            ],
            inputs=[image, threshold, model, labels],
            headers=["Image · 이미지", "Threshold · 임계값", "Model · 모델", "Labels · 레이블"],
        )
        inputs = [image, threshold, model, labels, max_detections, ctx.device, ctx.language, *backend_inputs(ctx)]
        outputs = [raw, annotated, counts, notice, table, box, code]
        handler = make_handler(ctx)
        ran = run.click(handler, inputs=inputs, outputs=outputs, api_name="detect")
        refresh_status_after(ctx, model, ran)

        def refilter(
            image,
            threshold,
            model,
            labels,
            max_detections,
            device,
            language,
            backend="local",
            provider="auto",
            hf_token="",
            request: gr.Request = None,
        ):
            """A threshold, filter or limit change re-filters the cached detections (no model call).

            On the remote backend a change waits for Run: each re-run would be one more API request.
            A number box being retyped (empty for a moment) waits for a number."""
            if not image or backend == "remote" or threshold is None or max_detections is None:
                return [gr.skip()] * len(outputs)
            return handler(image, threshold, model, labels, max_detections, device, language, request)

        # ``input``: every change the student makes (a drag, arrow keys, a number typed in the box, applied
        # at once), never one made by an example or a link. ``release`` waited for the box to lose focus.
        gr.on(
            triggers=[threshold.input, max_detections.input, labels.submit],
            fn=refilter,
            inputs=inputs,
            outputs=outputs,
            api_visibility="private",
            trigger_mode="always_last",
        )
        annotated.select(make_box_picker(ctx), inputs=inputs, outputs=box, api_visibility="private")
        box.change(
            make_heat_map_handler(ctx),
            inputs=[image, model, box, ctx.device, ctx.language],
            outputs=heat,
            api_visibility="private",
        )
