"""Fill-mask: the course's ``pipeline("fill-mask")`` — how BERT-style models were pre-trained.

Every model spells its mask token its own way (BERT ``[MASK]``, RoBERTa/XLM-R ``<mask>``); a
student types either and this module swaps it for the chosen model's token. transformers' own
pipeline does the prediction, on a model from the shared cache.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from core.errors import BadInput, WrongModelKind
from core.inputs.text import require_text
from core.inputs.token_window import Truncation, max_input_length
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.runtime.model_source import resolve_model
from core.validators import whole_number

TASK = get_task("fill_mask")
MAX_TOP_K = 50
#: What a student may type for the blank, whatever the model: BERT's and RoBERTa's spellings.
MASK_SPELLINGS = re.compile(r"\[mask\]|<mask>", re.IGNORECASE)


class Candidate(TypedDict):
    score: float
    token: int
    token_str: str
    sequence: str


@dataclass
class FillMaskResult:
    text: str
    candidates: list[Candidate]
    mask_token: str
    truncation: Truncation | None = None
    model: str = ""
    seconds: float = 0.0

    def to_json(self) -> list[Candidate]:
        return self.candidates


def check_top_k(top_k: int | float | None) -> int:
    """``top_k`` as an int from 1 to ``MAX_TOP_K`` (a slider may send 5.0); ``None`` means the pipeline's 5."""
    return whole_number(5 if top_k is None else top_k, "`top_k`", 1, MAX_TOP_K)


def with_model_mask(text: str, mask_token: str) -> str:
    """``text`` with every ``[MASK]`` / ``<mask>`` (any case) replaced by the model's own mask token.

    One exactly: none means nothing to predict; several would be scored as if each were alone
    (the pipeline's probabilities are per blank, not joint), which misleads more than it teaches.
    """
    pattern = re.compile(f"{MASK_SPELLINGS.pattern}|{re.escape(mask_token)}", re.IGNORECASE)
    count = len(pattern.findall(text))
    if count == 0:
        raise BadInput(
            f"There is no mask in the text. Put {mask_token} (or [MASK] / <mask>) where the missing word goes, "
            f"e.g. 'Paris is the {mask_token} of France.'",
            ko=f"문장에 마스크가 없어요. 빈칸 자리에 {mask_token}(또는 [MASK] / <mask>)를 넣으세요. "
            f"예: '너는 내년 {mask_token} 때 투표할 수 있어?'",
        )
    if count > 1:
        raise BadInput(
            f"The text has {count} masks; this tab fills exactly one. The model would score each blank as if the "
            "others were unknown, so combining their answers would mislead. Keep one mask.",
            ko=f"마스크가 {count}개예요. 이 탭은 빈칸 하나만 채워요(모델이 빈칸마다 따로 점수를 매겨서 조합하면 "
            "틀린 결과가 돼요). 마스크를 하나만 남겨 주세요.",
        )
    return pattern.sub(lambda _: mask_token, text)


def _pipeline(loaded: LoadedModel) -> Any:
    from transformers import pipeline

    if "fill-mask" not in loaded.extras:
        loaded.extras["fill-mask"] = pipeline(
            "fill-mask", model=loaded.model, tokenizer=loaded.preprocessor, device=loaded.model.device
        )
    return loaded.extras["fill-mask"]


def mask_token_of(loaded: LoadedModel) -> str:
    mask_token = getattr(loaded.preprocessor, "mask_token", None)
    if not mask_token:
        raise WrongModelKind(
            f"The tokenizer of '{loaded.source.name}' has no mask token, so it cannot fill blanks. "
            f"Try: {', '.join(m.id for m in TASK.models[:3])}.",
            ko=f"'{loaded.source.name}'의 토크나이저에는 마스크 토큰이 없어 빈칸을 채울 수 없어요.",
        )
    return str(mask_token)


