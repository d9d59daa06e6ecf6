"""Tokenizer lab: text → tokens → ids and masks, drawn over the text; compare, train, look up, chat."""

from collections.abc import Callable

import gradio as gr
import pandas as pd

from core.localized import Localized
from core.registry import get_task
from core.tokenizers.tokenize import (
    MARKERS,
    Padding,
    TokenizedBatch,
    limit_of,
    notebook_code,
    tokenize,
)
from tabs import tokenizer_compare, tokenizer_lookup, tokenizer_training
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code
from tabs.widgets.token_view import CSS, MAX_SHOWN_TOKENS, render_batch

TASK = get_task("tokenize")
EXAMPLE_TEXT = "It was a very informative, fun and enjoyable time.\nIt was a waste of time."
BYTE_LEVEL = next(m.id for m in TASK.models if m.note == "byte-level BPE")
#: Table columns shown per tensor (positions); the JSON and the printout keep every one.
MAX_COLUMNS = 128

STRINGS = {
    "en": {
        "tokenize.tab": "🔤 Tokenizer lab",
        "tokenize.section": "Tokenize",
        "tokenize.explain": (
            "A model never reads letters: a **tokenizer** cuts the text into **tokens** and gives each an **id**. "
            "*Word-level* tokenizers cut at spaces (new words become unknown), *character-level* ones cut every "
            "letter (long sequences), and *subword* tokenizers (BPE, WordPiece, SentencePiece) keep frequent "
            "words whole and cut rare ones into known pieces. BERT adds `[CLS]` (101) at the start and `[SEP]` (102) "
            "at the end; `padding=True` fills short sentences with `[PAD]` (id 0) and the **attention mask** marks "
            "real tokens 1 and padding 0; `truncation=True` cuts at `max_length`; a sentence pair gets "
            "**token_type_ids** 0 for the first sentence and 1 for the second."
        ),
        "tokenize.text": "Sentences (one a line)",
        "tokenize.text_info": "Each line is one row of the batch",
        "tokenize.text_pair": "Second sentences (optional: makes sentence pairs)",
        "tokenize.text_pair_info": "One per line, paired with the line above it in the first box",
        "tokenize.tokenizer": "Tokenizer",
        "tokenize.padding": "padding",
        "tokenize.padding_info": "longest = padding=True; max_length pads to max_length; do_not_pad = False",
        "tokenize.truncation": "truncation=True",
        "tokenize.max_length": "max_length",
        "tokenize.max_length_info": "Set to the tokenizer's limit when you pick one (512 for BERT, 1024 for GPT-2); 0 = that limit",
        "tokenize.special": "add_special_tokens",
        "tokenize.view": "Tokens over your text (text · token · id)",
        "tokenize.input_ids": "input_ids",
        "tokenize.attention_mask": "attention_mask",
        "tokenize.token_type_ids": "token_type_ids",
        "tokenize.tensors": 'print(tokenizer(..., return_tensors="pt"))',
        **tokenizer_lookup.STRINGS["en"],
        **tokenizer_compare.STRINGS["en"],
        **tokenizer_training.STRINGS["en"],
    },
    "ko": {
        "tokenize.tab": "🔤 토크나이저 실험실",
        "tokenize.section": "토큰화",
        "tokenize.explain": (
            "모델은 글자를 읽지 않아요. **토크나이저**가 문장을 **토큰**으로 자르고 토큰마다 **id**(번호)를 붙여요. "
            "*단어 단위*는 띄어쓰기로 잘라서 사전에 없는 신조어를 모르고, *글자 단위*는 모든 글자를 알지만 문장이 "
            "아주 길어져요. *서브워드*(BPE, WordPiece, SentencePiece)는 자주 나오는 단어는 통째로, 드문 단어는 아는 "
            "조각으로 잘라요. BERT는 앞에 `[CLS]`(101), 끝에 `[SEP]`(102)를 붙여요. `padding=True`는 짧은 문장을 "
            "`[PAD]`(id 0)로 채우고, **attention mask**는 진짜 토큰을 1, 패딩을 0으로 표시해요. `truncation=True`는 "
            "`max_length`에서 자르고, 문장 쌍은 **token_type_ids**가 첫 문장 0, 두 번째 문장 1이 돼요."
        ),
        "tokenize.text": "문장 (한 줄에 하나)",
        "tokenize.text_info": "한 줄이 배치의 한 행이에요",
        "tokenize.text_pair": "두 번째 문장 (선택: 문장 쌍을 만들어요)",
        "tokenize.text_pair_info": "한 줄에 하나씩, 첫 칸의 같은 줄 문장과 짝이 돼요",
        "tokenize.tokenizer": "토크나이저",
        "tokenize.padding": "padding (패딩)",
        "tokenize.padding_info": "longest = padding=True, max_length는 max_length까지 채움, do_not_pad = False",
        "tokenize.truncation": "truncation=True (자르기)",
        "tokenize.max_length": "max_length (최대 길이)",
        "tokenize.max_length_info": "토크나이저를 고르면 그 한도로 채워져요(BERT는 512, GPT-2는 1024). 0은 그 한도를 뜻해요",
        "tokenize.special": "add_special_tokens (특수 토큰 추가)",
        "tokenize.view": "문장 위의 토큰 (글자 · 토큰 · id)",
        "tokenize.input_ids": "input_ids (토큰 id)",
        "tokenize.attention_mask": "attention_mask (어텐션 마스크)",
        "tokenize.token_type_ids": "token_type_ids (문장 구분)",
        "tokenize.tensors": 'print(tokenizer(..., return_tensors="pt")) 결과',
        **tokenizer_lookup.STRINGS["ko"],
        **tokenizer_compare.STRINGS["ko"],
        **tokenizer_training.STRINGS["ko"],
    },
}


