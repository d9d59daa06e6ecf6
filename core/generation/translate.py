"""Translation: the course's ``pipeline("translation_xx_to_yy")``, rebuilt for transformers 5.

Three kinds of translation model, told apart as transformers 4.57's ``TranslationPipeline`` did:

- one pair per model (Marian ``Helsinki-NLP/opus-mt-ko-en``): the text goes in as it is; a
  Marian model with several target languages wants the target's token first (``>>kor<< …``);
- a task prefix (T5: ``"translate English to German: "`` from ``task_specific_params``);
- language codes (NLLB, M2M100, mBART-50): the tokenizer marks the source language and
  ``generate`` is forced to start with the target language's token (``forced_bos_token_id``).

Then ``generate`` and decode, shared with summarization (``core.generation.seq2seq``).
"""

from __future__ import annotations

import enum
import functools
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypedDict

from core.code_panel import text_literal
from core.errors import BadInput, PlaygroundError
from core.generation import seq2seq
from core.inputs.text import require_text
from core.registry import get_task
from core.runtime.imports import import_transformers_once
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

TASK = get_task("translate")
#: Hub ids and folders named like ``opus-mt-ko-en`` or ``opus-mt-tc-big-en-ko`` carry their pair.
_PAIR_IN_NAME = re.compile(r"opus-mt-(?:tc-big-|tc-)?([a-z]{2,3})-([a-z]{2,3})(?:$|[^a-z])")
_TASK_KEY = re.compile(r"^translation_([A-Za-z_-]+?)_to_([A-Za-z_-]+)$")
#: NLLB ("kor_Hang") and mBART ("ko_KR") language codes among a tokenizer's special tokens.
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}_[A-Z][A-Za-z]{1,3}$")
#: Setting ``tokenizer.src_lang`` changes a shared tokenizer: one request at a time does it.
_SOURCE_LANGUAGE_LOCK = threading.Lock()
#: The languages a multilingual model starts with in the tab.
PREFERRED_CODES = (("eng_Latn", "kor_Hang"), ("en_XX", "ko_KR"), ("en", "ko"))


class Kind(enum.Enum):
    SINGLE_PAIR = "single pair"
    TARGET_TOKEN = "target language token"
    TASK_PREFIX = "task prefix"
    LANGUAGE_CODES = "language codes"


class Translation(TypedDict):
    translation_text: str


