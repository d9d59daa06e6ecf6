"""The lab's compare section: one text, several tokenizers, side by side (counts, length, unknowns)."""

from collections.abc import Callable

import gradio as gr
import pandas as pd

from core.tokenizers.compare import Comparison, compare, notebook_code
from core.tokenizers.tokenize import TASK
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.literal import md_literal
from tabs.widgets.examples import examples
from tabs.widgets.open_dropdown import open_dropdown
from tabs.widgets.task_tab import raw_and_code
from tabs.widgets.token_view import CSS, escape_html

#: Tokens drawn per tokenizer in the side-by-side view.
SHOWN = 80
HEADERS = ["tokenizer", "kind", "tokens", "chars / token", "unknown", "unknown rate", "vocabulary"]

STRINGS = {
    "en": {
        "tokenizer_compare.section": "Compare tokenizers",
        "tokenizer_compare.explain": (
            "The same text through several tokenizers. Fewer tokens means the model reads more text in its window; "
            "`[UNK]` means information lost. The **word-level** and **character-level** rows use the vocabulary of "
            "the lab's sample corpus: a word (or character) it never saw is unknown. Try Korean: an English "
            "WordPiece vocabulary breaks each syllable into jamo or `[UNK]`, word-level misses every new "
            "word-with-particle, while a Korean subword tokenizer (kcbert) keeps both count and unknowns low."
        ),
        "tokenizer_compare.text": "Text",
        "tokenizer_compare.tokenizers": "Tokenizers",
        "tokenizer_compare.tokenizers_info": "Hub ids are downloaded once (a few MB each); word- and character-level always run",
        "tokenizer_compare.table": "Side by side",
        "tokenizer_compare.tokens": "The tokens",
    },
    "ko": {
        "tokenizer_compare.section": "토크나이저 비교",
        "tokenizer_compare.explain": (
            "같은 문장을 여러 토크나이저에 넣어 봐요. 토큰이 적을수록 모델이 한 번에 더 많은 글을 읽고, `[UNK]`는 "
            "정보를 잃었다는 뜻이에요. **단어 단위**와 **글자 단위** 행은 실험실 예시 말뭉치의 어휘를 써서, "
            "본 적 없는 단어(글자)는 모르는 토큰이 돼요. 한국어를 넣어 보세요: 영어 WordPiece 사전은 음절을 자모나 "
            "`[UNK]`로 쪼개고, 단어 단위는 조사가 붙은 새 단어를 모두 놓치지만, 한국어 서브워드 토크나이저(kcbert)는 "
            "토큰 수도 모르는 토큰도 적어요."
        ),
        "tokenizer_compare.text": "문장",
        "tokenizer_compare.tokenizers": "토크나이저",
        "tokenizer_compare.tokenizers_info": "Hub id는 처음 한 번 내려받아요(각 몇 MB). 단어·글자 단위는 항상 실행돼요",
        "tokenizer_compare.table": "나란히 비교",
        "tokenizer_compare.tokens": "토큰들",
    },
}


def _table(result: Comparison, language: str) -> pd.DataFrame:
    rows = []
    for row in result.rows:
        if row.error is not None:
            rows.append([row.name, "⚠️ " + row.error.title(language), "", "", "", "", ""])
        else:
            rate = f"{row.unknown_rate:.1%}" if row.unknown_rate is not None else ""
            rows.append([row.name, row.kind, row.count, row.chars_per_token, row.unknown, rate, row.vocab_size])
    return pd.DataFrame(rows, columns=HEADERS)


def _problems(result: Comparison, language: str) -> str:
    """The full message of each tokenizer that could not run (the table shows only its title)."""
    return "\n\n".join(
        f"⚠️ **{md_literal(row.name)}**: {md_literal(row.error.text(language))}" for row in result.rows if row.error
    )


def _tokens_html(result: Comparison) -> str:
    lines = []
    for row in result.rows:
        if row.error is not None:
            continue
        chips = "".join(
            f'<span class="tok {"unk" if t == "[UNK]" else ""}" style="background:#e0e7ff">'
            f'<span class="str">{escape_html(t)}</span></span>'
            for t in row.tokens[:SHOWN]
        )
        more = f" … +{row.count - SHOWN}" if row.count > SHOWN else ""
        lines.append(
            f'<div class="seq"><div class="seq-head">{escape_html(row.name)} · {row.count}</div>{chips}{more}</div>'
        )
    return f'<div class="tokview">{"".join(lines)}</div>'


def make_handler(ctx: AppContext) -> Callable:
    """The /compare_tokenizers handler."""

    @user_errors
    def run_compare(
        text: str, tokenizers: list[str] | None = None, language: str = "auto", request: gr.Request = None
    ) -> tuple:
        """Split one text with several tokenizers, plus a word-level and a character-level split, and compare token counts; the first output is {"text", "tokenizers": [{"tokenizer", "kind", "num_tokens", …}, …]}.

        Args:
            text: The text to split: one text, up to 100,000 characters.
            tokenizers: Up to 8 tokenizers, a list (or a comma-separated string) of Hub model ids (org/name) or, outside public mode, local folders saved with save_pretrained; None (default) = the tab's list.
        Returns:
            The raw JSON: per tokenizer {"tokenizer", "kind", "num_tokens", "chars_per_token", "unknown_tokens", "unknown_rate", "vocab_size", "tokens"} or {"tokenizer", "error"} when it could not load; then a table, the problems, the tokens and the Python code.
        """
        result = compare(text, tokenizers, policy=ctx.policy)
        language = resolve_language(language, request)
        return (
            result.to_json(),
            _table(result, language),
            _problems(result, language),
            _tokens_html(result),
            notebook_code(result),
        )

    return run_compare


def build_section(ctx: AppContext) -> None:
    with gr.Tab(tr("tokenizer_compare.section")):
        gr.Markdown(tr("tokenizer_compare.explain"))
        text = gr.Textbox(
            label=tr("tokenizer_compare.text"), lines=2, value="우리 반 친구들은 요즘 갓생 살기에 진심이에요."
        )
        tokenizers = open_dropdown(
            choices=[(m.describe(), m.id) for m in TASK.models],
            value=[m.id for m in TASK.models],
            multiselect=True,
            label=tr("tokenizer_compare.tokenizers"),
            info=tr("tokenizer_compare.tokenizers_info"),
        )
        run = gr.Button(tr("common.run"), variant="primary")
        table = gr.Dataframe(headers=HEADERS, label=tr("tokenizer_compare.table"), wrap=True)
        problems = gr.Markdown()
        tokens = gr.HTML(
            label=tr("tokenizer_compare.tokens"), show_label=True, container=True, css_template=CSS, js_on_load=None
        )
        raw, code = raw_and_code()
        examples(
            [
                ["너는 내년 대선 때 투표할 수 있어?"],
                ["우리 반 친구들은 요즘 갓생 살기에 진심이에요."],
                ["It was a very informative, fun and enjoyable time."],
                ["Tokenization of unbelievably uncommon neologisms like doomscrolling"],
            ],
            inputs=[text],
            headers=["Text · 문장"],
        )
        run.click(
            make_handler(ctx),
            inputs=[text, tokenizers, ctx.language],
            outputs=[raw, table, problems, tokens, code],
            api_name="compare_tokenizers",
        )