def _table(rows: list[list[int]]) -> pd.DataFrame:
    width = min(max((len(r) for r in rows), default=0), MAX_COLUMNS)
    data = [[f"#{i + 1}", *row[:width], *[""] * (width - len(row[:width]))] for i, row in enumerate(rows)]
    return pd.DataFrame(data, columns=["", *map(str, range(width))])


def _notice(result: TokenizedBatch, shown: int, language: str) -> str:
    total = sum(len(row) for row in result.tokens)
    lines = []
    if result.shape:
        lines.append(
            f"📐 `input_ids.shape = torch.Size({result.shape})`"
            + Localized(" (batch, length)", " (배치, 길이)").text(language)
        )
    else:
        lengths = [len(row) for row in result.tokens]
        lines.append(
            Localized(
                f"📐 The rows have different lengths ({lengths}), so they cannot form one tensor: turn padding on.",
                f"📐 길이가 서로 달라({lengths}) 하나의 텐서로 만들 수 없어요: padding을 켜세요.",
            ).text(language)
        )
    for i in result.truncated:
        full, kept = result.full_lengths[i], len(result.tokens[i])
        lines.append(
            Localized(
                f"✂️ Sentence {i + 1} has {full:,} tokens; truncation kept the first {kept:,}.",
                f"✂️ {i + 1}번째 문장은 {full:,}토큰인데 max_length {kept:,}에서 잘랐어요.",
            ).text(language)
        )
    if shown < total:
        lines.append(
            Localized(
                f"👀 The coloured view shows the first {shown:,} of {total:,} tokens; the JSON has them all.",
                f"👀 색칠한 보기는 처음 {shown:,}개 토큰만 보여 줘요(전체 {total:,}개). 표와 JSON에는 전부 있어요.",
            ).text(language)
        )
    width = max(len(row) for row in result.tokens)
    if width > MAX_COLUMNS:
        lines.append(
            Localized(
                f"📋 The tables show the first {MAX_COLUMNS} positions of {width:,}; the printout and the JSON have all.",
                f"📋 표는 처음 {MAX_COLUMNS}개 위치만 보여 줘요(길이 {width:,}). 텐서 출력과 JSON에는 전부 있어요.",
            ).text(language)
        )
    lines += [MARKERS[m].text(language) for m in result.markers]
    if result.has_unknown:
        lines.append(
            Localized(
                "🟥 Red boxes are `[UNK]`: the vocabulary has no piece for these characters.",
                "🟥 빨간 테두리는 `[UNK]`: 어휘 사전에 없어서 모르는 토큰이에요.",
            ).text(language)
        )
    return "\n\n".join(lines)


