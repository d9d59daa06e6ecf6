"""Text generation tab: the text streams in token by token; the next-token panel shows what sampling does."""

from collections.abc import Callable, Iterator

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.errors import BadInput
from core.generation.generate import (
    MAX_NEW_TOKENS,
    MAX_RETURN_SEQUENCES,
    RANDOM_SEED,
    GenerationResult,
    GenerationSettings,
)
from core.generation.next_token import NextTokenDistribution, predict_next_token
from core.registry import get_task
from tabs import decoding, logit_lens, next_token_branch
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.generate_notice import generation_notice
from tabs.i18n import tr
from tabs.widgets.examples import examples
from tabs.widgets.knob_slider import knob_slider
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.next_token_view import CANDIDATE_HEADERS, next_token_views
from tabs.widgets.task_tab import raw_and_code, task_tab

TASK = get_task("generate")
KOREAN_MODEL = TASK.model_for_language("ko")
CHAT_MODEL = next(m for m in TASK.models if "chat" in m.note)

STRINGS = {
    "en": {
        "generate.tab": "✍️ Text generation",
        "generate.explain": (
            "**Text generation** writes one token at a time. For the text so far, the model gives every token of "
            "its vocabulary a probability of coming next; one is chosen, appended, and the step repeats until "
            "`max_new_tokens` or an end token. *Greedy* decoding (`do_sample` off) always takes the most likely "
            "token; *sampling* draws at random, shaped by `temperature` (below 1: safer, above 1: wilder), `top_k` "
            "(only the k most likely tokens may be drawn) and `top_p` (only the most likely tokens that together "
            "make up probability p). `repetition_penalty` above 1 makes tokens already in the text less likely. "
            "The same `seed` draws the same tokens again (−1 picks a new seed each run). "
            "A *chat/instruct* model (one whose tokenizer has a chat template) gets your text as a user message "
            "and answers; a *base* model such as GPT-2 simply continues your text."
        ),
        "generate.text": "Prompt",
        "generate.text_info": "A base model continues it; a chat model answers it",
        "generate.settings": "Generation settings",
        "generate.max_new_tokens": "max_new_tokens",
        "generate.max_new_tokens_info": "How many tokens to add at most",
        "generate.temperature": "temperature",
        "generate.temperature_info": "Below 1 sharpens the distribution, above 1 flattens it (sampling only)",
        "generate.top_k": "top_k",
        "generate.top_k_info": "Draw only from the k most likely tokens (0 = off)",
        "generate.top_p": "top_p",
        "generate.top_p_info": "Draw only from the smallest set of tokens whose probabilities add up to p",
        "generate.repetition_penalty": "repetition_penalty",
        "generate.repetition_penalty_info": "Above 1 discourages repeating tokens already in the text",
        "generate.num_return_sequences": "num_return_sequences",
        "generate.num_return_sequences_info": "How many different texts (sequence k uses seed + k)",
        "generate.do_sample": "do_sample (sampling; off = greedy)",
        "generate.seed": "seed",
        "generate.seed_info": "The same seed gives the same text; −1 picks a new one each run",
        "generate.stop": "Stop",
        "generate.output": "Generated text",
        "generate.model_text": "The prompt as the model sees it (chat template applied for chat models)",
        "generate.next": "### Next token: what the model would write after your prompt",
        "generate.next_explain": (
            "The left chart is the model's own probability for its 20 favourite next tokens. The right chart is "
            "the same tokens after `temperature` (and `repetition_penalty`); the orange ones are cut by `top_k` / "
            "`top_p`, so sampling can never draw them. Move the sliders and watch the right chart change: no need to "
            "run again."
        ),
        "generate.next_model": "Model probability (temperature 1)",
        "generate.next_shaped": "After temperature; cut by top-k / top-p",
        "generate.next_table": "Candidates",
    },
    "ko": {
        "generate.tab": "✍️ 텍스트 생성",
        "generate.explain": (
            "**텍스트 생성**은 토큰을 하나씩 써 나가요. 지금까지의 글을 보고 모델이 어휘의 모든 토큰에 '다음에 올 확률'을 "
            "매기면, 그중 하나를 골라 붙이고, `max_new_tokens`에 닿거나 끝 토큰이 나올 때까지 반복해요. "
            "*greedy* 디코딩(`do_sample` 끔)은 언제나 가장 확률 높은 토큰을 고르고, *샘플링*은 확률에 따라 무작위로 뽑아요. "
            "`temperature`(1보다 작으면 무난하게, 크면 과감하게), `top_k`(확률 상위 k개 토큰 중에서만 뽑기), "
            "`top_p`(확률을 더해 p가 될 때까지의 상위 토큰 중에서만 뽑기)가 그 분포를 바꿔요. "
            "`repetition_penalty`가 1보다 크면 이미 나온 토큰이 덜 나와요. 같은 `seed`면 같은 토큰을 다시 뽑아요"
            "(−1이면 실행할 때마다 새 seed). 토크나이저에 채팅 템플릿이 있는 *채팅/인스트럭트* 모델은 글을 사용자 메시지로 "
            "받아 대답하고, GPT-2 같은 *기본(base)* 모델은 글을 그대로 이어 써요."
        ),
        "generate.text": "프롬프트",
        "generate.text_info": "기본 모델은 이어 쓰고, 채팅 모델은 대답해요",
        "generate.settings": "생성 설정",
        "generate.max_new_tokens": "max_new_tokens (최대 새 토큰 수)",
        "generate.max_new_tokens_info": "최대 몇 개의 토큰을 덧붙일지",
        "generate.temperature": "temperature (온도)",
        "generate.temperature_info": "1보다 작으면 분포가 뾰족해지고, 크면 평평해져요 (샘플링할 때만)",
        "generate.top_k": "top_k (상위 k개)",
        "generate.top_k_info": "확률 상위 k개 토큰 중에서만 뽑아요 (0 = 끔)",
        "generate.top_p": "top_p (누적 확률 p)",
        "generate.top_p_info": "확률을 더해 p가 되는 가장 작은 토큰 집합에서만 뽑아요",
        "generate.repetition_penalty": "repetition_penalty (반복 벌점)",
        "generate.repetition_penalty_info": "1보다 크면 이미 나온 토큰을 덜 반복해요",
        "generate.num_return_sequences": "num_return_sequences (생성할 문장 수)",
        "generate.num_return_sequences_info": "서로 다른 문장을 몇 개 만들지 (k번째 문장은 seed + k)",
        "generate.do_sample": "do_sample (샘플링; 끄면 greedy)",
        "generate.seed": "seed (시드)",
        "generate.seed_info": "같은 seed면 같은 문장이 나와요. −1이면 매번 새 seed",
        "generate.stop": "멈추기",
        "generate.output": "생성된 텍스트",
        "generate.model_text": "모델이 실제로 보는 프롬프트 (채팅 모델은 채팅 템플릿 적용)",
        "generate.next": "### 다음 토큰: 프롬프트 다음에 모델이 쓸 토큰",
        "generate.next_explain": (
            "왼쪽 차트는 모델이 가장 유력하게 본 다음 토큰 20개와 그 확률이에요. 오른쪽 차트는 같은 토큰에 `temperature`"
            "(와 `repetition_penalty`)를 적용한 확률이고, 주황색 토큰은 `top_k`/`top_p`에서 잘려서 샘플링으로 절대 뽑히지 "
            "않아요. 슬라이더를 움직이면 다시 실행하지 않아도 오른쪽 차트가 바뀌어요."
        ),
        "generate.next_model": "모델의 확률 (temperature 1)",
        "generate.next_shaped": "temperature 적용 후, top-k / top-p로 잘린 토큰",
        "generate.next_table": "후보 토큰",
    },
}
for _language in STRINGS:
    for _section in (decoding, logit_lens, next_token_branch):
        STRINGS[_language].update(_section.STRINGS[_language])