@dataclass(frozen=True)
class Languages:
    """What a model translates: its pairs, or (language codes) any source to any other target."""

    kind: Kind
    pairs: tuple[tuple[str, str], ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def sources(self) -> list[str]:
        return list(self.codes) if self.codes else list(dict.fromkeys(s for s, _ in self.pairs))

    def targets(self, source: str | None = None) -> list[str]:
        if self.codes:
            return [c for c in self.codes if c != source]
        return list(dict.fromkeys(t for s, t in self.pairs if source in (None, s)))

    def default_pair(self) -> tuple[str | None, str | None]:
        if self.codes:
            for source, target in PREFERRED_CODES:
                if source in self.codes and target in self.codes:
                    return source, target
            return self.codes[0], self.codes[1] if len(self.codes) > 1 else None
        return self.pairs[0] if self.pairs else (None, None)


@dataclass
class TranslationResult:
    text: str
    translation: str
    src_lang: str | None
    tgt_lang: str | None
    kind: Kind
    done: bool = True
    prefix: str = ""
    tokens: int = 0
    kept: int = 0
    #: Every id the decoder produced (decoder start token first); filled in when ``done``.
    token_ids: tuple[int, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    model: str = ""
    device: str = "cpu"
    seconds: float = 0.0

    @property
    def truncated(self) -> bool:
        return self.kept < self.tokens

    def to_json(self) -> list[Translation]:
        """v4's shape for one text: a list with one ``{"translation_text"}``."""
        return [Translation(translation_text=self.translation)]


def pair_in_name(name: str) -> tuple[str, str] | None:
    match = _PAIR_IN_NAME.search(name.rstrip("/").lower())
    return (match[1], match[2]) if match else None


def _language_codes(tokenizer: Any) -> tuple[str, ...]:
    if isinstance(getattr(tokenizer, "lang_code_to_id", None), dict):  # M2M100: "en", "ko", …
        return tuple(tokenizer.lang_code_to_id)
    special = getattr(tokenizer, "all_special_tokens", None) or []
    return tuple(t for t in special if _LANGUAGE_CODE.match(t))


def languages_of(config: Any, tokenizer: Any, name: str) -> Languages:
    """The languages a model translates, from its tokenizer, its config or its name (in that order)."""
    if callable(getattr(tokenizer, "_build_translation_inputs", None)):
        return Languages(Kind.LANGUAGE_CODES, codes=_language_codes(tokenizer))
    params = getattr(config, "task_specific_params", None) or {}
    keyed = [_TASK_KEY.match(key) for key in params]
    pairs = tuple((m[1], m[2]) for m in keyed if m)
    if pairs:
        return Languages(Kind.TASK_PREFIX, pairs=pairs)
    source, target = getattr(tokenizer, "source_lang", None), getattr(tokenizer, "target_lang", None)
    pair = (source, target) if source and target else pair_in_name(name)
    target_tokens = [code[2:-2] for code in getattr(tokenizer, "supported_language_codes", None) or []]
    if target_tokens:
        return Languages(Kind.TARGET_TOKEN, pairs=tuple((pair[0] if pair else "src", t) for t in target_tokens))
    return Languages(Kind.SINGLE_PAIR, pairs=(pair,) if pair else ())


def language_hint(name: str) -> Languages:
    """What the name alone tells (no download): for the language pickers before the model is loaded."""
    pair = pair_in_name(name)
    return Languages(Kind.SINGLE_PAIR, pairs=(pair,) if pair else ())


def choose_pair(languages: Languages, src_lang: str | None, tgt_lang: str | None, name: str) -> tuple[str, str]:
    """The pair to translate, checked against what the model supports; ``BadInput`` names the supported ones."""
    src_lang, tgt_lang = (src_lang or "").strip() or None, (tgt_lang or "").strip() or None
    if languages.kind is Kind.LANGUAGE_CODES:
        missing = [code for code in (src_lang, tgt_lang) if code not in languages.codes]
        if missing or src_lang == tgt_lang:
            sample = ", ".join(list(dict.fromkeys([*filter(None, languages.default_pair()), *languages.codes]))[:8])
            what = (
                f"'{missing[0]}' is not a language code of" if missing and missing[0] else "Choose two languages for"
            )
            raise BadInput(
                f"{what} '{name}'. It needs src_lang and tgt_lang among its {len(languages.codes)} codes, "
                f"e.g. {sample}…",
                ko=f"'{name}' 모델은 언어 코드로 원문 언어(src_lang)와 번역할 언어(tgt_lang)를 정해야 해요. "
                f"지원 코드 {len(languages.codes)}개 중 예: {sample}…",
            )
        return src_lang, tgt_lang
    if not languages.pairs:
        return src_lang, tgt_lang  # a model that does not say: like v4, take it as it comes
    if src_lang is None and tgt_lang is None:
        return languages.pairs[0]
    wanted = (src_lang or languages.pairs[0][0], tgt_lang or languages.pairs[0][1])
    if wanted not in languages.pairs:
        listed = ", ".join(f"{s}→{t}" for s, t in languages.pairs)
        raise BadInput(
            f"'{name}' does not translate {wanted[0]}→{wanted[1]}. It supports: {listed}. "
            "Pick one of these pairs, or a model for your pair.",
            ko=f"'{name}' 모델은 {wanted[0]}→{wanted[1]} 번역을 지원하지 않아요. 지원: {listed}. "
            "이 중에서 고르거나 다른 모델을 고르세요.",
        )
    return wanted


@dataclass(frozen=True)
class Direction:
    """How one model translates one pair, as the task runs it: what goes before the text, which language the
    tokenizer marks (language-code models), which token the decoder must start with."""

    pair: tuple[str, str]
    kind: Kind
    prefix: str = ""
    task_key: str = "translation"

    @property
    def source_code(self) -> str | None:
        """The source language the tokenizer marks (NLLB, M2M100, mBART), or None."""
        return self.pair[0] if self.kind is Kind.LANGUAGE_CODES else None


def direction(loaded: LoadedModel, src_lang: str | None, tgt_lang: str | None) -> Direction:
    """The pair checked against what the model supports (``BadInput`` names the supported ones), and its setup."""
    languages = languages_of(loaded.config, loaded.preprocessor, loaded.source.name)
    pair = choose_pair(languages, src_lang, tgt_lang, loaded.source.name)
    task_key = f"translation_{pair[0]}_to_{pair[1]}" if languages.kind is Kind.TASK_PREFIX else "translation"
    if languages.kind is Kind.TARGET_TOKEN:  # what v4 left to the user: the target language's token first
        return Direction(pair, languages.kind, f">>{pair[1]}<< ", task_key)
    if languages.kind is Kind.LANGUAGE_CODES:  # the tokenizer marks the languages; no text goes before
        return Direction(pair, languages.kind, "", task_key)
    return Direction(pair, languages.kind, seq2seq.task_prefix(loaded, task_key), task_key)


@contextmanager
def source_language(loaded: LoadedModel, way: Direction) -> Iterator[None]:
    """While encoding: the shared tokenizer marks ``way``'s languages (one request at a time sets them)."""
    code = way.source_code
    if code is None:
        yield
        return
    tokenizer = loaded.preprocessor
    with _SOURCE_LANGUAGE_LOCK:
        tokenizer.src_lang = code  # the tokenizer puts this language's token around the text
        if hasattr(tokenizer, "tgt_lang"):
            tokenizer.tgt_lang = way.pair[1]  # and the target's around a target text (text_target=)
        yield


def forced_start(loaded: LoadedModel, way: Direction) -> int | None:
    """The token ``generate`` must start with (the target language's, for language-code models), or None."""
    if way.kind is not Kind.LANGUAGE_CODES:
        return None
    tokenizer, target = loaded.preprocessor, way.pair[1]
    target_id = tokenizer.get_lang_id(target) if hasattr(tokenizer, "get_lang_id") else None
    return tokenizer.convert_tokens_to_ids(target) if target_id is None else target_id


def stream_translation(
    text: str,
    model: str = TASK.default.id,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    max_length: int | None = None,
    num_beams: int | None = None,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> Iterator[TranslationResult]:
    """Yield the translation as it is written; the last result has ``done=True`` and the final text."""
    text = require_text(text)
    options = seq2seq.validate(seq2seq.GenerationOptions(max_length=max_length, num_beams=num_beams))
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    seq2seq.require_seq2seq(loaded)
    way = direction(loaded, src_lang, tgt_lang)
    pair = way.pair
    plan = seq2seq.generation_plan(loaded, way.task_key, options)
    plan.prefix = way.prefix
    with source_language(loaded, way):
        encoded = seq2seq.encode(loaded, text, prefix=way.prefix)
    start = forced_start(loaded, way)
    if start is not None:
        plan.config.forced_bos_token_id = start
        plan.origins["forced_bos_token_id"] = f"target language {pair[1]}"
    started = time.perf_counter()
    for step in seq2seq.stream(loaded, encoded, plan):
        yield TranslationResult(
            text=text,
            translation=step.text,
            token_ids=step.token_ids,
            src_lang=pair[0],
            tgt_lang=pair[1],
            kind=way.kind,
            done=step.done,
            prefix=plan.prefix,
            tokens=encoded.tokens,
            kept=encoded.kept,
            settings=plan.settings(),
            origins=plan.origins,
            model=loaded.source.name,
            device=loaded.device,
            seconds=time.perf_counter() - started,
        )


def translate(text: str, model: str = TASK.default.id, **options: Any) -> TranslationResult:
    """The finished translation of ``text`` (what v4's translation pipeline returned)."""
    *_, last = stream_translation(text, model, **options)
    return last


def notebook_code(result: TranslationResult) -> str:
    """The transformers 5 code that replaces ``pipeline("translation_xx_to_yy")`` for this model."""
    short = text_literal(result.text)
    settings = {k: v for k, v in result.settings.items() if k != "forced_bos_token_id"}
    arguments = "".join(f", {k}={v!r}" for k, v in settings.items())
    if result.kind is Kind.LANGUAGE_CODES:
        load_tokenizer = f"AutoTokenizer.from_pretrained({result.model!r}, src_lang={result.src_lang!r})"
        prepare = 'inputs = tokenizer(text, truncation=True, return_token_type_ids=False, return_tensors="pt")'
        arguments += f", forced_bos_token_id=tokenizer.convert_tokens_to_ids({result.tgt_lang!r})"
        note = f"# the source language is a token the tokenizer adds; the target ({result.tgt_lang}) is forced first"
    else:
        load_tokenizer = f"AutoTokenizer.from_pretrained({result.model!r})"
        prepare = (
            f"inputs = tokenizer({result.prefix!r} + text, truncation=True, return_token_type_ids=False, "
            'return_tensors="pt")'
        )
        note = {
            Kind.TASK_PREFIX: "# T5 learned each pair behind a text prefix",
            Kind.TARGET_TOKEN: "# this Marian model knows several targets: the target's token goes first",
            Kind.SINGLE_PAIR: "# a Marian model knows one pair: the text goes in as it is",
        }[result.kind]
    return f"""# pipeline("translation") was removed in transformers 5: these are its steps.
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

tokenizer = {load_tokenizer}
model = AutoModelForSeq2SeqLM.from_pretrained({result.model!r})

text = {short}
# 1. preprocess {result.src_lang} → {result.tgt_lang}
{note}
{prepare}
# 2. generate: settings as the v4 pipeline chose them for this model
output_ids = model.generate(**inputs{arguments})
# 3. postprocess: ids back to text
print([{{"translation_text": tokenizer.decode(output_ids[0], skip_special_tokens=True)}}])
"""


def model_languages(model: str, *, allow_local: bool = True) -> Languages:
    """For the language pickers: read the config and tokenizer only (small files, no weights).

    Never raises for a model that cannot be read yet (offline, misspelt, not a model): it falls back on what its
    name says. That fallback is not remembered, so the pickers show the real languages once the model can be read.
    """
    from core.runtime.model_source import Availability, availability, resolve_model

    try:
        source = resolve_model(model, allow_local=allow_local)
    except PlaygroundError:
        return language_hint(model or "")
    if availability(source) is Availability.MISSING_OFFLINE:
        return language_hint(source.name)
    try:
        return _read_languages(source.location, source.name)
    except UNREADABLE:
        return language_hint(source.name)


#: What reading a model's config and tokenizer raises when they cannot be read now: missing, offline or refused
#: (``OSError``, the Hub's errors included), or not understood (``ValueError``: an unknown model type, a bad id).
UNREADABLE = (OSError, ValueError)


@functools.lru_cache(maxsize=32)
def _read_languages(location: str, name: str) -> Languages:
    """The languages of a model that could be read; raises when it cannot (``lru_cache`` keeps no failure)."""
    import warnings

    import_transformers_once()  # the pickers run outside a task handler, when the page opens
    from transformers import AutoConfig, AutoTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = AutoConfig.from_pretrained(location)
        tokenizer = AutoTokenizer.from_pretrained(location)
    return languages_of(config, tokenizer, name)
