"""Fill-mask tab: one blank, the model's top-k guesses with their probabilities, and the filled sentences."""

from collections.abc import Callable

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.localized import Localized
from core.text.fill_mask import MAX_TOP_K, TASK, FillMaskResult, known_mask_token
from tabs import logit_lens
from tabs.boundary import resolve_language
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.literal import md_code
from tabs.widgets.attention_view import attention_panel
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab
from tabs.widgets.truncation_notice import truncation_notice

KOREAN_MODEL = TASK.model_for_language("ko")
MULTILINGUAL_MODEL = TASK.model_for_language("multi")

STRINGS = {
    "en": {
        "fill_mask.tab": "🕳️ Fill-mask",
        "fill_mask.explain": (
            "**Fill-mask** is how BERT-like models learn: words of a sentence are hidden behind a *mask token* "
            "and the model guesses them from the words on both sides. Here you hide one word and see the model's "
            "top guesses with their probabilities. Each model spells the mask its own way (BERT `[MASK]`, "
            "RoBERTa and XLM-R `<mask>`): type either, the app swaps in the model's own. A model only knows the "
            "words of its vocabulary: an English model cannot guess a Korean word, and kcbert (trained on Korean "
            "news comments) guesses Korean words."
        ),
        "fill_mask.text": "Sentence with one [MASK] (or <mask>)",
        "fill_mask.text_info": "Write [MASK] or <mask> where the missing word goes",
        "fill_mask.top_k": "top_k: how many guesses",
        "fill_mask.top_k_info": "the k most likely tokens for the blank",
        "fill_mask.label": "Guesses and their probabilities",
        "fill_mask.table": "Filled sentences",
        "fill_mask.mask_token": "Mask token of this model: {token} (typing [MASK] or <mask> works too)",
        "fill_mask.mask_unknown": "The mask token of this model is shown after the first run.",
    },
    "ko": {
        "fill_mask.tab": "🕳️ 빈칸 채우기",
        "fill_mask.explain": (
            "**빈칸 채우기**(fill-mask)는 BERT 계열 모델이 학습하는 방법이에요. 문장의 단어를 *마스크 토큰*으로 "
            "가리고, 양옆 단어를 보고 맞히게 해요. 여기서는 단어 하나를 가리면 모델이 가장 그럴듯하다고 본 후보와 "
            "확률을 보여 줘요. 모델마다 마스크 표기가 달라요(BERT는 `[MASK]`, RoBERTa·XLM-R은 `<mask>`). 어느 쪽을 "
            "써도 앱이 모델의 표기로 바꿔요. 모델은 자기 어휘 사전에 있는 단어만 알아요: 영어 모델은 한국어 단어를 "
            "맞힐 수 없고, kcbert(한국어 뉴스 댓글로 학습)는 한국어 단어로 채워요."
        ),
        "fill_mask.text": "[MASK](또는 <mask>)가 하나 있는 문장",
        "fill_mask.text_info": "빈칸 자리에 [MASK] 또는 <mask>를 쓰세요",
        "fill_mask.top_k": "top_k: 후보 개수",
        "fill_mask.top_k_info": "빈칸에 올 확률이 가장 높은 토큰 k개",
        "fill_mask.label": "후보와 확률",
        "fill_mask.table": "채운 문장",
        "fill_mask.mask_token": "이 모델의 마스크 토큰: {token} ([MASK]나 <mask>로 써도 돼요)",
        "fill_mask.mask_unknown": "이 모델의 마스크 토큰은 처음 실행한 뒤에 보여요.",
    },
}

TABLE_HEADERS = ["#", "token_str", "token", "score", "sequence"]


def _label(result: FillMaskResult) -> dict[str, float]:
    """Candidates for gr.Label; two tokens that decode alike (e.g. 'de' and '▁de') keep apart by id."""
    scores: dict[str, float] = {}
    for c in result.candidates:
        name = c["token_str"] if c["token_str"] not in scores else f"{c['token_str']} (id {c['token']})"
        scores[name] = c["score"]
    return scores


def _table(result: FillMaskResult) -> list[list]:
    return [
        [i + 1, c["token_str"], c["token"], round(c["score"], 4), c["sequence"]]
        for i, c in enumerate(result.candidates)
    ]


