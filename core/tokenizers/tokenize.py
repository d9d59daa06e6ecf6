"""The tokenizer lab's core: text → tokens, ids, masks, exactly as ``tokenizer(...)`` returns them.

A tokenizer is not a model, so it is loaded on its own (``AutoTokenizer``, a few MB) through the
shared ``MODEL_CACHE`` under the key ``("tokenizer", location)``. Every token keeps the characters
of the ORIGINAL text it came from (the fast tokenizer's offsets), so the UI can colour the text itself.
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.errors import BadInput, PlaygroundError
from core.inputs.text import MAX_CHARS, split_lines
from core.localized import Localized
from core.registry import get_task
from core.runtime.imports import import_transformers_once
from core.runtime.loading import PRIVATE, LoadPolicy, explained_failures
from core.runtime.model_cache import MODEL_CACHE, ModelCache
from core.runtime.model_source import resolve_model
from core.validators import whole_number

TASK = get_task("tokenize")
#: Limits that no real tokenizer has; transformers uses a huge sentinel (1e30) for "no limit".
NO_LIMIT = 1_000_000
#: Markers a tokenizer writes into its tokens, and what each means.
MARKERS: dict[str, Localized] = {
    "##": Localized(
        "`##` (WordPiece): this piece continues the word before it, with no space between.",
        "`##` (WordPiece): 앞 토큰에 공백 없이 이어지는 단어 조각이에요.",
    ),
    "Ġ": Localized(
        "`Ġ` (byte-level BPE, GPT-2): the piece starts with a space; `Ċ` is a line break. This tokenizer works on "
        "UTF-8 bytes, each shown as one odd-looking letter: a Korean syllable is 3 bytes, so it looks like `ëĮĢ`.",
        "`Ġ` (바이트 수준 BPE, GPT-2): 조각 앞에 공백이 있다는 표시예요. `Ċ`는 줄바꿈이에요. 이 토크나이저는 "
        "UTF-8 바이트 단위로 일해서 바이트마다 낯선 글자 하나로 보여요. 한글 한 음절은 3바이트라 `ëĮĢ`처럼 보여요.",
    ),
    "▁": Localized(
        "`▁` (SentencePiece): the piece starts a new word (a space before it); spaces are part of the pieces.",
        "`▁` (SentencePiece): 새 단어의 시작(앞에 공백)이라는 표시예요. 공백도 조각의 일부로 다뤄요.",
    ),
}


class Padding(str, Enum):
    """transformers' ``padding=`` choices, by the names the course uses."""

    LONGEST = "longest"  # padding=True: pad to the longest sentence of the batch
    MAX_LENGTH = "max_length"  # pad every sentence to max_length
    DO_NOT_PAD = "do_not_pad"  # padding=False


@dataclass(frozen=True)
class TokenPiece:
    """One token of one sequence, with the characters of the original text it came from."""

    index: int
    token: str
    id: int
    #: Character span in the original text (of ``sequence``), or None for special and padding tokens.
    start: int | None
    end: int | None
    #: 0 for the first sentence, 1 for the second of a pair, None for special tokens.
    sequence: int | None
    special: bool
    unknown: bool
    padding: bool


