"""The logit lens section: each layer's guess for the next token (generation tab) or the blank (fill-mask tab).

The generation tab registers the public ``/logit_lens`` endpoint (``build_section(..., api=True)``); the fill-mask
tab shows the same view through a private event. After each run of the tab's own task the lens follows on the
same text and model (``LensSection.follow``); with the remote backend it says why it needs the model here.
"""

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from core.call import CallContext
from core.insight import require_local
from core.insight.logit_lens import (
    DEFAULT_TOP_K,
    MAX_TOP_K,
    NEEDS_LOCAL,
    LogitLensResult,
    logit_lens,
    needs_local_model,
    notebook_code,
)
from core.localized import Localized
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.widgets.logit_lens_view import lens_grid, lens_message
from tabs.widgets.truncation_notice import truncation_notice

STRINGS = {
    "en": {
        "lens.title": "### Logit lens: what each layer would predict",
        "lens.explain": (
            "A model's last layer gives a vector (the *last hidden state*); the head turns it into one score per "
            "vocabulary token, the *logits*, and softmax turns those into probabilities. The logit lens does the "
            "same with the vector after *every* layer: each row is what the model would say if it stopped there "
            "(through the final norm and the same head). The first row reads the embeddings, the last row is the "
            "model's real answer, so you can watch the prediction take shape layer by layer. In the generation tab "
            "it reads the last token (what comes next); in the fill-mask tab, the mask. It needs the model on this "
            "machine and reads at most 256 tokens."
        ),
        "lens.top_k": "top_k: tokens per layer",
        "lens.top_k_info": "How many of each layer's likeliest tokens to show (1 to 20)",
        "lens.run": "Show the logit lens",
        "lens.grid": "Logit lens: layers × likeliest tokens",
        "lens.details": "Logit lens: JSON and code",
        "lens.json": "Logit lens as JSON (/logit_lens)",
        "lens.code": "Logit lens in a notebook",
    },
    "ko": {
        "lens.title": "### 로짓 렌즈: 층마다 모델이 예측하는 토큰",
        "lens.explain": (
            "모델의 마지막 층은 벡터 하나(*last hidden state*, 마지막 은닉 상태)를 내고, 헤드가 이를 어휘의 토큰마다 점수 "
            "하나로 바꿔요. 이 점수가 *로짓(logits)*이고, softmax를 거치면 확률이 돼요. 로짓 렌즈는 *모든* 층 뒤의 벡터를 "
            "똑같이(최종 정규화와 같은 헤드로) 읽어요. 각 행은 모델이 그 층에서 멈췄다면 했을 예측이에요. 첫 행은 임베딩, "
            "마지막 행은 모델의 실제 답이라서 예측이 층을 거치며 만들어지는 과정을 볼 수 있어요. 텍스트 생성 탭에서는 마지막 "
            "토큰(다음에 올 토큰)을, 빈칸 채우기 탭에서는 마스크 자리를 읽어요. 모델이 이 컴퓨터에 있어야 하고, 최대 256토큰까지 "
            "읽어요."
        ),
        "lens.top_k": "top_k: 층마다 보여 줄 토큰 수",
        "lens.top_k_info": "각 층에서 확률이 가장 높은 토큰을 몇 개 보여 줄지 (1~20)",
        "lens.run": "로짓 렌즈 보기",
        "lens.grid": "로짓 렌즈: 층 × 가장 유력한 토큰",
        "lens.details": "로짓 렌즈: JSON과 코드",
        "lens.json": "로짓 렌즈 JSON (/logit_lens)",
        "lens.code": "노트북에서 로짓 렌즈 실행하기",
    },
}


def _notice(result: LogitLensResult, language: str) -> str:
    where = (
        Localized("at the mask", "마스크 자리에서")
        if result.kind == "masked"
        else Localized("after the last token", "마지막 토큰 다음 자리에서")
    )
    read = Localized(
        f"{len(result.layers) - 1} layers of `{result.model}` read {where.en}.",
        f"`{result.model}`의 {len(result.layers) - 1}개 층을 {where.ko} 읽었어요.",
    ).text(language)
    return "\n\n".join(note for note in (read, truncation_notice(result.truncation, language)) if note)


