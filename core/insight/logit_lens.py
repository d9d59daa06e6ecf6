"""The logit lens: what the model would predict if it stopped after each layer.

A decoder's hidden state at the last position, put through the model's own final norm and LM head,
gives a next-token distribution; doing that for the embeddings and after every layer shows the
prediction forming layer by layer (nostalgebraist, 2020). The last row is the model's own output.
For a masked LM the same is read at the mask, through the MLM head (its transform and decoder).

transformers returns ``hidden_states[-1]`` *after* the final norm (``capture_outputs`` replaces it with
``last_hidden_state``; GPT-2's ``ln_f`` is applied there), so the norm goes on every row but the last.
That is checked on every call: the last row, read the same way, must give the model's own logits;
when it does not, the lens refuses rather than show made-up rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from core.call import CallContext
from core.errors import BadInput, WrongModelKind
from core.generation.generate import is_chat_model, prepare_prompt
from core.inputs.text import require_text
from core.inputs.token_window import Truncation
from core.insight import local_only
from core.localized import Localized
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.validators import whole_number

DECODER_TASK = get_task("generate")
MASKED_TASK = get_task("fill_mask")
#: The lens reads at most this many tokens (a decoder keeps the text's end, a masked LM its start).
MAX_LENS_TOKENS = 256
MAX_TOP_K = 20
DEFAULT_TOP_K = 5
#: Where a decoder keeps its final norm, under the base model (or its ``decoder``): GPT-2/Falcon ``ln_f``,
#: Llama/Mistral/Qwen ``norm``, OPT/GPT-NeoX ``final_layer_norm``, Phi ``final_layernorm``.
FINAL_NORM_NAMES = ("ln_f", "norm", "final_layer_norm", "final_layernorm", "norm_f")
#: A masked LM's head as one module: BERT ``cls``, RoBERTa/XLM-R ``lm_head``.
MLM_HEAD_NAMES = ("cls", "lm_head")
#: DistilBERT's head as separate modules, applied in this order.
DISTILBERT_HEAD = ("vocab_transform", "activation", "vocab_layer_norm", "vocab_projector")
#: How far (in logits) the lens's last row may be from the model's own before the reading is refused.
AGREEMENT = 1e-3


class LensToken(TypedDict):
    token: str
    id: int
    p: float


class LensLayer(TypedDict):
    layer: int
    top: list[LensToken]


@dataclass
class LogitLensResult:
    """Each layer's top tokens at one position of the input (``layer`` 0 is the embeddings)."""

    tokens: list[str]
    position: int
    layers: list[LensLayer]
    kind: str  # "decoder" or "masked"
    model: str
    #: The notebook expression of the readout, e.g. ``model.lm_head(model.transformer.ln_f(h))``.
    readout: str
    #: A chat model's prompt went through its chat template, as in the generation tab.
    chat: bool = False
    truncation: Truncation | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"tokens": self.tokens, "position": self.position, "layers": self.layers}


@dataclass(frozen=True)
class Readout:
    """How a hidden state becomes logits: the final norm (decoders; ``None`` for a masked LM) and the head."""

    head: Callable[[Any], Any]
    norm: Any | None
    expression: str


NEEDS_LOCAL = Localized(
    "The logit lens needs the model on this machine: the hosted Inference API returns text, not the hidden "
    "state of each layer. Set Backend to Local under Settings to see it.",
    "로짓 렌즈는 모델이 이 컴퓨터에 있어야 해요. 원격 Inference API는 층마다의 은닉 상태가 아니라 글만 돌려주거든요. "
    "설정에서 실행 위치(Backend)를 Local로 바꾸면 볼 수 있어요.",
)


def needs_local_model(call: CallContext) -> Localized | None:
    """What to tell the user when the lens cannot run here (the remote backend); ``None`` when it can."""
    return local_only(call, NEEDS_LOCAL)