def known_mask_token(model: str | None, *, allow_local: bool = True) -> str | None:
    """The model's mask token read from its tokenizer files on this machine (bundled, local or cached).

    Never downloads and never loads the model: ``None`` when the files are not here yet, so the tab
    can show the token before the first run when it is cheap to know.
    """
    from huggingface_hub import try_to_load_from_cache

    try:
        source = resolve_model(model, allow_local=allow_local)
    except BadInput:
        return None
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        if source.is_hub:
            found = try_to_load_from_cache(source.location, name)
            path = Path(found) if isinstance(found, str) else None
        else:
            path = Path(source.location) / name
        if path is None or not path.is_file():
            continue
        try:
            token = json.loads(path.read_text(encoding="utf-8")).get("mask_token")
        except (OSError, ValueError, AttributeError):
            continue
        token = token.get("content") if isinstance(token, dict) else token
        if isinstance(token, str) and token:
            return token
    return None


def _fit(loaded: LoadedModel, text: str) -> tuple[int, Truncation | None]:
    """The model's window, and the truncation of ``text`` to it; the mask itself must be inside."""
    tokenizer = loaded.preprocessor
    max_length = max_input_length(tokenizer, loaded.config)
    encoding = tokenizer(text, return_offsets_mapping=tokenizer.is_fast, verbose=False)
    ids = encoding["input_ids"]
    if tokenizer.mask_token_id not in ids:
        raise WrongModelKind(
            f"The tokenizer of '{loaded.source.name}' does not turn its own mask token {tokenizer.mask_token} into "
            "one token, so this model cannot fill blanks here. Choose another fill-mask model.",
            ko=f"'{loaded.source.name}'의 토크나이저가 마스크 토큰 {tokenizer.mask_token}을 하나의 토큰으로 "
            "만들지 못해요. 다른 빈칸 채우기 모델을 고르세요.",
        )
    if len(ids) <= max_length:
        return max_length, None
    position = ids.index(tokenizer.mask_token_id)
    if position >= max_length - 1:
        raise BadInput(
            f"The mask is token {position:,} of {len(ids):,}, beyond the {max_length} tokens this model reads. "
            "Move the mask nearer the start, or shorten the text.",
            ko=f"마스크가 {len(ids):,}개 토큰 중 {position:,}번째라 모델이 읽는 {max_length}토큰 밖에 있어요. "
            "마스크를 앞쪽으로 옮기거나 글을 줄여 주세요.",
        )
    offsets = encoding.get("offset_mapping")
    kept_chars = int(offsets[max_length - 2][1]) if offsets else len(text) * max_length // len(ids)
    return max_length, Truncation(tokens=len(ids), kept_tokens=max_length, chars=len(text), kept_chars=kept_chars)


def fill_mask(
    text: str,
    model: str = TASK.default.id,
    *,
    top_k: int = 5,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> FillMaskResult:
    """The ``top_k`` most likely tokens for the one mask in ``text``, best first, with the filled sentences."""
    text = require_text(text)
    top_k = check_top_k(top_k)
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    mask_token = mask_token_of(loaded)
    masked = with_model_mask(text, mask_token)
    max_length, truncation = _fit(loaded, masked)
    started = time.perf_counter()
    raw = _pipeline(loaded)(masked, top_k=top_k, tokenizer_kwargs={"truncation": True, "max_length": max_length})
    candidates = [
        Candidate(
            score=float(c["score"]), token=int(c["token"]), token_str=str(c["token_str"]), sequence=c["sequence"]
        )
        for c in raw
    ]
    return FillMaskResult(
        text=masked,
        candidates=candidates,
        mask_token=mask_token,
        truncation=truncation,
        model=loaded.source.name,
        seconds=time.perf_counter() - started,
    )


def notebook_code(model: str, text: str, top_k: int) -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter)."""
    return f"""from transformers import pipeline

unmasker = pipeline("fill-mask", model={model!r})
print("mask token:", unmasker.tokenizer.mask_token)  # [MASK] for BERT, <mask> for RoBERTa

for candidate in unmasker({text[:500]!r}, top_k={top_k}):
    print(f"{{candidate['score']:.3f}}", candidate["token_str"], "→", candidate["sequence"])
"""
