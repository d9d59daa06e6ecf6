"""Model inspector tab: what a checkpoint is and weighs before it downloads; then run it and see the tensors."""

from collections.abc import Callable

import gradio as gr

from core.inspect.inspector import ModelReport, inspect_model
from core.inspect.inspector import notebook_code as inspect_code
from core.inspect.run_model import RunResult, run_model
from core.inspect.run_model import notebook_code as run_code
from core.localized import Localized
from core.registry import get_task
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.literal import md_literal
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab

TASK = get_task("inspect")

STRINGS = {
    "en": {
        "inspect.tab": "🔬 Model inspector",
        "inspect.explain": (
            "A model on the Hub is a folder: `config.json` describes the architecture (layers, hidden size, "
            "attention heads, dropout), the tokenizer files hold the vocabulary, `model.safetensors` (or "
            "`pytorch_model.bin`) holds the weights, and `README.md` is the model card. The inspector reads only "
            "the config and the file list, so you see how big a model is **before** downloading it. "
            "*Run it* then sends your sentences through the model: the body gives `last_hidden_state` "
            "(one vector per token); only a checkpoint with a task head gives `logits`, which softmax turns "
            "into probabilities."
        ),
        "inspect.button": "Inspect",
        "inspect.summary": "Summary",
        "inspect.config": "Key config fields",
        "inspect.modules": "Parameters per module",
        "inspect.files": "Files in the repository",
        "inspect.card": "Model card",
        "inspect.run_title": "### ▶️ Run it: text → tensors → logits",
        "inspect.text": "Sentences (one a line, up to 8)",
        "inspect.text_info": "They go through the model together, padded to the same length",
        "inspect.run": "Run the model",
        "inspect.shapes": "Shapes",
        "inspect.prediction": "Prediction for the first sentence",
        "inspect.tokens": "Tokens and what the head predicts",
    },
    "ko": {
        "inspect.tab": "🔬 모델 들여다보기",
        "inspect.explain": (
            "Hub의 모델은 폴더예요: `config.json`은 구조(레이어 수, hidden size, 어텐션 헤드 수, 드롭아웃)를, "
            "토크나이저 파일은 어휘를, `model.safetensors`(또는 `pytorch_model.bin`)는 가중치를 담고, "
            "`README.md`는 모델 카드예요. 여기서는 config와 파일 목록만 읽기 때문에 모델을 **받기 전에** 크기를 "
            "볼 수 있어요. *실행해 보기*는 문장을 모델에 넣어요: 몸통(AutoModel)은 토큰마다 벡터 하나인 "
            "`last_hidden_state`를 주고, 태스크 헤드가 있는 체크포인트만 `logits`를 줘요. 소프트맥스가 로짓을 확률로 바꿔요."
        ),
        "inspect.button": "들여다보기",
        "inspect.summary": "요약",
        "inspect.config": "주요 config 항목",
        "inspect.modules": "모듈별 파라미터 수",
        "inspect.files": "저장소의 파일",
        "inspect.card": "모델 카드",
        "inspect.run_title": "### ▶️ 실행해 보기: 텍스트 → 텐서 → 로짓",
        "inspect.text": "문장 (한 줄에 하나, 최대 8개)",
        "inspect.text_info": "같은 길이로 패딩해서 한 번에 모델에 넣어요",
        "inspect.run": "모델 실행",
        "inspect.shapes": "텐서 모양",
        "inspect.prediction": "첫 문장의 예측",
        "inspect.tokens": "토큰과 헤드의 예측",
    },
}


def mb(size: int | None) -> str:
    return "?" if size is None else f"{size / 1e6:,.1f} MB" if size >= 100_000 else f"{size / 1e3:,.1f} kB"


_FILES_FROM = {
    "folder": Localized("folder", "모델 폴더"),
    "cache": Localized("cache", "캐시"),
    "hub": Localized("Hub metadata", "Hub 메타데이터"),
}


def summary(report: ModelReport, language: str) -> str:
    memory = " · ".join(f"{name} {mb(size)}" for name, size in report.memory_bytes.items())
    where = _FILES_FROM[report.files_from].text(language)
    return Localized(
        f"**{md_literal(report.model)}** — `{report.architecture}` ({report.kind}, {report.model_type})\n\n"
        f"**{report.num_parameters:,} parameters** ({report.num_parameters / 1e6:.1f}M) · memory (weights only): {memory}\n\n"
        f"Download for PyTorch: **{mb(report.download_bytes)}** (file list from: {where})",
        f"**{md_literal(report.model)}** — `{report.architecture}` ({report.kind}, {report.model_type})\n\n"
        f"파라미터 **{report.num_parameters:,}개** ({report.num_parameters / 1e6:.1f}M) · 메모리(가중치만): {memory}\n\n"
        f"PyTorch로 받을 크기: **{mb(report.download_bytes)}** (파일 목록 출처: {where})",
    ).text(language)


def run_summary(result: RunResult, language: str) -> str:
    lines = [f"`{result.architecture}` · last_hidden_state.shape = `{result.last_hidden_state_shape}`"]
    if result.logits_shape:
        lines.append(f"logits.shape = `{result.logits_shape}`")
    else:
        lines.append(
            Localized(
                "This checkpoint has no task head, so there is no `outputs.logits` (it is the body only).",
                "이 체크포인트에는 태스크 헤드가 없어서 `outputs.logits`가 없어요 (몸통만 있는 모델).",
            ).text(language)
        )
    return "\n\n".join(lines)