def check_top_k(top_k: int | float | None) -> int:
    """``top_k`` as an int from 1 to ``MAX_TOP_K``; ``None`` means the default."""
    return whole_number(DEFAULT_TOP_K if top_k is None else top_k, "`top_k`", 1, MAX_TOP_K)


def _module_names(model: Any) -> dict[int, str]:
    return {id(module): name for name, module in model.named_modules()}


def _final_norm(model: Any) -> Any | None:
    base = getattr(model, "base_model", None)
    places = [base, getattr(base, "decoder", None)] if base is not None else []
    for place in places:
        for name in FINAL_NORM_NAMES:
            module = getattr(place, name, None) if place is not None else None
            if module is not None and callable(module):
                return module
    return None


def decoder_readout(model: Any, name: str) -> Readout:
    """The final norm and LM head of a decoder, found generically; ``WrongModelKind`` when either is missing."""
    head = model.get_output_embeddings()
    norm = _final_norm(model)
    if head is None or norm is None:
        missing = "LM head (get_output_embeddings())" if head is None else "final norm"
        raise WrongModelKind(
            f"The logit lens cannot find the {missing} of '{name}' ({type(model).__name__}), so it cannot read its "
            f"layers. It knows final norms named {', '.join(FINAL_NORM_NAMES)}. Try GPT-2 or a Llama-style model.",
            ko=f"'{name}'({type(model).__name__})의 {missing}를 찾지 못해 층별로 읽을 수 없어요. "
            "GPT-2나 Llama 계열 모델로 해 보세요.",
        )
    names = _module_names(model)
    expression = f"model.{names[id(head)]}(model.{names[id(norm)]}(h))"
    return Readout(head=head, norm=norm, expression=expression)


def masked_readout(model: Any, name: str) -> Readout:
    """The MLM head of a masked LM (transform + decoder); ``WrongModelKind`` when it is not found."""
    for attribute in MLM_HEAD_NAMES:
        module = getattr(model, attribute, None)
        if module is not None and callable(module):
            return Readout(head=module, norm=None, expression=f"model.{attribute}(h)")
    parts = [getattr(model, attribute, None) for attribute in DISTILBERT_HEAD]
    if all(part is not None for part in parts):

        def head(hidden: Any) -> Any:
            for part in parts:
                hidden = part(hidden)
            return hidden

        expression = "h"
        for attribute in DISTILBERT_HEAD:
            expression = f"model.{attribute}({expression})"
        return Readout(head=head, norm=None, expression=expression)
    raise WrongModelKind(
        f"The logit lens cannot find the MLM head of '{name}' ({type(model).__name__}). It knows BERT's `cls`, "
        "RoBERTa's `lm_head` and DistilBERT's `vocab_*` layers. Try bert-base-uncased.",
        ko=f"'{name}'({type(model).__name__})의 MLM 헤드를 찾지 못했어요. bert-base-uncased로 해 보세요.",
    )


def load_language_model(model: str, *, device: str = "auto", policy: LoadPolicy = PRIVATE) -> LoadedModel:
    """The model as a decoder (causal LM) or, failing that, a masked LM; a clear message for any other kind."""
    try:
        return load_for_task(DECODER_TASK, model, device=device, policy=policy)
    except WrongModelKind:
        pass
    try:
        return load_for_task(MASKED_TASK, model, device=device, policy=policy)
    except WrongModelKind:
        raise WrongModelKind(
            f"'{model}' is not a language model with a token-predicting head. The logit lens reads each layer as a "
            "prediction of a token, so it needs a decoder (GPT-2, Llama …: an architecture ending in ForCausalLM or "
            "LMHeadModel) or a masked LM (BERT …: ForMaskedLM). A classifier's head predicts labels, not tokens.",
            ko=f"'{model}'은 토큰을 예측하는 헤드가 있는 언어 모델이 아니에요. 로짓 렌즈는 각 층을 토큰 예측으로 읽기 때문에 "
            "디코더(GPT-2, Llama 등: ForCausalLM/LMHeadModel)나 마스크 언어 모델(BERT 등: ForMaskedLM)이 필요해요. "
            "분류 모델의 헤드는 토큰이 아니라 레이블을 예측해요.",
        ) from None


