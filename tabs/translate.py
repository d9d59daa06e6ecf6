"""Translation tab: a language pair picker that follows the model, and the translation streamed out."""

from collections.abc import Callable, Iterator

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.generation.translate import model_languages
from core.registry import get_task
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import fill_from_url, link_button
from tabs.i18n import tr
from tabs.summarize import notice, optional_int
from tabs.widgets.attention_view import attention_panel
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.open_dropdown import open_dropdown
from tabs.widgets.task_tab import task_tab

TASK = get_task("translate")
EN_KO = next(m for m in TASK.models if m.note.startswith("English → Korean"))
T5 = next(m for m in TASK.models if "t5" in m.id)

STRINGS = {
    "en": {
        "translate.tab": "🌏 Translation",
        "translate.explain": (
            "**Translation** is sequence-to-sequence generation: an encoder reads the sentence, a decoder writes "
            "it in another language. Models differ in how they learn the pair: a *Marian* model "
            "(`Helsinki-NLP/opus-mt-ko-en`) knows one pair; *T5* reads a prefix such as "
            "`translate English to German: `; multilingual models (*NLLB*, *M2M100*) take language codes "
            "(`kor_Hang`, `eng_Latn`) and are forced to start with the target language's token. "
            "The language boxes offer only what the chosen model supports.\n\n"
            '`pipeline("translation")` was removed in transformers 5; this tab runs its steps itself '
            "(tokenizer → `generate` → decode) with the settings transformers 4.57 chose."
        ),
        "translate.text": "Text to translate",
        "translate.src_lang": "src_lang: from",
        "translate.tgt_lang": "tgt_lang: to",
        "translate.lang_info": "Only the languages this model supports",
        "translate.options": "Generation settings (empty = the model's default)",
        "translate.max_length": "max_length (tokens)",
        "translate.num_beams": "num_beams",
        "translate.output": "Translation",
    },
    "ko": {
        "translate.tab": "🌏 번역",
        "translate.explain": (
            "**번역**은 seq2seq 생성이에요. 인코더가 문장을 읽고 디코더가 다른 언어로 써 내요. 모델마다 언어 쌍을 "
            "배우는 방법이 달라요: *Marian* 모델(`Helsinki-NLP/opus-mt-ko-en`)은 한 쌍만 알고, *T5*는 "
            "`translate English to German: ` 같은 접두어를 읽고, 다국어 모델(*NLLB*, *M2M100*)은 언어 코드"
            "(`kor_Hang`, `eng_Latn`)를 받아 번역할 언어의 토큰으로 시작하도록 강제돼요. "
            "언어 칸에는 고른 모델이 지원하는 언어만 나와요.\n\n"
            'transformers 5에서 `pipeline("translation")`이 없어졌어요. 이 탭은 그 단계(토크나이저 → `generate` → '
            "디코딩)를 transformers 4.57이 고르던 설정으로 직접 실행해요."
        ),
        "translate.text": "번역할 글",
        "translate.src_lang": "src_lang: 원문 언어",
        "translate.tgt_lang": "tgt_lang: 번역할 언어",
        "translate.lang_info": "이 모델이 지원하는 언어만 보여요",
        "translate.options": "생성 설정 (비우면 모델 기본값)",
        "translate.max_length": "max_length (토큰)",
        "translate.num_beams": "num_beams (빔 개수)",
        "translate.output": "번역",
    },
}


def language_pickers(
    model: str, public: bool, source: str | None = None, target: str | None = None
) -> tuple[dict, dict]:
    """Choices and values of the two language boxes for ``model`` (empty when the model does not say).

    A pair already chosen (by hand, or by a link) is kept when the model supports it; else the model's default.
    """
    languages = model_languages(model, allow_local=not public)
    if source not in languages.sources or target not in languages.targets(source):
        source, target = languages.default_pair()
    return (
        gr.update(choices=languages.sources, value=source),
        gr.update(choices=languages.targets(source), value=target),
    )


def pickers_for_page(ctx: AppContext, params: dict[str, str], model: str) -> tuple[dict, dict]:
    """The language boxes when the page opens: for the model and pair a link gives (checked as the link
    itself is), else for ``model``. Runs alongside the link's own page-load event, so it cannot wait for it."""
    tab, values = fill_from_url(params, ctx.links, ctx.public)
    fields = next((t.fields for t in ctx.links if t.tab_id == TASK.id), {}) if tab == TASK.id else {}
    pick = {name: values.get(component) for name, component in fields.items()}
    return language_pickers(pick.get("model") or model, ctx.public, pick.get("src_lang"), pick.get("tgt_lang"))


def target_picker(model: str, source: str | None, target: str | None, public: bool) -> dict:
    """The target box for a chosen source language: its targets, keeping the current one when it still fits."""
    targets = model_languages(model, allow_local=not public).targets(source)
    return gr.update(choices=targets, value=target if target in targets or not targets else targets[0])


def translation_look(text: str, translation: str | None, source: str | None, target: str | None) -> tuple:
    """What the attention panel looks at: the text, the translation on screen, and the pair the boxes show."""
    return text, translation or "", {"src_lang": source or None, "tgt_lang": target or None}


