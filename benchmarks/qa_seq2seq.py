"""Speed and memory of /answer, /summarize and /translate on this machine, offline.

Real-size stand-ins, built here (the Hub is not needed): the bundled MiniLM (6 layers, hidden 384)
with a random question-answering head, and a T5-small-shaped model (6+6 layers, d_model 512) with
random weights. Random weights do not change the amount of work: windows × layers for QA,
generated tokens × beams for generation.

    python benchmarks/qa_seq2seq.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.generation.summarize import stream_summary  # noqa: E402
from core.registry import BUNDLED_MINILM, bundled_path  # noqa: E402
from core.text.answer import answer  # noqa: E402
from tests.kit.environment import use_offline_environment  # noqa: E402

CONTEXT_SENTENCE = "Seoul is the capital of South Korea and its largest city. "


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_minilm_qa(path: Path) -> Path:
    from transformers import AutoTokenizer, BertForQuestionAnswering

    source = bundled_path(BUNDLED_MINILM)
    BertForQuestionAnswering.from_pretrained(source).save_pretrained(path)
    AutoTokenizer.from_pretrained(source).save_pretrained(path)
    return path


def build_t5_small_shape(path: Path) -> Path:
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    config = T5Config(vocab_size=30522, d_model=512, d_kv=64, d_ff=2048, num_layers=6, num_heads=8, pad_token_id=0,
                      eos_token_id=102, decoder_start_token_id=0)  # fmt: skip
    T5ForConditionalGeneration(config).save_pretrained(path)
    AutoTokenizer.from_pretrained(bundled_path(BUNDLED_MINILM)).save_pretrained(path)
    return path


def bench_answer(model: Path) -> None:
    print("## /answer: MiniLM-L6 QA, max_seq_len=384, doc_stride=128")
    answer("Warm-up?", CONTEXT_SENTENCE, str(model))
    for chars in (1_000, 10_000, 100_000):
        context = (CONTEXT_SENTENCE * (chars // len(CONTEXT_SENTENCE) + 1))[:chars]
        started = time.perf_counter()
        result = answer("What is the capital of South Korea?", context, str(model))
        seconds = time.perf_counter() - started
        print(f"{chars:>8,} chars  {result.context_tokens:>6,} tokens  {result.windows:>4} windows  "
              f"{seconds:6.2f} s  peak RSS {peak_mb():,.0f} MB")  # fmt: skip


def bench_generation(model: Path) -> None:
    print("## /summarize: T5-small shape, 64 new tokens forced (min_length=max_length=64)")
    text = CONTEXT_SENTENCE * 20
    for beams in (1, 4):
        started = time.perf_counter()
        first = None
        for step in stream_summary(text, str(model), max_length=64, min_length=64, num_beams=beams):
            if first is None and step.summary:
                first = time.perf_counter() - started
        seconds = time.perf_counter() - started
        tokens = len(step.token_ids)
        print(f"num_beams={beams}  input {step.kept} tokens  {tokens} tokens out  {seconds:6.2f} s  "
              f"{tokens / seconds:5.1f} tokens/s  first text after {first or seconds:.2f} s  peak RSS {peak_mb():,.0f} MB")  # fmt: skip


def main() -> None:
    use_offline_environment()
    with tempfile.TemporaryDirectory() as tmp:
        bench_answer(build_minilm_qa(Path(tmp) / "minilm-qa"))
        bench_generation(build_t5_small_shape(Path(tmp) / "t5-small-shape"))


if __name__ == "__main__":
    main()