def _shown_text(result: GenerationResult) -> str:
    if len(result.texts) == 1:
        return result.texts[0]
    return "\n\n".join(f"── {k + 1} · seed {result.settings.seed + k} ──\n{t}" for k, t in enumerate(result.texts))


def reshape_next_token(
    distribution: NextTokenDistribution | None,
    temperature: float,
    top_k: int,
    top_p: float,
    repetition_penalty: float,
    do_sample: bool,
) -> tuple:
    """Redraw the next-token panel for new slider values from the stored logits: no model call."""
    settings = GenerationSettings(
        temperature=float(temperature),
        top_k=int(top_k),
        top_p=float(top_p),
        repetition_penalty=float(repetition_penalty),
        do_sample=bool(do_sample),
    )
    try:
        settings.validate()
    except BadInput:  # a value out of range is explained when the student presses Run
        return gr.skip(), gr.skip(), gr.skip()
    return next_token_views(distribution, settings)


def make_handler(ctx: AppContext) -> Callable:
    """The /generate handler: a generator, so each new piece of text reaches the page as it is made."""

    @task_handler(ctx)
    def run_generate(
        text: str,
        model: str,
        max_new_tokens: int = 50,
        temperature: float = 1.0,
        top_k: int = 50,
        top_p: float = 1.0,
        repetition_penalty: float = 1.0,
        num_return_sequences: int = 1,
        do_sample: bool = True,
        seed: int = 42,
        *,
        call: CallContext,
    ) -> Iterator[tuple]:
        """Generate text from a prompt with a causal language model, streaming token by token; the first output is [{"generated_text"}, …] (the last value of the stream is final).

        Args:
            text: The prompt, up to 100,000 characters (the last 2,048 tokens are kept): a base model continues it, a chat model answers it.
            model: A causal language model (GPT-2, Llama, Qwen, …): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            max_new_tokens: Most tokens to add: 1 to 512, default 50.
            temperature: Sampling temperature, above 0 and at most 5 (the tab's slider: 0.05 to 2); default 1.0; ignored when do_sample is False.
            top_k: Sample only among the k likeliest tokens: 0 to 1000 (0 = off), default 50.
            top_p: Nucleus sampling: keep the likeliest tokens whose probabilities add up to top_p, above 0 and at most 1, default 1.0 (off).
            repetition_penalty: Penalty on tokens already in the text, above 0 and at most 3 (the tab's slider: 0.5 to 2); 1.0 (default) = off.
            num_return_sequences: How many continuations to generate: 1 to 4, default 1 (more than 1 needs do_sample).
            do_sample: True (default) samples each token; False is greedy decoding (always the likeliest token).
            seed: Random seed for sampling, -1 to 4294967295; -1 (or None) draws a new seed each run; default 42.
        Returns:
            The raw JSON [{"generated_text"}, …], the prompt plus the continuation (for a chat model, the conversation as messages); then the text shown, a notice, the text the model read, the next-token charts and table, and the Python code.
        """
        settings = GenerationSettings(
            max_new_tokens=int(max_new_tokens),
            temperature=float(temperature),
            top_k=int(top_k),
            top_p=float(top_p),
            repetition_penalty=float(repetition_penalty),
            num_return_sequences=int(num_return_sequences),
            do_sample=bool(do_sample),
            seed=int(seed) if seed is not None else RANDOM_SEED,  # an emptied seed box: a new seed each run
        )
        inputs = TaskInputs(text=text, model=model, options={"settings": settings})
        for ran in runner.stream(TASK.id, inputs, call):
            result = ran.result
            views = (
                result.to_json(),
                _shown_text(result),
                ran.notice(call.language, generation_notice),
                result.prompt.model_text,
            )
            if not result.done:
                # The next-token panel and code belong to the finished run: empty while it streams.
                # (None, not gr.skip(): gradio rebuilds a component for every skip, at every token.)
                yield (*views, *(None,) * 5)
        panel = (None,) * 4  # a hosted answer is text without the prompt's ids: no next-token panel
        if result.prompt.input_ids is not None:
            distribution = predict_next_token(model, result.prompt, device=call.device, policy=call.policy)
            panel = (*next_token_views(distribution, result.settings), distribution)
        yield (*views, *panel, ran.code)

    return run_generate


