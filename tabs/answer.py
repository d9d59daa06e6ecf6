"""Question answering tab: the answer found inside the context, highlighted, with the top-k spans."""

from collections.abc import Callable

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.localized import Localized
from core.registry import get_task
from core.text.answer import AnswerResult, QASettings
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.widgets.attention_view import attention_panel, with_pair
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import task_tab

TASK = get_task("answer")
KOREAN_MODEL = TASK.model_for_language("ko")
DEFAULTS = QASettings()

STRINGS = {
    "en": {
        "answer.tab": "❓ Question answering",
        "answer.explain": (
            "**Extractive question answering** does not write an answer: it points at the part of *your* text "
            'that answers the question. The model gives every token two scores, "the answer starts here" and '
            '"the answer ends here"; the best pair (start before end, at most `max_answer_len` tokens) is the '
            "answer. A text longer than the model's window (`max_seq_len` tokens) is read in overlapping windows "
            "(`doc_stride` tokens shared), and the best answer of all windows wins.\n\n"
            '`pipeline("question-answering")` was removed in transformers 5; this tab runs its steps itself '
            "(tokenizer → model → pick the span) and returns what transformers 4.57 returned."
        ),
        "answer.question": "Question",
        "answer.context": "Context (the text that contains the answer)",
        "answer.context_info": "Up to 100,000 characters; long texts are read in windows",
        "answer.options": "Options (the v4 pipeline's names)",
        "answer.top_k": "top_k: answers to return",
        "answer.max_answer_len": "max_answer_len: longest answer, in tokens",
        "answer.max_seq_len": "max_seq_len: window, in tokens",
        "answer.doc_stride": "doc_stride: overlap between windows",
        "answer.max_question_len": "max_question_len: v4 cut the question to it with slow tokenizers only",
        "answer.impossible": 'handle_impossible_answer: allow "no answer"',
        "answer.highlight": "The answer in the context",
        "answer.table": "Top answers",
    },
    "ko": {
        "answer.tab": "❓ 질의응답",
        "answer.explain": (
            "**추출형 질의응답**은 답을 지어내지 않아요. *내가 준 본문* 안에서 질문에 답하는 부분을 찾아 가리켜요. "
            '모델은 토큰마다 "답이 여기서 시작"과 "답이 여기서 끝" 점수 두 개를 내고, 시작이 끝보다 앞이고 '
            "길이가 `max_answer_len` 토큰 이하인 가장 좋은 쌍이 답이 돼요. 모델 창(`max_seq_len` 토큰)보다 긴 본문은 "
            "겹치는 창(`doc_stride` 토큰만큼 겹침)으로 나눠 읽고, 모든 창에서 가장 좋은 답을 골라요.\n\n"
            'transformers 5에서 `pipeline("question-answering")`이 없어졌어요. 이 탭은 그 단계(토크나이저 → 모델 → '
            "구간 고르기)를 직접 실행해서 transformers 4.57과 같은 결과를 돌려줘요."
        ),
        "answer.question": "질문",
        "answer.context": "본문 (답이 들어 있는 글)",
        "answer.context_info": "최대 100,000자. 긴 글은 창으로 나눠 읽어요",
        "answer.options": "옵션 (v4 파이프라인과 같은 이름)",
        "answer.top_k": "top_k: 돌려줄 답의 수",
        "answer.max_answer_len": "max_answer_len: 답의 최대 길이(토큰)",
        "answer.max_seq_len": "max_seq_len: 창 크기(토큰)",
        "answer.doc_stride": "doc_stride: 창끼리 겹치는 길이",
        "answer.max_question_len": "max_question_len: v4는 느린 토크나이저에서만 질문을 이 길이로 잘랐어요",
        "answer.impossible": 'handle_impossible_answer: "답 없음" 허용',
        "answer.highlight": "본문 속의 답",
        "answer.table": "상위 답변",
    },
}

TABLE_HEADERS = ["#", "answer", "score", "start", "end"]
ENGLISH_CONTEXT = (
    "Hugging Face is a company based in New York City. Its transformers library provides thousands of "
    "pretrained models for text, vision and audio. It was founded in 2016 by Clément Delangue, Julien Chaumond "
    "and Thomas Wolf."
)
KOREAN_CONTEXT = (
    "세종대왕은 조선의 제4대 왕이다. 1443년에 훈민정음을 창제하였고, 1446년에 이를 반포하였다. "
    "집현전을 설치하여 학자들을 길렀으며, 측우기와 해시계 같은 과학 기구의 발명을 장려하였다."
)


def _highlight(result: AnswerResult) -> dict:
    entities = [
        {"entity": f"{i + 1} · {a['score']:.2f}", "start": a["start"], "end": a["end"]}
        for i, a in enumerate(result.answers)
        if a["end"] > a["start"]
    ]
    return {"text": result.context, "entities": entities}


def _table(result: AnswerResult) -> list[list]:
    return [[i + 1, a["answer"], round(a["score"], 4), a["start"], a["end"]] for i, a in enumerate(result.answers)]


def _notice(result: AnswerResult, language: str) -> str:
    no_answer = result.answers and result.answers[0]["answer"] == ""
    text = Localized(
        f"🔎 Question {result.question_tokens} tokens, context {result.context_tokens} tokens → read in "
        f"{result.windows} window(s) of up to {result.settings.max_seq_len} tokens.",
        f"🔎 질문 {result.question_tokens}토큰, 본문 {result.context_tokens}토큰 → "
        f"{result.windows}개 창(창당 최대 {result.settings.max_seq_len}토큰)으로 읽었어요.",
    )
    if no_answer:
        text += Localized(' The best score is "no answer".', ' 가장 높은 점수는 "답 없음"이에요.')
    return text.text(language)


