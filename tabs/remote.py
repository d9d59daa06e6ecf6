"""Inference API tab: any task the hosted API supports, its raw answer, latency, and the client code."""

from collections.abc import Callable

import gradio as gr

from core import runner
from core.call import TaskInputs
from core.registry import TASKS, get_task
from core.remote import REMOTE_TASKS
from core.remote.client import provider_names
from core.remote.side_by_side import run_local
from tabs import remote_backend
from tabs.boundary import user_errors
from tabs.call import call_context
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.literal import md_literal
from tabs.widgets.examples import examples
from tabs.widgets.open_dropdown import open_dropdown
from tabs.widgets.task_tab import raw_and_code, task_tab

TASK = get_task("remote")
TASK_CHOICES = [(f"{TASKS[t].title_en} · {TASKS[t].title_ko}", t) for t in REMOTE_TASKS]

STRINGS = {
    "en": {
        **remote_backend.STRINGS["en"],
        "remote.tab": "☁️ Inference API",
        "remote.explain": (
            "The **Inference API** runs a model on Hugging Face's machines instead of yours: nothing is downloaded, "
            "and a big model answers on a small laptop. `huggingface_hub`'s `InferenceClient` sends your input to a "
            "*provider* (`hf-inference` is Hugging Face's own; `auto` picks one for you) and returns the same kind "
            "of result the local pipeline does. It needs a Hugging Face token (sign in, paste one in Settings, or "
            "set `HF_TOKEN`), and the free tier limits calls: on a **429** the app waits and retries, and tells "
            "you how long. Compare the latency with running the same model locally."
        ),
        "remote.task": "Task",
        "remote.task_info": "Every task the Inference API supports",
        "remote.text": "Input text (one a line for sentiment and similarity; the question for QA)",
        "remote.labels": "Candidate labels (zero-shot, comma-separated)",
        "remote.context": "Context (question answering)",
        "remote.image": "Image (object detection)",
        "remote.threshold": "Score threshold (object detection)",
        "remote.max_new_tokens": "New tokens (text generation)",
        "remote.compare": "Run locally and remotely (side by side)",
        "remote.scores": "Scores",
        "remote.result": "Result",
        "remote.boxes": "Detections",
        "remote.side_by_side": "Local vs remote",
        "remote.local_model": "Local model for side by side (empty: the same model)",
        "remote.local_model_info": "A Hub id, or a folder on this machine (e.g. your fine-tuned model)",
    },
    "ko": {
        **remote_backend.STRINGS["ko"],
        "remote.tab": "☁️ 원격 추론 (Inference API)",
        "remote.explain": (
            "**Inference API**는 모델을 내 컴퓨터가 아니라 Hugging Face 서버에서 실행해요. 아무것도 내려받지 않고, "
            "작은 노트북에서도 큰 모델의 답을 받을 수 있어요. `huggingface_hub`의 `InferenceClient`가 입력을 "
            "*제공자*(`hf-inference`는 Hugging Face 자체 서버, `auto`는 자동 선택)에게 보내고, 로컬 파이프라인과 같은 "
            "형태의 결과를 돌려줘요. Hugging Face 토큰이 필요해요(로그인, 설정에 토큰 붙여 넣기, 또는 `HF_TOKEN`). "
            "무료 사용량은 호출 수가 제한돼서 **429** 오류가 나면 앱이 기다렸다가 다시 시도하고, 얼마나 기다리는지 "
            "보여 줘요. 같은 모델을 로컬에서 돌린 시간과 비교해 보세요."
        ),
        "remote.task": "작업",
        "remote.task_info": "Inference API가 지원하는 모든 작업",
        "remote.text": "입력 텍스트 (감성 분석·유사도는 한 줄에 하나, 질의응답은 질문)",
        "remote.labels": "후보 레이블 (제로샷, 쉼표로 구분)",
        "remote.context": "지문 (질의응답)",
        "remote.image": "이미지 (객체 탐지)",
        "remote.threshold": "점수 임계값 (객체 탐지)",
        "remote.max_new_tokens": "새로 만들 토큰 수 (텍스트 생성)",
        "remote.compare": "로컬과 원격으로 나란히 실행",
        "remote.scores": "점수",
        "remote.result": "결과",
        "remote.boxes": "탐지 결과",
        "remote.side_by_side": "로컬 vs 원격",
        "remote.local_model": "나란히 비교할 로컬 모델 (비우면 같은 모델)",
        "remote.local_model_info": "Hub id 또는 이 컴퓨터의 폴더 (예: 직접 파인튜닝한 모델)",
    },
}


