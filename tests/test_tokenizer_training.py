"""Train-your-own BPE and WordPiece: merges are the most frequent pairs; the steps end in the tokenizer's result."""

import re
import unicodedata
from collections import Counter

import pytest

from core.errors import BadInput
from core.tokenizers.training import MAX_VOCAB, notebook_code, sample_corpus, train_tokenizer

SMALL_CORPUS = "low lower lowest\nnew newer newest\nwide wider widest\nlow low new new\n"


@pytest.fixture(scope="module")
def bpe():
    return train_tokenizer(sample_corpus(), "bpe", 500, "tokenizing")


def words_of(corpus: str) -> Counter:
    """The words the trainer sees, counted independently of the code under test."""
    words = Counter()
    for line in corpus.splitlines():
        words.update(re.findall(r"\w+|[^\w\s]+", unicodedata.normalize("NFC", line)))
    return words


def pair_counts(segmented: dict[tuple[str, ...], int]) -> Counter:
    counts = Counter()
    for symbols, freq in segmented.items():
        for pair in zip(symbols, symbols[1:]):
            counts[pair] += freq
    return counts


def apply(segmented: dict[tuple[str, ...], int], left: str, right: str) -> dict[tuple[str, ...], int]:
    merged = {}
    for symbols, freq in segmented.items():
        out, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == (left, right):
                out.append(left + right)
                i += 2
            else:
                out.append(symbols[i])
                i += 1
        merged[tuple(out)] = merged.get(tuple(out), 0) + freq
    return merged


@pytest.mark.parametrize("corpus", [SMALL_CORPUS, sample_corpus()])
def test_the_first_merges_are_the_most_frequent_pairs(corpus):
    result = train_tokenizer(corpus, "bpe", len({ch for w in words_of(corpus) for ch in w}) + 10)
    segmented = {tuple(word): freq for word, freq in words_of(corpus).items()}
    for merge in result.merges[:5]:
        counts = pair_counts(segmented)
        assert counts[(merge.left, merge.right)] == max(counts.values()) == merge.count
        segmented = apply(segmented, merge.left, merge.right)


def test_the_first_merge_of_the_small_corpus_is_fixed_by_counting():
    first = train_tokenizer(SMALL_CORPUS, "bpe", 20).merges[0]
    # "lo" and "ow" occur 5 times, "ne" and "ew" 5 times, "wi" 3 times: the trainer breaks ties itself.
    assert first.count == 5 and (first.left, first.right) in {("l", "o"), ("o", "w"), ("n", "e"), ("e", "w")}


def test_merge_counts_never_grow(bpe):
    counts = [m.count for m in bpe.merges]
    assert counts == sorted(counts, reverse=True)
    assert [m.rank for m in bpe.merges] == list(range(1, len(bpe.merges) + 1))
    assert all(m.new == m.left + m.right for m in bpe.merges)


def test_the_vocabulary_has_the_asked_size(bpe):
    assert bpe.vocab_size == 500 == len(bpe.tokenizer.get_vocab())
    assert len(bpe.merges) == 500 - 1 - len(bpe.alphabet)


@pytest.mark.parametrize("algorithm", ["bpe", "wordpiece"])
@pytest.mark.parametrize("word", ["tokenizing", "lowest", "투표했어요", "zzqx unbelievable words"])
def test_step_by_step_ends_in_the_tokenizers_own_result(algorithm, word):
    result = train_tokenizer(sample_corpus(), algorithm, 600, word)
    assert result.steps[-1].pieces == result.word_tokens == result.tokenizer.encode(word).tokens


def test_bpe_steps_apply_merges_in_rank_order(bpe):
    ranks = [step.rank for step in bpe.steps[1:]]
    assert ranks == sorted(ranks) and bpe.steps[0].pieces == list("tokenizing")


def test_wordpiece_marks_pieces_inside_words():
    result = train_tokenizer(sample_corpus(), "wordpiece", 600, "tokenizing")
    assert result.merges == []
    assert all(t.startswith("##") for t in result.word_tokens[1:])
    assert any(t.startswith("##") for t in result.learned)


def test_a_character_never_seen_is_unknown():
    result = train_tokenizer(SMALL_CORPUS, "bpe", 20, "lowq")
    assert result.word_tokens[-1] == "[UNK]" and result.steps[-1].pieces == result.word_tokens


def test_json_lists_merges_with_pair_count_and_new_symbol(bpe):
    first = bpe.to_json()["merges"][0]
    assert set(first) == {"rank", "pair", "count", "new"} and first["rank"] == 1
    assert bpe.to_json()["tokens"] == ["tokeniz", "ing"]


@pytest.mark.parametrize(
    ("corpus", "algorithm", "vocab_size", "message"),
    [
        ("", "bpe", 100, "training corpus is empty"),
        (SMALL_CORPUS, "bpe", 5, "from 10 to 30,000"),
        (SMALL_CORPUS, "bpe", MAX_VOCAB + 1, "from 10 to 30,000"),
        (SMALL_CORPUS, "bpe", 20.5, "whole number"),
        (SMALL_CORPUS, "unigram", 100, "'bpe' or 'wordpiece'"),
        (SMALL_CORPUS, "bpe", 1000, "too small for a vocabulary of 1,000.*stopped at 27 tokens. Ask for 27 or fewer"),
        (SMALL_CORPUS, "wordpiece", 1000, "too small for a vocabulary of 1,000"),
        ("ab ab", "bpe", 20, "far too small"),
        (sample_corpus(), "bpe", 100, "cannot even hold this corpus's 2\\d\\d different characters"),
    ],
)
def test_bad_training_input_is_explained(corpus, algorithm, vocab_size, message):
    with pytest.raises(BadInput, match=message):
        train_tokenizer(corpus, algorithm, vocab_size)


def test_notebook_code_trains_the_same_tokenizer(bpe):
    code = notebook_code(bpe)
    assert "BpeTrainer(vocab_size=500" in code and "print(tokenizer.encode('tokenizing').tokens)" in code