@dataclass
class TokenizedBatch:
    """What ``tokenizer(texts, text_pairs, ...)`` returned, plus what a student needs to read it."""

    tokenizer: str
    texts: list[str]
    pairs: list[str] | None
    tokens: list[list[str]]
    #: The model inputs (``input_ids``, ``token_type_ids``, ``attention_mask``), as lists of lists.
    inputs: dict[str, list[list[int]]]
    offsets: list[list[tuple[int, int]]] | None
    #: Tokens per sequence before truncation (with special tokens when they are added).
    full_lengths: list[int]
    #: ``[batch, length]`` as ``return_tensors="pt"`` gives; None when rows differ (no tensor possible).
    shape: list[int] | None
    #: ``print(tokenizer(..., return_tensors="pt"))`` as a notebook shows it, or the reason it fails.
    tensor_repr: str
    padding: Padding
    truncation: bool
    max_length: int | None
    add_special_tokens: bool
    model_max_length: int | None
    markers: list[str] = field(default_factory=list)
    unk_token_id: int | None = None
    seconds: float = 0.0
    #: Builds the ``TokenPiece`` records of one row, up to a limit: a screen shows a few thousand, not 100,000.
    piece_builder: Callable[[int, int | None], list[TokenPiece]] | None = field(default=None, repr=False)

    def pieces_of(self, row: int, limit: int | None = None) -> list[TokenPiece]:
        """The first ``limit`` tokens of sequence ``row`` (all of them by default), with their characters."""
        return self.piece_builder(row, limit) if self.piece_builder else []

    @property
    def pieces(self) -> list[list[TokenPiece]]:
        return [self.pieces_of(row) for row in range(len(self.texts))]

    @property
    def has_unknown(self) -> bool:
        return self.unk_token_id is not None and any(self.unk_token_id in row for row in self.inputs["input_ids"])

    @property
    def truncated(self) -> list[int]:
        """Indexes of the sequences that lost tokens to truncation."""
        return [i for i, n in enumerate(self.full_lengths) if n > len(self.tokens[i])]

    def to_json(self) -> dict[str, Any]:
        """The contract's shape: one list per sentence for each field, as the tokenizer returns it."""
        result: dict[str, Any] = {"tokens": self.tokens, **self.inputs}
        if self.offsets is not None:
            result["offset_mapping"] = [[list(span) for span in row] for row in self.offsets]
        result["shape"] = self.shape
        result["num_tokens"] = self.full_lengths
        return result


def tokenizer_size(tokenizer: Any) -> int:
    """A rough memory size for the cache's budget: vocabularies dominate (about 100 bytes an entry)."""
    return 100 * len(tokenizer)


def load_tokenizer(name: str, *, policy: LoadPolicy = PRIVATE, cache: ModelCache = MODEL_CACHE) -> Any:
    """The tokenizer called ``name`` (Hub id, bundled, or a local folder): loaded once, then cached."""
    source = resolve_model(name, allow_local=policy.allow_local)

    def load() -> Any:
        import_transformers_once()  # the length limit loads a tokenizer when the page opens, outside a task handler
        from transformers import AutoTokenizer

        with explained_failures(TASK, source), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tokenizer = AutoTokenizer.from_pretrained(source.location)
        tokenizer.name_or_path = source.name
        return tokenizer

    return cache.get_or_load(("tokenizer", source.location), load, tokenizer_size)


def model_limit(tokenizer: Any) -> int | None:
    """The tokenizer's ``model_max_length``, or None when it declares no real limit."""
    limit = getattr(tokenizer, "model_max_length", None)
    return int(limit) if isinstance(limit, int) and 0 < limit < NO_LIMIT else None


def limit_of(name: str, *, policy: LoadPolicy = PRIVATE) -> int | None:
    """The tokenizer's own limit, or None when it has none or cannot load now (the caller keeps its value)."""
    try:
        return model_limit(load_tokenizer(name, policy=policy))
    except PlaygroundError:
        return None


def check_max_length(max_length: int | float | None, limit: int | None, name: str) -> int | None:
    """``max_length`` as an int (None: the model's limit); ``BadInput`` when ≤ 0 or above the limit."""
    if max_length is None or (isinstance(max_length, str) and not max_length.strip()):
        return None
    value = whole_number(
        max_length,
        "`max_length`",
        1,
        hint="It is how many tokens a sentence may have, such as 512 (BERT's limit). "
        "Leave it empty to use the model's own limit.",
        hint_ko="한 문장의 최대 토큰 수예요(예: BERT 한도 512). 비워 두면 모델 한도를 써요.",
    )
    ceiling = limit or MAX_CHARS
    if value > ceiling:
        raise BadInput(
            f"max_length {value:,} is above the limit of '{name}', {ceiling:,} tokens (its model cannot read more). "
            f"Use {ceiling:,} or less.",
            ko=f"max_length {value:,}토큰은 '{name}'의 한도 {ceiling:,}토큰보다 커요(모델이 그보다 길게 읽지 못해요). "
            f"{ceiling:,} 이하로 정하세요.",
        )
    return value


def parse_padding(padding: str | bool | None) -> Padding:
    """A ``Padding`` from the user's string (or transformers' True/False)."""
    if padding is True or padding is None:
        return Padding.LONGEST
    if padding is False:
        return Padding.DO_NOT_PAD
    try:
        return Padding(str(padding).strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Padding)
        raise BadInput(
            f"padding must be one of {choices}, not {padding!r}.",
            ko=f"padding은 {choices} 중 하나여야 해요({padding!r} 값은 안 돼요).",
        ) from None


