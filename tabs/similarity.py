"""Sentence-similarity tab: one sentence a line, their embeddings, and a heatmap of cosine similarities."""

import html
from collections.abc import Callable

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.localized import Localized
from core.text.similarity import TASK, SimilarityResult
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab

MULTILINGUAL_MODEL = TASK.model_for_language("multi")
#: A Korean-only model for the Korean example (the multilingual one also speaks Korean).
KOREAN_MODEL = next((m for m in TASK.models if m.languages == ("ko",)), TASK.model_for_language("ko"))

STRINGS = {
    "en": {
        "similarity.tab": "📐 Similarity",
        "similarity.explain": (
            "**Sentence similarity** turns each sentence into one vector of numbers (an *embedding*) and compares "
            "the vectors. The encoder gives a vector for every token; **mean pooling** averages the vectors of "
            "the real tokens (the attention mask leaves padding out), and **normalising** scales the result to "
            "length 1, so the dot product of two sentences is their **cosine similarity**: 1 means the same "
            "direction (same meaning), around 0 unrelated. A sentence compared with itself is always 1. "
            "The default model, all-MiniLM-L6-v2, ships with the app and works with no internet; it is English "
            "only: for Korean, pick a multilingual or Korean model."
        ),
        "similarity.text": "Sentences (one a line, up to 64)",
        "similarity.text_info": "Every pair of lines is compared",
        "similarity.heatmap": "Cosine similarity of every pair",
        "similarity.summary": "Embeddings",
    },
    "ko": {
        "similarity.tab": "📐 문장 유사도",
        "similarity.explain": (
            "**문장 유사도**는 문장마다 숫자 벡터 하나(*임베딩*)를 만들어 비교해요. 인코더는 토큰마다 벡터를 "
            "내고, **평균 풀링**(mean pooling)이 실제 토큰의 벡터를 평균 내요(어텐션 마스크가 패딩을 빼 줘요). "
            "그다음 **정규화**로 길이를 1로 맞추면, 두 문장 벡터의 내적이 곧 **코사인 유사도**예요: 1이면 같은 "
            "방향(같은 뜻), 0 근처면 관련 없음. 문장을 자기 자신과 비교하면 항상 1이에요. 기본 모델 "
            "all-MiniLM-L6-v2는 앱에 내장되어 인터넷 없이도 동작하지만 영어 전용이에요. 한국어는 다국어나 "
            "한국어 모델을 고르세요."
        ),
        "similarity.text": "문장 (한 줄에 하나, 최대 64개)",
        "similarity.text_info": "모든 문장 쌍을 비교해요",
        "similarity.heatmap": "모든 문장 쌍의 코사인 유사도",
        "similarity.summary": "임베딩",
    },
}


def _cell_style(value: float) -> str:
    """Warm for similar, cool for opposite, white around 0."""
    strength = min(abs(value), 1.0)
    colour = (220, 80, 60) if value >= 0 else (60, 110, 220)
    text = "#fff" if strength > 0.6 else "inherit"
    return f"background: rgba({colour[0]}, {colour[1]}, {colour[2]}, {strength:.2f}); color: {text}"


def heatmap_html(result: SimilarityResult) -> str:
    """The matrix as a coloured table: rows and columns are the numbered sentences."""
    n = len(result.sentences)
    head = "".join(f"<th title='{html.escape(s)}'>#{i + 1}</th>" for i, s in enumerate(result.sentences))
    rows = []
    for i, sentence in enumerate(result.sentences):
        cells = "".join(
            f"<td style='{_cell_style(result.matrix[i][j])}; text-align: center; padding: 4px 8px'>"
            f"{result.matrix[i][j]:.2f}</td>"
            for j in range(n)
        )
        label = html.escape(sentence if len(sentence) <= 40 else sentence[:39] + "…")
        rows.append(f"<tr><th style='text-align: left; padding-right: 8px'>#{i + 1} {label}</th>{cells}</tr>")
    return (
        "<div style='overflow-x: auto'><table style='border-collapse: collapse'>"
        f"<tr><th></th>{head}</tr>{''.join(rows)}</table></div>"
    )


def _summary(result: SimilarityResult, language: str) -> str:
    preview = "\n".join(
        f"#{i + 1}: [{', '.join(f'{x:+.3f}' for x in vector)}, …]" for i, vector in enumerate(result.preview)
    )
    pair = result.most_similar_pair()
    lines = [
        f"{Localized('Each sentence is a vector of', '문장마다 숫자').text(language)} **{result.dimensions}**"
        f"{Localized(' numbers (first 8 shown):', '개로 된 벡터예요 (앞 8개):').text(language)}",
        f"```\n{preview}\n```",
    ]
    if pair:
        i, j, score = pair
        lines.append(
            f"{Localized('Most similar pair', '가장 비슷한 쌍').text(language)}: #{i + 1} ↔ #{j + 1} ({score:.3f})"
        )
    for note in result.truncated:
        lines.append(
            Localized(
                f"✂️ Sentence {note.index + 1} has {note.tokens} tokens; the model read the first {note.kept}.",
                f"✂️ {note.index + 1}번째 문장은 {note.tokens}토큰이라 앞 {note.kept}토큰만 읽었어요.",
            ).text(language)
        )
    return "\n\n".join(lines)


def make_handler(ctx: AppContext) -> Callable:
    """The /similarity handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_similarity(
        text: str,
        model: str,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Cosine similarity between every pair of sentences, from a sentence-embedding model; the first output is {"sentences": […], "matrix": [[…]]}.

        Args:
            text: The sentences to compare, one a line (blank lines dropped), at most 64 lines and 100,000 characters.
            model: A sentence-embedding model (e.g. sentence-transformers/all-MiniLM-L6-v2): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
        Returns:
            The raw JSON {"sentences": […], "matrix": [[…]]}, matrix[i][j] the cosine similarity of sentences i and j; then a heatmap, a summary and the Python code.
        """
        ran = runner.run(TASK.id, TaskInputs(text=text, model=model), call)
        return ran.result.to_json(), heatmap_html(ran.result), ran.notice(call.language, _summary), ran.code

    return run_similarity


def build(ctx: AppContext) -> None:
    """The similarity tab: sentences left, the heatmap right, examples and code below."""
    with task_tab("similarity", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("similarity.text"), info=tr("similarity.text_info"), lines=6, max_lines=20)
                model, status = model_picker(TASK, ctx)
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                heatmap = gr.HTML(label=tr("similarity.heatmap"))
                summary = gr.Markdown(label=tr("similarity.summary"))
        raw, code = raw_and_code()
        link_button(ctx, TASK.id, {"text": text, "model": model})
        examples(
            [
                [
                    "A man is eating food.\nA man is eating a piece of bread.\nThe girl is carrying a baby.\n"
                    "A man is riding a horse.\nA monkey is playing drums.",
                    TASK.default.id,
                ],
                ["I like apple\nI like pear\nI go to school\nI dislike mosquito", TASK.default.id],
                ["나는 사과를 좋아한다.\n나는 배를 좋아한다.\n오늘 학교에 간다.\n모기가 싫다.", KOREAN_MODEL.id],
                [
                    "The cat sits on the mat.\n고양이가 매트 위에 앉아 있다.\nThe stock market fell today.",
                    MULTILINGUAL_MODEL.id,
                ],
            ],
            inputs=[text, model],
            headers=["Sentences · 문장들", "Model · 모델"],
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[text, model, *settings_inputs(ctx)],
            outputs=[raw, heatmap, summary, code],
            api_name="similarity",
        )
        refresh_status_after(ctx, model, ran)
