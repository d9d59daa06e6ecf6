"""The attention view: every layer's and head's softmax rows, as the model itself computed them.

Encoder models (sentiment, zero-shot, NER, QA, fill-mask, a bare encoder such as MiniLM) show their
self-attention; translation and summarization models also show the decoder's cross-attention, one
row per target token over the source tokens (an alignment grid). The weights come from the cached model
the task runs, through an *eager twin*: a second module tree that shares every weight tensor with it
(no memory doubled) but has its own config set to eager attention, because SDPA never materialises the
softmax rows. The task's own model keeps its attention implementation and runs exactly as before.
"""

from __future__ import annotations

import copy
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from core.call import CallContext
from core.errors import BadInput, WrongModelKind
from core.insight import require_local
from core.localized import Localized
from core.registry import TASKS, Task, get_task
from core.runtime.loading import MODEL_BUILD_LOCK, LoadedModel, config_architectures, explained_failures, load_for_task
from core.runtime.model_source import resolve_model

#: The most tokens the view draws (and returns); longer texts are cut, with a notice.
MAX_TOKENS = 256
#: Decimals kept in the JSON: enough that every row still sums to 1 within 1e-5.
DECIMALS = 6
#: Tasks whose models the view explains; the generation tab's decoder-only models and DETR are not among them.
ENCODER_TASKS = ("classify", "zero_shot", "ner", "answer", "fill_mask", "similarity", "inspect", "finetune")
SEQ2SEQ_TASKS = ("summarize", "translate")
#: The most target tokens generated when a seq2seq model is given no target text.
MAX_TARGET_TOKENS = 48


@dataclass
class AttentionResult:
    """What the view draws: tokens, the attention tensors (as nested lists) and what was cut."""

    tokens: list[str]
    #: layers × heads × tokens × tokens (encoder self-attention), each row a softmax over the tokens.
    attention: list
    model_type: str
    kind: str  # "encoder" or "seq2seq"
    #: (start, end) in the student's text of each token; ``None`` for special tokens and the pair's tokens.
    spans: list[tuple[int, int] | None] = field(default_factory=list)
    #: seq2seq: the target tokens and layers × heads × target × source cross-attention.
    target_tokens: list[str] = field(default_factory=list)
    cross_attention: list = field(default_factory=list)
    #: Tokens the text had before it was cut to ``MAX_TOKENS`` (equal to ``len(tokens)`` when nothing was cut).
    total_tokens: int = 0
    model: str = ""
    #: seq2seq: the task prefix the model's encoder sees before the text (T5's "summarize: "), as the task runs.
    prefix: str = ""
    #: translation: the pair the view ran (the translation tab's), and whether the tokenizer marks it (NLLB).
    languages: tuple[str, str] | None = None
    marked_languages: bool = False

    @property
    def truncated(self) -> bool:
        return self.total_tokens > len(self.tokens)

    def to_json(self) -> dict[str, Any]:
        """The /attention endpoint's first output."""
        out: dict[str, Any] = {
            "tokens": self.tokens,
            "attention": self.attention,
            "model_type": self.model_type,
            "kind": self.kind,
            "num_layers": len(self.attention),
            "num_heads": len(self.attention[0]) if self.attention else 0,
            "truncated": self.truncated,
            "total_tokens": self.total_tokens,
        }
        if self.kind == "seq2seq":
            out["target_tokens"] = self.target_tokens
            out["cross_attention"] = self.cross_attention
            out["prefix"] = self.prefix
        if self.languages is not None:
            out["src_lang"], out["tgt_lang"] = self.languages
        return out


def _wrong_kind(name: str, what: str, what_ko: str) -> WrongModelKind:
    return WrongModelKind(
        f"'{name}' is {what}; the attention view explains encoder models (sentiment, zero-shot, NER, question "
        "answering, fill-mask) and translation/summarization models. Choose one of those, e.g. from the "
        "sentiment or fill-mask tab.",
        ko=f"'{name}' 모델은 {what_ko}이에요. 어텐션 보기는 인코더 모델(감성 분석, 제로샷, 개체명, 질의응답, 빈칸 채우기)과 "
        "번역·요약 모델을 설명해요. 그런 모델을 고르세요(예: 감성 분석이나 빈칸 채우기 탭의 모델).",
    )


