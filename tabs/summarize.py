"""Summarization tab: a long text in, a short one streamed out, with the settings v4 would have used."""

from collections.abc import Callable, Iterator

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.generation.summarize import SummaryResult
from core.generation.translate import TranslationResult
from core.localized import Localized
from core.registry import get_task
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.literal import md_code
from tabs.widgets.attention_view import attention_panel, with_pair
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import task_tab

TASK = get_task("summarize")
KOREAN_MODEL = TASK.model_for_language("ko")

STRINGS = {
    "en": {
        "summarize.tab": "📝 Summarization",
        "summarize.explain": (
            "**Summarization** reads a long text with an *encoder* and writes a short one, token by token, with a "
            "*decoder* (a sequence-to-sequence model such as T5 or BART). Some models need a task prefix: T5 reads "
            "`summarize: ` before your text. `num_beams` keeps several drafts at once and returns the best; "
            "`no_repeat_ngram_size` forbids repeating word groups; `min_length`/`max_length` bound the summary in "
            "tokens. Leave a box empty to use the model's own setting.\n\n"
            '`pipeline("summarization")` was removed in transformers 5; this tab runs its steps itself '
            "(prefix → tokenizer → `generate` → decode) with the settings transformers 4.57 chose."
        ),
        "summarize.text": "Text to summarize",
        "summarize.options": "Generation settings (empty = the model's default)",
        "summarize.max_length": "max_length (tokens)",
        "summarize.min_length": "min_length (tokens)",
        "summarize.num_beams": "num_beams",
        "summarize.do_sample": "do_sample (random sampling instead of the most likely words)",
        "summarize.no_repeat": "no_repeat_ngram_size",
        "summarize.output": "Summary",
    },
    "ko": {
        "summarize.tab": "📝 요약",
        "summarize.explain": (
            "**요약**은 긴 글을 *인코더*로 읽고, *디코더*가 짧은 글을 토큰 하나씩 써 내는 작업이에요(T5, BART 같은 "
            "seq2seq 모델). 어떤 모델은 작업 접두어가 필요해요: T5는 글 앞에 `summarize: `를 붙여 읽어요. "
            "`num_beams`는 여러 초안을 동시에 이어 가다 가장 좋은 것을 돌려주고, `no_repeat_ngram_size`는 같은 "
            "단어 묶음의 반복을 막고, `min_length`/`max_length`는 요약 길이(토큰)를 정해요. 칸을 비워 두면 모델의 "
            "기본 설정을 써요.\n\n"
            'transformers 5에서 `pipeline("summarization")`이 없어졌어요. 이 탭은 그 단계(접두어 → 토크나이저 → '
            "`generate` → 디코딩)를 transformers 4.57이 고르던 설정으로 직접 실행해요."
        ),
        "summarize.text": "요약할 글",
        "summarize.options": "생성 설정 (비우면 모델 기본값)",
        "summarize.max_length": "max_length (토큰)",
        "summarize.min_length": "min_length (토큰)",
        "summarize.num_beams": "num_beams (빔 개수)",
        "summarize.do_sample": "do_sample (가장 그럴듯한 단어 대신 무작위로 뽑기)",
        "summarize.no_repeat": "no_repeat_ngram_size (반복 금지 n-gram 크기)",
        "summarize.output": "요약",
    },
}

ENGLISH_TEXT = (
    "The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey building, and the tallest "
    "structure in Paris. Its base is square, measuring 125 metres (410 ft) on each side. During its construction, "
    "the Eiffel Tower surpassed the Washington Monument to become the tallest man-made structure in the world, a "
    "title it held for 41 years until the Chrysler Building in New York City was finished in 1930. It was the "
    "first structure to reach a height of 300 metres."
)
KOREAN_TEXT = (
    "인공지능 기술이 빠르게 발전하면서 교육 현장에도 변화가 일어나고 있다. 학생들은 번역, 요약, 질의응답 같은 "
    "언어 모델을 활용해 자료를 찾고 정리한다. 교사들은 이러한 도구가 학습을 돕는다고 보면서도, 학생들이 스스로 "
    "생각하는 힘을 잃지 않도록 올바른 사용법을 함께 가르쳐야 한다고 강조한다."
)


