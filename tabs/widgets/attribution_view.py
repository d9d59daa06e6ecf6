"""The attributions view under a classifier's result: the text shaded by how much each token pushed the model
towards a label, the top tokens, and the two numbers that show the scores are an exact split.

The sentiment tab registers its event as the public ``/attributions`` endpoint; the zero-shot tab wires the
same view to a private event (one endpoint, registered once). After a run the label list is filled and the
predicted label explained; choosing another label redraws the view.
"""

from collections.abc import Callable
from html import escape
from typing import Any

import gradio as gr

from core.call import CallContext
from core.insight.attributions import (
    DEFAULT_STEPS,
    MAX_STEPS,
    AttributionResult,
    Method,
    Output,
    explain_call,
    needs_local_model,
    notebook_code,
)
from core.localized import Localized
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.literal import md_literal
from tabs.widgets.knob_slider import knob_slider
from tabs.widgets.truncation_notice import truncation_notice

STRINGS = {
    "en": {
        "attributions.title": "🔍 Why this label? Attributions",
        "attributions.explain": (
            "**Attributions** answer *which tokens pushed the model towards this label?* The model turns each "
            "token into an embedding vector, and the label's score is a function of all of them. *Integrated "
            "gradients* slides every embedding from a neutral *baseline* (the same sentence with each word "
            "replaced by `[PAD]`) to the real one, adds up along the way how much the score moved because of "
            "each token, and gives each token its share. The shares add up exactly to *score(input) − "
            "score(baseline)*: the view shows both numbers, so you can check it is a split, not decoration. "
            "*Gradient × input* is a one-pass shortcut: quick, but its scores need not add up. "
            "Blue tokens pushed towards the label, orange ones against it; the darker, the stronger."
        ),
        "attributions.zero_shot_note": (
            "In zero-shot, what is explained is the NLI model's *entailment* probability for the label's "
            "hypothesis, judged on its own (the score multi-label mode shows): the tokens of the hypothesis are "
            "scored too."
        ),
        "attributions.target": "Label to explain",
        "attributions.target_info": "The predicted label first; choose another to see what speaks for it",
        "attributions.method": "Method",
        "attributions.steps": "Integration steps",
        "attributions.steps_info": "More steps: a more exact split, a little slower",
        "attributions.output": "Number explained",
        "attributions.run": "Explain",
        "attributions.table": "Tokens that mattered most",
        "attributions.raw": "Raw output of the attributions (JSON)",
    },
    "ko": {
        "attributions.title": "🔍 왜 이 레이블일까? 기여도 분석",
        "attributions.explain": (
            "**기여도 분석**은 *어떤 토큰이 모델을 이 레이블 쪽으로 밀었을까?*에 답해요. 모델은 토큰마다 임베딩 "
            "벡터를 만들고, 레이블 점수는 그 벡터들로 계산돼요. *적분 그래디언트*(integrated gradients)는 모든 "
            "임베딩을 중립적인 *기준점*(단어를 모두 `[PAD]`로 바꾼 같은 문장)에서 실제 문장까지 조금씩 옮기면서, "
            "점수가 토큰마다 얼마나 움직였는지 더해서 각 토큰의 몫으로 나눠 줘요. 몫을 모두 더하면 정확히 "
            "*점수(입력) − 점수(기준점)*이 돼요. 두 숫자를 함께 보여 주니 장식이 아니라 정확한 분배인지 직접 "
            "확인해 보세요. *그래디언트 × 입력*은 한 번에 계산하는 지름길이라 빠르지만 합이 맞지 않을 수 있어요. "
            "파란 토큰은 레이블 쪽으로, 주황 토큰은 반대쪽으로 밀었어요. 진할수록 세게 밀었어요."
        ),
        "attributions.zero_shot_note": (
            "제로샷에서는 레이블로 만든 가설 문장을 NLI 모델이 따로 판단한 *함의* 확률(멀티 레이블 모드의 점수)을 "
            "설명해요. 가설 문장의 토큰도 점수를 받아요."
        ),
        "attributions.target": "설명할 레이블",
        "attributions.target_info": "처음엔 예측된 레이블이에요. 다른 레이블을 고르면 그 레이블의 근거를 보여 줘요",
        "attributions.method": "방법",
        "attributions.steps": "적분 단계 수",
        "attributions.steps_info": "단계가 많을수록 분배가 더 정확하고 조금 느려져요",
        "attributions.output": "설명할 값",
        "attributions.run": "설명 보기",
        "attributions.table": "가장 크게 작용한 토큰",
        "attributions.raw": "기여도 분석의 원본 출력 (JSON)",
    },
}

