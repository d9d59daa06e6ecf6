"""Sentiment / text classification tab: one sentence a line, every label with its score."""

from collections.abc import Callable

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.localized import Localized
from core.registry import get_task
from core.text.classify import BATCHER, ClassificationResult
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.widgets import attention_view, attribution_view
from tabs.widgets.attention_view import attention_panel
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab

TASK = get_task("classify")
KOREAN_MODEL = TASK.model_for_language("ko")
#: How many /classify requests may be inside the handler at once when micro-batching is on.
BATCHED_CONCURRENCY = 48

STRINGS = {
    "en": {
        "classify.tab": "😊 Sentiment",
        "classify.explain": (
            "**Text classification** reads a sentence and gives every label a score between 0 and 1 "
            "(they add up to 1). A *sentiment* model's labels are feelings such as POSITIVE and NEGATIVE. "
            "Inside, the tokenizer turns the sentence into ids, the model turns them into one number per label "
            "(the *logits*), and softmax turns those into probabilities. "
            "The model only knows the labels it was fine-tuned on: try a sentence it was never meant for, "
            "or a Korean sentence with an English-only model, and watch the scores."
        ),
        "classify.text": "Sentences (one a line, up to 64)",
        "classify.text_info": "Each line is classified on its own",
        "classify.label": "Scores of the first sentence",
        "classify.table": "All sentences",
        **attention_view.STRINGS["en"],  # the attention panel's labels, for every tab that shows it
    },
    "ko": {
        "classify.tab": "😊 감성 분석",
        "classify.explain": (
            "**텍스트 분류**는 문장을 읽고 모든 레이블에 0~1 사이 점수를 매겨요(합하면 1). "
            "*감성 분석* 모델의 레이블은 POSITIVE(긍정), NEGATIVE(부정) 같은 감정이에요. "
            "안에서는 토크나이저가 문장을 id로 바꾸고, 모델이 레이블마다 숫자 하나(*로짓*)를 내고, "
            "소프트맥스가 그 숫자를 확률로 바꿔요. 모델은 파인튜닝된 레이블만 알아요: "
            "영어 전용 모델에 한국어 문장을 넣어 보고 점수가 어떻게 되는지 보세요."
        ),
        "classify.text": "문장 (한 줄에 하나, 최대 64개)",
        "classify.text_info": "줄마다 따로 분류해요",
        "classify.label": "첫 번째 문장의 점수",
        "classify.table": "모든 문장",
        **attention_view.STRINGS["ko"],
    },
}
# The attributions view's labels live with it; this tab, where its endpoint is registered, spreads them.
for _language in STRINGS:
    STRINGS[_language].update(attribution_view.STRINGS[_language])

#: The label and its score come before the sentence: a long sentence wraps in its column and never pushes
#: them out of view (gradio sizes a column to its longest cell, up to the table's whole width).
TABLE_HEADERS = ["#", "레이블 · label", "점수 · score", "문장 · text", "모든 점수 · all scores"]


def _notice(result: ClassificationResult, language: str) -> str:
    """Tell the user which sentences were cut to the model's maximum length, with token counts."""
    lines = [
        Localized(
            f"✂️ Sentence {note.index + 1} has {note.tokens} tokens; it was truncated to the model's maximum "
            f"of {note.kept} (the model did not see the rest).",
            f"✂️ {note.index + 1}번째 문장은 {note.tokens}토큰이라 모델 최대 길이 {note.kept}토큰으로 잘랐어요 "
            "(뒷부분은 모델이 보지 못했어요).",
        ).text(language)
        for note in result.truncated
    ]
    return "\n\n".join(lines)


def _table(result: ClassificationResult) -> list[list]:
    return [
        [
            i + 1,
            scores[0]["label"],
            round(scores[0]["score"], 4),
            text,
            ", ".join(f"{s['label']}: {s['score']:.3f}" for s in scores),
        ]
        for i, (text, scores) in enumerate(zip(result.texts, result.scores, strict=True))
    ]


def _first_sentence(text: str, _: object) -> tuple[str, str]:
    """The attention view looks at the first sentence, as the label panel shows it."""
    return next((line.strip() for line in text.splitlines() if line.strip()), ""), ""


def make_handler(ctx: AppContext) -> Callable:
    """The /classify handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_classify(
        text: str,
        model: str,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Classify each line of text with a text-classification (e.g. sentiment) model; the first output holds every label with its softmax score, best first.

        Args:
            text: The sentences to classify, one a line (blank lines dropped), at most 64 lines and 100,000 characters; a sentence longer than the model's window is truncated.
            model: A text-classification model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
        Returns:
            The raw JSON: [{"label", "score"}, …] (all labels, best first) for one sentence, one such list per sentence for several; then the first sentence's scores, a table of all sentences, a truncation notice and the Python code.
        """
        ran = runner.run(TASK.id, TaskInputs(text=text, model=model), call)
        result = ran.result
        first = {s["label"]: s["score"] for s in result.scores[0]}
        return result.to_json(), first, _table(result), ran.notice(call.language, _notice), ran.code

    return run_classify


def build(ctx: AppContext) -> None:
    """The sentiment tab: inputs left, results right, examples and code below."""
    with task_tab("classify", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("classify.text"), info=tr("classify.text_info"), lines=5, max_lines=20)
                model, status = model_picker(TASK, ctx)
                ctx.register("classify.model", model)  # the fine-tuning lab's "use it" fills this box
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                label = gr.Label(label=tr("classify.label"), num_top_classes=5)
                notice = gr.Markdown()
                table = gr.Dataframe(headers=TABLE_HEADERS, label=tr("classify.table"), wrap=True)
        attention_panel(ctx, [text, model], task=TASK.id, public=True, prepare=_first_sentence)
        raw, code = raw_and_code()
        link_button(ctx, TASK.id, {"text": text, "model": model})
        examples(
            [
                [
                    "I like apple\nI like pear\nI go to school\nI dislike mosquito\nI felt very sad\nI feel so good",
                    TASK.default.id,
                ],
                ["It was a very informative, fun and enjoyable time.\nIt was a waste of time.", TASK.default.id],
                ["이 영화 정말 재미있어요!\n시간 낭비였어요.\n그냥 그랬어요.", KOREAN_MODEL.id],
            ],
            inputs=[text, model],
            headers=["Sentences · 문장", "Model · 모델"],
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[text, model, *settings_inputs(ctx)],
            outputs=[raw, label, table, notice, code],
            api_name="classify",
            # Requests that arrive while the model is busy wait in core's micro-batcher and run as one
            # forward pass: many may wait there at once. Without batching, the app's default applies.
            concurrency_limit=BATCHED_CONCURRENCY if BATCHER.enabled else "default",
        )
        refresh_status_after(ctx, model, ran)
        attribution_view.attribution_view(ctx, ran, raw, text, model)