def optional_int(value: float | None) -> int | float | None:
    """A number box left empty means "the model's default"; 3.0 means 3; anything else goes to core to be named."""
    if value is None or value == "":
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def notice(result: SummaryResult | TranslationResult, language: str) -> str:
    """Truncation (with token counts) and where the settings came from, in the user's language."""
    lines = []
    beams = result.settings.get("num_beams") or 1
    if not result.done and beams > 1:
        lines.append(
            Localized(
                f"⏳ Searching with {beams} beams: the text appears when every beam has finished "
                "(with num_beams=1 you can watch it being written).",
                f"⏳ 빔 {beams}개로 찾는 중이에요. 모든 빔이 끝나야 글이 나와요 (num_beams=1이면 써지는 과정을 볼 수 있어요).",
            ).text(language)
        )
    if result.truncated:
        lines.append(
            Localized(
                f"✂️ The input has {result.tokens} tokens; it was truncated to the model's maximum of {result.kept} "
                "(the model did not see the rest).",
                f"✂️ 입력이 {result.tokens}토큰이라 모델 최대 길이 {result.kept}토큰으로 잘랐어요 (뒷부분은 모델이 보지 못했어요).",
            ).text(language)
        )
    if result.prefix:
        lines.append(f"🏷️ prefix: {md_code(result.prefix)}")
    origins = ", ".join(f"`{k}={result.settings.get(k)!r}` ({v})" for k, v in result.origins.items())
    if origins:
        lines.append(Localized("⚙️ Settings: ", "⚙️ 설정: ").text(language) + origins)
    return "\n\n".join(lines)


def make_handler(ctx: AppContext) -> Callable:
    """The /summarize handler (a generator: the summary streams into the page)."""

    @task_handler(ctx)
    def run_summarize(
        text: str,
        model: str,
        max_length: float | None = None,
        min_length: float | None = None,
        num_beams: float | None = None,
        do_sample: bool = False,
        no_repeat_ngram_size: float | None = None,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> Iterator[tuple]:
        """Summarize a text with a seq2seq model (BART, T5, …), streaming as it is generated; the first output is [{"summary_text"}] (the last value of the stream is final).

        Args:
            text: The text to summarize, up to 100,000 characters (cut to the model's input limit).
            model: A summarization (seq2seq) model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            max_length: Longest summary in tokens, 1 to 1024; empty (None, default) = as the model's generation config and transformers 4.57's pipeline choose.
            min_length: Shortest summary in tokens, 0 to 1024; empty (None, default) = as the model's generation config and the pipeline choose.
            num_beams: Beam-search width, 1 to 8 (1 = greedy); empty (None, default) = the model's own setting, else 4 as the pipeline did.
            do_sample: True samples each token at random instead of searching for the likeliest summary; default False.
            no_repeat_ngram_size: Never repeat an n-gram of this many tokens, 0 to 10 (0 = off); empty (None, default) = the model's own setting.
        Returns:
            The raw JSON [{"summary_text"}]; then the summary text, notes (truncation, the model's prefix, the settings used and where each came from) and the Python code.
        """
        options = {
            "max_length": optional_int(max_length),
            "min_length": optional_int(min_length),
            "num_beams": optional_int(num_beams),
            "do_sample": bool(do_sample),
            "no_repeat_ngram_size": optional_int(no_repeat_ngram_size),
        }
        for ran in runner.stream(TASK.id, TaskInputs(text=text, model=model, options=options), call):
            yield ran.result.to_json(), ran.result.summary, ran.notice(call.language, notice), ran.code

    return run_summarize


def build(ctx: AppContext) -> None:
    """The summarization tab: text and settings left, the streamed summary right."""
    with task_tab("summarize", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("summarize.text"), lines=10, max_lines=30)
                model, status = model_picker(TASK, ctx)
                with gr.Accordion(tr("summarize.options"), open=False), gr.Row():
                    max_length = gr.Number(None, label=tr("summarize.max_length"), precision=0, minimum=1)
                    min_length = gr.Number(None, label=tr("summarize.min_length"), precision=0, minimum=0)
                    num_beams = gr.Number(None, label=tr("summarize.num_beams"), precision=0, minimum=1, maximum=8)
                    no_repeat = gr.Number(None, label=tr("summarize.no_repeat"), precision=0, minimum=0)
                    do_sample = gr.Checkbox(False, label=tr("summarize.do_sample"))
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                raw = gr.JSON(label=tr("common.raw"))
                summary = gr.Textbox(label=tr("summarize.output"), lines=5, interactive=False)
                notes = gr.Markdown()
        code = gr.Code(language="python", label=tr("common.code"))
        link_button(
            ctx,
            TASK.id,
            {
                "text": text,
                "model": model,
                "max_length": max_length,
                "min_length": min_length,
                "num_beams": num_beams,
                "do_sample": do_sample,
                "no_repeat_ngram_size": no_repeat,
            },
        )
        examples(
            [
                [ENGLISH_TEXT, TASK.default.id, None, None],
                [ENGLISH_TEXT, TASK.default.id, 40, 10],
                [KOREAN_TEXT, KOREAN_MODEL.id, None, None],
            ],
            inputs=[text, model, max_length, min_length],
            headers=["Text · 글", "Model · 모델", "max_length · 최대 길이", "min_length · 최소 길이"],
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[
                text,
                model,
                max_length,
                min_length,
                num_beams,
                do_sample,
                no_repeat,
                *settings_inputs(ctx),
            ],
            outputs=[raw, summary, notes, code],
            api_name="summarize",
        )
        refresh_status_after(ctx, model, ran)
        # the decoder's cross-attention between the summary on screen and the text (after the task's prefix)
        attention_panel(ctx, [text, model, summary], task=TASK.id, prepare=with_pair)