METHODS = [
    ("Integrated gradients · 적분 그래디언트", "integrated_gradients"),
    ("Gradient × input · 그래디언트 × 입력", "gradient_x_input"),
]
OUTPUTS = [("Probability · 확률", "probability"), ("Logit · 로짓", "logit")]
TABLE_HEADERS = ["#", "토큰 · token", "점수 · score", "방향 · direction"]
TOP_TOKENS = 10
#: Full-strength shades: blue for, orange against; dark text on them stays above 4.5:1 at any strength.
FOR_RGB, AGAINST_RGB, TEXT_COLOUR = (96, 165, 250), (251, 146, 60), "#111827"


def shade(score: float, peak: float) -> str:
    """The background of a token: white blended towards blue (for) or orange (against) by |score| / peak."""
    strength = min(1.0, abs(score) / peak) if peak > 0 else 0.0
    colour = FOR_RGB if score >= 0 else AGAINST_RGB
    r, g, b = (round(255 + (c - 255) * strength) for c in colour)
    return f"rgb({r}, {g}, {b})"


def shading_html(result: AttributionResult) -> str:
    """The tokens, escaped, each on its shade; its score in ``data-score`` and its tooltip."""
    peak = max((abs(s) for s in result.scores), default=0.0)
    spans = [
        f'<span class="attribution-token" data-score="{score!r}" title="{escape(token)}: {score:+.4g}" '
        f'style="background-color: {shade(score, peak)}; color: {TEXT_COLOUR}; padding: 1px 3px; margin: 1px; '
        f'border-radius: 3px; display: inline-block">{escape(token)}</span>'
        for token, score in zip(result.tokens, result.scores, strict=True)
    ]
    legend = (
        f'<p style="margin-top: 6px"><span style="background-color: {shade(1, 1)}; color: {TEXT_COLOUR}; '
        f'padding: 1px 6px">+ {escape(result.target)}</span> '
        f'<span style="background-color: {shade(-1, 1)}; color: {TEXT_COLOUR}; padding: 1px 6px">− '
        f"{escape(result.target)}</span></p>"
    )
    return f'<div class="attribution-text" data-target="{escape(result.target)}">{"".join(spans)}{legend}</div>'


def top_table(result: AttributionResult) -> list[list]:
    """The tokens with the largest |score|, strongest first."""
    ranked = sorted(enumerate(result.scores), key=lambda item: -abs(item[1]))[:TOP_TOKENS]
    return [
        [rank + 1, result.tokens[i], round(score, 6), "+ for · 찬성" if score >= 0 else "− against · 반대"]
        for rank, (i, score) in enumerate(ranked)
    ]


def completeness(result: AttributionResult, language: str) -> str:
    """The two numbers a student checks the split with, and the gap."""
    what = "P" if result.output is Output.PROBABILITY else "logit"
    label = md_literal(result.target)
    numbers = (
        f"{what}({label}) = **{result.f_input:.4f}** · {what}(baseline) = {result.f_baseline:.4f} · "
        f"difference = **{result.f_input - result.f_baseline:+.4f}** · Σ scores = **{sum(result.scores):+.4f}**"
    )
    if result.method is Method.INTEGRATED_GRADIENTS:
        note = Localized(
            f"The scores add up to the difference within {abs(result.gap):.1e} ({result.steps} steps).",
            f"점수의 합은 차이와 {abs(result.gap):.1e} 이내로 같아요({result.steps}단계).",
        )
    else:
        note = Localized(
            "Gradient × input is a first-order guess (baseline: all-zero embeddings): its sum need not match.",
            "그래디언트 × 입력은 1차 근사(기준점: 0 임베딩)라서 합이 차이와 다를 수 있어요.",
        )
    cut = truncation_notice(result.truncation, language)
    return "\n\n".join(part for part in (numbers, note.text(language), cut) if part)


def targets_from(raw: Any) -> Any:
    """The label list after a classifier's run (its raw JSON), the predicted label chosen."""
    if isinstance(raw, dict):  # zero-shot: {"labels": […] best first}
        labels = [str(label) for label in raw.get("labels", [])]
    else:  # sentiment: the first sentence's labels, best first
        first = raw[0] if raw and isinstance(raw[0], list) else raw or []
        labels = [str(item["label"]) for item in first]
    return gr.update(choices=labels, value=labels[0] if labels else None)


