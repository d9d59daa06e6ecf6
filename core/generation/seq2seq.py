"""The text-to-text steps shared by summarization and translation (v4's ``Text2TextGenerationPipeline``).

transformers 5 removed the summarization and translation pipelines; their common part is here:

- ``generation_plan``: the generation settings v4's pipeline would have used, in v4's order of
  priority: the pipeline's own defaults (``max_new_tokens=256, num_beams=4``), overridden by what
  the model's ``generation_config`` sets, overridden by the model's ``task_specific_params[task]``
  (where T5 keeps ``prefix="summarize: "`` and its beam settings), overridden by the user.
- ``encode`` (preprocess): prefix + text → ids, truncated to the model's window (with a note).
- ``stream`` (forward): ``model.generate``; with greedy search or sampling the words arrive one by
  one through a ``TextIteratorStreamer``; with beam search an empty "started" step comes first,
  then the finished text (transformers cannot stream beams).
- ``decode`` (postprocess): ids → text, special tokens skipped, spacing left as the model made it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import BadInput, WrongModelKind
from core.runtime.loading import LoadedModel
from core.validators import whole_number

#: transformers 4.57's ``Text2TextGenerationPipeline._default_generation_config``.
PIPELINE_DEFAULTS = {"max_new_tokens": 256, "num_beams": 4}
#: transformers' global default for ``max_length`` (a model that leaves it there did not choose one).
GLOBAL_MAX_LENGTH = 20
#: Bounds a student can choose from: past them generation is pointless or takes minutes on a CPU.
LIMITS = {"max_length": (1, 1024), "min_length": (0, 1024), "num_beams": (1, 8), "no_repeat_ngram_size": (0, 10)}


@dataclass(frozen=True)
class GenerationOptions:
    """What the user chose; ``None`` means "as the model and v4's pipeline would"."""

    max_length: int | None = None
    min_length: int | None = None
    num_beams: int | None = None
    do_sample: bool | None = None
    no_repeat_ngram_size: int | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class GenerationPlan:
    """The prefix and generation settings of one run, and where each setting came from."""

    prefix: str
    config: Any  # transformers GenerationConfig
    origins: dict[str, str] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        """The settings a student would pass to ``generate`` to get the same result."""
        keys = ("max_length", "max_new_tokens", "min_length", "num_beams", "do_sample", "no_repeat_ngram_size")
        keys += ("length_penalty", "early_stopping", "forced_bos_token_id")
        return {k: getattr(self.config, k) for k in keys if getattr(self.config, k, None) is not None}


@dataclass(frozen=True)
class Encoded:
    """Model inputs and what truncation did to them."""

    inputs: dict[str, Any]
    text: str  # the text the tokenizer saw (prefix included)
    tokens: int  # tokens of the whole input
    kept: int  # tokens the model saw

    @property
    def truncated(self) -> bool:
        return self.kept < self.tokens


def validate(options: GenerationOptions) -> GenerationOptions:
    """``options`` with its limits as ints (a slider may send 5.0); ``BadInput`` for limits outside what makes
    sense."""
    checked = {
        name: whole_number(getattr(options, name), f"`{name}`", low, high)
        for name, (low, high) in LIMITS.items()
        if getattr(options, name) is not None
    }
    options = replace(options, **checked)
    if options.max_length is not None and options.min_length is not None and options.min_length > options.max_length:
        raise BadInput(
            f"min_length ({options.min_length}) is larger than max_length ({options.max_length}). "
            "Lower min_length or raise max_length.",
            ko=f"min_length({options.min_length})가 max_length({options.max_length})보다 커요. "
            "min_length를 줄이거나 max_length를 늘리세요.",
        )
    return options


def require_seq2seq(loaded: LoadedModel) -> None:
    """An encoder-only or decoder-only model cannot summarize or translate: say so."""
    if not getattr(loaded.config, "is_encoder_decoder", False):
        raise WrongModelKind(
            f"'{loaded.source.name}' is not an encoder-decoder (sequence-to-sequence) model, so it cannot write a new "
            f"text from yours. Choose one such as {', '.join(m.id for m in loaded.task.models[:2])}.",
            ko=f"'{loaded.source.name}' 모델은 인코더-디코더(seq2seq) 모델이 아니라 새 문장을 써 낼 수 없어요. "
            f"{', '.join(m.id for m in loaded.task.models[:2])} 같은 모델을 고르세요.",
        )


def task_params(loaded: LoadedModel) -> dict[str, dict[str, Any]]:
    """The model's legacy ``task_specific_params`` table (T5 keeps its prefixes there), or ``{}``."""
    params = getattr(loaded.config, "task_specific_params", None)
    return params if isinstance(params, dict) else {}


def task_prefix(loaded: LoadedModel, task_key: str) -> str:
    """The text v4's pipeline put before the input for ``task_key``: the task's own ``prefix`` in
    ``task_specific_params`` (T5's "summarize: "), else the config's ``prefix``, else none."""
    specific = task_params(loaded).get(task_key) or {}
    if "prefix" in specific:
        return specific["prefix"] or ""
    return getattr(loaded.config, "prefix", None) or ""


