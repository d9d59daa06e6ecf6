"""The lab's lookups: token → id, ids → text, and chat messages through a chat template."""

from collections.abc import Callable

import gradio as gr

from core.tokenizers.lookup import chat_model, decode, render_chat, token_ids
from tabs.boundary import user_errors
from tabs.context import AppContext
from tabs.i18n import tr

STRINGS = {
    "en": {
        "tokenize.lookup": "Look up: token → id, ids → text",
        "tokenize.tokens": "Tokens (separated by spaces)",
        "tokenize.tokens_info": "e.g. hello ##ing [CLS] — tokenizer.vocab[token]",
        "tokenize.ids": "Ids",
        "tokenize.ids_info": "e.g. 101 7592 102 — tokenizer.decode(ids)",
        "tokenize.to_ids": "Token → id",
        "tokenize.to_text": "Ids → text",
        "tokenize.lookup_result": "Lookup result",
        "tokenize.chat": "Chat template: what a chat model really reads",
        "tokenize.messages": "Messages (one a line, role: text)",
        "tokenize.messages_info": "Roles: system, user, assistant",
        "tokenize.generation_prompt": "add_generation_prompt",
        "tokenize.render_chat": "Apply chat template",
        "tokenize.chat_text": "The text the template produced",
    },
    "ko": {
        "tokenize.lookup": "찾아보기: 토큰 → id, id → 문장",
        "tokenize.tokens": "토큰 (공백으로 구분)",
        "tokenize.tokens_info": "예: hello ##ing [CLS] — tokenizer.vocab[토큰]",
        "tokenize.ids": "id 목록",
        "tokenize.ids_info": "예: 101 7592 102 — tokenizer.decode(ids)",
        "tokenize.to_ids": "토큰 → id",
        "tokenize.to_text": "id → 문장",
        "tokenize.lookup_result": "찾아본 결과",
        "tokenize.chat": "채팅 템플릿: 채팅 모델이 실제로 읽는 글",
        "tokenize.messages": "메시지 (한 줄에 하나, 역할: 내용)",
        "tokenize.messages_info": "역할: system, user, assistant",
        "tokenize.generation_prompt": "add_generation_prompt (답변 시작 표시 추가)",
        "tokenize.render_chat": "채팅 템플릿 적용",
        "tokenize.chat_text": "템플릿이 만든 글",
    },
}


def make_handlers(ctx: AppContext) -> tuple[Callable, Callable, Callable]:
    """The /token_ids, /decode and /chat_template handlers."""

    @user_errors
    def run_token_ids(tokenizer: str, tokens: str, language: str = "auto", request: gr.Request = None) -> list:
        """Look up the vocabulary id of each token; the first (only) output is [{"token", "id"}, …], one per token, in order.

        Args:
            tokenizer: The tokenizer: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            tokens: Tokens exactly as the vocabulary spells them, separated by spaces or commas (e.g. [CLS] hello ##ing); a token missing from the vocabulary is an error.
        Returns:
            The raw JSON [{"token", "id"}, …].
        """
        return token_ids(tokenizer, tokens, policy=ctx.policy).to_json()

    @user_errors
    def run_decode(tokenizer: str, ids: str, language: str = "auto", request: gr.Request = None) -> dict:
        """Decode token ids back into text, like tokenizer.decode(ids); the first (only) output is {"ids", "tokens", "text", "text_without_special_tokens"}.

        Args:
            tokenizer: The tokenizer: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            ids: Token ids separated by spaces or commas, brackets allowed (e.g. 101 7592 102 or [101, 7592, 102]); each must be within the vocabulary.
        Returns:
            The raw JSON {"ids", "tokens", "text", "text_without_special_tokens"}.
        """
        return decode(tokenizer, ids, policy=ctx.policy).to_json()

    @user_errors
    def run_chat_template(
        tokenizer: str,
        messages: str,
        add_generation_prompt: bool = True,
        language: str = "auto",
        request: gr.Request = None,
    ) -> tuple:
        """Render a conversation through a tokenizer's chat template (what a chat model really reads); the first output is {"messages", "text", "tokens", "input_ids"}.

        Args:
            tokenizer: A tokenizer that has a chat template: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            messages: The conversation, one message a line as role: text, roles system, user or assistant.
            add_generation_prompt: True (default) appends the marker that starts the assistant's reply; False renders the messages only.
        Returns:
            The raw JSON {"messages", "text", "tokens", "input_ids"}; then the rendered text.
        """
        result = render_chat(tokenizer, messages, add_generation_prompt, policy=ctx.policy)
        return result.to_json(), result.text

    return run_token_ids, run_decode, run_chat_template


def build_section(ctx: AppContext, tokenizer: gr.Dropdown) -> None:
    """Two accordions under the tokenize section; lookups use the tokenizer chosen there."""
    with gr.Accordion(tr("tokenize.lookup"), open=False), gr.Row():
        tokens = gr.Textbox(label=tr("tokenize.tokens"), info=tr("tokenize.tokens_info"), value="[CLS] hello ##ing")
        ids = gr.Textbox(label=tr("tokenize.ids"), info=tr("tokenize.ids_info"), value="101 7592 2075 102")
        with gr.Column():
            to_ids = gr.Button(tr("tokenize.to_ids"))
            to_text = gr.Button(tr("tokenize.to_text"))
    lookup = gr.JSON(label=tr("tokenize.lookup_result"))
    with gr.Accordion(tr("tokenize.chat"), open=False):
        messages = gr.Textbox(label=tr("tokenize.messages"), info=tr("tokenize.messages_info"), lines=3,
                              value="system: You are a friendly tutor.\nuser: 토크나이저가 뭐예요?")  # fmt: skip
        chat_tokenizer = gr.Textbox(value=chat_model(), label=tr("tokenize.tokenizer"))
        generation_prompt = gr.Checkbox(value=True, label=tr("tokenize.generation_prompt"))
        render = gr.Button(tr("tokenize.render_chat"))
        chat_text = gr.Code(label=tr("tokenize.chat_text"), language=None)
        chat_raw = gr.JSON(label=tr("common.raw"))

    run_token_ids, run_decode, run_chat_template = make_handlers(ctx)
    to_ids.click(run_token_ids, inputs=[tokenizer, tokens, ctx.language], outputs=lookup, api_name="token_ids")
    to_text.click(run_decode, inputs=[tokenizer, ids, ctx.language], outputs=lookup, api_name="decode")
    render.click(
        run_chat_template,
        inputs=[chat_tokenizer, messages, generation_prompt, ctx.language],
        outputs=[chat_raw, chat_text],
        api_name="chat_template",
    )