def head_rows(result: RunResult) -> list[list]:
    """The "tokens and what the head predicts" table: a token-level head (MLM, causal LM, NER) predicts for each
    token; a sentence-level head (a classifier) predicts once per sentence, shown beside the sentence's tokens;
    the body alone predicts nothing ("—")."""
    if result.token_predictions:
        return [
            [i + 1, p["token"], p["prediction"], round(p["score"], 4)]
            for i, row in enumerate(result.token_predictions)
            for p in row
        ]
    best = [(row[0]["label"], round(row[0]["score"], 4)) for row in result.predictions] or [("—", None)] * len(
        result.tokens
    )
    return [[i + 1, " ".join(tokens), *best[i]] for i, tokens in enumerate(result.tokens)]


def make_handler(ctx: AppContext) -> Callable:
    """The /inspect handler: config, parameters, memory and files of ``model``, nothing big downloaded."""

    @user_errors
    def run_inspect(model: str, language: str = "auto", request: gr.Request = None) -> tuple:
        """Inspect a model without downloading its weights: config, parameter count, memory and files; the first output is {"model_type", "num_parameters", "num_hidden_layers", "hidden_size", "num_attention_heads", "files": [{"name", "size"}, …], …}.

        Args:
            model: The model to inspect (only its config and file list are read): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
        Returns:
            The raw JSON (also "architecture", "parameters_by_module", "memory_bytes", "config", "labels", "download_bytes"); then a summary, the config, modules and files tables, the model card and the Python code.
        """
        report = inspect_model(model, policy=ctx.policy)
        lang = resolve_language(language, request)
        fields = [[f.name, str(f.value), Localized(f.meaning_en, f.meaning_ko).text(lang)] for f in report.config]
        modules = [
            [name, count, f"{count / report.num_parameters:.1%}"]
            for name, count in report.parameters_by_module.items()
        ]
        files = [
            [f.name, mb(f.size), Localized(f.purpose_en, f.purpose_ko).text(lang), "✅" if f.needed else "—"]
            for f in report.files
        ]
        language_code = lang
        return (
            report.to_json(),
            summary(report, language_code),
            fields,
            modules,
            files,
            report.card,
            inspect_code(report.model),
        )

    return run_inspect


def make_run_handler(ctx: AppContext) -> Callable:
    """The /run_model handler: the sentences through the model, shapes, logits and probabilities."""

    @user_errors
    def run_it(
        text: str,
        model: str,
        device: str = "auto",
        language: str = "auto",
        request: gr.Request = None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Run sentences through a model loaded with its own head and show shapes, logits and predictions; the first output is {"model", "architecture", "texts", "tokens", "last_hidden_state_shape", "logits_shape", "logits", "predictions", "token_predictions"}.

        Args:
            text: The sentences to run, one a line, at most 8.
            model: Any transformers model (its saved architecture and head are used): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
        Returns:
            The raw JSON (predictions: per sentence the best labels with probabilities; token_predictions: per token the head's best guess); then the shapes, the first sentence's prediction, a table of tokens and the Python code.
        """
        result = run_model(text, model, device=device, policy=ctx.policy)
        first = {p["label"]: p["score"] for p in result.predictions[0]} if result.predictions else None
        return (
            result.to_json(),
            run_summary(result, resolve_language(language, request)),
            first,
            head_rows(result),
            run_code(result.model, result.architecture, result.texts),
        )

    return run_it


def build(ctx: AppContext) -> None:
    with task_tab("inspect", TASK.id):
        with gr.Row():
            with gr.Column(scale=1):
                model, status = model_picker(TASK, ctx)
                inspect = gr.Button(tr("inspect.button"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            summary_box = gr.Markdown(label=tr("inspect.summary"))
        with gr.Row():
            fields = gr.Dataframe(headers=["field", "value", "meaning"], label=tr("inspect.config"), wrap=True)
            modules = gr.Dataframe(headers=["module", "parameters", "share"], label=tr("inspect.modules"))
        files = gr.Dataframe(
            headers=["file", "size", "what it is for", "PyTorch"], label=tr("inspect.files"), wrap=True
        )
        with gr.Accordion(tr("inspect.card"), open=False):
            card = gr.Markdown()
        raw, code = raw_and_code()

        gr.Markdown(tr("inspect.run_title"))
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(
                    label=tr("inspect.text"),
                    info=tr("inspect.text_info"),
                    lines=3,
                    value="I like apple\nI felt very sad",
                )
                run = gr.Button(tr("inspect.run"), variant="primary")
            with gr.Column():
                shapes = gr.Markdown(label=tr("inspect.shapes"))
                prediction = gr.Label(label=tr("inspect.prediction"), num_top_classes=5)
        tokens = gr.Dataframe(headers=["#", "token", "prediction", "score"], label=tr("inspect.tokens"), wrap=True)
        run_raw = gr.JSON(label=tr("common.raw"))
        run_code_box = gr.Code(language="python", label=tr("common.code"))
        link_button(ctx, TASK.id, {"model": model, "text": text})
        examples([[m.id] for m in TASK.models], inputs=[model], headers=["Model · 모델"])

        inspect.click(  # reads the config and the file list only: the model is not downloaded
            make_handler(ctx),
            inputs=[model, ctx.language],
            outputs=[raw, summary_box, fields, modules, files, card, code],
            api_name="inspect",
        )
        ran = run.click(
            make_run_handler(ctx),
            inputs=[text, model, ctx.device, ctx.language],
            outputs=[run_raw, shapes, prediction, tokens, run_code_box],
            api_name="run_model",
        )
        refresh_status_after(ctx, model, ran)
