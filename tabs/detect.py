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
from tabs.detect_strings import counts_text, notice_text
from tabs.i18n import tr
from tabs.widgets.examples import examples
from tabs.widgets.image_upload import image_upload
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab

TASK = get_task("detect")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "detect"
TABLE_HEADERS = ["label", "score", "xmin", "ymin", "xmax", "ymax"]

STRINGS = {
    "en": {
        "detect.tab": "📦 Object detection",
        "detect.explain": (
            "**Object detection** finds things in a photo and draws a box around each one, with a label and a "
            "score between 0 and 1.\n\n"
            "**What does `facebook/detr-resnet-50` mean?** *facebook* is who trained it (Meta AI). **DETR** is "
            "*DEtection TRansformer*. **resnet-50** is its *backbone*: a 50-layer convolutional network (ResNet, "
            "loaded through the `timm` library) that turns the photo into a grid of features, one for every 32 × 32 "
            "pixels. A transformer *encoder* lets every place in that grid look at every other; then the *decoder* "
            'asks **100 object queries**, 100 learned questions of the form "is there an object here, and where?". '
            "Each query answers with one of **COCO's 91 class ids** (80 are used: person, cat, cup, …; the unused "
            "ones are called N/A) or *no object*, and one box.\n\n"
            "This is **set prediction**: in training, each real object is matched to exactly one query (the "
            "Hungarian algorithm), so DETR needs no anchor boxes and no non-maximum suppression to remove "
            "duplicates. Most of the 100 answers are *no object*; the **threshold** hides every box whose best "
            "score is not above it. Moving it only re-filters the 100 answers already computed: the model does not "
            "run again."
        ),
        "detect.image": "Photo (upload, webcam or paste)",
        "detect.threshold": "Threshold (minimum score)",
        "detect.threshold_info": "Boxes scoring above this are shown; moving it does not re-run the model",
        "detect.labels": "Only these labels (optional)",
        "detect.labels_info": "Comma-separated class names, e.g. cat, dog; empty shows every class",
        "detect.max": "At most this many boxes",
        "detect.max_info": "The most confident first",
        "detect.result": "Detected objects",
        "detect.table": "Boxes (pixels of the original photo)",
        "detect.look": "🔍 Where did it look?",
        "detect.look_explain": (
            "Each box comes from one object query. Its **cross-attention** in the decoder's last layer says which "
            "parts of the photo that query read before answering (the DETR paper's own figure). Bright = looked "
            "at most. A well-trained model looks at the object's edges: the extremities of a leg, a head, a tail. "
            "YOLOS has no decoder: there it is the attention of the box's detection token over the image patches."
        ),
        "detect.box": "Box",
        "detect.box_info": "Choose a box to see its object query's attention",
        "detect.heat": "Attention of this box's object query",
    },
    "ko": {
        "detect.tab": "📦 객체 탐지",
        "detect.explain": (
            "**객체 탐지**는 사진 속 물체를 찾아 각각에 상자를 그리고, 레이블과 0~1 사이 점수를 붙여요.\n\n"
            "**`facebook/detr-resnet-50`은 무슨 뜻일까요?** *facebook*은 학습시킨 곳(Meta AI)이에요. **DETR**은 "
            "*DEtection TRansformer*(탐지 트랜스포머)의 줄임말이에요. **resnet-50**은 *백본*이에요: 50층짜리 합성곱 "
            "신경망(ResNet, `timm` 라이브러리로 불러와요)이 사진을 32 × 32픽셀마다 하나씩 특징 격자로 바꿔요. "
            "트랜스포머 *인코더*는 격자의 모든 자리가 서로를 보게 하고, *디코더*는 **100개의 객체 쿼리**, 즉 "
            '"여기에 물체가 있나? 어디에?"라는 학습된 질문 100개를 던져요. 쿼리마다 **COCO의 91개 클래스 id** '
            "중 하나(실제로 쓰는 건 80개: person, cat, cup 등, 안 쓰는 id는 N/A) 또는 *물체 없음*과 상자 하나로 "
            "답해요.\n\n"
            "이것을 **집합 예측**이라고 해요: 학습할 때 실제 물체 하나가 쿼리 하나에만 짝지어지므로(헝가리안 "
            "알고리즘), 앵커 박스도, 중복 상자를 지우는 NMS도 필요 없어요. 100개 답 대부분은 *물체 없음*이고, "
            "**임계값**은 최고 점수가 그보다 높지 않은 상자를 숨겨요. 임계값을 움직이면 이미 계산한 100개 답을 "
            "다시 거를 뿐, 모델을 다시 실행하지 않아요."
        ),
        "detect.image": "사진 (업로드, 웹캠, 붙여 넣기)",
        "detect.threshold": "임계값 (최소 점수)",
        "detect.threshold_info": "이 점수보다 높은 상자만 보여요. 움직여도 모델을 다시 실행하지 않아요",
        "detect.labels": "이 레이블만 (선택)",
        "detect.labels_info": "쉼표로 구분한 클래스 이름(예: cat, dog). 비우면 모든 클래스",
        "detect.max": "최대 상자 개수",
        "detect.max_info": "확신이 큰 것부터",
        "detect.result": "찾은 물체",
        "detect.table": "상자 (원본 사진의 픽셀 좌표)",
        "detect.look": "🔍 어디를 봤을까?",
        "detect.look_explain": (
            "상자마다 그것을 찾은 객체 쿼리가 하나씩 있어요. 디코더 마지막 층의 **크로스 어텐션**은 그 쿼리가 "
            "답하기 전에 사진의 어느 부분을 읽었는지 보여 줘요(DETR 논문의 그림과 같아요). 밝을수록 많이 본 "
            "곳이에요. 잘 학습된 모델은 물체의 가장자리(다리 끝, 머리, 꼬리)를 봐요. "
            "YOLOS에는 디코더가 없어서, 그 상자를 찾은 탐지 토큰이 이미지 패치들을 본 어텐션을 보여 줘요."
        ),
        "detect.box": "상자",
        "detect.box_info": "상자를 고르면 그 객체 쿼리의 어텐션을 보여 줘요",
        "detect.heat": "이 상자를 찾은 객체 쿼리의 어텐션",
    },
}


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
        """Object detection in a photo (DETR and similar models); the first output is the boxes scoring above threshold, [{"score", "label", "box": {"xmin", "ymin", "xmax", "ymax"}}, …], best first.

        Args:
            image: The photo: an image file (JPEG, PNG, …) given as a path or URL, up to 200 MiB and 144 megapixels.
            threshold: Keep boxes whose score is above this, 0 to 1 (required; the tab starts at 0.9).
            model: An object-detection model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            labels: Keep only these classes, comma-separated, as the model names them (e.g. cat, dog); empty or None (default) keeps every class.
            max_detections: At most this many boxes, best first: 1 to 300, default 50.
        Returns:
            The raw JSON with box corners in pixels of the original image; then the annotated image, counts per class, a notice, a table of boxes, the box choices for "where did it look?" and the Python code.
        """
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
    with task_tab("detect", TASK.id):
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
                model, status = model_picker(TASK, ctx)
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
                status.render()  # under the button: see tabs/widgets/model_picker.py
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
        raw, code = raw_and_code()
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
