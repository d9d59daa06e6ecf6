"""The same text through several tokenizers: how many tokens, how long, how many unknown.

Next to real tokenizers sit two that the course contrasts them with, computed here: a
word-level one (split at spaces and punctuation) and a character-level one, each with the
vocabulary of the shipped sample corpus, so unseen words (or characters) really are unknown.
Both are ``tokenizers`` ``WordLevel`` models trained on that corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from core.errors import BadInput, PlaygroundError
from core.inputs.text import require_text
from core.runtime.loading import PRIVATE, LoadPolicy
from core.tokenizers.tokenize import TASK, load_tokenizer
from core.tokenizers.training import UNK, sample_corpus

WORD_LEVEL = "word-level"
CHARACTER_LEVEL = "character-level"
MAX_TOKENIZERS = 8
#: Tokens kept per row for display; counts always cover the whole text.
SHOWN_TOKENS = 200


@dataclass
class TokenizerStats:
    """One tokenizer's view of the text, or why it could not run."""

    name: str
    kind: str
    tokens: list[str]
    count: int
    unknown: int
    vocab_size: int
    characters: int
    error: PlaygroundError | None = None

    @property
    def chars_per_token(self) -> float | None:
        return round(self.characters / self.count, 2) if self.count else None

    @property
    def unknown_rate(self) -> float | None:
        return round(self.unknown / self.count, 4) if self.count else None

    def to_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"tokenizer": self.name, "error": self.error.message}
        return {
            "tokenizer": self.name,
            "kind": self.kind,
            "num_tokens": self.count,
            "chars_per_token": self.chars_per_token,
            "unknown_tokens": self.unknown,
            "unknown_rate": self.unknown_rate,
            "vocab_size": self.vocab_size,
            "tokens": self.tokens[:SHOWN_TOKENS],
        }


@dataclass
class Comparison:
    text: str
    rows: list[TokenizerStats]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "tokenizers": [row.to_json() for row in self.rows]}


@cache
def local_tokenizer(level: str) -> Any:
    """A ``WordLevel`` tokenizer whose vocabulary is every word (or character) of the sample corpus."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordLevel
    from tokenizers.trainers import WordLevelTrainer

    tokenizer = Tokenizer(WordLevel(unk_token=UNK))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    if level == WORD_LEVEL:
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    else:
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")]
        )
    trainer = WordLevelTrainer(vocab_size=1_000_000, special_tokens=[UNK], show_progress=False)
    tokenizer.train_from_iterator(sample_corpus().splitlines(), trainer)
    return tokenizer


def kind_of(tokenizer: Any) -> str:
    """The algorithm behind a transformers tokenizer: WordPiece, BPE (byte-level or not), Unigram (SentencePiece)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return type(tokenizer).__name__
    model = type(backend.model).__name__
    if model == "BPE" and "ByteLevel" in repr(backend.pre_tokenizer):
        return "byte-level BPE"
    if model == "Unigram":
        return "SentencePiece (Unigram)"
    return model


def _local_stats(level: str, text: str) -> TokenizerStats:
    tokenizer = local_tokenizer(level)
    encoding = tokenizer.encode(text)
    return TokenizerStats(
        name=level,
        kind=f"{level} (sample corpus vocabulary)",
        tokens=encoding.tokens,
        count=len(encoding.ids),
        unknown=sum(1 for t in encoding.tokens if t == UNK),
        vocab_size=tokenizer.get_vocab_size(),
        characters=len(text),
    )


def _stats(name: str, text: str, policy: LoadPolicy) -> TokenizerStats:
    try:
        tokenizer = load_tokenizer(name, policy=policy)
    except PlaygroundError as error:
        return TokenizerStats(name, "", [], 0, 0, 0, len(text), error=error)
    ids = tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
    unk = tokenizer.unk_token_id
    return TokenizerStats(
        name=name,
        kind=kind_of(tokenizer),
        tokens=tokenizer.convert_ids_to_tokens(ids[:SHOWN_TOKENS]),
        count=len(ids),
        unknown=sum(1 for i in ids if unk is not None and i == unk),
        vocab_size=len(tokenizer),
        characters=len(text),
    )


def compare(
    text: str,
    tokenizers: list[str] | str | None = None,
    *,
    policy: LoadPolicy = PRIVATE,
) -> Comparison:
    """``text`` through each of ``tokenizers`` (default: the tab's list) and the word- and character-level splits.

    Counts leave out special tokens, so that every row counts the same text. A tokenizer
    that cannot load (offline, misspelt) gets a row with its message; the others still run.
    """
    cleaned = require_text(text)
    if tokenizers is None:
        names = [m.id for m in TASK.models]
    elif isinstance(tokenizers, str):
        names = [n.strip() for n in tokenizers.replace("\n", ",").split(",") if n.strip()]
    else:
        names = [str(n).strip() for n in tokenizers if str(n).strip()]
    names = list(dict.fromkeys(names))
    if len(names) > MAX_TOKENIZERS:
        raise BadInput(
            f"{len(names)} tokenizers were chosen; compare at most {MAX_TOKENIZERS} at once.",
            ko=f"토크나이저를 {len(names)}개 골랐어요. 한 번에 최대 {MAX_TOKENIZERS}개까지 비교해요.",
        )
    rows = [_stats(name, cleaned, policy) for name in names]
    rows += [_local_stats(WORD_LEVEL, cleaned), _local_stats(CHARACTER_LEVEL, cleaned)]
    return Comparison(text=cleaned, rows=rows)


def notebook_code(comparison: Comparison) -> str:
    """The Python that counts the same tokens in a notebook."""
    names = [
        row.name for row in comparison.rows if row.error is None and row.name not in (WORD_LEVEL, CHARACTER_LEVEL)
    ]
    listed = ",\n    ".join(repr(n) for n in names) or repr(TASK.default.id)
    return f"""from transformers import AutoTokenizer

text = {comparison.text[:500]!r}
for name in [
    {listed},
]:
    tokenizer = AutoTokenizer.from_pretrained(name)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    unknown = sum(i == tokenizer.unk_token_id for i in ids)
    print(f"{{name}}: {{len(ids)}} tokens, {{len(text) / len(ids):.2f}} chars/token, {{unknown}} unknown")
    print(tokenizer.convert_ids_to_tokens(ids))

print("word-level:", text.split())
print("character-level:", [ch for ch in text if not ch.isspace()])
"""
