"""Zero-shot classification tab: any labels you type, scored by an NLI model, as a bar chart."""

from collections.abc import Callable

import gradio as gr
import pandas as pd

from core import runner
from core.call import CallContext, TaskInputs
from core.text.zero_shot import (
    ENGLISH_TEMPLATE,
    KOREAN_TEMPLATE,
    MAX_LABELS,
    TASK,
    ZeroShotResult,
    best_hypothesis,
    default_template,
)
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.literal import md_code, md_literal
from tabs.widgets.attention_view import attention_panel
from tabs.widgets.attribution_view import attribution_view
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab
from tabs.widgets.truncation_notice import truncation_notice

KOREAN_MODEL = TASK.model_for_language("ko")

STRINGS = {
    "en": {
        "zero_shot.tab": "🏷️ Zero-shot",
        "zero_shot.explain": (
            "**Zero-shot classification** sorts a text into labels the model was never trained on: you choose "
            "the labels when you run it. The trick: the model was trained on *natural language inference* (NLI), "
            "deciding whether a *hypothesis* follows from a *premise* (entailment), contradicts it, or neither. "
            "Each label becomes a hypothesis such as “This example is sports.”, the text is the premise, and "
            "the probability of *entailment* is the label's score. With **multi-label** off, the labels compete "
            "and their scores add up to 1; with it on, each label is judged on its own (several can be near 1). "
            "The hypothesis template matters: try rewording it and watch the scores move. For Korean text use "
            "the multilingual model; an empty template then becomes a Korean sentence."
        ),
        "zero_shot.text": "Text to classify",
        "zero_shot.labels": f"Candidate labels (comma-separated, up to {MAX_LABELS})",
        "zero_shot.labels_info": "Any words you like: the model has never seen them as classes",
        "zero_shot.multi_label": "Multi-label (each label judged on its own)",
        "zero_shot.template": "Hypothesis template ({} is where the label goes)",
        "zero_shot.template_info": f"Empty: “{ENGLISH_TEMPLATE}”, or “{KOREAN_TEMPLATE}” when the text is Korean",
        "zero_shot.chart": "Score of each label",
        "zero_shot.hypotheses": "The hypotheses the model judged",
    },
    "ko": {
        "zero_shot.tab": "🏷️ 제로샷 분류",
        "zero_shot.explain": (
            "**제로샷 분류**는 모델이 학습한 적 없는 레이블로 글을 분류해요. 레이블은 실행할 때 내가 정해요. "
            "비결은 모델이 *자연어 추론*(NLI)을 배웠다는 데 있어요: *전제* 문장에서 *가설* 문장이 따라 나오는지"
            "(함의, entailment), 모순인지, 둘 다 아닌지를 판단하는 일이에요. 레이블마다 “이 글은 스포츠에 관한 "
            "내용이다.” 같은 가설을 만들고, 입력한 글을 전제로 삼아, *함의* 확률을 그 레이블의 점수로 써요. "
            "**멀티 레이블**을 끄면 레이블끼리 경쟁해서 점수 합이 1이 되고, 켜면 레이블마다 따로 판단해요"
            "(여러 개가 1에 가까울 수 있어요). 가설 템플릿 문장을 바꾸면 점수도 달라져요. 한국어 글에는 다국어 "
            "모델을 쓰세요. 템플릿을 비워 두면 한국어 문장으로 만들어져요."
        ),
        "zero_shot.text": "분류할 글",
        "zero_shot.labels": f"후보 레이블 (쉼표로 구분, 최대 {MAX_LABELS}개)",
        "zero_shot.labels_info": "아무 단어나 괜찮아요. 모델은 이 레이블을 학습한 적이 없어요",
        "zero_shot.multi_label": "멀티 레이블 (레이블마다 따로 판단)",
        "zero_shot.template": "가설 템플릿 ({} 자리에 레이블이 들어가요)",
        "zero_shot.template_info": f"비워 두면 “{ENGLISH_TEMPLATE}”, 한국어 글이면 “{KOREAN_TEMPLATE}”",
        "zero_shot.chart": "레이블별 점수",
        "zero_shot.hypotheses": "모델이 판단한 가설 문장",
    },
}


def _chart(result: ZeroShotResult) -> pd.DataFrame:
    return pd.DataFrame({"label": result.labels, "score": result.scores})


def _hypotheses(result: ZeroShotResult) -> str:
    rows = [
        f"| {score:.3f} | {md_literal(hypothesis)} |"
        for hypothesis, score in zip(result.hypotheses, result.scores, strict=True)
    ]
    return "\n".join([md_code(result.hypothesis_template), "", "| score | hypothesis |", "|---:|---|", *rows])


