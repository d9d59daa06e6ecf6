"""Text generation: the course's ``pipeline("text-generation")``, streamed token by token and reproducible.

The steps are the pipeline's: ``prepare_prompt`` (text → ids: the chat template for a
chat/instruct model, plain continuation for a base model, cut to the model's window),
``generate`` (ids → new ids, with a real ``TextIteratorStreamer`` so text reaches the page
as it is made), and ``to_json`` (the pipeline's own output shape). A seed makes sampling
repeatable: sequence ``k`` is sampled with ``seed + k``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import BadInput
from core.generation.batch_cache import Unbatchable
from core.generation.batched import stream_batched
from core.generation.batcher import Waiting, batching_enabled
from core.inputs.text import require_text
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.validators import whole_number

TASK = get_task("generate")

MAX_NEW_TOKENS = 512
MAX_RETURN_SEQUENCES = 4
MAX_TEMPERATURE = 5.0
MAX_TOP_K = 1000
MAX_REPETITION_PENALTY = 3.0
MAX_BEAMS = 8
MAX_SEED = 2**32 - 1
#: Longer prompts keep their last tokens only: a CPU reads 2,048 tokens in seconds, a model's full
#: 8k-128k window in minutes, and a playground answer should not hang.
MAX_PROMPT_TOKENS = 2048
#: ``seed=-1`` asks for a fresh seed; the one drawn is reported so the run can be repeated.
RANDOM_SEED = -1

#: torch samples from one process-wide random generator: two seeded runs at once would interleave
#: their draws and neither would be reproducible. Generations take turns (on a CPU they would anyway).
_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class GenerationSettings:
    """The knobs of ``model.generate`` a student turns, with the pipeline's meaning for each."""

    max_new_tokens: int = 50
    temperature: float = 1.0
    top_k: int = 50
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    num_return_sequences: int = 1
    do_sample: bool = True
    seed: int = 42
    num_beams: int = 1

    def validate(self) -> None:
        """Raise ``BadInput`` naming the first setting outside its range and the range itself."""
        whole_number(self.max_new_tokens, "`max_new_tokens`", 1, MAX_NEW_TOKENS)
        whole_number(
            self.top_k, "`top_k`", 0, MAX_TOP_K, hint="0 turns top-k off.", hint_ko="0이면 top-k를 쓰지 않아요."
        )
        whole_number(self.num_return_sequences, "`num_return_sequences`", 1, MAX_RETURN_SEQUENCES)
        whole_number(self.num_beams, "`num_beams`", 1, MAX_BEAMS)
        whole_number(
            self.seed,
            "`seed`",
            RANDOM_SEED,
            MAX_SEED,
            hint=f"{RANDOM_SEED} draws a new seed each run.",
            hint_ko=f"{RANDOM_SEED}이면 실행할 때마다 새 시드를 뽑아요.",
        )
        # Both exclude 0, which a range from low to high cannot say.
        checks = [
            (0 < self.top_p <= 1, "top_p", self.top_p, "greater than 0 and at most 1"),
            (
                0 < self.repetition_penalty <= MAX_REPETITION_PENALTY,
                "repetition_penalty",
                self.repetition_penalty,
                f"greater than 0 and at most {MAX_REPETITION_PENALTY} (1.0 = off)",
            ),
        ]
        for ok, name, value, allowed in checks:
            if not ok:
                raise BadInput(
                    f"{name} is {value}, outside its range: use {allowed}.",
                    ko=f"{name}에 준 {value} 값은 범위를 벗어났어요. {allowed} 사이로 정해 주세요.",
                )
        if self.do_sample and not 0 < self.temperature <= MAX_TEMPERATURE:
            raise BadInput(
                f"temperature is {self.temperature}: with sampling it must be greater than 0 and at most "
                f"{MAX_TEMPERATURE}. For always-the-most-likely-token output, turn do_sample off (greedy decoding) "
                "instead of setting temperature to 0.",
                ko=f"temperature {self.temperature}: 샘플링할 때는 0보다 크고 {MAX_TEMPERATURE} 이하여야 해요. "
                "항상 가장 확률 높은 토큰을 고르려면 temperature를 0으로 두지 말고 do_sample을 끄세요(greedy).",
            )
        if self.num_return_sequences > 1 and not self.do_sample:
            raise BadInput(
                f"num_return_sequences is {self.num_return_sequences} but do_sample is off: greedy decoding gives "
                "the same text every time. Turn do_sample on to get different sequences.",
                ko=f"num_return_sequences가 {self.num_return_sequences}인데 do_sample이 꺼져 있어요. greedy는 매번 같은 "
                "문장을 만들어요. 서로 다른 문장을 보려면 do_sample을 켜세요.",
            )

    def with_seed(self) -> GenerationSettings:
        """These settings with a concrete seed (``-1`` replaced by a freshly drawn one)."""
        if self.seed != RANDOM_SEED:
            return self
        return replace(self, seed=random.randrange(MAX_SEED))

    def generate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``model.generate`` / the pipeline; sampling knobs only when sampling."""
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "do_sample": self.do_sample}
        if self.do_sample:
            kwargs.update(temperature=self.temperature, top_k=self.top_k, top_p=self.top_p)
        if self.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = self.repetition_penalty
        if self.num_beams > 1:
            kwargs["num_beams"] = self.num_beams
        return kwargs


@dataclass(frozen=True)
class PromptTruncation:
    """The prompt had ``tokens`` tokens; only the last ``kept`` fit the window beside the new tokens."""

    tokens: int
    kept: int
    window: int


@dataclass
class Prompt:
    """What the model is given: the user's text, and the exact ids (chat template applied or not)."""

    text: str
    chat: bool
    input_ids: Any
    attention_mask: Any
    model_text: str
    truncation: PromptTruncation | None = None

    @property
    def length(self) -> int:
        return int(self.input_ids.shape[-1])


