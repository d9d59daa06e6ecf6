"""Does the base model's vocabulary cover the data? The share of ``[UNK]`` tokens per label, before training.

A WordPiece tokenizer turns every word it cannot spell with its vocabulary into one ``[UNK]`` token:
the bundled MiniLM is English-only, so each Hangul word of a Korean sentence becomes ``[UNK]`` and the
model sees the same token for "좋아요" and "싫어요". Fine-tuning cannot learn from that. This module
counts, per label, how many of the data's words come out as ``[UNK]``, shows some of them, and names a
model of the fine-tuning lab (from the registry) whose languages cover the data's scripts.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import PlaygroundError
from core.finetune.data import Example, LabelledData
from core.registry import ModelChoice, get_task
from core.runtime.loading import PRIVATE, LoadPolicy
from core.runtime.model_source import Availability, availability, resolve_model

TASK = get_task("finetune")
#: A label with at least this share of its words read as ``[UNK]`` is "much": the warning shows. (The bundled
#: MiniLM reads about a third of the Korean starter rows' words, a tenth of each label's words, as ``[UNK]``.)
UNKNOWN_SHARE_WARNING = 0.05
EXAMPLE_WORDS = 6


@dataclass(frozen=True)
class LabelCoverage:
    """One label's rows: how many words (split at spaces) the tokenizer reads as ``[UNK]``, and in how many rows."""

    label: str
    rows: int
    words: int
    unknown_words: int
    rows_with_unknown: int

    @property
    def share(self) -> float:
        return self.unknown_words / self.words if self.words else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "rows": self.rows,
            "words": self.words,
            "unknown_words": self.unknown_words,
            "share": round(self.share, 4),
            "rows_with_unknown": self.rows_with_unknown,
        }


@dataclass(frozen=True)
class VocabularyReport:
    """What the tokenizer makes of the data, and a better-suited model when much of it is ``[UNK]``."""

    model: str
    unknown_token: str | None
    labels: tuple[LabelCoverage, ...]
    #: The words most often read as ``[UNK]``, most frequent first.
    examples: tuple[str, ...]
    #: The data's languages as the registry names them: "ko" (Hangul), "en" (Latin), "multi" (other scripts).
    languages: tuple[str, ...]
    suggestion: ModelChoice | None

    @property
    def much_unknown(self) -> bool:
        return any(c.share >= UNKNOWN_SHARE_WARNING for c in self.labels)

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "unknown_token": self.unknown_token,
            "much_unknown": self.much_unknown,
            "labels": [c.to_json() for c in self.labels],
            "examples": list(self.examples),
            "languages": list(self.languages),
            "suggestion": self.suggestion.id if self.suggestion else None,
        }


def _script(character: str) -> str | None:
    """The registry's language for a letter's script; None for digits, punctuation, emoji and spaces."""
    if not unicodedata.category(character).startswith("L"):
        return None
    name = unicodedata.name(character, "")
    if name.startswith(("HANGUL", "HALFWIDTH HANGUL")):
        return "ko"
    return "en" if name.startswith("LATIN") else "multi"


def data_languages(texts: Sequence[str]) -> tuple[str, ...]:
    """The languages (scripts) that letters of ``texts`` are written in, in the order en, ko, multi."""
    found = {_script(ch) for text in texts for ch in text} - {None}
    return tuple(language for language in ("en", "ko", "multi") if language in found)


def suggest_model(languages: Sequence[str], current: str) -> ModelChoice | None:
    """The lab's model that covers every language of the data, the most specialised first; not ``current``."""
    fits = [
        m for m in TASK.models if m.id != current and languages and set(languages) <= set(m.languages)
    ]  # registry order breaks ties: smaller and bundled models come first there
    return min(fits, key=lambda m: len(m.languages), default=None)


def _unknown_words(tokenizer: Any, words: set[str]) -> set[str]:
    """The words whose tokens include the unknown token (each word tokenized once, on its own)."""
    if tokenizer.unk_token is None or not words:  # byte-level BPE can spell anything: nothing is unknown
        return set()
    ordered = sorted(words)
    ids = tokenizer(ordered, add_special_tokens=False, truncation=False)["input_ids"]
    return {word for word, word_ids in zip(ordered, ids, strict=True) if tokenizer.unk_token_id in word_ids}


def vocabulary_report(
    tokenizer: Any, examples: Sequence[Example], labels: Sequence[str], model: str
) -> VocabularyReport:
    """Count, per label, the words (split at spaces) that the tokenizer reads as ``[UNK]``."""
    words_of = [e.text.split() for e in examples]
    unknown = _unknown_words(tokenizer, {word for words in words_of for word in words})
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # rows, words, unknown words, rows hit
    seen: Counter[str] = Counter()
    for example, words in zip(examples, words_of, strict=True):
        hits = [word for word in words if word in unknown]
        count = counts[example.label]
        count[0] += 1
        count[1] += len(words)
        count[2] += len(hits)
        count[3] += bool(hits)
        seen.update(hits)
    languages = data_languages([e.text for e in examples])
    coverage = tuple(LabelCoverage(label, *counts[label]) for label in labels if label in counts)
    much = any(c.share >= UNKNOWN_SHARE_WARNING for c in coverage)
    return VocabularyReport(
        model=model,
        unknown_token=tokenizer.unk_token,
        labels=coverage,
        examples=tuple(word for word, _ in seen.most_common(EXAMPLE_WORDS)),
        languages=languages,
        suggestion=suggest_model(languages, model) if much else None,
    )


def report_if_here(data: LabelledData, model: str, *, policy: LoadPolicy = PRIVATE) -> VocabularyReport | None:
    """The report, when the model's tokenizer is on this machine (bundled, a folder, downloaded); else None.

    This runs before training, on every change of the data: it never downloads (training does, and
    reports then). ``BadInput`` when the model name itself is wrong.
    """
    source = resolve_model(model, allow_local=policy.allow_local)
    if availability(source) not in (Availability.BUNDLED, Availability.LOCAL, Availability.CACHED):
        return None
    from core.tokenizers.tokenize import load_tokenizer

    try:
        tokenizer = load_tokenizer(model, policy=policy)
    except PlaygroundError:  # e.g. a model whose config was downloaded but not its tokenizer, while offline
        return None
    return vocabulary_report(tokenizer, data.train + data.eval, data.labels, source.name)