def _best_pair(text: str, result: object, template: str | None) -> tuple[str, str]:
    """The attention panel's pair: the text, and the hypothesis its best label was judged with."""
    return text, best_hypothesis(text, result, template)


def make_handler(ctx: AppContext) -> Callable:
    """The /zero_shot handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_zero_shot(
        text: str,
        labels: str,
        model: str,
        multi_label: bool = False,
        hypothesis_template: str = "",
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Zero-shot classification with an NLI model: score labels the model was never trained on; the first output is {"sequence", "labels", "scores"}, labels best first.

        Args:
            text: The text to classify: one text, up to 100,000 characters (cut to the model's window).
            labels: The candidate labels, comma-separated, 1 to 20 (any words or short phrases).
            model: A zero-shot (NLI) model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            multi_label: False (default): the labels compete and their scores add up to 1; True: each label is judged on its own.
            hypothesis_template: The hypothesis each label is put into, with {} where the label goes; empty (default) uses "This example is {}." or, for Korean text, "이 글은 {}에 관한 내용이다.".
        Returns:
            The raw JSON {"sequence", "labels": […], "scores": […]}; then a bar chart of the scores, the hypotheses the model judged, a notice and the Python code.
        """
        options = {"multi_label": multi_label, "hypothesis_template": hypothesis_template}
        ran = runner.run(TASK.id, TaskInputs(text=text, labels=labels, model=model, options=options), call)
        result = ran.result
        notice = ran.notice(call.language, lambda result, language: truncation_notice(result.truncation, language))
        return result.to_json(), _chart(result), _hypotheses(result), notice, ran.code

    return run_zero_shot


def build(ctx: AppContext) -> None:
    """The zero-shot tab: text and labels left, the bar chart right, examples and code below."""
    with task_tab("zero_shot", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("zero_shot.text"), lines=4, max_lines=12)
                labels = gr.Textbox(label=tr("zero_shot.labels"), info=tr("zero_shot.labels_info"))
                model, status = model_picker(TASK, ctx)
                multi_label = gr.Checkbox(label=tr("zero_shot.multi_label"), value=False)
                template = gr.Textbox(
                    "",
                    label=tr("zero_shot.template"),
                    info=tr("zero_shot.template_info"),
                    placeholder=ENGLISH_TEMPLATE,
                )
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                chart = gr.BarPlot(x="label", y="score", sort="-y", y_lim=[0, 1], label=tr("zero_shot.chart"))
                notice = gr.Markdown()
                with gr.Accordion(tr("zero_shot.hypotheses"), open=True):
                    hypotheses = gr.Markdown()
        raw, code = raw_and_code()
        link_button(
            ctx,
            TASK.id,
            {
                "text": text,
                "labels": labels,
                "model": model,
                "multi_label": multi_label,
                "hypothesis_template": template,
            },
        )
        examples(
            [
                [
                    "I have a problem with my iphone that needs to be resolved asap!!",
                    "urgent, not urgent, phone, tablet, computer",
                    TASK.default.id,
                    False,
                ],
                [
                    "This is a course about the Transformers library",
                    "education, politics, business",
                    TASK.default.id,
                    False,
                ],
                [
                    "The new stadium opens next spring with a derby match.",
                    "sports, economy, travel",
                    TASK.default.id,
                    True,
                ],
                ["손흥민이 오늘 경기에서 결승골을 넣었다.", "스포츠, 정치, 경제", KOREAN_MODEL.id, False],
                ["내일 서울은 비가 오고 기온이 크게 떨어지겠습니다.", "날씨, 교육, 연예", KOREAN_MODEL.id, False],
            ],
            inputs=[text, labels, model, multi_label],
            headers=["Text · 문장", "Labels · 후보 레이블", "Model · 모델", "multi_label · 다중 레이블"],
        )
        # The empty template box shows the template a run would use for this text (Korean for Korean text).
        text.change(
            lambda value: gr.update(placeholder=default_template(value or "")),
            inputs=text,
            outputs=template,
            api_visibility="private",
            queue=False,
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[text, labels, model, multi_label, template, *settings_inputs(ctx)],
            outputs=[raw, chart, hypotheses, notice, code],
            api_name="zero_shot",
        )
        refresh_status_after(ctx, model, ran)
        attribution_view(ctx, ran, raw, text, model, labels, template)
        # the NLI model's pair: the text, then the best label's hypothesis
        attention_panel(ctx, [text, model, raw, template], task=TASK.id, prepare=_best_pair)
