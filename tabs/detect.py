"""Object detection tab (DETR): boxes, labels and scores on a photo, and where each object query looked."""

from collections.abc import Callable
from pathlib import Path

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.registry import get_task
from core.runner import TaskRun
from core.vision.detect import (
    DEFAULT_MAX_DETECTIONS,
    DEFAULT_THRESHOLD,
    MAX_DETECTIONS,
    DetectionResult,
    detect,
    raw_detections,
)
from core.vision.detect_view import caption, captioned, display_image, label_color, scaled_box, where_it_looked
from tabs.boundary import user_errors
from tabs.call import call_context, settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.detect_strings import STRINGS, counts_text, notice_text
from tabs.examples import examples
from tabs.i18n import tr
from tabs.image_upload import image_upload
from tabs.model_picker import model_picker, refresh_status_after

TASK = get_task("detect")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "detect"
TABLE_HEADERS = ["label", "score", "xmin", "ymin", "xmax", "ymax"]
__all__ = ["STRINGS", "build", "make_box_picker", "make_handler", "make_heat_map_handler"]


def _table(result: DetectionResult) -> list[list]:
    return [[d.label, round(d.score, 4), *d.box.values()] for d in result.detections]


def _annotated(result: DetectionResult, image: str) -> dict:
    """The boxes on the photo the model saw; a hosted answer has boxes only (``raw`` is None): on the photo as
    uploaded then."""
    if result.raw is None:
        boxes = [((d.box["xmin"], d.box["ymin"], d.box["xmax"], d.box["ymax"]), caption(d)) for d in result.detections]
        return gr.update(
            value=(image, boxes), color_map={caption(d): label_color(d.label, ()) for d in result.detections}
        )
    shown, factor = display_image(result.raw)
    labels = result.raw.labels
    boxes = [(scaled_box(d, factor, shown.size), caption(d)) for d in result.detections]
    colors = {caption(d): label_color(d.label, labels) for d in result.detections}
    return gr.update(value=(captioned(shown, result.detections, factor, labels), boxes), color_map=colors)


def _box_choices(result: DetectionResult) -> dict:
    """The boxes "where did it look?" can show: each one's object query, read from the model's attention (none in
    a hosted answer)."""
    found = result.detections if result.raw is not None else []
    choices = [(f"{i + 1}. {caption(d)}", d.query) for i, d in enumerate(found)]
    return gr.update(choices=choices, value=choices[0][1] if choices else None)


def _views(ran: TaskRun, image: str, language: str) -> tuple:
    result = ran.result
    return (
        result.to_json(),
        _annotated(result, image),
        counts_text(result, language),
        ran.notice(language, notice_text),
        _table(result),
        _box_choices(result),
        ran.code,
    )


def _inputs(image: str, threshold: float, model: str, labels: str | None, max_detections: int) -> TaskInputs:
    options = {"max_detections": max_detections}
    return TaskInputs(image=image, threshold=threshold, labels=labels, model=model, options=options)


def make_handler(ctx: AppContext) -> Callable:
    """The /detect handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_detect(
        image: str,
        threshold: float,
        model: str,
        labels: str | None = None,
        max_detections: int = DEFAULT_MAX_DETECTIONS,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        ran = runner.run(TASK.id, _inputs(image, threshold, model, labels, max_detections), call)
        return _views(ran, image, call.language)

    return run_detect


def make_refilter(ctx: AppContext, count: int) -> Callable:
    """A threshold, filter or limit change re-filters the cached detections (no model call).

    Where a re-run is not free (each one would be one more API request) a change waits for Run. A number box
    being retyped (empty for a moment) waits for a number."""

    @task_handler(ctx)
    def refilter(image, threshold, model, labels, max_detections, *, call: CallContext) -> tuple:
        if not image or not runner.reruns_are_free(call) or threshold is None or max_detections is None:
            return (gr.skip(),) * count
        ran = runner.run(TASK.id, _inputs(image, threshold, model, labels, max_detections), call)
        return _views(ran, image, call.language)

    return refilter


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
        call = call_context(ctx, device, language, backend, provider, hf_token, request)
        if not image or not runner.reruns_are_free(call) or not isinstance(evt.index, int):
            return gr.skip()
        found = detect(
            image, threshold, model, labels, max_detections, device=call.device, policy=call.policy
        ).detections
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
        inputs = [image, threshold, model, labels, max_detections, *settings_inputs(ctx)]
        outputs = [raw, annotated, counts, notice, table, box, code]
        handler = make_handler(ctx)
        ran = run.click(handler, inputs=inputs, outputs=outputs, api_name="detect")
        refresh_status_after(ctx, model, ran)

        # ``input``: every change the student makes (a drag, arrow keys, a number typed in the box, applied
        # at once), never one made by an example or a link. ``release`` waited for the box to lose focus.
        gr.on(
            triggers=[threshold.input, max_detections.input, labels.submit],
            fn=make_refilter(ctx, len(outputs)),
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