def make_handler(ctx: AppContext) -> Callable:
    """The /tokenize handler for this app's mode (public mode accepts Hub ids only)."""

    @user_errors
    def run_tokenize(
        text: str,
        tokenizer: str,
        padding: str = Padding.LONGEST.value,
        truncation: bool = True,
        max_length: float | None = None,
        add_special_tokens: bool = True,
        text_pair: str = "",
        language: str = "auto",
        request: gr.Request = None,
    ) -> tuple:
        """Tokenize sentences as tokenizer(texts, text_pairs, …) does; the first output is {"tokens", "input_ids", "attention_mask", …} with one list per sentence.

        Args:
            text: The sentences, one a line (each a row of the batch), at most 64 lines and 100,000 characters.
            tokenizer: The tokenizer: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            padding: longest (default: pad to the longest row), max_length (pad every row to max_length) or do_not_pad.
            truncation: True (default) cuts rows longer than max_length (or the tokenizer's limit); False keeps them whole.
            max_length: Most tokens a row may have, 1 up to the tokenizer's limit; empty, None or 0 (default) = the tokenizer's own limit.
            add_special_tokens: True (default) adds the model's special tokens such as [CLS] and [SEP]; False leaves them out.
            text_pair: Second sentences, one a line, paired with the lines of text in order (sentence-pair input); empty (default) = none.
        Returns:
            The raw JSON {"tokens", "input_ids", "attention_mask", "token_type_ids" (if any), "offset_mapping" (fast tokenizers), "shape", "num_tokens"}; then a coloured view, a notice, the id/mask/type tables, the tensors as printed and the Python code.
        """
        result = tokenize(
            text,
            tokenizer,
            padding,
            truncation,
            # gradio's number box cannot be sent empty: 0 there means "the tokenizer's own limit".
            max_length or None,
            add_special_tokens,
            text_pair=text_pair,
            policy=ctx.policy,
        )
        view, shown = render_batch(result, MAX_SHOWN_TOKENS)
        empty = pd.DataFrame()
        return (
            result.to_json(),
            view,
            _notice(result, shown, resolve_language(language, request)),
            _table(result.inputs["input_ids"]),
            _table(result.inputs["attention_mask"]) if "attention_mask" in result.inputs else empty,
            _table(result.inputs["token_type_ids"]) if "token_type_ids" in result.inputs else empty,
            result.tensor_repr,
            notebook_code(result),
        )

    return run_tokenize


def build(ctx: AppContext) -> None:
    """The lab: tokenize (with lookups and chat templates), compare tokenizers, train one."""
    with gr.Tab(tr("tokenize.tab"), id=TASK.id), gr.Tabs():
        with gr.Tab(tr("tokenize.section")):
            _build_tokenize(ctx)
        tokenizer_compare.build_section(ctx)
        tokenizer_training.build_section(ctx)


