"""Train a BPE or WordPiece tokenizer on pasted text, and show what it learned, step by step.

Training is the ``tokenizers`` library's own (``BpeTrainer``, ``WordPieceTrainer``). What the
library does not report, the merge counts, is recomputed by replaying its merges over the same
pre-tokenized words: "the most frequent pair, merged repeatedly" made visible.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from core.errors import BadInput
from core.inputs.text import require_text
from core.validators import whole_number

SAMPLE_CORPUS = Path(__file__).parents[1] / "data" / "tokenizer_sample_corpus.txt"
UNK = "[UNK]"
MIN_VOCAB = 10
MAX_VOCAB = 30_000
MAX_WORD_CHARS = 100
#: WordPiece's continuation prefix (``token`` + ``##izing``).
CONTINUATION = "##"


class Algorithm(str, Enum):
    BPE = "bpe"
    WORDPIECE = "wordpiece"


@dataclass(frozen=True)
class Merge:
    """The ``rank``-th merge: ``left`` + ``right`` → ``new``, chosen when the pair occurred ``count`` times."""

    rank: int
    left: str
    right: str
    new: str
    count: int


@dataclass(frozen=True)
class Step:
    """One step of tokenizing a word: what was applied (a merge or a longest match) and the pieces after it."""

    number: int
    applied: str
    rank: int | None
    pieces: list[str]


@dataclass
class TrainedTokenizer:
    algorithm: Algorithm
    requested_vocab_size: int
    vocab_size: int
    alphabet: list[str]
    merges: list[Merge]
    #: Tokens the training added beyond the alphabet and [UNK], in the order they were learned.
    learned: list[str]
    word: str
    steps: list[Step]
    #: What the trained tokenizer itself gives for ``word`` (the steps must end here).
    word_tokens: list[str]
    corpus_words: int
    seconds: float
    tokenizer: Any = field(repr=False, default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm.value,
            "vocab_size": self.vocab_size,
            "alphabet_size": len(self.alphabet),
            "merges": [
                {"rank": m.rank, "pair": [m.left, m.right], "count": m.count, "new": m.new} for m in self.merges
            ],
            "learned_tokens": self.learned,
            "word": self.word,
            "steps": [
                {"step": s.number, "applied": s.applied, "rank": s.rank, "pieces": s.pieces} for s in self.steps
            ],
            "tokens": self.word_tokens,
        }


@cache
def sample_corpus() -> str:
    """The shipped corpus (English and Korean sentences about tokenizers) for a first try."""
    return SAMPLE_CORPUS.read_text(encoding="utf-8")


def parse_algorithm(algorithm: str) -> Algorithm:
    try:
        return Algorithm(str(algorithm).strip().lower())
    except ValueError:
        raise BadInput(
            f"The algorithm must be 'bpe' or 'wordpiece', not {algorithm!r}.",
            ko=f"알고리즘은 'bpe' 또는 'wordpiece'여야 해요({algorithm!r} 값은 안 돼요).",
        ) from None


def check_vocab_size(vocab_size: int | float | None) -> int:
    """The vocabulary size as an int between ``MIN_VOCAB`` and ``MAX_VOCAB``; ``BadInput`` otherwise."""
    return whole_number(vocab_size, "The vocabulary size", MIN_VOCAB, MAX_VOCAB, name_ko="어휘 크기")


def new_tokenizer(algorithm: Algorithm) -> Any:
    """An untrained tokenizer: NFC normalization, split at spaces and punctuation, then the subword model."""
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import BPE, WordPiece

    if algorithm is Algorithm.BPE:
        tokenizer = Tokenizer(BPE(unk_token=UNK))
    else:
        tokenizer = Tokenizer(WordPiece(unk_token=UNK, continuing_subword_prefix=CONTINUATION))
        tokenizer.decoder = decoders.WordPiece(prefix=CONTINUATION)
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    return tokenizer


def word_counts(tokenizer: Any, lines: list[str]) -> Counter[str]:
    """How often each pre-tokenized word occurs: exactly what the trainer counts pairs over."""
    counts: Counter[str] = Counter()
    for line in lines:
        normalized = tokenizer.normalizer.normalize_str(line)
        counts.update(word for word, _span in tokenizer.pre_tokenizer.pre_tokenize_str(normalized))
    return counts


def replay_merges(counts: Counter[str], merges: list[tuple[str, str]]) -> list[Merge]:
    """Apply ``merges`` in order to every word, recording how often each pair occurred when it was merged."""
    words = [list(word) for word in counts]
    freqs = list(counts.values())
    containing: defaultdict[str, set[int]] = defaultdict(set)
    for index, symbols in enumerate(words):
        for symbol in symbols:
            containing[symbol].add(index)
    replayed = []
    for rank, (left, right) in enumerate(merges, start=1):
        new = left + right
        count = 0
        for index in containing[left] & containing[right]:
            symbols = words[index]
            count += freqs[index] * sum(1 for a, b in zip(symbols, symbols[1:]) if a == left and b == right)
            merged, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
                    merged.append(new)
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            if len(merged) != len(symbols):
                words[index] = merged
                containing[new].add(index)
        replayed.append(Merge(rank=rank, left=left, right=right, new=new, count=count))
    return replayed


def bpe_steps(tokenizer: Any, ranks: dict[tuple[str, str], int], text: str) -> list[Step]:
    """Tokenize ``text`` as BPE does: start from characters, merge the lowest-ranked pair until none applies."""
    vocab = tokenizer.get_vocab()
    words = [w for w, _ in tokenizer.pre_tokenizer.pre_tokenize_str(tokenizer.normalizer.normalize_str(text))]
    pieces = [[ch if ch in vocab else UNK for ch in word] for word in words]
    flat = [p for word in pieces for p in word]
    steps = [Step(0, "characters", None, flat)]
    while True:
        candidates = [
            (ranks[pair], w, pair) for w, word in enumerate(pieces) for pair in zip(word, word[1:]) if pair in ranks
        ]
        if not candidates:
            return steps
        rank, _, (left, right) = min(candidates)
        for w, word in enumerate(pieces):
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == left and word[i + 1] == right:
                    merged.append(left + right)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            pieces[w] = merged
        steps.append(
            Step(len(steps), f"{left} + {right} → {left + right}", rank, [p for word in pieces for p in word])
        )


def wordpiece_steps(tokenizer: Any, text: str) -> list[Step]:
    """Tokenize ``text`` as WordPiece does: at each position take the longest piece in the vocabulary."""
    vocab = tokenizer.get_vocab()
    words = [w for w, _ in tokenizer.pre_tokenizer.pre_tokenize_str(tokenizer.normalizer.normalize_str(text))]
    done: list[str] = []
    steps = [Step(0, "words", None, list(words))]
    for word in words:
        found, start = [], 0
        while start < len(word) and len(word) <= MAX_WORD_CHARS:
            prefix = CONTINUATION if start else ""
            end = next((e for e in range(len(word), start, -1) if prefix + word[start:e] in vocab), None)
            if end is None:
                found = None
                break
            found.append(prefix + word[start:end])
            start = end
            rest = [word[start:]] if start < len(word) else []
            steps.append(Step(len(steps), f"longest match: {found[-1]}", None, [*done, *found, *rest]))
        if found is None or len(word) > MAX_WORD_CHARS:
            found = [UNK]
            steps.append(
                Step(len(steps), f"no piece matches inside '{word}': the whole word → {UNK}", None, [*done, UNK])
            )
        done.extend(found)
    return steps


def train_tokenizer(
    corpus: str,
    algorithm: str = Algorithm.BPE.value,
    vocab_size: int = 300,
    word: str = "tokenizing",
) -> TrainedTokenizer:
    """Train ``algorithm`` on ``corpus`` (one text a line) up to ``vocab_size`` tokens; walk ``word`` through it."""
    from tokenizers.trainers import BpeTrainer, WordPieceTrainer

    kind = parse_algorithm(algorithm)
    size = check_vocab_size(vocab_size)
    lines = [line for line in require_text(corpus, what="training corpus", what_ko="학습 말뭉치").splitlines() if line]
    word = require_text(word, what="word to tokenize", what_ko="토큰화할 단어")[:MAX_WORD_CHARS]
    started = time.perf_counter()
    tokenizer = new_tokenizer(kind)
    counts = word_counts(tokenizer, lines)
    alphabet = sorted({ch for w in counts for ch in w})
    floor = len(alphabet) + 1
    if size <= floor:
        raise BadInput(
            f"A vocabulary of {size} cannot even hold this corpus's {len(alphabet)} different characters plus {UNK}: "
            f"ask for more than {floor} tokens, so that there is room for merges.",
            ko=f"어휘 크기 {size}로는 이 말뭉치의 서로 다른 글자 {len(alphabet)}개와 {UNK}도 담을 수 없어요. "
            f"병합할 자리가 생기도록 {floor}보다 크게 정하세요.",
        )
    options = {"vocab_size": size, "special_tokens": [UNK], "show_progress": False, "min_frequency": 0}
    if kind is Algorithm.BPE:
        trainer = BpeTrainer(**options)
    else:
        trainer = WordPieceTrainer(**options, continuing_subword_prefix=CONTINUATION)
    tokenizer.train_from_iterator(lines, trainer)
    vocab = tokenizer.get_vocab()
    if len(vocab) < size and len(vocab) < MIN_VOCAB:
        raise BadInput(
            f"This corpus is far too small: it has {len(vocab)} different symbols in all, so no vocabulary of "
            f"{MIN_VOCAB} or more can be learned from it. Paste a few sentences (or use the sample corpus).",
            ko=f"말뭉치가 너무 작아요. 서로 다른 기호가 모두 {len(vocab)}개뿐이라 {MIN_VOCAB}개 이상의 어휘를 배울 수 없어요. "
            "문장을 몇 개 더 붙여 넣거나 예시 말뭉치를 쓰세요.",
        )
    if len(vocab) < size:
        raise BadInput(
            f"This corpus is too small for a vocabulary of {size:,}: after merging every pair it has, training "
            f"stopped at {len(vocab):,} tokens. Ask for {len(vocab):,} or fewer, or paste more text.",
            ko=f"말뭉치가 어휘 크기 {size:,}에 비해 너무 작아요. 가능한 쌍을 모두 합쳐도 {len(vocab):,}개에서 멈췄어요. "
            f"{len(vocab):,} 이하로 정하거나 글을 더 붙여 넣으세요.",
        )
    word_tokens = tokenizer.encode(word).tokens
    by_id = sorted(vocab, key=vocab.get)
    if kind is Algorithm.BPE:
        pairs = [tuple(pair) for pair in json.loads(tokenizer.to_str())["model"]["merges"]]
        merges = replay_merges(counts, pairs)
        steps = bpe_steps(tokenizer, {pair: rank for rank, pair in enumerate(pairs, start=1)}, word)
    else:
        merges = []
        steps = wordpiece_steps(tokenizer, word)
    basics = {UNK, *alphabet, *(CONTINUATION + ch for ch in alphabet)}
    return TrainedTokenizer(
        algorithm=kind,
        requested_vocab_size=size,
        vocab_size=len(vocab),
        alphabet=alphabet,
        merges=merges,
        learned=[t for t in by_id if t not in basics],
        word=word,
        steps=steps,
        word_tokens=word_tokens,
        corpus_words=sum(counts.values()),
        seconds=time.perf_counter() - started,
        tokenizer=tokenizer,
    )


def notebook_code(result: TrainedTokenizer) -> str:
    """The Python that trains the same tokenizer in a notebook."""
    model, trainer = ("BPE", "BpeTrainer") if result.algorithm is Algorithm.BPE else ("WordPiece", "WordPieceTrainer")
    prefix = ', continuing_subword_prefix="##"' if result.algorithm is Algorithm.WORDPIECE else ""
    return f"""from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import {model}
from tokenizers.trainers import {trainer}

corpus = open("corpus.txt", encoding="utf-8").read().splitlines()  # your text, one line each

tokenizer = Tokenizer({model}(unk_token="[UNK]"{prefix}))
tokenizer.normalizer = normalizers.NFC()
tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()  # split at spaces and punctuation first
trainer = {trainer}(vocab_size={result.requested_vocab_size}, special_tokens=["[UNK]"]{prefix})
tokenizer.train_from_iterator(corpus, trainer)

print(tokenizer.get_vocab_size())
print(tokenizer.encode({result.word!r}).tokens)
{"# the merges, in the order they were learned" + chr(10) + 'import json; print(json.loads(tokenizer.to_str())["model"]["merges"][:20])' if model == "BPE" else ""}
"""
