"""Branch from any token: a click on a next-token candidate appends it to the prompt and generates on from there.

The candidates table lists the stored distribution's tokens in rank order, so the clicked row names the token
exactly as the tokenizer spells it (the table shows spaces as ␣; the prompt gets the real text). The tab chains
its own generation after the prompt changes (``.success``), so a student sees how one choice changes the rest.
"""

from typing import Any

import gradio as gr

from core.errors import BadInput
from core.generation.next_token import NextTokenDistribution
from core.public.fair_queue import HEAVY_GROUPS
from tabs.boundary import user_errors

#: How the tab's branched generation is queued: private, but in /generate's own concurrency group, so a class
#: clicking candidates shares the generation slots (and its batch) instead of taking a queue of its own. No limit
#: of its own: gradio keeps the lowest limit of a group, the one /generate sets.
AS_GENERATE: dict[str, Any] = {
    "api_visibility": "private",
    "concurrency_id": HEAVY_GROUPS["generate"].group,
    "concurrency_limit": None,
}

STRINGS = {
    "en": {
        "branch.hint": (
            "**Branch from any token:** click a row of the candidates table: that token is appended to your prompt "
            "and the model writes on from there, with the same settings."
        ),
    },
    "ko": {
        "branch.hint": (
            "**아무 토큰에서나 갈라지기:** 후보 토큰 표의 행을 누르면 그 토큰이 프롬프트 뒤에 붙고, 같은 설정으로 모델이 "
            "거기서부터 이어 써요."
        ),
    },
}


def chosen_row(evt: gr.SelectData) -> int | None:
    index = evt.index
    if isinstance(index, list | tuple) and index and isinstance(index[0], int):
        return index[0]
    return None


@user_errors
def append_candidate(
    text: str,
    distribution: NextTokenDistribution | None,
    language: str,
    evt: gr.SelectData,
    request: gr.Request = None,
) -> str:
    """The prompt with the clicked candidate's token appended (``language`` is for the message's language)."""
    row = chosen_row(evt)
    if distribution is None or row is None or not 0 <= row < len(distribution.ranked_tokens):
        raise BadInput(
            "Run the generation first: the candidates belong to the last run's prompt.",
            ko="먼저 생성을 실행하세요. 후보 토큰은 마지막 실행의 프롬프트에서 나와요.",
        )
    return (text or "") + distribution.ranked_tokens[row]


def branch_on_click(candidates: gr.Dataframe, text: gr.Textbox, distribution: gr.State, language: Any) -> Any:
    """Wire the click; the returned event is what the tab chains its generation after."""
    return candidates.select(
        append_candidate,
        inputs=[text, distribution, language],
        outputs=text,
        api_visibility="private",
        queue=False,
    )