def whole(value: float | int | None) -> int | float | None:
    """Sliders send 3.0 for 3; anything else goes to core as it came, which names what is wrong."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def make_handler(ctx: AppContext) -> Callable:
    """The /answer handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_answer(
        question: str,
        context: str,
        model: str,
        top_k: int = DEFAULTS.top_k,
        doc_stride: int | None = DEFAULTS.doc_stride,
        max_answer_len: int = DEFAULTS.max_answer_len,
        max_seq_len: int = DEFAULTS.max_seq_len,
        max_question_len: int = DEFAULTS.max_question_len,
        handle_impossible_answer: bool = DEFAULTS.handle_impossible_answer,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Extractive question answering: find the span of the context that answers the question; the first output is {"score", "start", "end", "answer"} (a list of them, best first, when top_k > 1).

        Args:
            question: The question to answer, in the language of the context.
            context: The text that holds the answer, up to 100,000 characters; a long context is read in overlapping windows.
            model: An extractive question-answering model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            top_k: How many answers to return, best first: 1 to 20, default 1.
            doc_stride: Overlap in tokens between consecutive windows, 0 up to max_seq_len; empty (None, default) = min(max_seq_len // 2, 128).
            max_answer_len: Longest answer in tokens: 1 to 512, default 15.
            max_seq_len: Tokens per window (question + context + special tokens): 16 to 4096, default 384.
            max_question_len: Longest question in tokens: 1 to 512, default 64 (checked only; the question is never cut).
            handle_impossible_answer: True lets the empty answer "" (no answer in the context) win when it scores best; default False.
        Returns:
            The raw JSON answer(s) with start and end as character offsets into the context; then the highlighted context, a table of answers, a notice on windows and the Python code.
        """
        options = {
            "top_k": whole(top_k),
            "doc_stride": whole(doc_stride),
            "max_answer_len": whole(max_answer_len),
            "max_seq_len": whole(max_seq_len),
            "max_question_len": whole(max_question_len),
            "handle_impossible_answer": bool(handle_impossible_answer),
        }
        ran = runner.run(TASK.id, TaskInputs(text=question, context=context, model=model, options=options), call)
        result = ran.result
        return result.to_json(), _highlight(result), _table(result), ran.notice(call.language, _notice), ran.code

    return run_answer


def build(ctx: AppContext) -> None:
    """The question-answering tab: question and context left, the highlighted answer right."""
    with task_tab("answer", TASK.id):
        with gr.Row():
            with gr.Column():
                question = gr.Textbox(label=tr("answer.question"), lines=1)
                context = gr.Textbox(label=tr("answer.context"), info=tr("answer.context_info"), lines=8)
                model, status = model_picker(TASK, ctx)
                with gr.Accordion(tr("answer.options"), open=False):
                    top_k = gr.Slider(1, 20, value=DEFAULTS.top_k, step=1, label=tr("answer.top_k"))
                    max_answer_len = gr.Slider(
                        1, 512, value=DEFAULTS.max_answer_len, step=1, label=tr("answer.max_answer_len")
                    )
                    max_seq_len = gr.Slider(
                        16, 4096, value=DEFAULTS.max_seq_len, step=1, label=tr("answer.max_seq_len")
                    )
                    doc_stride = gr.Slider(0, 1024, value=DEFAULTS.stride, step=1, label=tr("answer.doc_stride"))
                    max_question_len = gr.Slider(
                        1, 512, value=DEFAULTS.max_question_len, step=1, label=tr("answer.max_question_len")
                    )
                    impossible = gr.Checkbox(value=DEFAULTS.handle_impossible_answer, label=tr("answer.impossible"))
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                raw = gr.JSON(label=tr("common.raw"))
                highlight = gr.HighlightedText(label=tr("answer.highlight"), combine_adjacent=False)
                notice = gr.Markdown()
                table = gr.Dataframe(headers=TABLE_HEADERS, label=tr("answer.table"), wrap=True)
        code = gr.Code(language="python", label=tr("common.code"))
        link_button(
            ctx,
            TASK.id,
            {
                "question": question,
                "context": context,
                "model": model,
                "top_k": top_k,
                "doc_stride": doc_stride,
                "max_answer_len": max_answer_len,
                "max_seq_len": max_seq_len,
                "max_question_len": max_question_len,
                "handle_impossible_answer": impossible,
            },
        )
        examples(
            [
                ["Where is Hugging Face based?", ENGLISH_CONTEXT, TASK.default.id],
                ["Who founded Hugging Face?", ENGLISH_CONTEXT, TASK.default.id],
                ["훈민정음은 언제 창제되었나?", KOREAN_CONTEXT, KOREAN_MODEL.id],
                ["세종대왕이 설치한 기관은?", KOREAN_CONTEXT, KOREAN_MODEL.id],
            ],
            inputs=[question, context, model],
            headers=["Question · 질문", "Context · 본문", "Model · 모델"],
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[
                question,
                context,
                model,
                top_k,
                doc_stride,
                max_answer_len,
                max_seq_len,
                max_question_len,
                impossible,
                *settings_inputs(ctx),
            ],
            outputs=[raw, highlight, table, notice, code],
            api_name="answer",
        )
        refresh_status_after(ctx, model, ran)
        # question and context as the model reads them: one sequence, [SEP] between
        attention_panel(ctx, [question, model, context], task=TASK.id, prepare=with_pair)