def _mask_note(result: FillMaskResult, language: str) -> str:
    return Localized(
        f"This model's mask token is {md_code(result.mask_token)}. The model read: {md_code(result.text[:300])}",
        f"이 모델의 마스크 토큰은 {md_code(result.mask_token)}예요. 모델이 읽은 문장: {md_code(result.text[:300])}",
    ).text(language)


def _notice(result: FillMaskResult, language: str) -> str:
    """What the local model did: its mask token, the text it read, and whether it was cut."""
    notes = [_mask_note(result, language), truncation_notice(result.truncation, language)]
    return "\n\n".join(note for note in notes if note)


def mask_token_line(model: str, language: str, public: bool = False) -> str:
    """Before any run: the chosen model's mask token, when its tokenizer files are already on this machine."""
    token = known_mask_token(model, allow_local=not public)
    strings = STRINGS["ko" if language == "ko" else "en"]
    return strings["fill_mask.mask_token"].format(token=md_code(token)) if token else strings["fill_mask.mask_unknown"]


def make_handler(ctx: AppContext) -> Callable:
    """The /fill_mask handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_fill_mask(
        text: str,
        model: str,
        top_k: float = 5,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Fill the one masked word of a sentence with a masked language model; the first output is the top_k guesses [{"score", "token", "token_str", "sequence"}, …], best first.

        Args:
            text: A sentence with exactly one mask token, written as the model spells it ([MASK] for BERT, <mask> for RoBERTa/XLM-R).
            model: A masked language model (BERT, RoBERTa, …): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            top_k: How many guesses to return, best first: 1 to 50, default 5.
        Returns:
            The raw JSON [{"score", "token", "token_str", "sequence"}, …]; then the guesses' scores, a table of them, a notice and the Python code.
        """
        ran = runner.run(TASK.id, TaskInputs(text=text, model=model, options={"top_k": top_k}), call)
        result = ran.result
        return result.to_json(), _label(result), _table(result), ran.notice(call.language, _notice), ran.code

    return run_fill_mask


def build(ctx: AppContext) -> None:
    """The fill-mask tab: sentence and top_k left, guesses right, examples and code below."""
    with task_tab("fill_mask", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("fill_mask.text"), info=tr("fill_mask.text_info"), lines=3)
                model, status = model_picker(TASK, ctx)
                top_k = gr.Slider(
                    1, MAX_TOP_K, value=5, step=1, label=tr("fill_mask.top_k"), info=tr("fill_mask.top_k_info")
                )
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
                mask_line = gr.Markdown()  # follows the model too, so it sits under the button as well
            with gr.Column():
                label = gr.Label(label=tr("fill_mask.label"), num_top_classes=10)
                notice = gr.Markdown()
                table = gr.Dataframe(headers=TABLE_HEADERS, label=tr("fill_mask.table"), wrap=True)
        attention_panel(ctx, [text, model], task=TASK.id)
        raw, code = raw_and_code()
        lens = logit_lens.build_section(ctx, text, model, api=False)  # the same view, at the mask
        link_button(ctx, TASK.id, {"text": text, "model": model, "top_k": top_k})
        examples(
            [
                ["Paris is the [MASK] of France.", TASK.default.id, 5],
                ["This course will teach you all about [MASK] models.", TASK.default.id, 5],
                ["The goal of life is <mask>.", MULTILINGUAL_MODEL.id, 5],
                ["너는 내년 [MASK] 때 투표할 수 있어?", KOREAN_MODEL.id, 5],
                ["오늘 날씨가 정말 [MASK].", KOREAN_MODEL.id, 10],
            ],
            inputs=[text, model, top_k],
            headers=["Text · 문장", "Model · 모델", "top_k · 후보 수"],
        )

        def show_mask_token(model_id: str, language: str = "auto", request: gr.Request = None) -> str:
            return mask_token_line(model_id, resolve_language(language, request), ctx.public)

        ctx.page_load.add(show_mask_token, inputs=[model, ctx.language], outputs=[mask_line])
        gr.on(
            triggers=[model.change, ctx.language.change],
            fn=show_mask_token,
            inputs=[model, ctx.language],
            outputs=mask_line,
            api_visibility="private",
            queue=False,
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[text, model, top_k, *settings_inputs(ctx)],
            outputs=[raw, label, table, notice, code],
            api_name="fill_mask",
        )
        lens.follow(ran, run.click)
        refresh_status_after(ctx, model, ran)