def make_handler(ctx: AppContext, after_run: bool = False) -> Callable:
    """The /attributions handler (a new function for each event that uses it). ``after_run``: the explanation
    that follows a task's run says in the view, not as an error, when it cannot run here (remote backend)."""

    @task_handler(ctx)
    def attributions(
        text: str,
        model: str,
        target: str = "",
        method: str = "integrated_gradients",
        steps: int = DEFAULT_STEPS,
        labels: str = "",
        hypothesis_template: str = "",
        output: str = "probability",
        *,
        call: CallContext,
    ) -> tuple:
        """Explain a classifier's label: one score per token saying how much it pushed the model towards the target (integrated gradients over the input embeddings; the scores add up to f_input - f_baseline).

        Args:
            text: The text to explain; without labels only its first non-blank line (the sentiment task), cut to 256 tokens.
            model: A text-classification model, or with labels a zero-shot (NLI) model: a Hub model id (org/name) or, outside public mode, a local folder.
            target: The label to explain: one of the model's labels (or of the candidate labels); empty (default) explains the predicted label.
            method: 'integrated_gradients' (default; the scores add up exactly) or 'gradient_x_input' (one pass, approximate).
            steps: Integration steps for integrated gradients, a whole number from 1 to 300; default 50.
            labels: Zero-shot only: the candidate labels, comma-separated; empty (default) means a text-classification model.
            hypothesis_template: Zero-shot only: the hypothesis with {} for the label; empty (default) is "This example is {}." (Korean text: a Korean template).
            output: The number explained: 'probability' (default; softmax, for zero-shot the entailment probability judged alone) or 'logit'.
        Returns:
            The raw JSON {"tokens", "scores", "method", "steps", "completeness": {"output", "f_input", "f_baseline", "baseline_ids"}}; then the shaded text as HTML, the completeness numbers, the top tokens and the Python code.
        """
        local_only = needs_local_model(call) if after_run else None
        if local_only is not None:
            return None, "", f"ℹ️ {local_only.text(call.language)}", None, ""
        options = {"target": target, "method": method, "steps": steps, "labels": labels, "output": output}
        result = explain_call(call, text, model, **options, hypothesis_template=hypothesis_template)
        return (
            result.to_json(),
            shading_html(result),
            completeness(result, call.language),
            top_table(result),
            notebook_code(result),
        )

    return attributions


def attribution_view(
    ctx: AppContext,
    after: Any,
    raw: gr.JSON,
    text: gr.Textbox,
    model: Any,
    labels: gr.Textbox | None = None,
    template: gr.Textbox | None = None,
) -> None:
    """The view, explaining the predicted label once the run ``after`` succeeded; public ``/attributions`` when
    built without ``labels`` (the sentiment tab), a private event in the zero-shot tab."""
    public = labels is None
    with gr.Accordion(tr("attributions.title"), open=True):
        with gr.Accordion(tr("common.about"), open=False):
            gr.Markdown(tr("attributions.explain"))
            if not public:
                gr.Markdown(tr("attributions.zero_shot_note"))
        with gr.Row():
            # Custom values: an API caller names any label; core says which ones exist.
            target = gr.Dropdown(
                [],
                value="",
                label=tr("attributions.target"),
                info=tr("attributions.target_info"),
                allow_custom_value=True,
            )
            method = gr.Radio(METHODS, value=METHODS[0][1], label=tr("attributions.method"))
            steps = knob_slider(
                1,
                MAX_STEPS,
                value=DEFAULT_STEPS,
                step=1,
                label=tr("attributions.steps"),
                info=tr("attributions.steps_info"),
            )
            output = gr.Radio(OUTPUTS, value=OUTPUTS[0][1], label=tr("attributions.output"))
        explain = gr.Button(tr("attributions.run"), variant="secondary")
        shading = gr.HTML()
        numbers = gr.Markdown()
        table = gr.Dataframe(headers=TABLE_HEADERS, label=tr("attributions.table"), wrap=True)
        with gr.Accordion(tr("common.code"), open=False):
            result_raw = gr.JSON(label=tr("attributions.raw"))
            code = gr.Code(language="python", label=tr("common.code"))
    if public:
        labels, template = gr.Textbox("", visible=False), gr.Textbox("", visible=False)
    inputs = [text, model, target, method, steps, labels, template, output, *settings_inputs(ctx)]
    outputs = [result_raw, shading, numbers, table, code]
    visibility = {"api_name": "attributions"} if public else {"api_visibility": "private"}
    quiet = {"api_visibility": "private", "show_progress": "minimal"}
    filled = after.success(targets_from, inputs=raw, outputs=target, api_visibility="private", queue=False)
    events = [
        explain.click(make_handler(ctx), inputs=inputs, outputs=outputs, **visibility),
        target.input(make_handler(ctx), inputs=inputs, outputs=outputs, **quiet),
        filled.success(make_handler(ctx, after_run=True), inputs=inputs, outputs=outputs, **quiet),
    ]
    # A failed run or explanation leaves no shading of an earlier text on screen (the app clears public events'
    # outputs itself: tabs/boundary.clear_results_on_failure).
    for event in [after, *events[1:]] if public else [after, *events]:
        event.failure(_nothing, None, outputs, queue=False, show_progress="hidden", api_visibility="private")


def _nothing() -> tuple:
    return None, None, None, None, None
