"""The lab's training section: train a BPE or WordPiece on your text; watch the merges and one word."""

from collections.abc import Callable

import gradio as gr
import pandas as pd

from core.localized import Localized
from core.tokenizers.training import (
    MAX_VOCAB,
    MIN_VOCAB,
    Algorithm,
    TrainedTokenizer,
    notebook_code,
    sample_corpus,
    train_tokenizer,
)
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.literal import md_code
from tabs.widgets.examples import examples
from tabs.widgets.task_tab import raw_and_code

#: Merges listed in the table; the JSON keeps every one.
SHOWN_MERGES = 500
MERGE_HEADERS = ["rank", "pair", "count", "new symbol"]
STEP_HEADERS = ["step", "applied", "pieces"]

STRINGS = {
    "en": {
        "train.section": "Train your own",
        "train.explain": (
            "**BPE** (byte pair encoding) starts from single characters, counts every pair of neighbours in every "
            "word, and merges the most frequent pair into a new symbol; then counts again, merges again, until the "
            "vocabulary has the size you asked for. The table lists the merges in the order they were learned. "
            "**WordPiece** (BERT) learns its vocabulary in a similar way, but tokenizes by taking the longest piece "
            "it knows at each position, marking pieces inside a word with `##`. Both are trained here with the "
            "`tokenizers` library, exactly as you would in a notebook."
        ),
        "train.corpus": "Training text (one text a line)",
        "train.corpus_info": "Starts with the lab's sample corpus (English and Korean); paste your own",
        "train.algorithm": "Algorithm",
        "train.vocab_size": "Vocabulary size",
        "train.vocab_size_info": f"{MIN_VOCAB} to {MAX_VOCAB:,}; must be larger than the number of different characters",
        "train.word": "Word (or sentence) to tokenize step by step",
        "train.merges": "Learned merges, in order",
        "train.steps": "The word, step by step",
        "train.summary": "Summary",
    },
    "ko": {
        "train.section": "직접 학습하기",
        "train.explain": (
            "**BPE**(바이트 페어 인코딩)는 글자 하나하나에서 시작해서, 모든 단어에서 이웃한 두 기호의 쌍을 세고, "
            "가장 자주 나온 쌍을 새 기호로 합쳐요. 다시 세고 또 합치기를 어휘가 원하는 크기가 될 때까지 반복해요. "
            "표에는 병합이 배운 순서대로 나와요. **WordPiece**(BERT)도 비슷하게 어휘를 배우지만, 토큰화할 때는 "
            "위치마다 아는 가장 긴 조각을 고르고 단어 안쪽 조각에 `##`를 붙여요. 둘 다 노트북에서처럼 "
            "`tokenizers` 라이브러리로 학습해요."
        ),
        "train.corpus": "학습할 글 (한 줄에 하나)",
        "train.corpus_info": "실험실 예시 말뭉치(영어·한국어)로 시작해요. 직접 붙여 넣어도 돼요",
        "train.algorithm": "알고리즘",
        "train.vocab_size": "어휘 크기",
        "train.vocab_size_info": f"{MIN_VOCAB}~{MAX_VOCAB:,}, 서로 다른 글자 수보다 커야 해요",
        "train.word": "한 단계씩 토큰화할 단어(또는 문장)",
        "train.merges": "배운 병합 (순서대로)",
        "train.steps": "단어를 한 단계씩",
        "train.summary": "요약",
    },
}


def _summary(result: TrainedTokenizer, language: str) -> str:
    tokens = " ".join(md_code(t) for t in result.word_tokens)
    return Localized(
        f"Learned {result.vocab_size:,} tokens from {result.corpus_words:,} words ({len(result.alphabet):,} "
        f"characters + [UNK] + {len(result.learned):,} new tokens, {result.seconds:.2f} s). '{result.word}' → {tokens}",
        f"{result.corpus_words:,}개 단어에서 어휘 {result.vocab_size:,}개를 배웠어요"
        f"(글자 {len(result.alphabet):,}개 + [UNK] + 새 토큰 {len(result.learned):,}개, {result.seconds:.2f}초). "
        f"'{result.word}' → {tokens}",
    ).text(language)


def make_handler(ctx: AppContext) -> Callable:
    """The /train_tokenizer handler (no model is loaded: training is local and quick)."""

    @user_errors
    def run_train(
        corpus: str,
        algorithm: str = Algorithm.BPE.value,
        vocab_size: float = 500,
        word: str = "tokenizing",
        language: str = "auto",
        request: gr.Request = None,
    ) -> tuple:
        """Train a small BPE or WordPiece tokenizer on a corpus (locally, in seconds) and tokenize one word step by step; the first output is {"algorithm", "vocab_size", "merges", "learned_tokens", "steps", "tokens", …}.

        Args:
            corpus: The training text, any number of lines, up to 100,000 characters.
            algorithm: The subword algorithm to train: bpe (default, byte-pair merges) or wordpiece.
            vocab_size: Size of the vocabulary to learn, 10 to 30,000 and more than the corpus's distinct characters; default 500.
            word: A word (or sentence) to tokenize with the new vocabulary, step by step (first 100 characters); default "tokenizing".
        Returns:
            The raw JSON {"algorithm", "vocab_size", "alphabet_size", "merges": [{"rank", "pair", "count", "new"}, …], "learned_tokens", "word", "steps": [{"step", "applied", "rank", "pieces"}, …], "tokens"}; then a summary, the merges and steps tables and the Python code.
        """
        result = train_tokenizer(corpus, algorithm, vocab_size, word)
        merges = [[m.rank, f"{m.left} + {m.right}", m.count, m.new] for m in result.merges[:SHOWN_MERGES]]
        steps = [[s.number, s.applied, " · ".join(s.pieces)] for s in result.steps]
        return (
            result.to_json(),
            _summary(result, resolve_language(language, request)),
            pd.DataFrame(merges, columns=MERGE_HEADERS),
            pd.DataFrame(steps, columns=STEP_HEADERS),
            notebook_code(result),
        )

    return run_train


def build_section(ctx: AppContext) -> None:
    with gr.Tab(tr("train.section")):
        gr.Markdown(tr("train.explain"))
        with gr.Row():
            corpus = gr.Textbox(
                value=sample_corpus(), label=tr("train.corpus"), info=tr("train.corpus_info"), lines=8, max_lines=16
            )
            with gr.Column():
                algorithm = gr.Radio([a.value for a in Algorithm], value="bpe", label=tr("train.algorithm"))
                vocab_size = gr.Number(value=500, precision=0, label=tr("train.vocab_size"),
                                       info=tr("train.vocab_size_info"))  # fmt: skip
                word = gr.Textbox(value="tokenizing", label=tr("train.word"))
                run = gr.Button(tr("common.run"), variant="primary")
        summary = gr.Markdown()
        with gr.Row():
            merges = gr.Dataframe(headers=MERGE_HEADERS, label=tr("train.merges"), max_height=420)
            steps = gr.Dataframe(headers=STEP_HEADERS, label=tr("train.steps"), wrap=True, max_height=420)
        raw, code = raw_and_code()
        examples(
            [["bpe", 500, "tokenizing"], ["wordpiece", 500, "tokenizing"], ["bpe", 700, "투표했어요"]],
            inputs=[algorithm, vocab_size, word],
            headers=["Algorithm · 알고리즘", "vocab_size · 어휘 크기", "Word · 단어"],
        )
        run.click(
            make_handler(ctx),
            inputs=[corpus, algorithm, vocab_size, word, ctx.language],
            outputs=[raw, summary, merges, steps, code],
            api_name="train_tokenizer",
        )