def build(ctx: AppContext) -> None:
    """The generation tab: prompt and knobs left, streamed text right, next-token panel and comparison below."""
    with task_tab("generate", TASK.id):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("generate.text"), info=tr("generate.text_info"), lines=4, max_lines=20)
                model, status = model_picker(TASK, ctx)
                with gr.Accordion(tr("generate.settings"), open=True):
                    max_new_tokens = knob_slider(
                        1,
                        MAX_NEW_TOKENS,
                        50,
                        step=1,
                        label=tr("generate.max_new_tokens"),
                        info=tr("generate.max_new_tokens_info"),
                    )
                    temperature = knob_slider(
                        0.05,
                        2.0,
                        1.0,
                        step=0.05,
                        label=tr("generate.temperature"),
                        info=tr("generate.temperature_info"),
                    )
                    top_k = knob_slider(0, 200, 50, step=1, label=tr("generate.top_k"), info=tr("generate.top_k_info"))
                    top_p = knob_slider(
                        0.05, 1.0, 1.0, step=0.05, label=tr("generate.top_p"), info=tr("generate.top_p_info")
                    )
                    repetition_penalty = knob_slider(
                        0.5,
                        2.0,
                        1.0,
                        step=0.05,
                        label=tr("generate.repetition_penalty"),
                        info=tr("generate.repetition_penalty_info"),
                    )
                    num_return_sequences = knob_slider(
                        1,
                        MAX_RETURN_SEQUENCES,
                        1,
                        step=1,
                        label=tr("generate.num_return_sequences"),
                        info=tr("generate.num_return_sequences_info"),
                    )
                    do_sample = gr.Checkbox(True, label=tr("generate.do_sample"))
                    seed = gr.Number(
                        42, precision=0, minimum=-1, label=tr("generate.seed"), info=tr("generate.seed_info")
                    )
                with gr.Row():
                    run = gr.Button(tr("common.run"), variant="primary")
                    stop = gr.Button(tr("generate.stop"), variant="stop")
                status.render()  # under the buttons: see tabs/widgets/model_picker.py
            with gr.Column():
                output = gr.Textbox(label=tr("generate.output"), lines=12, max_lines=30, interactive=False)
                notice = gr.Markdown()
                model_text = gr.Textbox(label=tr("generate.model_text"), lines=3, max_lines=10, interactive=False)
        gr.Markdown(tr("generate.next"))
        gr.Markdown(tr("generate.next_explain"))
        with gr.Row():
            model_plot = gr.Plot(label=tr("generate.next_model"), show_label=True)
            shaped_plot = gr.Plot(label=tr("generate.next_shaped"), show_label=True)
        gr.Markdown(tr("branch.hint"))
        candidates = gr.Dataframe(headers=CANDIDATE_HEADERS, label=tr("generate.next_table"), interactive=False)
        lens = logit_lens.build_section(ctx, text, model, api=True)
        distribution = gr.State(None)
        raw, code = raw_and_code()
        link_button(
            ctx,
            TASK.id,
            {
                "text": text,
                "model": model,
                "max_new_tokens": max_new_tokens,
                "temperature": temperature,
                "top_k": top_k,
                "top_p": top_p,
                "repetition_penalty": repetition_penalty,
                "num_return_sequences": num_return_sequences,
                "do_sample": do_sample,
                "seed": seed,
            },
        )
        examples(
            [
                ["Hello, I'm a language model,", TASK.default.id],
                ["Once upon a time, in a small village by the sea,", TASK.default.id],
                ["Explain what a tokenizer does in two sentences.", CHAT_MODEL.id],
                ["오늘 날씨가 좋아서", KOREAN_MODEL.id],
                ["허깅페이스 파이프라인을 처음 배울 때", KOREAN_MODEL.id],
            ],
            inputs=[text, model],
            headers=["Prompt · 프롬프트", "Model · 모델"],
        )
        decoding.build_section(ctx, text, model)

        knobs = [max_new_tokens, temperature, top_k, top_p, repetition_penalty, num_return_sequences, do_sample, seed]
        outputs = [raw, output, notice, model_text, model_plot, shaped_plot, candidates, distribution, code]
        event = run.click(
            make_handler(ctx),
            inputs=[text, model, *knobs, *settings_inputs(ctx)],
            outputs=outputs,
            api_name="generate",
        )
        lens.follow(event, run.click)
        branched = next_token_branch.branch_on_click(candidates, text, distribution, ctx.language).success(
            make_handler(ctx), [text, model, *knobs, *settings_inputs(ctx)], outputs, **next_token_branch.AS_GENERATE
        )
        lens.follow(branched)  # the lens reads the branched prompt too
        stop.click(None, cancels=[event, branched], api_visibility="private", queue=False)
        refresh_status_after(ctx, model, event)

        gr.on(
            triggers=[temperature.change, top_k.change, top_p.change, repetition_penalty.change, do_sample.change],
            fn=reshape_next_token,
            inputs=[distribution, temperature, top_k, top_p, repetition_penalty, do_sample],
            outputs=[model_plot, shaped_plot, candidates],
            api_visibility="private",
            trigger_mode="always_last",
        )
