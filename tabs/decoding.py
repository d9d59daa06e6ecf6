"""The decoding comparison, a section of the generation tab: one prompt, 2–4 decoding settings side by side."""

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from core.generation.decoding import (
    COLUMNS,
    DEFAULT_ROWS,
    MAX_SETTINGS,
    ComparisonResult,
    compare_decoding,
    notebook_code,
)
from core.generation.generate import MAX_NEW_TOKENS
from tabs.boundary import user_errors
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.widgets.knob_slider import knob_slider
from tabs.widgets.task_tab import raw_and_code

STRINGS = {
    "en": {
        "decoding.title": "Compare decoding strategies",
        "decoding.explain": (
            "The same prompt, decoded two to four ways. **greedy** takes the most likely token at every step "
            "(often repeats itself); **beam** search follows `num_beams` candidate sentences at once and keeps the "
            "most likely whole sentence; **sample** draws each token at random after `temperature`, `top_k` "
            "(0 = off) and `top_p` reshape the distribution, with its own `seed`. Edit the table (2–4 rows), "
            "then compare."
        ),
        "decoding.settings": "Decoding settings (one row each: strategy = greedy, beam or sample)",
        "decoding.max_new_tokens": "max_new_tokens (for every setting)",
        "decoding.run": "Compare",
        "decoding.result": "Result",
    },
    "ko": {
        "decoding.title": "디코딩 방식 비교",
        "decoding.explain": (
            "같은 프롬프트를 두~네 가지 방식으로 생성해요. **greedy**는 매 단계 가장 확률 높은 토큰을 골라요(같은 말을 "
            "반복하기 쉬워요). **beam**(빔 서치)은 `num_beams`개의 후보 문장을 함께 따라가다 전체 확률이 가장 높은 "
            "문장을 골라요. **sample**은 `temperature`, `top_k`(0 = 끔), `top_p`로 분포를 바꾼 뒤 토큰을 무작위로 "
            "뽑아요(설정마다 `seed`). 표를 고치고(2~4줄) 비교를 눌러 보세요."
        ),
        "decoding.settings": "디코딩 설정 (한 줄에 하나: strategy = greedy, beam, sample)",
        "decoding.max_new_tokens": "max_new_tokens (모든 설정에 공통)",
        "decoding.run": "비교하기",
        "decoding.result": "결과",
    },
}


def _columns(result: ComparisonResult) -> list[Any]:
    """One textbox per setting: visible with its label and text when the setting exists, hidden otherwise."""
    updates = []
    for index in range(MAX_SETTINGS):
        if index >= len(result.settings):
            updates.append(gr.Textbox(value="", visible=False))
            continue
        setting = result.settings[index]
        done = index < len(result.outcomes)
        text = result.outcomes[index].generated_text if done else "…"
        label = setting.label() + (f" · {result.outcomes[index].seconds:.2f} s" if done else "")
        updates.append(gr.Textbox(value=text, label=label, visible=True))
    return updates


def make_handler(ctx: AppContext) -> Callable:
    """The /compare_decoding handler: yields after each setting finishes, so the columns fill in one by one."""

    @user_errors
    def run_compare(
        text: str,
        model: str,
        settings: Any = None,
        max_new_tokens: int = 30,
        device: str = "auto",
        language: str = "auto",
        request: gr.Request = None,
    ) -> Iterator[tuple]:
        """Generate from one prompt with 2 to 4 decoding settings (greedy, beam search, sampling) one after another; the first output is {"prompt", "results": [{"setting", "generated_text", "new_tokens", "seconds"}, …]}.

        Args:
            text: The prompt, up to 100,000 characters: a base model continues it, a chat model answers it (through its chat template).
            model: A causal language model (GPT-2, Llama, …): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            settings: 2 to 4 rows of [strategy, num_beams, temperature, top_k, top_p, seed], strategy greedy, beam (num_beams 2 to 8) or sample, as a list of rows or {"headers": [...], "data": [[...], ...]}; None (default) = greedy, beam 4, sample at temperature 0.7 and at 1.5.
            max_new_tokens: New tokens per setting: 1 to 512, default 30.
        Returns:
            The raw JSON (streamed: one result is added as each setting finishes); then one text box per setting, and the Python code at the end.
        """
        rows = _rows(settings)
        result = None
        for result in compare_decoding(text, model, rows, int(max_new_tokens), device=device, policy=ctx.policy):
            yield result.to_json(), *_columns(result), gr.skip()
        code = notebook_code(
            result.model, result.prompt.text, result.settings, int(max_new_tokens), result.prompt.chat
        )
        yield result.to_json(), *_columns(result), code

    return run_compare


def _rows(settings: Any) -> list[list[Any]]:
    """The table's rows, whether they came from the page (a list, or a DataFrame) or the API (a dict)."""
    if settings is None:
        return DEFAULT_ROWS
    if isinstance(settings, dict):
        return settings.get("data") or []
    if hasattr(settings, "values") and hasattr(settings, "columns"):
        return settings.values.tolist()
    return list(settings)


def build_section(ctx: AppContext, text: gr.Textbox, model: gr.Dropdown) -> None:
    """The comparison, under the generation tab's panels; it reuses the tab's prompt and model."""
    with gr.Accordion(tr("decoding.title"), open=True):
        gr.Markdown(tr("decoding.explain"))
        table = gr.Dataframe(
            value=DEFAULT_ROWS,
            headers=list(COLUMNS),
            datatype=["str", "number", "number", "number", "number", "number"],
            type="array",
            interactive=True,
            label=tr("decoding.settings"),
        )
        max_new_tokens = knob_slider(1, MAX_NEW_TOKENS, 30, step=1, label=tr("decoding.max_new_tokens"))
        run = gr.Button(tr("decoding.run"), variant="primary")
        with gr.Row():
            columns = [
                gr.Textbox(label=tr("decoding.result"), lines=8, interactive=False) for _ in range(MAX_SETTINGS)
            ]
        raw, code = raw_and_code()
        run.click(
            make_handler(ctx),
            inputs=[text, model, table, max_new_tokens, ctx.device, ctx.language],
            outputs=[raw, *columns, code],
            api_name="compare_decoding",
        )