def _decoder_inputs(loaded: LoadedModel, text: str) -> tuple[Any, Truncation | None]:
    """The prompt's ids as the generation tab feeds them (chat template for chat models), its last 256 tokens."""
    prompt = prepare_prompt(loaded, text, 1)
    ids = prompt.input_ids
    total = prompt.truncation.tokens if prompt.truncation is not None else int(ids.shape[-1])
    if ids.shape[-1] <= MAX_LENS_TOKENS:
        return ids, None
    kept_ids = ids[:, -MAX_LENS_TOKENS:]
    kept_chars = len(loaded.preprocessor.decode(kept_ids[0]))
    return kept_ids, Truncation(tokens=total, kept_tokens=MAX_LENS_TOKENS, chars=len(text), kept_chars=kept_chars)


def _masked_inputs(loaded: LoadedModel, text: str) -> tuple[Any, int, Truncation | None]:
    """The text with the model's own mask, its first 256 tokens (the mask must be among them), and the mask's index."""
    import torch

    from core.text.fill_mask import mask_token_of, with_model_mask

    tokenizer = loaded.preprocessor
    masked = with_model_mask(text, mask_token_of(loaded))
    ids = tokenizer(masked, verbose=False)["input_ids"]
    truncation = None
    if len(ids) > MAX_LENS_TOKENS:
        kept = ids[: MAX_LENS_TOKENS - 1] + [ids[-1]]  # keep the closing [SEP]/</s>
        kept_chars = len(tokenizer.decode(kept[1:-1]))
        truncation = Truncation(tokens=len(ids), kept_tokens=MAX_LENS_TOKENS, chars=len(text), kept_chars=kept_chars)
        ids = kept
    if tokenizer.mask_token_id not in ids:
        raise BadInput(
            f"The mask is beyond the first {MAX_LENS_TOKENS} tokens, which is all the logit lens reads. "
            "Move the mask nearer the start, or shorten the text.",
            ko=f"마스크가 로짓 렌즈가 읽는 앞 {MAX_LENS_TOKENS}토큰 밖에 있어요. 마스크를 앞쪽으로 옮기거나 글을 줄여 주세요.",
        )
    return torch.tensor([ids], device=loaded.device), ids.index(tokenizer.mask_token_id), truncation


def token_text(tokenizer: Any, token_id: int) -> str:
    """The token as text; its vocabulary entry when it is only part of a character (``<0xE3>``, ``ì``)."""
    text = tokenizer.decode([token_id])
    return tokenizer.convert_ids_to_tokens(token_id) if "\ufffd" in text else text


def _top(tokenizer: Any, logits: Any, top_k: int) -> list[LensToken]:
    import torch

    probabilities = torch.softmax(logits.float(), dim=-1)
    best = torch.topk(probabilities, k=min(top_k, probabilities.shape[-1]))
    return [
        LensToken(token=token_text(tokenizer, int(i)), id=int(i), p=float(p))
        for p, i in zip(best.values, best.indices, strict=True)
    ]