def _build_tokenize(ctx: AppContext) -> None:
    with gr.Accordion(tr("common.about"), open=False):
        gr.Markdown(tr("tokenize.explain"))
    with gr.Row():
        with gr.Column():
            text = gr.Textbox(
                value=EXAMPLE_TEXT, label=tr("tokenize.text"), info=tr("tokenize.text_info"), lines=3, max_lines=12
            )
            text_pair = gr.Textbox(
                value="", label=tr("tokenize.text_pair"), info=tr("tokenize.text_pair_info"), lines=2
            )
            tokenizer, status = model_picker(TASK, ctx)
        with gr.Column():
            padding = gr.Radio([p.value for p in Padding], value="longest", label=tr("tokenize.padding"),
                               info=tr("tokenize.padding_info"))  # fmt: skip
            truncation = gr.Checkbox(value=True, label=tr("tokenize.truncation"))
            max_length = gr.Number(value=None, precision=0, label=tr("tokenize.max_length"),
                                   info=tr("tokenize.max_length_info"))  # fmt: skip
            special = gr.Checkbox(value=True, label=tr("tokenize.special"))
            run = gr.Button(tr("common.run"), variant="primary")
            status.render()  # under the button: see tabs/widgets/model_picker.py
    view = gr.HTML(
        label=tr("tokenize.view"), show_label=True, container=True, css_template=CSS, js_on_load=None, max_height=480
    )
    notice = gr.Markdown()
    with gr.Row():
        ids_table = gr.Dataframe(label=tr("tokenize.input_ids"))
        mask_table = gr.Dataframe(label=tr("tokenize.attention_mask"))
        types_table = gr.Dataframe(label=tr("tokenize.token_type_ids"))
    tensors = gr.Code(label=tr("tokenize.tensors"), language=None)
    raw, code = raw_and_code()
    link_button(
        ctx,
        TASK.id,
        {
            "text": text,
            "tokenizer": tokenizer,
            "padding": padding,
            "truncation": truncation,
            "max_length": max_length,
            "add_special_tokens": special,
            "text_pair": text_pair,
        },
        model_fields=("tokenizer",),
    )
    examples(
        [
            ["너는 내년 대선 때 투표할 수 있어?", "", TASK.default.id, "longest"],
            [EXAMPLE_TEXT, "", TASK.default.id, "longest"],
            ["I like apple\nIt was a waste of time.", "I like pear\nI felt very sad", TASK.default.id, "longest"],
            ["너는 내년 대선 때 투표할 수 있어?", "", TASK.model_for_language("ko").id, "longest"],
            [
                "Tokenizers split unbelievably long words.\n너는 내년 대선 때 투표할 수 있어?",
                "",
                BYTE_LEVEL,
                "do_not_pad",
            ],
        ],
        inputs=[text, text_pair, tokenizer, padding],
        headers=["Sentences · 문장", "Second sentences · 두 번째 문장", "Tokenizer · 토크나이저", "padding · 패딩"],
    )
    tokenizer_lookup.build_section(ctx, tokenizer)

    inputs = [text, tokenizer, padding, truncation, max_length, special, text_pair, ctx.language]
    outputs = [raw, view, notice, ids_table, mask_table, types_table, tensors, code]
    run_tokenize = make_handler(ctx)
    ran = run.click(run_tokenize, inputs=inputs, outputs=outputs, api_name="tokenize")
    refresh_status_after(ctx, tokenizer, ran)

    def rerun(text: str, *options):
        """Toggling an option re-tokenizes at once, so its effect is visible (nothing to do without text)."""
        if not (text or "").strip():
            return tuple(gr.skip() for _ in outputs)
        return run_tokenize(text, *options)

    def show_limit(name: str):
        """The number box cannot be empty in the browser: it shows the chosen tokenizer's own limit instead."""
        return limit_of(name, policy=ctx.policy) or gr.skip()

    gr.on(
        triggers=[ctx.blocks.load, tokenizer.change],
        fn=show_limit,
        inputs=tokenizer,
        outputs=max_length,
        api_visibility="private",
        queue=False,
    )
    gr.on(
        triggers=[padding.change, truncation.change, special.change, max_length.submit],
        fn=rerun,
        inputs=inputs,
        outputs=outputs,
        api_visibility="private",
    )