def is_chat_model(tokenizer: Any) -> bool:
    """A chat/instruct model ships a chat template with its tokenizer; a base model does not."""
    return bool(getattr(tokenizer, "chat_template", None))


def context_window(loaded: LoadedModel) -> int | None:
    """How many tokens (prompt + new) the model can attend to, from its config."""
    for name in ("max_position_embeddings", "n_positions", "n_ctx"):
        value = getattr(loaded.config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _encode(tokenizer: Any, text: str, chat: bool) -> dict[str, Any]:
    if chat:
        return tokenizer.apply_chat_template(
            [{"role": "user", "content": text}], add_generation_prompt=True, return_dict=True, return_tensors="pt"
        )
    # As the text-generation pipeline does: no special tokens around a plain prompt.
    return tokenizer(text, add_special_tokens=False, return_tensors="pt")


def prepare_prompt(loaded: LoadedModel, text: str, max_new_tokens: int) -> Prompt:
    """Tokenize ``text`` for this model; keep its end when it does not fit the window (and say so)."""
    tokenizer = loaded.preprocessor
    chat = is_chat_model(tokenizer)
    window = context_window(loaded)
    if window is not None and max_new_tokens >= window:
        raise BadInput(
            f"max_new_tokens is {max_new_tokens}, but this model sees at most {window} tokens in all "
            f"(prompt + new tokens). Choose max_new_tokens below {window}.",
            ko=f"max_new_tokens가 {max_new_tokens}인데, 이 모델은 프롬프트와 새 토큰을 합쳐 {window}토큰까지만 봐요. "
            f"{window}보다 작게 정해 주세요.",
        )
    budget = min(window - max_new_tokens, MAX_PROMPT_TOKENS) if window is not None else MAX_PROMPT_TOKENS
    encoded = _encode(tokenizer, text, chat)
    truncation = None
    if encoded["input_ids"].shape[-1] > budget:
        # Like the pipeline's handle_long_generation="hole": the end of the text is what the next token follows.
        text_ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        overhead = encoded["input_ids"].shape[-1] - len(text_ids)
        keep = max(1, budget - overhead)
        truncation = PromptTruncation(tokens=len(text_ids), kept=keep, window=window or budget)
        text = tokenizer.decode(text_ids[-keep:])
        encoded = _encode(tokenizer, text, chat)
        if encoded["input_ids"].shape[-1] > budget:  # re-tokenizing can merge differently
            encoded = {key: value[:, -budget:] for key, value in encoded.items()}
    ids = encoded["input_ids"].to(loaded.device)
    mask = encoded.get("attention_mask")
    return Prompt(
        text=text,
        chat=chat,
        input_ids=ids,
        attention_mask=mask.to(loaded.device) if mask is not None else None,
        model_text=tokenizer.decode(ids[0]),
        truncation=truncation,
    )


@dataclass
class GenerationResult:
    """The generated text so far (one string per sequence), and how the run went."""

    prompt: Prompt
    settings: GenerationSettings
    texts: list[str] = field(default_factory=list)
    model: str = ""
    device: str = "cpu"
    done: bool = False
    seconds: float = 0.0
    first_token_seconds: float | None = None
    new_tokens: int = 0
    #: While every row of the model's batch is taken: this request's place in line and a guess of the wait.
    waiting: Waiting | None = None

    def to_json(self) -> list[dict[str, Any]]:
        """The pipeline's shape: the prompt plus the continuation, or for a chat model the conversation."""
        if self.prompt.chat:
            user = {"role": "user", "content": self.prompt.text}
            return [{"generated_text": [user, {"role": "assistant", "content": t}]} for t in self.texts]
        return [{"generated_text": self.prompt.text + t} for t in self.texts]


def _pad_token_id(tokenizer: Any) -> int | None:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


class _Watcher:
    """A stopping criterion that never stops on its own: it counts tokens, and stops when the reader went away."""

    def __init__(self, cancelled: threading.Event) -> None:
        self.cancelled = cancelled
        self.length = 0

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        self.length = int(input_ids.shape[-1])
        return torch.full((input_ids.shape[0],), self.cancelled.is_set(), dtype=torch.bool, device=input_ids.device)


def seeded_generate(loaded: LoadedModel, prompt: Prompt, settings: GenerationSettings, seed: int, **extra: Any) -> Any:
    """``model.generate`` on the prompt, after ``set_seed(seed)``, one generation at a time."""
    from transformers import set_seed

    with _RNG_LOCK:
        set_seed(seed)
        return loaded.model.generate(
            input_ids=prompt.input_ids,
            attention_mask=prompt.attention_mask,
            pad_token_id=_pad_token_id(loaded.preprocessor),
            **settings.generate_kwargs(),
            **extra,
        )


def _stream_one(
    loaded: LoadedModel, prompt: Prompt, settings: GenerationSettings, seed: int, watcher: _Watcher
) -> Iterator[str]:
    """Pieces of text as ``generate`` makes them, from a generation running in its own thread."""
    from transformers import StoppingCriteriaList, TextIteratorStreamer

    streamer = TextIteratorStreamer(loaded.preprocessor, skip_prompt=True, skip_special_tokens=True)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            stop = StoppingCriteriaList([watcher])
            seeded_generate(loaded, prompt, settings, seed, streamer=streamer, stopping_criteria=stop)
        except BaseException as error:  # handed to the reader below, which re-raises it
            failures.append(error)
            streamer.end()

    thread = threading.Thread(target=run, name="generate", daemon=True)
    thread.start()
    try:
        yield from streamer
    finally:
        watcher.cancelled.set()  # the reader left early (e.g. the browser closed): stop at the next token
        thread.join()
    if failures:
        raise failures[0]


def stream_generate(
    text: str,
    model: str = TASK.default.id,
    settings: GenerationSettings = GenerationSettings(),  # noqa: B008 (frozen dataclass)
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> Iterator[GenerationResult]:
    """Generate from ``text`` with ``model``, yielding the result each time new text arrives; the last is done."""
    text = require_text(text)
    settings.validate()
    settings = settings.with_seed()
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    prompt = prepare_prompt(loaded, text, settings.max_new_tokens)
    result = GenerationResult(prompt=prompt, settings=settings, model=loaded.source.name, device=loaded.device)
    started = time.perf_counter()
    if batches(settings):
        try:
            yield from _stream_in_batch(loaded, prompt, settings, result, started)
            return
        except Unbatchable:  # this model's cache cannot join a batch: it generates alone below
            pass
    for k in range(settings.num_return_sequences):
        result.texts.append("")
        watcher = _Watcher(threading.Event())
        for piece in _stream_one(loaded, prompt, settings, settings.seed + k, watcher):
            # The streamer hands over a piece, often empty while a word is unfinished, for every new token.
            if result.first_token_seconds is None:
                result.first_token_seconds = time.perf_counter() - started
            elif not piece:
                continue
            result.texts[k] += piece
            result.seconds = time.perf_counter() - started
            yield replace(result, texts=list(result.texts))  # a snapshot: the reader may keep it
        result.new_tokens += max(0, watcher.length - prompt.length)
    result.seconds = time.perf_counter() - started
    result.done = True
    yield result


def batches(settings: GenerationSettings) -> bool:
    """Sampling and greedy runs share the model's decoding steps; beam search (and batching switched off) runs
    alone on ``model.generate``, as does a model whose cache cannot be batched (see core.generation.batcher)."""
    return settings.num_beams == 1 and batching_enabled()


def _stream_in_batch(
    loaded: LoadedModel, prompt: Prompt, settings: GenerationSettings, result: GenerationResult, started: float
) -> Iterator[GenerationResult]:
    """The sequences (seed, seed + 1, …) as rows of the model's batch; a snapshot each time text arrives."""
    seeds = [settings.seed + k for k in range(settings.num_return_sequences)]
    for update in stream_batched(loaded, prompt.input_ids, settings.generate_kwargs(), seeds):
        result.waiting = update.waiting
        if update.done:
            result.new_tokens = update.new_tokens
            result.texts = list(update.texts)
            break
        if update.first_token_at is not None and result.first_token_seconds is None:
            result.first_token_seconds = update.first_token_at - started
        result.texts = list(update.texts)
        result.seconds = time.perf_counter() - started
        yield replace(result, texts=list(result.texts))  # a snapshot: the reader may keep it
    result.seconds = time.perf_counter() - started
    result.done = True
    yield result


def generate(
    text: str, model: str = TASK.default.id, settings: GenerationSettings = GenerationSettings(), **kw
) -> GenerationResult:  # noqa: B008
    """The finished result of :func:`stream_generate` (what a notebook's pipeline call returns)."""
    *_, last = stream_generate(text, model, settings, **kw)
    return last


def notebook_code(model: str, text: str, settings: GenerationSettings, chat: bool) -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter)."""
    kwargs = ", ".join(f"{k}={v!r}" for k, v in settings.generate_kwargs().items())
    prompt = f"[{{'role': 'user', 'content': {text!r}}}]" if chat else repr(text)
    how = "a chat model: the pipeline applies its chat template" if chat else "a base model: plain continuation"
    lines = [
        "from transformers import pipeline, set_seed",
        "",
        f"generator = pipeline('text-generation', model={model!r})",
        f"prompt = {prompt}  # {how}",
        "",
    ]
    if settings.num_return_sequences == 1:
        lines += [
            f"set_seed({settings.seed})  # the same seed gives the same text",
            f"out = generator(prompt, {kwargs})",
            "print(out[0]['generated_text'])",
        ]
    else:
        lines += [
            f"for k in range({settings.num_return_sequences}):  # sequence k uses seed {settings.seed} + k",
            f"    set_seed({settings.seed} + k)",
            f"    out = generator(prompt, {kwargs})",
            "    print(out[0]['generated_text'])",
        ]
    lines += [
        "",
        "# Streaming, as this app does: generate in a thread and read the text as it is made.",
        "# from threading import Thread; from transformers import TextIteratorStreamer",
        "# streamer = TextIteratorStreamer(generator.tokenizer, skip_prompt=True, skip_special_tokens=True)",
        "# inputs = generator.tokenizer(prompt, return_tensors='pt')  # (apply_chat_template for a chat model)",
        f"# Thread(target=generator.model.generate, kwargs=dict(**inputs, streamer=streamer, {kwargs})).start()",
        "# for piece in streamer: print(piece, end='', flush=True)",
    ]
    return "\n".join(lines) + "\n"