def task_of(model: str, call: CallContext) -> Task:
    """The task whose cached model the view reuses for ``model``, read from its config (one small file).

    A decoder-only model (GPT-2 …), a vision model (DETR …) or a config without text layers is refused.
    """
    import transformers

    source = resolve_model(model, allow_local=call.policy.allow_local)
    fallback = get_task("similarity")
    with explained_failures(fallback, source):
        config = transformers.AutoConfig.from_pretrained(source.location)
    architectures = config_architectures(source, config)
    seq2seq_heads = get_task("translate").head_suffixes
    if getattr(config, "is_encoder_decoder", False) and (
        not architectures or any(a.endswith(seq2seq_heads) for a in architectures)
    ):
        return get_task("translate" if "MTModel" in "".join(architectures) else "summarize")
    if getattr(config, "is_decoder", False) or any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures):
        raise _wrong_kind(source.name, "a decoder-only text generator", "다음 토큰만 예측하는 생성(디코더 전용) 모델")
    if getattr(config, "vocab_size", None) is None or getattr(config, "is_encoder_decoder", False):
        raise _wrong_kind(source.name, f"a {config.model_type} model, not a text encoder", f"{config.model_type} 모델")
    for task_id in ENCODER_TASKS:
        task = TASKS[task_id]
        if task.head_suffixes and any(a.endswith(task.head_suffixes) for a in architectures):
            return task
    if architectures and not all(a.endswith("Model") for a in architectures):
        raise _wrong_kind(source.name, f"a {architectures[0]} model", f"{architectures[0]} 모델")
    return fallback


def eager_twin(loaded: LoadedModel) -> Any:
    """The model itself when it already runs eager attention; otherwise, once, a copy of its module tree that
    shares every parameter and buffer with it (no weights copied) and runs eager attention."""
    model = loaded.model
    if getattr(model.config, "_attn_implementation", "eager") == "eager":
        return model
    twin = loaded.extras.get("attention_twin")
    if twin is not None:
        return twin
    with MODEL_BUILD_LOCK:  # once, even when the first requests arrive together
        twin = loaded.extras.get("attention_twin")
        if twin is None:
            shared = {id(t): t for t in (*model.parameters(), *model.buffers())}
            twin = copy.deepcopy(model, shared)
            twin.set_attn_implementation("eager")
            if twin.config._attn_implementation != "eager":
                raise WrongModelKind(
                    f"'{loaded.source.name}' cannot switch to eager attention, so its attention weights are not "
                    "available.",
                    ko=f"'{loaded.source.name}' 모델은 eager 어텐션으로 바꿀 수 없어서 어텐션 가중치를 볼 수 없어요.",
                )
            loaded.extras["attention_twin"] = twin
    return twin


#: Why the view needs the model here: the hosted API's answer has no attention weights in it.
LOCAL_ONLY = Localized(
    "The attention view needs the model on this machine: the hosted Inference API returns labels and "
    "text, never attention weights. Under Settings, set Backend to Local and run again.",
    "어텐션 보기는 이 컴퓨터에 있는 모델이 필요해요. 원격 Inference API는 레이블과 텍스트만 돌려주고 어텐션 "
    "가중치는 주지 않아요. 설정에서 실행 위치를 로컬(Local)로 바꾸고 다시 실행하세요.",
)


def _rounded(layers: tuple) -> list:
    """(layers of (1, heads, q, k) tensors) → nested lists rounded to ``DECIMALS``."""
    import torch

    stacked = torch.stack([layer[0] for layer in layers]).float()
    return torch.round(stacked, decimals=DECIMALS).tolist()


def _tokens(tokenizer: Any, ids: list[int]) -> list[str]:
    return [str(token) for token in tokenizer.convert_ids_to_tokens(ids)]