def pair_lines(texts: list[str], text_pair: str | None) -> list[str] | None:
    """The second sentences of a pair batch, one per first sentence; None when no pairs were given."""
    if not (text_pair or "").strip():
        return None
    pairs = split_lines(text_pair)
    if len(pairs) < len(texts):
        missing = len(pairs) + 1
        raise BadInput(
            f"Sentence {missing} has no second sentence: there are {len(texts)} first sentences but only "
            f"{len(pairs)} second ones. Give one second sentence per line, or clear the second box.",
            ko=f"{missing}번째 문장에 짝이 되는 두 번째 문장이 없어요. 첫 문장은 {len(texts)}개인데 두 번째 문장은 "
            f"{len(pairs)}개예요. 줄마다 두 번째 문장을 하나씩 쓰거나 두 번째 칸을 비우세요.",
        )
    if len(pairs) > len(texts):
        raise BadInput(
            f"There are {len(pairs)} second sentences for {len(texts)} first sentences. "
            "Give exactly one second sentence per first sentence.",
            ko=f"첫 문장은 {len(texts)}개인데 두 번째 문장이 {len(pairs)}개예요. 첫 문장마다 하나씩만 쓰세요.",
        )
    return pairs


def markers_in(tokens: list[list[str]]) -> list[str]:
    """Which subword markers (``##``, ``Ġ``, ``▁``) appear in these tokens."""
    joined = "\n".join("\n".join(row) for row in tokens)
    found = ["##"] if joined.startswith("##") or "\n##" in joined else []
    return found + [marker for marker in ("Ġ", "▁") if marker in joined]


def _pieces(encoding: Any, tokenizer: Any, row: int, limit: int | None = None) -> list[TokenPiece]:
    unk_id = tokenizer.unk_token_id  # an attribute lookup costs a lot: read it once, not per token
    special_ids = set(tokenizer.all_special_ids) - {unk_id}
    ids = encoding["input_ids"][row]
    tokens = encoding.tokens(row)
    offsets = encoding["offset_mapping"][row] if "offset_mapping" in encoding else None
    sequence_ids = encoding.sequence_ids(row)
    masks = encoding["special_tokens_mask"][row]
    attention = encoding["attention_mask"][row] if "attention_mask" in encoding else [1] * len(ids)
    pieces = []
    for i in range(len(ids) if limit is None else min(limit, len(ids))):
        token, token_id = tokens[i], ids[i]
        padded = attention[i] == 0
        unknown = unk_id is not None and token_id == unk_id
        special = bool(masks[i]) or token_id in special_ids
        start, end = offsets[i] if offsets is not None else (0, 0)
        if end <= start or padded:  # added by the tokenizer: no characters of the text behind it
            start, end = None, None
        pieces.append(
            TokenPiece(
                index=i,
                token=token,
                id=int(token_id),
                start=start,
                end=end,
                sequence=sequence_ids[i],
                special=special,
                unknown=unknown,
                padding=padded,
            )
        )
    return pieces


def tensor_repr(inputs: dict[str, list[list[int]]]) -> tuple[list[int] | None, str]:
    """The shape and printout of these inputs as PyTorch tensors, or why they cannot be one tensor."""
    lengths = {len(row) for row in inputs["input_ids"]}
    if len(lengths) != 1:
        return None, (
            "ValueError: Unable to create tensor, you should probably activate truncation and/or padding "
            f"with 'padding=True' 'truncation=True' to have batched tensors with the same length. "
            f"(row lengths: {[len(row) for row in inputs['input_ids']]})"
        )
    from transformers import BatchEncoding

    tensors = BatchEncoding(inputs, tensor_type="pt")
    return list(tensors["input_ids"].shape), repr(tensors)