def _views(task: str, output, image: str | None) -> tuple:
    """The scores (label tasks), a short text (text tasks) and the boxes (detection) of one result."""
    scores, text, boxes = None, "", None
    if task == "classify":
        first = output if isinstance(output[0], dict) else output[0]
        scores = {p["label"]: p["score"] for p in first}
    elif task == "zero_shot":
        scores = dict(zip(output["labels"], output["scores"], strict=True))
    elif task == "fill_mask":
        scores = {p["token_str"]: p["score"] for p in output}
    elif task == "detect":
        boxes = (
            image,
            [((d["box"]["xmin"], d["box"]["ymin"], d["box"]["xmax"], d["box"]["ymax"]), d["label"]) for d in output],
        )
    elif task == "ner":
        text = "\n".join(
            f"- **{md_literal(e['word'])}** · {md_literal(e['entity_group'])} · {e['score']:.3f}" for e in output
        )
    elif task == "answer":
        best = output[0] if isinstance(output, list) else output  # several answers (top_k > 1): best first
        text = f"**{md_literal(best['answer'])}** ({best['score']:.3f})"
    elif task == "similarity":
        text = "\n".join(" ".join(f"{x:.2f}" for x in row) for row in output["matrix"])
    else:
        text = next(iter(output[0].values()))
    return scores, text, boxes


def make_handler(ctx: AppContext) -> Callable:
    """The /remote handler: one task on the Inference API (or the --inference-url server)."""

    @user_errors
    def run_remote(
        task: str,
        text: str,
        model: str,
        provider: str = "auto",
        hf_token: str = "",
        labels: str = "",
        context: str = "",
        image: str | None = None,
        threshold: float = 0.5,
        max_new_tokens: int = 50,
        language: str = "auto",
        request: gr.Request = None,
        oauth_token: gr.OAuthToken | None = None,
    ) -> tuple:
        """Run one task on the Hugging Face Inference API (or the server given by --inference-url); the first output is what InferenceClient returned for that task, as JSON.

        Args:
            task: The task: classify, zero_shot, ner, answer, summarize, translate, generate, fill_mask, similarity or detect.
            text: The input: sentences one a line, at most 8, for classify and similarity (at least 2 for similarity); the question for answer; the prompt for generate; otherwise one text (a sentence with the mask token for fill_mask).
            model: A Hub model id (org/name) that the Inference API serves for that task.
            labels: Candidate labels, comma-separated (zero_shot only); empty by default.
            context: The text that holds the answer (answer only); empty by default.
            image: The photo as a file path or URL (detect only); None by default.
            threshold: Minimum score of a box, 0 to 1 (detect only); default 0.5.
            max_new_tokens: New tokens to generate, 1 to 512 (generate only; the tab's slider goes to 200); default 50.
        Returns:
            The raw JSON; then the scores (label tasks), a short text (text tasks), the boxes (detect), a summary with the latency and the Python code.
        """
        call = call_context(
            ctx, language=language, provider=provider, hf_token=hf_token, request=request, oauth_token=oauth_token
        )
        inputs = TaskInputs(text, labels, context, image, threshold, max_new_tokens, model=model)
        result = runner.run_hosted(task, inputs, call)
        scores, shown, boxes = _views(task, result.output, image)
        return result.raw, scores, shown, boxes, result.summary(call.language), result.code

    return run_remote


def make_compare_handler(ctx: AppContext) -> Callable:
    """Side by side: the same input on this machine and on the Inference API, with both latencies."""

    @user_errors
    def compare(
        task: str,
        text: str,
        model: str,
        provider: str = "auto",
        hf_token: str = "",
        local_model: str = "",
        context: str = "",
        labels: str = "",
        image: str | None = None,
        threshold: float = 0.5,
        max_new_tokens: int = 50,
        device: str = "auto",
        language: str = "auto",
        request: gr.Request = None,
        oauth_token: gr.OAuthToken | None = None,
    ) -> tuple:
        """Run the same input locally and on the Inference API, side by side with both latencies; the first output is {"local": the local result, "remote": the hosted result}.

        Args:
            task: The task: classify, zero_shot, ner, answer, summarize, translate, generate, fill_mask, similarity or detect.
            text: The input: sentences one a line, at most 8, for classify and similarity (at least 2 for similarity); the question for answer; the prompt for generate; otherwise one text (a sentence with the mask token for fill_mask).
            model: A Hub model id (org/name) that the Inference API serves for that task.
            local_model: The model to run on this machine: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained; empty (default) = the same model.
            context: The text that holds the answer (answer only); empty by default.
            labels: Candidate labels, comma-separated (zero_shot only); empty by default.
            image: The photo as a file path or URL (detect only); None by default.
            threshold: Minimum score of a box, 0 to 1 (detect only); default 0.5.
            max_new_tokens: New tokens to generate, 1 to 512 (generate only; the tab's slider goes to 200); default 50.
        Returns:
            The raw JSON {"local", "remote"}; then a table of backend, model and seconds.
        """
        call = call_context(
            ctx, device, language, provider=provider, hf_token=hf_token, request=request, oauth_token=oauth_token
        )
        inputs = TaskInputs(text, labels, context, image, threshold, max_new_tokens, model=model)
        local_model = (local_model or "").strip() or model
        local, local_seconds = run_local(task, inputs, local_model, device=call.device, policy=call.policy)
        remote = runner.run_hosted(task, inputs, call)
        rows = [["local", local_model, round(local_seconds, 3)], ["remote", remote.model, round(remote.seconds, 3)]]
        return {"local": local, "remote": remote.output}, rows

    return compare