def _encode(loaded: LoadedModel, text: str, text_pair: str | None) -> tuple[Any, int]:
    """The model's inputs, cut to ``MAX_TOKENS`` (and the model's own window), and the uncut length."""
    tokenizer = loaded.preprocessor
    window = getattr(tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS
    limit = min(MAX_TOKENS, window)
    pair = text_pair or None
    total = len(tokenizer(text, pair)["input_ids"])
    inputs = tokenizer(
        text, pair, truncation=True, max_length=limit, return_tensors="pt", return_offsets_mapping=tokenizer.is_fast
    )
    return inputs, total


def _spans(inputs: Any, skip: int = 0) -> list[tuple[int, int] | None]:
    """Each token's characters in the student's text; the first ``skip`` characters (a task prefix) are not theirs."""
    if "offset_mapping" not in inputs:
        return []
    sequence = inputs.sequence_ids(0)
    offsets = inputs.pop("offset_mapping")[0].tolist()
    return [
        (s - skip, e - skip) if seq == 0 and e > s and s >= skip else None
        for (s, e), seq in zip(offsets, sequence, strict=True)
    ]


@dataclass(frozen=True)
class Seq2seqInput:
    """What a seq2seq task puts around the student's text, as the task runs: a prefix before it (T5's
    ``"summarize: "``, ``"translate English to German: "``, a Marian ``">>kor<< "``), the languages the tokenizer
    marks and the decoder's forced first token (NLLB, M2M100)."""

    prefix: str = ""
    direction: Any = None  # core.generation.translate.Direction, for a translation
    forced_start: int | None = None


def seq2seq_input(loaded: LoadedModel, task: Task, src_lang: str | None, tgt_lang: str | None) -> Seq2seqInput:
    """The task's input setup for the view: summarization's prefix, or translation's for the chosen pair."""
    if task.id == "summarize":
        from core.generation.seq2seq import task_prefix
        from core.generation.summarize import TASK_KEY

        return Seq2seqInput(task_prefix(loaded, TASK_KEY))
    if task.id == "translate":
        from core.generation import translate

        way = translate.direction(loaded, src_lang, tgt_lang)
        return Seq2seqInput(way.prefix, way, translate.forced_start(loaded, way))
    return Seq2seqInput()


def _marked_languages(loaded: LoadedModel, setup: Seq2seqInput) -> AbstractContextManager:
    """While tokenizing: a language-code tokenizer marks the translation's languages, as the task does."""
    if setup.direction is None:
        return nullcontext()
    from core.generation.translate import source_language

    return source_language(loaded, setup.direction)


def attention(
    text: str,
    model: str,
    call: CallContext,
    *,
    text_pair: str = "",
    task: str | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> AttentionResult:
    """Every layer's and head's attention of ``model`` on ``text`` (and ``text_pair``: the second sentence of
    an encoder, the target text of a translation/summarization model, generated greedily when empty).

    A translation reads ``src_lang``/``tgt_lang`` as the translation tab does (empty: the model's first pair), so
    the encoder sees what the task gave it: T5's prefix, a Marian target token, NLLB's language codes."""
    import torch

    require_local(call, LOCAL_ONLY)
    if not text or not text.strip():
        raise BadInput("Type a text to see its attention.", ko="어텐션을 볼 텍스트를 입력하세요.")
    chosen = get_task(task) if task else task_of(model, call)
    loaded = load_for_task(chosen, model, device=call.device, policy=call.policy)
    twin = eager_twin(loaded)
    setup = seq2seq_input(loaded, chosen, src_lang, tgt_lang)
    prefix = setup.prefix
    with _marked_languages(loaded, setup):
        inputs, total = _encode(loaded, prefix + text, None if chosen.id in SEQ2SEQ_TASKS else text_pair)
    spans = _spans(inputs, skip=len(prefix))
    wanted = (
        ("input_ids", "attention_mask")
        if chosen.id in SEQ2SEQ_TASKS
        else ("input_ids", "attention_mask", "token_type_ids")
    )
    inputs = {k: v.to(loaded.device) for k, v in inputs.items() if k in wanted}
    tokens = _tokens(loaded.preprocessor, inputs["input_ids"][0].tolist())
    name = loaded.source.name
    if chosen.id in SEQ2SEQ_TASKS:
        with _marked_languages(loaded, setup):
            target_ids = _target_ids(loaded, inputs, text_pair, setup.forced_start)
        start = twin.config.decoder_start_token_id
        decoder_ids = torch.tensor([[start, *target_ids[:-1]]], device=loaded.device)
        with torch.inference_mode():
            out = twin(**inputs, decoder_input_ids=decoder_ids, output_attentions=True)
        return AttentionResult(
            tokens=tokens,
            attention=_rounded(out.encoder_attentions),
            model_type=twin.config.model_type,
            kind="seq2seq",
            spans=spans,
            target_tokens=_tokens(loaded.preprocessor, target_ids),
            cross_attention=_rounded(out.cross_attentions),
            total_tokens=total,
            model=name,
            prefix=prefix,
            languages=setup.direction.pair if setup.direction is not None else None,
            marked_languages=setup.direction is not None and setup.direction.source_code is not None,
        )
    with torch.inference_mode():
        out = twin(**inputs, output_attentions=True)
    return AttentionResult(
        tokens=tokens,
        attention=_rounded(out.attentions),
        model_type=twin.config.model_type,
        kind="encoder",
        spans=spans,
        total_tokens=total,
        model=name,
    )


def _target_ids(loaded: LoadedModel, inputs: dict[str, Any], target: str, forced_start: int | None) -> list[int]:
    """The target's token ids (ending with </s>): the given target text, or the model's greedy output (starting
    with ``forced_start`` when the task forces it: a language-code model's target language)."""
    import torch

    tokenizer = loaded.preprocessor
    if target and target.strip():
        ids = tokenizer(text_target=target, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        return list(ids)
    with torch.inference_mode():
        forced = {} if forced_start is None else {"forced_bos_token_id": forced_start}
        generated = loaded.model.generate(
            **inputs, max_new_tokens=MAX_TARGET_TOKENS, num_beams=1, do_sample=False, **forced
        )
    ids = generated[0].tolist()[1:]  # without the decoder start token
    pad = tokenizer.pad_token_id
    return [i for i in ids if i != pad] or [tokenizer.eos_token_id]


def _languages_argument(result: AttentionResult) -> str:
    """A language-code tokenizer (NLLB) marks the translation's languages: they go to ``from_pretrained``."""
    if not result.marked_languages or result.languages is None:
        return ""
    return f", src_lang={result.languages[0]!r}, tgt_lang={result.languages[1]!r}"


def notebook_code(result: AttentionResult, text: str, text_pair: str = "") -> str:
    """The Python that computes the same weights in a notebook."""
    from core.code_panel import text_literal

    lines = [
        "import torch",
        "from transformers import AutoModel, AutoModelForSeq2SeqLM, AutoTokenizer",
        "",
        f"tokenizer = AutoTokenizer.from_pretrained({result.model!r}{_languages_argument(result)})",
    ]
    if result.kind == "seq2seq":
        lines += [
            f'model = AutoModelForSeq2SeqLM.from_pretrained({result.model!r}, attn_implementation="eager")',
            *(
                [f"# the task prefix the model was trained with comes first: {result.prefix!r}"]
                if result.prefix
                else []
            ),
            f"inputs = tokenizer({text_literal(result.prefix + text)}, return_tensors='pt', truncation=True, "
            f"max_length={MAX_TOKENS})",
            f"labels = tokenizer(text_target={text_literal(text_pair or '<the translation>')}, return_tensors='pt')",
            "with torch.no_grad():",
            "    out = model(**inputs, labels=labels.input_ids, output_attentions=True)",
            "# out.cross_attentions: one (batch, heads, target, source) tensor per decoder layer",
            "print(out.cross_attentions[-1][0, 0])",
        ]
    else:
        pair = f", {text_literal(text_pair)}" if text_pair else ""
        lines += [
            "# eager attention: SDPA is faster but never returns the softmax weights",
            f'model = AutoModel.from_pretrained({result.model!r}, attn_implementation="eager")',
            f"inputs = tokenizer({text_literal(text)}{pair}, return_tensors='pt', truncation=True, "
            f"max_length={MAX_TOKENS})",
            "with torch.no_grad():",
            "    out = model(**inputs, output_attentions=True)",
            "# out.attentions: one (batch, heads, tokens, tokens) tensor per layer; each row sums to 1",
            "print(len(out.attentions), out.attentions[0].shape)",
        ]
    return "\n".join(lines)