def generation_plan(loaded: LoadedModel, task_key: str, options: GenerationOptions) -> GenerationPlan:
    """The prefix and settings v4's pipeline used for ``task_key`` ("summarization", "translation_en_to_de")."""
    model_config = loaded.model.generation_config
    config = copy.deepcopy(model_config)
    origins: dict[str, str] = {}
    for key, value in PIPELINE_DEFAULTS.items():
        if getattr(model_config, key, None) in (None, 1 if key == "num_beams" else None):
            setattr(config, key, value)
            origins[key] = "pipeline default"
    if (
        config.max_new_tokens == PIPELINE_DEFAULTS["max_new_tokens"]
        and model_config.max_length not in (None, GLOBAL_MAX_LENGTH)
        and origins.get("max_new_tokens")
    ):
        config.max_new_tokens = None  # the model chose a max_length: v4 honoured it
        origins.pop("max_new_tokens")
    prefix = task_prefix(loaded, task_key)
    specific = dict(task_params(loaded).get(task_key) or {})
    specific.pop("prefix", None)  # not a generation setting
    for key, value in specific.items():
        setattr(config, key, value)
        origins[key] = f"task_specific_params[{task_key!r}]"
    given = options.given()
    if "max_length" in given:
        config.max_new_tokens = None  # the user's max_length counts (v4 let a leftover max_new_tokens win)
        origins.pop("max_new_tokens", None)
    for key, value in given.items():
        setattr(config, key, value)
        origins[key] = "you"
    if config.pad_token_id is None and loaded.preprocessor.pad_token_id is not None:
        config.pad_token_id = loaded.preprocessor.pad_token_id
    _fit_decoder_positions(loaded, config, origins)
    return GenerationPlan(prefix=prefix, config=config, origins=origins)


def _fit_decoder_positions(loaded: LoadedModel, config: Any, origins: dict[str, str]) -> None:
    """A decoder with learned positions (BART, Marian) cannot write past them: cap the lengths there."""
    positions = getattr(loaded.config, "max_position_embeddings", None)
    if not isinstance(positions, int) or positions <= 1:
        return
    for key, cap in (("max_new_tokens", positions - 1), ("max_length", positions)):
        value = getattr(config, key, None)
        if value is not None and value > cap:
            setattr(config, key, cap)
            origins[key] = f"capped to the model's {positions} positions"


def model_window(loaded: LoadedModel) -> int:
    """The longest input the encoder takes: the tokenizer's limit, bounded by learned positions if any."""
    limits = [getattr(loaded.preprocessor, "model_max_length", None)]
    limits.append(getattr(loaded.config, "max_position_embeddings", None))
    usable = [int(x) for x in limits if isinstance(x, int) and 0 < x < 1_000_000]
    return min(usable) if usable else 512


def encode(loaded: LoadedModel, text: str, *, prefix: str = "", **tokenizer_kwargs: Any) -> Encoded:
    """Tokenize ``prefix + text`` for the encoder, cut to the model's window."""
    tokenizer = loaded.preprocessor
    full = prefix + text
    window = model_window(loaded)
    tokens = len(tokenizer(full, truncation=False, verbose=False, **tokenizer_kwargs)["input_ids"])
    inputs = tokenizer(full, truncation=True, max_length=window, return_tensors="pt", **tokenizer_kwargs)
    inputs.pop("token_type_ids", None)  # BERT-style tokenizers make them; generate does not take them
    return Encoded(inputs=dict(inputs), text=full, tokens=tokens, kept=int(inputs["input_ids"].shape[1]))


def decode(loaded: LoadedModel, output_ids: Any) -> str:
    """v4's postprocess: special tokens skipped, ``clean_up_tokenization_spaces=False``."""
    return loaded.preprocessor.decode(output_ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)


@dataclass(frozen=True)
class Step:
    """The output so far; the last step is ``done`` and carries the generated ids."""

    text: str
    done: bool = False
    token_ids: tuple[int, ...] = ()


def stream(loaded: LoadedModel, encoded: Encoded, plan: GenerationPlan, **extra: Any) -> Iterator[Step]:
    """Yield the text so far: word by word when the search allows it, else once at the end."""
    import torch

    inputs = {k: v.to(loaded.device) for k, v in encoded.inputs.items()}
    if (plan.config.num_beams or 1) > 1:  # transformers cannot stream beam search
        yield Step("")  # started: the text exists only when every beam has finished
        with torch.inference_mode():
            output = loaded.model.generate(**inputs, generation_config=plan.config, **extra)
        yield Step(decode(loaded, output[0]), True, tuple(output[0].tolist()))
        return

    from transformers import TextIteratorStreamer

    streamer = TextIteratorStreamer(loaded.preprocessor, skip_special_tokens=True, timeout=600)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with torch.inference_mode():
                result["ids"] = loaded.model.generate(
                    **inputs, generation_config=plan.config, streamer=streamer, **extra
                )
        except Exception as error:  # re-raised in the caller's thread
            result["error"] = error
            streamer.end()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    text = ""
    for piece in streamer:
        text += piece
        if text.strip():
            yield Step(text)
    worker.join()
    if "error" in result:
        raise result["error"]
    ids = result["ids"][0]
    yield Step(decode(loaded, ids), True, tuple(ids.tolist()))