def build(ctx: AppContext) -> None:
    """Task, input and model left; the answer, latency and code right; side by side below."""
    with task_tab("remote", TASK.id):
        with gr.Row():
            with gr.Column():
                task = gr.Dropdown(
                    TASK_CHOICES, value="classify", label=tr("remote.task"), info=tr("remote.task_info")
                )
                text = gr.Textbox(label=tr("remote.text"), lines=4, value="I like apple")
                model = open_dropdown(
                    [(m.describe(), m.id) for m in TASKS["classify"].models],
                    value=TASKS["classify"].default.id,
                    label=tr("common.model"),
                    info=tr("common.model_info"),
                )
                provider = gr.Dropdown(provider_names(), value="auto", label=tr("remote.provider"))
                with gr.Accordion(tr("remote.task_info"), open=False):
                    labels = gr.Textbox(value="", label=tr("remote.labels"))
                    context = gr.Textbox(value="", label=tr("remote.context"), lines=3)
                    image = gr.Image(type="filepath", label=tr("remote.image"))
                    threshold = gr.Slider(0, 1, value=0.5, step=0.05, label=tr("remote.threshold"))
                    max_new_tokens = gr.Slider(1, 200, value=50, step=1, label=tr("remote.max_new_tokens"))
                    local_model = gr.Textbox(
                        value="", label=tr("remote.local_model"), info=tr("remote.local_model_info")
                    )
                with gr.Row():
                    run = gr.Button(tr("common.run"), variant="primary")
                    compare = gr.Button(tr("remote.compare"))
            with gr.Column():
                summary = gr.Markdown()
                scores = gr.Label(label=tr("remote.scores"), num_top_classes=5)
                shown = gr.Markdown(label=tr("remote.result"))
                boxes = gr.AnnotatedImage(label=tr("remote.boxes"))
                side = gr.Dataframe(headers=["backend", "model", "seconds"], label=tr("remote.side_by_side"))
        raw, code = raw_and_code()
        link_button(
            ctx,
            TASK.id,
            {"task": task, "text": text, "model": model, "provider": provider, "labels": labels, "context": context},
        )
        examples(
            [
                ["classify", "I like apple\nI felt very sad", TASKS["classify"].default.id],
                [
                    "classify",
                    "이 영화 정말 재미있어요!\n시간 낭비였어요.",
                    TASKS["classify"].model_for_language("ko").id,
                ],
                ["translate", "오늘 날씨가 정말 좋네요.", TASKS["translate"].model_for_language("ko").id],
                ["summarize", "Hugging Face hosts models, datasets and Spaces. " * 5, TASKS["summarize"].default.id],
                ["generate", "Once upon a time,", TASKS["generate"].default.id],
            ],
            inputs=[task, text, model],
            headers=["Task · 작업", "Text · 텍스트", "Model · 모델"],
        )
        token = ctx.remote.token if ctx.remote is not None else gr.State("")

        def models_of(task_id: str) -> gr.Dropdown:
            choices = TASKS[task_id].models
            return gr.Dropdown(choices=[(m.describe(), m.id) for m in choices], value=choices[0].id)

        task.change(models_of, inputs=task, outputs=model, api_visibility="private", queue=False)
        run.click(
            make_handler(ctx),
            inputs=[
                task,
                text,
                model,
                provider,
                token,
                labels,
                context,
                image,
                threshold,
                max_new_tokens,
                ctx.language,
            ],
            outputs=[raw, scores, shown, boxes, summary, code],
            api_name="remote",
        )
        compare.click(
            make_compare_handler(ctx),
            inputs=[
                task,
                text,
                model,
                provider,
                token,
                local_model,
                context,
                labels,
                image,
                threshold,
                max_new_tokens,
                ctx.device,
                ctx.language,
            ],
            outputs=[raw, side],
            api_name="remote_compare",
        )