def lens_views(text: str, model: str, top_k: float, call: CallContext) -> tuple:
    """The endpoint's outputs: the raw JSON, the grid, a notice and the notebook code."""
    require_local(call, NEEDS_LOCAL)
    result = logit_lens(text, model, top_k=top_k, device=call.device, policy=call.policy)
    raw = result.to_json()
    code = notebook_code(result, text, len(raw["layers"][0]["top"]) if raw["layers"] else DEFAULT_TOP_K)
    return raw, lens_grid(raw, call.language), _notice(result, call.language), code


def make_handler(ctx: AppContext) -> Callable:
    """The public /logit_lens handler."""

    @task_handler(ctx)
    def run_logit_lens(text: str, model: str, top_k: float = DEFAULT_TOP_K, *, call: CallContext) -> tuple:
        """Read a language model's prediction after every layer (the logit lens); the first output is {"tokens": [...], "position", "layers": [{"layer", "top": [{"token", "id", "p"}, ...]}, ...]}, layer 0 the embeddings, the last the model's own next-token (or mask) distribution.

        Args:
            text: The prompt for a decoder (the next token after it is read), or a sentence with one [MASK] / <mask> for a masked LM; at most 256 tokens are read (a decoder keeps the end, a masked LM the start).
            model: A decoder (GPT-2, Llama, …) or a masked language model (BERT, RoBERTa, …): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            top_k: How many of each layer's likeliest tokens to return: 1 to 20, default 5.
        Returns:
            The raw JSON {"tokens", "position", "layers"}; then the grid of layers × tokens, a notice and the Python code. Needs backend 'local'.
        """
        return lens_views(text, model, top_k, call)

    return run_logit_lens


def make_follower(ctx: AppContext) -> Callable:
    """The lens after the tab's own run: the same views, or (remote backend) a sentence in the grid's place."""

    @task_handler(ctx)
    def follow_logit_lens(text: str, model: str, top_k: float = DEFAULT_TOP_K, *, call: CallContext) -> tuple:
        if needs_local_model(call):
            return None, lens_message(NEEDS_LOCAL.text(call.language)), "", ""
        return lens_views(text, model, top_k, call)

    return follow_logit_lens


@dataclass
class LensSection:
    """The section's components; ``follow(event)`` runs the lens after the tab's own event succeeds."""

    ctx: AppContext
    inputs: list
    outputs: list

    def follow(self, event: gr.events.Dependency, started_by: Callable | None = None) -> None:
        """Fill the lens when ``event`` succeeds; empty it when ``started_by`` (e.g. ``run.click``) fires again, so
        a failed run never leaves the previous run's lens on screen as if it read the new input."""
        if started_by is not None:
            started_by(lambda: (None, "", "", ""), None, self.outputs, api_visibility="private", queue=False)
        event.success(
            make_follower(self.ctx),
            inputs=[*self.inputs, *settings_inputs(self.ctx)],
            outputs=self.outputs,
            api_visibility="private",
        )


def build_section(ctx: AppContext, text: gr.Textbox, model: gr.Component, *, api: bool) -> LensSection:
    """The lens under a task's result: top_k, a button, the grid, a notice; JSON and code folded below."""
    gr.Markdown(tr("lens.title"))
    gr.Markdown(tr("lens.explain"))
    with gr.Row():
        top_k = gr.Slider(
            1, MAX_TOP_K, value=DEFAULT_TOP_K, step=1, label=tr("lens.top_k"), info=tr("lens.top_k_info")
        )
        run = gr.Button(tr("lens.run"))
    grid = gr.HTML(label=tr("lens.grid"), show_label=True, container=True, elem_classes=["logit-lens"])
    notice = gr.Markdown()
    with gr.Accordion(tr("lens.details"), open=False):
        raw = gr.JSON(label=tr("lens.json"))
        code = gr.Code(language="python", label=tr("lens.code"))
    inputs, outputs = [text, model, top_k], [raw, grid, notice, code]
    run.click(
        make_handler(ctx) if api else make_follower(ctx),
        inputs=[*inputs, *settings_inputs(ctx)],
        outputs=outputs,
        api_name="logit_lens" if api else None,
        api_visibility="public" if api else "private",
    )
    return LensSection(ctx, inputs, outputs)