def make_handler(ctx: AppContext) -> Callable:
    """The /translate handler (a generator: the translation streams into the page)."""

    @task_handler(ctx)
    def run_translate(
        text: str,
        model: str,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        max_length: float | None = None,
        num_beams: float | None = None,
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> Iterator[tuple]:
        """Translate a text with a seq2seq model (Marian, T5, NLLB, M2M100, …), streaming as it is generated; the first output is [{"translation_text"}] (the last value of the stream is final).

        Args:
            text: The text to translate, up to 100,000 characters (cut to the model's input limit).
            model: A translation model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            src_lang: Source language: for a multilingual model one of its language codes (required); for a model with fixed pairs (T5, Marian) one side of a pair; empty (default) = the model's first pair.
            tgt_lang: Target language, as for src_lang; it must differ from src_lang; empty (default) = the model's first pair.
            max_length: Longest translation in tokens, 1 to 1024; empty (None, default) = the model's own setting.
            num_beams: Beam-search width, 1 to 8 (1 = greedy); empty (None, default) = the model's own setting.
        Returns:
            The raw JSON [{"translation_text"}]; then the translation text, notes (truncation, the model's prefix, the settings used) and the Python code.
        """
        options = {
            "src_lang": src_lang or None,
            "tgt_lang": tgt_lang or None,
            "max_length": optional_int(max_length),
            "num_beams": optional_int(num_beams),
        }
        for ran in runner.stream(TASK.id, TaskInputs(text=text, model=model, options=options), call):
            yield ran.result.to_json(), ran.result.translation, ran.notice(call.language, notice), ran.code

    return run_translate


def build(ctx: AppContext) -> None:
    """The translation tab: text, model and language pair left, the streamed translation right."""
    with task_tab("translate", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("translate.text"), lines=5, max_lines=20)
                model, status = model_picker(TASK, ctx)
                with gr.Row():
                    info = tr("translate.lang_info")
                    src_lang = open_dropdown([], value=None, label=tr("translate.src_lang"), info=info)
                    tgt_lang = open_dropdown([], value=None, label=tr("translate.tgt_lang"), info=info)
                with gr.Accordion(tr("translate.options"), open=False), gr.Row():
                    max_length = gr.Number(None, label=tr("translate.max_length"), precision=0, minimum=1)
                    num_beams = gr.Number(None, label=tr("translate.num_beams"), precision=0, minimum=1, maximum=8)
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                raw = gr.JSON(label=tr("common.raw"))
                translation = gr.Textbox(label=tr("translate.output"), lines=5, interactive=False)
                notes = gr.Markdown()
        code = gr.Code(language="python", label=tr("common.code"))
        # the decoder's cross-attention between the translation on screen and the text
        attention_panel(
            ctx, [text, model, translation, src_lang, tgt_lang], task=TASK.id, prepare=translation_look
        )  # the direction the boxes show: T5's prefix, a Marian target token, NLLB's codes, as the task runs
        link_button(
            ctx,
            TASK.id,
            {
                "text": text,
                "model": model,
                "src_lang": src_lang,
                "tgt_lang": tgt_lang,
                "max_length": max_length,
                "num_beams": num_beams,
            },
        )
        examples(
            [
                ["나는 오늘 학교에 가서 친구들과 점심을 먹었다.", TASK.default.id],
                ["Hugging Face makes machine learning easy to share.", EN_KO.id],
                ["The house is wonderful and the garden is beautiful.", T5.id],
            ],
            inputs=[text, model],
            headers=["Text · 글", "Model · 모델"],
        )

        def on_page_load(model_id: str, request: gr.Request) -> tuple[dict, dict]:
            return pickers_for_page(ctx, dict(request.query_params) if request is not None else {}, model_id)

        ctx.blocks.load(
            on_page_load,
            inputs=model,
            outputs=[src_lang, tgt_lang],
            api_visibility="private",
        )

        def follow_model(model_id: str, source: str | None, target: str | None) -> tuple[dict, dict]:
            return language_pickers(model_id, ctx.public, source, target)

        model.change(
            follow_model,
            inputs=[model, src_lang, tgt_lang],
            outputs=[src_lang, tgt_lang],
            api_visibility="private",
            queue=False,
        )
        src_lang.input(
            lambda model_id, source, target: target_picker(model_id, source, target, ctx.public),
            inputs=[model, src_lang, tgt_lang],
            outputs=tgt_lang,
            api_visibility="private",
        )
        # A model id typed in the box is committed when the box loses focus, that is by the very click on Run:
        # the model box's change event is then still on its way while the run reads the pickers, which show the
        # previous model's direction. So a run first brings the pickers in line with its model, then runs.
        ran = run.click(
            follow_model,
            inputs=[model, src_lang, tgt_lang],
            outputs=[src_lang, tgt_lang],
            api_visibility="private",
            queue=False,
        ).then(
            make_handler(ctx),
            inputs=[
                text,
                model,
                src_lang,
                tgt_lang,
                max_length,
                num_beams,
                *settings_inputs(ctx),
            ],
            outputs=[raw, translation, notes, code],
            api_name="translate",
        )
        refresh_status_after(ctx, model, ran)