def read_layers(loaded: LoadedModel, input_ids: Any, position: int, readout: Readout) -> list[Any]:
    """One forward pass; the logits each hidden state (embeddings, then every layer) gives at ``position``.

    The last entry is the model's own logits; the readout of the last hidden state must agree with them.
    """
    import torch

    with torch.inference_mode():
        output = loaded.model(input_ids=input_ids, output_hidden_states=True)
        states = [hidden[0, position] for hidden in output.hidden_states]
        own = output.logits[0, position]
        norm = readout.norm if readout.norm is not None else (lambda hidden: hidden)
        rows = readout.head(norm(torch.stack(states[:-1]))) if len(states) > 1 else []
        last = readout.head(states[-1])
        if not torch.allclose(last.float(), own.float(), atol=AGREEMENT, rtol=AGREEMENT):
            raise WrongModelKind(
                f"The logit lens could not reproduce the model's own prediction of '{loaded.source.name}' from its "
                "last layer (this model changes its logits after the head, or keeps its final norm elsewhere), so "
                "its layers cannot be read this way.",
                ko=f"'{loaded.source.name}'의 마지막 층에서 모델 자신의 예측을 재현하지 못해 층별로 읽을 수 없어요.",
            )
    return [*rows, own]


def logit_lens(
    text: str,
    model: str = DECODER_TASK.default.id,
    *,
    top_k: int = DEFAULT_TOP_K,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> LogitLensResult:
    """Each layer's ``top_k`` tokens at the next position (a decoder) or at the mask (a masked LM)."""
    text = require_text(text)
    top_k = check_top_k(top_k)
    loaded = load_language_model(model, device=device, policy=policy)
    name = loaded.source.name
    if loaded.task is MASKED_TASK:
        kind, readout = "masked", masked_readout(loaded.model, name)
        input_ids, position, truncation = _masked_inputs(loaded, text)
    else:
        kind, readout = "decoder", decoder_readout(loaded.model, name)
        input_ids, truncation = _decoder_inputs(loaded, text)
        position = int(input_ids.shape[-1]) - 1

    started = time.perf_counter()
    logits = read_layers(loaded, input_ids, position, readout)
    tokenizer = loaded.preprocessor
    layers = [LensLayer(layer=i, top=_top(tokenizer, row, top_k)) for i, row in enumerate(logits)]
    return LogitLensResult(
        tokens=[token_text(tokenizer, int(i)) for i in input_ids[0]],
        position=position,
        layers=layers,
        kind=kind,
        model=name,
        readout=readout.expression,
        chat=kind == "decoder" and is_chat_model(tokenizer),
        truncation=truncation,
        seconds=time.perf_counter() - started,
    )


def notebook_code(result: LogitLensResult, text: str, top_k: int) -> str:
    """The Python that reproduces the lens in a notebook: one forward pass, each hidden state through the head."""
    from core.code_panel import text_literal

    if result.kind == "masked":
        auto, prepare, position = (
            "AutoModelForMaskedLM",
            f'inputs = tokenizer({text_literal(text)}, return_tensors="pt")',
            "int((inputs.input_ids[0] == tokenizer.mask_token_id).nonzero()[0])  # the mask",
        )
        last = "last"
    else:
        chat = f'[{{"role": "user", "content": {text_literal(text)}}}]'
        auto, prepare, position = (
            "AutoModelForCausalLM",
            f"inputs = tokenizer.apply_chat_template({chat}, add_generation_prompt=True, return_dict=True, "
            'return_tensors="pt")'
            if result.chat
            else f'inputs = tokenizer({text_literal(text)}, return_tensors="pt")',
            "-1  # the last token: what comes next",
        )
        last = "last (hidden_states[-1] already went through the final norm)"
    readout = result.readout
    return f"""import torch
from transformers import AutoTokenizer, {auto}

tokenizer = AutoTokenizer.from_pretrained({result.model!r})
model = {auto}.from_pretrained({result.model!r}).eval()
{prepare}
position = {position}

with torch.inference_mode():
    output = model(**inputs, output_hidden_states=True)
    layers = output.hidden_states  # the embeddings, then one per layer
    for i, hidden in enumerate(layers):
        h = hidden[0, position]
        # every row but the {last}: through the readout
        logits = output.logits[0, position] if i == len(layers) - 1 else {readout}
        top = torch.softmax(logits, dim=-1).topk({top_k})
        print(i, [(tokenizer.decode([int(t)]), round(float(p), 3)) for p, t in zip(top.values, top.indices)])
"""