def tokenize(
    text: str,
    tokenizer: str = TASK.default.id,
    padding: str | bool = Padding.LONGEST.value,
    truncation: bool = True,
    max_length: int | None = None,
    add_special_tokens: bool = True,
    *,
    text_pair: str | None = None,
    policy: LoadPolicy = PRIVATE,
) -> TokenizedBatch:
    """Tokenize each line of ``text`` (paired with the lines of ``text_pair``) as ``tokenizer(...)`` does."""
    texts = split_lines(text)
    pairs = pair_lines(texts, text_pair)
    strategy = parse_padding(padding)
    loaded = load_tokenizer(tokenizer, policy=policy)
    limit = model_limit(loaded)
    length = check_max_length(max_length, limit, tokenizer)
    if strategy is Padding.MAX_LENGTH and length is None and limit is None:
        raise BadInput(
            f"padding='max_length' needs a max_length: '{tokenizer}' declares no limit of its own. Set max_length.",
            ko=f"padding='max_length'에는 max_length가 필요해요. '{tokenizer}'에는 자체 한도가 없어요. max_length를 정하세요.",
        )
    if strategy is not Padding.DO_NOT_PAD and loaded.pad_token is None:
        raise BadInput(
            f"'{tokenizer}' has no padding token (models like GPT-2 were trained without one), so it cannot pad. "
            "Choose padding 'do_not_pad'; in a notebook, `tokenizer.pad_token = tokenizer.eos_token` is the usual fix.",
            ko=f"'{tokenizer}'에는 패딩 토큰이 없어요(GPT-2 같은 모델은 패딩 없이 학습됐어요). padding을 'do_not_pad'로 "
            "고르세요. 노트북에서는 보통 `tokenizer.pad_token = tokenizer.eos_token`으로 해결해요.",
        )
    started = time.perf_counter()
    options = {"add_special_tokens": bool(add_special_tokens), "verbose": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        encoding = loaded(
            texts,
            pairs,
            padding=strategy.value,
            truncation=bool(truncation),
            max_length=length
            if length is not None
            else (limit if truncation or strategy is Padding.MAX_LENGTH else None),
            return_offsets_mapping=bool(getattr(loaded, "is_fast", False)),
            return_special_tokens_mask=True,
            **options,
        )
        full = loaded(texts, pairs, truncation=False, **options)["input_ids"] if truncation else encoding["input_ids"]
    inputs = {name: encoding[name] for name in loaded.model_input_names if name in encoding}
    shape, printed = tensor_repr(inputs)
    tokens = [encoding.tokens(i) for i in range(len(texts))]
    return TokenizedBatch(
        tokenizer=tokenizer,
        texts=texts,
        pairs=pairs,
        tokens=tokens,
        inputs=inputs,
        offsets=[[tuple(span) for span in row] for row in encoding["offset_mapping"]]
        if "offset_mapping" in encoding
        else None,
        full_lengths=[len(ids) for ids in full],
        shape=shape,
        tensor_repr=printed,
        padding=strategy,
        truncation=bool(truncation),
        max_length=length,
        add_special_tokens=bool(add_special_tokens),
        model_max_length=limit,
        markers=markers_in(tokens),
        unk_token_id=loaded.unk_token_id,
        piece_builder=functools.partial(_pieces, encoding, loaded),
        seconds=time.perf_counter() - started,
    )


def notebook_code(result: TokenizedBatch) -> str:
    """The Python that reproduces this batch in a notebook."""
    texts = ",\n    ".join(repr(t) for t in result.texts[:8])
    pairs = ",\n    ".join(repr(t) for t in (result.pairs or [])[:8])
    padding = {Padding.LONGEST: "True", Padding.DO_NOT_PAD: "False"}.get(result.padding, "'max_length'")
    pair_lines_ = f"text_pairs = [\n    {pairs},\n]\n" if result.pairs else ""
    pair_arg = ", text_pairs" if result.pairs else ""
    length = f", max_length={result.max_length}" if result.max_length else ""
    special = "" if result.add_special_tokens else ", add_special_tokens=False"
    tensors = ', return_tensors="pt"' if result.shape else ""
    return f"""from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({result.tokenizer!r})

texts = [
    {texts},
]
{pair_lines_}encoding = tokenizer(texts{pair_arg}, padding={padding}, truncation={result.truncation}{length}{special}{tensors})
print(encoding)  # input_ids, token_type_ids, attention_mask
print(encoding["input_ids"]{".shape" if result.shape else ""})
for i in range(len(texts)):
    print(encoding.tokens(i))  # the tokens behind the ids ([CLS] ... [SEP], ## pieces)
"""
